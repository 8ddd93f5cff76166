/// The container's POSIX shared memory and message queues, below `dev`.
fn mount_ipc(dev: &Path) -> sys::Result<()> {
    let shm = dev.join("shm");
    sys::mkdir_all(&shm)?;
    // Shared memory is files in memory, and a tmpfs may grow to half of the RAM: `size` bounds
    // what the container can take this way, as Docker's --shm-size does (64 MiB by default).
    sys::mount(
        Some(Path::new("shm")),
        &shm,
        Some("tmpfs"),
        SAFE | MsFlags::MS_NOEXEC,
        Some("mode=1777,size=65536k"),
    )?;
    let mqueue = dev.join("mqueue");
    sys::mkdir_all(&mqueue)?;
    // An mqueue filesystem shows the POSIX message queues of the IPC namespace of whoever
    // mounts it: the container's (chapter 2).
    sys::mount(
        Some(Path::new("mqueue")),
        &mqueue,
        Some("mqueue"),
        SAFE | MsFlags::MS_NOEXEC,
        None,
    )
}
