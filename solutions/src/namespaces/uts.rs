//! The container's host name, which lives in its UTS namespace.

use crate::sys;

/// Gives the container its host name.
///
/// Runs in the container's first process, inside its new UTS namespace: `sethostname(2)` changes
/// the name of the namespace the caller is in, so the host keeps its own.
// [ch01 unsolved allow(dead_code)]
pub fn set_hostname(hostname: &str) -> sys::Result<()> {
    // [ch01 exercise hostname: Set the host name]
    sys::sethostname(hostname)
    // [ch01 mistake hostname-not-set: chapter_01::hostname_option_names_the_container]
    //~ // The new UTS namespace has the container's name already.
    //~ let _ = hostname;
    //~ Ok(())
    // [ch01 before]
    //~ // Give the container the host name `hostname`, and the host keeps its own. Do "A new UTS
    //~ // namespace" first: without it, this renames the machine you run minidock on.
    //~ let _ = hostname;
    //~ Ok(())
    // [ch01 end]
}
