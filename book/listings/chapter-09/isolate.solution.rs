/// The rules that keep `network` apart from minidock's other networks, in two stages as Docker's
/// DOCKER-ISOLATION chains: for the `forward` chain, what the network's bridge sends anywhere but
/// back into itself goes on to the `isolate` chain; there, what is about to enter the network's
/// bridge is dropped. Each network's two rules together drop what any network sends to any
/// other, and let the rest (the way out to the world) through.
pub fn isolation_rules(network: &NetworkRules) -> (String, String) {
    let bridge = &network.bridge;
    (
        format!("iifname \"{bridge}\" oifname != \"{bridge}\" jump isolate"),
        format!("oifname \"{bridge}\" drop"),
    )
}
