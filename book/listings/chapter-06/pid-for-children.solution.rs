/// In minidock, before the fork: the process it makes next must be born in the container's
/// PID namespace.
fn born_in_its_pid_namespace(target: &Target) -> sys::Result<()> {
    // setns(2) into a PID namespace moves no process: a pid is for life. It decides where the
    // caller's next children are born, so this is done here, before the fork, and minidock
    // itself stays where it is.
    if let Some(pid) = target.namespace(CloneFlags::CLONE_NEWPID) {
        sys::setns(pid.as_fd(), &pid.path, CloneFlags::CLONE_NEWPID)?;
    }
    Ok(())
}
