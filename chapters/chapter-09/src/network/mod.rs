//! The container's network, in the three parts of Docker's Container Network Model (CNM), as
//! libnetwork names them:
//!
//! ```text
//!   sandbox    the container's network stack: its namespace, its interfaces, routes and
//!              resolver files                                          (`Sandbox`)
//!   endpoint   one interface of a sandbox on one network: here a veth pair, an address, a
//!              route                                                   (`Endpoint`)
//!   network    endpoints that reach each other directly: here a Linux bridge with a subnet,
//!              and its addresses                                       (`store::Network`)
//!
//!           host (minidock's network namespace)
//!   ┌────────────────────────────────────────────────────────────┐
//!   │    minidock0  172.17.0.1/16   (the bridge: the network)    │
//!   │       │                  │                                 │
//!   │   veth1a2b3c4        veth5d6e7f8      (host ends, ports)   │
//!   └───────┼──────────────────┼─────────────────────────────────┘
//!     ┌─────┼──────┐     ┌─────┼──────┐
//!     │   eth0     │     │   eth0     │    container ends (endpoints)
//!     │ 172.17.0.2 │     │ 172.17.0.3 │    default via 172.17.0.1
//!     │ lo         │     │ lo         │
//!     └────────────┘     └────────────┘    network namespaces (sandboxes)
//! ```
//!
//! `--network none` is a sandbox with no endpoint; `host` is no sandbox at all, the host's own
//! stack; `container:NAME` is another container's sandbox, shared.

mod bridge;
mod connect;
mod endpoint;
pub mod files;
pub mod firewall;
mod interface;
pub mod ipam;
mod macvlan;
pub mod pool;
pub mod ports;
pub mod store;
pub mod subnet;
pub mod user;
mod veth;

use std::net::Ipv4Addr;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::network::Mode;
use crate::config::Config;
use crate::namespaces::net::NetNamespace;
use crate::rootfs::binds::{self, Bind};
use crate::sys::{self, Message, Netlink};
pub use connect::{connect, disconnect};
use endpoint::Endpoint;
use endpoint::Plug;
use ipam::Holder;

/// Whether the process that holds a lease still runs (the container layer knows how to tell).
pub type Alive = fn(&Holder) -> bool;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("setting up the container's network")]
    Sys(#[from] sys::Error),
    #[error("network store {path:?}: {reason}")]
    Store { path: PathBuf, reason: String },
    #[error("{0}")]
    Invalid(String),
    #[error("no available IPv4 addresses on this network's address pools: {network} ({id})")]
    Full { network: String, id: String },
    #[error("writing the container's {file}: {reason}")]
    File { file: &'static str, reason: String },
    #[error("Bind for {0} failed: port is already allocated")]
    PortTaken(String),
    #[error("driver failed programming external connectivity on endpoint {endpoint} ({id})")]
    Connectivity {
        endpoint: String,
        id: String,
        #[source]
        source: Box<Error>,
    },
    #[error("applying the firewall's rules ({command}): {reason}")]
    Firewall { command: String, reason: String },
    #[error("network {0} not found")]
    NotFound(String),
    #[error("stacking {name} on the parent {parent}")]
    Stack {
        name: String,
        parent: String,
        #[source]
        source: sys::Error,
    },
}

impl Error {
    fn store(path: &Path, reason: String) -> Error {
        Error::Store {
            path: path.to_path_buf(),
            reason,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Another container whose network namespace this one joins (`--network container:NAME`).
pub struct Joined {
    /// Its first process, in the namespace.
    pub pid: i32,
    /// Its state directory, with the resolver files it shares.
    pub dir: PathBuf,
}

/// What a container is attached to, as its state records it for `inspect`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The network, by name (`bridge`, `none`, `host`).
    pub network: String,
    pub network_id: String,
    pub endpoint_id: String,
    /// Its address, prefix, gateway and hardware address: empty without an endpoint.
    pub address: String,
    pub prefix: u8,
    pub gateway: String,
    pub mac: String,
    /// Where its network namespace can be reached while it runs.
    pub sandbox_key: String,
    /// The ports it publishes, as the host has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ports::Bound>,
}

/// The container's network stack, from `prepare` until it has ended.
pub struct Sandbox {
    /// Its namespace, held until the first process has joined it and beyond: `None` with
    /// the host's network.
    namespace: Option<NetNamespace>,
    /// Its interface on the bridge, if it has one.
    endpoint: Option<Endpoint>,
    attachment: Option<Attachment>,
    /// The resolver files, bind-mounted over the image's.
    binds: Vec<Bind>,
    /// The state root, and the container's id: what it is connected to is given back with it.
    root: PathBuf,
    container: String,
    /// Its endpoints on the networks it is connected to besides its first (eth1...).
    connected: Vec<Attachment>,
}

impl Sandbox {
    /// Makes the network stack of the container `config` describes, whose state directory is
    /// `dir`: its namespace, its endpoint, its files. Its address is leased to this process,
    /// which holds the container; `alive` tells a lease whose holder was killed.
    pub fn create(
        root: &Path,
        dir: &Path,
        config: &Config,
        joined: Option<Joined>,
        alive: Alive,
    ) -> Result<Sandbox> {
        let network = &config.network;
        let mut sandbox = Sandbox {
            namespace: None,
            endpoint: None,
            attachment: None,
            binds: Vec::new(),
            root: root.to_path_buf(),
            container: config.id.clone(),
            connected: Vec::new(),
        };
        if let Some(joined) = joined {
            // Another container's stack, its files included. It is told: if it ends first, its
            // pair must go at once, or this container would keep an address given back.
            let this = this_process();
            let line = format!("{} {}\n", this.pid, this.start);
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(joined.dir.join(JOINED_BY))
                .and_then(|mut file| std::io::Write::write_all(&mut file, line.as_bytes()))
                .map_err(|e| Error::File {
                    file: JOINED_BY,
                    reason: sys::describe(sys::errno_of(e)),
                })?;
            sandbox.namespace = Some(NetNamespace::of_process(joined.pid)?);
            sandbox.binds = binds::resolver_files(&joined.dir);
            return Ok(sandbox);
        }
        let own = NetNamespace::own()?;
        let mut address = None;
        match network.mode {
            Mode::Host => {}
            Mode::Container(ref name) => {
                return Err(Error::Invalid(format!(
                    "cannot join network of a non running container: {name}"
                )))
            }
            // Every other mode: a namespace of the container's own.
            _ => {
                let namespace = NetNamespace::create(&own)?;
                // A namespace that is minidock's own gets nothing of a container's: the host's
                // links, addresses and routes are not the container's to change.
                if !same_namespace(&namespace, &own) {
                    // One socket inside, for every request there.
                    let mut inside = Netlink::open_in(
                        namespace.as_fd(),
                        &namespace.path,
                        own.as_fd(),
                        &own.path,
                    )?;
                    bring_up_lo(&mut inside)?;
                    if network.mode.has_endpoint() {
                        let endpoint =
                            Endpoint::create(root, dir, config, &namespace, &mut inside, alive)?;
                        address = Some(endpoint.0.address);
                        sandbox.attachment = Some(endpoint.1);
                        sandbox.endpoint = Some(endpoint.0);
                        // The networks it was connected to besides, in order: eth1, eth2...
                        for (n, connection) in network.connected.iter().enumerate() {
                            let other = store::find(root, &connection.network)?;
                            let plug = Plug {
                                container: &config.id,
                                dir,
                                name: format!("eth{}", n + 1),
                                host_end: veth::connected_name(&config.id, n + 1),
                                route: false,
                                holder: this_process(),
                                wanted: connection.ip,
                            };
                            let (endpoint, attachment) = Endpoint::plug(
                                root,
                                &other,
                                &plug,
                                &namespace,
                                &mut inside,
                                alive,
                            )?;
                            endpoint.keep();
                            sandbox.connected.push(attachment);
                        }
                    }
                }
                sandbox.attachment.get_or_insert_with(|| Attachment {
                    network: network.mode.network().unwrap_or_default().to_string(),
                    sandbox_key: namespace.path.display().to_string(),
                    ..Attachment::default()
                });
                sandbox.namespace = Some(namespace);
            }
        }
        if network.mode == Mode::Host {
            sandbox.attachment = Some(Attachment {
                network: "host".into(),
                ..Attachment::default()
            });
        }
        write_files(dir, config, address)?;
        for attachment in &sandbox.connected {
            files::add_host(dir, &attachment.address, &config.hostname)?;
        }
        sandbox.binds = binds::resolver_files(dir);
        Ok(sandbox)
    }

    /// The namespace the container's first process joins, if not minidock's own.
    pub fn namespace(&self) -> Option<&NetNamespace> {
        self.namespace.as_ref()
    }

    /// The bind mounts of the resolver files.
    pub fn binds(&self) -> &[Bind] {
        &self.binds
    }

    /// What `inspect` shows of it.
    pub fn attachment(&self) -> Option<&Attachment> {
        self.attachment.as_ref()
    }

    /// What `inspect` shows of its endpoints on the networks it is connected to besides.
    pub fn connected(&self) -> &[Attachment] {
        &self.connected
    }
}

impl Drop for Sandbox {
    /// Gives back what the container was connected to besides its first network, at start or
    /// since (`network connect`): every lease of the container's that this process holds.
    fn drop(&mut self) {
        // A namespace of its own only: a joined one is another container's.
        let own = self.endpoint.as_ref().and(self.namespace.as_ref());
        connect::release_held(&self.root, &self.container, &this_process(), own);
    }
}

/// Whether two namespace files are the same namespace: the same inode of the nsfs.
fn same_namespace(a: &NetNamespace, b: &NetNamespace) -> bool {
    let (Ok(a), Ok(b)) = (
        nix::sys::stat::fstat(a.as_fd()),
        nix::sys::stat::fstat(b.as_fd()),
    ) else {
        return false;
    };
    (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)
}

/// Brings up the loopback interface of a new namespace: it is born down, and a program that
/// talks to itself on 127.0.0.1 would find nobody.
fn bring_up_lo(inside: &mut Netlink) -> Result<()> {
    let lo = link_index(inside, "lo")?;
    inside.request(Message::SetLink(interface::up(lo)), "ip link set lo up")?;
    Ok(())
}

/// The index of the link `name`.
fn link_index(netlink: &mut Netlink, name: &str) -> sys::Result<u32> {
    netlink
        .link(name)?
        .map(|link| link.header.index)
        .ok_or_else(|| sys::Error::Failed {
            call: format!("RTM_GETLINK {name:?}"),
            errno: nix::errno::Errno::ENODEV,
        })
}

/// Whether a lease whose holder is gone has published ports: their rules go when it is swept.
fn published_by_the_gone(leases: &ipam::Leases, alive: Alive) -> bool {
    leases
        .values()
        .any(|lease| !lease.ports.is_empty() && !alive(&lease.holder))
}

/// Takes back the leases whose holder is gone, and deletes what is left of their pairs.
fn sweep_leases(leases: &mut ipam::Leases, alive: Alive, host: &mut Netlink) {
    leases.retain(|_, lease| {
        let keep = alive(&lease.holder);
        if !keep {
            let _ = interface::delete(host, &lease.host_end());
        }
        keep
    });
}

/// Takes back what killed holders left on the default network (from chapter 9, on every
/// network): their leases, and their pairs. Every command that lists or removes containers
/// calls it.
pub fn sweep(root: &Path, alive: Alive) {
    sweep_network(&store::dir(root, store::DEFAULT), alive);
    for network in store::all(root).unwrap_or_default() {
        if network.name != store::DEFAULT {
            sweep_network(&store::dir(root, &network.name), alive);
        }
    }
}

/// The same, on the network whose directory is `network_dir`.
fn sweep_network(network_dir: &Path, alive: Alive) {
    let file = network_dir.join("leases.json");
    // A look without the lock first: nearly always, nothing is stale.
    let stale = |leases: &ipam::Leases| leases.values().any(|lease| !alive(&lease.holder));
    if !ipam::read(&file).is_ok_and(|leases| stale(&leases)) {
        return;
    }
    let Ok(_locked) = store::lock(network_dir) else {
        return;
    };
    let (Ok(mut leases), Ok(mut host)) = (ipam::read(&file), Netlink::open()) else {
        return;
    };
    let had_ports = published_by_the_gone(&leases, alive);
    sweep_leases(&mut leases, alive, &mut host);
    let _ = ipam::write(&file, &leases);
    if had_ports {
        let _ = firewall::apply(&store::root_of(network_dir), alive);
    }
}

/// The file, in a container's state directory, where containers that join its network namespace
/// write their holders, one `PID START` per line.
const JOINED_BY: &str = "joined-by";

/// This process, as a lease's holder.
fn this_process() -> Holder {
    let pid = std::process::id() as i32;
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let start = stat
        .rfind(')')
        .and_then(|end| stat[end + 1..].split_whitespace().nth(19))
        .and_then(|start| start.parse().ok())
        .unwrap_or(0);
    Holder { pid, start }
}

/// Writes the container's resolver files into its state directory `dir`.
fn write_files(dir: &Path, config: &Config, address: Option<Ipv4Addr>) -> Result<()> {
    let network = &config.network;
    let (hosts, resolv) = match network.mode {
        // The host's own files: its names, and its resolver as it is, which works from the
        // host's namespace.
        Mode::Host => {
            let mut hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
            hosts.push_str(&files::extra_hosts(network));
            (hosts, files::host_resolv_conf())
        }
        _ => (
            files::hosts(network, &config.hostname, address),
            files::resolv_conf(&files::host_resolv_conf(), network),
        ),
    };
    let hostname = format!("{}\n", config.hostname);
    for (file, text) in [
        ("hostname", hostname),
        ("hosts", hosts),
        ("resolv.conf", resolv),
    ] {
        std::fs::write(dir.join(file), text).map_err(|e| Error::File {
            file,
            reason: sys::describe(sys::errno_of(e)),
        })?;
    }
    Ok(())
}
