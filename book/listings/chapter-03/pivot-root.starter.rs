/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Pivot to the new root
    //   (the book: chapter 3, "Pivot to the new root")
    // Make `rootfs` the root of the container's mount namespace, in place of chroot: meet
    // what pivot_root(2) demands of the new root ("`pivot_root(2)`"), make no name in the
    // image for the old root and leave nothing of it in the namespace ("Where the old root
    // goes"), then give the container its own filesystems (`mounts::prepare`), in its own
    // tree. Until then the container is chrooted, as in chapter 1.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
