//! `minidock run`: create a container, start its command, and wait for it to end.
//!
//! This is minidock's side of the story; `init` is the container's. `handshake` draws how the two
//! keep in step.

use std::os::fd::AsRawFd;

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::cli::RunArgs;
use crate::config::{self, Config};
use crate::handshake::{self, ExecFailure, ToContainer, ToMinidock};
use crate::signals::{Event, Signals};
use crate::{exit, init, namespaces, sys};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::Error),
    // Errors with a source say only what was being done: `main` prints the chain.
    #[error("starting the container")]
    Sys(#[from] sys::Error),
    #[error("starting the container")]
    Handshake(#[from] handshake::Error),
    #[error("setting up the container: {0}")]
    Setup(String),
    #[error("{detail}")]
    Exec { reason: ExecFailure, detail: String },
    #[error("waiting for the container")]
    Wait(#[source] sys::Error),
}

impl Error {
    /// The exit status docker would give for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Exec { reason, .. } => exit::for_exec_failure(*reason),
            _ => exit::FAILED,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The child's stack. `clone(2)` without `CLONE_VM` copies minidock's memory, so this is only the
/// room the child's setup code runs in until it executes the command.
const STACK_SIZE: usize = 1 << 20;

/// Runs a container to the end and returns the exit status `minidock run` should exit with.
pub fn run(args: &RunArgs) -> Result<u8> {
    let config = Config::from_args(args, |key| std::env::var(key).ok())?;
    // Before the child exists: a signal sent from now on waits for the loop in `wait`.
    let mut signals = Signals::catch()?;
    let (minidock_end, container_end) = handshake::pair()?;
    let mut stack = vec![0u8; STACK_SIZE];
    let minidock_fd = minidock_end.as_raw_fd();
    let mut container_end = Some(container_end);
    let child = {
        let child_main = Box::new(|| {
            // The child has copies of both ends. It closes minidock's: while it held it, its own
            // recv() could never see end-of-file, and it would wait forever if minidock died.
            let _ = nix::unistd::close(minidock_fd);
            let channel = container_end.take().expect("the child starts once");
            init::main(&config, channel)
        });
        // SAFETY: minidock never starts a thread, so it is single-threaded here; STACK_SIZE is
        // ample for the child's setup, which never recurses deeply.
        unsafe { sys::clone(child_main, &mut stack, namespaces::clone_flags())? }
    };
    // Likewise, minidock closes its copy of the container's end: from now on the only holder is
    // the child, whose exec closes it (close-on-exec), and that is how minidock learns the
    // command started.
    drop(container_end);

    // Setup from outside would go here, while the child waits for the go-ahead.
    let report = minidock_end
        .send(&ToContainer::Continue)
        .and_then(|()| minidock_end.recv());
    match report {
        Ok(None) => wait(child, &mut signals),
        Ok(Some(failure)) => {
            // The child exits right after reporting; collect it so it is not left a zombie.
            sys::waitpid(child).map_err(Error::Wait)?;
            Err(match failure {
                ToMinidock::SetupFailed { detail } => Error::Setup(detail),
                ToMinidock::ExecFailed { reason, detail } => Error::Exec { reason, detail },
            })
        }
        Err(err) => {
            // The child's state is unknown: make sure it is gone before reporting.
            let _ = sys::kill(child, Signal::SIGKILL);
            let _ = sys::waitpid(child);
            Err(err.into())
        }
    }
}

/// Waits for the container to end, passing on the signals minidock receives meanwhile, and turns
/// how it ended into minidock's exit status.
fn wait(child: Pid, signals: &mut Signals) -> Result<u8> {
    loop {
        match signals.next().map_err(Error::Wait)? {
            Event::Signal(signal) => forward(child, signal),
            Event::ChildEnded => {
                if let Some(ended) = sys::try_waitpid(child).map_err(Error::Wait)? {
                    return Ok(exit::for_ended(ended));
                }
            }
        }
    }
}

/// Passes `signal`, which minidock received, on to the container's first process.
fn forward(child: Pid, signal: Signal) {
    // The child may be ending right now: a signal that finds no one is not an error.
    let _ = sys::kill(child, signal);
}
