// [ch09 file]
//! The rules as nftables writes them: one table of minidock's own, emptied and filled again in
//! one transaction, or, when rules are only added, added to.
//!
//! ```text
//! table ip minidock {
//!     chain prerouting {                     a packet that arrives, for an address of the host's:
//!         type nat hook prerouting priority dstnat; policy accept;
//!         fib daddr type local jump ports        its published ports' rules
//!     }
//!     chain output {                         the same for the host's own programs
//!         type nat hook output priority -100; policy accept;
//!         fib daddr type local jump ports
//!     }
//!     chain postrouting {                    every packet about to leave
//!         type nat hook postrouting priority srcnat; policy accept;
//!         (each network's masquerading)
//!     }
//!     chain input {                          every packet for the host itself
//!         type filter hook input priority filter; policy accept;
//!         (for each bridge: nothing new to 127.0.0.0/8 from it)
//!     }
//!     chain forward {                        every packet the host routes
//!         type filter hook forward priority filter; policy accept;
//!         (for each bridge: what leaves it for elsewhere, to isolate)
//!     }
//!     chain isolate {
//!         (for each bridge: what would enter it, dropped)
//!     }
//!     chain ports {
//!         (each published port's DNAT)
//!     }
//! }
//! ```
//!
//! `fib daddr type local` asks the routing table whether the destination is one of the host's
//! own addresses: only those are published ports, not a server outside that a container reaches
//! on the same port number.

use super::{libnftables, Firewall, Library, Line, NetworkRules, PortRule, Rules};
use crate::network::Result;

pub struct Nftables;

/// The table's family and name.
const TABLE: &str = "ip minidock";

impl Firewall for Nftables {
    fn lines(&self, rules: &Rules) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut add = |chain: &str, rule: String| {
            lines.push(Line {
                table: String::new(),
                text: format!("add rule {TABLE} {chain} {rule}"),
            })
        };
        for hook in ["prerouting", "output"] {
            add(hook, "fib daddr type local jump ports".into());
        }
        for network in &rules.networks {
            for rule in network_rules(network) {
                add(
                    "postrouting",
                    format!("{rule} comment \"network {}\"", network.name),
                );
            }
            // route_localnet lets the bridge carry 127.0.0.0/8, for the host's own connections
            // to published ports; it would also let a container send to 127.0.0.1 through the
            // bridge and reach what the host serves there alone. Only the answers to the host
            // may arrive so.
            add(
                "input",
                format!(
                    "iifname \"{}\" ip daddr 127.0.0.0/8 ct state != {{ established, related }} \
                     drop comment \"network {}\"",
                    network.bridge, network.name
                ),
            );
            let (forward, isolate) = isolation_rules(network);
            for (chain, rule) in [("forward", forward), ("isolate", isolate)] {
                if !rule.is_empty() {
                    add(
                        chain,
                        format!("{rule} comment \"network {}\"", network.name),
                    );
                }
            }
        }
        for port in &rules.ports {
            for rule in port_rules(port) {
                add(
                    "ports",
                    format!("{rule} comment \"container {}\"", short(&port.container)),
                );
            }
        }
        lines
    }

    fn render(&self, lines: &[Line]) -> Result<String> {
        // The table and its chains, made if missing (an `add` of what exists changes nothing),
        // emptied, and filled: `nft -f` applies it all in one transaction.
        let mut text = format!("add table {TABLE}\n");
        for (chain, kind, priority) in [
            ("prerouting", "nat", "dstnat"),
            ("output", "nat", "-100"),
            ("postrouting", "nat", "srcnat"),
            ("input", "filter", "filter"),
            ("forward", "filter", "filter"),
        ] {
            text += &format!(
                "add chain {TABLE} {chain} {{ type {kind} hook {chain} priority {priority}; \
                 policy accept; }}\n"
            );
        }
        text +=
            &format!("add chain {TABLE} ports\nadd chain {TABLE} isolate\nflush table {TABLE}\n");
        text += &self.append(lines);
        Ok(text)
    }

    fn append(&self, lines: &[Line]) -> String {
        lines
            .iter()
            .map(|line| format!("{}\n", line.text))
            .collect()
    }

    fn clear(&self) -> Result<String> {
        Ok(format!("add table {TABLE}\ndelete table {TABLE}\n"))
    }

    fn tool(&self) -> (&'static str, &'static [&'static str]) {
        ("nft", &["-f", "-"])
    }

    fn library(&self) -> Option<Library> {
        libnftables::available().then_some(Library {
            call: "nft_run_cmd_from_buffer()",
            apply: libnftables::apply,
        })
    }
}

/// A container's id as its rules' comments name it.
fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// The rules of `network` in the postrouting chain: what leaves the host with a source address
/// of the network's takes the address of the interface it leaves by.
// [ch09 unsolved allow(unused_variables)]
pub fn network_rules(network: &NetworkRules) -> Vec<String> {
    // [ch09 exercise masquerade: Masquerade the way out]
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
    // [ch09 mistake masquerade-into-the-bridge: chapter_09::the_way_out_is_masqueraded_as_the_host_but_not_between_containers]
    //~ // What the network sends through its bridge takes the bridge's address.
    //~ let bridge = &network.bridge;
    //~ vec![
    //~     format!("ip saddr {} oifname \"{bridge}\" masquerade", network.subnet),
    //~     format!("ip saddr 127.0.0.0/8 oifname \"{bridge}\" masquerade"),
    //~ ]
    // [ch09 mistake loopback-not-masqueraded: chapter_09::a_published_port_answers_from_outside_and_from_the_host]
    //~ // The network's traffic out to the world.
    //~ vec![format!(
    //~     "ip saddr {} oifname != \"{}\" masquerade",
    //~     network.subnet, network.bridge
    //~ )]
    // [ch09 before]
    //~ // The rules that rewrite the source of what leaves the host from the network's subnet
    //~ // (see "Masquerade the way out"), and of what 127.0.0.1 sends to the bridge. None yet.
    //~ Vec::new()
    // [ch09 end]
}

/// The rules in the ports chain for one published port: what arrives for the host's port goes to
/// the container's.
// [ch09 unsolved allow(unused_variables)]
pub fn port_rules(rule: &PortRule) -> Vec<String> {
    // [ch09 exercise dnat: Publish a port]
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
    // [ch09 mistake dnat-every-address: chapter_09::a_port_published_on_one_address_answers_only_there]
    //~ // What arrives at the host's port goes to the container's.
    //~ let port = &rule.port;
    //~ vec![format!(
    //~     "iifname != \"{}\" {} dport {} dnat to {}:{}",
    //~     rule.bridge,
    //~     port.container.protocol.name(),
    //~     port.host_port,
    //~     rule.address,
    //~     port.container.number
    //~ )]
    // [ch09 mistake dnat-to-the-host-port: chapter_09::a_published_port_answers_from_outside_and_from_the_host]
    //~ // The destination's address becomes the container's.
    //~ let port = &rule.port;
    //~ let address = port
    //~     .host_ip
    //~     .map(|ip| format!("ip daddr {ip} "))
    //~     .unwrap_or_default();
    //~ vec![format!(
    //~     "{address}iifname != \"{}\" {} dport {} dnat to {}",
    //~     rule.bridge,
    //~     port.container.protocol.name(),
    //~     port.host_port,
    //~     rule.address
    //~ )]
    // [ch09 mistake dnat-tcp-only: chapter_09::udp_ports_are_published_too]
    //~ // Ports are TCP's.
    //~ let port = &rule.port;
    //~ let address = port
    //~     .host_ip
    //~     .map(|ip| format!("ip daddr {ip} "))
    //~     .unwrap_or_default();
    //~ vec![format!(
    //~     "{address}iifname != \"{}\" tcp dport {} dnat to {}:{}",
    //~     rule.bridge, port.host_port, rule.address, port.container.number
    //~ )]
    // [ch09 before]
    //~ // The rule that sends what arrives at the host's port to the container's address and
    //~ // port (see "Publish a port"). None yet.
    //~ Vec::new()
    // [ch09 end]
}

/// The rules that keep `network` apart from minidock's other networks, in two stages as Docker's
/// DOCKER-ISOLATION chains: for the `forward` chain, what the network's bridge sends anywhere but
/// back into itself goes on to the `isolate` chain; there, what is about to enter the network's
/// bridge is dropped. Each network's two rules together drop what any network sends to any
/// other, and let the rest (the way out to the world) through.
// [ch09 unsolved allow(unused_variables)]
pub fn isolation_rules(network: &NetworkRules) -> (String, String) {
    // [ch09 exercise isolate: Keep networks apart]
    let bridge = &network.bridge;
    (
        format!("iifname \"{bridge}\" oifname != \"{bridge}\" jump isolate"),
        format!("oifname \"{bridge}\" drop"),
    )
    // [ch09 mistake isolate-one-stage: chapter_09::networks::containers_of_a_network_reach_each_other_and_the_world]
    //~ // What the network's bridge sends to anywhere else is dropped.
    //~ let bridge = &network.bridge;
    //~ (
    //~     format!("iifname \"{bridge}\" oifname != \"{bridge}\" drop"),
    //~     String::new(),
    //~ )
    // [ch09 mistake isolate-by-source: chapter_09::networks::containers_of_a_network_reach_each_other_and_the_world]
    //~ // What leaves the network's bridge for elsewhere goes to isolate, and is dropped there.
    //~ let bridge = &network.bridge;
    //~ (
    //~     format!("iifname \"{bridge}\" oifname != \"{bridge}\" jump isolate"),
    //~     format!("iifname \"{bridge}\" drop"),
    //~ )
    // [ch09 before]
    //~ // Two rules (see "Keep networks apart"): one for the forward chain, which sends what
    //~ // leaves the network's bridge for elsewhere to the isolate chain, and one there, which
    //~ // drops what is about to enter the bridge. Until then networks reach each other.
    //~ (String::new(), String::new())
    // [ch09 end]
}
