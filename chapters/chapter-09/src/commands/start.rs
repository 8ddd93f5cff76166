//! `minidock start [-a] CONTAINER...` and `minidock restart [-t SECONDS] CONTAINER...`: a
//! created or stopped container started again, under a monitor of its own, as `run -d` starts
//! one; its files, its log and its name are the ones it had.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{each_container, logs};
use crate::cli::{RestartArgs, StartArgs};
use crate::container::events;
use crate::container::state::{self, Process, Status};
use crate::container::stop;
use crate::monitor::attach;
use crate::monitor::{self, Report};
use crate::sys;
use crate::terminal::keys;
use crate::terminal::session::{Outcome, Session};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub fn start(args: &StartArgs, root: &Path) -> u8 {
    if !args.attach {
        return each_container(&args.containers, |reference| start_one(root, reference));
    }
    let [reference] = args.containers.as_slice() else {
        sys::tell(&"you cannot start and attach multiple containers at once");
        return 1;
    };
    let attaching = match args.interactive {
        true => state::find(root, reference)
            .map_err(Into::into)
            .and_then(|container| with_session(root, &container, Some(args))),
        false => attached(root, reference),
    };
    match attaching {
        Ok(status) => status,
        Err(err) => {
            sys::tell(&sys::chain(&*err));
            1
        }
    }
}

/// `start -a`: starts the container, prints what it writes as it comes, and returns its exit
/// status once it has ended.
fn attached(root: &Path, reference: &str) -> Result<u8> {
    let container = state::find(root, reference)?;
    if container.record.config.process.terminal || container.record.config.meta.open_stdin {
        return with_session(root, &container, None);
    }
    let shown = logs::read(&container)?.len();
    start_one(root, reference)?;
    logs::follow(&container, shown, false)?;
    let ended = stop::wait(&state::load(root, container.id())?)?;
    Ok(u8::try_from(ended.exit_code).unwrap_or(u8::MAX))
}

pub fn restart(args: &RestartArgs, root: &Path) -> u8 {
    let timeout = u64::try_from(args.time).map_or(Duration::MAX, Duration::from_secs);
    each_container(&args.containers, |reference| {
        let container = state::find(root, reference)?;
        stop::stop(&container, stop::stop_signal(&container), timeout)?;
        stop::wait(&container)?;
        if container.state.status.is_running() {
            events::emit(root, &container, events::Action::Stop, &[]);
        }
        start_one(root, reference)?;
        events::emit(root, &container, events::Action::Restart, &[]);
        Ok(())
    })
}

/// Starts the container `reference` names, unless it runs already.
fn start_one(root: &Path, reference: &str) -> Result<()> {
    let container = state::find(root, reference)?;
    match container.state.status {
        // Running, or about to, by its restart policy.
        Status::Running | Status::Restarting => return Ok(()),
        Status::Paused => return Err("cannot start a paused container, try unpause instead".into()),
        Status::Created | Status::Exited => {}
    }
    // A container that has just ended may still have its monitor, removing its cgroup: the
    // next start waits for that one to be done.
    if container.state.status == Status::Exited {
        stop::wait_for_monitor(&container)?;
    }
    // One start at a time: under the lock, this command claims the container, unless another
    // process is starting it, whose result this one waits for.
    let mut claimed = false;
    state::update(&container.dir, |state| {
        if !state.status.is_running() && !state.monitor.alive() {
            state.monitor = Process::this();
            // Started by hand: its restart policy counts from here.
            state.stopped = false;
            state.restart_count = 0;
            claimed = true;
        }
    })?;
    if !claimed {
        return started_by_another(root, container.id());
    }
    match monitor::detach(root, container.id())? {
        Report::Started => Ok(()),
        Report::Failed { message, .. } => Err(message.into()),
    }
}

/// Waits while another process starts the container `id`.
fn started_by_another(root: &Path, id: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = state::load(root, id)?;
        if now.state.status.is_running() {
            return Ok(());
        }
        if !now.state.monitor.alive() || Instant::now() > deadline {
            return Err(format!("container {id}: another start of it failed").into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `start -a` of a container with a terminal or an open input, and `start -ai`: started with
/// this command attached to its monitor from the start, as `run -t` does (or attached, if it runs
/// already); its input too with `-i`.
fn with_session(
    root: &Path,
    container: &state::Container,
    interactive: Option<&StartArgs>,
) -> Result<u8> {
    let keys = keys::chosen(interactive.and_then(|args| args.detach_keys.as_deref()))?;
    let config = &container.record.config;
    let stdin = interactive.is_some() && config.meta.open_stdin;
    let tty = config.process.terminal;
    if tty && stdin && !nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
        return Err("the input device is not a TTY".into());
    }
    let socket = match container.state.status.is_running() {
        true => attach::connect(&attach::socket(&container.dir))?,
        false => attach::hand_over(|| start_one(root, container.id()))?.1,
    };
    events::emit(root, container, events::Action::Attach, &[]);
    let session = Session {
        stdin,
        tty,
        keys,
        proxy: None,
    };
    let outcome = session.run(&mut attach::Client(socket))?;
    if outcome == Outcome::Detached {
        events::emit(root, container, events::Action::Detach, &[]);
    }
    Ok(outcome.status())
}
