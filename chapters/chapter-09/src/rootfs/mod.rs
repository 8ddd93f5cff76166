//! The container's root filesystem: the directory it sees as `/`.

pub mod binds;
mod mounts;
pub mod overlay;
pub mod tmpfs;

use std::path::Path;

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
    // A container of an image: its root is the image's layers and its own changes, stacked now
    // that a mount made here stays here.
    if let Some(layers) = &root.overlay {
        // Its paths are short, relative to the state root (see `config::Overlay`): mount, and
        // pivot, from there.
        sys::chdir(&layers.base)?;
        overlay::mount(layers, rootfs)?;
    }
    pivot(rootfs)
}

/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // A new mount namespace starts as a copy of minidock's, and where a mount was shared (as `/`
    // is on any systemd host) the copy is its peer: mounts made on either side appear on the
    // other. MS_REC | MS_PRIVATE on `/` turns every mount of the new namespace private.
    sys::mount(
        None,
        Path::new("/"),
        None,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None,
    )
}

/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // pivot_root(2) wants the new root to be a mount point: bind the directory onto itself
    // (source and target are the same path).
    sys::mount(
        Some(rootfs),
        rootfs,
        None,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None,
    )?;
    // pivot_root(".", "."), an idea of LXC's that runc uses too: from inside the new root, the
    // old root is put on the new root itself, stacked on top of it, so no directory of the image
    // has to hold it. Every container of an image pivots in the image's one directory, possibly
    // at the same moment: a name made and removed there would be fought over, and could be the
    // image's own.
    sys::chdir(rootfs)?;
    sys::pivot_root(Path::new("."), Path::new("."))?;
    // umount2(2) acts on the topmost mount at its path, and at `.` that is now the old root, with
    // the host's whole tree: detach it (lazily, as it is busy) and it is gone for good, with no
    // way back, unlike after chroot. What remains at `/` is the image.
    sys::umount_detach(Path::new("."))?;
    // The working directory is the new root already; make certain of it, as after chroot.
    sys::chdir(Path::new("/"))?;
    // Now that `/` is the container's own, it gets its own filesystems.
    mounts::prepare()
}
