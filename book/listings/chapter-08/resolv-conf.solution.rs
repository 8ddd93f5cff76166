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
