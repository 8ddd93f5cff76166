//! Signals from outside: `stop`, `kill` and `wait` run in a minidock process that is not the
//! container's parent. It cannot `waitpid(2)` the container, and the pid in state.json is only a
//! number: once the container has ended and its monitor has reaped it, the kernel may give that
//! number to any new process, which a `kill` would then hit.
//!
//! A pidfd names the process itself. It is opened by pid, then checked: if the process with that
//! pid, read after the pidfd was opened, started when the container's first process started,
//! then it was that process all along, and the pidfd names it for good. Signals go through the
//! pidfd (`pidfd_send_signal(2)`), and `poll(2)` on it says when the process has ended.
//!
//! ```text
//!   state.json: pid 4242, started at tick 991823
//!   pidfd_open(4242) ──▶ /proc/4242/stat: started at 991823? ──▶ yes: the pidfd is the container's
//!                                                            └─▶ no: it ended, 4242 is another's
//! ```

use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::state::{self, Container, Process, Status};
use crate::sys::{self, Signo};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Container {0} is not running")]
    NotRunning(String),
    #[error(transparent)]
    Thaw(Box<super::pause::Error>),
    #[error("signalling container {id}")]
    Signal {
        id: String,
        #[source]
        source: sys::Error,
    },
    #[error("opening a pidfd of the container's process")]
    Open(#[source] sys::Error),
    #[error(transparent)]
    State(#[from] state::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// A pidfd of the container's first process; `None` if it does not run (any more).
fn open(first: Process) -> Result<Option<OwnedFd>> {
    if first.pid <= 0 {
        return Ok(None);
    }
    let pidfd = match sys::pidfd_open(first.pid) {
        Ok(pidfd) => pidfd,
        // No such process: it has ended, and been reaped.
        Err(sys::Error::Failed {
            errno: nix::errno::Errno::ESRCH,
            ..
        }) => return Ok(None),
        Err(source) => return Err(Error::Open(source)),
    };
    // Read after the pidfd was opened: if the pid's process started when the container's did,
    // the pidfd was opened on the container's process.
    Ok(first.alive().then_some(pidfd))
}

/// The signal `stop` sends first: the container's (`--stop-signal`, or its image's
/// STOPSIGNAL), or SIGTERM.
pub fn stop_signal(container: &Container) -> Signo {
    Signo::parse(&container.record.config.meta.stop_signal).unwrap_or(Signo::from(Signal::SIGTERM))
}

/// Sends `signal` to the container's first process: docker's `kill`.
pub fn kill(container: &Container, signal: Signo) -> Result<()> {
    let not_running = || Error::NotRunning(container.id().to_string());
    if !container.state.status.is_running() {
        return Err(not_running());
    }
    let pidfd = open(container.state.pid)?.ok_or_else(not_running)?;
    send(container, &pidfd, signal)?;
    // A frozen process keeps a signal pending until it is thawed, SIGKILL too (on cgroup v1):
    // a paused container is let go to die. Other signals wait for `unpause`, as docker's do.
    if signal == Signo::from(Signal::SIGKILL) && container.state.status == Status::Paused {
        super::pause::unpause(container).map_err(|err| Error::Thaw(Box::new(err)))?;
    }
    Ok(())
}

fn send(container: &Container, pidfd: &OwnedFd, signal: Signo) -> Result<()> {
    let number = signal.0.to_string();
    let attributes = [("signal", number.as_str())];
    super::events::emit(
        container.root(),
        container,
        super::events::Action::Kill,
        &attributes,
    );
    match sys::pidfd_send_signal(pidfd.as_fd(), signal) {
        Ok(()) => Ok(()),
        // It has just ended: a signal that finds no one is no error.
        Err(sys::Error::Failed {
            errno: nix::errno::Errno::ESRCH,
            ..
        }) => Ok(()),
        Err(source) => Err(Error::Signal {
            id: container.id().to_string(),
            source,
        }),
    }
}

/// Stops the container as docker does: `signal` (SIGTERM unless the image says otherwise), then,
/// if it still runs after `timeout`, SIGKILL. Returns once it has ended; a container that does
/// not run is left as it is.
pub fn stop(container: &Container, signal: Signo, timeout: Duration) -> Result<()> {
    // Stopped by someone: its restart policy has no say from now on, and a restart that was
    // due is called off. One its monitor is starting again is stopped once it runs.
    let mut now = state::update(&container.dir, |state| {
        state.stopped = true;
        if state.status == Status::Restarting {
            state.status = Status::Exited;
        }
    })?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while now.status == Status::Created && now.monitor.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        now = state::load(container.root(), container.id())?.state;
    }
    let container = &Container {
        state: now,
        ..container.clone()
    };
    if !container.state.status.is_running() {
        return Ok(());
    }
    // A frozen command could not act on the signal: it is thawed first, to stop as any other.
    // (docker leaves it frozen until the timeout's SIGKILL: a paused container always takes
    // the whole timeout, and ends with 137.)
    if container.state.status == Status::Paused {
        super::pause::unpause(container).map_err(|err| Error::Thaw(Box::new(err)))?;
    }
    let Some(pidfd) = open(container.state.pid)? else {
        return Ok(());
    };
    send(container, &pidfd, signal)?;
    let ended = sys::pidfd_wait(pidfd.as_fd(), timeout).map_err(|source| Error::Signal {
        id: container.id().to_string(),
        source,
    })?;
    if !ended {
        send(container, &pidfd, Signo::from(Signal::SIGKILL))?;
        // SIGKILL cannot be caught: the process ends, at the latest once the kernel has
        // taken back what it held.
        sys::pidfd_wait(pidfd.as_fd(), Duration::from_secs(60)).map_err(|source| {
            Error::Signal {
                id: container.id().to_string(),
                source,
            }
        })?;
    }
    Ok(())
}

/// Waits until the monitor of an ended container has ended too: it removes the container's
/// cgroup (and, with `--rm`, everything) on its way out, after it has recorded the end.
pub fn wait_for_monitor(container: &Container) -> Result<()> {
    if let Some(pidfd) = open(container.state.monitor)? {
        sys::pidfd_wait(pidfd.as_fd(), Duration::from_secs(30)).map_err(|source| {
            Error::Signal {
                id: container.id().to_string(),
                source,
            }
        })?;
    }
    Ok(())
}

/// Waits until the container has ended and its end is recorded; returns its state then.
pub fn wait(container: &Container) -> Result<state::State> {
    let mut current = container.clone();
    loop {
        match current.state.status {
            // docker's `wait` too returns when the command ends, restart or not.
            Status::Exited | Status::Restarting => return Ok(current.state),
            Status::Running | Status::Paused => {
                if let Some(pidfd) = open(current.state.pid)? {
                    sys::pidfd_wait(pidfd.as_fd(), Duration::MAX).map_err(|source| {
                        Error::Signal {
                            id: container.id().to_string(),
                            source,
                        }
                    })?;
                }
                // Ended: its monitor records it in a moment (or, gone itself, the next read
                // does).
                let deadline = Instant::now() + Duration::from_secs(5);
                loop {
                    current = state::load(current.root(), container.id())?;
                    if !current.state.status.is_running() || Instant::now() > deadline {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            Status::Created => {
                std::thread::sleep(Duration::from_millis(10));
                current = state::load(current.root(), container.id())?;
            }
        }
    }
}
