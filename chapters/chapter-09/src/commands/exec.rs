//! `minidock exec [-d] [-e KEY=VALUE] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`: one more
//! process in a running container, with the container's environment (and `-e`'s) and working
//! directory (or `-w`'s); minidock waits for it, passing signals on, and exits with its status.

use std::path::Path;

use crate::cli::ExecArgs;
use crate::config;
use crate::container::events;
use crate::container::state::{self, Status};
use crate::exec::{self, Target};
use crate::process::exit;
use crate::process::signals::Signals;
use crate::sys;
use crate::terminal::keys;
use crate::terminal::session::{Master, Outcome, Session};
use std::os::fd::{AsFd, OwnedFd};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("Container {0} is paused, unpause the container before exec")]
    Paused(String),
    #[error(transparent)]
    Exec(#[from] exec::Error),
    #[error(transparent)]
    Config(#[from] config::Error),
    #[error(transparent)]
    Start(#[from] exec::Failed),
    #[error("waiting for the command")]
    Signals(#[source] sys::Error),
    #[error(transparent)]
    Wait(#[from] crate::container::Error),
    #[error(transparent)]
    Keys(#[from] keys::BadKeys),
    #[error("the command's terminal was not handed over")]
    NoTerminal,
}

impl Error {
    /// docker's status: its CLI's 1 for an error of the daemon's, 126 and 127 for a command
    /// that cannot be run, as `run` gives them.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Start(failed) => failed.status,
            Error::Signals(_) | Error::Wait(_) => exit::FAILED,
            _ => 1,
        }
    }
}

pub fn exec(args: &ExecArgs, root: &Path) -> Result<u8, Error> {
    let (reference, command) = args
        .container_and_command
        .split_first()
        .expect("clap requires both");
    let container = state::find(root, reference)?;
    match container.state.status {
        Status::Running => {}
        Status::Paused => return Err(Error::Paused(container.id().to_string())),
        _ => return Err(exec::Error::NotRunning(container.id().to_string()).into()),
    }
    let config = &container.record.config;
    // The container's environment, then `-e`'s, which wins; its working directory unless `-w`.
    let mut options: Vec<String> = config
        .process
        .env
        .iter()
        .map(|var| var.to_string_lossy().into_owned())
        .collect();
    options.extend(args.env.iter().cloned());
    let env = config::environment(&config.hostname, &options, |key| std::env::var(key).ok())?;
    let workdir = args
        .workdir
        .clone()
        .unwrap_or_else(|| config.process.cwd.to_string_lossy().into_owned());
    let process = config::Process::new(command, Some(&workdir), env)?;
    let process = config::Process {
        terminal: args.tty,
        console_size: args.tty.then(config::ConsoleSize::of_caller).flatten(),
        ..process
    };
    // Before anything that could start a process: a signal sent to minidock from now on waits
    // to be passed on.
    let mut signals = Signals::catch().map_err(Error::Signals)?;
    let mut target = Target::open(&container)?;
    let keys = keys::chosen(args.detach_keys.as_deref())?;
    // With -t, the new process hands its terminal's master over on a socket of its own.
    let console = match args.tty && !args.detach {
        true => {
            let (ours, theirs) = sys::socketpair().map_err(exec::Error::from)?;
            target.console = Some(theirs);
            Some(ours)
        }
        false => None,
    };
    let null = match args.detach {
        true => Some(sys::open("/dev/null", nix::fcntl::OFlag::O_RDWR).map_err(exec::Error::from)?),
        false => None,
    };
    // docker's exec has an id of its own, and its command in the action's name.
    let exec_id = config::new_id()?;
    let words = command.join(" ");
    let with_id = [("execID", exec_id.as_str())];
    events::emit(
        root,
        &container,
        events::Action::ExecCreate(&words),
        &with_id,
    );
    events::emit(
        root,
        &container,
        events::Action::ExecStart(&words),
        &with_id,
    );
    let child = exec::spawn(&target, &process, args.user.as_deref(), null.as_ref())??;
    drop(target);
    if args.detach {
        // Its parent is gone once minidock exits: the kernel gives the orphan to a reaper of
        // the namespace its parent was in, the host's (minidock's nearest subreaper, or init).
        return Ok(0);
    }
    if let Some(console) = console {
        let master = sys::recv_fd(console.as_fd())
            .map_err(exec::Error::from)?
            .ok_or(Error::NoTerminal)?;
        let session = Session {
            stdin: args.interactive,
            tty: true,
            keys,
            proxy: None,
        };
        let mut link = Master(master);
        match session.run(&mut link).map_err(Error::Signals)? {
            Outcome::Detached => {
                // The command runs on: its terminal is kept for it.
                keep(link.0);
                return Ok(0);
            }
            // The command hangs up with its terminal.
            outcome @ Outcome::Signalled(_) => return Ok(outcome.status()),
            Outcome::Ended(_) | Outcome::Lost => {}
        }
    }
    let ended = crate::container::wait_passing_signals(child, &mut signals)?;
    let status = exit::for_ended(ended);
    let code = status.to_string();
    let attributes = [("execID", exec_id.as_str()), ("exitCode", code.as_str())];
    events::emit(root, &container, events::Action::ExecDie, &attributes);
    Ok(status)
}

/// After a detach: a process of its own holds the command's terminal, reading (and dropping)
/// what it writes, until the command and its children have closed it. Without a holder, the
/// terminal would hang up, and the command would get SIGHUP.
fn keep(master: OwnedFd) {
    // minidock's children are born in the container's PID namespace since the start's setns;
    // the holder is minidock's, and is born in minidock's own (its active one, which setns may
    // always go back to), out of the container's sight.
    let own = std::path::Path::new("/proc/self/ns/pid");
    if let Ok(fd) = sys::open(&own.to_string_lossy(), nix::fcntl::OFlag::O_RDONLY) {
        let _ = sys::setns(fd.as_fd(), own, nix::sched::CloneFlags::CLONE_NEWPID);
    }
    // SAFETY: minidock never starts a thread.
    if let Ok(None) = unsafe { sys::fork() } {
        let _ = sys::setsid();
        let mut buf = [0u8; 4096];
        while nix::unistd::read(master.as_fd(), &mut buf).is_ok_and(|n| n > 0) {}
        // SAFETY: _exit(2), running none of minidock's cleanup in this copy of it.
        unsafe { libc::_exit(0) }
    }
}
