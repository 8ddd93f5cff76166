/// Prepares the container from the inside: its namespaces and host name, then the root
/// filesystem (with its view of its cgroups, from chapter 4), then the working directory (which
/// only exists once the root is in place).
fn setup(config: &Config) -> sys::Result<()> {
    uts::set_hostname(&config.hostname)?;
    rootfs::enter(&config.rootfs)?;
    if config.workdir != std::path::Path::new("/") {
        // docker creates a missing working directory rather than failing.
        sys::mkdir_all(&config.workdir)?;
        sys::chdir(&config.workdir)?;
    }
    // TODO(chapter 2): A session of its own
    //   (the book: chapter 2, "A session of its own")
    // Put the container in a new session of its own with `sys::setsid`. Until then it shares
    // minidock's session and process group, and a Ctrl-C typed in the terminal reaches both.
    Ok(())
}
