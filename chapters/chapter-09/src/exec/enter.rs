//! Entering a running container: the PID namespace for the process about to be made, then, in
//! that process, the cgroup and the other namespaces.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use nix::sched::CloneFlags;
use nix::unistd::Pid;

use super::{user, Result, Target};
use crate::config::Process;
use crate::process::exec;
use crate::process::exit;
use crate::process::handshake::{self, ContainerEnd, ToMinidock};
use crate::sys;

/// How the new process ended before its command started: docker's status, and why.
#[derive(Debug, thiserror::Error)]
#[error("{detail}")]
pub struct Failed {
    pub status: u8,
    pub detail: String,
}

/// Starts `process` in the container `target` opened, as `user` (`-u`) if one is given, with
/// `stdio` as its standard input, output and error (minidock's own if `None`). Returns its pid
/// on the host once its command runs, or why it did not start.
pub fn spawn(
    target: &Target,
    process: &Process,
    user: Option<&str>,
    stdio: Option<&OwnedFd>,
) -> Result<std::result::Result<Pid, Failed>> {
    let (minidock_end, container_end) = handshake::pair()?;
    born_in_its_pid_namespace(target)?;
    // SAFETY: minidock never starts a thread.
    let Some(child) = (unsafe { sys::fork()? }) else {
        // The new process. minidock's end of the channel is minidock's: while this process held
        // a copy, minidock would never see end-of-file on it.
        let _ = nix::unistd::close(minidock_end.as_raw_fd());
        std::process::exit(become_command(target, process, user, stdio, &container_end) as i32);
    };
    drop(container_end);
    match minidock_end.recv()? {
        // End of file: the command runs.
        None => Ok(Ok(child)),
        Some(failure) => {
            let _ = sys::waitpid(child);
            // docker's status for whatever kept an exec's command from starting, a command not
            // found included (`run` tells that one apart: 127).
            let detail = match failure {
                ToMinidock::SetupFailed { detail } | ToMinidock::ExecFailed { detail, .. } => {
                    detail
                }
            };
            Ok(Err(Failed {
                status: exit::CANNOT_EXECUTE,
                detail,
            }))
        }
    }
}

/// In minidock, before the fork: the process it makes next must be born in the container's
/// PID namespace.
fn born_in_its_pid_namespace(target: &Target) -> sys::Result<()> {
    // setns(2) into a PID namespace moves no process: a pid is for life. It decides where the
    // caller's next children are born, so this is done here, before the fork, and minidock
    // itself stays where it is.
    if let Some(pid) = target.namespace(CloneFlags::CLONE_NEWPID) {
        sys::setns(pid.as_fd(), &pid.path, CloneFlags::CLONE_NEWPID)?;
    }
    Ok(())
}

/// In the new process: enters the container, then becomes the command; returns only if that
/// failed, with the exit status.
fn become_command(
    target: &Target,
    process: &Process,
    user: Option<&str>,
    stdio: Option<&OwnedFd>,
    channel: &ContainerEnd,
) -> isize {
    sys::set_role(sys::Role::Container);
    let entered = enter(target)
        .and_then(|()| stdio.map_or(Ok(()), |null| (0..3).try_for_each(|fd| sys::dup2(null, fd))))
        // With -t, a terminal of the container's, made here, in its mount namespace; a session of
        // its own first, for the terminal to become its controlling terminal.
        .and_then(|()| match &target.console {
            Some(console) => sys::setsid()
                .and_then(|()| crate::terminal::hand_over(console.as_fd(), process.console_size)),
            None => Ok(()),
        })
        .map_err(|err| err.to_string())
        .and_then(|()| user.map_or(Ok(()), user::switch))
        .and_then(|()| sys::chdir(&process.cwd).map_err(|err| err.to_string()));
    if let Err(detail) = entered {
        let _ = channel.send(&ToMinidock::SetupFailed { detail });
        return exit::FAILED.into();
    }
    exec::start(process, channel)
}

/// Joins the container's cgroup and enters its namespaces (but for the PID namespace, which
/// this process was born in).
fn enter(target: &Target) -> sys::Result<()> {
    // The cgroup first. Writing 0 to cgroup.procs moves the writer. On cgroup v2 the kernel
    // refuses to move a process into or out of what its cgroup namespace shows, so it must be
    // done while this process still sees the host's tree; every process it starts is born
    // there.
    for procs in &target.cgroup {
        sys::write_opened(procs.as_fd(), &procs.path, "0")?;
    }
    // The namespaces from descriptors opened on the host; the mount namespace last, since
    // setns(2) into it also sets this process's root and working directory to the container's.
    for kind in [
        CloneFlags::CLONE_NEWCGROUP,
        CloneFlags::CLONE_NEWIPC,
        CloneFlags::CLONE_NEWUTS,
        CloneFlags::CLONE_NEWNET,
        CloneFlags::CLONE_NEWNS,
    ] {
        if let Some(namespace) = target.namespace(kind) {
            sys::setns(namespace.as_fd(), &namespace.path, kind)?;
        }
    }
    Ok(())
}
