// [ch09 file]
//! The rules as iptables writes them: chains of minidock's own in the kernel's `nat` table,
//! jumped to from its built-in chains, as Docker's DOCKER chain is.
//!
//! ```text
//! *nat
//! -A PREROUTING -m addrtype --dst-type LOCAL -j MINIDOCK          published ports, arriving
//! -A OUTPUT -m addrtype --dst-type LOCAL -j MINIDOCK              ... and from the host itself
//! -A POSTROUTING -j MINIDOCK-POSTROUTING                          masquerading
//! -A MINIDOCK ! -i minidock0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
//! -A MINIDOCK-POSTROUTING -s 172.17.0.0/16 ! -o minidock0 -j MASQUERADE
//! ```
//!
//! `iptables-restore --noflush` applies a table's lines in one transaction and leaves the rest of
//! the table alone; a chain it declares (`:MINIDOCK - [0:0]`) is emptied first, so the rules
//! replace minidock's old ones. The jumps from the built-in chains are added once. In the filter
//! table, MINIDOCK-INPUT keeps containers away from the host's loopback (see nftables's input
//! chain), and MINIDOCK-FORWARD with MINIDOCK-ISOLATION keeps networks apart (nftables's
//! forward and isolate chains; Docker's DOCKER-ISOLATION-STAGE-1 and -2).

use std::process::Command;

use super::{Firewall, Line, Rules};
use crate::network::{Error, Result};

pub struct Iptables;

/// minidock's chains: published ports' and masquerading's in the nat table, and in the filter
/// table what guards the host's loopback.
const PORTS: &str = "MINIDOCK";
const POSTROUTING: &str = "MINIDOCK-POSTROUTING";
const INPUT: &str = "MINIDOCK-INPUT";
const FORWARD: &str = "MINIDOCK-FORWARD";
const ISOLATION: &str = "MINIDOCK-ISOLATION";

/// The jumps from the nat table's built-in chains to minidock's, as `iptables-save` prints them.
fn nat_jumps() -> [String; 3] {
    [
        format!("-A PREROUTING -m addrtype --dst-type LOCAL -j {PORTS}"),
        format!("-A OUTPUT -m addrtype --dst-type LOCAL -j {PORTS}"),
        format!("-A POSTROUTING -j {POSTROUTING}"),
    ]
}

/// The filter table's jumps.
fn filter_jumps() -> [String; 2] {
    [
        format!("-A INPUT -j {INPUT}"),
        format!("-A FORWARD -j {FORWARD}"),
    ]
}

impl Firewall for Iptables {
    fn lines(&self, rules: &Rules) -> Vec<Line> {
        let mut lines: Vec<Line> = rule_lines(rules)
            .into_iter()
            .map(|text| Line {
                table: "nat".into(),
                text,
            })
            .collect();
        // route_localnet lets the bridge carry 127.0.0.0/8, for the host's own connections to
        // published ports; it would also let a container send to 127.0.0.1 through the bridge and
        // reach what the host serves there alone. Only the answers to the host may arrive so.
        for network in &rules.networks {
            lines.push(Line {
                table: "filter".into(),
                text: format!(
                    "-A {INPUT} -i {} -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED \
                     -m comment --comment \"network {}\" -j DROP",
                    network.bridge, network.name
                ),
            });
        }
        // Networks kept apart: what one bridge sends to another is dropped.
        for network in &rules.networks {
            let (bridge, name) = (&network.bridge, &network.name);
            let comment = format!("-m comment --comment \"network {name}\"");
            for text in [
                format!("-A {FORWARD} -i {bridge} ! -o {bridge} {comment} -j {ISOLATION}"),
                format!("-A {ISOLATION} -o {bridge} {comment} -j DROP"),
            ] {
                lines.push(Line {
                    table: "filter".into(),
                    text,
                });
            }
        }
        lines
    }

    fn render(&self, lines: &[Line]) -> Result<String> {
        let mut text = String::new();
        let tables: [(&str, Vec<String>, Vec<&str>); 2] = [
            ("nat", nat_jumps().to_vec(), vec![PORTS, POSTROUTING]),
            (
                "filter",
                filter_jumps().to_vec(),
                vec![INPUT, FORWARD, ISOLATION],
            ),
        ];
        for (table, jumps, chains) in tables {
            // A chain declared is emptied first; the jumps to them are added once.
            text += &format!("*{table}\n");
            for chain in chains {
                text += &format!(":{chain} - [0:0]\n");
            }
            let present = saved(table)?;
            for jump in jumps {
                if !present.lines().any(|line| line == jump) {
                    text += &format!("{jump}\n");
                }
            }
            for line in lines.iter().filter(|line| line.table == table) {
                text += &format!("{}\n", line.text);
            }
            text += "COMMIT\n";
        }
        Ok(text)
    }

    fn append(&self, lines: &[Line]) -> String {
        let mut text = String::new();
        for table in ["nat", "filter"] {
            let mine: Vec<&Line> = lines.iter().filter(|line| line.table == table).collect();
            if !mine.is_empty() {
                text += &format!("*{table}\n");
                for line in mine {
                    text += &format!("{}\n", line.text);
                }
                text += "COMMIT\n";
            }
        }
        text
    }

    fn clear(&self) -> Result<String> {
        let mut text = String::new();
        let tables = [
            ("nat", nat_jumps().to_vec(), vec![PORTS, POSTROUTING]),
            (
                "filter",
                filter_jumps().to_vec(),
                vec![INPUT, FORWARD, ISOLATION],
            ),
        ];
        for (table, jumps, chains) in tables {
            let present = saved(table)?;
            text += &format!("*{table}\n");
            for jump in jumps {
                if present.lines().any(|line| line == jump) {
                    text += &format!("-D{}\n", &jump[2..]);
                }
            }
            for chain in chains {
                if present
                    .lines()
                    .any(|line| line.starts_with(&format!(":{chain} ")))
                {
                    text += &format!("-F {chain}\n-X {chain}\n");
                }
            }
            text += "COMMIT\n";
        }
        Ok(text)
    }

    fn tool(&self) -> (&'static str, &'static [&'static str]) {
        ("iptables-restore", &["--noflush"])
    }
}

/// The table `table` as it is, as `iptables-save` prints it.
fn saved(table: &str) -> Result<String> {
    let failed = |reason: String| Error::Firewall {
        command: format!("iptables-save -t {table}"),
        reason,
    };
    let output = Command::new("iptables-save")
        .args(["-t", table])
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// minidock's rules in its two chains, as `-A CHAIN RULE` lines: each network's masquerading,
/// each published port's DNAT, as nftables's `network_rules` and `port_rules` write them.
pub fn rule_lines(rules: &Rules) -> Vec<String> {
    // [ch09 stretch iptables: The same rules in iptables | chapter_09::stretch::iptables_writes_the_same_rules]
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
    // [ch09 before]
    //~ Vec::new()
    // [ch09 end]
}
