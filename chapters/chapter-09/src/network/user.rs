//! Networks of the user's own (`network create`), beside the default one: each a bridge of its
//! own (`br-` and the start of its id, as docker names them), a subnet of its own, and the
//! firewall's rules that keep it apart from every other network.
//!
//! ```text
//!   ROOT/networks/
//!   ├── bridge/      the default network (minidock0)
//!   ├── backend/     a network of the user's (br-3f2a9c1d04e7), made by `network create`
//!   ├── lock         held while a network is made: names and subnets are never taken twice
//!   ├── predefined.json   the ids of the networks host and none
//!   └── firewall.json, firewall.lock
//! ```
//!
//! As the default network's, a user network's bridge is made when its first container needs
//! it, from its record; `network rm` deletes both. A macvlan network (`-d macvlan -o
//! parent=IF`) has no bridge and no rules: its containers' interfaces stack on the host's link
//! `IF`, on its segment (see `macvlan`).

use std::net::Ipv4Addr;
use std::path::Path;

use super::store::{self, Network};
use super::subnet::Subnet;
use super::{firewall, interface, ipam, pool, Alive, Error, Result};
use crate::sys::Netlink;

/// The networks every host has, which can be neither made nor removed.
pub const PREDEFINED: [&str; 3] = ["bridge", "host", "none"];

/// Names no network can have: `default` is the default network's other name (`--network
/// default`), the others are the store's own files beside the networks' directories.
const RESERVED: [&str; 5] = [
    "default",
    "lock",
    "firewall.json",
    "firewall.lock",
    "predefined.json",
];

/// What `network create` asks for.
pub struct Request<'a> {
    pub name: &'a str,
    pub driver: &'a str,
    pub subnet: Option<&'a str>,
    pub gateway: Option<&'a str>,
    pub ip_range: Option<&'a str>,
    /// The driver's options, as `-o KEY=VALUE` gives them.
    pub options: &'a [String],
}

/// Makes the network `request` describes, in the store: its bridge is made when a container
/// first needs it. `alive` tells the default network's leases whose holders are gone.
pub fn create(root: &Path, request: &Request, alive: Alive) -> Result<Network> {
    let name = request.name;
    check_name(name)?;
    let mut options = std::collections::BTreeMap::new();
    for option in request.options {
        let (key, value) = option.split_once('=').ok_or_else(|| {
            Error::Invalid(format!("invalid option {option:?}: KEY=VALUE expected"))
        })?;
        options.insert(key, value);
    }
    let parent = match request.driver {
        "macvlan" => {
            let parent = options.remove("parent").ok_or_else(|| {
                Error::Invalid(
                    "a macvlan network needs its parent: -o parent=INTERFACE (docker would make \
                     a dummy one, which reaches nothing)"
                        .into(),
                )
            })?;
            Some(parent.to_string())
        }
        "bridge" => None,
        "host" | "null" => {
            return Err(Error::Invalid(format!(
                "only one instance of \"{}\" network is allowed",
                request.driver
            )))
        }
        other => return Err(Error::Invalid(format!("plugin \"{other}\" not found"))),
    };
    if let Some(key) = options.keys().next() {
        return Err(Error::Invalid(format!(
            "the {} driver takes no option {key}",
            request.driver
        )));
    }
    let parse = |what: &str, text: &str| {
        Subnet::parse(text).ok_or_else(|| {
            Error::Invalid(format!(
                "Invalid {what} {text} : invalid CIDR address: {text}"
            ))
        })
    };
    let subnet = request.subnet.map(|s| parse("subnet", s)).transpose()?;
    let ip_range = request.ip_range.map(|r| parse("ip-range", r)).transpose()?;
    let gateway = request
        .gateway
        .map(|g| {
            g.parse::<Ipv4Addr>()
                .map_err(|_| Error::Invalid(format!("invalid gateway address {g}")))
        })
        .transpose()?;
    if subnet.is_none() && (gateway.is_some() || ip_range.is_some()) {
        return Err(Error::Invalid(
            "every ip-range or gateway must have a corresponding subnet".into(),
        ));
    }
    let networks = store::networks_dir(root);
    // One at a time: two networks of one name, or of overlapping subnets, are never made.
    let _locked = store::lock(&networks)?;
    if store::read_json::<Network>(&store::dir(root, name).join("network.json"))?.is_some() {
        return Err(Error::Invalid(format!(
            "network with name {name} already exists"
        )));
    }
    // The default network takes its subnet first, as docker's takes 172.17.0.0/16.
    pool::default_network(root, alive)?;
    let others = store::all(root)?;
    if let Some(parent) = &parent {
        if Netlink::open()?.link(parent)?.is_none() {
            return Err(Error::Invalid(format!(
                "-o parent={parent}: the host has no such interface"
            )));
        }
        if let Some(other) = others.iter().find(|o| o.parent.as_ref() == Some(parent)) {
            return Err(Error::Invalid(format!(
                "network {} is already using parent interface {parent}",
                other.name
            )));
        }
    }
    let subnet = match subnet {
        Some(subnet) => {
            if others.iter().any(|other| other.subnet.overlaps(subnet)) {
                return Err(Error::Invalid(
                    "Pool overlaps with other one on this address space".into(),
                ));
            }
            subnet
        }
        None => pool::free_subnet(root)?,
    };
    let gateway = plan(subnet, gateway, ip_range)?;
    let id = pool::new_id();
    let network = Network {
        name: name.to_string(),
        bridge: match parent {
            Some(_) => String::new(),
            None => format!("br-{}", &id[..12]),
        },
        id,
        subnet: Subnet {
            address: subnet.network(),
            prefix: subnet.prefix,
        },
        gateway,
        ip_range,
        configured: request.subnet.is_some(),
        created: crate::image::config::rfc3339(std::time::SystemTime::now()),
        parent,
    };
    let dir = store::dir(root, name);
    std::fs::create_dir_all(&dir).map_err(|e| Error::store(&dir, e.to_string()))?;
    store::write_json(&dir.join("network.json"), &network)?;
    Ok(network)
}

/// A name docker's CLI and minidock's store both take: a letter or digit, then letters, digits
/// and `_.-`. The predefined networks' are taken.
fn check_name(name: &str) -> Result<()> {
    let good = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !good {
        return Err(Error::Invalid(format!(
            "invalid network name {name:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
        )));
    }
    if name == "host" {
        return Err(Error::Invalid(
            "operation is not permitted on predefined host network".into(),
        ));
    }
    if PREDEFINED.contains(&name) {
        return Err(Error::Invalid(format!(
            "network with name {name} already exists"
        )));
    }
    if RESERVED.contains(&name) {
        return Err(Error::Invalid(format!(
            "network name {name} is reserved: minidock's store uses it"
        )));
    }
    Ok(())
}

/// The gateway of a network of `subnet`: the one asked for (`--gateway`), or the subnet's first
/// address; checked, with the `--ip-range` asked for, as docker checks them.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn plan(
    subnet: Subnet,
    gateway: Option<Ipv4Addr>,
    ip_range: Option<Subnet>,
) -> Result<Ipv4Addr> {
    // TODO(chapter 9): Plan a network's addresses
    //   (the book: chapter 9, "Plan a network's addresses")
    // Check the range and the gateway against the subnet, and choose the gateway if none is
    // asked for (see "Plan a network's addresses"). Until then, the subnet's first address.
    Ok(Ipv4Addr::from(u32::from(subnet.network()) + 1))
}

/// Removes the network `reference` names, if no running container is on it: its bridge, its
/// record, and its rules. Returns its name.
pub fn remove(root: &Path, reference: &str, alive: Alive) -> Result<String> {
    let network = match PREDEFINED.contains(&reference) {
        true => None,
        // The default network is found by its id too.
        false => Some(store::find(root, reference)?),
    };
    let Some(network) = network.filter(|network| network.name != store::DEFAULT) else {
        let name = if PREDEFINED.contains(&reference) {
            reference
        } else {
            store::DEFAULT
        };
        return Err(Error::Invalid(format!(
            "{name} is a pre-defined network and cannot be removed"
        )));
    };
    let dir = store::dir(root, &network.name);
    let locked = store::lock(&dir)?;
    if !in_use(root, &network, alive)?.is_empty() {
        return Err(Error::Invalid(format!(
            "error while removing network: network {} id {} has active endpoints",
            network.name, network.id
        )));
    }
    if network.parent.is_none() {
        let mut host = Netlink::open()?;
        interface::delete(&mut host, &network.bridge)?;
    }
    std::fs::remove_dir_all(&dir).map_err(|e| Error::store(&dir, e.to_string()))?;
    drop(locked);
    firewall::apply(root, alive)?;
    Ok(network.name)
}

/// The leases of `network` whose holders still run: its containers, by address.
pub fn in_use(root: &Path, network: &Network, alive: Alive) -> Result<ipam::Leases> {
    let mut leases = ipam::read(&store::dir(root, &network.name).join("leases.json"))?;
    leases.retain(|_, lease| alive(&lease.holder));
    Ok(leases)
}

/// The id of the predefined network `name` (`host` or `none`): made once for the state root,
/// and kept with its networks, as docker makes them once for its daemon.
pub fn predefined_id(root: &Path, name: &str) -> Result<String> {
    let networks = store::networks_dir(root);
    let file = networks.join("predefined.json");
    let read = || store::read_json::<std::collections::BTreeMap<String, String>>(&file);
    if let Some(id) = read()?.and_then(|mut ids| ids.remove(name)) {
        return Ok(id);
    }
    let _locked = store::lock(&networks)?;
    let mut ids = read()?.unwrap_or_default();
    let id = ids
        .entry(name.to_string())
        .or_insert_with(pool::new_id)
        .clone();
    store::write_json(&file, &ids)?;
    Ok(id)
}
