//! Networks of the user's own: `network create` with docker's checks of its addresses, a
//! container's address asked for with `--ip`, containers of one network reaching each other and
//! the world, two networks kept apart, and a container connected to one more network, and
//! disconnected; a macvlan network's containers on the host's segment. Each test of the rules
//! runs with iptables as well, among the stretch tests.

use harness::{random, Failure, Output, Sandbox, Section};

use super::{listening, rules, started, PROMPT};

const NETWORKS: Section = Section::new(9, "Networks of your own");
const PLAN: Section = Section::new(9, "Plan a network's addresses");
const CLAIM: Section = Section::new(9, "Give the address asked for");
const ISOLATE: Section = Section::new(9, "Keep networks apart");
const CONNECT: Section = Section::new(9, "Connecting to more networks");
const MACVLAN: Section = Section::new(9, "A macvlan of the parent's");

/// A network name that templates can walk to (`.NetworkSettings.Networks.NAME`).
fn a_name() -> String {
    format!("net{}", random::word(6))
}

/// A /24 of 10.0.0.0/8, as `10.A.B` (add `.0/24`, or a last byte): random, so that a test's
/// values are no constants a starter could echo.
fn a_prefix() -> String {
    format!("10.{}.{}", random::number(100, 250), random::number(0, 255))
}

/// `minidock network create OPTIONS NAME`, which must succeed: the network's id.
#[track_caller]
fn create(sb: &Sandbox, options: &[&str], name: &str) -> String {
    let mut words = vec!["network", "create"];
    words.extend_from_slice(options);
    words.push(name);
    let out = sb.minidock(&words).timeout(PROMPT).output();
    let id = out.stdout_trimmed().to_string();
    if out.status != Some(0) || id.len() != 64 {
        Failure::new(format!("minidock {}", words.join(" ")))
            .expected_text("exit status 0, and the network's id: 64 hex digits")
            .got_text(out.ending())
            .output(&out)
            .section(if options.is_empty() { NETWORKS } else { PLAN })
            .fail();
    }
    id
}

/// What `network inspect -f TEMPLATE NAME` prints.
fn network_inspect(sb: &Sandbox, template: &str, name: &str) -> String {
    sb.minidock(["network", "inspect", "-f", template, name])
        .output()
        .stdout_trimmed()
        .to_string()
}

/// The value of the field `key` in the first object of a network's `IPAM.Config`, as
/// `network inspect` prints it in JSON: empty if it has none.
fn ipam(sb: &Sandbox, name: &str, key: &str) -> String {
    let json = network_inspect(sb, "{{json .IPAM.Config}}", name);
    let start = format!("\"{key}\":\"");
    json.split_once(&start)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or_else(String::new, |(value, _)| value.to_string())
}

/// The address of the running container `id` on the network `name`, as inspect tells it.
fn address_on(sb: &Sandbox, id: &str, name: &str) -> String {
    let template = format!("{{{{.NetworkSettings.Networks.{name}.IPAddress}}}}");
    sb.minidock(["inspect", "-f", &template, id])
        .output()
        .stdout_trimmed()
        .to_string()
}

/// `run --rm --network NAME IMAGE probe connect IP PORT`: what the client read.
fn connect_from(sb: &Sandbox, network: &str, ip: &str, port: &str) -> Output {
    let (image, probe) = (sb.image(), sb.probe());
    let words = [
        "run",
        "--rm",
        "--network",
        network,
        &image,
        &probe,
        "connect",
        ip,
        port,
    ];
    sb.minidock(words).timeout(PROMPT).output()
}

/// A container on `network` that tells each connection's client its address, listening on a
/// random port: its id, its address and the port.
fn a_peer(sb: &Sandbox, network: &str) -> (String, String, String) {
    let port = random::number(2000, 30000).to_string();
    let (image, probe) = (sb.image(), sb.probe());
    let words = [
        "run",
        "-d",
        "--network",
        network,
        &image,
        &probe,
        "peer",
        &port,
    ];
    let id = started(sb, &words, NETWORKS);
    listening(sb, &id);
    let address = address_on(sb, &id, network);
    (id, address, port)
}

/// The first three bytes of an address, as `10.A.B`.
fn prefix_of(address: &str) -> &str {
    address.rsplit_once('.').map_or("", |(prefix, _)| prefix)
}

#[test]
fn containers_of_a_network_reach_each_other_and_the_world() {
    reached_within(Sandbox::new());
}

fn reached_within(sb: Sandbox) {
    let outside = sb.outside();
    let name = a_name();
    let id = create(&sb, &[], &name);
    // Its own subnet, not the default network's.
    let subnet = ipam(&sb, &name, "Subnet");
    let default = ipam(&sb, "bridge", "Subnet");
    let (server, address, port) = a_peer(&sb, &name);
    let on_its_subnet = !subnet.is_empty() && !address.is_empty() && {
        let network = subnet.split('/').next().unwrap_or("");
        prefix_of(network)
            .split('.')
            .take(2)
            .eq(address.split('.').take(2))
    };
    if subnet == default || !on_its_subnet {
        Failure::new(format!("a container run with --network {name}, a network just made"))
            .expected_text(format!("an address of the network's own subnet, other than the default network's ({default})"))
            .got_text(format!("the network's subnet: {subnet:?}; the container's address: {address:?}"))
            .hint("network create takes the first of the default pools that neither the host's routes nor another network of minidock's overlap")
            .section(NETWORKS)
            .fail();
    }
    // `network inspect` lists the running container, with its address.
    let listed = network_inspect(&sb, "{{json .Containers}}", &name);
    if !listed.contains(&server) || !listed.contains(&format!("\"{address}/")) {
        Failure::new(format!(
            "minidock network inspect -f '{{{{json .Containers}}}}' {name}"
        ))
        .expected_text(format!(
            "the container {server}, with its address {address}/PREFIX"
        ))
        .got_text(&listed)
        .section(NETWORKS)
        .fail();
    }
    // Between two containers of the network: addresses as they are.
    let out = connect_from(&sb, &name, &address, &port);
    if prefix_of(out.stdout_trimmed()) != prefix_of(&address) {
        Failure::new(format!("a connection between two containers of the network {name}"))
            .expected_text(format!("the client's own address, on the network's subnet (the server is {address})"))
            .got_text(out.stdout_trimmed())
            .note("minidock's rules", rules(&sb).trim_end())
            .hint("what one container sends another on their network's bridge stays on the bridge: no rule of the forward chain may drop it, nor any masquerading change its source")
            .output(&out)
            .section(ISOLATE)
            .fail();
    }
    // Out to the world: masqueraded, as the default network's.
    let world_port = random::number(2000, 30000).to_string();
    let mut world = outside
        .command(&sb.probe(), ["peer", &world_port])
        .timeout(PROMPT)
        .spawn();
    world.expect_line("listening", PROMPT, NETWORKS);
    let out = connect_from(&sb, &name, &outside.ip, &world_port);
    if out.stdout_trimmed() != outside.host_ip {
        let got = out.stdout_trimmed();
        let (hint, section) = if got == "timeout" || got == "unreachable" {
            ("the connection went nowhere: the rules that keep networks apart must drop only what goes from one of minidock's bridges into another, and let what leaves for the world through; or the network's subnet is not masqueraded", ISOLATE)
        } else {
            (
                "each network's subnet is masqueraded on its way out, as the default network's",
                super::MASQUERADE,
            )
        };
        Failure::new(format!(
            "the address a server outside sees a container of the network {name} come from"
        ))
        .expected_text(format!(
            "{} (the host's address on that link)",
            outside.host_ip
        ))
        .got_text(got)
        .note("minidock's rules", rules(&sb).trim_end())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
    world.close_stdin();
    let _ = world.finish();
    // In use, it stays; once its container is gone, it goes, with its bridge and its rules.
    let image = sb.image();
    let holder = started(
        &sb,
        &["run", "-d", "--network", &name, &image, "sleep", "60"],
        NETWORKS,
    );
    let refused = sb
        .minidock(["network", "rm", &name])
        .timeout(PROMPT)
        .output();
    let message = format!("network {name} id {id} has active endpoints");
    if refused.status != Some(1) || !refused.stderr.contains(&message) {
        Failure::new(format!(
            "minidock network rm {name}, a container still on it"
        ))
        .expected_text(format!("exit status 1, and docker's message: ...{message}"))
        .got_text(refused.ending())
        .output(&refused)
        .section(NETWORKS)
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &server, &holder]).output();
    let removed = sb
        .minidock(["network", "rm", &name])
        .timeout(PROMPT)
        .output();
    let bridge = format!("br-{}", &id[..12]);
    let link = sb.host_command("ip", ["link", "show", &bridge]).output();
    let rules = rules(&sb);
    if removed.status != Some(0) || link.status == Some(0) || rules.contains(&bridge) {
        Failure::new(format!("minidock network rm {name}, its container removed"))
            .expected_text(format!(
                "exit status 0; the bridge {bridge} and every rule that names it gone"
            ))
            .got_text(format!(
                "{}; ip link show {bridge}: {}; rules that name it: {:?}",
                removed.ending(),
                link.ending(),
                rules
                    .lines()
                    .filter(|l| l.contains(&bridge))
                    .collect::<Vec<_>>()
            ))
            .output(&removed)
            .section(NETWORKS)
            .fail();
    }
}

#[test]
fn networks_are_kept_apart() {
    kept_apart(Sandbox::new());
}

fn kept_apart(sb: Sandbox) {
    let driver = sb.firewall();
    let (a, b) = (a_name(), a_name());
    create(&sb, &[], &a);
    create(&sb, &[], &b);
    let (server, address, port) = a_peer(&sb, &a);
    // The host routes, whatever its forwarding's exercise says: what keeps the networks
    // apart must be the rules.
    let _ = sb
        .host_command("sh", ["-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"])
        .output();
    for from in [b.as_str(), "bridge"] {
        let out = connect_from(&sb, from, &address, &port);
        if out.stdout_trimmed() != "timeout" {
            let listed = rules(&sb);
            Failure::new(format!(
                "a connection from a container of the network {from} to one of the network {a} ({address}), with the {driver} driver"
            ))
            .expected_text("timeout: what one network's bridge would forward into another's is dropped")
            .got_text(out.stdout_trimmed())
            .note("minidock's rules", listed.trim_end())
            .hint("in the forward chain, what leaves a network's bridge for another interface goes on to the isolate chain; there, what would enter any network's bridge is dropped")
            .output(&out)
            .section(ISOLATE)
            .fail();
        }
    }
    // The same network still reaches it.
    let out = connect_from(&sb, &a, &address, &port);
    if prefix_of(out.stdout_trimmed()) != prefix_of(&address) {
        Failure::new(format!(
            "a connection between two containers of the network {a}, with the {driver} driver"
        ))
        .expected_text("the client's own address: one network's containers reach each other")
        .got_text(out.stdout_trimmed())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint("the rule that sends a bridge's packets to the isolate chain leaves out those that go back into the same bridge")
        .output(&out)
        .section(ISOLATE)
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &server]).output();
}

#[test]
fn an_address_asked_for_is_given_or_refused_as_docker_does() {
    address_asked_for(Sandbox::new());
}

fn address_asked_for(sb: Sandbox) {
    let name = a_name();
    let p = a_prefix();
    let (subnet, gateway, range) = (
        format!("{p}.0/24"),
        format!("{p}.254"),
        format!("{p}.128/25"),
    );
    create(
        &sb,
        &[
            "--subnet",
            &subnet,
            "--gateway",
            &gateway,
            "--ip-range",
            &range,
        ],
        &name,
    );
    // An address outside the range may be asked for; one inside it is handed out unasked.
    let wanted = format!("{p}.{}", random::number(2, 120));
    let (image, probe) = (sb.image(), sb.probe());
    let words = [
        "run",
        "-d",
        "--network",
        &name,
        "--ip",
        &wanted,
        &image,
        &probe,
        "peer",
        "80",
    ];
    let fixed = started(&sb, &words, CLAIM);
    listening(&sb, &fixed);
    let given = address_on(&sb, &fixed, &name);
    if given != wanted {
        Failure::new(format!(
            "a container run with --network {name} --ip {wanted}"
        ))
        .expected_text(&wanted)
        .got_text(&given)
        .hint("the address asked for is leased instead of the lowest free one")
        .section(CLAIM)
        .fail();
    }
    let refusals = [
        (
            name.clone(),
            gateway.clone(),
            "Address already in use",
            "the gateway's address is the bridge's",
        ),
        (
            name.clone(),
            format!("{p}.0"),
            "Address already in use",
            "the subnet's own address is no host's",
        ),
        (
            name.clone(),
            format!("{p}.255"),
            "Address already in use",
            "the broadcast address is no host's",
        ),
        (
            name.clone(),
            wanted.clone(),
            "Address already in use",
            "the address is leased to the running container",
        ),
        (
            name.clone(),
            format!("10.{}.0.9", random::number(1, 99)),
            "It does not belong to any of this network's subnets",
            "an address outside the subnet",
        ),
    ];
    let unconfigured = a_name();
    create(&sb, &[], &unconfigured);
    let unconfigured_refusal = (
        unconfigured.clone(),
        format!("{p}.9"),
        "user specified IP address is supported only when connecting to networks with user configured subnets",
        "a network whose subnet minidock chose may get another one: only a subnet given with --subnet has addresses to ask for",
    );
    let default_refusal = (
        "bridge".to_string(),
        format!("{p}.9"),
        "user specified IP address is supported on user defined networks only",
        "the default network takes no --ip",
    );
    for (network, ip, message, why) in refusals
        .into_iter()
        .chain([unconfigured_refusal, default_refusal])
    {
        let out = sb
            .minidock([
                "run",
                "--rm",
                "--network",
                &network,
                "--ip",
                &ip,
                &image,
                "true",
            ])
            .timeout(PROMPT)
            .output();
        if out.status != Some(125) || !out.stderr.contains(message) {
            Failure::new(format!(
                "minidock run --network {network} --ip {ip} ({why})"
            ))
            .expected_text(format!(
                "exit status 125, and docker's message: ...{message}"
            ))
            .got_text(out.ending())
            .output(&out)
            .section(CLAIM)
            .fail();
        }
    }
    // Nothing is left of the runs refused: one container, one lease.
    let containers = sb.minidock(["ps", "-aq"]).output().stdout;
    let leases =
        std::fs::read_to_string(sb.state_dir().join(format!("networks/{name}/leases.json")))
            .unwrap_or_default();
    if containers.lines().count() != 1 || leases.matches("\"container\"").count() != 1 {
        Failure::new("what the refused runs left behind")
            .expected_text("only the container that runs, and its lease")
            .got_text(format!(
                "containers: {:?}\nleases: {leases}",
                containers.trim()
            ))
            .section(CLAIM)
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &fixed]).output();
}

#[test]
fn network_create_checks_addresses_as_docker_does() {
    create_checks(Sandbox::new());
}

fn create_checks(sb: Sandbox) {
    let p = a_prefix();
    let subnet = format!("{p}.0/24");
    let elsewhere = format!("10.{}.0.1", random::number(1, 99));
    let refusals = [
        (
            vec![
                "--subnet".to_string(),
                subnet.clone(),
                "--gateway".into(),
                elsewhere.clone(),
            ],
            format!("no matching subnet for gateway {elsewhere}"),
            "a gateway outside the subnet",
        ),
        (
            vec![
                "--subnet".into(),
                subnet.clone(),
                "--gateway".into(),
                format!("{p}.0"),
            ],
            format!("failed to allocate gateway ({p}.0): Address already in use"),
            "the subnet's own address as the gateway",
        ),
        (
            vec![
                "--subnet".into(),
                subnet.clone(),
                "--gateway".into(),
                format!("{p}.255"),
            ],
            format!("failed to allocate gateway ({p}.255): Address already in use"),
            "the broadcast address as the gateway",
        ),
        (
            // A range that starts where the subnet does, and is larger.
            vec![
                "--subnet".into(),
                format!("{}.0.0/24", prefix_of(&p)),
                "--ip-range".into(),
                format!("{}.0.0/23", prefix_of(&p)),
            ],
            format!("no matching subnet for range {}.0.0/23", prefix_of(&p)),
            "a range larger than the subnet, from the subnet's first address",
        ),
        (
            vec!["--subnet".into(), format!("{p}.6/31")],
            "failed to allocate gateway (): No available addresses on this pool".to_string(),
            "a /31, with no address for a host",
        ),
        (
            vec!["--gateway".into(), format!("{p}.1")],
            "every ip-range or gateway must have a corresponding subnet".to_string(),
            "a gateway without a subnet",
        ),
    ];
    for (options, message, why) in &refusals {
        let name = a_name();
        let mut words = vec!["network".to_string(), "create".into()];
        words.extend(options.iter().cloned());
        words.push(name.clone());
        let out = sb.minidock(&words).timeout(PROMPT).output();
        let listed = sb.minidock(["network", "ls", "-q"]).output().stdout;
        if out.status != Some(1)
            || !out.stderr.contains(message.as_str())
            || listed.lines().count() != 3
        {
            Failure::new(format!("minidock {} ({why})", words.join(" ")))
                .expected_text(format!(
                    "exit status 1, docker's message: {message}, and no network made"
                ))
                .got_text(format!(
                    "{}; networks: {}",
                    out.ending(),
                    listed.lines().count()
                ))
                .output(&out)
                .section(PLAN)
                .fail();
        }
    }
    // A subnet written with any of its addresses; the gateway its first, unless asked.
    let name = a_name();
    let any = format!("{p}.{}", random::number(2, 250));
    create(&sb, &["--subnet", &format!("{any}/24")], &name);
    let config = format!(
        "{} {}",
        ipam(&sb, &name, "Subnet"),
        ipam(&sb, &name, "Gateway")
    );
    if config != format!("{subnet} {p}.1") {
        Failure::new(format!(
            "minidock network create --subnet {any}/24 {name}; network inspect"
        ))
        .expected_text(format!("subnet {subnet}, gateway {p}.1"))
        .got_text(&config)
        .hint("without --gateway, the gateway is the subnet's first address")
        .section(PLAN)
        .fail();
    }
    // Taken: its name, and its addresses.
    for (options, message) in [
        (vec![], format!("network with name {name} already exists")),
        (
            vec!["--subnet".to_string(), format!("{p}.128/25")],
            "Pool overlaps with other one on this address space".to_string(),
        ),
    ] {
        let again = if options.is_empty() {
            name.clone()
        } else {
            a_name()
        };
        let mut words = vec!["network".to_string(), "create".into()];
        words.extend(options);
        words.push(again);
        let out = sb.minidock(&words).timeout(PROMPT).output();
        if out.status != Some(1) || !out.stderr.contains(&message) {
            Failure::new(format!("minidock {}", words.join(" ")))
                .expected_text(format!("exit status 1, and docker's message: {message}"))
                .got_text(out.ending())
                .output(&out)
                .section(NETWORKS)
                .fail();
        }
    }
}

/// `minidock exec ID probe WORDS...`: what it printed.
fn in_container(sb: &Sandbox, id: &str, words: &[&str]) -> String {
    let probe = sb.probe();
    let mut all = vec!["exec", id, probe.as_str()];
    all.extend_from_slice(words);
    sb.minidock(&all).timeout(PROMPT).output().stdout
}

#[test]
fn connect_adds_an_interface_and_disconnect_takes_it_away() {
    connected_and_disconnected(Sandbox::new());
}

fn connected_and_disconnected(sb: Sandbox) {
    let (a, b) = (a_name(), a_name());
    let p = a_prefix();
    create(&sb, &[], &a);
    create(&sb, &["--subnet", &format!("{p}.0/24")], &b);
    // The host routes: only the rules keep the networks apart.
    let _ = sb
        .host_command("sh", ["-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"])
        .output();
    let (image, probe) = (sb.image(), sb.probe());
    let (port, word) = (random::number(2000, 30000).to_string(), random::word(10));
    let server = started(
        &sb,
        &[
            "run",
            "-d",
            "--network",
            &b,
            &image,
            &probe,
            "serve",
            &port,
            &word,
            "10",
        ],
        CONNECT,
    );
    listening(&sb, &server);
    let address = address_on(&sb, &server, &b);
    let client = started(
        &sb,
        &["run", "-d", "--network", &a, &image, "sleep", "120"],
        CONNECT,
    );
    let before = in_container(&sb, &client, &["connect", &address, &port]);
    if before.trim() != "timeout" {
        Failure::new(format!(
            "a connection from a container of the network {a} to a server of the network {b} ({address}), before network connect"
        ))
        .expected_text("timeout: the networks are kept apart")
        .got_text(before.trim())
        .note("minidock's rules", rules(&sb).trim_end())
        .hint("what one network's bridge would forward into another's is dropped")
        .section(ISOLATE)
        .fail();
    }
    // Connected: an interface on the other network, with the address asked for.
    let wanted = format!("{p}.{}", random::number(100, 200));
    let out = sb
        .minidock(["network", "connect", "--ip", &wanted, &b, &client])
        .timeout(PROMPT)
        .output();
    let net = in_container(&sb, &client, &["net"]);
    let eth1 = net
        .lines()
        .find(|line| line.split_whitespace().next() == Some("eth1"))
        .unwrap_or("");
    if out.status != Some(0) || !eth1.contains(&format!(" {wanted}/24")) {
        Failure::new(format!(
            "minidock network connect --ip {wanted} {b} ID, then its interfaces"
        ))
        .expected_text(format!(
            "exit status 0, and an interface eth1 with {wanted}/24"
        ))
        .got_text(format!("{}; interfaces:\n{}", out.ending(), net.trim_end()))
        .output(&out)
        .section(CONNECT)
        .fail();
    }
    let reached = in_container(&sb, &client, &["connect", &address, &port]);
    let hosts = sb
        .minidock(["exec", &client, "cat", "/etc/hosts"])
        .output()
        .stdout;
    let inspected = address_on(&sb, &client, &b);
    if reached.trim() != word || !hosts.contains(&format!("{wanted}\t")) || inspected != wanted {
        Failure::new(format!("the container connected to {b}"))
            .expected_text(format!(
                "the server of {b} reached ({word}), {wanted} in its /etc/hosts, and in inspect's Networks.{b}"
            ))
            .got_text(format!(
                "connection: {}\n/etc/hosts:\n{}\ninspect: {inspected:?}",
                reached.trim(),
                hosts.trim_end()
            ))
            .section(CONNECT)
            .fail();
    }
    let again = sb
        .minidock(["network", "connect", &b, &client])
        .timeout(PROMPT)
        .output();
    if again.status != Some(1) || !again.stderr.contains("already exists in network") {
        Failure::new(format!("minidock network connect {b} ID, connected already"))
            .expected_text(format!("exit status 1, and docker's message: endpoint with name ... already exists in network {b}"))
            .got_text(again.ending())
            .output(&again)
            .section(CONNECT)
            .fail();
    }
    // Stopped and started again: connected again, with the same address.
    let _ = sb
        .minidock(["stop", "-t", "1", &client])
        .timeout(PROMPT)
        .output();
    let _ = sb.minidock(["start", &client]).timeout(PROMPT).output();
    let net = in_container(&sb, &client, &["net"]);
    if !net.contains(&format!(" {wanted}/24")) {
        Failure::new(format!(
            "the interfaces of the container connected to {b}, stopped and started again"
        ))
        .expected_text(format!(
            "eth1 with {wanted}/24 again: the record keeps the networks it is connected to"
        ))
        .got_text(net.trim_end())
        .section(CONNECT)
        .fail();
    }
    // Disconnected: the interface, the address and the way to the other network go.
    let out = sb
        .minidock(["network", "disconnect", &b, &client])
        .timeout(PROMPT)
        .output();
    let net = in_container(&sb, &client, &["net"]);
    let after = in_container(&sb, &client, &["connect", &address, &port]);
    let leases = std::fs::read_to_string(sb.state_dir().join(format!("networks/{b}/leases.json")))
        .unwrap_or_default();
    if out.status != Some(0)
        || net.contains(&format!(" {wanted}/"))
        || after.trim() == word
        || leases.contains(&client)
    {
        Failure::new(format!("minidock network disconnect {b} ID"))
            .expected_text("exit status 0; no eth1, no way to the server, no lease left")
            .got_text(format!(
                "{}; interfaces:\n{}\nconnection: {}\nleases: {leases}",
                out.ending(),
                net.trim_end(),
                after.trim()
            ))
            .output(&out)
            .section(CONNECT)
            .fail();
    }
    let again = sb
        .minidock(["network", "disconnect", &b, &client])
        .timeout(PROMPT)
        .output();
    let message = format!("container {client} is not connected to network {b}");
    if again.status != Some(1) || !again.stderr.contains(&message) {
        Failure::new(format!(
            "minidock network disconnect {b} ID, disconnected already"
        ))
        .expected_text(format!("exit status 1, and docker's message: {message}"))
        .got_text(again.ending())
        .output(&again)
        .section(CONNECT)
        .fail();
    }
    let _ = sb.minidock(["rm", "-f", &client, &server]).output();
}

#[test]
fn macvlan_containers_sit_on_the_parents_segment() {
    let sb = Sandbox::new();
    let outside = sb.outside();
    let name = a_name();
    let parent = format!("parent={}", outside.link);
    create(
        &sb,
        &[
            "-d",
            "macvlan",
            "-o",
            &parent,
            "--subnet",
            "198.51.100.0/24",
            "--gateway",
            &outside.host_ip,
        ],
        &name,
    );
    // An address of the segment that neither the host nor the outside machine has.
    let taken = [outside.host_ip.as_str(), outside.ip.as_str()];
    let address = loop {
        let address = format!("198.51.100.{}", random::number(2, 254));
        if !taken.contains(&address.as_str()) {
            break address;
        }
    };
    let (image, probe) = (sb.image(), sb.probe());
    let (port, word) = (random::number(2000, 30000).to_string(), random::word(10));
    let server = started(
        &sb,
        &[
            "run",
            "-d",
            "--network",
            &name,
            "--ip",
            &address,
            &image,
            &probe,
            "serve",
            &port,
            &word,
            "3",
        ],
        MACVLAN,
    );
    listening(&sb, &server);
    // The outside machine reaches it on the segment, as one machine more: no NAT, no host.
    let from_outside = outside
        .command(&sb.probe(), ["connect", &address, &port])
        .timeout(PROMPT)
        .output();
    // So does another container of the network: the parent's macvlans see each other.
    let from_neighbour = connect_from(&sb, &name, &address, &port);
    if from_outside.stdout_trimmed() != word || from_neighbour.stdout_trimmed() != word {
        Failure::new(format!(
            "connections to a container of the macvlan network {name} (on the host's {}, {address}), from the machine on the segment and from another container of the network",
            outside.link
        ))
        .expected_text(format!("{word} from both"))
        .got_text(format!(
            "from the segment: {}\nfrom another container: {}",
            from_outside.stdout_trimmed(),
            from_neighbour.stdout_trimmed()
        ))
        .hint("a macvlan in bridge mode (IFLA_MACVLAN_MODE) is one more machine on the parent's segment, and reaches the parent's other macvlans inside the kernel; in the kernel's default mode, vepa, they reach each other only through a switch that sends frames back where they came from")
        .output(&from_neighbour)
        .section(MACVLAN)
        .fail();
    }
    // The host itself does not: the parent hands its macvlans only what comes from the wire.
    let from_host = sb
        .host_command(&sb.probe(), ["connect", &address, &port])
        .timeout(PROMPT)
        .output();
    if from_host.stdout_trimmed() == word {
        Failure::new(format!("a connection from the host to {address}, a container of the macvlan network {name} on its {}", outside.link))
            .expected_text("no answer: a macvlan's parent does not reach its macvlans")
            .got_text(from_host.stdout_trimmed())
            .section(MACVLAN)
            .fail();
    }
    let _ = sb.minidock(["rm", "-f", &server]).output();
}

mod stretch {
    /// Every test of this file's rules, with iptables writing them.
    mod with_iptables {
        with_iptables! {
            containers_of_a_network_reach_each_other_and_the_world => super::super::reached_within,
            networks_are_kept_apart => super::super::kept_apart,
            an_address_asked_for_is_given_or_refused_as_docker_does => super::super::address_asked_for,
            network_create_checks_addresses_as_docker_does => super::super::create_checks,
            connect_adds_an_interface_and_disconnect_takes_it_away => super::super::connected_and_disconnected,
        }
    }
}
