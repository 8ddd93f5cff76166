//! Chapter 8: the network namespace. Each container gets a namespace of its own, made ahead;
//! on the default bridge network, a veth pair with its peer born inside, an address of the
//! bridge's subnet, a default route through the bridge, and resolver files of its own. Every test
//! works in its sandbox's own network namespace, the test's "host".

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use harness::{random, Failure, Output, Sandbox, Section};

const NAMESPACE: Section = Section::new(8, "A namespace made ahead");
const PAIR: Section = Section::new(8, "Create the pair");
const PLUG: Section = Section::new(8, "Plug it into the bridge");
const UP: Section = Section::new(8, "Bring the links up");
const ADDRESS: Section = Section::new(8, "Give it an address");
const ROUTE: Section = Section::new(8, "The way out");
const ALLOCATE: Section = Section::new(8, "Allocate an address");
const RESOLVER: Section = Section::new(8, "The resolver's file");
const NAMES: Section = Section::new(8, "Names: hostname, hosts, resolv.conf");
const MODES: Section = Section::new(8, "none, host and container:");
const LEFT: Section = Section::new(8, "What is left behind");
const HANDING_OUT: Section = Section::new(8, "Handing out addresses");

/// How long a command that should return at once may take before it counts as hanging.
const PROMPT: Duration = Duration::from_secs(15);

/// A random default network for the test: `--bip 10.A.B.1/24`, and `10.A.B.`.
fn network() -> (Vec<String>, String) {
    let prefix = format!("10.{}.{}.", random::number(1, 250), random::number(1, 250));
    (vec!["--bip".into(), format!("{prefix}1/24")], prefix)
}

/// `minidock GLOBAL run -d OPTIONS IMAGE COMMAND...`, which must print the container's id.
#[track_caller]
fn detached(sb: &Sandbox, global: &[String], options: &[&str], command: &[&str]) -> String {
    let mut words: Vec<String> = global.to_vec();
    words.extend(["run".into(), "-d".into()]);
    words.extend(options.iter().map(|o| o.to_string()));
    words.push(sb.image());
    words.extend(command.iter().map(|c| c.to_string()));
    let out = sb.minidock(&words).timeout(PROMPT).output();
    let id = out.stdout_trimmed().to_string();
    if out.status != Some(0) || id.len() != 64 {
        Failure::new(format!("minidock {}", words.join(" ")))
            .expected_text("exit status 0, and the container's id")
            .got_text(out.ending())
            .hint("the container could not start on the default network")
            .output(&out)
            .section(NAMESPACE)
            .fail();
    }
    id
}

/// `minidock GLOBAL run --rm OPTIONS IMAGE COMMAND...`, which must succeed: its output.
#[track_caller]
fn ran(sb: &Sandbox, global: &[String], options: &[&str], command: &[&str]) -> Output {
    let mut words: Vec<String> = global.to_vec();
    words.extend(["run".into(), "--rm".into()]);
    words.extend(options.iter().map(|o| o.to_string()));
    words.push(sb.image());
    words.extend(command.iter().map(|c| c.to_string()));
    let out = sb.minidock(&words).timeout(PROMPT).output();
    if out.status != Some(0) {
        Failure::new(format!("minidock {}", words.join(" ")))
            .expected_text("exit status 0")
            .got_text(out.ending())
            .hint("the container could not start")
            .output(&out)
            .section(NAMESPACE)
            .fail();
    }
    out
}

/// `inspect -f TEMPLATE ID`, trimmed.
fn inspect(sb: &Sandbox, template: &str, id: &str) -> String {
    sb.minidock(["inspect", "-f", template, id])
        .output()
        .stdout_trimmed()
        .to_string()
}

/// The container's address, as inspect tells it.
fn address_of(sb: &Sandbox, id: &str) -> String {
    inspect(sb, "{{.NetworkSettings.IPAddress}}", id)
}

/// What the probe says of its network, on the sandbox's host.
fn host_network(sb: &Sandbox) -> String {
    sb.host_command(&sb.probe(), ["net"]).output().stdout
}

/// The line of `probe net`'s output for the interface `name`, if there is one.
fn interface<'a>(net: &'a str, name: &str) -> Option<&'a str> {
    net.lines()
        .find(|line| line.split_whitespace().next() == Some(name))
}

/// The host's ends of veth pairs on the sandbox's host, once those of containers that ended
/// are gone: the kernel tears a namespace down in the background, with the pairs in it, a
/// moment after its last process has ended (at most `PROMPT`).
fn host_veths_settled(sb: &Sandbox, running: usize) -> Vec<String> {
    let deadline = Instant::now() + PROMPT;
    loop {
        let veths = host_veths(sb);
        if veths.len() <= running || Instant::now() > deadline {
            return veths;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The host's ends of veth pairs, on the sandbox's host.
fn host_veths(sb: &Sandbox) -> Vec<String> {
    host_network(sb)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| name.starts_with("veth"))
        .map(str::to_string)
        .collect()
}

/// Makes a veth pair of random names on the sandbox's host (with `ip`), as any host has links
/// of its own; returns one of the names.
fn a_host_link(sb: &Sandbox) -> String {
    let name = random::name("h");
    let name = name[..name.len().min(12)].to_string();
    let peer = format!("{name}p");
    let out = sb
        .host_command(
            "ip",
            ["link", "add", &name, "type", "veth", "peer", "name", &peer],
        )
        .output();
    assert_eq!(
        out.status,
        Some(0),
        "making a link on the test's host:\n{}",
        out.describe()
    );
    name
}

/// The addresses leased in the state directory's default network (`networks/bridge/leases.json`).
fn leases(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.state_dir().join("networks/bridge/leases.json")).unwrap_or_default()
}

#[test]
fn none_has_only_lo() {
    let sb = Sandbox::new();
    let host_link = a_host_link(&sb);
    let out = ran(&sb, &[], &["--network", "none"], &[&sb.probe(), "net"]);
    let net = out.stdout.clone();
    if interface(&net, &host_link).is_some() || net.lines().count() != 1 {
        Failure::new("the interfaces of a container run with --network none")
            .expected_text("lo alone, up, with 127.0.0.1/8")
            .got_text(net.trim_end())
            .note("host link", &host_link)
            .hint("a container sees the host's links when its network namespace is the host's: unshare(2) moves minidock into the new one, and the descriptor must be taken there, before minidock goes back")
            .output(&out)
            .section(NAMESPACE)
            .fail();
    }
    if net.trim_end() != "lo up 65536 00:00:00:00:00:00 127.0.0.1/8" {
        Failure::new("lo, in a container run with --network none")
            .expected_text("lo up 65536 00:00:00:00:00:00 127.0.0.1/8")
            .got_text(net.trim_end())
            .hint("a new namespace's lo is born down: the request sets IFF_UP in the flags, and says in the change mask that it changes that flag")
            .output(&out)
            .section(UP)
            .fail();
    }
}

#[test]
fn bridge_gives_eth0_an_address_and_a_default_route() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let out = ran(&sb, &bip, &[], &[&sb.probe(), "net"]);
    let net = out.stdout.clone();
    let report = |what: &str, expected: String, hint: &str, section: Section| -> ! {
        Failure::new(format!(
            "{what}, in a container on the default network {prefix}0/24"
        ))
        .expected_text(expected)
        .got_text(net.trim_end())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail()
    };
    let Some(eth0) = interface(&net, "eth0") else {
        report(
            "eth0",
            "a link named eth0".into(),
            "the pair's peer is born in the container's namespace (IFLA_NET_NS_FD in the peer's own message), named eth0 there",
            PAIR,
        )
    };
    let words: Vec<&str> = eth0.split_whitespace().collect();
    let mac = format!(
        "02:42:0a:{}",
        prefix
            .trim_end_matches('.')
            .split('.')
            .skip(1)
            .chain(["2"])
            .map(|n| format!("{:02x}", n.parse::<u8>().unwrap()))
            .collect::<Vec<_>>()
            .join(":")
    );
    if words.get(3) != Some(&mac.as_str()) {
        report(
            "eth0's hardware address",
            format!("{mac} (02:42 and the bytes of its address, as docker's)"),
            "the peer's address (IFLA_ADDRESS) is given in the peer's message, with its name",
            PAIR,
        )
    }
    if words.get(1) != Some(&"up") {
        report(
            "eth0's state",
            "up".into(),
            "a link is born down: bring it up once it has its address",
            UP,
        )
    }
    let address = format!("{prefix}2/24");
    if words.get(4) != Some(&address.as_str()) {
        report(
            "eth0's address",
            address,
            "the first container gets the first address after the gateway's, with the subnet's prefix length",
            ADDRESS,
        )
    }
    let route = format!("route 0.0.0.0/0 {prefix}1 eth0");
    if !net.lines().any(|line| line == route) {
        report(
            "the default route",
            route,
            "the default route goes to 0.0.0.0/0 (a destination of no bits) through the gateway, the bridge's address, out of eth0",
            ROUTE,
        )
    }
}

/// Starts a container that answers one TCP connection on a random port with a random word;
/// returns its id, its address, the port and the word.
fn a_server(sb: &Sandbox, bip: &[String]) -> (String, String, String, String) {
    let port = random::number(2000, 60000).to_string();
    let word = random::word(12);
    let id = detached(sb, bip, &[], &[&sb.probe(), "serve", &port, &word]);
    let deadline = Instant::now() + PROMPT;
    while !sb
        .minidock(["logs", &id])
        .output()
        .stdout
        .contains("listening")
    {
        assert!(
            Instant::now() < deadline,
            "the server container never listened"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let address = address_of(sb, &id);
    (id, address, port, word)
}

#[test]
fn two_containers_reach_each_other() {
    let sb = Sandbox::new();
    let (bip, _) = network();
    let (_, address, port, word) = a_server(&sb, &bip);
    let out = ran(&sb, &bip, &[], &[&sb.probe(), "connect", &address, &port]);
    if out.stdout.trim_end() != word {
        Failure::new("a container connecting to another on the default network")
            .expected_text(format!("the server's word {word:?}, from {address}:{port}"))
            .got_text(out.stdout.trim_end())
            .hint("both host ends must be ports of the bridge (their master) and up, or frames stop at the host's end of each pair")
            .output(&out)
            .section(PLUG)
            .fail();
    }
}

#[test]
fn the_host_reaches_a_container() {
    let sb = Sandbox::new();
    let (bip, _) = network();
    let (_, address, port, word) = a_server(&sb, &bip);
    let out = sb
        .host_command(&sb.probe(), ["connect", &address, &port])
        .output();
    if out.stdout.trim_end() != word {
        Failure::new("the host connecting to a container, through the bridge's address")
            .expected_text(format!("the server's word {word:?}, from {address}:{port}"))
            .got_text(out.stdout.trim_end())
            .hint("the bridge, with the gateway's address, is the host's way onto the network: the container's host end must be plugged into it, and up")
            .output(&out)
            .section(PLUG)
            .fail();
    }
}

#[test]
fn the_host_keeps_its_network() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let id = detached(&sb, &bip, &[], &["sleep", "60"]);
    let host = host_network(&sb);
    let bridge = interface(&host, "minidock0").map(str::to_string);
    let veth = format!("veth{}", &id[..11]);
    let ok = bridge
        .as_deref()
        .is_some_and(|line| line.contains(" up ") && line.ends_with(&format!(" {prefix}1/24")))
        && interface(&host, &veth).is_some();
    if !ok {
        Failure::new("the host's side of a container's network")
            .expected_text(format!(
                "on the host: the bridge minidock0, up, with {prefix}1/24, and the container's end {veth}"
            ))
            .got_text(host.trim_end())
            .hint("minidock must be back in the host's namespace before it makes the bridge and the pair: unshare(2) moves it, and only setns(2) to the descriptor of its own namespace brings it back")
            .section(NAMESPACE)
            .fail();
    }
    let ports = sb
        .host_command("ip", ["-o", "link", "show", "master", "minidock0"])
        .output()
        .stdout;
    if !ports.contains(&format!("{veth}@")) {
        Failure::new("the ports of the bridge minidock0")
            .expected_text(format!("{veth}, the container's end"))
            .got_text(ports.trim_end())
            .hint("a link joins a bridge when the bridge becomes its master (IFLA_MASTER)")
            .section(PLUG)
            .fail();
    }
}

#[test]
fn container_mode_shares_the_namespace() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let name = random::name("web-");
    let id = detached(&sb, &bip, &["--name", &name], &["sleep", "60"]);
    let address = address_of(&sb, &id);
    let network_mode = format!("container:{name}");
    let out = ran(
        &sb,
        &bip,
        &["--network", &network_mode],
        &[&sb.probe(), "net"],
    );
    let eth0 = interface(&out.stdout, "eth0").unwrap_or("").to_string();
    if address.is_empty() || !eth0.ends_with(&format!(" {address}/24")) {
        Failure::new(format!("a container run with --network container:{name}"))
            .expected_text(format!(
                "eth0 with the address of {name}: {}",
                if address.is_empty() { format!("{prefix}2/24 (inspect shows none)") } else { format!("{address}/24") }
            ))
            .got_text(out.stdout.trim_end())
            .hint("joining another container's network is joining its namespace: it must have one of its own, with its eth0")
            .output(&out)
            .section(MODES)
            .fail();
    }
    // docker's refusals: what would have to change the other container's files, and a container
    // that does not run.
    let conflict = sb
        .minidock([
            "run",
            "--rm",
            "--network",
            &network_mode,
            "--hostname",
            "other",
            &sb.image(),
            "true",
        ])
        .output();
    if conflict.status != Some(125)
        || !conflict
            .stderr
            .contains("conflicting options: hostname and the network mode")
    {
        Failure::new("--hostname with --network container:NAME")
            .expected_text("exit status 125 and docker's message: conflicting options: hostname and the network mode")
            .got_text(conflict.ending())
            .output(&conflict)
            .section(MODES)
            .fail();
    }
    sb.minidock(["stop", "-t", "0", &name]).output();
    let stopped = sb
        .minidock([
            "run",
            "--rm",
            "--network",
            &network_mode,
            &sb.image(),
            "true",
        ])
        .output();
    let message = format!("cannot join network of a non running container: {id}");
    if stopped.status != Some(125) || !stopped.stderr.contains(&message) {
        Failure::new("--network container:NAME, NAME stopped")
            .expected_text(format!("exit status 125 and docker's message: {message}"))
            .got_text(stopped.ending())
            .output(&stopped)
            .section(MODES)
            .fail();
    }
}

#[test]
fn host_mode_sees_the_hosts_links() {
    let sb = Sandbox::new();
    let host_link = a_host_link(&sb);
    let on_host = ran(&sb, &[], &["--network", "host"], &[&sb.probe(), "net"]);
    if on_host.stdout != host_network(&sb) {
        Failure::new("a container run with --network host")
            .expected_text(format!("the host's links, {host_link} among them"))
            .got_text(on_host.stdout.trim_end())
            .hint("with --network host, the container stays in minidock's own namespace")
            .output(&on_host)
            .section(MODES)
            .fail();
    }
    let own = ran(&sb, &[], &[], &[&sb.probe(), "net"]);
    if interface(&own.stdout, &host_link).is_some() {
        Failure::new("a container on the default network")
            .expected_text(format!("its own links, not the host's {host_link}"))
            .got_text(own.stdout.trim_end())
            .hint("a container on a network of its own is in a new network namespace, made before its first process and joined by it")
            .output(&own)
            .section(NAMESPACE)
            .fail();
    }
}

#[test]
fn addresses_are_handed_out_lowest_first() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let ids: Vec<String> = (0..3)
        .map(|_| detached(&sb, &bip, &[], &["sleep", "60"]))
        .collect();
    let got: Vec<String> = ids.iter().map(|id| address_of(&sb, id)).collect();
    let expected: Vec<String> = (2..5).map(|n| format!("{prefix}{n}")).collect();
    if got != expected {
        Failure::new(format!("the addresses of three containers started one after the other, on {prefix}0/24 with the gateway {prefix}1"))
            .expected(&expected)
            .got(&got)
            .hint("the lowest free address of the subnet, skipping the subnet's own address (.0), the gateway's (the bridge's), and those leased")
            .section(ALLOCATE)
            .fail();
    }
    // The second goes: its address is free again, and the next container gets it.
    sb.minidock(["rm", "-f", &ids[1]]).output();
    let next = detached(&sb, &bip, &[], &["sleep", "60"]);
    let again = address_of(&sb, &next);
    if again != expected[1] {
        Failure::new("the address of a container started after another was removed")
            .expected_text(format!("{}, the removed container's, the lowest free again", expected[1]))
            .got_text(&again)
            .hint("a container's address goes back to its network when it ends, and the lowest free one is handed out next, as docker's default bridge does")
            .section(ALLOCATE)
            .fail();
    }
}

#[test]
fn a_full_network_refuses_one_more() {
    let sb = Sandbox::new();
    // A /30 has four addresses: the subnet's own, the gateway, one host, the broadcast.
    let base = random::number(1, 60) * 4;
    let prefix = format!("10.{}.{}.", random::number(1, 250), random::number(1, 250));
    let bip = vec!["--bip".to_string(), format!("{prefix}{}/30", base + 1)];
    let first = detached(&sb, &bip, &[], &["sleep", "60"]);
    let host = format!("{prefix}{}", base + 2);
    if address_of(&sb, &first) != host {
        Failure::new(format!(
            "the address of the one container a /30 network holds ({prefix}{base}/30)"
        ))
        .expected_text(&host)
        .got_text(address_of(&sb, &first))
        .section(ALLOCATE)
        .fail();
    }
    let before = sb.state_entries().len();
    let mut words = bip.clone();
    words.extend([
        "run".into(),
        "-d".into(),
        sb.image(),
        "sleep".into(),
        "60".into(),
    ]);
    let out = sb.minidock(&words).timeout(PROMPT).output();
    if out.status != Some(125)
        || !out
            .stderr
            .contains("no available IPv4 addresses on this network's address pools: bridge (")
    {
        Failure::new(format!("one more container on the full network {prefix}{base}/30"))
            .expected_text("exit status 125, and docker's message: no available IPv4 addresses on this network's address pools: bridge (ID)")
            .got_text(out.ending())
            .hint("the broadcast address, the subnet's last, is no host's: a network whose every other address is taken has none left")
            .output(&out)
            .section(ALLOCATE)
            .fail();
    }
    let veths = host_veths(&sb);
    if sb.state_entries().len() != before || veths.len() != 1 {
        Failure::new("what a run refused for want of an address leaves")
            .expected_text(
                "nothing: the store as it was, one pair on the host (the first container's)",
            )
            .got_text(format!("pairs on the host: {veths:?}"))
            .section(LEFT)
            .fail();
    }
}

#[test]
fn parallel_runs_get_distinct_addresses() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let ids: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| detached(&sb, &bip, &[], &["sleep", "60"])))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).collect()
    });
    let addresses: Vec<String> = ids.iter().map(|id| address_of(&sb, id)).collect();
    let distinct: BTreeSet<&String> = addresses.iter().collect();
    let in_subnet = addresses.iter().all(|a| {
        a.strip_prefix(&prefix)
            .and_then(|n| n.parse::<u8>().ok())
            .is_some_and(|n| (2..=254).contains(&n))
    });
    if distinct.len() != 20 || !in_subnet {
        Failure::new(format!(
            "the addresses of 20 containers started at once on {prefix}0/24"
        ))
        .expected_text("20 different host addresses of the subnet, none the gateway's")
        .got(&addresses)
        .hint("an address is chosen and written as leased in one step, under the network's lock")
        .section(ALLOCATE)
        .fail();
    }
}

#[test]
fn nothing_is_left_after_rm() {
    let sb = Sandbox::new();
    let (bip, _) = network();
    let id = detached(&sb, &bip, &[], &["sleep", "60"]);
    let veth = format!("veth{}", &id[..11]);
    let address = address_of(&sb, &id);
    if !host_veths(&sb).contains(&veth) || address.is_empty() || !leases(&sb).contains(&address) {
        Failure::new("a running container's network")
            .expected_text(format!(
                "its end {veth} on the host, an address, and its lease"
            ))
            .got_text(format!(
                "pairs {:?}, address {address:?}, leases {}",
                host_veths(&sb),
                leases(&sb)
            ))
            .section(PAIR)
            .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
    let left = host_veths_settled(&sb, 0);
    if !left.is_empty() || leases(&sb).contains(&address) {
        Failure::new("what a removed container leaves of its network")
            .expected_text("no pair on the host, no lease")
            .got_text(format!("pairs {left:?}, leases {}", leases(&sb)))
            .hint("when a container ends, its address is given back before its state says it has exited, and minidock lets go of its namespace: the kernel then tears it down, with the pair")
            .section(LEFT)
            .fail();
    }
}

#[test]
fn nothing_is_left_after_kill_9() {
    let sb = Sandbox::new();
    let (bip, _) = network();
    let id = detached(&sb, &bip, &[], &["sleep", "60"]);
    let address = address_of(&sb, &id);
    if address.is_empty() || !leases(&sb).contains(&address) {
        Failure::new("a running container's lease")
            .expected_text("an address, leased in networks/bridge/leases.json")
            .got_text(format!("address {address:?}, leases {}", leases(&sb)))
            .section(ALLOCATE)
            .fail();
    }
    // Its monitor, killed: nobody releases anything; the next command sweeps.
    for pid in sb.monitors() {
        // SAFETY: kill(2) of a process of this sandbox's.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let deadline = Instant::now() + PROMPT;
    while !sb.monitors().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let ps = sb.minidock(["ps", "-a"]).output();
    let left = host_veths_settled(&sb, 0);
    if !left.is_empty() || leases(&sb).contains(&address) {
        Failure::new("what a container whose monitor was killed leaves, once `ps -a` has run")
            .expected_text("no pair on the host, no lease")
            .got_text(format!("pairs {left:?}, leases {}", leases(&sb)))
            .hint("a lease names the process that holds it; one whose holder is gone is taken back, with its pair, by the next command that looks")
            .output(&ps)
            .section(LEFT)
            .fail();
    }
}

#[test]
fn loopback_name_servers_are_left_out() {
    let sb = Sandbox::new();
    let server = format!(
        "10.{}.{}.{}",
        random::number(1, 250),
        random::number(1, 250),
        random::number(1, 250)
    );
    let local = format!(
        "127.{}.{}.{}",
        random::number(0, 250),
        random::number(0, 250),
        random::number(1, 250)
    );
    let domain = format!("{}.example", random::word(8));
    let ndots = random::number(1, 9);
    let host_file = format!(
        "# the host's\nsearch {domain}\nnameserver 127.0.0.53\nnameserver {server}\nnameserver ::1\nnameserver {local}\noptions ndots:{ndots}\n"
    );
    let expected =
        format!("# the host's\nsearch {domain}\nnameserver {server}\noptions ndots:{ndots}\n");
    let resolv = |text: &str| {
        // The test's host gets its own /etc/resolv.conf, in its own mount namespace.
        let file = sb.host_path(&random::name("resolv-"));
        std::fs::write(&file, text).unwrap();
        let bound = sb
            .host_command(
                "mount",
                ["--bind", &file.display().to_string(), "/etc/resolv.conf"],
            )
            .output();
        assert_eq!(bound.status, Some(0), "{}", bound.describe());
        ran(&sb, &[], &[], &["cat", "/etc/resolv.conf"])
    };
    let out = resolv(&host_file);
    if out.stdout != expected {
        Failure::new("the container's /etc/resolv.conf, from the host's")
            .expected_text(expected.escape_debug())
            .got_text(out.stdout.escape_debug())
            .note("host's", host_file.escape_debug())
            .hint("a name server on the host's loopback (all of 127.0.0.0/8, and ::1) cannot be reached from the container's namespace, whose loopback is its own: only those lines go")
            .output(&out)
            .section(RESOLVER)
            .fail();
    }
    let only_local = format!("nameserver {local}\nnameserver ::1\n");
    let out = resolv(&only_local);
    let fallback = "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
    if out.stdout != fallback {
        Failure::new("the container's /etc/resolv.conf, when the host names only loopback servers")
            .expected_text(fallback.escape_debug())
            .got_text(out.stdout.escape_debug())
            .hint("with no name server left, docker's fallbacks take their place")
            .output(&out)
            .section(RESOLVER)
            .fail();
    }
}

#[test]
fn the_resolver_files_are_the_containers() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let hostname = random::name("box-");
    let extra = format!("{}.example", random::word(8));
    let extra_ip = format!("192.0.2.{}", random::number(1, 250));
    let dns = format!("198.51.100.{}", random::number(1, 250));
    let search = format!("{}.example", random::word(8));
    let option = format!("ndots:{}", random::number(1, 9));
    let add_host = format!("{extra}:{extra_ip}");
    let out = ran(
        &sb,
        &bip,
        &[
            "--hostname",
            &hostname,
            "--add-host",
            &add_host,
            "--dns",
            &dns,
            "--dns-search",
            &search,
            "--dns-option",
            &option,
        ],
        &[
            "sh",
            "-c",
            "cat /etc/hostname; echo --; cat /etc/hosts; echo --; cat /etc/resolv.conf",
        ],
    );
    let expected = format!(
        "{hostname}\n--\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n{extra_ip}\t{extra}\n{prefix}2\t{hostname}\n--\nsearch {search}\nnameserver {dns}\noptions {option}\n"
    );
    if out.stdout != expected {
        Failure::new("the container's /etc/hostname, /etc/hosts and /etc/resolv.conf")
            .expected_text(expected.escape_debug())
            .got_text(out.stdout.escape_debug())
            .hint("the three files are written for the container in its state directory, with its name and its address, and bound over the image's")
            .output(&out)
            .section(NAMES)
            .fail();
    }
}

#[test]
fn inspect_shows_the_network_settings() {
    let sb = Sandbox::new();
    let (bip, prefix) = network();
    let id = detached(&sb, &bip, &[], &[&sb.probe(), "serve", "80", "x"]);
    let template = "{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}}/{{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.MacAddress}} {{.NetworkSettings.Networks.bridge.IPAddress}}";
    let got = inspect(&sb, template, &id);
    let inside = sb
        .minidock(["exec", &id, &sb.probe(), "net"])
        .output()
        .stdout;
    let eth0: Vec<String> = interface(&inside, "eth0")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let (mac, address) = (
        eth0.get(3).cloned().unwrap_or_default(),
        eth0.get(4).cloned().unwrap_or_default(),
    );
    let ip = address.split('/').next().unwrap_or("").to_string();
    let expected = format!("default {address} {prefix}1 {mac} {ip}");
    if address.is_empty() || got != expected {
        Failure::new("inspect's network settings of a running container")
            .expected_text(format!("{template} = {expected}"))
            .got_text(&got)
            .note("eth0", eth0.join(" "))
            .section(HANDING_OUT)
            .fail();
    }
    sb.minidock(["stop", "-t", "0", &id]).output();
    let stopped = inspect(&sb, "[{{.NetworkSettings.IPAddress}}]", &id);
    if stopped != "[]" {
        Failure::new("inspect's address of a stopped container")
            .expected_text("[] (none: the address went back to the network when it stopped)")
            .got_text(&stopped)
            .section(LEFT)
            .fail();
    }
}
