//! The three files a container's resolver reads, written for each container in its state
//! directory and bind-mounted over its image's, as docker does:
//!
//! ```text
//!   ROOT/containers/ID/hostname      →  /etc/hostname     its host name
//!   ROOT/containers/ID/hosts         →  /etc/hosts        localhost, its own name and address
//!   ROOT/containers/ID/resolv.conf   →  /etc/resolv.conf  the name servers it asks
//! ```
//!
//! The image's own files would know nothing of the container's name, address or network.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

use crate::config::network::Network;

/// The lines of /etc/hosts that every container has, as docker writes them.
const LOCALHOST: &str = "127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::0\tip6-localnet
ff00::0\tip6-mcastprefix
ff02::1\tip6-allnodes
ff02::2\tip6-allrouters
";

/// The name servers a container gets when nothing else is left: docker's.
const FALLBACK_SERVERS: [&str; 2] = ["8.8.8.8", "8.8.4.4"];

/// The container's /etc/hosts: localhost, the `--add-host` entries, then its own name at its
/// address, if it has one.
pub fn hosts(network: &Network, hostname: &str, address: Option<Ipv4Addr>) -> String {
    let mut text = LOCALHOST.to_string();
    text.push_str(&extra_hosts(network));
    if let Some(address) = address {
        text.push_str(&format!("{address}\t{hostname}\n"));
    }
    text
}

/// Adds the container's name at `address` (of a network it was connected to) to its /etc/hosts,
/// in its state directory `dir`: written in place, since the file is bind-mounted where the
/// container sees it, and a new file renamed over it would not be what the container sees.
pub fn add_host(dir: &Path, address: &str, hostname: &str) -> super::Result<()> {
    change_hosts(dir, |text| text + &format!("{address}\t{hostname}\n"))
}

/// Takes the container's name at `address` out of its /etc/hosts, in place.
pub fn remove_host(dir: &Path, address: &str) -> super::Result<()> {
    let entry = format!("{address}\t");
    change_hosts(dir, |text| {
        text.lines()
            .filter(|line| !line.starts_with(&entry))
            .map(|line| format!("{line}\n"))
            .collect()
    })
}

fn change_hosts(dir: &Path, change: impl FnOnce(String) -> String) -> super::Result<()> {
    let path = dir.join("hosts");
    let failed = |e: std::io::Error| super::Error::File {
        file: "hosts",
        reason: crate::sys::describe(crate::sys::errno_of(e)),
    };
    let text = std::fs::read_to_string(&path).map_err(failed)?;
    // fs::write truncates the file and writes it again: the same inode, the bind mount's.
    std::fs::write(&path, change(text)).map_err(failed)
}

/// The `--add-host` entries, as lines of /etc/hosts.
pub fn extra_hosts(network: &Network) -> String {
    network
        .extra_hosts
        .iter()
        .map(|(name, address)| format!("{address}\t{name}\n"))
        .collect()
}

/// The container's /etc/resolv.conf, from the host's (`host`, the text of its file) and the
/// options `network` was given.
pub fn resolv_conf(host: &str, network: &Network) -> String {
    if network.dns.is_empty() && network.dns_search.is_empty() && network.dns_options.is_empty() {
        return reachable_from_a_container(host);
    }
    // Each option replaces its part of the host's file; the rest comes from the host's.
    let reachable = reachable_from_a_container(host);
    let host_servers = values(&reachable, "nameserver");
    let servers: Vec<String> = if network.dns.is_empty() {
        host_servers
    } else {
        network.dns.iter().map(IpAddr::to_string).collect()
    };
    let search = if network.dns_search.is_empty() {
        values(host, "search")
    } else {
        // `--dns-search .` asks for no search domain at all.
        network
            .dns_search
            .iter()
            .filter(|domain| *domain != ".")
            .cloned()
            .collect()
    };
    let options = if network.dns_options.is_empty() {
        values(host, "options")
    } else {
        network.dns_options.clone()
    };
    let mut text = String::new();
    if !search.is_empty() {
        text.push_str(&format!("search {}\n", search.join(" ")));
    }
    for server in servers {
        text.push_str(&format!("nameserver {server}\n"));
    }
    if !options.is_empty() {
        text.push_str(&format!("options {}\n", options.join(" ")));
    }
    text
}

/// The words after `keyword` on the lines of `text` that start with it.
fn values(text: &str, keyword: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some(keyword)).then(|| words.map(str::to_string).collect::<Vec<_>>())
        })
        .flatten()
        .collect()
}

/// The host's resolver file, as a container on a network of its own can use it.
fn reachable_from_a_container(host: &str) -> String {
    // A name server on the host's loopback (127.0.0.1, systemd-resolved's 127.0.0.53, ::1) is
    // not reachable from the container's namespace, whose loopback is its own: such lines go.
    // If no name server is left, docker's public fallbacks take their place.
    let mut kept = String::new();
    let mut servers = 0;
    for line in host.lines() {
        let mut words = line.split_whitespace();
        if words.next() == Some("nameserver") {
            let loopback = words
                .next()
                .and_then(|word| word.parse::<IpAddr>().ok())
                .is_some_and(|address| address.is_loopback());
            if loopback {
                continue;
            }
            servers += 1;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    if servers == 0 {
        for server in FALLBACK_SERVERS {
            kept.push_str(&format!("nameserver {server}\n"));
        }
    }
    kept
}

/// The host's resolver file: `/etc/resolv.conf`, unless it names only systemd-resolved's stub
/// (127.0.0.53), whose real upstream servers are in the file systemd-resolved keeps for such
/// programs, as docker reads it.
pub fn host_resolv_conf() -> String {
    const STUB: &str = "/run/systemd/resolve/resolv.conf";
    let etc = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let servers = values(&etc, "nameserver");
    if !servers.is_empty() && servers.iter().all(|server| server == "127.0.0.53") {
        if let Ok(upstream) = std::fs::read_to_string(STUB) {
            return upstream;
        }
    }
    etc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_replace_their_part_of_the_hosts_file() {
        let network = Network {
            dns: vec!["9.9.9.9".parse().unwrap()],
            dns_options: vec!["ndots:2".into()],
            ..Network::default()
        };
        let host = "search example.org\nnameserver 10.0.0.1\noptions timeout:1\n";
        assert_eq!(
            resolv_conf(host, &network),
            "search example.org\nnameserver 9.9.9.9\noptions ndots:2\n"
        );
    }

    #[test]
    fn hosts_lists_the_extra_entries_before_the_containers_own() {
        let network = Network {
            extra_hosts: vec![("db".into(), "10.0.0.9".parse().unwrap())],
            ..Network::default()
        };
        let text = hosts(&network, "box", Some("172.17.0.2".parse().unwrap()));
        assert!(text.ends_with("10.0.0.9\tdb\n172.17.0.2\tbox\n"), "{text}");
    }
}
