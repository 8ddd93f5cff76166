//! The container's own root filesystem, when it is made of an image: made by minidock before the
//! child exists, removed on every way out. Two storage drivers make it, behind one trait, and
//! `--storage-driver` (or `MINIDOCK_STORAGE_DRIVER`) chooses:
//!
//! ```text
//!   ROOT/containers/<id>/
//!   ├── driver   the name of the driver that made what is here: the one that removes it
//!   ├── image    the id of its image, locked while the container runs
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
//!
//! While the directory exists, the container uses its image: `rmi` reads `image` in each to know
//! which images it must keep, and whether their containers run (a minidock holds the file's
//! lock as long as its container lives; a minidock killed with -9 holds it no more).

pub mod changes;
pub mod files;
mod overlay;
mod vfs;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

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
/// The file that says the driver has made the container's files whole.
const MADE: &str = "made";

/// The driver that made the container directory `dir`, as it recorded there. A directory without
/// a record was left half made by the default driver, before it wrote one.
fn recorded(dir: &Path) -> StorageDriver {
    match std::fs::read_to_string(dir.join(RECORD)).as_deref() {
        Ok("vfs") => StorageDriver::Vfs,
        _ => StorageDriver::Overlay,
    }
}

/// Removes a container's directory `dir` with the driver that made what is in it.
pub fn remove(dir: &Path) {
    let _ = driver(recorded(dir)).remove(dir);
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
    /// The lock on `image`, held while the container lives.
    _in_use: Option<Flock<File>>,
}

/// A container that uses an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The container's id.
    pub id: String,
    /// Whether its minidock still holds it: a container whose minidock was killed is stopped.
    pub running: bool,
}

/// The containers that use the image `image` (its id, `sha256:...`), under the state root
/// `state`.
pub fn users(state: &Path, image: &str) -> Vec<User> {
    let Ok(entries) = std::fs::read_dir(state.join("containers")) else {
        return Vec::new();
    };
    let mut users: Vec<User> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path().join(IMAGE);
            let recorded = std::fs::read_to_string(&path).ok()?;
            (recorded.trim() == image).then(|| User {
                id: entry.file_name().to_string_lossy().into_owned(),
                running: File::open(&path)
                    .is_ok_and(|file| Flock::lock(file, FlockArg::LockSharedNonblock).is_err()),
            })
        })
        .collect();
    users.sort_by(|a, b| b.running.cmp(&a.running).then(a.id.cmp(&b.id)));
    users
}

/// The file in a container's directory that names its image.
const IMAGE: &str = "image";

impl ContainerStorage {
    /// Makes the root filesystem of a container of an image, with its driver; nothing for a root
    /// filesystem directory.
    pub fn create(state: &Path, config: &Config) -> Result<ContainerStorage> {
        let Some(storage) = &config.storage else {
            return Ok(ContainerStorage {
                dir: None,
                _in_use: None,
            });
        };
        let dir = dir(state, &config.id);
        // Made by an earlier start of the container: its files are its own now, the writes of
        // its earlier runs included, and stay as they are (`restart`, or `start` after `stop`).
        if dir.join(MADE).exists() {
            return Ok(ContainerStorage {
                dir: None,
                _in_use: Some(record_image(state, &dir, &storage.image)?),
            });
        }
        // From here on, whatever fails, Drop removes what was made.
        let mut made = ContainerStorage {
            dir: Some(dir.clone()),
            _in_use: None,
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
        made._in_use = Some(record_image(state, &dir, &storage.image)?);
        driver(storage.driver).create(&dir, &config.root, storage)?;
        let whole = dir.join(MADE);
        std::fs::write(&whole, "").map_err(|err| failed(&whole, err))?;
        Ok(made)
    }
}

/// Records that the container in `dir` uses the image `image`, and returns the record's lock.
///
/// The image is recorded, and its file locked, before the container exists: from now on, `rmi`
/// leaves the image alone. The lock's file is opened close-on-exec, so the container's command
/// does not inherit it. Recorded under the store's lock, where `rmi` decides, and once the image
/// is found still there: an `rmi` that came between finding the image and this moment has
/// removed it, and the container must not start.
fn record_image(state: &Path, dir: &Path, image: &str) -> Result<Flock<File>> {
    let store_error = |e: crate::image::store::Error| Error::Dir {
        path: state.join("image"),
        reason: e.to_string(),
    };
    let store = crate::image::store::Store::open(state).map_err(store_error)?;
    let _locked = store.lock().map_err(store_error)?;
    let still_there = image
        .parse::<crate::image::digest::Digest>()
        .is_ok_and(|id| store.blob(&id).is_ok());
    if !still_there {
        return Err(Error::Dir {
            path: state.join("image"),
            reason: format!("the image {image} was removed meanwhile"),
        });
    }
    let path = dir.join(IMAGE);
    let failed = |err: std::io::Error| Error::Dir {
        path: path.clone(),
        reason: sys::describe(sys::errno_of(err)),
    };
    let mut file = File::create(&path).map_err(failed)?;
    file.write_all(image.as_bytes()).map_err(failed)?;
    Flock::lock(file, FlockArg::LockExclusiveNonblock).map_err(|(_, errno)| failed(errno.into()))
}

impl ContainerStorage {
    /// Keeps the container's files when it ends: a container without `--rm` stays, exited,
    /// until `rm` removes it. (The image's lock goes: nothing runs of it any more.)
    pub fn keep(&mut self) {
        self.dir = None;
    }
}

impl Drop for ContainerStorage {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = driver(recorded(dir)).remove(dir);
        }
    }
}
