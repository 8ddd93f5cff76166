/// The container's POSIX shared memory and message queues, below `dev`.
fn mount_ipc(dev: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Mount shared memory and message queues
    //   (the book: chapter 3, "Mount shared memory and message queues")
    // Give the container its own POSIX shared memory at `dev`/shm, bounded to 64 MiB, and its
    // IPC namespace's POSIX message queues at `dev`/mqueue; in neither can a program run or
    // a device file open. Until then shm_open(3) and mq_open(3) fail in the container.
    let _ = dev;
    Ok(())
}
