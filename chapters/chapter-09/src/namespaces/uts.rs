//! The container's host name, which lives in its UTS namespace.

use crate::sys;

/// Gives the container its host name.
///
/// Runs in the container's first process, inside its new UTS namespace: `sethostname(2)` changes
/// the name of the namespace the caller is in, so the host keeps its own.
pub fn set_hostname(hostname: &str) -> sys::Result<()> {
    sys::sethostname(hostname)
}
