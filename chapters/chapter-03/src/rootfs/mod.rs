//! The container's root filesystem: the directory it sees as `/`.

#[allow(dead_code)] // until your code uses it, in chapter 3
mod mounts;
pub mod tmpfs;

use std::path::Path;

#[allow(unused_imports)] // until your code uses it, in chapter 3
use nix::mount::MsFlags;

use crate::config::Root;
use crate::sys;

/// Makes `root`'s directory the root directory of the container: the directory the command and
/// everything it starts see as `/`.
///
/// Runs in the container's first process, before it executes the command.
pub fn enter(root: &Root) -> sys::Result<()> {
    let rootfs = root.path.as_path();
    // In its own mount namespace, with its own /proc, /dev, /sys and /tmp.
    make_mounts_private()?;
    pivot(rootfs)
}

/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // TODO(chapter 3): Make every mount private
    //   (the book: chapter 3, "Make every mount private")
    // Cut every link by which a mount or an unmount travels between the container's mount
    // namespace and the host's, for every mount of the namespace and not only its root: see
    // "Propagation: shared, private, slave". Until then, what the container mounts may show
    // up on the host.
    Ok(())
}

/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Pivot to the new root
    //   (the book: chapter 3, "Pivot to the new root")
    // Make `rootfs` the root of the container's mount namespace, in place of chroot: meet
    // what pivot_root(2) demands of the new root ("`pivot_root(2)`"), make no name in the
    // image for the old root and leave nothing of it in the namespace ("Where the old root
    // goes"), then give the container its own filesystems (`mounts::prepare`), in its own
    // tree. Until then the container is chrooted, as in chapter 1.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
