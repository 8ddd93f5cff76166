// [ch08 file]
//! IP address management: which address of a network's subnet each container gets.
//!
//! A network's addresses in use are its leases, kept in the state store with the network, and
//! changed only under the network's lock: twenty `run`s at once must get twenty different
//! addresses. A lease names the container it is for and the process that holds it (minidock,
//! or the container's monitor); a lease whose holder is gone (killed with `kill -9`) is taken
//! back by the next command that looks.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::subnet::Subnet;
use super::{Error, Result};

/// The address to lease next in `subnet`, whose gateway is `gateway`, when the addresses of
/// `taken` are in use; `None` when none is left.
pub fn next_free(
    subnet: Subnet,
    gateway: Ipv4Addr,
    taken: &BTreeMap<Ipv4Addr, Lease>,
) -> Option<Ipv4Addr> {
    // [ch08 exercise allocate: Allocate an address]
    // The lowest free address, as docker's default bridge hands them out. The subnet's own
    // address and its broadcast address are never a host's; the gateway is the bridge's.
    let first = u32::from(subnet.network()) + 1;
    let last = u32::from(subnet.broadcast());
    (first..last)
        .map(Ipv4Addr::from)
        .find(|address| *address != gateway && !taken.contains_key(address))
    // [ch08 mistake allocate-network-address: chapter_08::addresses_are_handed_out_lowest_first]
    //~ // Every address of the subnet, from its first, that nobody has.
    //~ (u32::from(subnet.network())..u32::from(subnet.broadcast()))
    //~     .map(Ipv4Addr::from)
    //~     .find(|address| *address != gateway && !taken.contains_key(address))
    // [ch08 mistake allocate-broadcast: chapter_08::a_full_network_refuses_one_more]
    //~ // Every address after the subnet's own, up to its last.
    //~ (u32::from(subnet.network()) + 1..=u32::from(subnet.broadcast()))
    //~     .map(Ipv4Addr::from)
    //~     .find(|address| *address != gateway && !taken.contains_key(address))
    // [ch08 mistake allocate-gateway: chapter_08::addresses_are_handed_out_lowest_first]
    //~ // The first free host address of the subnet.
    //~ (u32::from(subnet.network()) + 1..u32::from(subnet.broadcast()))
    //~     .map(Ipv4Addr::from)
    //~     .find(|address| !taken.contains_key(address))
    // [ch08 before]
    //~ // Return the lowest address of `subnet` that a container may have and nobody has yet:
    //~ // see "Allocate an address". Until then every container gets the same one.
    //~ let _ = (gateway, taken);
    //~ Some(Ipv4Addr::from(u32::from(subnet.network()) + 2))
    // [ch08 end]
}

/// One address in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The container's id.
    pub container: String,
    /// The process that holds it, by pid and start time: while it lives, the lease is good.
    pub holder: Holder,
    // [ch09]
    /// The ports the container publishes on the host: the firewall's rules are made from them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<super::ports::Bound>,
    // [ch09 end]
}

/// A process, named so that a later process of the same pid is not mistaken for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: i32,
    pub start: u64,
}

/// The leases of one network, as `leases.json` keeps them.
pub type Leases = BTreeMap<Ipv4Addr, Lease>;

/// The leases in `file`; none if it does not exist.
pub fn read(file: &Path) -> Result<Leases> {
    match std::fs::read(file) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::store(file, e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Leases::new()),
        Err(e) => Err(Error::store(file, e.to_string())),
    }
}

/// Writes `leases` to `file` whole, through a temporary file renamed over it.
pub fn write(file: &Path, leases: &Leases) -> Result<()> {
    super::store::write_json(file, leases)
}
