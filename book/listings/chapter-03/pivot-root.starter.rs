/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Pivot to the new root
    //   (the book: chapter 3, "Pivot to the new root")
    // Bind `rootfs` onto itself (it is both the source and the target of the bind), step
    // into it, and pivot_root(2) with `.` as both arguments, which stacks the old root on
    // top of the new one. Then detach the old root (it is at `.`), chdir to `/`, and mount
    // the container's own filesystems with `mounts::prepare`. Until then the container is
    // chrooted, as in chapter 1.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
