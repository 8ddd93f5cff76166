/// The rules of `network` in the postrouting chain: what leaves the host with a source address
/// of the network's takes the address of the interface it leaves by.
pub fn network_rules(network: &NetworkRules) -> Vec<String> {
    let bridge = &network.bridge;
    vec![
        // The network's traffic out to the world: the world answers the host, conntrack hands
        // the answer back. Not what stays on the bridge, between containers.
        format!(
            "ip saddr {} oifname != \"{bridge}\" masquerade",
            network.subnet
        ),
        // A connection of the host's own to 127.0.0.1, sent to a container by a published
        // port's rule: the container would answer 127.0.0.1, itself. The bridge's address
        // instead.
        format!("ip saddr 127.0.0.0/8 oifname \"{bridge}\" masquerade"),
    ]
}
