/// The IPC namespace: System V message queues, semaphores and shared memory, and POSIX message
/// queues, made inside the container stay inside it.
fn ipc() -> CloneFlags {
    CloneFlags::CLONE_NEWIPC
}
