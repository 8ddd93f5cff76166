//! The container's network, as docker's options describe it: which network it is on
//! (`--network`), and what goes into its resolver's files (`--dns`, `--dns-search`,
//! `--dns-option`, `--add-host`). The OCI runtime specification has no such part: a runtime is
//! handed a network namespace made by someone else (docker's libnetwork, podman's netavark).
//! minidock is both, so its configuration carries docker's `HostConfig` fields.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{Error, Result};

/// How the container is networked (docker's `HostConfig.NetworkMode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Mode {
    /// Its own namespace, with a veth on the default bridge `minidock0`.
    #[default]
    Bridge,
    /// Its own namespace with nothing but `lo`.
    None,
    /// The host's own namespace: no isolation of the network at all.
    Host,
    /// The namespace of another container, by the name or id given.
    Container(String),
}

impl Mode {
    /// `--network VALUE`: `bridge` (or `default`), `none`, `host` or `container:NAME|ID`; from
    /// chapter 9, or the name of a network of the user's (found when the container is made).
    pub fn parse(value: &str) -> Result<Mode> {
        Ok(match value {
            "bridge" | "default" => Mode::Bridge,
            "none" => Mode::None,
            "host" => Mode::Host,
            _ => match value.strip_prefix("container:") {
                Some("") => {
                    return Err(Error::Network(
                        "invalid container format container:<name|id>".into(),
                    ))
                }
                Some(container) => Mode::Container(container.to_string()),
                None => return Err(Error::Network(format!("network {value} not found"))),
            },
        })
    }

    /// Its name, as `inspect` shows it in `HostConfig.NetworkMode`.
    pub fn name(&self) -> String {
        match self {
            Mode::Bridge => "default".into(),
            Mode::None => "none".into(),
            Mode::Host => "host".into(),
            Mode::Container(container) => format!("container:{container}"),
        }
    }

    /// The network its endpoint is on, as `inspect` names it under `NetworkSettings.Networks`.
    pub fn network(&self) -> Option<&str> {
        match self {
            Mode::Bridge => Some("bridge"),
            Mode::None => Some("none"),
            Mode::Host => Some("host"),
            Mode::Container(_) => None,
        }
    }

    /// Whether the container has an endpoint on a network: a veth, an address.
    pub fn has_endpoint(&self) -> bool {
        *self == Mode::Bridge
    }
}

/// Everything the container's network is made of.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Network {
    pub mode: Mode,
    /// Name servers (`--dns`), replacing the host's.
    pub dns: Vec<IpAddr>,
    /// Search domains (`--dns-search`), replacing the host's.
    pub dns_search: Vec<String>,
    /// Resolver options (`--dns-option`), replacing the host's.
    pub dns_options: Vec<String>,
    /// Extra lines of /etc/hosts (`--add-host NAME:IP`), in order.
    pub extra_hosts: Vec<(String, IpAddr)>,
}

impl Network {
    /// The network options of `run`, checked against each other as docker checks them.
    pub fn new(
        mode: &str,
        hostname_given: bool,
        dns: &[String],
        dns_search: &[String],
        dns_options: &[String],
        add_hosts: &[String],
    ) -> Result<Network> {
        let mode = Mode::parse(mode)?;
        let dns = dns
            .iter()
            .map(|server| {
                server
                    .parse()
                    .map_err(|_| Error::Option(format!("invalid argument \"{server}\" for \"--dns\" flag: {server} is not an ip address")))
            })
            .collect::<Result<Vec<IpAddr>>>()?;
        let extra_hosts = add_hosts
            .iter()
            .map(|entry| extra_host(entry))
            .collect::<Result<_>>()?;
        // Another container's namespace comes with its names and resolver: docker refuses what
        // would have to change them.
        if matches!(mode, Mode::Container(_)) {
            let conflict = if hostname_given {
                Some("hostname")
            } else if !add_hosts.is_empty() {
                Some("custom host-to-IP mapping")
            } else if !dns.is_empty() || !dns_search.is_empty() || !dns_options.is_empty() {
                Some("dns")
            } else {
                None
            };
            if let Some(option) = conflict {
                return Err(Error::Network(format!(
                    "conflicting options: {option} and the network mode"
                )));
            }
        }
        Ok(Network {
            mode,
            dns,
            dns_search: dns_search.to_vec(),
            dns_options: dns_options.to_vec(),
            extra_hosts,
        })
    }
}

/// `--add-host NAME:IP` (the IP may be IPv6, with colons of its own: the name ends at the first).
fn extra_host(entry: &str) -> Result<(String, IpAddr)> {
    let bad = |reason: String| {
        Error::Option(format!(
            "invalid argument \"{entry}\" for \"--add-host\" flag: {reason}"
        ))
    };
    let Some((name, address)) = entry.split_once(':') else {
        return Err(bad(format!("bad format for add-host: \"{entry}\"")));
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(bad(format!("bad format for add-host: \"{entry}\"")));
    }
    let address = address.trim_start_matches('[').trim_end_matches(']');
    let ip = address
        .parse()
        .map_err(|_| bad(format!("invalid IP address in add-host: \"{address}\"")))?;
    Ok((name.to_string(), ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_read_as_docker_reads_them() {
        assert_eq!(Mode::parse("bridge").unwrap(), Mode::Bridge);
        assert_eq!(Mode::parse("none").unwrap(), Mode::None);
        assert_eq!(
            Mode::parse("container:web").unwrap(),
            Mode::Container("web".into())
        );
        assert_eq!(
            Mode::parse("bogus").unwrap_err().to_string(),
            "network bogus not found"
        );
    }

    #[test]
    fn extra_hosts_take_ipv6_addresses() {
        let (name, ip) = extra_host("db:fd00::1").unwrap();
        assert_eq!((name.as_str(), ip.to_string().as_str()), ("db", "fd00::1"));
        assert!(extra_host("nocolon").is_err());
        assert!(extra_host("a:notip").is_err());
    }
}
