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
    // A new session, without the terminal: a Ctrl-C typed there reaches minidock only, which
    // passes it on once, rather than also reaching the container directly.
    sys::setsid()?;
    Ok(())
}
