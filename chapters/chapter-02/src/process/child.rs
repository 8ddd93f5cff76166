//! The container's first process, from `clone(2)` to `execve(2)`.
//!
//! This code runs in the child that minidock cloned, already inside its new namespaces. It waits
//! for minidock's go-ahead, prepares the container from the inside, and then becomes the command
//! (or, with `--init`, the init that starts it). It never returns on success; on failure it tells
//! minidock why (see `handshake`) and exits.

use std::path::Path;

use crate::config::Config;
use crate::namespaces::uts;
use crate::process::exec;
use crate::process::exit;
use crate::process::handshake::{ContainerEnd, ToContainer, ToMinidock};
use crate::process::init;
use crate::rootfs;
use crate::sys;
#[allow(unused_imports)] // until your code uses it, in chapter 2
use nix::sys::signal::Signal;

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
    // TODO(chapter 2): Die with minidock
    //   (the book: chapter 2, "Die with minidock")
    // If minidock dies from here on, nothing is left to wait for the container or to pass
    // signals on: make sure the container dies with it, even if minidock died a moment ago.
    let failure = match setup(args) {
        // With --init, this process stays as the container's init, and the command is its child.
        Ok(()) if args.config.init => return init::main(args.config, channel),
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
    // The host name first: this process is in the new UTS namespace already. Then the root, and
    // only then the working directory, which is a path inside the new root: made (docker creates
    // a missing one) and entered from there, never on the host.
    uts::set_hostname(&config.hostname)?;
    rootfs::enter(&config.root)?;
    if config.process.cwd != Path::new("/") {
        sys::mkdir_all(&config.process.cwd)?;
        sys::chdir(&config.process.cwd)?;
    }
    // TODO(chapter 2): A session of its own
    //   (the book: chapter 2, "A session of its own")
    // A Ctrl-C typed in the terminal must reach the container once, through minidock, and
    // not also directly. Until then the container shares minidock's session and process
    // group, and the terminal signals both.
    Ok(())
}
