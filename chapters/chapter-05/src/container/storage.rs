//! The container's own directories for its root filesystem, when it is made of an image: made
//! before the child exists, removed on every way out.
//!
//! ```text
//!   ROOT/containers/<id>/
//!   ├── diff     overlayfs's upper: what the container changed
//!   ├── work     overlayfs's work directory
//!   └── merged   the mount point of the overlay, the container's `/`
//! ```

use std::path::{Path, PathBuf};

use super::{Error, Result};
use crate::config::{Config, Overlay, Root};
use crate::image::Image;

/// The root of a container of `image`: where its overlay will be, and from what, in paths
/// relative to the state root `state`.
pub fn root(state: &Path, id: &str, image: &Image) -> Root {
    let dir = dir(Path::new(""), id);
    Root {
        path: dir.join("merged"),
        overlay: Some(Overlay {
            // overlayfs lists the topmost layer first; an image's config, the bottom one.
            lower: image.links.iter().rev().cloned().collect(),
            upper: dir.join("diff"),
            work: dir.join("work"),
            base: state.to_path_buf(),
        }),
    }
}

fn dir(state: &Path, id: &str) -> PathBuf {
    state.join("containers").join(id)
}

/// The container's directories, removed when dropped.
pub struct ContainerStorage {
    dir: Option<PathBuf>,
}

impl ContainerStorage {
    /// Makes the directories of a container of an image; nothing for a root filesystem directory.
    pub fn create(state: &Path, config: &Config) -> Result<ContainerStorage> {
        let Some(overlay) = &config.root.overlay else {
            return Ok(ContainerStorage { dir: None });
        };
        let storage = ContainerStorage {
            dir: Some(dir(state, &config.id)),
        };
        for path in [&overlay.upper, &overlay.work, &config.root.path] {
            let path = overlay.base.join(path);
            std::fs::create_dir_all(&path).map_err(|err| Error::StateRoot {
                path,
                reason: crate::sys::describe(crate::sys::errno_of(err)),
            })?;
        }
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
