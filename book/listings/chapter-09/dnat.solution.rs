/// The rules in the ports chain for one published port: what arrives for the host's port goes to
/// the container's.
pub fn port_rules(rule: &PortRule) -> Vec<String> {
    let port = &rule.port;
    // On one address of the host's, or on all.
    let address = port
        .host_ip
        .map(|ip| format!("ip daddr {ip} "))
        .unwrap_or_default();
    vec![format!(
        "{address}iifname != \"{}\" {} dport {} dnat to {}:{}",
        rule.bridge,
        port.container.protocol.name(),
        port.host_port,
        rule.address,
        port.container.number
    )]
}
