/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Pivot to the new root
    //   (the book: chapter 3, "Pivot to the new root")
    // Bind `rootfs` onto itself, pivot_root(2) into it with the old root put in `OLD_ROOT`,
    // then detach and remove the old root, and mount the container's own filesystems with
    // `mounts::prepare`. Until then the container is chrooted, as in chapter 1.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
