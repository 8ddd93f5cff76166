//! The container's root filesystem: the directory it sees as `/`.

mod mounts;

use std::path::Path;

use nix::mount::MsFlags;

use crate::sys;

/// Where the old root is put while it is being detached, relative to the new root.
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
    // pivot_root(2) wants the new root to be a mount point: bind the directory onto itself.
    sys::mount(
        Some(&rootfs.to_string_lossy()),
        rootfs,
        None,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None,
    )?;
    let old_root = rootfs.join(OLD_ROOT);
    sys::mkdir_all(&old_root)?;
    sys::pivot_root(rootfs, &old_root)?;
    // The working directory still points into the old tree, like after chroot.
    sys::chdir(Path::new("/"))?;
    // The whole host filesystem now hangs at /.old-root: detach it, and it is gone for good,
    // with no way back, unlike after chroot.
    let old_root = Path::new("/").join(OLD_ROOT);
    sys::umount_detach(&old_root)?;
    sys::rmdir(&old_root)?;
    // Now that `/` is the container's own, it gets its own filesystems.
    mounts::prepare()
}
