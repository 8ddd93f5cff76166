// [ch02 file]
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
// [ch02 unsolved allow(dead_code)]
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
        // [ch02 exercise hold-signals: Hold the signals back]
        // Blocked, a signal waits, pending, until it is read from the signalfd: one that arrives
        // between clone(2) and the loop that reads it is passed on late rather than lost, and
        // none can take its default action on minidock (end it) before minidock has passed it
        // on. The signalfd only reads signals that are blocked: SIGCHLD, left unblocked, would
        // be discarded, as its default action says, and the loop would never hear that the
        // child ended.
        let set = caught();
        sys::block_signals(&set)?;
        Ok(Signals(sys::signalfd(&set)?))
        // [ch02 mistake hold-usual-signals-only: chapter_02::any_signal_minidock_can_catch_reaches_the_command]
        //~ // The signals people send to stop or poke a program, and the news of the children.
        //~ let mut set = SigSet::from(Signal::SIGCHLD);
        //~ for signal in [
        //~     Signal::SIGHUP,
        //~     Signal::SIGINT,
        //~     Signal::SIGQUIT,
        //~     Signal::SIGUSR1,
        //~     Signal::SIGUSR2,
        //~     Signal::SIGTERM,
        //~     Signal::SIGWINCH,
        //~ ] {
        //~     set.add(signal);
        //~ }
        //~ sys::block_signals(&set)?;
        //~ Ok(Signals(sys::signalfd(&set)?))
        // [ch02 mistake read-fewer-than-blocked: chapter_02::any_signal_minidock_can_catch_reaches_the_command]
        //~ // Every signal held back; the ones worth reading are those people send, and the news
        //~ // of the children.
        //~ sys::block_signals(&caught())?;
        //~ let mut read = SigSet::from(Signal::SIGCHLD);
        //~ for signal in [Signal::SIGHUP, Signal::SIGINT, Signal::SIGTERM, Signal::SIGUSR1] {
        //~     read.add(signal);
        //~ }
        //~ Ok(Signals(sys::signalfd(&read)?))
        // [ch02 mistake read-without-blocking: chapter_02::signals_sent_to_minidock_reach_the_command]
        //~ // The signalfd catches them: only SIGCHLD, ignored by default, needs holding back.
        //~ sys::block_signals(&SigSet::from(Signal::SIGCHLD))?;
        //~ Ok(Signals(sys::signalfd(&caught())?))
        // [ch02 before]
        //~ // Hold back every signal minidock will pass on, so that each waits to be read here
        //~ // instead of acting on minidock. Until then only the news of the
        //~ // children is held back and read, which the loop in `Container::wait` needs to notice
        //~ // the end of the container: a SIGTERM kills minidock itself, and leaves the container
        //~ // behind.
        //~ let news = SigSet::from(Signal::SIGCHLD);
        //~ sys::block_signals(&news)?;
        //~ Ok(Signals(sys::signalfd(&news)?))
        // [ch02 end]
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

// [ch06]
/// The signalfd, for a loop that waits for more than signals (a monitor's, with the container's
/// output): readable when a signal is pending.
impl std::os::fd::AsFd for Signals {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.0.as_fd()
    }
}
// [ch06 end]
