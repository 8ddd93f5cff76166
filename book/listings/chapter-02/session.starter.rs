/// Prepares the container from the inside: its namespaces and host name, then the root
/// filesystem (with its view of its cgroups, from chapter 4), then the working directory (which
/// only exists once the root is in place).
fn setup(args: &ChildArgs) -> sys::Result<()> {
    let config = args.config;
    uts::set_hostname(&config.hostname)?;
    rootfs::enter(&config.root.path)?;
    if config.process.cwd != std::path::Path::new("/") {
        // docker creates a missing working directory rather than failing.
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
