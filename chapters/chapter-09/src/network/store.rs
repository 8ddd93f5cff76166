//! Networks in the state store, each a directory of its own:
//!
//! ```text
//!   ROOT/networks/bridge/
//!   ├── network.json   what it is: its id, its bridge, its subnet and gateway
//!   ├── leases.json    its addresses in use (see `ipam`)
//!   └── lock           flock(2)ed by whoever reads and changes the two
//! ```
//!
//! The kernel's side of a network (its bridge) is made when a container first needs it, from
//! this record; after a reboot the record is still here, and the bridge is made again.

use std::fs::File;
use std::io::{Read, Write};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use super::subnet::Subnet;
use super::{Error, Result};

/// The default network's name, as docker names its own.
pub const DEFAULT: &str = "bridge";

/// The default network's bridge.
pub const BRIDGE: &str = "minidock0";

/// A network, as its record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub name: String,
    /// 64 hex digits, as docker's network ids.
    pub id: String,
    /// The Linux bridge its containers' veths are plugged into.
    pub bridge: String,
    pub subnet: Subnet,
    /// The bridge's own address in the subnet: the containers' way out.
    pub gateway: Ipv4Addr,
    /// The part of the subnet containers' addresses are taken from (`--ip-range`), if not all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_range: Option<Subnet>,
    /// Whether its subnet was given (`--subnet`): only then may a container ask for an address
    /// of its own (`--ip`), which no other network could have been given.
    #[serde(default)]
    pub configured: bool,
    /// When it was made, as RFC 3339 (`network inspect`'s `Created`).
    #[serde(default)]
    pub created: String,
    /// For a macvlan network (`-d macvlan -o parent=IF`), the host's link its containers'
    /// interfaces stack on; it has no bridge then (`bridge` is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

impl Network {
    /// Its driver, as `network ls` names it.
    pub fn driver(&self) -> &'static str {
        match self.parent {
            Some(_) => "macvlan",
            None => "bridge",
        }
    }

    /// The addresses its containers are given from: its subnet.
    pub fn pool(&self) -> Subnet {
        // Or the part of it that --ip-range names.
        if let Some(range) = self.ip_range {
            return range;
        }
        self.subnet
    }
}

/// The directory of the network `name`.
pub fn dir(root: &Path, name: &str) -> PathBuf {
    root.join("networks").join(name)
}

/// The directory of every network's.
pub fn networks_dir(root: &Path) -> PathBuf {
    root.join("networks")
}

/// The state root of a network's directory.
pub fn root_of(network_dir: &Path) -> PathBuf {
    network_dir
        .parent()
        .and_then(Path::parent)
        .map_or_else(PathBuf::new, Path::to_path_buf)
}

/// Every network recorded, in the order of their names.
pub fn all(root: &Path) -> Result<Vec<Network>> {
    let dir = networks_dir(root);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::store(&dir, e.to_string())),
    };
    let mut networks = Vec::new();
    // A directory each; beside them, the firewall's files.
    for entry in entries.flatten().filter(|entry| entry.path().is_dir()) {
        if let Some(network) = read_json::<Network>(&entry.path().join("network.json"))? {
            networks.push(network);
        }
    }
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(networks)
}

/// The network `reference` names: by its name, its id, or the start of its id if no other
/// network's starts so.
pub fn find(root: &Path, reference: &str) -> Result<Network> {
    let not_found = || Error::NotFound(reference.to_string());
    if reference.is_empty() || reference.contains('/') {
        return Err(not_found());
    }
    if let Some(network) = read_json::<Network>(&dir(root, reference).join("network.json"))? {
        return Ok(network);
    }
    let mut found = all(root)?
        .into_iter()
        .filter(|network| network.id.starts_with(reference));
    match (found.next(), found.next()) {
        (Some(network), None) => Ok(network),
        _ => Err(not_found()),
    }
}

/// Takes the network's lock (making its directory if need be), waiting for whoever holds it.
pub fn lock(dir: &Path) -> Result<Flock<File>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::store(dir, e.to_string()))?;
    let path = dir.join("lock");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::store(&path, e.to_string()))?;
    Flock::lock(file, FlockArg::LockExclusive)
        .map_err(|(_, errno)| Error::store(&path, crate::sys::describe(errno)))
}

/// The value in `file`, or `None` if there is no such file.
pub fn read_json<T: serde::de::DeserializeOwned>(file: &Path) -> Result<Option<T>> {
    let mut bytes = Vec::new();
    match File::open(file).and_then(|mut f| f.read_to_end(&mut bytes)) {
        Ok(_) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::store(file, e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::store(file, e.to_string())),
    }
}

/// Writes `value` to `file` whole: to a temporary file first, then renamed over it.
pub fn write_json(file: &Path, value: &impl Serialize) -> Result<()> {
    let temporary = file.with_extension(format!("tmp-{}", std::process::id()));
    let bytes = serde_json::to_vec(value).expect("a record serializes");
    File::create(&temporary)
        .and_then(|mut f| f.write_all(&bytes))
        .and_then(|()| std::fs::rename(&temporary, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            Error::store(file, e.to_string())
        })
}
