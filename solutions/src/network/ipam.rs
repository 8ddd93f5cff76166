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
// [ch09]
use super::store::Network;
// [ch09 end]
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

// [ch09]
/// The address `wanted` (`--ip`) for a container on `network`, whose addresses in use are
/// `taken`; refused as docker refuses it.
// [ch09 unsolved allow(unused_variables)]
pub fn claim(network: &Network, wanted: Ipv4Addr, taken: &Leases) -> Result<Ipv4Addr> {
    // [ch09 exercise claim: Give the address asked for]
    // A subnet minidock chose may be another tomorrow (the default network's, after --bip):
    // an address asked for must be of one the user chose.
    if !network.configured {
        return Err(Error::Invalid(
            "user specified IP address is supported only when connecting to networks with user \
             configured subnets"
                .into(),
        ));
    }
    if !network.subnet.contains(wanted) {
        return Err(Error::Invalid(format!(
            "Invalid address {wanted}: It does not belong to any of this network's subnets"
        )));
    }
    // The subnet's own address, its broadcast address and the gateway are never a container's;
    // an address leased is another's. An address outside --ip-range may be asked for.
    let reserved = [
        network.subnet.network(),
        network.subnet.broadcast(),
        network.gateway,
    ];
    if reserved.contains(&wanted) || taken.contains_key(&wanted) {
        return Err(Error::Invalid("Address already in use".into()));
    }
    Ok(wanted)
    // [ch09 mistake claim-gateway: chapter_09::networks::an_address_asked_for_is_given_or_refused_as_docker_does]
    //~ // The address must be in the subnet and free.
    //~ if !network.configured {
    //~     return Err(Error::Invalid(
    //~         "user specified IP address is supported only when connecting to networks with \
    //~          user configured subnets"
    //~             .into(),
    //~     ));
    //~ }
    //~ if !network.subnet.contains(wanted) {
    //~     return Err(Error::Invalid(format!(
    //~         "Invalid address {wanted}: It does not belong to any of this network's subnets"
    //~     )));
    //~ }
    //~ if taken.contains_key(&wanted) {
    //~     return Err(Error::Invalid("Address already in use".into()));
    //~ }
    //~ Ok(wanted)
    // [ch09 mistake claim-taken: chapter_09::networks::an_address_asked_for_is_given_or_refused_as_docker_does]
    //~ // An address of the subnet that is a host's.
    //~ if !network.configured || !network.subnet.contains(wanted) {
    //~     return Err(Error::Invalid(format!(
    //~         "Invalid address {wanted}: It does not belong to any of this network's subnets"
    //~     )));
    //~ }
    //~ let reserved = [network.subnet.network(), network.subnet.broadcast(), network.gateway];
    //~ if reserved.contains(&wanted) {
    //~     return Err(Error::Invalid("Address already in use".into()));
    //~ }
    //~ Ok(wanted)
    // [ch09 mistake claim-unconfigured: chapter_09::networks::an_address_asked_for_is_given_or_refused_as_docker_does]
    //~ // Any free host address of the subnet.
    //~ if !network.subnet.contains(wanted) {
    //~     return Err(Error::Invalid(format!(
    //~         "Invalid address {wanted}: It does not belong to any of this network's subnets"
    //~     )));
    //~ }
    //~ let reserved = [network.subnet.network(), network.subnet.broadcast(), network.gateway];
    //~ if reserved.contains(&wanted) || taken.contains_key(&wanted) {
    //~     return Err(Error::Invalid("Address already in use".into()));
    //~ }
    //~ Ok(wanted)
    // [ch09 before]
    //~ // Refuse what docker refuses (see "Give the address asked for"): an address on a network
    //~ // whose subnet minidock chose, outside the subnet, or not free. Until then, any address.
    //~ Ok(wanted)
    // [ch09 end]
}
// [ch09 end]

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
    /// The host's end of its pair, if not the one its container's id names (`eth0`'s).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_end: String,
    /// Its interface's name in the container: `eth0`, `eth1`...
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub interface: String,
    // [ch09 end]
}

impl Lease {
    /// The name of its pair's end on the host.
    pub fn host_end(&self) -> String {
        // [ch09]
        if !self.host_end.is_empty() {
            return self.host_end.clone();
        }
        // [ch09 end]
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
