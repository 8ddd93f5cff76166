// [ch08 file]
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
// [ch09]
pub mod firewall;
// [ch09 end]
mod interface;
pub mod ipam;
// [ch09]
mod macvlan;
// [ch09 end]
pub mod pool;
// [ch09]
pub mod ports;
// [ch09 end]
pub mod store;
pub mod subnet;
// [ch09]
pub mod user;
// [ch09 end]
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
    // [ch09]
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
    // [ch09 end]
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
    // [ch09]
    /// The ports it publishes, as the host has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ports::Bound>,
    // [ch09 end]
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
    // [ch09]
    /// The state root, and the container's id: what it is connected to is given back with it.
    root: PathBuf,
    container: String,
    /// Its endpoints on the networks it is connected to besides its first (eth1...).
    connected: Vec<Attachment>,
    // [ch09 end]
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
    // [ch09]
    /// The state root, whose networks the firewall's rules are made from.
    root: PathBuf,
    /// The host's ports it publishes, held.
    ports: Vec<ports::Reserved>,
    /// Whether its lease is its holder's to give back, not this process's (`network connect`).
    kept: bool,
    // [ch09 end]
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
            // [ch09]
            root: root.to_path_buf(),
            container: config.id.clone(),
            connected: Vec::new(),
            // [ch09 end]
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
                        // [ch09]
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
                            let attachment = Endpoint::plug_kept(
                                root,
                                &other,
                                &plug,
                                &namespace,
                                &mut inside,
                                alive,
                            )?;
                            sandbox.connected.push(attachment);
                        }
                        // [ch09 end]
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
        // [ch09]
        for attachment in &sandbox.connected {
            files::add_host(dir, &attachment.address, &config.hostname)?;
        }
        // [ch09 end]
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

    // [ch09]
    /// What `inspect` shows of its endpoints on the networks it is connected to besides.
    pub fn connected(&self) -> &[Attachment] {
        &self.connected
    }
    // [ch09 end]
}

// [ch09]
impl Drop for Sandbox {
    /// Gives back what the container was connected to besides its first network, at start or
    /// since (`network connect`): every lease of the container's that this process holds.
    fn drop(&mut self) {
        // A namespace of its own only: a joined one is another container's.
        let own = self.endpoint.as_ref().and(self.namespace.as_ref());
        release_held(&self.root, &self.container, &this_process(), own);
    }
}

/// Gives back the leases of the container `id` held by `holder`, on every network, their pairs'
/// host ends set down at once (see `Endpoint`'s drop); and its macvlans in its namespace
/// `namespace`, set down too: until the kernel has torn the namespace down, one still up would
/// keep its hardware address on the parent, which the next container given the address needs.
fn release_held(root: &Path, id: &str, holder: &Holder, namespace: Option<&NetNamespace>) {
    let Ok(mut host) = Netlink::open() else {
        return;
    };
    let mut inside = None;
    for network in store::all(root).unwrap_or_default() {
        let dir = store::dir(root, &network.name);
        let file = dir.join("leases.json");
        let mine = |lease: &ipam::Lease| lease.container == id && lease.holder == *holder;
        // Without the lock first: nearly always, there is nothing.
        if !ipam::read(&file).is_ok_and(|leases| leases.values().any(mine)) {
            continue;
        }
        let Ok(_locked) = store::lock(&dir) else {
            continue;
        };
        if let Ok(mut leases) = ipam::read(&file) {
            leases.retain(|_, lease| {
                if !mine(lease) {
                    return true;
                }
                match (&network.parent, namespace) {
                    (Some(_), Some(namespace)) => {
                        if inside.is_none() {
                            inside = NetNamespace::own().ok().and_then(|own| {
                                Netlink::open_in(
                                    namespace.as_fd(),
                                    &namespace.path,
                                    own.as_fd(),
                                    &own.path,
                                )
                                .ok()
                            });
                        }
                        if let Some(inside) = inside.as_mut() {
                            let _ = interface::set_down(inside, &lease.interface);
                        }
                    }
                    (Some(_), None) => {}
                    (None, _) => {
                        let _ = interface::set_down(&mut host, &lease.host_end());
                    }
                }
                false
            });
            let _ = ipam::write(&file, &leases);
        }
    }
}

/// `network connect`: plugs the running container of `config`, whose first process is `pid`
/// and whose holder is `holder`, into `network`, as the first free `ethN`, with the address
/// `wanted` if asked for. The endpoint is the holder's: it goes when the container ends.
pub fn connect(
    root: &Path,
    dir: &Path,
    config: &Config,
    network: &store::Network,
    wanted: Option<Ipv4Addr>,
    (pid, holder): (i32, Holder),
    alive: Alive,
) -> Result<Attachment> {
    let own = NetNamespace::own()?;
    let namespace = NetNamespace::of_process(pid)?;
    let mut inside = Netlink::open_in(namespace.as_fd(), &namespace.path, own.as_fd(), &own.path)?;
    let mut n = 1;
    while inside.link(&format!("eth{n}"))?.is_some() {
        n += 1;
    }
    // A host end's name has 15 bytes at most: room for one hex digit.
    if n > 15 {
        return Err(Error::Invalid(format!(
            "container {} is connected to 15 networks besides its first: no more",
            config.id
        )));
    }
    let plug = Plug {
        container: &config.id,
        dir,
        name: format!("eth{n}"),
        host_end: veth::connected_name(&config.id, n),
        route: false,
        holder,
        wanted,
    };
    let attachment = Endpoint::plug_kept(root, network, &plug, &namespace, &mut inside, alive)?;
    files::add_host(dir, &attachment.address, &config.hostname)?;
    Ok(attachment)
}

/// `network disconnect`: deletes the endpoint of the container `id`, whose first process is
/// `pid`, on `network` (its pair, and with it the interface inside; or its macvlan), gives its
/// address back and takes its name out of the container's /etc/hosts (in its state directory
/// `dir`). `false` if it had none there.
pub fn disconnect(
    root: &Path,
    dir: &Path,
    id: &str,
    pid: i32,
    network: &store::Network,
) -> Result<bool> {
    let network_dir = store::dir(root, &network.name);
    let _locked = store::lock(&network_dir)?;
    let file = network_dir.join("leases.json");
    let mut leases = ipam::read(&file)?;
    let Some((&address, lease)) = leases.iter().find(|(_, lease)| lease.container == id) else {
        return Ok(false);
    };
    if network.parent.is_some() {
        // A macvlan has no end on the host: it is deleted where it is, in the container.
        let own = NetNamespace::own()?;
        let namespace = NetNamespace::of_process(pid)?;
        let mut inside =
            Netlink::open_in(namespace.as_fd(), &namespace.path, own.as_fd(), &own.path)?;
        interface::delete(&mut inside, &lease.interface)?;
    } else {
        let mut host = Netlink::open()?;
        interface::delete(&mut host, &lease.host_end())?;
    }
    leases.remove(&address);
    ipam::write(&file, &leases)?;
    files::remove_host(dir, &address.to_string())?;
    Ok(true)
}

impl Endpoint {
    /// The same as `plug`, for an endpoint whose lease its holder gives back, not this process
    /// (a container's connected networks: see `Sandbox`'s drop).
    fn plug_kept(
        root: &Path,
        network: &store::Network,
        plug: &Plug,
        namespace: &NetNamespace,
        inside: &mut Netlink,
        alive: Alive,
    ) -> Result<Attachment> {
        let (mut endpoint, attachment) =
            Endpoint::plug(root, network, plug, namespace, inside, alive)?;
        endpoint.kept = true;
        Ok(attachment)
    }
}
// [ch09 end]

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
    // [ch09]
    /// The address asked for (`--ip`), if any.
    wanted: Option<Ipv4Addr>,
    // [ch09 end]
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
            wanted: config.network.ip, // [ch09]
        };
        let plugged = Endpoint::plug(root, &network, &plug, namespace, inside, alive)?;
        // [ch09]
        // Its published ports: the host's held for it, its lease says so, the rules follow.
        let (mut endpoint, mut attachment) = plugged;
        let address = endpoint.address;
        endpoint
            .publish(&config.network.published())
            .map_err(|err| Error::Connectivity {
                endpoint: match config.meta.name.as_str() {
                    "" => config.id[..12.min(config.id.len())].to_string(),
                    name => name.to_string(),
                },
                id: endpoint_id(&config.id, address),
                source: Box::new(err),
            })?;
        attachment.ports = endpoint.ports.iter().map(|held| held.bound).collect();
        let plugged = (endpoint, attachment);
        // [ch09 end]
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
        // [ch09]
        // A macvlan network's has no bridge: it stacks on the parent.
        if let Some(parent) = &network.parent {
            return Endpoint::stack(root, network, parent, plug, namespace, inside, alive);
        }
        // [ch09 end]
        let network_dir = store::dir(root, &network.name);
        let mut host = Netlink::open()?;
        // Under the network's lock: the bridge is made once, and an address leased once.
        let locked = store::lock(&network_dir)?;
        // [ch09]
        // A network removed (`network rm`) since it was read is no more.
        if !network_dir.join("network.json").exists() {
            return Err(Error::NotFound(network.name.clone()));
        }
        // A bridge made now (the network's first container's, or after a reboot) gets the
        // host's forwarding and the network's rules with it, or is not made.
        let existed = host.link(&network.bridge)?.is_some();
        // [ch09 end]
        let bridge = bridge::ensure(&mut host, network)?;
        // [ch09]
        if !existed {
            let routed =
                firewall::forward(&network.bridge).and_then(|()| firewall::rewrite(root, alive));
            if let Err(err) = routed {
                let _ = interface::delete(&mut host, &network.bridge);
                return Err(err);
            }
        }
        // [ch09 end]
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

// [ch09]
impl Endpoint {
    /// Holds the host's ports `wanted` for the container, writes them into its lease, and has
    /// the firewall's rules made again with them.
    fn publish(&mut self, wanted: &[crate::config::ports::Publish]) -> Result<()> {
        for publish in wanted {
            self.ports.push(ports::reserve(publish)?);
        }
        if self.ports.is_empty() {
            return Ok(());
        }
        let locked = store::lock(&self.network_dir)?;
        let file = self.network_dir.join("leases.json");
        let mut leases = ipam::read(&file)?;
        if let Some(lease) = leases.get_mut(&self.address) {
            lease.ports = self.ports.iter().map(|held| held.bound).collect();
        }
        ipam::write(&file, &leases)?;
        drop(locked);
        firewall::apply(&self.root, self.alive)
    }
}
// [ch09 end]

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
        // [ch08..ch09]
        //~ let _ = root;
        // [ch08..ch09 end]
        Endpoint {
            network_dir,
            host_end: plug.host_end.clone(),
            address,
            container: plug.container.to_string(),
            joined_by: plug.dir.join(JOINED_BY),
            alive,
            // [ch09]
            root: root.to_path_buf(),
            ports: Vec::new(),
            kept: false,
            // [ch09 end]
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
        ports: Vec::new(), // [ch09]
    })
}

// [ch09]
impl Endpoint {
    /// `plug` for a macvlan network: an address leased, and the container's interface stacked
    /// on the host's link `parent`, born in its namespace.
    fn stack(
        root: &Path,
        network: &store::Network,
        parent: &str,
        plug: &Plug,
        namespace: &NetNamespace,
        inside: &mut Netlink,
        alive: Alive,
    ) -> Result<(Endpoint, Attachment)> {
        let network_dir = store::dir(root, &network.name);
        let mut host = Netlink::open()?;
        let locked = store::lock(&network_dir)?;
        if !network_dir.join("network.json").exists() {
            return Err(Error::NotFound(network.name.clone()));
        }
        let address = lease(&network_dir, network, plug, alive, &mut host)?;
        drop(locked);
        let endpoint = Endpoint::leased(root, network_dir, plug, address, alive);
        let lower = host.link(parent)?.ok_or_else(|| {
            Error::Invalid(format!(
                "the parent of the network {}, {parent}, is no interface of the host's",
                network.name
            ))
        })?;
        let mtu = lower
            .attributes
            .iter()
            .find_map(|attribute| match attribute {
                netlink_packet_route::link::LinkAttribute::Mtu(mtu) => Some(*mtu),
                _ => None,
            })
            .unwrap_or(1500);
        let mac = veth::mac_of(address);
        let link = veth::Peer {
            name: &plug.name,
            mac,
            netns: namespace.as_fd(),
        };
        host.request(
            Message::NewLink(macvlan::link(lower.header.index, mtu, &link)),
            &format!(
                "ip link add link {parent} name {} mtu {mtu} address {} netns {} type macvlan \
                 mode bridge",
                plug.name,
                mac_text(mac),
                namespace.path.display()
            ),
        )
        .map_err(|source| Error::Stack {
            name: plug.name.clone(),
            parent: parent.to_string(),
            source,
        })?;
        let attachment = configure(inside, network, plug, address, namespace)?;
        Ok((endpoint, attachment))
    }
}
// [ch09 end]

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
    let had_ports = published_by_the_gone(&leases, alive); // [ch09]
    sweep_leases(&mut leases, alive, host);
    let free = ipam::next_free(network.pool(), network.gateway, &leases);
    // [ch09]
    // Or the address asked for, if it may be given.
    let free = match plug.wanted {
        Some(wanted) => Some(ipam::claim(network, wanted, &leases)?),
        None => free,
    };
    // [ch09 end]
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
            // [ch09]
            ports: Vec::new(),
            host_end: plug.host_end.clone(),
            interface: plug.name.clone(),
            // [ch09 end]
        },
    );
    ipam::write(&file, &leases)?;
    // [ch09]
    if had_ports {
        firewall::apply(&store::root_of(network_dir), alive)?;
    }
    // [ch09 end]
    Ok(address)
}

// [ch09]
/// Whether a lease whose holder is gone has published ports: their rules go when it is swept.
fn published_by_the_gone(leases: &ipam::Leases, alive: Alive) -> bool {
    leases
        .values()
        .any(|lease| !lease.ports.is_empty() && !alive(&lease.holder))
}
// [ch09 end]

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
    // [ch09]
    for network in store::all(root).unwrap_or_default() {
        if network.name != store::DEFAULT {
            sweep_network(&store::dir(root, &network.name), alive);
        }
    }
    // [ch09 end]
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
    let had_ports = published_by_the_gone(&leases, alive); // [ch09]
    sweep_leases(&mut leases, alive, &mut host);
    let _ = ipam::write(&file, &leases);
    // [ch09]
    if had_ports {
        let _ = firewall::apply(&store::root_of(network_dir), alive);
    }
    // [ch09 end]
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
        // [ch09]
        if self.kept {
            return;
        }
        // [ch09 end]
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
        // [ch09]
        // Its published ports' rules go with its lease; the ports themselves are let go as the
        // sockets that held them close, after this.
        if !self.ports.is_empty() {
            let _ = firewall::apply(&self.root, self.alive);
        }
        // [ch09 end]
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
