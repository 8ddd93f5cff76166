//! The `overlay` driver: the image's layers, read-only and shared by every container of the
//! image, under a directory of the container's own that takes its changes. minidock makes the
//! directories; the container's first process mounts the overlay (`rootfs::enter`), in its own
//! mount namespace, where it vanishes with the container.

use std::path::Path;

use nix::sys::statfs::{ECRYPTFS_SUPER_MAGIC, OVERLAYFS_SUPER_MAGIC};

use super::{Driver, Error, Result};
use crate::config::{self, Root, Storage, StorageDriver};
use crate::sys;

pub struct Overlay;

impl Driver for Overlay {
    fn kind(&self) -> StorageDriver {
        StorageDriver::Overlay
    }

    /// overlayfs refuses an upper directory on an overlayfs (as inside a container whose own
    /// root is an overlay), and on filesystems that cannot store its whiteouts and attributes:
    /// the mount would fail in the child, with a bare "invalid argument". Said here instead,
    /// before anything exists, with the way out. The store's own filesystem is the one that
    /// counts: the layers and the containers' directories are both on it.
    fn check(&self, state: &Path) -> Result<()> {
        let Some(kind) = state.ancestors().find_map(|p| sys::filesystem_type(p).ok()) else {
            return Ok(());
        };
        if kind == OVERLAYFS_SUPER_MAGIC || kind == ECRYPTFS_SUPER_MAGIC {
            return Err(Error::Unsupported {
                driver: self.kind().name(),
                path: state.to_path_buf(),
                filesystem: super::backing_filesystem(state),
            });
        }
        Ok(())
    }

    /// Every path relative to the state root, which the child changes into to mount: see
    /// `config::Overlay::base`.
    fn root(&self, dir: &Path, storage: &Storage) -> Root {
        let dir = dir.strip_prefix(&storage.base).unwrap_or(dir);
        Root {
            path: dir.join("merged"),
            overlay: Some(config::Overlay {
                // overlayfs lists the topmost layer first; an image's config, the bottom one.
                lower: storage.layers.iter().rev().cloned().collect(),
                upper: dir.join("diff"),
                work: dir.join("work"),
                base: storage.base.clone(),
            }),
        }
    }

    fn create(&self, _dir: &Path, root: &Root, _storage: &Storage) -> Result<()> {
        let Some(overlay) = &root.overlay else {
            return Ok(());
        };
        for path in [&overlay.upper, &overlay.work, &root.path] {
            let path = overlay.base.join(path);
            std::fs::create_dir_all(&path).map_err(|err| Error::Dir {
                path,
                reason: sys::describe(sys::errno_of(err)),
            })?;
        }
        Ok(())
    }
}
