//! `exec`: one more process in a container that runs. No namespace is made this time: the
//! container's exist, held by its processes, and a new process enters them with `setns(2)`, one
//! kind at a time, from descriptors of their `/proc/PID/ns/*` files; it joins the container's
//! cgroup as any process does, by writing itself into it.
//!
//! ```text
//!   minidock exec (on the host, and it stays there)
//!    │ open /proc/PID/ns/{cgroup,ipc,uts,pid,mnt}      PID: the container's first process
//!    │ open the container's cgroup.procs files
//!    │ setns(pid)           its children are born in the container's PID namespace
//!    │ fork ──────────────► the new process: joins the cgroup, enters the other namespaces,
//!    │                      the mount namespace last; its working directory; execve(COMMAND)
//!    └ waits for it, passing signals on, and exits with its status
//! ```
//!
//! Everything is opened first, while minidock still sees the host: once a process is in the
//! container's mount namespace, `/proc/PID` and the host's cgroup files are out of its sight.

mod enter;
mod user;

pub use enter::{spawn, Failed};

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;
use nix::sched::CloneFlags;

use crate::container::state::{self, Process};
use crate::sys;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Container {0} is not running")]
    NotRunning(String),
    #[error("entering the container")]
    Sys(#[from] sys::Error),
    #[error("entering the container")]
    Handshake(#[from] crate::process::handshake::Error),
    #[error("finding the container's cgroup")]
    Cgroup(#[from] crate::cgroups::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The kinds of namespace a container may have, with their names under `/proc/PID/ns`.
const KINDS: [(CloneFlags, &str); 7] = [
    (CloneFlags::CLONE_NEWUSER, "user"),
    (CloneFlags::CLONE_NEWCGROUP, "cgroup"),
    (CloneFlags::CLONE_NEWIPC, "ipc"),
    (CloneFlags::CLONE_NEWUTS, "uts"),
    (CloneFlags::CLONE_NEWNET, "net"),
    (CloneFlags::CLONE_NEWPID, "pid"),
    (CloneFlags::CLONE_NEWNS, "mnt"),
];

/// A file minidock opened to act on later, with the path it was opened at (for `--explain` and
/// errors).
pub struct Opened {
    pub path: PathBuf,
    fd: OwnedFd,
}

impl Opened {
    fn open(path: PathBuf, flags: OFlag) -> Result<Opened> {
        let fd = sys::open(&path.to_string_lossy(), flags)?;
        Ok(Opened { path, fd })
    }
}

impl AsFd for Opened {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// A running container, opened for a process to enter it: its namespaces, and its cgroup.
pub struct Target {
    /// The namespaces the container has that minidock is not in, by kind.
    namespaces: Vec<(CloneFlags, Opened)>,
    /// The `cgroup.procs` file of each of its cgroup's directories (one per v1 hierarchy).
    pub cgroup: Vec<Opened>,
    /// With `-t`: the new process's end of the socket it hands its terminal's master over on.
    pub console: Option<OwnedFd>,
}

impl Target {
    /// Opens what a process needs to enter the running `container`.
    pub fn open(container: &state::Container) -> Result<Target> {
        let first = container.state.pid;
        let not_running = || Error::NotRunning(container.id().to_string());
        if !first.alive() {
            return Err(not_running());
        }
        let mut namespaces = Vec::new();
        for (kind, name) in KINDS {
            let theirs = PathBuf::from(format!("/proc/{}/ns/{name}", first.pid));
            // A namespace the container shares with the host (the network's, before chapter
            // 8) is one minidock is in already.
            if same_file(&theirs, &PathBuf::from(format!("/proc/self/ns/{name}"))) {
                continue;
            }
            namespaces.push((kind, Opened::open(theirs, OFlag::O_RDONLY)?));
        }
        // Opened by pid: if the first process ended meanwhile, and its pid went to another
        // process, these are the other's. Its start time tells.
        if Process::of(first.pid) != Some(first) {
            return Err(not_running());
        }
        let cgroup = crate::container::cgroup_dirs(&container.record.config)?
            .into_iter()
            .map(|dir| Opened::open(dir.join("cgroup.procs"), OFlag::O_WRONLY))
            .collect::<Result<_>>()?;
        Ok(Target {
            namespaces,
            cgroup,
            console: None,
        })
    }

    /// The container's namespace of kind `kind`, if it has one of its own.
    pub fn namespace(&self, kind: CloneFlags) -> Option<&Opened> {
        self.namespaces
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, opened)| opened)
    }
}

/// Whether two paths are the same file (for namespaces: the same namespace).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}
