/// The child's whole life. The return value is its exit status, seen only if something failed.
pub fn main(args: &ChildArgs, channel: ContainerEnd) -> isize {
    sys::set_role(sys::Role::Container);
    // While it waits, minidock's death shows as end-of-file.
    match channel.recv() {
        Ok(Some(ToContainer::Continue)) => {}
        // minidock is gone, or said something else: nobody is left to report to.
        Ok(None) | Err(_) => return 1,
    }
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
    // minidock has put this process in its cgroup by now: that cgroup becomes the root of the
    // new cgroup namespace.
    namespaces::enter_cgroup_namespace()?;
    // The network namespace minidock prepared, before /sys is mounted: sysfs shows the links
    // of the namespace of whoever mounts it. And the files to bind in, opened while the host's
    // paths still lead to them.
    if let Some(network) = args.network {
        network.join()?;
    }
    let bound = rootfs::binds::open(args.binds)?;
    // The host name first: this process is in the new UTS namespace already. Then the root, and
    // only then the working directory, which is a path inside the new root: made (docker creates
    // a missing one) and entered from there, never on the host.
    uts::set_hostname(&config.hostname)?;
    rootfs::enter(&config.root)?;
    rootfs::tmpfs::mount_all(&config.mounts)?;
    cgroups::mount_view(&args.cgroup_view)?;
    rootfs::binds::mount_all(&bound)?;
    if config.process.cwd != Path::new("/") {
        sys::mkdir_all(&config.process.cwd)?;
        sys::chdir(&config.process.cwd)?;
    }
    // A new session, without the terminal: a Ctrl-C typed there reaches minidock only, which
    // passes it on once, rather than also reaching the container directly.
    sys::setsid()?;
    // With -t, a terminal of the container's own, once the session is new and /dev/pts is the
    // container's: it becomes the session's controlling terminal.
    if let Some(console) = args.console {
        // SAFETY: minidock's end of the console socket, open in this process until it execs.
        let console = unsafe { std::os::fd::BorrowedFd::borrow_raw(console) };
        crate::terminal::hand_over(console, config.process.console_size)?;
    }
    Ok(())
}
