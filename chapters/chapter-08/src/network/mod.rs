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
pub mod files;
mod interface;
pub mod ipam;
pub mod pool;
pub mod store;
pub mod subnet;
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
}

/// A veth pair and an address leased for it: the address given back when dropped.
struct Endpoint {
    network_dir: PathBuf,
    host_end: String,
    address: Ipv4Addr,
    container: String,
    /// The file where containers that join this one's namespace say so.
    joined_by: PathBuf,
    alive: Alive,
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

/// Where an endpoint goes, and for whom.
struct Plug<'a> {
    /// The container's id, and its state directory.
    container: &'a str,
    dir: &'a Path,
    /// Its interface's name in the container's namespace: `eth0` (chapter 9: `eth1`... for the
    /// networks it is connected to besides).
    name: String,
    /// The name of its pair's end on the host.
    host_end: String,
    /// Whether the container's default route goes through it.
    route: bool,
    /// The process that holds its lease, as long as it runs.
    holder: Holder,
}

impl Endpoint {
    /// Leases an address on the container's network and builds its interface there, `eth0`.
    fn create(
        root: &Path,
        dir: &Path,
        config: &Config,
        namespace: &NetNamespace,
        inside: &mut Netlink,
        alive: Alive,
    ) -> Result<(Endpoint, Attachment)> {
        let network = pool::network_of(root, &config.network.mode, alive)?;
        let plug = Plug {
            container: &config.id,
            dir,
            name: "eth0".into(),
            host_end: veth::host_name(&config.id),
            route: true,
            holder: this_process(),
        };
        let plugged = Endpoint::plug(root, &network, &plug, namespace, inside, alive)?;
        Ok(plugged)
    }

    /// Leases an address on `network` for the endpoint `plug` describes, and builds it: a veth
    /// pair, its host end on the network's bridge (made if need be), its other end in
    /// `namespace` (where `inside` speaks) with the address, up, and the default route if it
    /// carries it.
    fn plug(
        root: &Path,
        network: &store::Network,
        plug: &Plug,
        namespace: &NetNamespace,
        inside: &mut Netlink,
        alive: Alive,
    ) -> Result<(Endpoint, Attachment)> {
        let network_dir = store::dir(root, &network.name);
        let mut host = Netlink::open()?;
        // Under the network's lock: the bridge is made once, and an address leased once.
        let locked = store::lock(&network_dir)?;
        let bridge = bridge::ensure(&mut host, network)?;
        let address = lease(&network_dir, network, plug, alive, &mut host)?;
        drop(locked);
        let endpoint = Endpoint::leased(root, network_dir, plug, address, alive);
        // From here on, a failure releases the address (`Drop`); the pair goes with the
        // namespace, which nobody holds then.
        let name = plug.name.as_str();
        let mac = veth::mac_of(address);
        let peer = veth::Peer {
            name,
            mac,
            netns: namespace.as_fd(),
        };
        let shell = format!(
            "ip link add {} mtu {} type veth peer name {name} address {} netns {}",
            endpoint.host_end,
            bridge.mtu,
            mac_text(mac),
            namespace.path.display()
        );
        let pair = || Message::NewLink(veth::pair(&endpoint.host_end, bridge.mtu, &peer));
        match host.request(pair(), &shell) {
            // A pair of this name is this container's, from its last run: its namespace is
            // still being torn down in the background (a restart comes quickly). Deleted now.
            Err(err) if err.errno() == Some(nix::errno::Errno::EEXIST) => {
                interface::delete(&mut host, &endpoint.host_end)?;
                host.request(pair(), &shell)?;
            }
            done => done?,
        }
        let port = link_index(&mut host, &endpoint.host_end)?;
        host.request(
            Message::SetLink(bridge::plug(port, bridge.index)),
            &format!(
                "ip link set {} master {} up",
                endpoint.host_end, network.bridge
            ),
        )?;
        let attachment = configure(inside, network, plug, address, namespace)?;
        Ok((endpoint, attachment))
    }
}

impl Endpoint {
    /// The endpoint that holds the address `address`, leased on the network whose directory is
    /// `network_dir` for the endpoint `plug` describes: given back when it is dropped.
    fn leased(
        root: &Path,
        network_dir: PathBuf,
        plug: &Plug,
        address: Ipv4Addr,
        alive: Alive,
    ) -> Endpoint {
        let _ = root;
        Endpoint {
            network_dir,
            host_end: plug.host_end.clone(),
            address,
            container: plug.container.to_string(),
            joined_by: plug.dir.join(JOINED_BY),
            alive,
        }
    }
}

/// Configures the container's interface of `plug`, there in its namespace (where `inside`
/// speaks): its address on `network`, up, and the default route through the network's gateway
/// if it carries it. Returns what `inspect` shows of the endpoint.
fn configure(
    inside: &mut Netlink,
    network: &store::Network,
    plug: &Plug,
    address: Ipv4Addr,
    namespace: &NetNamespace,
) -> Result<Attachment> {
    let name = plug.name.as_str();
    let index = link_index(inside, name)?;
    let prefix = network.subnet.prefix;
    inside.request(
        Message::NewAddress(interface::address(index, address, prefix)),
        &format!("ip addr add {address}/{prefix} brd + dev {name}"),
    )?;
    inside.request(
        Message::SetLink(interface::up(index)),
        &format!("ip link set {name} up"),
    )?;
    if plug.route {
        inside.request(
            Message::NewRoute(interface::default_route(network.gateway, index)),
            &format!("ip route add default via {} dev {name}", network.gateway),
        )?;
    }
    Ok(Attachment {
        network: network.name.clone(),
        network_id: network.id.clone(),
        endpoint_id: endpoint_id(plug.container, address),
        address: address.to_string(),
        prefix,
        gateway: network.gateway.to_string(),
        mac: mac_text(veth::mac_of(address)),
        sandbox_key: namespace.path.display().to_string(),
    })
}

/// Leases the lowest free address of `network` to the endpoint `plug` describes, held by its
/// holder; leases whose holders are gone are taken back first (their pairs deleted, if still
/// there).
fn lease(
    network_dir: &Path,
    network: &store::Network,
    plug: &Plug,
    alive: Alive,
    host: &mut Netlink,
) -> Result<Ipv4Addr> {
    let file = network_dir.join("leases.json");
    let mut leases = ipam::read(&file)?;
    sweep_leases(&mut leases, alive, host);
    let free = ipam::next_free(network.pool(), network.gateway, &leases);
    let address = free
        .filter(|address| network.subnet.contains(*address))
        .ok_or_else(|| Error::Full {
            network: network.name.clone(),
            id: network.id.clone(),
        })?;
    leases.insert(
        address,
        ipam::Lease {
            container: plug.container.to_string(),
            holder: plug.holder,
        },
    );
    ipam::write(&file, &leases)?;
    Ok(address)
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
    sweep_leases(&mut leases, alive, &mut host);
    let _ = ipam::write(&file, &leases);
}

impl Drop for Endpoint {
    /// Gives the address back. The pair goes with the container's namespace: when its last
    /// process has ended and minidock lets go of it, the kernel tears it down, with every link
    /// in it, and a veth takes its peer along. In the background: deleting it here would cost
    /// the caller some 25 ms, the kernel's wait for every CPU to let go of the link; its host
    /// end is only set down, at once. Unless another container joined the namespace and still
    /// runs: then the pair is deleted now, as docker does, since the address it holds is given
    /// back.
    fn drop(&mut self) {
        let joined = std::fs::read_to_string(&self.joined_by).unwrap_or_default();
        let joiner_alive = joined.lines().any(|line| {
            let mut words = line.split_whitespace().map(str::parse);
            match (words.next(), words.next()) {
                (Some(Ok(pid)), Some(Ok(start))) => (self.alive)(&Holder {
                    pid: pid as i32,
                    start,
                }),
                _ => false,
            }
        });
        if let Ok(mut host) = Netlink::open() {
            if joiner_alive {
                let _ = interface::delete(&mut host, &self.host_end);
            } else {
                // Until the kernel deletes it, the pair's host end is still a port of the
                // bridge, where the bridge has learnt the address's hardware address: the next
                // container given the address would find its frames sent there. Down, it is no
                // port: the bridge forgets what it learnt on it at once.
                let _ = interface::set_down(&mut host, &self.host_end);
            }
        }
        let Ok(_locked) = store::lock(&self.network_dir) else {
            return;
        };
        let file = self.network_dir.join("leases.json");
        if let Ok(mut leases) = ipam::read(&file) {
            if leases
                .get(&self.address)
                .is_some_and(|lease| lease.container == self.container)
            {
                leases.remove(&self.address);
                let _ = ipam::write(&file, &leases);
            }
        }
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

/// The endpoint's id: docker's are random; this one is made from the container and its address.
fn endpoint_id(container: &str, address: Ipv4Addr) -> String {
    let octets: String = address
        .octets()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}{octets}", &container[..container.len().min(56)])
}

/// A hardware address as `ip` and docker write it.
fn mac_text(mac: [u8; 6]) -> String {
    mac.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
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
