//! Namespaces: what the container's first process gets its own copy of.
//!
//! A namespace wraps one kind of global resource so that the processes inside it see their own
//! instance of it. `clone(2)` creates the child inside new namespaces when asked with a
//! `CLONE_NEW*` flag; each chapter adds one:
//!
//! | flag            | isolates                            | chapter |
//! |-----------------|-------------------------------------|---------|
//! | CLONE_NEWUTS    | host name and NIS domain name       | 1       |
//! | CLONE_NEWPID    | process ids                         | 2       |
//! | CLONE_NEWIPC    | System V IPC, POSIX message queues  | 2       |
//! | CLONE_NEWNS     | mount points                        | 3       |
//! | CLONE_NEWCGROUP | the cgroup tree (by unshare, later) | 4       |
//! | CLONE_NEWNET    | network stack (made ahead, joined)  | 8       |
//!
//! See namespaces(7), and `ls -l /proc/self/ns` for the ones your shell is in.

pub mod net;
pub mod uts;

use nix::sched::CloneFlags;

use crate::sys;

/// The namespaces the container's first process is born in, as flags for `clone(2)`.
pub fn clone_flags() -> CloneFlags {
    let mut flags = CloneFlags::empty();
    flags |= uts();
    flags |= pid();
    flags |= ipc();
    flags |= mount();
    flags
}

/// The UTS namespace: with its own, the container can change its host name without changing the
/// host's.
fn uts() -> CloneFlags {
    CloneFlags::CLONE_NEWUTS
}

/// The PID namespace: the container's first process is its pid 1, and sees no process outside.
fn pid() -> CloneFlags {
    CloneFlags::CLONE_NEWPID
}

/// The IPC namespace: System V message queues, semaphores and shared memory, and POSIX message
/// queues, made inside the container stay inside it.
fn ipc() -> CloneFlags {
    CloneFlags::CLONE_NEWIPC
}

/// The mount namespace: the container's mounts, from its root filesystem down, are its own.
fn mount() -> CloneFlags {
    CloneFlags::CLONE_NEWNS
}

/// The cgroup namespace: the container sees its own cgroup as the root of the tree, in
/// `/proc/self/cgroup` and in what it mounts, and nothing of the host's cgroups above it.
///
/// Not a `clone(2)` flag: the root of a new cgroup namespace is the cgroup its creator is in at
/// that moment, and at `clone` time the child is still in minidock's. The child unshares it once
/// minidock has moved it into the container's cgroup.
pub fn enter_cgroup_namespace() -> sys::Result<()> {
    sys::unshare(CloneFlags::CLONE_NEWCGROUP)
}
