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

use crate::sys::{self, Signo};

/// The signals minidock does not pass on, as `docker run` (its `--sig-proxy`) does not: the news
/// of its own children, a closed pipe, and urgent socket data (which Go's runtime, and so
/// docker's, uses for itself). Every other signal minidock can catch, real-time ones included,
/// goes to the container. (`SIGKILL` and `SIGSTOP` cannot be caught by anyone.)
pub const NOT_FORWARDED: [Signal; 3] = [Signal::SIGCHLD, Signal::SIGPIPE, Signal::SIGURG];

/// One piece of news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A signal to pass on.
    Signal(Signo),
    /// A child has ended (or several have: the kernel keeps one pending `SIGCHLD` for any number
    /// of them).
    ChildEnded,
}

/// The blocked signals, and the descriptor they are read from.
pub struct Signals(SignalFd);

/// The signals minidock holds back: the ones it passes on, and `SIGCHLD`.
fn caught() -> SigSet {
    let mut set = SigSet::all();
    for signal in NOT_FORWARDED {
        set.remove(signal);
    }
    set.add(Signal::SIGCHLD);
    set
}

impl Signals {
    /// Holds back every signal minidock will pass on, and the news of its children, and opens the
    /// signalfd they are read from.
    ///
    /// minidock calls it before `clone(2)`. The child inherits the blocked set (through `clone`,
    /// and the init's `fork`), which is why the process that becomes the command clears it
    /// before it executes the command (`exec::start`).
    pub fn catch() -> sys::Result<Signals> {
        // Blocked, a signal waits, pending, until it is read from the signalfd: one that arrives
        // between clone(2) and the loop that reads it is passed on late rather than lost, and
        // none can take its default action on minidock (end it) before minidock has passed it
        // on. The signalfd only reads signals that are blocked: SIGCHLD, left unblocked, would
        // be discarded, as its default action says, and the loop would never hear that the
        // child ended.
        let set = caught();
        sys::block_signals(&set)?;
        Ok(Signals(sys::signalfd(&set)?))
    }

    /// Waits for the next piece of news.
    pub fn next(&mut self) -> sys::Result<Event> {
        let signal = sys::read_signal(&mut self.0)?;
        Ok(if signal == Signo::from(Signal::SIGCHLD) {
            Event::ChildEnded
        } else {
            Event::Signal(signal)
        })
    }
}

/// The signalfd, for a loop that waits for more than signals (a monitor's, with the container's
/// output): readable when a signal is pending.
impl std::os::fd::AsFd for Signals {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.0.as_fd()
    }
}
