//! The container's first process, from `clone(2)` to `execve(2)`.
//!
//! This code runs in the child that minidock cloned, already inside its new namespaces. It waits
//! for minidock's go-ahead, prepares the container from the inside, and then becomes the command
//! (or, with `--init`, the init that starts it). It never returns on success; on failure it tells
//! minidock why (see `handshake`) and exits.

// [ch01 unsolved allow(unused_imports)]
use std::path::Path;

use crate::config::Config;
// [ch01 unsolved allow(unused_imports)]
use crate::namespaces::uts;
use crate::process::exec;
use crate::process::exit;
use crate::process::handshake::{ContainerEnd, ToContainer, ToMinidock};
use crate::sys;
// [ch01 unsolved allow(unused_imports)]
use crate::rootfs;
// [ch04]
use crate::cgroups::{self, View};
use crate::namespaces;
// [ch04 end]
// [ch08]
use crate::namespaces::net::NetNamespace;
use crate::rootfs::binds::Bind;
// [ch08 end]
// [ch02]
use crate::process::init;
// [ch02 unsolved allow(unused_imports)]
use nix::sys::signal::Signal;
// [ch02 end]

/// What the container's first process is handed when it is cloned: the configuration, and what
/// minidock prepared for it from outside. Chapters add fields.
pub struct ChildArgs<'a> {
    pub config: &'a Config,
    // [ch04]
    /// How the container sees its cgroups, under /sys/fs/cgroup.
    pub cgroup_view: View,
    // [ch04 end]
    // [ch07]
    /// With `-t`: the socket the terminal's master is handed to minidock on.
    pub console: Option<std::os::fd::RawFd>,
    // [ch07 end]
    // [ch08]
    /// The network namespace to join, made (or found) by minidock: `None` for the host's.
    pub network: Option<&'a NetNamespace>,
    /// The host's files to bind in: its resolver files.
    pub binds: &'a [Bind],
    // [ch08 end]
}

// [listing child]
/// The child's whole life. The return value is its exit status, seen only if something failed.
pub fn main(args: &ChildArgs, channel: ContainerEnd) -> isize {
    sys::set_role(sys::Role::Container);
    // While it waits, minidock's death shows as end-of-file.
    match channel.recv() {
        Ok(Some(ToContainer::Continue)) => {}
        // minidock is gone, or said something else: nobody is left to report to.
        Ok(None) | Err(_) => return 1,
    }
    // [ch02]
    // [ch02 exercise parent-death: Die with minidock]
    // From the go-ahead on, if minidock dies, the container dies with it, rather than run on
    // with nobody to wait for it. SIGKILL, sent from minidock's side of the PID namespace, is
    // the one signal a pid 1 without handlers cannot ignore. (Before the go-ahead there is no
    // need: minidock's death shows as end-of-file in the recv above.)
    if sys::set_parent_death_signal(Signal::SIGKILL).is_err() {
        return exit::FAILED.into();
    }
    // minidock may have died after its go-ahead but before the prctl above took effect, when
    // the kernel had no death signal to send yet. Its end of the channel is closed then.
    if channel.peer_is_gone() {
        return 1;
    }
    // [ch02 mistake parent-death-sigterm: chapter_02::the_container_dies_with_minidock]
    //~ // A polite death signal, the one `kill` sends by default.
    //~ if sys::set_parent_death_signal(Signal::SIGTERM).is_err() {
    //~     return exit::FAILED.into();
    //~ }
    //~ if channel.peer_is_gone() {
    //~     return 1;
    //~ }
    // [ch02 before]
    //~ // If minidock dies from here on, nothing is left to wait for the container or to pass
    //~ // signals on: make sure the container dies with it, even if minidock died a moment ago.
    // [ch02 end]
    // [ch02 end]
    let failure = match setup(args) {
        // [ch02]
        // With --init, this process stays as the container's init, and the command is its child.
        Ok(()) if args.config.init => return init::main(args.config, channel),
        // [ch02 end]
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
    // [ch04]
    // minidock has put this process in its cgroup by now: that cgroup becomes the root of the
    // new cgroup namespace.
    namespaces::enter_cgroup_namespace()?;
    // [ch04 end]
    // [ch08]
    // The network namespace minidock prepared, before /sys is mounted: sysfs shows the links
    // of the namespace of whoever mounts it. And the files to bind in, opened while the host's
    // paths still lead to them.
    if let Some(network) = args.network {
        network.join()?;
    }
    let bound = rootfs::binds::open(args.binds)?;
    // [ch08 end]
    // [ch01 exercise setup: Set up the child]
    // The host name first: this process is in the new UTS namespace already. Then the root, and
    // only then the working directory, which is a path inside the new root: made (docker creates
    // a missing one) and entered from there, never on the host.
    uts::set_hostname(&config.hostname)?;
    rootfs::enter(&config.root)?;
    // [ch03]
    rootfs::tmpfs::mount_all(&config.mounts)?;
    // [ch03 end]
    // [ch04]
    cgroups::mount_view(&args.cgroup_view)?;
    // [ch04 end]
    rootfs::binds::mount_all(&bound)?; // [ch08]
    if config.process.cwd != Path::new("/") {
        sys::mkdir_all(&config.process.cwd)?;
        sys::chdir(&config.process.cwd)?;
    }
    // [ch01 mistake workdir-before-root: chapter_01::the_working_directory_is_made_and_entered_inside_the_image]
    //~ // The working directory first, while minidock's paths still work, then the root.
    //~ uts::set_hostname(&config.hostname)?;
    //~ if config.process.cwd != Path::new("/") {
    //~     sys::mkdir_all(&config.process.cwd)?;
    //~     sys::chdir(&config.process.cwd)?;
    //~ }
    //~ rootfs::enter(&config.root)?;
    // [ch01 before]
    //~ // Set the container up from the inside, in an order that works: its working directory
    //~ // (from `-w`, made if it is missing), its root directory and its host name (these two
    //~ // with the functions of your next exercises).
    //~ let _ = (&config.hostname, &config.root.path, &config.process.cwd);
    // [ch01 end]
    // [ch02 exercise session: A session of its own]
    // A new session, without the terminal: a Ctrl-C typed there reaches minidock only, which
    // passes it on once, rather than also reaching the container directly.
    sys::setsid()?;
    // [ch02 before]
    //~ // A Ctrl-C typed in the terminal must reach the container once, through minidock, and
    //~ // not also directly. Until then the container shares minidock's session and process
    //~ // group, and the terminal signals both.
    // [ch02 end]
    // [ch07]
    // With -t, a terminal of the container's own, once the session is new and /dev/pts is the
    // container's: it becomes the session's controlling terminal.
    if let Some(console) = args.console {
        // SAFETY: minidock's end of the console socket, open in this process until it execs.
        let console = unsafe { std::os::fd::BorrowedFd::borrow_raw(console) };
        crate::terminal::hand_over(console, config.process.console_size)?;
    }
    // [ch07 end]
    Ok(())
}
// [listing end]
