// [ch08 file]
//! The default network, `bridge`: made in the store when a container first needs it, with the
//! subnet asked for with `--bip`, or the first of docker's address pools that the host's routes
//! leave free.

use std::fs::File;
use std::io::Read;
use std::net::Ipv4Addr;
use std::path::Path;
use std::sync::OnceLock;

use super::ipam;
use super::store::{self, Network, BRIDGE, DEFAULT};
use super::subnet::Subnet;
use super::{Error, Result};
use crate::config::network::Mode;

/// The subnets the default network may take when none is asked for, in order, as docker's
/// default address pools: the first that no route of the host's overlaps.
fn candidates() -> impl Iterator<Item = Subnet> {
    let large = (17..=31).map(|b| Subnet {
        address: Ipv4Addr::new(172, b, 0, 0),
        prefix: 16,
    });
    let small = (0..16).map(|c| Subnet {
        address: Ipv4Addr::new(192, 168, c * 16, 0),
        prefix: 20,
    });
    large.chain(small)
}

/// The default bridge's address asked for with `--bip`, for this process.
static ASKED: OnceLock<Subnet> = OnceLock::new();

/// Takes `--bip ADDRESS/PREFIX`: the default network's gateway and subnet, used when the
/// network is made (or made again, while no container uses it).
pub fn ask_for_subnet(bip: &str) -> Result<()> {
    let subnet = Subnet::parse(bip)
        .filter(|s| s.prefix <= 30 && s.address != s.network() && s.address != s.broadcast())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "invalid --bip {bip:?}: an address and a prefix of at most 30 bits (172.18.0.1/16), \
                 the address neither the subnet's own nor its broadcast address"
            ))
        })?;
    let _ = ASKED.set(subnet);
    Ok(())
}

/// The network a container of `mode` has its endpoint on: the default one, or (from chapter 9)
/// the user's network it names.
pub fn network_of(root: &Path, mode: &Mode, alive: super::Alive) -> Result<Network> {
    // [ch09]
    if let Mode::User(name) = mode {
        return store::find(root, name);
    }
    // [ch09 end]
    // [ch08..ch09]
    //~ let _ = mode;
    // [ch08..ch09 end]
    default_network(root, alive)
}

/// The default network: read from the store, or made there if it is not yet. With `--bip`, a
/// record of another subnet is made again, if no container holds an address of it.
pub fn default_network(root: &Path, alive: super::Alive) -> Result<Network> {
    let dir = store::dir(root, DEFAULT);
    let locked = store::lock(&dir)?;
    let file = dir.join("network.json");
    let recorded: Option<Network> = store::read_json(&file)?;
    // What --bip asks for: the subnet (by its own address) and the gateway in it.
    let asked = ASKED.get().map(|asked| {
        let subnet = Subnet {
            address: asked.network(),
            prefix: asked.prefix,
        };
        (subnet, asked.address)
    });
    if let Some(network) = &recorded {
        match asked {
            Some((subnet, gateway)) if (subnet, gateway) != (network.subnet, network.gateway) => {
                let leases = ipam::read(&dir.join("leases.json"))?;
                if leases.values().any(|lease| alive(&lease.holder)) {
                    return Err(Error::Invalid(format!(
                        "the default network has {}, gateway {}, and containers use it: --bip \
                         {subnet}, gateway {gateway}, can take its place once they are removed",
                        network.subnet, network.gateway
                    )));
                }
            }
            _ => return Ok(network.clone()),
        }
    }
    let (subnet, gateway) = match asked {
        Some(asked) => asked,
        None => {
            let subnet = free_subnet(root)?;
            (subnet, Ipv4Addr::from(u32::from(subnet.network()) + 1))
        }
    };
    // A bridge made for another subnet goes: the next container makes it again, with this one.
    if recorded.is_some() {
        if let Ok(mut host) = crate::sys::Netlink::open() {
            super::interface::delete(&mut host, BRIDGE)?;
        }
    }
    let network = Network {
        name: DEFAULT.to_string(),
        id: recorded.map_or_else(new_id, |old| old.id),
        bridge: BRIDGE.to_string(),
        subnet,
        gateway,
        // [ch09]
        ip_range: None,
        configured: false,
        created: String::new(),
        parent: None,
        // [ch09 end]
    };
    store::write_json(&file, &network)?;
    drop(locked);
    Ok(network)
}

/// The first of the default pools that overlaps none of the host's routes (`/proc/net/route`,
/// the routes of minidock's network namespace): a container's address must not shadow a
/// network the host already reaches. Nor, from chapter 9, any other network of minidock's.
pub fn free_subnet(root: &Path) -> Result<Subnet> {
    let routes = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    let taken: Vec<Subnet> = routes
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // Destination and mask: the bytes of the address, in network order, printed in hex
            // as one number of the machine's byte order.
            let destination = u32::from_str_radix(fields.get(1)?, 16).ok()?;
            let mask = u32::from_str_radix(fields.get(7)?, 16).ok()?;
            let prefix = u32::from_be_bytes(mask.to_ne_bytes()).leading_ones() as u8;
            let address = Ipv4Addr::from(destination.to_ne_bytes());
            // The default route overlaps everything, and is no reason to avoid anything.
            (prefix > 0).then_some(Subnet { address, prefix })
        })
        .collect();
    // [ch09]
    let others = store::all(root)?.into_iter().map(|network| network.subnet);
    let taken: Vec<Subnet> = taken.into_iter().chain(others).collect();
    // [ch09 end]
    // [ch08..ch09]
    //~ let _ = root;
    // [ch08..ch09 end]
    candidates()
        .find(|candidate| !taken.iter().any(|route| route.overlaps(*candidate)))
        .ok_or_else(|| {
            Error::Invalid(
                "could not find an available, non-overlapping IPv4 address pool among the \
                 defaults to assign to the network"
                    .into(),
            )
        })
}

/// The id of the default network, as recorded; empty if it was never made.
pub fn recorded_id(root: &Path) -> String {
    store::read_json::<Network>(&store::dir(root, DEFAULT).join("network.json"))
        .ok()
        .flatten()
        .map_or_else(String::new, |network| network.id)
}

/// 64 random hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 32];
    let _ = File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
