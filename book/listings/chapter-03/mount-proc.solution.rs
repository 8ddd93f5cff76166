/// A new instance of procfs at /proc.
fn mount_proc() -> sys::Result<()> {
    // A procfs instance shows the processes of the PID namespace of whoever mounts it: this one
    // shows the container's.
    let target = Path::new("/proc");
    sys::mkdir_all(target)?;
    sys::mount(
        Some(Path::new("proc")),
        target,
        Some("proc"),
        SAFE | MsFlags::MS_NOEXEC,
        None,
    )
}
