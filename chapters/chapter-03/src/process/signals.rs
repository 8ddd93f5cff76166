//! Signals: the news a waiting process listens for.
//!
//! While the container runs, minidock waits for two kinds of news: a signal meant for the
//! container (someone ran `kill` on minidock, or pressed Ctrl-C), and the end of a child
//! (`SIGCHLD`). Rather than handling them in signal handlers, which may run at any instruction and
//! can do almost nothing safely, it blocks them all and reads them one at a time from a
//! signalfd(2), as ordinary events, in a plain loop:
//!
//! ```text
//!   kill -TERM <minidock> ──▶ SIGTERM pending (blocked) ──▶ signalfd ──▶ Event::Signal(SIGTERM)
//!   the child exits       ──▶ SIGCHLD pending (blocked) ──▶ signalfd ──▶ Event::ChildEnded
//! ```
//!
//! A blocked signal waits, pending, until it is read: none is lost between `clone(2)` and the
//! loop, and none can kill minidock before it has passed it on. `--init` uses the same loop inside
//! the container.

use nix::sys::signal::{SigSet, Signal};
use nix::sys::signalfd::SignalFd;

use crate::sys;

/// The signals minidock passes on to the container, as `docker run` does (its `--sig-proxy`):
/// the ones a user sends to stop, reload or poke a program, and the terminal's window size.
pub const FORWARDED: [Signal; 7] = [
    Signal::SIGHUP,
    Signal::SIGINT,
    Signal::SIGQUIT,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGTERM,
    Signal::SIGWINCH,
];

/// One piece of news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A signal to pass on.
    Signal(Signal),
    /// A child has ended (or several have: the kernel keeps one pending `SIGCHLD` for any number
    /// of them).
    ChildEnded,
}

/// The blocked signals, and the descriptor they are read from.
pub struct Signals(SignalFd);

impl Signals {
    /// Blocks the forwarded signals and `SIGCHLD`, and opens the signalfd to read them.
    ///
    /// Call it before `clone(2)`: from then on nothing is lost or acted on too early. The child
    /// inherits the blocked set, which is why the container's first process clears it before it
    /// executes the command.
    pub fn catch() -> sys::Result<Signals> {
        let mut set = SigSet::empty();
        for signal in FORWARDED {
            set.add(signal);
        }
        set.add(Signal::SIGCHLD);
        sys::block_signals(&set)?;
        Ok(Signals(sys::signalfd(&set)?))
    }

    /// Waits for the next piece of news.
    pub fn next(&mut self) -> sys::Result<Event> {
        loop {
            let info = match self.0.read_signal() {
                Ok(Some(info)) => info,
                Ok(None) | Err(nix::errno::Errno::EINTR) => continue,
                Err(errno) => {
                    return Err(sys::Error {
                        call: "read(signalfd)".into(),
                        errno,
                    })
                }
            };
            match Signal::try_from(info.ssi_signo as i32) {
                Ok(Signal::SIGCHLD) => return Ok(Event::ChildEnded),
                Ok(signal) => return Ok(Event::Signal(signal)),
                // Only blocked signals are read, and all of them have names.
                Err(_) => continue,
            }
        }
    }
}
