//! `minidock attach [--detach-keys KEYS] [--no-stdin] [--sig-proxy=BOOL] CONTAINER`: this
//! terminal connected to a running container, through its monitor's attach socket, until the
//! container ends (minidock exits with its status) or the detach keys leave it running.

use std::path::Path;

use crate::cli::AttachArgs;
use crate::container::events;
use crate::container::state::{self, Status};
use crate::monitor::attach::{self, Client};
use crate::sys;
use crate::terminal::keys;
use crate::terminal::session::{Outcome, Session};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("You cannot attach to a stopped container, start it first")]
    Stopped,
    #[error("You cannot attach to a paused container, unpause it first")]
    Paused,
    #[error(transparent)]
    Keys(#[from] keys::BadKeys),
    #[error("the input device is not a TTY")]
    NotATerminal,
    #[error("attaching to the container")]
    Sys(#[from] sys::Error),
    /// The detach keys were typed: docker's attach says so, and fails.
    #[error("read escape sequence")]
    Detached,
}

pub fn attach(args: &AttachArgs, root: &Path) -> Result<u8, Error> {
    let container = state::find(root, &args.container)?;
    let keys = keys::chosen(args.detach_keys.as_deref())?;
    connect(root, &container, !args.no_stdin, args.sig_proxy, keys)
}

/// Attaches to the running `container`: its input too if `stdin` (and it keeps it open),
/// signals passed on if `sig_proxy` (and it has no terminal).
pub fn connect(
    root: &Path,
    container: &state::Container,
    stdin: bool,
    sig_proxy: bool,
    keys: Vec<u8>,
) -> Result<u8, Error> {
    match container.state.status {
        Status::Running => {}
        Status::Paused => return Err(Error::Paused),
        _ => return Err(Error::Stopped),
    }
    let config = &container.record.config;
    let tty = config.process.terminal;
    let stdin = stdin && config.meta.open_stdin;
    if tty && stdin && !nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
        return Err(Error::NotATerminal);
    }
    let socket = attach::connect(&attach::socket(&container.dir))?;
    events::emit(root, container, events::Action::Attach, &[]);
    let first = container.state.pid;
    let proxy = move |signal: sys::Signo| {
        // The first process as recorded, if it is still that process.
        if state::Process::of(first.pid) == Some(first) {
            let _ = sys::kill(nix::unistd::Pid::from_raw(first.pid), signal);
        }
    };
    let session = Session {
        stdin,
        tty,
        keys,
        proxy: sig_proxy.then_some(&proxy as &dyn Fn(sys::Signo)),
    };
    match session.run(&mut Client(socket))? {
        Outcome::Detached => {
            events::emit(root, container, events::Action::Detach, &[]);
            Err(Error::Detached)
        }
        outcome => Ok(outcome.status()),
    }
}
