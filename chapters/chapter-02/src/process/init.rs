//! `--init`: a small init process of minidock's own as the container's pid 1.
//!
//! Pid 1 of a PID namespace has two jobs that ordinary programs do not expect to have. It
//! receives only the signals it has a handler for (a web server without a SIGTERM handler cannot
//! be stopped politely), and it inherits every orphan of the namespace: a process whose parent
//! ended is re-parented to pid 1, which must collect it with `waitpid` when it ends, or it stays a
//! zombie for as long as the container runs. With `--init`, the container's first process keeps
//! these jobs for itself instead of becoming the command:
//!
//! ```text
//!   pid 1: minidock's init ──fork──▶ pid 2: the command ──▶ its children, orphans...
//!     passes signals on to the command
//!     reaps every child that ends, orphans included
//!     exits with the command's status when the command ends
//! ```
//!
//! It is what docker's `--init` runs (tini, bind-mounted into the container as `/dev/init`);
//! minidock's is a forked copy of itself, so it needs no file inside the image.

use nix::unistd::Pid;

use crate::config::Config;
use crate::process::exec;
use crate::process::exit;
use crate::process::handshake::ContainerEnd;
#[allow(unused_imports)] // until your code uses it, in chapter 2
use crate::process::signals::{Event, Signals};
use crate::sys::{self, Ended};

/// Runs as the container's pid 1: starts the command as its child and looks after it until it
/// ends. Returns the exit status for the container: the command's own, or 128 + N if signal N
/// killed it.
pub fn main(config: &Config, channel: ContainerEnd) -> isize {
    match supervise(config, channel) {
        Ok(ended) => exit::for_ended(ended).into(),
        Err(err) => {
            sys::tell(&sys::chain(&err));
            exit::FAILED.into()
        }
    }
}

fn supervise(config: &Config, channel: ContainerEnd) -> sys::Result<Ended> {
    // TODO(chapter 2): Look after the command
    //   (the book: chapter 2, "Look after the command")
    // Stay on as the container's pid 1: start the command as a child of this process, make
    // sure minidock still learns when its execve succeeds, then pass on the signals that come
    // (`Signals`) and collect the children that end (`reap`) until the command has ended,
    // and return how it ended. Until then this process becomes the command itself, and
    // --init changes nothing.
    std::process::exit(exec::start(&config.process, &channel) as i32)
}

/// Collects the children that have ended, and returns how the command ended if it is one of them.
#[allow(dead_code)] // until your code uses it, in chapter 2
fn reap(command: Pid) -> sys::Result<Option<Ended>> {
    // TODO(chapter 2): Reap orphans
    //   (the book: chapter 2, "Reap orphans")
    // Only the command is collected here. Every other child of pid 1 that ends (orphans of
    // the container, re-parented to it) stays a zombie. Collect all of them, and report the
    // command's end when it is among them.
    sys::try_waitpid(command)
}
