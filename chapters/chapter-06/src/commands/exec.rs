//! `minidock exec [-d] [-e KEY=VALUE] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`: one more
//! process in a running container, with the container's environment (and `-e`'s) and working
//! directory (or `-w`'s); minidock waits for it, passing signals on, and exits with its status.

use std::path::Path;

use crate::cli::ExecArgs;
use crate::config;
use crate::container::state::{self, Status};
use crate::exec::{self, Target};
use crate::process::exit;
use crate::process::signals::Signals;
use crate::sys;

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
    // Before anything that could start a process: a signal sent to minidock from now on waits
    // to be passed on.
    let mut signals = Signals::catch().map_err(Error::Signals)?;
    let target = Target::open(&container)?;
    let null = match args.detach {
        true => Some(sys::open("/dev/null", nix::fcntl::OFlag::O_RDWR).map_err(exec::Error::from)?),
        false => None,
    };
    let child = exec::spawn(&target, &process, args.user.as_deref(), null.as_ref())??;
    drop(target);
    if args.detach {
        // Its parent is gone once minidock exits: the kernel gives the orphan to a reaper of
        // the namespace its parent was in, the host's (minidock's nearest subreaper, or init).
        return Ok(0);
    }
    let ended = crate::container::wait_passing_signals(child, &mut signals)?;
    Ok(exit::for_ended(ended))
}
