/// Lets the host route for the bridge `bridge`: between its interfaces at all (the network's
/// traffic out, published ports' in), and from its loopback addresses to the bridge (127.0.0.1
/// rewritten to a container's address by a published port's rule). The kernel's defaults refuse
/// both.
pub fn forward(bridge: &str) -> Result<()> {
    sys::write_file(Path::new("/proc/sys/net/ipv4/ip_forward"), "1")?;
    sys::write_file(
        &Path::new("/proc/sys/net/ipv4/conf")
            .join(bridge)
            .join("route_localnet"),
        "1",
    )?;
    Ok(())
}
