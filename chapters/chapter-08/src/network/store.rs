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
}

impl Network {
    /// The addresses its containers are given from: its subnet.
    pub fn pool(&self) -> Subnet {
        self.subnet
    }
}

/// The directory of the network `name`.
pub fn dir(root: &Path, name: &str) -> PathBuf {
    root.join("networks").join(name)
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
