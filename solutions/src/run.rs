//! `minidock run`: create a container, start its command, and wait for it to end.
//!
//! This is minidock's side of the story; `init` is the container's. `handshake` draws how the two
//! keep in step.

use std::os::fd::AsRawFd;
// [ch04]
use std::io::Write;
// [ch04 end]

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::cli::RunArgs;
use crate::config::{self, Config};
use crate::handshake::{self, ExecFailure, ToContainer, ToMinidock};
use crate::{exit, init, namespaces, sys};
// [ch04]
use crate::cgroups::{self, Cgroup};
// [ch04 end]
// [ch02]
use crate::signals::{Event, Signals};
// [ch02 end]

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
    // [ch04]
    #[error("setting up the container's cgroup")]
    Cgroup(#[from] cgroups::Error),
    #[error("recording the container's cgroup in the state directory")]
    Ledger(#[source] std::io::Error),
    // [ch04 end]
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

// [listing run]
/// Runs a container to the end and returns the exit status `minidock run` should exit with.
// [ch04]
pub fn run(args: &RunArgs, root: &std::path::Path) -> Result<u8> {
    // [ch04 before]
    //~ pub fn run(args: &RunArgs) -> Result<u8> {
    // [ch04 end]
    // [ch04]
    let mut config = Config::from_args(args, |key| std::env::var(key).ok())?;
    // What a killed minidock left behind goes first; then this run's entry in the ledger.
    cgroups::ledger::sweep(root, cgroups::remove_leftover);
    let entry = cgroups::ledger::Entry::hold(root, &config.cgroup_parent, &config.id)
        .map_err(Error::Ledger)?;
    // The cgroup, with its limits written, exists before the child does; it goes away with
    // `cgroup` when `run` returns, however it returns.
    let cgroup = ContainerCgroup {
        cgroup: cgroups::create(&config.cgroup_parent, &config.id, &config.resources)?,
        _entry: entry,
    };
    config.cgroup_view = Some(cgroup.cgroup.view());
    // [ch04 before]
    //~ let config = Config::from_args(args, |key| std::env::var(key).ok())?;
    // [ch04 end]
    // [ch02]
    // Before the child exists: a signal sent from now on waits for the loop in `wait`.
    let mut signals = Signals::catch()?;
    // [ch02 end]
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

    // [ch04]
    // Setup from outside, while the child waits for the go-ahead.
    if let Err(err) = join_cgroup(&*cgroup.cgroup, child) {
        let _ = sys::kill(child, Signal::SIGKILL);
        let _ = sys::waitpid(child);
        return Err(err.into());
    }
    // [ch04 before]
    //~ // Setup from outside would go here, while the child waits for the go-ahead.
    // [ch04 end]
    let report = minidock_end
        .send(&ToContainer::Continue)
        .and_then(|()| minidock_end.recv());
    match report {
        // [ch04]
        Ok(None) => {
            let status = wait(child, &mut signals)?;
            report_oom(&*cgroup.cgroup, &config);
            Ok(status)
        }
        // [ch04 before]
        //~ // [ch02]
        //~ Ok(None) => wait(child, &mut signals),
        //~ // [ch02 before]
        //~ //~ Ok(None) => wait(child),
        //~ // [ch02 end]
        // [ch04 end]
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
// [listing end]

// [ch02]
// [listing wait]
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
    // [ch02 exercise forward: Forward signals]
    // The child may be ending right now: a signal that finds no one is not an error.
    let _ = sys::kill(child, signal);
    // [ch02 before]
    //~ // Send `signal` on to the container's first process with `sys::kill`. Until then minidock
    //~ // swallows it: a `kill` of minidock stops nothing.
    //~ let _ = (child, signal);
    // [ch02 end]
}
// [listing end]
// [ch02 before]
//~ /// Waits for the command to end and turns how it ended into minidock's exit status.
//~ fn wait(child: Pid) -> Result<u8> {
//~     let ended = sys::waitpid(child).map_err(Error::Wait)?;
//~     Ok(exit::for_ended(ended))
//~ }
// [ch02 end]

// [ch04]
/// The container's cgroup, removed when `run` is done with it, on every path out of `run`; then
/// its entry in the ledger goes too.
struct ContainerCgroup {
    cgroup: Box<dyn Cgroup>,
    /// Held, not read: dropped after the cgroup is removed.
    _entry: cgroups::ledger::Entry,
}

impl Drop for ContainerCgroup {
    fn drop(&mut self) {
        // [ch04 exercise remove: Remove the cgroup]
        // By now the container's processes are gone: its pid 1 has ended, and the kernel kills
        // the rest of its PID namespace with it. An empty cgroup is removed with rmdir(2).
        if let Err(err) = self.cgroup.remove() {
            let _ = writeln!(std::io::stderr(), "minidock: {:#}", anyhow::Error::new(err));
        }
        // [ch04 before]
        //~ // Remove the container's cgroup with its `remove` method. Until then, every run
        //~ // leaves an empty cgroup behind.
        // [ch04 end]
    }
}

/// Moves the container's first process into its cgroup, before it runs any of the command:
/// everything it starts from then on is born inside, and counted.
fn join_cgroup(cgroup: &dyn Cgroup, child: Pid) -> cgroups::Result<()> {
    // [ch04 exercise join: Put the container in its cgroup]
    cgroup.add(child)
    // [ch04 before]
    //~ // Add `child` to `cgroup`. Until then the cgroup exists, with its limits, and nothing in
    //~ // it: the container runs without limits.
    //~ let _ = (cgroup, child);
    //~ Ok(())
    // [ch04 end]
}

/// Says so when the kernel killed a process of the container for want of memory, as `docker
/// inspect` says OOMKilled.
fn report_oom(cgroup: &dyn Cgroup, config: &Config) {
    let Ok(stats) = cgroup.stats() else {
        return;
    };
    if stats.oom_kills > 0 {
        let limit = config.resources.memory.map_or(String::new(), |m| {
            format!(" (memory limit {})", cgroups::limits::human(m))
        });
        let _ = writeln!(
            std::io::stderr(),
            "minidock: out of memory: the kernel killed a process of the container{limit}"
        );
    }
}
// [ch04 end]
