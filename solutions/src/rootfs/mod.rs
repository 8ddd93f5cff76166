//! The container's root filesystem: the directory it sees as `/`.

// [ch03]
// [ch03 unsolved allow(dead_code)]
mod mounts;
pub mod tmpfs;
// [ch03 end]
// [ch08]
pub mod binds;
// [ch08 end]
pub mod overlay; // [ch05]

// [ch01 unsolved allow(unused_imports)]
use std::path::Path;

// [ch03]
// [ch03 unsolved allow(unused_imports)]
use nix::mount::MsFlags;
// [ch03 end]

use crate::config::Root;
use crate::sys;

/// Makes `root`'s directory the root directory of the container: the directory the command and
/// everything it starts see as `/`.
///
/// Runs in the container's first process, before it executes the command.
// [ch01 unsolved allow(dead_code)]
pub fn enter(root: &Root) -> sys::Result<()> {
    let rootfs = root.path.as_path();
    // [ch01..ch03 exercise chroot: Change the root directory]
    //~ // chroot(2) changes what `/` means for this process, but not its working directory, which
    //~ // still points into the host's tree: step into the new root as well.
    //~ sys::chroot(rootfs)?;
    //~ sys::chdir(Path::new("/"))
    // [ch01..ch03 mistake chroot-without-chdir: chapter_01::the_command_starts_in_the_images_root]
    //~ // chroot(2) makes `rootfs` the process's `/`: nothing more to do.
    //~ sys::chroot(rootfs)
    // [ch01..ch03 mistake chdir-before-chroot: chapter_01::the_command_starts_in_the_images_root]
    //~ // Step to the root, then make the image the root.
    //~ sys::chdir(Path::new("/"))?;
    //~ sys::chroot(rootfs)
    // [ch01..ch03 before]
    //~ // Make `rootfs` the whole filesystem of this process: what its paths start from, and
    //~ // where it stands, so that no path it writes leads back into the host's tree.
    //~ let _ = rootfs;
    //~ Ok(())
    // [ch01..ch03 end]
    // [ch03]
    // In its own mount namespace, with its own /proc, /dev, /sys and /tmp.
    make_mounts_private()?;
    // [ch05]
    // A container of an image: its root is the image's layers and its own changes, stacked now
    // that a mount made here stays here.
    if let Some(layers) = &root.overlay {
        // Its paths are short, relative to the state root (see `config::Overlay`): mount, and
        // pivot, from there.
        sys::chdir(&layers.base)?;
        overlay::mount(layers, rootfs)?;
    }
    // [ch05 end]
    pivot(rootfs)
    // [ch03 end]
}

// [ch03]
/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // [ch03 exercise private-mounts: Make every mount private]
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
    // [ch03 mistake private-skipped: chapter_03::mounts_made_inside_stay_inside]
    //~ // The container has a mount namespace of its own: its mounts are its own already.
    //~ Ok(())
    // [ch03 mistake private-not-recursive: chapter_03::mounts_made_inside_stay_inside]
    //~ // `/` private is enough for pivot_root, but every mount below it stays shared.
    //~ sys::mount(None, Path::new("/"), None, MsFlags::MS_PRIVATE, None)
    // [ch03 before]
    //~ // Cut every link by which a mount or an unmount travels between the container's mount
    //~ // namespace and the host's, for every mount of the namespace and not only its root: see
    //~ // "Propagation: shared, private, slave". Until then, what the container mounts may show
    //~ // up on the host.
    //~ Ok(())
    // [ch03 end]
}

/// Switches the root of the mount namespace to `rootfs` and detaches the old one.
fn pivot(rootfs: &Path) -> sys::Result<()> {
    // [ch03 exercise pivot-root: Pivot to the new root]
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
    // [ch03 mistake pivot-outside-rootfs: chapter_03::a_chroot_escape_finds_no_host]
    //~ // The new root is bound onto itself, and `.` is where minidock runs: not the image.
    //~ sys::mount(Some(rootfs), rootfs, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
    //~ sys::pivot_root(Path::new("."), Path::new("."))?;
    //~ sys::umount_detach(Path::new("."))?;
    //~ sys::chdir(Path::new("/"))?;
    //~ mounts::prepare()
    // [ch03 mistake mounts-before-pivot: chapter_03::proc_shows_only_the_containers_processes]
    //~ // The container's own filesystems first, then the pivot.
    //~ mounts::prepare()?;
    //~ sys::mount(Some(rootfs), rootfs, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
    //~ sys::chdir(rootfs)?;
    //~ sys::pivot_root(Path::new("."), Path::new("."))?;
    //~ sys::umount_detach(Path::new("."))?;
    //~ sys::chdir(Path::new("/"))
    // [ch03 mistake pivot-without-bind: chapter_03::a_chroot_escape_finds_no_host]
    //~ // The image is a directory: pivot_root can make it the root as it is.
    //~ sys::chdir(rootfs)?;
    //~ sys::pivot_root(Path::new("."), Path::new("."))?;
    //~ sys::umount_detach(Path::new("."))?;
    //~ sys::chdir(Path::new("/"))?;
    //~ mounts::prepare()
    // [ch03 mistake detach-by-image-path: chapter_03::a_chroot_escape_finds_no_host]
    //~ // The old root is detached by the path the pivot was given.
    //~ sys::mount(Some(rootfs), rootfs, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
    //~ sys::chdir(rootfs)?;
    //~ sys::pivot_root(Path::new("."), Path::new("."))?;
    //~ sys::umount_detach(rootfs)?;
    //~ sys::chdir(Path::new("/"))?;
    //~ mounts::prepare()
    // [ch03 mistake old-root-kept: chapter_03::a_chroot_escape_finds_no_host]
    //~ // pivot_root(2) has moved the root: the old one is out of the way.
    //~ sys::mount(Some(rootfs), rootfs, None, MsFlags::MS_BIND | MsFlags::MS_REC, None)?;
    //~ sys::chdir(rootfs)?;
    //~ sys::pivot_root(Path::new("."), Path::new("."))?;
    //~ sys::chdir(Path::new("/"))?;
    //~ mounts::prepare()
    // [ch03 before]
    //~ // Make `rootfs` the root of the container's mount namespace, in place of chroot: meet
    //~ // what pivot_root(2) demands of the new root ("`pivot_root(2)`"), make no name in the
    //~ // image for the old root and leave nothing of it in the namespace ("Where the old root
    //~ // goes"), then give the container its own filesystems (`mounts::prepare`), in its own
    //~ // tree. Until then the container is chrooted, as in chapter 1.
    //~ sys::chroot(rootfs)?;
    //~ sys::chdir(Path::new("/"))
    // [ch03 end]
}
// [ch03 end]
