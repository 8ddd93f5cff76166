/// A pidfd of the container's first process; `None` if it does not run (any more).
fn open(first: Process) -> Result<Option<OwnedFd>> {
    if first.pid <= 0 {
        return Ok(None);
    }
    let pidfd = match sys::pidfd_open(first.pid) {
        Ok(pidfd) => pidfd,
        // No such process: it has ended, and been reaped.
        Err(sys::Error::Failed {
            errno: nix::errno::Errno::ESRCH,
            ..
        }) => return Ok(None),
        Err(source) => return Err(Error::Open(source)),
    };
    // Read after the pidfd was opened: if the pid's process started when the container's did,
    // the pidfd was opened on the container's process.
    Ok(first.alive().then_some(pidfd))
}
