//! Files of the host's bound into the container (its resolver files, chapter 8), in two steps:
//! a copy of each one's mount made while the host's paths still lead to them, and attached once
//! the container's root and its /etc are its own. A plain `mount --bind` would need both paths
//! at once, and after `pivot_root(2)` the host's are gone.

use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use crate::sys;

/// One file of the host's, to appear at `destination` inside the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    pub source: PathBuf,
    pub destination: PathBuf,
}

/// A bind's source, as a mount of its own not attached anywhere yet.
pub struct Opened {
    tree: OwnedFd,
    bind: Bind,
}

/// Copies the mount of each bind's source, before the root changes: afterwards no path leads
/// out of the container's root.
pub fn open(binds: &[Bind]) -> sys::Result<Vec<Opened>> {
    binds
        .iter()
        .map(|bind| {
            Ok(Opened {
                tree: sys::open_tree_clone(&bind.source)?,
                bind: bind.clone(),
            })
        })
        .collect()
}

/// Attaches each copied mount at its destination, made (an empty file) if the image lacks it.
pub fn mount_all(opened: &[Opened]) -> sys::Result<()> {
    for Opened { tree, bind } in opened {
        if let Some(parent) = bind.destination.parent() {
            sys::mkdir_all(parent)?;
        }
        if std::fs::symlink_metadata(&bind.destination).is_err() {
            sys::create_file(&bind.destination)?;
        }
        sys::move_mount(tree.as_fd(), &bind.source, &bind.destination)?;
    }
    Ok(())
}

/// The resolver files of chapter 8, `/etc/NAME` bound from `dir/NAME`.
pub fn resolver_files(dir: &Path) -> Vec<Bind> {
    ["hostname", "hosts", "resolv.conf"]
        .into_iter()
        .map(|file| Bind {
            source: dir.join(file),
            destination: Path::new("/etc").join(file),
        })
        .collect()
}
