//! Terminals: a pseudo-terminal for a container's command (`-t`), the caller's terminal in raw
//! mode while it is attached, and the keys that detach it.
//!
//! ```text
//!   keyboard ─▶ your terminal (raw) ─▶ minidock attach ─▶ monitor ─▶ master ═╗ the pair, in the
//!   screen   ◀─ your terminal       ◀─ minidock attach ◀─ monitor ◀─ master ═╝ container's devpts
//!                                                                     slave: the command's
//!                                                                     0, 1, 2 and its controlling
//!                                                                     terminal (line discipline:
//!                                                                     echo, Ctrl-C, sizes)
//! ```
//!
//! The pair is made inside the container, in its own devpts instance (chapter 3), by its first
//! process, which makes the slave its controlling terminal and hands the master to minidock over
//! a socket (`SCM_RIGHTS`), as runc hands it over its `--console-socket`.

pub mod keys;
pub mod pty;
pub mod raw;
pub mod session;

use std::os::fd::{AsFd, BorrowedFd};

use crate::config::ConsoleSize;
use crate::sys;

/// In the container's first process (or exec's), once it leads a session of its own: a terminal
/// for the command, of `size` if one is given (the caller's: a command that asks for the size at
/// once finds it), its master sent to minidock over `console`.
pub fn hand_over(console: BorrowedFd<'_>, size: Option<ConsoleSize>) -> sys::Result<()> {
    let master = pty::open_for_command()?;
    if let Some(size) = size {
        let size = sys::WindowSize {
            rows: size.height,
            cols: size.width,
        };
        sys::set_window_size(master.as_fd(), size)?;
    }
    sys::send_fd(console, master.as_fd(), "the terminal's master")
    // The master is closed here: minidock has its own copy now.
}
