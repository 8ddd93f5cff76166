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
    // TODO(chapter 8): Allocate an address
    //   (the book: chapter 8, "Allocate an address")
    // Return the lowest address of `subnet` that a container may have and nobody has yet:
    // see "Allocate an address". Until then every container gets the same one.
    let _ = (gateway, taken);
    Some(Ipv4Addr::from(u32::from(subnet.network()) + 2))
}

/// One address in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The container's id.
    pub container: String,
    /// The process that holds it, by pid and start time: while it lives, the lease is good.
    pub holder: Holder,
}

impl Lease {
    /// The name of its pair's end on the host.
    pub fn host_end(&self) -> String {
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
