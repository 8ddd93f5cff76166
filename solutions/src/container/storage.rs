// [ch05 file]
//! The container's own directories for its root filesystem, when it is made of an image: made
//! before the child exists, removed on every way out.
//!
//! ```text
//!   ROOT/containers/<id>/
//!   ├── diff     overlayfs's upper: what the container changed
//!   ├── work     overlayfs's work directory
//!   ├── merged   the mount point of the overlay, the container's `/`
//!   └── image    the id of its image, locked while the container runs
//! ```
//!
//! While the directory exists, the container uses its image: `rmi` reads `image` in each to know
//! which images it must keep, and whether their containers run (a minidock holds the file's
//! lock as long as its container lives; a minidock killed with -9 holds it no more).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::{Error, Result};
use crate::config::{Config, Overlay, Root};
use crate::image::{self, Image};

/// The root of a container of `image`: where its overlay will be, and from what.
pub fn root(state: &Path, id: &str, image: &Image) -> Root {
    let dir = dir(state, id);
    Root {
        path: dir.join("merged"),
        overlay: Some(Overlay {
            // overlayfs lists the topmost layer first; an image's config, the bottom one.
            lower: image.layers.iter().rev().cloned().collect(),
            upper: dir.join("diff"),
            work: dir.join("work"),
            image: image.id.to_string(),
        }),
    }
}

fn dir(state: &Path, id: &str) -> PathBuf {
    state.join("containers").join(id)
}

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
            let path = entry.path().join("image");
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

impl ContainerStorage {
    /// Makes the directories of a container of an image; nothing for a root filesystem directory.
    pub fn create(state: &Path, config: &Config) -> Result<ContainerStorage> {
        let Some(overlay) = &config.root.overlay else {
            return Ok(ContainerStorage {
                dir: None,
                _in_use: None,
            });
        };
        let mut storage = ContainerStorage {
            dir: Some(dir(state, &config.id)),
            _in_use: None,
        };
        let failed = |path: &Path| {
            let path = path.to_path_buf();
            move |err: std::io::Error| Error::StateRoot {
                path,
                reason: crate::sys::describe(crate::sys::errno_of(err)),
            }
        };
        for path in [&overlay.upper, &overlay.work, &config.root.path] {
            std::fs::create_dir_all(path).map_err(failed(path))?;
        }
        // The image is recorded, and its file locked, before the container exists: from now
        // on, `rmi` leaves the image alone. The lock's file is opened close-on-exec, so the
        // container's command does not inherit it. Recorded under the store's lock, where `rmi`
        // decides, and once the image is found still there: an `rmi` that came between finding
        // the image and this moment has removed it, and the container must not start.
        let store = image::store::Store::open(state).map_err(|e| Error::StateRoot {
            path: state.join("image"),
            reason: e.to_string(),
        })?;
        let _locked = store.lock().map_err(|e| Error::StateRoot {
            path: state.join("image"),
            reason: e.to_string(),
        })?;
        let still_there = overlay
            .image
            .parse::<image::digest::Digest>()
            .is_ok_and(|id| store.blob(&id).is_ok());
        if !still_there {
            return Err(Error::StateRoot {
                path: state.join("image"),
                reason: format!("the image {} was removed meanwhile", overlay.image),
            });
        }
        let path = dir(state, &config.id).join("image");
        let mut file = File::create(&path).map_err(failed(&path))?;
        file.write_all(overlay.image.as_bytes())
            .map_err(failed(&path))?;
        let lock = Flock::lock(file, FlockArg::LockExclusiveNonblock)
            .map_err(|(_, errno)| failed(&path)(errno.into()))?;
        storage._in_use = Some(lock);
        Ok(storage)
    }
}

impl Drop for ContainerStorage {
    fn drop(&mut self) {
        // The overlay was mounted in the container's own mount namespace, gone with it: what is
        // left here is plain directories.
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
