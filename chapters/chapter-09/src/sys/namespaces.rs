//! Namespaces, and what lives in them.

use nix::sched::CloneFlags;

use super::{call, shell_quote, Result};

/// The `unshare(1)` option that asks for the same namespace as a `CLONE_NEW*` flag.
pub(super) fn unshare_option(flag: CloneFlags) -> Option<&'static str> {
    Some(match flag {
        CloneFlags::CLONE_NEWUTS => "--uts",
        CloneFlags::CLONE_NEWPID => "--pid",
        CloneFlags::CLONE_NEWNS => "--mount",
        CloneFlags::CLONE_NEWIPC => "--ipc",
        CloneFlags::CLONE_NEWNET => "--net",
        CloneFlags::CLONE_NEWUSER => "--user",
        CloneFlags::CLONE_NEWCGROUP => "--cgroup",
        _ => return None,
    })
}

/// `sethostname(2)`: sets the host name of the calling process's UTS namespace.
pub fn sethostname(name: &str) -> Result<()> {
    call(
        format!("sethostname({name:?})"),
        &format!("hostname {}", shell_quote(name)),
        || nix::unistd::sethostname(name),
    )
}

/// `unshare(2)`: moves the calling process into new namespaces of the kinds `flags` names.
pub fn unshare(flags: CloneFlags) -> Result<()> {
    let names: Vec<&str> = flags.iter_names().map(|(name, _)| name).collect();
    let options: Vec<&str> = flags.iter().filter_map(unshare_option).collect();
    call(
        format!("unshare({})", names.join(" | ")),
        &format!("unshare {}", options.join(" ")),
        || nix::sched::unshare(flags),
    )
}

/// `setns(2)`: moves the calling process into the namespace that `fd` (opened from `path`, a
/// `/proc/PID/ns/*` file) refers to, of the kind `kind`. For a PID namespace, only the processes
/// the caller creates from now on are born in it: a process never changes its own pid.
pub fn setns(
    fd: std::os::fd::BorrowedFd<'_>,
    path: &std::path::Path,
    kind: CloneFlags,
) -> Result<()> {
    let name = kind
        .iter_names()
        .map(|(name, _)| name)
        .next()
        .unwrap_or("0");
    let option = unshare_option(kind).unwrap_or("--all");
    call(
        format!("setns({}, {name})", path.display()),
        &format!("nsenter {option}={}", path.display()),
        || nix::sched::setns(fd, kind),
    )
}
