//! The container's own root filesystem, when it is made of an image: made by minidock before the
//! child exists, removed on every way out. Two storage drivers make it, behind one trait, and
//! `--storage-driver` (or `MINIDOCK_STORAGE_DRIVER`) chooses:
//!
//! ```text
//!   ROOT/containers/<id>/
//!   ├── driver   the name of the driver that made what is here: the one that removes it
//!   │
//!   │  overlay (the default): the image's layers, shared, stacked by overlayfs in the child
//!   ├── diff     overlayfs's upper: what the container changed
//!   ├── work     overlayfs's work directory
//!   ├── merged   the mount point of the overlay, the container's `/`
//!   │
//!   │  vfs: no mount at all, for where overlayfs cannot be used
//!   └── rootfs   a full copy of the image's layers, applied bottom up: the container's `/`
//! ```
//!
//! The layers in the store are the same for both: extracted once, whiteouts stored as overlayfs
//! reads them, which `vfs` reads too when it copies.

mod overlay;
mod vfs;

use std::path::{Path, PathBuf};

use crate::config::{Config, Root, Storage, StorageDriver};
use crate::sys;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "storage driver {driver}: the state directory {path:?} is on {filesystem}, which cannot \
         hold an overlay's upper directory: use --storage-driver vfs (or \
         MINIDOCK_STORAGE_DRIVER=vfs), or a --root on another filesystem"
    )]
    Unsupported {
        driver: &'static str,
        path: PathBuf,
        filesystem: &'static str,
    },
    #[error("state directory {path:?}: {reason}")]
    Dir { path: PathBuf, reason: String },
    #[error("copying the layer {layer:?}: {entry:?}: {reason}")]
    Copy {
        layer: PathBuf,
        entry: PathBuf,
        reason: String,
    },
}

pub type Result<T> = std::result::Result<T, Error>;

/// A way of making a container's root filesystem out of an image's layers.
pub trait Driver {
    /// Which one it is.
    fn kind(&self) -> StorageDriver;

    /// Whether its containers can live under the state directory `state`: asked before anything
    /// is made.
    fn check(&self, state: &Path) -> Result<()>;

    /// The root of a container whose own directory is `dir`: where it will be, and what the
    /// container's first process mounts there (`rootfs::enter`). Makes nothing.
    fn root(&self, dir: &Path, storage: &Storage) -> Root;

    /// Makes what `root` needs under `dir`, in minidock, before the child exists.
    fn create(&self, dir: &Path, root: &Root, storage: &Storage) -> Result<()>;

    /// Removes what `create` made, and `dir` itself. Neither driver leaves anything mounted on
    /// the host (overlay mounts in the container's own mount namespace, gone with it), so both
    /// remove plain directories; a driver that mounted on the host would unmount here first.
    fn remove(&self, dir: &Path) -> Result<()> {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(Error::Dir {
                path: dir.to_path_buf(),
                reason: sys::describe(sys::errno_of(err)),
            }),
        }
    }
}

/// The driver of that name.
pub fn driver(kind: StorageDriver) -> &'static dyn Driver {
    match kind {
        StorageDriver::Overlay => &overlay::Overlay,
        StorageDriver::Vfs => &vfs::Vfs,
    }
}

/// The root of the container `id` of an image, as `storage`'s driver will make it under the
/// state directory `state`; an error if that driver cannot be used there.
pub fn root(state: &Path, id: &str, storage: &Storage) -> Result<Root> {
    let driver = driver(storage.driver);
    driver.check(state)?;
    Ok(driver.root(&dir(state, id), storage))
}

fn dir(state: &Path, id: &str) -> PathBuf {
    state.join("containers").join(id)
}

/// The file in a container's directory that names the driver that made it.
const RECORD: &str = "driver";

/// The driver that made the container directory `dir`, as it recorded there. A directory without
/// a record was left half made by the default driver, before it wrote one.
fn recorded(dir: &Path) -> StorageDriver {
    match std::fs::read_to_string(dir.join(RECORD)).as_deref() {
        Ok("vfs") => StorageDriver::Vfs,
        _ => StorageDriver::Overlay,
    }
}

/// The filesystem `path` is on (or would be, for a path not made yet), by docker's names.
pub fn backing_filesystem(path: &Path) -> &'static str {
    use nix::sys::statfs::*;
    let Some(kind) = path.ancestors().find_map(|p| sys::filesystem_type(p).ok()) else {
        return "<unknown>";
    };
    match kind {
        EXT4_SUPER_MAGIC => "extfs",
        XFS_SUPER_MAGIC => "xfs",
        BTRFS_SUPER_MAGIC => "btrfs",
        TMPFS_MAGIC => "tmpfs",
        OVERLAYFS_SUPER_MAGIC => "overlayfs",
        ECRYPTFS_SUPER_MAGIC => "ecryptfs",
        NFS_SUPER_MAGIC => "nfs",
        kind if kind == ZFS_SUPER_MAGIC => "zfs",
        kind if kind == AUFS_SUPER_MAGIC => "aufs",
        F2FS_SUPER_MAGIC => "f2fs",
        _ => "<unknown>",
    }
}

const ZFS_SUPER_MAGIC: nix::sys::statfs::FsType =
    nix::sys::statfs::FsType(0x2fc1_2fc2 as libc::__fsword_t);
const AUFS_SUPER_MAGIC: nix::sys::statfs::FsType =
    nix::sys::statfs::FsType(0x6175_6673 as libc::__fsword_t);

/// The container's directories, removed when dropped.
pub struct ContainerStorage {
    dir: Option<PathBuf>,
}

impl ContainerStorage {
    /// Makes the root filesystem of a container of an image, with its driver; nothing for a root
    /// filesystem directory.
    pub fn create(state: &Path, config: &Config) -> Result<ContainerStorage> {
        let Some(storage) = &config.storage else {
            return Ok(ContainerStorage { dir: None });
        };
        let dir = dir(state, &config.id);
        // From here on, whatever fails, Drop removes what was made.
        let made = ContainerStorage {
            dir: Some(dir.clone()),
        };
        let failed = |path: &Path, err: std::io::Error| Error::Dir {
            path: path.to_path_buf(),
            reason: sys::describe(sys::errno_of(err)),
        };
        std::fs::create_dir_all(&dir).map_err(|err| failed(&dir, err))?;
        // The record first: whatever the driver makes next, the right one removes it, also from
        // a later command (a container that outlives its `run`, from chapter 6 on).
        let record = dir.join(RECORD);
        std::fs::write(&record, storage.driver.name()).map_err(|err| failed(&record, err))?;
        driver(storage.driver).create(&dir, &config.root, storage)?;
        Ok(made)
    }
}

impl Drop for ContainerStorage {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = driver(recorded(dir)).remove(dir);
        }
    }
}
