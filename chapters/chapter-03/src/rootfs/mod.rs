//! The container's root filesystem: the directory it sees as `/`.

#[allow(dead_code)] // until your code uses it, in chapter 3
mod mounts;

use std::path::Path;

#[allow(unused_imports)] // until your code uses it, in chapter 3
use nix::mount::MsFlags;

use crate::sys;

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
    // Bind `rootfs` onto itself (it is both the source and the target of the bind), step
    // into it, and pivot_root(2) with `.` as both arguments, which stacks the old root on
    // top of the new one. Then detach the old root (it is at `.`), chdir to `/`, and mount
    // the container's own filesystems with `mounts::prepare`. Until then the container is
    // chrooted, as in chapter 1.
    sys::chroot(rootfs)?;
    sys::chdir(Path::new("/"))
}
