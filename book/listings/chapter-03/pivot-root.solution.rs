/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // pivot_root(2) wants the new root to be a mount point: bind the directory onto itself.
    sys::mount(
        Some(&rootfs.to_string_lossy()),
        rootfs,
        None,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None,
    )?;
    let old_root = rootfs.join(OLD_ROOT);
    sys::mkdir_all(&old_root)?;
    sys::pivot_root(rootfs, &old_root)?;
    // The working directory still points into the old tree, like after chroot.
    sys::chdir(Path::new("/"))?;
    // The whole host filesystem now hangs at /.old-root: detach it, and it is gone for good,
    // with no way back, unlike after chroot.
    let old_root = Path::new("/").join(OLD_ROOT);
    sys::umount_detach(&old_root)?;
    sys::rmdir(&old_root)?;
    // Now that `/` is the container's own, it gets its own filesystems.
    mounts::prepare()
}
