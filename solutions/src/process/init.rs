// [ch02 file]
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
// [ch02 unsolved allow(unused_imports)]
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
    // [ch02 exercise init-life: Look after the command]
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
    // [ch02 mistake init-keeps-channel: chapter_02::with_init_signals_reach_the_command]
    //~ let mut signals = Signals::catch()?;
    //~ // SAFETY: the container's first process is single-threaded, as minidock was.
    //~ let command = match unsafe { sys::fork() }? {
    //~     None => std::process::exit(exec::start(&config.process, &channel) as i32),
    //~     Some(pid) => pid,
    //~ };
    //~ sys::set_role(sys::Role::Init);
    //~ // The channel is the command's business: the init leaves it alone.
    //~ let _channel = channel;
    //~ loop {
    //~     match signals.next()? {
    //~         Event::Signal(signal) => {
    //~             let _ = sys::kill(command, signal);
    //~         }
    //~         Event::ChildEnded => {
    //~             if let Some(ended) = reap(command)? {
    //~                 return Ok(ended);
    //~             }
    //~         }
    //~     }
    //~ }
    // [ch02 mistake init-passes-nothing: chapter_02::with_init_signals_reach_the_command]
    //~ let mut signals = Signals::catch()?;
    //~ // SAFETY: the container's first process is single-threaded, as minidock was.
    //~ let command = match unsafe { sys::fork() }? {
    //~     None => std::process::exit(exec::start(&config.process, &channel) as i32),
    //~     Some(pid) => pid,
    //~ };
    //~ sys::set_role(sys::Role::Init);
    //~ drop(channel);
    //~ loop {
    //~     // The signals are minidock's news for the container: the command is in it already.
    //~     if signals.next()? == Event::ChildEnded {
    //~         if let Some(ended) = reap(command)? {
    //~             return Ok(ended);
    //~         }
    //~     }
    //~ }
    // [ch02 before]
    //~ // Stay on as the container's pid 1: start the command as a child of this process, make
    //~ // sure minidock still learns when its execve succeeds, then pass on the signals that come
    //~ // (`Signals`) and collect the children that end (`reap`) until the command has ended,
    //~ // and return how it ended. Until then this process becomes the command itself, and
    //~ // --init changes nothing.
    //~ std::process::exit(exec::start(&config.process, &channel) as i32)
    // [ch02 end]
}

/// Collects the children that have ended, and returns how the command ended if it is one of them.
// [ch02 unsolved allow(dead_code)]
fn reap(command: Pid) -> sys::Result<Option<Ended>> {
    // [ch02 exercise reap: Reap orphans]
    // One SIGCHLD can stand for many children: collect every one that has ended, whoever it is,
    // until none is left. Orphans, re-parented to pid 1, are among them.
    let mut command_ended = None;
    while let Some((pid, ended)) = sys::reap_any()? {
        if pid == command {
            command_ended = Some(ended);
        }
    }
    Ok(command_ended)
    // [ch02 mistake reap-once: chapter_02::orphans_that_end_together_are_all_reaped]
    //~ // One child collected for each SIGCHLD read: but several children that end together
    //~ // leave one pending SIGCHLD.
    //~ let mut command_ended = None;
    //~ if let Some((pid, ended)) = sys::reap_any()? {
    //~     if pid == command {
    //~         command_ended = Some(ended);
    //~     }
    //~ }
    //~ Ok(command_ended)
    // [ch02 mistake reap-command-only: chapter_02::init_reaps_orphans]
    //~ // The command is the init's one child: the rest are the command's business.
    //~ sys::try_waitpid(command)
    // [ch02 before]
    //~ // Only the command is collected here. Every other child of pid 1 that ends (orphans of
    //~ // the container, re-parented to it) stays a zombie. Collect all of them, and report the
    //~ // command's end when it is among them.
    //~ sys::try_waitpid(command)
    // [ch02 end]
}
