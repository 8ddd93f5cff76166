//! Namespaces: what the container's first process gets its own copy of.
//!
//! A namespace wraps one kind of global resource so that the processes inside it see their own
//! instance of it. `clone(2)` creates the child inside new namespaces when asked with a
//! `CLONE_NEW*` flag; each chapter adds one:
//!
//! | flag            | isolates                            | chapter |
//! |-----------------|-------------------------------------|---------|
//! | CLONE_NEWUTS    | host name and NIS domain name       | 1       |
//!
//! See namespaces(7), and `ls -l /proc/self/ns` for the ones your shell is in.

pub mod uts;

use nix::sched::CloneFlags;

/// The namespaces the container's first process is born in, as flags for `clone(2)`.
#[allow(dead_code)] // until your code uses it, in chapter 1
pub fn clone_flags() -> CloneFlags {
    let mut flags = CloneFlags::empty();
    flags |= uts();
    flags
}

/// The UTS namespace: with its own, the container can change its host name without changing the
/// host's.
fn uts() -> CloneFlags {
    // TODO(chapter 1): A new UTS namespace
    //   (the book: chapter 1, "A new UTS namespace")
    // Return the clone(2) flag that creates the child in a new UTS namespace.
    // Until then the child shares the host's: its host name *is* the host's.
    CloneFlags::empty()
}
