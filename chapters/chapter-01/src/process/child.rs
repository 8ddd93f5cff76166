//! The container's first process, from `clone(2)` to `execve(2)`.
//!
//! This code runs in the child that minidock cloned, already inside its new namespaces. It waits
//! for minidock's go-ahead, prepares the container from the inside, and then becomes the command
//! (or, with `--init`, the init that starts it). It never returns on success; on failure it tells
//! minidock why (see `handshake`) and exits.

#[allow(unused_imports)] // until your code uses it, in chapter 1
use std::path::Path;

use crate::config::Config;
#[allow(unused_imports)] // until your code uses it, in chapter 1
use crate::namespaces::uts;
use crate::process::exec;
use crate::process::exit;
use crate::process::handshake::{ContainerEnd, ToContainer, ToMinidock};
#[allow(unused_imports)] // until your code uses it, in chapter 1
use crate::rootfs;
use crate::sys;

/// What the container's first process is handed when it is cloned: the configuration, and what
/// minidock prepared for it from outside. Chapters add fields.
pub struct ChildArgs<'a> {
    pub config: &'a Config,
}

/// The child's whole life. The return value is its exit status, seen only if something failed.
pub fn main(args: &ChildArgs, channel: ContainerEnd) -> isize {
    sys::set_role(sys::Role::Container);
    // While it waits, minidock's death shows as end-of-file.
    match channel.recv() {
        Ok(Some(ToContainer::Continue)) => {}
        // minidock is gone, or said something else: nobody is left to report to.
        Ok(None) | Err(_) => return 1,
    }
    let failure = match setup(args) {
        Ok(()) => return exec::start(&args.config.process, &channel),
        Err(err) => ToMinidock::SetupFailed {
            detail: err.to_string(),
        },
    };
    // If even this fails, minidock sees end-of-file and then this exit status: docker's status
    // for "the runtime failed", not one the command could have chosen.
    let _ = channel.send(&failure);
    exit::FAILED.into()
}

/// Prepares the container from the inside, between the go-ahead and the command.
fn setup(args: &ChildArgs) -> sys::Result<()> {
    let config = args.config;
    // TODO(chapter 1): Set up the child
    //   (the book: chapter 1, "Set up the child")
    // Set the container up from the inside, in an order that works: its working directory
    // (from `-w`, made if it is missing), its root directory and its host name (these two
    // with the functions of your next exercises).
    let _ = (&config.hostname, &config.root.path, &config.process.cwd);
    Ok(())
}
