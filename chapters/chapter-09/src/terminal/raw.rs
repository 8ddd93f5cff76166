//! The caller's terminal in raw mode while a container's terminal is attached to it.
//!
//! In its usual, "cooked" mode, a terminal's line discipline edits a line before a program sees
//! it, echoes what is typed, and turns Ctrl-C into SIGINT for the program in the foreground: all
//! of that must happen once, in the container's terminal, and not a first time in the caller's.
//! Raw mode turns it off: every byte typed reaches minidock as it is typed, and from there the
//! container's terminal, whose line discipline does the rest.

use std::os::fd::{BorrowedFd, RawFd};

use nix::sys::termios;
use nix::sys::termios::{SetArg, Termios};

use crate::sys;

/// A terminal in raw mode; its modes are given back when this is dropped, on every way out of
/// the attach (an error, a signal caught, a detach, the container's end).
pub struct Raw {
    fd: RawFd,
    /// The terminal's modes as they were.
    saved: Termios,
}

impl Raw {
    /// Puts the terminal `fd` in raw mode.
    pub fn enter(fd: RawFd) -> sys::Result<Raw> {
        // SAFETY: one of the caller's standard descriptors, open for as long as minidock runs.
        let terminal = unsafe { BorrowedFd::borrow_raw(fd) };
        // The modes as they are, kept to be given back; then a copy of them, made raw (no echo,
        // no line editing, no signals from keys, no output processing: cfmakeraw(3)), set at once.
        let saved = sys::tcgetattr(terminal)?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        sys::tcsetattr(terminal, SetArg::TCSANOW, &raw)?;
        Ok(Raw { fd, saved })
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        // SAFETY: as in `enter`.
        let terminal = unsafe { BorrowedFd::borrow_raw(self.fd) };
        // TCSADRAIN: what minidock wrote is shown in the raw mode it was written for first.
        let _ = sys::tcsetattr(terminal, SetArg::TCSADRAIN, &self.saved);
    }
}
