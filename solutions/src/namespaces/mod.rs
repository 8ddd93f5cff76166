//! Namespaces: what the container's first process gets its own copy of.
//!
//! A namespace wraps one kind of global resource so that the processes inside it see their own
//! instance of it. `clone(2)` creates the child inside new namespaces when asked with a
//! `CLONE_NEW*` flag; each chapter adds one:
//!
//! | flag            | isolates                            | chapter |
//! |-----------------|-------------------------------------|---------|
//! | CLONE_NEWUTS    | host name and NIS domain name       | 1       |
// [ch02]
//! | CLONE_NEWPID    | process ids                         | 2       |
//! | CLONE_NEWIPC    | System V IPC, POSIX message queues  | 2       |
// [ch02 end]
// [ch03]
//! | CLONE_NEWNS     | mount points                        | 3       |
// [ch03 end]
// [ch04]
//! | CLONE_NEWCGROUP | the cgroup tree (by unshare, later) | 4       |
// [ch04 end]
// [ch08]
//! | CLONE_NEWNET    | network stack (made ahead, joined)  | 8       |
// [ch08 end]
//!
//! See namespaces(7), and `ls -l /proc/self/ns` for the ones your shell is in.

// [ch08]
pub mod net;
// [ch08 end]
pub mod uts;

use nix::sched::CloneFlags;

use crate::sys; // [ch04]

/// The namespaces the container's first process is born in, as flags for `clone(2)`.
// [ch01 unsolved allow(dead_code)]
pub fn clone_flags() -> CloneFlags {
    let mut flags = CloneFlags::empty();
    flags |= uts();
    flags |= pid(); // [ch02]
    flags |= ipc(); // [ch02]
    flags |= mount(); // [ch03]
    flags
}

/// The UTS namespace: with its own, the container can change its host name without changing the
/// host's.
fn uts() -> CloneFlags {
    // [ch01 exercise uts-namespace: A new UTS namespace]
    CloneFlags::CLONE_NEWUTS
    // [ch01 mistake uts-as-newns: chapter_01::the_host_keeps_its_hostname]
    //~ // "NS" for namespace: the flag of a new namespace.
    //~ CloneFlags::CLONE_NEWNS
    // [ch01 before]
    //~ // Return the clone(2) flag that creates the child in a new UTS namespace.
    //~ // Until then the child shares the host's: its host name *is* the host's.
    //~ CloneFlags::empty()
    // [ch01 end]
}

// [ch02]
/// The PID namespace: the container's first process is its pid 1, and sees no process outside.
fn pid() -> CloneFlags {
    // [ch02 exercise pid-namespace: A new PID namespace]
    CloneFlags::CLONE_NEWPID
    // [ch02 mistake pid-as-newns: chapter_02::the_command_is_pid_1, chapter_02::host_processes_are_out_of_reach]
    //~ // "NS" for namespace: the flag of a new namespace.
    //~ CloneFlags::CLONE_NEWNS
    // [ch02 before]
    //~ // Return the clone(2) flag that creates the child in a new PID namespace, as its pid 1.
    //~ CloneFlags::empty()
    // [ch02 end]
}

/// The IPC namespace: System V message queues, semaphores and shared memory, and POSIX message
/// queues, made inside the container stay inside it.
fn ipc() -> CloneFlags {
    // [ch02 exercise ipc-namespace: A new IPC namespace]
    CloneFlags::CLONE_NEWIPC
    // [ch02 mistake ipc-as-sysvsem: chapter_02::ipc_objects_stay_in_the_container]
    //~ // The flag clone(2) names after System V semaphores.
    //~ CloneFlags::CLONE_SYSVSEM
    // [ch02 before]
    //~ // Return the clone(2) flag that gives the child its own System V IPC objects.
    //~ CloneFlags::empty()
    // [ch02 end]
}
// [ch02 end]

// [ch03]
/// The mount namespace: the container's mounts, from its root filesystem down, are its own.
fn mount() -> CloneFlags {
    CloneFlags::CLONE_NEWNS
}
// [ch03 end]

// [ch04]
/// The cgroup namespace: the container sees its own cgroup as the root of the tree, in
/// `/proc/self/cgroup` and in what it mounts, and nothing of the host's cgroups above it.
///
/// Not a `clone(2)` flag: the root of a new cgroup namespace is the cgroup its creator is in at
/// that moment, and at `clone` time the child is still in minidock's. The child unshares it once
/// minidock has moved it into the container's cgroup.
pub fn enter_cgroup_namespace() -> sys::Result<()> {
    // [ch04 exercise cgroup-namespace: A cgroup namespace]
    sys::unshare(CloneFlags::CLONE_NEWCGROUP)
    // [ch04 mistake cgroup-namespace-as-newns: chapter_04::the_container_sees_its_limits_and_its_own_cgroup_root]
    //~ // "NS" for namespace: the flag of a new namespace.
    //~ sys::unshare(CloneFlags::CLONE_NEWNS)
    // [ch04 before]
    //~ // Give the container its own view of the cgroup tree, rooted at the cgroup this process
    //~ // is in now: see "A cgroup namespace". Until then the container sees the host's whole
    //~ // cgroup tree, and its own place in it.
    //~ Ok(())
    // [ch04 end]
}
// [ch04 end]
