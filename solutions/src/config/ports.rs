// [ch09 file]
//! Published ports, as docker's options give them: `-p`/`--publish`, `--expose` and `-P`.
//!
//! ```text
//!   -p [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]
//!
//!   -p 80                 the container's port 80/tcp, on a port of the host's the kernel picks
//!   -p 8080:80            the host's port 8080, on every address of the host's
//!   -p 127.0.0.1:8080:80  the host's port 8080 on 127.0.0.1 only
//!   -p 127.0.0.1::80      on 127.0.0.1, a port the kernel picks
//!   -p 8000-8002:80-82    three ports, in pairs: 8000 to 80, 8001 to 81, 8002 to 82
//!   -p 8000-8009:80       one of the host's ports 8000 to 8009, the first free one, to 80
//!   -p 53:53/udp          UDP
//! ```
//!
//! A port a container *exposes* (the image's EXPOSE, `--expose`) is only a note, shown by
//! `inspect`; `-P` publishes each of them on a port the kernel picks.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{Error, Result};

/// A transport protocol whose ports can be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    /// Its name, as docker, nft and iptables write it.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// A port of the container's: docker's `80/tcp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Port {
    pub number: u16,
    pub protocol: Protocol,
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}/{}", self.number, self.protocol.name())
    }
}

/// One port published: on which of the host's addresses and ports, to which of the container's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publish {
    /// The host's address; `None` for every address it has (docker's 0.0.0.0).
    pub host_ip: Option<Ipv4Addr>,
    /// The first and last of the host's ports it may take: the same port, or a range to take
    /// the first free one of; 0 and 0 for a port the kernel picks when the container starts.
    pub host_ports: (u16, u16),
    pub container: Port,
}

/// `-p SPEC`: the ports it publishes, one for each container port of its range.
// [ch09 unsolved allow(unused_variables)]
pub fn parse(spec: &str) -> Result<Vec<Publish>> {
    // docker's messages say what is wrong, and the run goes no further.
    let bad = |message: String| -> Result<Vec<Publish>> { Err(Error::Option(message)) };
    // [ch09 exercise port-spec: Read a port mapping]
    // The protocol last, after a slash; TCP if none.
    let (rest, protocol) = match spec.rsplit_once('/') {
        None => (spec, Protocol::Tcp),
        Some((rest, proto)) => match proto.to_ascii_lowercase().as_str() {
            "" | "tcp" => (rest, Protocol::Tcp),
            "udp" => (rest, Protocol::Udp),
            "sctp" => {
                return bad(format!(
                    "minidock publishes tcp and udp ports, not sctp: {spec}"
                ))
            }
            _ => return bad(format!("Invalid proto: {proto}")),
        },
    };
    // Then from the right: the container's port, the host's, and what is left is the address.
    let mut parts = rest.rsplitn(3, ':');
    let container = parts.next().unwrap_or_default();
    let host = parts.next().unwrap_or_default();
    let ip = parts.next().unwrap_or_default();
    if container.is_empty() {
        return bad(format!("No port specified: {rest}<empty>"));
    }
    let host_ip = match ip {
        "" | "0.0.0.0" => None,
        ip if ip.starts_with('[') => {
            return bad(format!(
                "minidock publishes ports on IPv4 addresses only: {ip}"
            ))
        }
        ip => match ip.parse::<Ipv4Addr>() {
            Ok(ip) => Some(ip),
            Err(_) => return bad(format!("Invalid ip address: {ip}")),
        },
    };
    let Some((first, last)) = port_range(container) else {
        return bad(format!("Invalid containerPort: {container}"));
    };
    let host_range = match host {
        "" => None,
        host => match port_range(host) {
            Some(range) => Some(range),
            None => return bad(format!("Invalid hostPort: {host}")),
        },
    };
    // As many host ports as container ports, or a range of host ports to take one from.
    if let Some((from, to)) = host_range {
        if last - first != to - from && first != last {
            return bad(format!(
                "Invalid ranges specified for container and host Ports: {container} and {host}"
            ));
        }
    }
    Ok((first..=last)
        .map(|number| {
            let offset = number - first;
            let host_ports = match host_range {
                None => (0, 0),
                Some((from, to)) if first == last => (from, to),
                Some((from, _)) => (from + offset, from + offset),
            };
            Publish {
                host_ip,
                host_ports,
                container: Port { number, protocol },
            }
        })
        .collect())
    // [ch09 mistake spec-read-backwards: chapter_09::port_specs_are_read_as_docker_reads_them]
    //~ // From the left: the container's port first, then the host's.
    //~ let protocol = match spec.rsplit_once('/') {
    //~     Some((_, "udp")) => Protocol::Udp,
    //~     _ => Protocol::Tcp,
    //~ };
    //~ let rest = spec.split('/').next().unwrap_or_default();
    //~ let mut parts = rest.split(':');
    //~ let (container, host) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    //~ let Some((first, last)) = port_range(container) else {
    //~     return bad(format!("Invalid containerPort: {container}"));
    //~ };
    //~ let host = port_range(host);
    //~ Ok((first..=last)
    //~     .map(|number| Publish {
    //~         host_ip: None,
    //~         host_ports: host.map_or((0, 0), |(from, _)| (from + number - first, from + number - first)),
    //~         container: Port { number, protocol },
    //~     })
    //~     .collect())
    // [ch09 mistake spec-tcp-always: chapter_09::port_specs_are_read_as_docker_reads_them]
    //~ // Every port is a TCP port.
    //~ let rest = spec.split('/').next().unwrap_or_default();
    //~ let mut parts = rest.rsplitn(3, ':');
    //~ let container = parts.next().unwrap_or_default();
    //~ let host = parts.next().unwrap_or_default();
    //~ let ip = parts.next().unwrap_or_default();
    //~ let host_ip = ip.parse::<Ipv4Addr>().ok();
    //~ let Some((first, last)) = port_range(container) else {
    //~     return bad(format!("Invalid containerPort: {container}"));
    //~ };
    //~ let host = port_range(host);
    //~ Ok((first..=last)
    //~     .map(|number| Publish {
    //~         host_ip,
    //~         host_ports: host.map_or((0, 0), |(from, _)| (from + number - first, from + number - first)),
    //~         container: Port { number, protocol: Protocol::Tcp },
    //~     })
    //~     .collect())
    // [ch09 mistake spec-address-ignored: chapter_09::a_port_published_on_one_address_answers_only_there]
    //~ // The host's port and the container's, whatever comes before them.
    //~ let (rest, protocol) = match spec.rsplit_once('/') {
    //~     Some((rest, "udp")) => (rest, Protocol::Udp),
    //~     Some((rest, _)) => (rest, Protocol::Tcp),
    //~     None => (spec, Protocol::Tcp),
    //~ };
    //~ let mut parts = rest.rsplitn(3, ':');
    //~ let container = parts.next().unwrap_or_default();
    //~ let host = parts.next().unwrap_or_default();
    //~ let Some((first, last)) = port_range(container) else {
    //~     return bad(format!("Invalid containerPort: {container}"));
    //~ };
    //~ let host = port_range(host);
    //~ Ok((first..=last)
    //~     .map(|number| Publish {
    //~         host_ip: None,
    //~         host_ports: host.map_or((0, 0), |(from, _)| (from + number - first, from + number - first)),
    //~         container: Port { number, protocol },
    //~     })
    //~     .collect())
    // [ch09 before]
    //~ // Read SPEC as docker does (see "Read a port mapping"): `[IP:][HOST_PORT:]PORT[/PROTO]`,
    //~ // with ranges. Until then no port is published.
    //~ Ok(Vec::new())
    // [ch09 end]
}

/// `PORT` or `FIRST-LAST`, each a number from 0 to 65535, the last not below the first.
pub fn port_range(text: &str) -> Option<(u16, u16)> {
    let (first, last) = text.split_once('-').unwrap_or((text, text));
    let (first, last): (u16, u16) = (first.parse().ok()?, last.parse().ok()?);
    (first <= last).then_some((first, last))
}

/// `--expose PORT[-LAST][/PROTO]` or an image's `EXPOSE` entry (`80/tcp`): the ports.
pub fn exposed(spec: &str) -> Result<Vec<Port>> {
    let (range, protocol) = spec.split_once('/').unwrap_or((spec, "tcp"));
    let protocol = match protocol.to_ascii_lowercase().as_str() {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        _ => return Err(Error::Option(format!("Invalid proto: {protocol}"))),
    };
    let (first, last) = port_range(range)
        .ok_or_else(|| Error::Option(format!("invalid range format for --expose: {spec}")))?;
    Ok((first..=last)
        .map(|number| Port { number, protocol })
        .collect())
}
