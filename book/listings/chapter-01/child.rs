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
    // The host name first: this process is in the new UTS namespace already. Then the root, and
    // only then the working directory, which is a path inside the new root: made (docker creates
    // a missing one) and entered from there, never on the host.
    uts::set_hostname(&config.hostname)?;
    rootfs::enter(&config.root)?;
    if config.process.cwd != Path::new("/") {
        sys::mkdir_all(&config.process.cwd)?;
        sys::chdir(&config.process.cwd)?;
    }
    Ok(())
}
