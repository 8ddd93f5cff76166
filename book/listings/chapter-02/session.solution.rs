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
    // A new session, without the terminal: a Ctrl-C typed there reaches minidock only, which
    // passes it on once, rather than also reaching the container directly.
    sys::setsid()?;
    Ok(())
}
