//! Chapter 9: leaving the host and coming in. A container's traffic out is masqueraded as the
//! host's; a published port sends what arrives at the host's port to the container's, from
//! outside and from the host itself; the host's port is held while the container runs; the
//! rules are minidock's own table (or chains), and go with the container. Every test works in
//! its sandbox's own network namespace, the test's "host", with an "outside" machine linked to
//! it when it needs one.

use std::time::{Duration, Instant};

use harness::{random, Failure, Output, Outside, Sandbox, Section};

const PORT_SPEC: Section = Section::new(9, "Read a port mapping");
const FORWARDING: Section = Section::new(9, "Let the host route");
const MASQUERADE: Section = Section::new(9, "Masquerade the way out");
const DNAT: Section = Section::new(9, "Publish a port");
const RESERVE: Section = Section::new(9, "Hold the host's port");
const RULES: Section = Section::new(9, "The rules are the store's");
const PORTS: Section = Section::new(9, "port and inspect");
const IPTABLES: Section = Section::new(9, "The same rules in iptables");

/// How long a command that should return at once may take before it counts as hanging.
const PROMPT: Duration = Duration::from_secs(15);

/// A port for a test: random, away from the kernel's range for ports it picks itself.
fn a_port() -> u16 {
    random::number(2000, 30000) as u16
}

/// `minidock WORDS...`, which must start a container and print its id.
#[track_caller]
fn started(sb: &Sandbox, words: &[&str], section: Section) -> String {
    let out = sb.minidock(words).timeout(PROMPT).output();
    let id = out.stdout_trimmed().to_string();
    if out.status != Some(0) || id.len() != 64 {
        // A port said to be taken, on a test's random port: none is held yet.
        let (hint, section) = if out.stderr.contains("failed: port is already allocated") {
            ("every host port is said to be taken until reserve binds a socket to it and keeps the socket", RESERVE)
        } else {
            ("the container could not start: its network, or its published ports, could not be set up", section)
        };
        Failure::new(format!("minidock {}", words.join(" ")))
            .expected_text("exit status 0, and the container's id")
            .got_text(out.ending())
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    id
}

/// Starts a container that serves `count` TCP connections on port `port` with a random word,
/// publishing it with `publish` (`-p` values): its id and the word, once it listens.
fn a_server(sb: &Sandbox, publish: &[String], port: u16, count: u32) -> (String, String) {
    let word = random::word(12);
    let mut words: Vec<String> = vec!["run".into(), "-d".into()];
    for p in publish {
        words.extend(["-p".into(), p.clone()]);
    }
    words.extend([
        sb.image(),
        sb.probe(),
        "serve".into(),
        port.to_string(),
        word.clone(),
    ]);
    words.push(count.to_string());
    let refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let id = started(sb, &refs, DNAT);
    listening(sb, &id);
    (id, word)
}

/// Waits until the container's probe says it listens.
fn listening(sb: &Sandbox, id: &str) {
    let deadline = Instant::now() + PROMPT;
    while !sb
        .minidock(["logs", id])
        .output()
        .stdout
        .contains("listening")
    {
        if Instant::now() > deadline {
            panic!("the container's server never said it listens");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What a TCP connection to IP:PORT from the sandbox's host reads: the words, "refused",
/// "timeout"...
fn from_host(sb: &Sandbox, ip: &str, port: u16) -> Output {
    sb.host_command(&sb.probe(), ["connect", ip, &port.to_string()])
        .timeout(PROMPT)
        .output()
}

/// The same from the outside machine.
fn from_outside(sb: &Sandbox, outside: &Outside, ip: &str, port: u16) -> Output {
    outside
        .command(&sb.probe(), ["connect", ip, &port.to_string()])
        .timeout(PROMPT)
        .output()
}

/// A sysctl of the sandbox's host's network, as /proc/sys/net/ipv4/PATH reads: "1" when on.
fn sysctl(sb: &Sandbox, path: &str) -> String {
    sb.host_command("cat", [format!("/proc/sys/net/ipv4/{path}")])
        .output()
        .stdout_trimmed()
        .to_string()
}

/// Where a connection that went nowhere points the learner: the host's forwarding (the sysctl
/// at PATH), unless it is on; then the masquerading that the answer needs.
fn nowhere(sb: &Sandbox, path: &str) -> Section {
    match sysctl(sb, path).as_str() {
        "1" => written(sb, MASQUERADE),
        _ => FORWARDING,
    }
}

/// Where a wrong rule points the learner: to `section`, its exercise, or with the iptables
/// driver to the stretch exercise that writes every rule of this chapter in iptables's words.
fn written(sb: &Sandbox, section: Section) -> Section {
    match sb.firewall() {
        "iptables" => IPTABLES,
        _ => section,
    }
}

/// Writes `#[test] fn NAME`, a stretch test that runs the test BODY (a function of a sandbox)
/// with the iptables driver writing minidock's rules: chapter 9's tests of the rules, again in
/// iptables's words.
macro_rules! with_iptables {
    ($($name:ident => $body:path),* $(,)?) => {$(
        #[test]
        #[ignore = "a stretch exercise: cargo test -p chapter-09 -- --ignored stretch"]
        fn $name() {
            $body(harness::Sandbox::with_firewall("iptables"));
        }
    )*};
}

/// The rules on the sandbox's host, as the tool of minidock's firewall driver lists them.
fn rules(sb: &Sandbox) -> String {
    let out = match sb.firewall() {
        "iptables" => sb
            .host_command("iptables-save", Vec::<&str>::new())
            .output(),
        _ => sb.host_command("nft", ["list", "ruleset"]).output(),
    };
    out.stdout
}

/// The lines of minidock's rules that publish a port.
fn dnat_rules(sb: &Sandbox) -> Vec<String> {
    rules(sb)
        .lines()
        .filter(|line| line.contains("dnat to") || line.contains("DNAT"))
        .map(|line| line.trim().to_string())
        .collect()
}

/// `port ID`'s lines.
fn port_lines(sb: &Sandbox, id: &str) -> Vec<String> {
    sb.minidock(["port", id])
        .output()
        .stdout
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_published_port_answers_from_outside_and_from_the_host() {
    published_port_answers(Sandbox::new());
}

fn published_port_answers(sb: Sandbox) {
    let outside = sb.outside();
    let (host_port, port) = (a_port(), a_port());
    let (id, word) = a_server(&sb, &[format!("{host_port}:{port}")], port, 2);
    let out = from_outside(&sb, &outside, &outside.host_ip, host_port);
    if out.stdout_trimmed() != word {
        let rules = rules(&sb);
        let (hint, section) = if out.stdout_trimmed() == "refused" {
            ("the host itself answered (refused): no rule sent the connection on to the container. The rule in the ports chain matches the host's port (tcp dport) and rewrites the destination to the container's address and port (dnat to)", written(&sb, DNAT))
        } else {
            ("the connection went nowhere: a packet for a container is forwarded by the host, which Linux does only with net.ipv4.ip_forward set to 1", FORWARDING)
        };
        Failure::new(format!(
            "a connection from outside to the host's {}:{host_port}, published with -p {host_port}:{port}",
            outside.host_ip
        ))
        .expected_text(&word)
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules.trim_end())
        .hint(hint)
        .section(section)
        .fail();
    }
    let out = from_host(&sb, "127.0.0.1", host_port);
    if out.stdout_trimmed() != word {
        let (hint, section) = if out.stdout_trimmed() == "refused" {
            ("the host's own connection to 127.0.0.1 was not sent to the container: the output hook's chain jumps to the ports chain too", written(&sb, DNAT))
        } else {
            ("a connection from 127.0.0.1 is sent to the container only if the bridge routes 127.0.0.0/8 (route_localnet), and answered only if its source becomes the bridge's address (masquerade 127.0.0.0/8 out of the bridge)", nowhere(&sb, "conf/minidock0/route_localnet"))
        };
        Failure::new(format!(
            "a connection from the host itself to 127.0.0.1:{host_port}, published with -p {host_port}:{port}"
        ))
        .expected_text(&word)
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint(hint)
        .section(section)
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn the_way_out_is_masqueraded_as_the_host_but_not_between_containers() {
    way_out_masqueraded(Sandbox::new());
}

fn way_out_masqueraded(sb: Sandbox) {
    let outside = sb.outside();
    let port = a_port().to_string();
    let mut server = outside
        .command(&sb.probe(), ["peer", &port])
        .timeout(PROMPT)
        .spawn();
    server.expect_line("listening", PROMPT, MASQUERADE);
    let out = sb
        .minidock([
            "run",
            "--rm",
            &sb.image(),
            &sb.probe(),
            "connect",
            &outside.ip,
            &port,
        ])
        .timeout(PROMPT)
        .output();
    let seen = out.stdout_trimmed().to_string();
    if seen != outside.host_ip {
        let (hint, section) = if seen == "timeout" || seen == "unreachable" {
            ("the outside never answered: either the host does not forward the container's packets (net.ipv4.ip_forward), or they leave with the container's own address, which the outside has no route back to", nowhere(&sb, "ip_forward"))
        } else {
            ("what leaves the host from the network's subnet, by another interface than the bridge, is masqueraded: its source becomes the host's address on the way out", written(&sb, MASQUERADE))
        };
        Failure::new(format!(
            "the address a server outside ({}) sees a container's connection come from",
            outside.ip
        ))
        .expected_text(format!(
            "{} (the host's address on that link)",
            outside.host_ip
        ))
        .got_text(&seen)
        .note("minidock's rules", rules(&sb).trim_end())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
    server.close_stdin();
    let _ = server.finish();
    // Between containers, on the bridge, addresses stay as they are.
    let port = (a_port() + 1).to_string();
    let words = ["run", "-d", &sb.image(), &sb.probe(), "peer", &port];
    let id = started(&sb, &words, MASQUERADE);
    listening(&sb, &id);
    let address = sb
        .minidock(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", &id])
        .output()
        .stdout_trimmed()
        .to_string();
    let out = sb
        .minidock([
            "run",
            "--rm",
            &sb.image(),
            &sb.probe(),
            "connect",
            &address,
            &port,
        ])
        .timeout(PROMPT)
        .output();
    // The client is the second container on the network: the address after the first's.
    let client = {
        let mut octets: Vec<u32> = address.split('.').map(|o| o.parse().unwrap()).collect();
        octets[3] += 1;
        octets
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".")
    };
    if out.stdout_trimmed() != client {
        Failure::new("the address a container's server sees another container's connection come from")
            .expected_text(format!("{client}, the other container's own"))
            .got_text(out.stdout_trimmed())
            .note("minidock's rules", rules(&sb).trim_end())
            .hint("only what leaves by another interface than the bridge is masqueraded: traffic between containers keeps its addresses")
            .output(&out)
            .section(written(&sb, MASQUERADE))
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn a_port_published_on_one_address_answers_only_there() {
    published_on_one_address(Sandbox::new());
}

fn published_on_one_address(sb: Sandbox) {
    let outside = sb.outside();
    let (host_port, port) = (a_port(), a_port());
    let (id, word) = a_server(&sb, &[format!("127.0.0.1:{host_port}:{port}")], port, 1);
    let lines = port_lines(&sb, &id);
    let expected = format!("{port}/tcp -> 127.0.0.1:{host_port}");
    if lines != [expected.clone()] {
        Failure::new(format!(
            "minidock port ID, for a container run with -p 127.0.0.1:{host_port}:{port}"
        ))
        .expected_text(&expected)
        .got_text(lines.join("\n"))
        .hint("with three parts, the first is the host's address, then the host's port, then the container's")
        .section(PORT_SPEC)
        .fail();
    }
    let out = from_outside(&sb, &outside, &outside.host_ip, host_port);
    if out.stdout_trimmed() == word {
        Failure::new(format!(
            "a connection from outside to {}:{host_port}, published with -p 127.0.0.1:{host_port}:{port}",
            outside.host_ip
        ))
        .expected_text("refused: the port is published on 127.0.0.1 only")
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint("a port published on one address of the host's matches that destination address too (ip daddr)")
        .section(written(&sb, DNAT))
        .fail();
    }
    let out = from_host(&sb, "127.0.0.1", host_port);
    if out.stdout_trimmed() != word {
        Failure::new(format!(
            "a connection to 127.0.0.1:{host_port}, published there"
        ))
        .expected_text(&word)
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint("the address in -p IP:HOST_PORT:PORT is the host's address the rule matches")
        .section(PORT_SPEC)
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn a_port_the_kernel_picks_is_held_and_listed() {
    picked_port_held(Sandbox::new());
}

fn picked_port_held(sb: Sandbox) {
    let port = a_port();
    let (id, word) = a_server(&sb, &[port.to_string()], port, 1);
    let lines = port_lines(&sb, &id);
    let host_port = lines
        .first()
        .and_then(|line| line.strip_prefix(&format!("{port}/tcp -> 0.0.0.0:")))
        .and_then(|p| p.parse::<u16>().ok());
    let Some(host_port) = host_port.filter(|p| *p >= 1024) else {
        Failure::new(format!(
            "minidock port ID, for a container run with -p {port}"
        ))
        .expected_text(format!(
            "{port}/tcp -> 0.0.0.0:N, N the port the kernel picked"
        ))
        .got_text(lines.join("\n"))
        .hint("port 0 asks the kernel to pick a free port as it binds; getsockname(2) tells which")
        .section(RESERVE)
        .fail()
    };
    // Held: nobody else may bind it while the container runs.
    let taken = sb.in_host_network(|| std::net::TcpListener::bind(("0.0.0.0", host_port)).is_err());
    if !taken {
        Failure::new(format!("binding the host's port {host_port}, published by a running container"))
            .expected_text("EADDRINUSE: the port is held")
            .got_text("bound")
            .hint("the socket bound to the host's port stays open for as long as the container runs: the endpoint keeps it")
            .section(RESERVE)
            .fail();
    }
    let out = from_host(&sb, "127.0.0.1", host_port);
    if out.stdout_trimmed() != word {
        Failure::new(format!(
            "a connection to 127.0.0.1:{host_port}, the port the kernel picked"
        ))
        .expected_text(&word)
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint("the rule publishes the port the socket holds, not the 0 that asked for it")
        .section(RESERVE)
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn port_specs_are_read_as_docker_reads_them() {
    port_specs_read(Sandbox::new());
}

fn port_specs_read(sb: Sandbox) {
    let first = a_port();
    let spec = format!("{first}-{}:{}-{}/udp", first + 2, first + 100, first + 102);
    let words = ["run", "-d", "-p", spec.as_str(), &sb.image(), "sleep", "60"];
    let id = started(&sb, &words, PORT_SPEC);
    let lines = port_lines(&sb, &id);
    let expected: Vec<String> = (0..3)
        .map(|i| format!("{}/udp -> 0.0.0.0:{}", first + 100 + i, first + i))
        .collect();
    if lines != expected {
        Failure::new(format!("minidock port ID, for a container run with -p {spec}"))
            .expected_text(expected.join("\n"))
            .got_text(lines.join("\n"))
            .hint("a range of host ports and one of container ports, as long, pair up one by one; the protocol comes after the slash")
            .section(PORT_SPEC)
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
    let bad = [
        ("abc", "Invalid containerPort: abc"),
        ("99999", "Invalid containerPort: 99999"),
        ("1.2.3.4.5:80:80", "Invalid ip address: 1.2.3.4.5"),
        ("80/foo", "Invalid proto: foo"),
        (
            "8000-8002:80-81",
            "Invalid ranges specified for container and host Ports: 80-81 and 8000-8002",
        ),
        ("80:", "No port specified: 80:<empty>"),
    ];
    for (spec, message) in bad {
        let out = sb
            .minidock(["run", "--rm", "-p", spec, &sb.image(), "true"])
            .timeout(PROMPT)
            .output();
        if out.status != Some(125) || !out.stderr.contains(message) {
            Failure::new(format!("minidock run -p {spec} IMAGE true"))
                .expected_text(format!("exit status 125, and docker's message: {message}"))
                .got_text(out.ending())
                .output(&out)
                .section(PORT_SPEC)
                .fail();
        }
    }
}

#[test]
fn a_taken_host_port_fails_the_run_and_leaves_nothing() {
    taken_port_refused(Sandbox::new());
}

fn taken_port_refused(sb: Sandbox) {
    let host_port = a_port();
    // A program of the host's holds the port.
    let listener = sb.in_host_network(|| std::net::TcpListener::bind(("0.0.0.0", host_port)));
    let _listener = listener.expect("binding a port on the test's host");
    let spec = format!("{host_port}:80");
    let out = sb
        .minidock(["run", "-d", "-p", &spec, &sb.image(), "sleep", "60"])
        .timeout(PROMPT)
        .output();
    let message = format!("Bind for 0.0.0.0:{host_port} failed: port is already allocated");
    if out.status != Some(125) || !out.stderr.contains(&message) {
        Failure::new(format!("minidock run -d -p {spec}, the host's port {host_port} taken"))
            .expected_text(format!("exit status 125, and docker's message: ...{message}"))
            .got_text(out.ending())
            .hint("bind(2) fails with EADDRINUSE when another socket holds the port: that is the answer, not an error to retry")
            .output(&out)
            .section(RESERVE)
            .fail();
    }
    // A range whose first port is taken: the next one.
    let spec = format!("{host_port}-{}:80", host_port + 2);
    let id = started(
        &sb,
        &["run", "-d", "-p", &spec, &sb.image(), "sleep", "60"],
        RESERVE,
    );
    let lines = port_lines(&sb, &id);
    let expected = format!("80/tcp -> 0.0.0.0:{}", host_port + 1);
    if lines != [expected.clone()] {
        Failure::new(format!("minidock port ID, for -p {spec}, the host's port {host_port} taken"))
            .expected_text(&expected)
            .got_text(lines.join("\n"))
            .hint("a range of host ports takes its first free port: the next one, when binding one fails with EADDRINUSE")
            .section(RESERVE)
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
    let left = sb.minidock(["ps", "-aq"]).output().stdout;
    let leases = std::fs::read_to_string(sb.state_dir().join("networks/bridge/leases.json"))
        .unwrap_or_default();
    let dnat = dnat_rules(&sb);
    if !left.trim().is_empty() || leases.contains("container") || !dnat.is_empty() {
        Failure::new("what a run that failed to publish its port left behind")
            .expected_text("no container, no lease, no rule")
            .got_text(format!(
                "containers: {}\nleases: {leases}\nrules: {dnat:?}",
                left.trim()
            ))
            .section(RULES)
            .fail();
    }
}

#[test]
fn the_rules_go_with_the_container_also_after_kill_9() {
    rules_go_with_the_container(Sandbox::new());
}

fn rules_go_with_the_container(sb: Sandbox) {
    let (host_port, port) = (a_port(), a_port() + 1);
    let spec = format!("{host_port}:{port}");
    let a = started(
        &sb,
        &["run", "-d", "-p", &spec, &sb.image(), "sleep", "60"],
        DNAT,
    );
    if dnat_rules(&sb).len() != 1 {
        Failure::new(format!(
            "minidock's rules while a container publishes {spec}"
        ))
        .expected_text("one rule that rewrites the destination (dnat)")
        .got_text(rules(&sb).trim_end())
        .hint("each published port is one rule in the ports chain")
        .section(written(&sb, DNAT))
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &a]).output();
    let after_rm = dnat_rules(&sb);
    // A container's monitor killed with SIGKILL: the next command that lists containers sweeps.
    let spec2 = format!("{}:{port}", host_port + 1);
    let b = started(
        &sb,
        &["run", "-d", "-p", &spec2, &sb.image(), "sleep", "60"],
        DNAT,
    );
    for pid in sb.monitors() {
        let _ = sb.host_command("kill", ["-9", &pid.to_string()]).output();
    }
    let deadline = Instant::now() + PROMPT;
    while !sb.monitors().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = sb.minidock(["ps", "-a"]).output();
    let after_kill = dnat_rules(&sb);
    if !after_rm.is_empty() || !after_kill.is_empty() {
        Failure::new("minidock's port rules once their containers are gone")
            .expected_text("none, after rm -f, and after a killed monitor's container is swept by ps")
            .got_text(format!("after rm -f: {after_rm:?}\nafter kill -9 and ps: {after_kill:?}"))
            .hint("the rules are made from the leases whose holders run: every change renders them all again")
            .section(RULES)
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &b]).output();
}

#[test]
fn udp_ports_are_published_too() {
    udp_published(Sandbox::new());
}

fn udp_published(sb: Sandbox) {
    let outside = sb.outside();
    let (host_port, port) = (a_port(), a_port());
    let word = random::word(10);
    let spec = format!("{host_port}:{port}/udp");
    let id = started(
        &sb,
        &[
            "run",
            "-d",
            "-p",
            &spec,
            &sb.image(),
            &sb.probe(),
            "serve-udp",
            &port.to_string(),
            &word,
        ],
        DNAT,
    );
    listening(&sb, &id);
    let out = outside
        .command(
            &sb.probe(),
            ["ask-udp", &outside.host_ip, &host_port.to_string()],
        )
        .timeout(PROMPT)
        .output();
    if out.stdout_trimmed() != word {
        Failure::new(format!(
            "a datagram from outside to {}:{host_port}, published with -p {spec}",
            outside.host_ip
        ))
        .expected_text(&word)
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint("a UDP port's rule matches udp dport, and its socket is a datagram socket")
        .section(written(&sb, DNAT))
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn publish_all_and_inspect_show_the_ports_as_docker_does() {
    publish_all(Sandbox::new());
}

fn publish_all(sb: Sandbox) {
    let (exposed, published, host_port) = (a_port(), a_port(), a_port());
    let words = [
        "run",
        "-d",
        "-P",
        "--expose",
        &exposed.to_string(),
        "-p",
        &format!("{host_port}:{published}"),
        &sb.image(),
        "sleep",
        "60",
    ];
    let id = started(&sb, &words, PORTS);
    let lines = port_lines(&sb, &id);
    let picked = lines
        .iter()
        .find_map(|line| line.strip_prefix(&format!("{exposed}/tcp -> 0.0.0.0:")))
        .unwrap_or_default()
        .to_string();
    let ports = sb
        .minidock(["inspect", "-f", "{{json .NetworkSettings.Ports}}", &id])
        .output()
        .stdout_trimmed()
        .to_string();
    let bindings = sb
        .minidock([
            "inspect",
            "-f",
            "{{json .HostConfig.PortBindings}} {{.HostConfig.PublishAllPorts}}",
            &id,
        ])
        .output()
        .stdout_trimmed()
        .to_string();
    let expected_bindings =
        format!("{{\"{published}/tcp\":[{{\"HostIp\":\"\",\"HostPort\":\"{host_port}\"}}]}} true");
    let has = |port: u16, host: &str| {
        ports.contains(&format!(
            "\"{port}/tcp\":[{{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"{host}\"}}]"
        ))
    };
    if picked.is_empty()
        || !has(exposed, &picked)
        || !has(published, &host_port.to_string())
        || bindings != expected_bindings
    {
        Failure::new(format!("the ports of a container run with -P --expose {exposed} -p {host_port}:{published}"))
            .expected_text(format!("port: {exposed}/tcp on a port the kernel picked, {published}/tcp on {host_port}; inspect's Ports and PortBindings in docker's shape: {expected_bindings}"))
            .got_text(format!("port:\n{}\nPorts: {ports}\nPortBindings: {bindings}", lines.join("\n")))
            .hint("-P publishes every exposed port that -p does not, on a port the kernel picks")
            .section(PORTS)
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &id]).output();
}

mod stretch {
    use super::*;

    /// Every test of this chapter's rules, with iptables writing them.
    mod with_iptables {
        with_iptables! {
            a_published_port_answers_from_outside_and_from_the_host => super::super::published_port_answers,
            the_way_out_is_masqueraded_as_the_host_but_not_between_containers => super::super::way_out_masqueraded,
            a_port_published_on_one_address_answers_only_there => super::super::published_on_one_address,
            a_port_the_kernel_picks_is_held_and_listed => super::super::picked_port_held,
            port_specs_are_read_as_docker_reads_them => super::super::port_specs_read,
            a_taken_host_port_fails_the_run_and_leaves_nothing => super::super::taken_port_refused,
            the_rules_go_with_the_container_also_after_kill_9 => super::super::rules_go_with_the_container,
            udp_ports_are_published_too => super::super::udp_published,
            publish_all_and_inspect_show_the_ports_as_docker_does => super::super::publish_all,
        }
    }

    #[test]
    #[ignore = "a stretch exercise: cargo test -p chapter-09 -- --ignored stretch"]
    fn iptables_writes_the_same_rules() {
        let sb = Sandbox::with_firewall("iptables");
        let outside = sb.outside();
        // A first container's port published by nftables, which the iptables driver takes over.
        let (first_port, host_port, port) = (a_port(), a_port(), a_port());
        let first_spec = format!("{first_port}:{port}");
        let words = [
            "--firewall-driver",
            "nftables",
            "run",
            "-d",
            "-p",
            &first_spec,
        ];
        let first = started(
            &sb,
            &[&words[..], &[&sb.image(), "sleep", "60"]].concat(),
            IPTABLES,
        );
        let (id, word) = a_server(&sb, &[format!("{host_port}:{port}")], port, 2);
        // Nothing of nftables's is left, and both ports are iptables's (before the server, which
        // ends after two connections, takes its own away).
        let table = sb
            .host_command("nft", ["list", "table", "ip", "minidock"])
            .output();
        let both = dnat_rules(&sb);
        let from_out = from_outside(&sb, &outside, &outside.host_ip, host_port);
        let from_here = from_host(&sb, "127.0.0.1", host_port);
        let nat = rules(&sb);
        if from_out.stdout_trimmed() != word || from_here.stdout_trimmed() != word {
            Failure::new(format!("connections to a port published with -p {host_port}:{port}, with the iptables driver"))
                .expected_text(format!("{word} from outside and from 127.0.0.1"))
                .got_text(format!("from outside: {}\nfrom 127.0.0.1: {}", from_out.stdout_trimmed(), from_here.stdout_trimmed()))
                .note("the tables", nat.trim_end())
                .hint("the same rules as nftables's, in iptables's words: -j DNAT --to-destination in MINIDOCK, -j MASQUERADE in MINIDOCK-POSTROUTING")
                .section(IPTABLES)
                .fail();
        }
        // And none once the containers are gone.
        let _ = sb.minidock(["rm", "-f", &id, &first]).output();
        let dnat = dnat_rules(&sb);
        if table.status == Some(0) || both.len() != 2 || !dnat.is_empty() {
            Failure::new(
                "rules of the other driver, and of containers removed, with the iptables driver",
            )
            .expected_text(
                "no nftables table of minidock's; two DNAT rules while both containers run, none once they are removed",
            )
            .got_text(format!(
                "nft list table ip minidock: {}\nDNAT rules while both run: {both:?}\nonce removed: {dnat:?}",
                table.ending()
            ))
            .section(IPTABLES)
            .fail();
        }
    }
}

#[path = "chapter_09/networks.rs"]
mod networks;
