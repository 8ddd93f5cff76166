//! The container's root filesystem: the directory it sees as `/`.

#[allow(dead_code)] // until your code uses it, in chapter 3
mod mounts;

use std::path::Path;

#[allow(unused_imports)] // until your code uses it, in chapter 3
use nix::mount::MsFlags;

use crate::sys;

/// Where the old root is put while it is being detached, relative to the new root.
#[allow(dead_code)] // until your code uses it, in chapter 3
const OLD_ROOT: &str = ".old-root";

/// Makes `rootfs` the root directory of the container: the directory the command and everything
/// it starts see as `/`.
///
/// Runs in the container's first process, before it executes the command.
pub fn enter(rootfs: &Path) -> sys::Result<()> {
    // In its own mount namespace, with its own /proc, /dev, /sys and /tmp.
    make_mounts_private()?;
    pivot(rootfs)
}

/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // TODO(chapter 3): Make every mount private
    //   (the book: chapter 3, "Make every mount private")
    // Make every mount of the container's namespace private, recursively from `/`, with
    // `sys::mount`. Until then, what the container mounts may show up on the host.
    Ok(())
}

/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Pivot to the new root
    //   (the book: chapter 3, "Pivot to the new root")
    // Bind `rootfs` onto itself, pivot_root(2) into it with the old root put in `OLD_ROOT`,
    // then detach and remove the old root, and mount the container's own filesystems with
    // `mounts::prepare`. Until then the container is chrooted, as in chapter 1.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
