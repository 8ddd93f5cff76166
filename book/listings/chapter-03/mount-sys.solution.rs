/// sysfs at /sys, read-only: the container may look at the kernel's devices, not change them.
fn mount_sys() -> sys::Result<()> {
    let target = Path::new("/sys");
    sys::mkdir_all(target)?;
    sys::mount(
        Some(Path::new("sysfs")),
        target,
        Some("sysfs"),
        SAFE | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY,
        None,
    )
}
