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

use super::store::Network;
use super::subnet::Subnet;
use super::{Error, Result};

/// The address to lease next in `subnet`, whose gateway is `gateway`, when the addresses of
/// `taken` are in use; `None` when none is left.
pub fn next_free(
    subnet: Subnet,
    gateway: Ipv4Addr,
    taken: &BTreeMap<Ipv4Addr, Lease>,
) -> Option<Ipv4Addr> {
    // The lowest free address, as docker's default bridge hands them out. The subnet's own
    // address and its broadcast address are never a host's; the gateway is the bridge's.
    let first = u32::from(subnet.network()) + 1;
    let last = u32::from(subnet.broadcast());
    (first..last)
        .map(Ipv4Addr::from)
        .find(|address| *address != gateway && !taken.contains_key(address))
}

/// The address `wanted` (`--ip`) for a container on `network`, whose addresses in use are
/// `taken`; refused as docker refuses it.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn claim(network: &Network, wanted: Ipv4Addr, taken: &Leases) -> Result<Ipv4Addr> {
    // TODO(chapter 9): Give the address asked for
    //   (the book: chapter 9, "Give the address asked for")
    // Refuse what docker refuses (see "Give the address asked for"): an address on a network
    // whose subnet minidock chose, outside the subnet, or not free. Until then, any address.
    Ok(wanted)
}

/// One address in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The container's id.
    pub container: String,
    /// The process that holds it, by pid and start time: while it lives, the lease is good.
    pub holder: Holder,
    /// The ports the container publishes on the host: the firewall's rules are made from them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<super::ports::Bound>,
    /// The host's end of its pair, if not the one its container's id names (`eth0`'s).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_end: String,
    /// Its interface's name in the container: `eth0`, `eth1`...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interface: String,
}

impl Lease {
    /// The name of its pair's end on the host.
    pub fn host_end(&self) -> String {
        if !self.host_end.is_empty() {
            return self.host_end.clone();
        }
        super::veth::host_name(&self.container)
    }
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
