//! An endpoint: one interface of a container on one network. On a bridge network, a veth pair
//! whose host end is a port of the bridge; the address leased for it, given back when it is
//! dropped.

use std::net::Ipv4Addr;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use super::{
    bridge, interface, ipam, link_index, pool, store, sweep_leases, this_process, veth, Alive,
    Attachment, Error, Result, JOINED_BY,
};
use crate::config::Config;
use crate::namespaces::net::NetNamespace;
use crate::sys::{Message, Netlink};
use ipam::Holder;

/// A veth pair and an address leased for it: the address given back when dropped.
pub(super) struct Endpoint {
    network_dir: PathBuf,
    host_end: String,
    pub(super) address: Ipv4Addr,
    container: String,
    /// The file where containers that join this one's namespace say so.
    joined_by: PathBuf,
    alive: Alive,
}

/// Where an endpoint goes, and for whom.
pub(super) struct Plug<'a> {
    /// The container's id, and its state directory.
    pub(super) container: &'a str,
    pub(super) dir: &'a Path,
    /// Its interface's name in the container's namespace: `eth0` (chapter 9: `eth1`... for the
    /// networks it is connected to besides).
    pub(super) name: String,
    /// The name of its pair's end on the host.
    pub(super) host_end: String,
    /// Whether the container's default route goes through it.
    pub(super) route: bool,
    /// The process that holds its lease, as long as it runs.
    pub(super) holder: Holder,
}

impl Endpoint {
    /// Leases an address on the container's network and builds its interface there, `eth0`.
    pub(super) fn create(
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
    pub(super) fn plug(
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
