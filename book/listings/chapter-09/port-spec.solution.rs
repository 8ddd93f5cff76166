/// `-p SPEC`: the ports it publishes, one for each container port of its range.
pub fn parse(spec: &str) -> Result<Vec<Publish>> {
    // docker's messages say what is wrong, and the run goes no further.
    let bad = |message: String| -> Result<Vec<Publish>> { Err(Error::Option(message)) };
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
}
