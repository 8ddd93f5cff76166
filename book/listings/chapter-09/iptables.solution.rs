/// minidock's rules in its two chains, as `-A CHAIN RULE` lines: each network's masquerading,
/// each published port's DNAT, as nftables's `network_rules` and `port_rules` write them.
pub fn rule_lines(rules: &Rules) -> Vec<String> {
    let mut lines = Vec::new();
    for network in &rules.networks {
        let (subnet, bridge) = (network.subnet, &network.bridge);
        let comment = format!("-m comment --comment \"network {}\"", network.name);
        lines.push(format!(
            "-A {POSTROUTING} -s {subnet} ! -o {bridge} -j MASQUERADE {comment}"
        ));
        lines.push(format!(
            "-A {POSTROUTING} -s 127.0.0.0/8 -o {bridge} -j MASQUERADE {comment}"
        ));
    }
    for rule in &rules.ports {
        let port = &rule.port;
        let address = port
            .host_ip
            .map(|ip| format!("-d {ip}/32 "))
            .unwrap_or_default();
        let protocol = port.container.protocol.name();
        let id = &rule.container[..rule.container.len().min(12)];
        lines.push(format!(
            "-A {PORTS} {address}! -i {} -p {protocol} -m {protocol} --dport {} -j DNAT \
             --to-destination {}:{} -m comment --comment \"container {id}\"",
            rule.bridge, port.host_port, rule.address, port.container.number
        ));
    }
    lines
}
