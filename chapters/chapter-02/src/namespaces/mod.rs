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
//!
//! See namespaces(7), and `ls -l /proc/self/ns` for the ones your shell is in.

pub mod uts;

use nix::sched::CloneFlags;

/// The namespaces the container's first process is born in, as flags for `clone(2)`.
pub fn clone_flags() -> CloneFlags {
    let mut flags = CloneFlags::empty();
    flags |= uts();
    flags |= pid();
    flags |= ipc();
    flags
}

/// The UTS namespace: with its own, the container can change its host name without changing the
/// host's.
fn uts() -> CloneFlags {
    CloneFlags::CLONE_NEWUTS
}

/// The PID namespace: the container's first process is its pid 1, and sees no process outside.
fn pid() -> CloneFlags {
    // TODO(chapter 2): A new PID namespace
    //   (the book: chapter 2, "A new PID namespace")
    // Return the clone(2) flag that creates the child in a new PID namespace, as its pid 1.
    CloneFlags::empty()
}

/// The IPC namespace: System V message queues, semaphores and shared memory, and POSIX message
/// queues, made inside the container stay inside it.
fn ipc() -> CloneFlags {
    // TODO(chapter 2): A new IPC namespace
    //   (the book: chapter 2, "A new IPC namespace")
    // Return the clone(2) flag that gives the child its own System V IPC objects.
    CloneFlags::empty()
}
