//! The network namespace: the container's own network stack, with its links, addresses, routes,
//! ports, and firewall.
//!
//! Unlike the namespaces of earlier chapters, the container's network namespace is made before
//! its first process, by minidock, which keeps it by a descriptor without living in it. Docker
//! (its `SandboxKey`), podman and every CNI plugin do the same: the namespace must exist, with a
//! veth end inside it, an address and a route, before the command can use the network, and it
//! is easier to build a network in a namespace nobody runs in yet. The first process joins it
//! with `setns(2)`, as it would join another container's (`--network container:NAME`).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;
use nix::sched::CloneFlags;

use crate::sys;

/// A network namespace, held open by a descriptor: it lives at least as long as this value, or
/// any process in it.
pub struct NetNamespace {
    /// Where it was opened, for `--explain` and errors (`/proc/PID/ns/net`).
    pub path: PathBuf,
    fd: OwnedFd,
}

/// The file of the calling thread's network namespace. `thread-self`, not `self`: namespaces
/// belong to threads, and `self` names the thread group's leader.
const OWN: &str = "/proc/thread-self/ns/net";

impl NetNamespace {
    /// The namespace minidock runs in: the host's (named `/proc/PID/ns/net` for `--explain`,
    /// which a shell can enter while minidock runs).
    pub fn own() -> sys::Result<NetNamespace> {
        let own = NetNamespace::open(Path::new(OWN))?;
        let path = PathBuf::from(format!("/proc/{}/ns/net", std::process::id()));
        Ok(NetNamespace { path, ..own })
    }

    /// The namespace of the process `pid` (of another container's first process).
    pub fn of_process(pid: i32) -> sys::Result<NetNamespace> {
        NetNamespace::open(&PathBuf::from(format!("/proc/{pid}/ns/net")))
    }

    fn open(path: &Path) -> sys::Result<NetNamespace> {
        let fd = sys::open(&path.to_string_lossy(), OFlag::O_RDONLY)?;
        Ok(NetNamespace {
            path: path.to_path_buf(),
            fd,
        })
    }

    /// A new, empty network namespace (only `lo`, down), which minidock holds without entering
    /// it: minidock is back in `own` when this returns.
    pub fn create(own: &NetNamespace) -> sys::Result<NetNamespace> {
        // unshare(2) can only move the caller into a new namespace: do so, take a descriptor of
        // it (which keeps it alive), and go back to the host's at once, before anything else
        // is made in the wrong place.
        sys::unshare(CloneFlags::CLONE_NEWNET)?;
        let made = NetNamespace::open(Path::new(OWN));
        sys::setns(own.as_fd(), &own.path, CloneFlags::CLONE_NEWNET)?;
        made.map(NetNamespace::named_by_fd)
    }

    /// The namespace, named by the path that reaches it while minidock runs, for `--explain`:
    /// `nsenter --net=/proc/PID/fd/N` enters it from a shell.
    fn named_by_fd(self) -> NetNamespace {
        use std::os::fd::AsRawFd;
        let path = PathBuf::from(format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            self.fd.as_raw_fd()
        ));
        NetNamespace { path, ..self }
    }

    /// Moves the calling process into this namespace: the container's first process does, before
    /// it mounts /sys, whose network part shows the namespace of whoever mounts it.
    pub fn join(&self) -> sys::Result<()> {
        sys::setns(self.as_fd(), &self.path, CloneFlags::CLONE_NEWNET)
    }
}

impl AsFd for NetNamespace {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}
