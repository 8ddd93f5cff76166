//! The command's terminal: a pseudo-terminal pair of the container's devpts, its slave side the
//! command's controlling terminal and its standard input, output and error.

use std::os::fd::AsFd;
use std::os::fd::OwnedFd;

use crate::sys;

/// In the container's first process, after `setsid`: a new pair, the slave made the command's
/// terminal; returns the master, for minidock.
pub fn open_for_command() -> sys::Result<OwnedFd> {
    let (master, slave) = open_pair()?;
    make_it_the_terminal(slave)?;
    Ok(master)
}

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

/// Makes `slave` the controlling terminal of the calling process's new session, and its
/// standard input, output and error (the command inherits all four).
fn make_it_the_terminal(slave: OwnedFd) -> sys::Result<()> {
    // The session is new (chapter 2's setsid) and has no terminal: this one becomes it, so the
    // line discipline sends Ctrl-C's SIGINT and a resize's SIGWINCH to the command's foreground
    // process group. Then the standard descriptors; the slave's own descriptor is closed when
    // it is dropped (close-on-exec, too).
    sys::set_controlling_terminal(slave.as_fd())?;
    for fd in 0..=2 {
        sys::dup2(&slave, fd)?;
    }
    Ok(())
}
