//! The host's firewall rules that take containers' traffic out and let published ports in:
//! network address translation (NAT), in the kernel's netfilter.
//!
//! ```text
//!                     a packet arrives                         a program of the host's sends
//!                          │                                           │
//!     PREROUTING  (nat) ── DNAT: to a published port? ───┐    OUTPUT (nat) ── DNAT, the same
//!                          │      rewrite the destination │              │
//!                  routing decision ◄────────────────────┘     routing decision
//!                   │             │                                     │
//!        for the host: INPUT    FORWARD (a container's, either way)     │
//!                                 │                                     │
//!     POSTROUTING (nat) ── MASQUERADE: from a network's subnet, leaving by another interface?
//!                          │      rewrite the source to the host's address there
//!                       out it goes
//! ```
//!
//! conntrack remembers each connection's translation and undoes it on the replies: one rule
//! rewrites the first packet, the kernel the rest.
//!
//! minidock's rules are a function of its store: every network's subnet and bridge, every
//! running container's published ports (in its network's leases). Whatever changes them (a
//! network made, a container with ports started or ended, a killed one swept) renders them all
//! again and replaces the old ones in one transaction of the driver's tool: no packet ever sees
//! half of them, and nothing is left of a container that is gone. Two drivers write them:
//!
//! - `nftables` (the default): a table of minidock's own, `ip minidock`, applied with `nft -f -`,
//!   as Docker 29's nftables backend and podman's netavark do;
//! - `iptables`: chains of minidock's own in the kernel's `nat` table (MINIDOCK, as Docker's
//!   DOCKER), applied with `iptables-restore --noflush`, for hosts where iptables rules.

mod iptables;
mod libnftables;
mod nftables;

use std::fs::File;
use std::io::Write;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use nix::fcntl::{Flock, FlockArg};

use super::ports::Bound;
use super::subnet::Subnet;
use super::{ipam, store, Alive, Error, Result};
use crate::sys;

/// Which tool writes the rules (`--firewall-driver`, `MINIDOCK_FIREWALL_DRIVER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    Nftables,
    Iptables,
}

impl Driver {
    pub fn name(self) -> &'static str {
        match self {
            Driver::Nftables => "nftables",
            Driver::Iptables => "iptables",
        }
    }

    fn from_name(name: &str) -> Option<Driver> {
        [Driver::Nftables, Driver::Iptables]
            .into_iter()
            .find(|driver| driver.name() == name.trim())
    }

    fn firewall(self) -> &'static dyn Firewall {
        match self {
            Driver::Nftables => &nftables::Nftables,
            Driver::Iptables => &iptables::Iptables,
        }
    }
}

/// What one driver does: the same rules, in its tool's words.
trait Firewall {
    /// Each of minidock's rules, as one line of its tool's input that adds it, with the table
    /// it is in (for a tool whose input names tables apart).
    fn lines(&self, rules: &Rules) -> Vec<Line>;
    /// The whole of minidock's rules as its tool's input: its tables and chains, emptied, then
    /// `lines`. They replace whatever minidock had.
    fn render(&self, lines: &[Line]) -> Result<String>;
    /// The input that adds `lines` to the rules there are.
    fn append(&self, lines: &[Line]) -> String;
    /// What removes all of them, for a driver given up for the other.
    fn clear(&self) -> Result<String>;
    /// Its tool and arguments, which read the input on stdin and apply it in one transaction.
    fn tool(&self) -> (&'static str, &'static [&'static str]);
    /// What applies the input in minidock's own process instead, with the tool's library, if
    /// the driver has one and the host has it.
    fn library(&self) -> Option<Library> {
        None
    }
}

/// A library's call that applies a tool's input: its name, and the function.
pub struct Library {
    call: &'static str,
    apply: fn(&str) -> std::result::Result<(), String>,
}

/// One rule, as the line of a tool's input that adds it, and the table it goes in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Line {
    pub table: String,
    pub text: String,
}

/// What the last writer of the rules wrote: its driver, and every rule.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Written {
    driver: String,
    lines: Vec<Line>,
}

/// A network, as its rules need it.
pub struct NetworkRules {
    pub name: String,
    pub bridge: String,
    pub subnet: Subnet,
}

/// A published port of a running container.
pub struct PortRule {
    /// The container's id.
    pub container: String,
    /// The bridge its network is on, and its address there.
    pub bridge: String,
    pub address: Ipv4Addr,
    pub port: Bound,
}

/// Everything minidock's rules say.
#[derive(Default)]
pub struct Rules {
    pub networks: Vec<NetworkRules>,
    pub ports: Vec<PortRule>,
}

/// The driver this process was told to use, if it was.
static CHOSEN: OnceLock<Driver> = OnceLock::new();

/// Takes `--firewall-driver`: from now on this process writes its rules with `driver`.
pub fn choose(driver: Driver) {
    let _ = CHOSEN.set(driver);
}

/// Renders every rule from the store under `root` and applies them: only the new ones if they
/// only add to what was written last, or else all of them, replacing the old. With the driver
/// chosen (`--firewall-driver`, or `MINIDOCK_FIREWALL_DRIVER`, which a monitor inherits), or else
/// with the one that wrote the rules last, or nftables. Leases whose holders are gone are left
/// out.
pub fn apply(root: &Path, alive: Alive) -> Result<()> {
    write(root, alive, false)
}

/// The same, writing every rule whatever was written before: for a bridge made (again, after a
/// reboot: its rules went with the kernel's state, though the store remembers them).
pub fn rewrite(root: &Path, alive: Alive) -> Result<()> {
    write(root, alive, true)
}

fn write(root: &Path, alive: Alive, whole: bool) -> Result<()> {
    let networks = store::networks_dir(root);
    // One process at a time renders and applies: the last one to do so has read every lease
    // written before it took the lock, so its rules are complete.
    let _locked = lock(&networks)?;
    let record = networks.join("firewall.json");
    let written: Written = store::read_json(&record)?.unwrap_or_default();
    let last = Driver::from_name(&written.driver);
    // A monitor does not read the command line: it was told by its environment.
    let told = std::env::var("MINIDOCK_FIREWALL_DRIVER").ok();
    let driver = CHOSEN
        .get()
        .copied()
        .or_else(|| told.as_deref().and_then(Driver::from_name))
        .or(last)
        .unwrap_or(Driver::Nftables);
    // The other driver's rules go first, if it wrote the last ones.
    if let Some(last) = last.filter(|last| *last != driver) {
        run(last.firewall(), &last.firewall().clear()?)?;
    }
    let firewall = driver.firewall();
    let lines = firewall.lines(&gather(root, alive)?);
    // Taking a rule away costs the kernel a wait for every CPU to let go of it (some 10 ms
    // here); adding one does not. What only adds to the rules written last adds, and only
    // what is new; anything else renders them all again. A tool that finds the rules otherwise
    // than written (someone flushed them) fails its additions: then too.
    let kept =
        !whole && last == Some(driver) && written.lines.iter().all(|line| lines.contains(line));
    let added: Vec<Line> = lines
        .iter()
        .filter(|line| !written.lines.contains(line))
        .cloned()
        .collect();
    let appended = kept && (added.is_empty() || run(firewall, &firewall.append(&added)).is_ok());
    if !appended {
        run(firewall, &firewall.render(&lines)?)?;
    }
    store::write_json(
        &record,
        &Written {
            driver: driver.name().to_string(),
            lines,
        },
    )
}

/// The rules the store says: each network's, and the published ports of the leases whose
/// holders still run.
fn gather(root: &Path, alive: Alive) -> Result<Rules> {
    let mut rules = Rules::default();
    // A macvlan network's containers are on the parent's segment, as the host is: nothing of
    // theirs passes the host's routing, nor its rules.
    for network in store::all(root)?.into_iter().filter(|n| n.parent.is_none()) {
        let leases = ipam::read(&store::dir(root, &network.name).join("leases.json"))?;
        for (address, lease) in &leases {
            if !alive(&lease.holder) {
                continue;
            }
            for port in &lease.ports {
                rules.ports.push(PortRule {
                    container: lease.container.clone(),
                    bridge: network.bridge.clone(),
                    address: *address,
                    port: *port,
                });
            }
        }
        rules.networks.push(NetworkRules {
            name: network.name,
            bridge: network.bridge,
            subnet: network.subnet,
        });
    }
    Ok(rules)
}

/// Takes the firewall's lock, in the directory of the networks.
fn lock(networks: &Path) -> Result<Flock<File>> {
    std::fs::create_dir_all(networks).map_err(|e| Error::store(networks, e.to_string()))?;
    let path = networks.join("firewall.lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::store(&path, e.to_string()))?;
    Flock::lock(file, FlockArg::LockExclusive)
        .map_err(|(_, errno)| Error::store(&path, sys::describe(errno)))
}

/// Runs the driver's tool with `input` on its standard input.
fn run(firewall: &dyn Firewall, input: &str) -> Result<()> {
    let (program, args) = firewall.tool();
    let shell = format!("{program} {}", args.join(" "));
    if let Some(library) = firewall.library() {
        sys::narrate_input(library.call, &shell, input);
        return (library.apply)(input).map_err(|reason| Error::Firewall {
            command: library.call.to_string(),
            reason: format!("{}\n{input}", reason.trim_end()),
        });
    }
    sys::narrate_input(&shell, "", input);
    let failed = |reason: String| Error::Firewall {
        command: shell.clone(),
        reason,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            failed(match e.kind() {
                std::io::ErrorKind::NotFound => {
                    format!("{program} is not installed (apt install nftables iptables)")
                }
                _ => e.to_string(),
            })
        })?;
    let written = child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes());
    let output = child
        .wait_with_output()
        .map_err(|e| failed(e.to_string()))?;
    if !output.status.success() || written.is_err() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(failed(format!("{}\n{input}", stderr.trim_end())));
    }
    Ok(())
}

/// Lets the host route for the bridge `bridge`: between its interfaces at all (the network's
/// traffic out, published ports' in), and from its loopback addresses to the bridge (127.0.0.1
/// rewritten to a container's address by a published port's rule). The kernel's defaults refuse
/// both.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn forward(bridge: &str) -> Result<()> {
    // TODO(chapter 9): Let the host route
    //   (the book: chapter 9, "Let the host route")
    // Turn on IPv4 forwarding, and routing from 127.0.0.0/8 on the bridge: two files of
    // /proc/sys (see "Let the host route").
    Ok(())
}
