//! The container, from minidock's side: prepared, started, set up from outside, released, waited
//! for, and cleaned up.
//!
//! A [`Container`] is the one value all of it works on. Its life is a list of phases, which
//! commands call in order; chapters add fields to the container, and steps to its phases:
//!
//! ```text
//!   prepare   what must exist before the container's first process does
// [ch02]
//!               the signals to pass on, blocked
// [ch02 end]
// [ch04]
//!               its cgroup, with the limits written (and what a killed run left, swept)
// [ch04 end]
// [ch08]
//!               its network: a namespace, a veth on the bridge, an address, its resolver files
// [ch08 end]
//!   spawn     clone(2): the first process, in its new namespaces, waits for the go-ahead
//!   set up    from outside, while it waits
// [ch04]
//!               it joins its cgroup
// [ch04 end]
//!   release   the go-ahead; then learn whether the command started
//!   wait      until the command ends: its exit status
// [ch02]
//!               signals passed on meanwhile
// [ch02 end]
//!   clean up  on every way out (Drop): a first process still there is killed and collected
// [ch04]
//!               the cgroup removed
// [ch04 end]
// [ch08]
//!               its veth deleted, its address given back (as soon as it has ended)
// [ch08 end]
//! ```
//!
//! `process::handshake` draws how minidock and the first process keep in step; `process::child`
//! is the first process's side of the story.

mod cgroup; // [ch04]
pub mod commit; // [ch06]
pub use cgroup::dirs as cgroup_dirs; // [ch06]
pub mod storage; // [ch05]
                 // [ch06]
pub mod log;
pub mod names;
pub mod pause;
pub mod state;
pub mod stop;
// [ch06 end]
pub mod events; // [ch07]
                // [ch08]
use crate::config::network::Mode;
use crate::network;
// [ch08 end]

use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use nix::sys::signal::Signal;
use nix::unistd::Pid;

use crate::config::Config;
use crate::process::child::{self, ChildArgs};
use crate::process::exit;
use crate::process::handshake::{self, ExecFailure, MinidockEnd, ToContainer, ToMinidock};
// [ch02]
use crate::process::signals::{Event, Signals};
// [ch02 end]
use crate::sys;
// [ch01 unsolved allow(unused_imports)]
use crate::namespaces;
// [ch06]
use log::{Log, Stream};
use std::os::fd::{AsFd, OwnedFd};
// [ch06 end]
// [ch04]
use cgroup::ContainerCgroup;
// [ch04 end]

#[derive(Debug, thiserror::Error)]
pub enum Error {
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
    #[error("state directory {path:?}: {reason}")]
    StateRoot { path: PathBuf, reason: String },
    // [ch04]
    #[error("setting up the container's cgroup")]
    Cgroup(#[from] crate::cgroups::Error),
    #[error("recording the container's cgroup in the state directory")]
    Ledger(#[source] std::io::Error),
    // [ch04 end]
    // [ch05]
    #[error(transparent)]
    Storage(#[from] storage::Error),
    // [ch05 end]
    // [ch06]
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("collecting the container's output")]
    Output(#[source] sys::Error),
    // [ch06 end]
    // [ch08]
    #[error(transparent)]
    Network(#[from] crate::network::Error),
    // [ch08 end]
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
// [ch01 unsolved allow(dead_code)]
const STACK_SIZE: usize = 1 << 20;

/// A container, as minidock sees it from outside.
pub struct Container {
    pub config: Config,
    /// The container's first process, from `spawn` until it has been waited for.
    child: Option<Pid>,
    /// minidock's end of the handshake, from `spawn` on.
    channel: Option<MinidockEnd>,
    // [ch02]
    /// The signals minidock passes on to the container, blocked from `prepare` on.
    signals: Signals,
    // [ch02 end]
    // [ch04]
    /// Its cgroup: removed when the container is dropped.
    cgroup: ContainerCgroup,
    // [ch04 end]
    // [ch05]
    /// Its own directories, for a container of an image: removed when it is dropped.
    _storage: storage::ContainerStorage,
    // [ch05 end]
    // [ch06]
    /// Its record in the state store: created before `prepare`, running once `started`, exited
    /// once waited for.
    record: state::Container,
    // [ch06 end]
    // [ch07]
    /// With `-t`: minidock's end of the socket the first process hands its terminal's master on,
    /// from `spawn` until `terminal`.
    console: Option<OwnedFd>,
    /// What else a detached container's wait serves (its monitor's attach socket), if anything.
    serve: Option<Box<dyn Serve>>,
    // [ch07 end]
    // [ch08]
    /// Its network stack, from `prepare` until it has ended.
    network: Option<network::Sandbox>,
    // [ch08 end]
}

// [ch07]
/// What a monitor serves while its container runs, besides the log: the attach socket and its
/// clients. Its descriptors are watched with the container's output, which it is given too.
pub trait Serve {
    /// The descriptors to watch, besides the container's output and signals.
    fn watched(&self) -> Vec<std::os::fd::BorrowedFd<'_>>;
    /// These of them (indices into `watched`) are ready.
    fn ready(&mut self, ready: &[usize]);
    /// The container wrote `bytes` on `stream`.
    fn output(&mut self, stream: Stream, bytes: &[u8]);
    /// The container ended, with `status`, and its end is recorded.
    fn ended(&mut self, status: u8);
}
// [ch07 end]

// [listing container]
impl Container {
    /// Prepares what must exist before the container's first process does.
    pub fn prepare(config: Config, root: &Path) -> Result<Container> {
        // [ch02]
        // First, before anything exists that would have to be undone, and before the child: a
        // signal sent from now on waits for the loop in `wait`, rather than kill minidock.
        let signals = Signals::catch()?;
        // [ch02 end]
        state_root(root)?;
        // [ch06]
        // Its record first: if anything of the container cannot be made, it goes too.
        let record = state::Pending::new(state::load(root, &config.id)?);
        // [ch06 end]
        // [ch04]
        // The cgroup, with its limits written, exists before the child does.
        let cgroup = ContainerCgroup::create(root, &config)?;
        // [ch04 end]
        // [ch05]
        let storage = storage::ContainerStorage::create(root, &config)?;
        // [ch05 end]
        // [ch08]
        // Its network, before its first process: that process joins a namespace ready for it.
        let joined = joined(root, &config.network.mode)?;
        let dir = state::dir(root, &config.id);
        let network = network::Sandbox::create(root, &dir, &config, joined, lease_holder_alive)?;
        // [ch08 end]
        Ok(Container {
            config,
            child: None,
            channel: None,
            signals,               // [ch02]
            cgroup,                // [ch04]
            _storage: storage,     // [ch05]
            record: record.keep(), // [ch06]
            // [ch07]
            console: None,
            serve: None,
            // [ch07 end]
            network: Some(network), // [ch08]
        })
    }

    /// Starts the container's first process in its new namespaces, where it waits for the
    /// go-ahead (`release`).
    pub fn spawn(&mut self) -> Result<()> {
        let (minidock_end, container_end) = handshake::pair()?;
        // [ch07]
        // With -t, a second socket: the first process hands its terminal's master over on it.
        let console = match self.config.process.terminal {
            true => Some(sys::socketpair()?),
            false => None,
        };
        // [ch07 end]
        let args = ChildArgs {
            config: &self.config,
            cgroup_view: self.cgroup.view(), // [ch04]
            console: console.as_ref().map(|(_, theirs)| theirs.as_raw_fd()), // [ch07]
            // [ch08]
            network: self.network.as_ref().and_then(network::Sandbox::namespace),
            binds: self.network.as_ref().map_or(&[], network::Sandbox::binds),
            // [ch08 end]
        };
        let minidock_fd = minidock_end.as_raw_fd();
        let mut container_end = Some(container_end);
        let child_main = Box::new(|| {
            // The child has copies of both ends. It closes minidock's: while it held it, its own
            // recv() could never see end-of-file, and it would wait forever if minidock died.
            let _ = nix::unistd::close(minidock_fd);
            let channel = container_end.take().expect("the child starts once");
            child::main(&args, channel)
        });
        // [ch01 exercise clone: Clone the child]
        // clone(2), not fork(2): only clone can create the child inside new namespaces (the
        // flags), and a process cloned without CLONE_VM runs on a stack of its own: room in a copy
        // of minidock's memory, which it gets like after fork.
        let mut stack = vec![0u8; STACK_SIZE];
        // SAFETY: minidock never starts a thread, so it is single-threaded here; STACK_SIZE is
        // ample for the child's setup, which never recurses deeply.
        let child = unsafe { sys::clone(child_main, &mut stack, namespaces::clone_flags())? };
        // [ch01 mistake stack-too-small: chapter_01::the_host_keeps_its_hostname]
        //~ // A page is plenty for a few calls.
        //~ let mut stack = [0u8; 4096];
        //~ let child = unsafe { sys::clone(child_main, &mut stack, namespaces::clone_flags())? };
        // [ch01 mistake clone-without-flags: chapter_01::the_host_keeps_its_hostname]
        //~ // clone(2) as a better fork: the child's namespaces are the child's business.
        //~ let mut stack = vec![0u8; STACK_SIZE];
        //~ let flags = nix::sched::CloneFlags::empty();
        //~ let child = unsafe { sys::clone(child_main, &mut stack, flags)? };
        // [ch01 before]
        //~ // Start the child with clone(2) rather than fork(2), so that it is born in the new
        //~ // namespaces the `namespaces` module asks for, on a stack of its own (`STACK_SIZE`
        //~ // bytes, above).
        //~ // SAFETY: minidock never starts a thread, so it is single-threaded here.
        //~ let child = unsafe { sys::fork(child_main)? };
        // [ch01 end]
        // Likewise, minidock closes its copy of the container's end: from now on the only holder
        // is the child, whose exec closes it (close-on-exec), and that is how minidock learns the
        // command started.
        drop(container_end);
        self.child = Some(child);
        self.channel = Some(minidock_end);
        // [ch07]
        // And of the console's: minidock keeps its own end only, which sees end of file if the
        // child dies before it hands the master over.
        self.console = console.map(|(ours, _)| ours);
        // [ch07 end]
        Ok(())
    }

    /// The setup only minidock can do, from outside, while the child waits for the go-ahead.
    pub fn set_up_from_outside(&mut self) -> Result<()> {
        // [ch04 exercise join: Put the container in its cgroup]
        // Now, while the child waits for the go-ahead: it has started nothing yet, so all the
        // command will ever start is born in the cgroup and counted; and the cgroup namespace
        // the child makes after the go-ahead is rooted at the cgroup it is in by then.
        self.cgroup.join(self.child()?)?;
        // [ch04 mistake join-after-go-ahead: chapter_04::the_command_starts_in_its_cgroup_and_sees_it_as_its_root]
        //~ // Once the child runs: the go-ahead first, then the cgroup.
        //~ self.release()?;
        //~ self.cgroup.join(self.child()?)?;
        // [ch04 mistake join-after-sending-go-ahead: chapter_04::the_child_is_in_its_cgroup_before_the_go_ahead]
        //~ // The go-ahead first, so the child gets on with its own setup meanwhile.
        //~ if let Some(channel) = &self.channel {
        //~     channel.send(&ToContainer::Continue)?;
        //~ }
        //~ self.cgroup.join(self.child()?)?;
        // [ch04 before]
        //~ // Put the container's first process in its cgroup, at the one moment when nothing of
        //~ // the command can escape the limits: see "Put the container in its cgroup". Until then
        //~ // the cgroup exists, with its limits, and nothing runs in it.
        // [ch04 end]
        Ok(())
    }

    /// Gives the child the go-ahead, and learns whether its command started.
    pub fn release(&mut self) -> Result<()> {
        // The go-ahead is given once; minidock's end of the channel has no more use after it.
        let Some(channel) = self.channel.take() else {
            return Ok(());
        };
        // [ch01 stretch started: Learn whether the command started | chapter_01::stretch::a_command_that_cannot_start_is_reported_as_docker_does, chapter_01::stretch::a_failed_setup_is_reported_in_one_line]
        channel.send(&ToContainer::Continue)?;
        let Some(failure) = channel.recv()? else {
            // End of file: the command runs.
            return Ok(());
        };
        // The child exits right after reporting; collect it so it is not left a zombie.
        let child = self.child()?;
        sys::waitpid(child).map_err(Error::Wait)?;
        self.child = None;
        Err(match failure {
            ToMinidock::SetupFailed { detail } => Error::Setup(detail),
            ToMinidock::ExecFailed { reason, detail } => Error::Exec { reason, detail },
        })
        // [ch01 before]
        //~ // Give the child its go-ahead, then learn from the channel whether its command started
        //~ // (end of file) or what it reports instead; a child that reported is collected.
        //~ channel.send(&ToContainer::Continue)?;
        //~ Ok(())
        // [ch01 end]
    }

    // [ch06]
    /// Records that the container runs, with its first process: from now on `ps` shows it, and
    /// `stop` and `kill` find it.
    pub fn started(&mut self) -> Result<()> {
        let child = self.child()?;
        let first = state::Process::of(child.as_raw()).unwrap_or_default();
        self.record.state = state::update(&self.record.dir, |state| {
            state.status = state::Status::Running;
            state.pid = first;
            state.started_at = state::now();
            state.made = true;
            // [ch08]
            state.network = self.network.as_ref().and_then(|n| n.attachment().cloned());
            // [ch08 end]
            // [ch09]
            state.connected = self
                .network
                .as_ref()
                .map_or_else(Vec::new, |n| n.connected().to_vec());
            // [ch09 end]
        })?;
        events::emit(self.record.root(), &self.record, events::Action::Start, &[]); // [ch07]
        Ok(())
    }

    // [ch07]
    /// With `-t`, once released: the master side of the command's terminal, which its first
    /// process handed over before it executed the command.
    pub fn terminal(&mut self) -> Result<Option<OwnedFd>> {
        let Some(console) = self.console.take() else {
            return Ok(None);
        };
        let master = sys::recv_fd(console.as_fd())?;
        master
            .map(Some)
            .ok_or_else(|| Error::Setup("the container's terminal was not handed over".into()))
    }

    /// From now on, its wait serves `serve` too.
    pub fn serve(&mut self, serve: Box<dyn Serve>) {
        self.serve = Some(serve);
    }
    // [ch07 end]

    /// Records how the container ended; returns `status`.
    fn ended(&mut self, status: u8) -> Result<u8> {
        // [ch08]
        // Its veth and its address go first: once the state says it has exited, whoever waited
        // for that (`stop`, `rm`) finds them gone.
        self.network = None;
        // [ch08 end]
        // [ch07]
        // Before the state says so: whoever waits for the end (`stop`) writes its own event
        // after this one.
        let code = status.to_string();
        let attributes = [("exitCode", code.as_str())];
        events::emit(
            self.record.root(),
            &self.record,
            events::Action::Die,
            &attributes,
        );
        // [ch07 end]
        self.record.state = state::update(&self.record.dir, |state| {
            state.status = state::Status::Exited;
            state.pid = state::Process::default();
            state.exit_code = i32::from(status);
            state.finished_at = state::now();
            state.network = None; // [ch08]
            state.connected.clear(); // [ch09]
        })?;
        Ok(status)
    }
    // [ch06 end]

    /// Waits for the container to end and returns the exit status minidock should exit with.
    pub fn wait(&mut self) -> Result<u8> {
        let child = self.child()?;
        // [ch01..ch02]
        //~ let ended = sys::waitpid(child).map_err(Error::Wait)?;
        // [ch01..ch02 end]
        // [ch02]
        let ended = wait_passing_signals(child, &mut self.signals)?;
        // [ch02 end]
        // Collected: there is nothing left to kill.
        self.child = None;
        // [ch04]
        self.cgroup.report_oom(&self.config);
        // [ch04 end]
        // [ch01..ch06]
        //~ Ok(exit::for_ended(ended))
        // [ch01..ch06 end]
        self.ended(exit::for_ended(ended)) // [ch06]
    }

    // [ch06]
    /// Waits like `wait`, for a detached container: meanwhile, whatever the container writes to
    /// its standard output and error, the pipes `output`, goes to `log`, line by line.
    pub fn wait_logging(&mut self, output: [OwnedFd; 2], log: &mut Log) -> Result<u8> {
        use nix::poll::{PollFd, PollFlags, PollTimeout};
        let child = self.child()?;
        let streams = [Stream::Stdout, Stream::Stderr];
        let mut open: Vec<Option<OwnedFd>> = output.into_iter().map(Some).collect();
        let mut ended = None;
        let mut buf = vec![0u8; 64 * 1024];
        // Until the command has ended and both pipes are at their end: the pipes close when the
        // last process of the container that holds them ends, which is at once once its first
        // process has (the kernel kills what is left of a PID namespace whose init ends).
        while ended.is_none() || open.iter().any(Option::is_some) {
            let mut fds = vec![PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
            let watched: Vec<usize> = (0..2).filter(|&i| open[i].is_some()).collect();
            for &i in &watched {
                let fd = open[i].as_ref().expect("watched");
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
            }
            // [ch07]
            let served = self.serve.as_ref().map(|serve| serve.watched());
            for fd in served.iter().flatten() {
                fds.push(PollFd::new(*fd, PollFlags::POLLIN));
            }
            // [ch07 end]
            // Once the command has ended, what is left in the pipes is read without waiting
            // for more that may never come.
            let timeout = if ended.is_some() {
                PollTimeout::from(1000u16)
            } else {
                PollTimeout::NONE
            };
            let ready = match nix::poll::poll(&mut fds, timeout) {
                Ok(ready) => ready,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(errno) => {
                    return Err(Error::Output(sys::Error::Failed {
                        call: "poll(output)".into(),
                        errno,
                    }))
                }
            };
            if ready == 0 {
                break;
            }
            let revents: Vec<PollFlags> = fds
                .iter()
                .map(|fd| fd.revents().unwrap_or(PollFlags::empty()))
                .collect();
            drop(fds);
            // [ch07]
            drop(served);
            if let Some(serve) = self.serve.as_mut() {
                let first = 1 + watched.len();
                let ready: Vec<usize> = (first..revents.len())
                    .filter(|&index| !revents[index].is_empty())
                    .map(|index| index - first)
                    .collect();
                if !ready.is_empty() {
                    serve.ready(&ready);
                }
            }
            // [ch07 end]
            if !revents[0].is_empty() {
                match self.signals.next().map_err(Error::Wait)? {
                    Event::Signal(signal) => forward(child, signal),
                    Event::ChildEnded => {
                        if ended.is_none() {
                            ended = sys::try_waitpid(child).map_err(Error::Wait)?;
                        }
                    }
                }
            }
            for (slot, &i) in watched.iter().enumerate() {
                if revents[slot + 1].is_empty() {
                    continue;
                }
                let fd = open[i].as_ref().expect("watched");
                let n = match nix::unistd::read(fd.as_fd(), &mut buf) {
                    Ok(n) => n,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(_) => 0,
                };
                // [ch07]
                if let Some(serve) = self.serve.as_mut().filter(|_| n > 0) {
                    serve.output(streams[i], &buf[..n]);
                }
                // [ch07 end]
                let written = if n == 0 {
                    open[i] = None;
                    log.close(streams[i])
                } else {
                    log.write(streams[i], &buf[..n])
                };
                written.map_err(|e| {
                    Error::Output(sys::Error::Failed {
                        call: "write(log)".into(),
                        errno: sys::errno_of(e),
                    })
                })?;
            }
        }
        for stream in streams {
            let _ = log.close(stream);
        }
        let ended = match ended {
            Some(ended) => ended,
            None => sys::waitpid(child).map_err(Error::Wait)?,
        };
        self.child = None;
        self.cgroup.report_oom(&self.config);
        // [ch06..ch07]
        //~ self.ended(exit::for_ended(ended))
        // [ch06..ch07 end]
        // [ch07]
        let status = self.ended(exit::for_ended(ended))?;
        if let Some(serve) = self.serve.as_mut() {
            serve.ended(status);
        }
        Ok(status)
        // [ch07 end]
    }
    // [ch06 end]

    /// The container's first process.
    fn child(&self) -> Result<Pid> {
        self.child
            .ok_or_else(|| Error::Setup("the container's first process is not running".to_string()))
    }
}

impl Drop for Container {
    /// Cleans up, however `run` ends. A first process still there means something failed
    /// before its command ran: it is killed and collected, so nothing of it is left. (Fields are
    /// dropped after this, in order: the cgroup, from chapter 4, last.)
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            let _ = sys::kill(child, Signal::SIGKILL);
            let _ = sys::waitpid(child);
        }
        // [ch06]
        // A container that a failed `run` was making, or that asked to go (`--rm`), leaves
        // nothing; any other stays, with its files, until `rm`: exited, or still created if
        // `start` could not start what `create` made.
        let never_made =
            self.record.state.status == state::Status::Created && !self.record.state.made;
        if never_made || self.config.meta.auto_remove {
            state::remove(&self.record);
        } else {
            self._storage.keep();
        }
        // [ch06 end]
    }
}
// [listing end]

// [ch08]
/// Whether the holder of an address's lease still runs: the process that holds a container
/// (minidock, or its monitor).
pub fn lease_holder_alive(holder: &network::ipam::Holder) -> bool {
    state::Process {
        pid: holder.pid,
        start: holder.start,
    }
    .alive()
}

/// The container whose network namespace `mode` joins (`container:NAME`), if any: it must be
/// running.
fn joined(root: &Path, mode: &Mode) -> Result<Option<network::Joined>> {
    let Mode::Container(reference) = mode else {
        return Ok(None);
    };
    let other = state::find(root, reference)?;
    if !other.state.status.is_running() || !other.state.pid.alive() {
        return Err(Error::Network(network::Error::Invalid(format!(
            "cannot join network of a non running container: {}",
            other.id()
        ))));
    }
    Ok(Some(network::Joined {
        pid: other.state.pid.pid,
        dir: other.dir.clone(),
    }))
}
// [ch08 end]

/// Makes sure the state directory exists, as docker makes its data root.
fn state_root(root: &Path) -> Result<()> {
    std::fs::create_dir_all(root).map_err(|err| Error::StateRoot {
        path: root.to_path_buf(),
        reason: sys::describe(sys::errno_of(err)),
    })
}

// [ch02]
// [listing wait]
/// Waits for the container's first process to end, passing on the signals minidock receives
/// meanwhile, and returns how it ended.
pub fn wait_passing_signals(child: Pid, signals: &mut Signals) -> Result<sys::Ended> {
    // [ch02 stretch wait-loop: Wait and pass signals on | chapter_02::stretch::several_signals_in_a_row_all_reach_the_command]
    loop {
        match signals.next().map_err(Error::Wait)? {
            Event::Signal(signal) => forward(child, signal),
            // Signals do not queue: one SIGCHLD may stand for several children, or come from a
            // child other than this one. So it is a reason to ask, without waiting, and not the
            // answer.
            Event::ChildEnded => {
                if let Some(ended) = sys::try_waitpid(child).map_err(Error::Wait)? {
                    return Ok(ended);
                }
            }
        }
    }
    // [ch02 before]
    //~ // Read the news from `signals` until the child has ended: pass each signal on to it
    //~ // (`forward`), and take each SIGCHLD as a reason to ask, without waiting, whether it has
    //~ // ended. Until then minidock waits for the child and passes nothing on.
    //~ let _ = signals;
    //~ sys::waitpid(child).map_err(Error::Wait)
    // [ch02 end]
}

/// Passes `signal`, which minidock received, on to the container's first process.
fn forward(child: Pid, signal: sys::Signo) {
    // [ch02 exercise forward: Forward signals]
    // The child may be ending right now: a signal that finds no one is not an error.
    let _ = sys::kill(child, signal);
    // [ch02 mistake forward-to-pid-1: chapter_02::signals_sent_to_minidock_reach_the_command]
    //~ // The container's first process is pid 1, but only inside its PID namespace.
    //~ let _ = (child, sys::kill(Pid::from_raw(1), signal));
    // [ch02 before]
    //~ // Pass `signal` on to the container's first process. Until then minidock swallows it,
    //~ // and a `kill` of minidock stops nothing.
    //~ let _ = (child, signal);
    // [ch02 end]
}
// [listing end]
// [ch02 end]
