/// The PID namespace: the container's first process is its pid 1, and sees no process outside.
fn pid() -> CloneFlags {
    CloneFlags::CLONE_NEWPID
}
