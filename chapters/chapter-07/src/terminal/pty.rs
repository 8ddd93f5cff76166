//! The command's terminal: a pseudo-terminal pair of the container's devpts, its slave side the
//! command's controlling terminal and its standard input, output and error.

#[allow(unused_imports)] // until your code uses it, in chapter 7
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
    // TODO(chapter 7): Allocate the pair
    //   (the book: chapter 7, "Allocate the pair")
    // Make a new pseudo-terminal pair in the container's devpts instance and open both
    // sides, the slave through the master: see "Allocate the pair". Until then there is no
    // terminal, and `run -t` fails.
    Err(sys::Error::Refused {
        call: "open(\"/dev/ptmx\")".into(),
        reason: "no terminal is allocated yet: see chapter 7, \"Allocate the pair\"",
    })
}

/// Makes `slave` the controlling terminal of the calling process's new session, and its
/// standard input, output and error (the command inherits all four).
fn make_it_the_terminal(slave: OwnedFd) -> sys::Result<()> {
    // TODO(chapter 7): Make it the command's terminal
    //   (the book: chapter 7, "Make it the command's terminal")
    // Make `slave` this session's controlling terminal and the command's standard input,
    // output and error: see "Make it the command's terminal". Until then the command keeps
    // the descriptors it had, and the terminal stays unused.
    let _ = slave;
    Ok(())
}
