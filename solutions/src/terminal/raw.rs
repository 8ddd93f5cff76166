// [ch07 file]
//! The caller's terminal in raw mode while a container's terminal is attached to it.
//!
//! In its usual, "cooked" mode, a terminal's line discipline edits a line before a program sees
//! it, echoes what is typed, and turns Ctrl-C into SIGINT for the program in the foreground: all
//! of that must happen once, in the container's terminal, and not a first time in the caller's.
//! Raw mode turns it off: every byte typed reaches minidock as it is typed, and from there the
//! container's terminal, whose line discipline does the rest.

use std::os::fd::{BorrowedFd, RawFd};

// [ch07 unsolved allow(unused_imports)]
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
        // [ch07 exercise raw-mode: Raw mode]
        // The modes as they are, kept to be given back; then a copy of them, made raw (no echo,
        // no line editing, no signals from keys, no output processing: cfmakeraw(3)), set at once.
        let saved = sys::tcgetattr(terminal)?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        sys::tcsetattr(terminal, SetArg::TCSANOW, &raw)?;
        Ok(Raw { fd, saved })
        // [ch07 mistake raw-kept: chapter_07::detaching_leaves_the_container_running_and_the_terminal_as_it_was, chapter_07::a_signal_that_ends_run_it_gives_the_terminal_back_as_it_was]
        //~ // The modes, made raw, and kept.
        //~ let mut modes = sys::tcgetattr(terminal)?;
        //~ termios::cfmakeraw(&mut modes);
        //~ sys::tcsetattr(terminal, SetArg::TCSANOW, &modes)?;
        //~ Ok(Raw { fd, saved: modes })
        // [ch07 before]
        //~ // Put the terminal in raw mode, keeping its modes as they were in `saved` for `drop`
        //~ // to give back: see "Raw mode". Until then it stays cooked: it echoes what you type a
        //~ // second time, holds it until Enter, and Ctrl-C or the detach keys never reach the
        //~ // container as keys.
        //~ let saved = sys::tcgetattr(terminal)?;
        //~ Ok(Raw { fd, saved })
        // [ch07 end]
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
