//! `--init`: a small init process of minidock's own as the container's pid 1.
//!
//! Pid 1 of a PID namespace has two jobs that ordinary programs do not expect to have. It
//! receives only the signals it has a handler for (a web server without a SIGTERM handler cannot
//! be stopped politely), and it inherits every orphan of the namespace: a process whose parent
//! ended is re-parented to pid 1, which must collect it with `waitpid` when it ends, or it stays a
//! zombie for as long as the container runs. With `--init`, the container's first process keeps
//! these jobs for itself instead of becoming the command:
//!
//! ```text
//!   pid 1: minidock's init ──fork──▶ pid 2: the command ──▶ its children, orphans...
//!     passes signals on to the command
//!     reaps every child that ends, orphans included
//!     exits with the command's status when the command ends
//! ```
//!
//! It is what docker's `--init` runs (tini, bind-mounted into the container as `/dev/init`);
//! minidock's is a forked copy of itself, so it needs no file inside the image.

use nix::unistd::Pid;

use crate::config::Config;
use crate::process::exec;
use crate::process::exit;
use crate::process::handshake::ContainerEnd;
use crate::process::signals::{Event, Signals};
use crate::sys::{self, Ended};

/// Runs as the container's pid 1: starts the command as its child and looks after it until it
/// ends. Returns the exit status for the container: the command's own, or 128 + N if signal N
/// killed it.
pub fn main(config: &Config, channel: ContainerEnd) -> isize {
    match supervise(config, channel) {
        Ok(ended) => exit::for_ended(ended).into(),
        Err(err) => {
            sys::tell(&sys::chain(&err));
            exit::FAILED.into()
        }
    }
}

fn supervise(config: &Config, channel: ContainerEnd) -> sys::Result<Ended> {
    // The signals are still blocked, as minidock left them: read them here too. Opened before
    // the fork, so a signal minidock passes on meanwhile waits for the loop below.
    let mut signals = Signals::catch()?;
    // SAFETY: the container's first process is single-threaded, as minidock was.
    let command = match unsafe { sys::fork() }? {
        // The command: started as without --init; it reports a failure to start to minidock.
        None => std::process::exit(exec::start(&config.process, &channel) as i32),
        Some(pid) => pid,
    };
    // From here on, the calls --explain shows are the init's own.
    sys::set_role(sys::Role::Init);
    // From now on only the command holds the container's end of the handshake, so minidock sees
    // end-of-file exactly when the command's execve succeeds. Kept open here, it would keep
    // minidock waiting for that news, outside its loop, while the command runs: the signals
    // minidock is sent would wait with it.
    drop(channel);
    loop {
        match signals.next()? {
            Event::Signal(signal) => {
                // The command may have just ended: then there is no one to pass it to.
                let _ = sys::kill(command, signal);
            }
            Event::ChildEnded => {
                if let Some(ended) = reap(command)? {
                    return Ok(ended);
                }
            }
        }
    }
}

/// Collects the children that have ended, and returns how the command ended if it is one of them.
fn reap(command: Pid) -> sys::Result<Option<Ended>> {
    // One SIGCHLD can stand for many children: collect every one that has ended, whoever it is,
    // until none is left. Orphans, re-parented to pid 1, are among them.
    let mut command_ended = None;
    while let Some((pid, ended)) = sys::reap_any()? {
        if pid == command {
            command_ended = Some(ended);
        }
    }
    Ok(command_ended)
}
