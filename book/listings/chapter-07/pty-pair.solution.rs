/// A new pseudo-terminal pair of the devpts instance `/dev/ptmx` leads to: master and slave.
fn open_pair() -> sys::Result<(OwnedFd, OwnedFd)> {
    // /dev/ptmx is the container's (a link to its devpts instance's ptmx): the pair is the
    // container's, numbered from 0, and the host's /dev/pts never sees it. A new slave is
    // locked until its master unlocks it; it is opened through the master (TIOCGPTPEER), not by
    // its path.
    let master = sys::open_ptmx()?;
    sys::unlockpt(master.as_fd())?;
    let slave = sys::open_peer(master.as_fd())?;
    Ok((master, slave))
}
