//! The `vfs` driver: a full copy of the image for each container, in a plain directory, where
//! overlayfs cannot be used (a state directory that is itself on an overlay, inside another
//! container). Slow to start and heavy on disk, but it needs nothing of the filesystem beyond
//! files: docker's fallback of last resort, and a plain directory's way of seeing what overlayfs
//! does.
//!
//! The layers are applied bottom up, as overlayfs stacks them, reading the whiteouts as the store
//! keeps them: a character device 0/0 deletes what the layers below had at its name, a directory
//! marked `trusted.overlay.opaque` = `y` hides everything they had below it. Hard links within a
//! layer stay links; owners, modes, extended attributes, devices, symbolic links (as they are)
//! and times are kept.
//!
//! A layer's content came from whoever built the image: as in `image::layer`, nothing is ever
//! reached by a path from the host's root. Every entry is read and written relative to a
//! descriptor of its directory, opened without following a symbolic link, so a link of the layer
//! is copied as a link and never followed out. The calls go to nix directly: an image has
//! thousands of entries, and `--explain` narrates one line per layer instead.

use std::collections::HashMap;
use std::ffi::{CStr, CString, OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{openat2, AtFlags, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{self, FileStat, Mode, SFlag};
use nix::sys::time::TimeSpec;
use nix::unistd::{self, Gid, Uid, UnlinkatFlags};

use super::{Driver, Error, Result};
use crate::config::{Root, Storage, StorageDriver};
use crate::sys;

pub struct Vfs;

impl Driver for Vfs {
    fn kind(&self) -> StorageDriver {
        StorageDriver::Vfs
    }

    /// Any filesystem that holds files will do.
    fn check(&self, _state: &Path) -> Result<()> {
        Ok(())
    }

    fn root(&self, dir: &Path, _storage: &Storage) -> Root {
        Root {
            path: dir.join("rootfs"),
            overlay: None,
        }
    }

    fn create(&self, _dir: &Path, root: &Root, storage: &Storage) -> Result<()> {
        let rootfs = &root.path;
        std::fs::create_dir(rootfs).map_err(|err| Error::Dir {
            path: rootfs.clone(),
            reason: sys::describe(sys::errno_of(err)),
        })?;
        let count = storage.layers.len();
        for (index, layer) in storage.layers.iter().enumerate() {
            let layer = &storage.base.join(layer);
            let (from, to) = (layer.to_string_lossy(), rootfs.to_string_lossy());
            sys::narrate(
                &format!(
                    "copy layer {} of {count} {layer:?} into {rootfs:?}",
                    index + 1
                ),
                &format!(
                    "cp -a {}/. {}/, then rm what its whiteouts name",
                    sys::shell_quote(&from),
                    sys::shell_quote(&to)
                ),
            );
            apply(layer, rootfs).map_err(|(entry, reason)| Error::Copy {
                layer: layer.clone(),
                entry,
                reason,
            })?;
        }
        Ok(())
    }
}

/// What went wrong, at which entry of the layer.
type Failed = (PathBuf, String);

/// Copies one layer onto the root filesystem made of the layers below it.
fn apply(layer: &Path, rootfs: &Path) -> std::result::Result<(), Failed> {
    let open = |path: &Path, flags: OFlag| {
        nix::fcntl::open(
            path,
            flags | OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )
        .map_err(|errno| (PathBuf::new(), errno.desc().to_string()))
    };
    // The layer is reached by its short name in the store, a link the store made: followed.
    let (from, to) = (
        open(layer, OFlag::empty())?,
        open(rootfs, OFlag::O_NOFOLLOW)?,
    );
    let mut copy = Copy {
        rootfs: unistd::dup(&to).map_err(|errno| (PathBuf::new(), errno.desc().to_string()))?,
        links: HashMap::new(),
    };
    copy.dir(&from, &to, Path::new(""))
}

/// One layer's copy under way.
struct Copy {
    /// The root filesystem's directory: what hard links are made relative to.
    rootfs: OwnedFd,
    /// The files of the layer with more than one name, by (device, inode), and the path of the
    /// first name copied, relative to the root filesystem: the others become links to it.
    links: HashMap<(u64, u64), PathBuf>,
}

impl Copy {
    /// Copies the content of the layer's directory `from` into `to`, at `path` in the image.
    fn dir(
        &mut self,
        from: &OwnedFd,
        to: &OwnedFd,
        path: &Path,
    ) -> std::result::Result<(), Failed> {
        let at = |reason: String| (path.to_path_buf(), reason);
        // An opaque directory hides all the layers below had in it: what was copied of them goes.
        if get_xattr(from, OPAQUE)
            .map_err(|e| at(e.desc().to_string()))?
            .as_deref()
            == Some(b"y")
        {
            clear(to).map_err(|e| at(format!("emptying the opaque directory: {}", e.desc())))?;
        }
        for name in names(from).map_err(|e| at(e.desc().to_string()))? {
            let path = path.join(&name);
            self.entry(from, to, &name, &path)
                .map_err(|reason| (path.clone(), reason))?;
        }
        Ok(())
    }

    /// Copies the entry `name` of the layer's directory `from` into `to`.
    fn entry(
        &mut self,
        from: &OwnedFd,
        to: &OwnedFd,
        name: &OsStr,
        path: &Path,
    ) -> std::result::Result<(), String> {
        let errno = |e: Errno| e.desc().to_string();
        let meta = stat::fstatat(from, name, AtFlags::AT_SYMLINK_NOFOLLOW).map_err(errno)?;
        let kind = SFlag::from_bits_truncate(meta.st_mode & SFlag::S_IFMT.bits());
        let perm = Mode::from_bits_truncate(meta.st_mode & 0o7777);
        let dir_flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        match kind {
            // A whiteout: the name is deleted, whatever the layers below made of it.
            SFlag::S_IFCHR if meta.st_rdev == 0 => {
                return remove(to, name).map_err(errno);
            }
            SFlag::S_IFDIR => {
                // A directory merges with one of the layers below; anything else there goes.
                match stat::fstatat(to, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
                    Ok(below) if below.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFDIR.bits() => {}
                    Ok(_) => {
                        remove(to, name).map_err(errno)?;
                        stat::mkdirat(to, name, Mode::from_bits_truncate(0o700)).map_err(errno)?;
                    }
                    Err(Errno::ENOENT) => {
                        stat::mkdirat(to, name, Mode::from_bits_truncate(0o700)).map_err(errno)?
                    }
                    Err(e) => return Err(errno(e)),
                }
                let sub_from =
                    nix::fcntl::openat(from, name, dir_flags, Mode::empty()).map_err(errno)?;
                let sub_to =
                    nix::fcntl::openat(to, name, dir_flags, Mode::empty()).map_err(errno)?;
                self.dir(&sub_from, &sub_to, path)
                    .map_err(|(entry, reason)| format!("{entry:?}: {reason}"))?;
                // Its attributes last: making entries in it changed its time.
                return attributes(&sub_from, &sub_to, &meta).map_err(errno);
            }
            _ => {}
        }
        // Anything else replaces what the layers below had at its name, a directory included.
        remove(to, name).map_err(errno)?;
        let inode = (meta.st_dev, meta.st_ino);
        if kind != SFlag::S_IFDIR && meta.st_nlink > 1 {
            if let Some(first) = self.links.get(&inode) {
                return self.link(first, to, name).map_err(errno);
            }
        }
        match kind {
            SFlag::S_IFREG => {
                let source = nix::fcntl::openat(
                    from,
                    name,
                    OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                    Mode::empty(),
                )
                .map_err(errno)?;
                // O_EXCL | O_NOFOLLOW: a new file, never one a link led to.
                let target = nix::fcntl::openat(
                    to,
                    name,
                    OFlag::O_WRONLY
                        | OFlag::O_CREAT
                        | OFlag::O_EXCL
                        | OFlag::O_NOFOLLOW
                        | OFlag::O_CLOEXEC,
                    Mode::from_bits_truncate(0o600),
                )
                .map_err(errno)?;
                let (mut source, mut target) =
                    (std::fs::File::from(source), std::fs::File::from(target));
                // std's copy uses copy_file_range(2): the kernel copies, or shares the blocks on a
                // filesystem that can (btrfs, xfs).
                std::io::copy(&mut source, &mut target).map_err(|e| e.to_string())?;
                attributes(&source, &target, &meta).map_err(errno)?;
            }
            SFlag::S_IFLNK => {
                // As it is: only ever followed inside the container.
                let target = nix::fcntl::readlinkat(from, name).map_err(errno)?;
                unistd::symlinkat(target.as_os_str(), to, name).map_err(errno)?;
                owner_and_time(to, name, &meta, false).map_err(errno)?;
            }
            SFlag::S_IFCHR | SFlag::S_IFBLK | SFlag::S_IFIFO => {
                stat::mknodat(to, name, kind, perm, meta.st_rdev).map_err(errno)?;
                owner_and_time(to, name, &meta, true).map_err(errno)?;
            }
            // A socket is no content: nothing of it survives a copy.
            _ => return Ok(()),
        }
        if meta.st_nlink > 1 {
            self.links.insert(inode, path.to_path_buf());
        }
        Ok(())
    }

    /// Links `name` in `to` to the copy already made of the same file at `first`.
    fn link(&self, first: &Path, to: &OwnedFd, name: &OsStr) -> nix::Result<()> {
        // Found the careful way: inside the root filesystem, through no symbolic link.
        let parent = first.parent().unwrap_or(Path::new(""));
        let how = OpenHow::new()
            .flags(OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)
            .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_SYMLINKS);
        let parent = if parent.as_os_str().is_empty() {
            unistd::dup(&self.rootfs)?
        } else {
            openat2(&self.rootfs, parent, how)?
        };
        let first_name = first.file_name().unwrap_or_default();
        unistd::linkat(&parent, first_name, to, name, AtFlags::empty())
    }
}

/// The attribute that makes a directory of a layer opaque.
const OPAQUE: &CStr = c"trusted.overlay.opaque";

/// Gives the copy `to` (a file or directory open for itself) the owner, mode, extended attributes
/// and times of `from`, which `meta` describes.
fn attributes(from: &impl AsFd, to: &impl AsFd, meta: &FileStat) -> nix::Result<()> {
    // The owner first: chown(2) clears the set-user-id and set-group-id bits, which the mode then
    // puts back.
    unistd::fchown(
        to,
        Some(Uid::from_raw(meta.st_uid)),
        Some(Gid::from_raw(meta.st_gid)),
    )?;
    stat::fchmod(to, Mode::from_bits_truncate(meta.st_mode & 0o7777))?;
    for name in list_xattrs(from)? {
        // overlayfs's own marks mean something only in a layer: the copy is a plain directory.
        if name.to_bytes().starts_with(b"trusted.overlay.") {
            continue;
        }
        if let Some(value) = get_xattr(from, &name)? {
            set_xattr(to, &name, &value)?;
        }
    }
    stat::futimens(to, &atime(meta), &mtime(meta))
}

/// The owner and times of a link or a device, set by name, without following a link.
fn owner_and_time(dir: &OwnedFd, name: &OsStr, meta: &FileStat, mode: bool) -> nix::Result<()> {
    unistd::fchownat(
        dir,
        name,
        Some(Uid::from_raw(meta.st_uid)),
        Some(Gid::from_raw(meta.st_gid)),
        AtFlags::AT_SYMLINK_NOFOLLOW,
    )?;
    if mode {
        stat::fchmodat(
            dir,
            name,
            Mode::from_bits_truncate(meta.st_mode & 0o7777),
            stat::FchmodatFlags::NoFollowSymlink,
        )
        .or_else(|e| match e {
            // Older kernels cannot chmod without following; a device is no link anyway.
            Errno::EOPNOTSUPP | Errno::ENOSYS => stat::fchmodat(
                dir,
                name,
                Mode::from_bits_truncate(meta.st_mode & 0o7777),
                stat::FchmodatFlags::FollowSymlink,
            ),
            e => Err(e),
        })?;
    }
    stat::utimensat(
        dir,
        name,
        &atime(meta),
        &mtime(meta),
        stat::UtimensatFlags::NoFollowSymlink,
    )
}

fn atime(meta: &FileStat) -> TimeSpec {
    TimeSpec::new(meta.st_atime, meta.st_atime_nsec)
}

fn mtime(meta: &FileStat) -> TimeSpec {
    TimeSpec::new(meta.st_mtime, meta.st_mtime_nsec)
}

/// The names in the directory `dir`, without `.` and `..`.
fn names(dir: &OwnedFd) -> nix::Result<Vec<OsString>> {
    let mut listing = nix::dir::Dir::openat(
        dir,
        ".",
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )?;
    let mut names = Vec::new();
    for entry in listing.iter() {
        let name = entry?.file_name().to_bytes().to_vec();
        if name != b"." && name != b".." {
            names.push(OsString::from(OsStr::from_bytes(&name)));
        }
    }
    Ok(names)
}

/// Removes `name` from `dir`, with all it holds if it is a directory; nothing there is fine.
fn remove(dir: &OwnedFd, name: &OsStr) -> nix::Result<()> {
    match unistd::unlinkat(dir, name, UnlinkatFlags::NoRemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => Ok(()),
        Err(Errno::EISDIR) => {
            let sub = nix::fcntl::openat(
                dir,
                name,
                OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                Mode::empty(),
            )?;
            clear(&sub)?;
            unistd::unlinkat(dir, name, UnlinkatFlags::RemoveDir)
        }
        Err(e) => Err(e),
    }
}

/// Removes everything in the directory `dir`.
fn clear(dir: &OwnedFd) -> nix::Result<()> {
    for name in names(dir)? {
        remove(dir, &name)?;
    }
    Ok(())
}

/// The names of the extended attributes of the open file `fd`.
fn list_xattrs(fd: &impl AsFd) -> nix::Result<Vec<CString>> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: a null buffer of size 0 asks for the size only.
    let size = Errno::result(unsafe { libc::flistxattr(fd, std::ptr::null_mut(), 0) })?;
    if size == 0 {
        return Ok(Vec::new());
    }
    let mut buf = vec![0u8; size as usize];
    // SAFETY: a buffer of the length given.
    let size = Errno::result(unsafe { libc::flistxattr(fd, buf.as_mut_ptr().cast(), buf.len()) })?;
    buf.truncate(size as usize);
    Ok(buf
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .filter_map(|name| CString::new(name).ok())
        .collect())
}

/// The value of the extended attribute `name` of the open file `fd`, if it has it.
fn get_xattr(fd: &impl AsFd, name: &CStr) -> nix::Result<Option<Vec<u8>>> {
    let fd = fd.as_fd().as_raw_fd();
    // SAFETY: a null buffer of size 0 asks for the size only; a NUL-terminated name.
    let size =
        match Errno::result(unsafe { libc::fgetxattr(fd, name.as_ptr(), std::ptr::null_mut(), 0) })
        {
            Ok(size) => size,
            Err(Errno::ENODATA) | Err(Errno::EOPNOTSUPP) => return Ok(None),
            Err(e) => return Err(e),
        };
    let mut value = vec![0u8; size as usize];
    // SAFETY: a buffer of the length given.
    let size = Errno::result(unsafe {
        libc::fgetxattr(fd, name.as_ptr(), value.as_mut_ptr().cast(), value.len())
    })?;
    value.truncate(size as usize);
    Ok(Some(value))
}

fn set_xattr(fd: &impl AsFd, name: &CStr, value: &[u8]) -> nix::Result<()> {
    // SAFETY: a NUL-terminated name, and a value of the length given.
    Errno::result(unsafe {
        libc::fsetxattr(
            fd.as_fd().as_raw_fd(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    })
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

    /// A scratch directory, removed when the test ends.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn set(path: &Path, name: &CStr, value: &[u8]) {
        let path = CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: NUL-terminated path and name, and a value of the length given.
        let ret = unsafe {
            libc::lsetxattr(
                path.as_ptr(),
                name.as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            )
        };
        assert_eq!(ret, 0, "setting {name:?}: {}", Errno::last());
    }

    fn get(path: &Path, name: &CStr) -> Option<Vec<u8>> {
        let file = std::fs::File::open(path).unwrap();
        get_xattr(&file, name).unwrap()
    }

    #[test]
    fn layers_apply_bottom_up_with_their_whiteouts() {
        // Whiteouts (mknod 0/0), owners and trusted.* attributes are root's to make.
        if !unistd::geteuid().is_root() {
            return;
        }
        let base = Path::new("/var/tmp").join(format!("minidock-vfs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let _scratch = Scratch(base.clone());
        let (lower, upper, rootfs) = (base.join("lower"), base.join("upper"), base.join("rootfs"));
        for dir in [
            lower.join("etc"),
            lower.join("var/old"),
            lower.join("bin"),
            upper.join("etc"),
            upper.join("var"),
            rootfs.clone(),
        ] {
            std::fs::create_dir_all(dir).unwrap();
        }
        // The lower layer: files, a link pair, a symbolic link out, an attribute, an owner.
        std::fs::write(lower.join("etc/passwd"), "root").unwrap();
        std::fs::write(lower.join("etc/keep"), "kept").unwrap();
        std::fs::write(lower.join("var/old/file"), "old").unwrap();
        std::fs::write(lower.join("bin/a"), "tool").unwrap();
        std::fs::hard_link(lower.join("bin/a"), lower.join("bin/b")).unwrap();
        std::os::unix::fs::symlink("/etc", lower.join("out")).unwrap();
        let outside = base.join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, lower.join("lib")).unwrap();
        std::fs::set_permissions(lower.join("bin/a"), std::fs::Permissions::from_mode(0o4751))
            .unwrap();
        std::os::unix::fs::chown(lower.join("etc/keep"), Some(1234), Some(5678)).unwrap();
        set(&lower.join("etc/keep"), c"user.note", b"kept");
        // The upper layer: a whiteout of etc/passwd, var opaque with a file of its own, and a
        // file in place of the lower's symbolic link.
        stat::mknod(
            &upper.join("etc/passwd"),
            SFlag::S_IFCHR,
            Mode::empty(),
            stat::makedev(0, 0),
        )
        .unwrap();
        set(&upper.join("var"), OPAQUE, b"y");
        std::fs::write(upper.join("var/new"), "new").unwrap();
        std::fs::write(upper.join("out"), "a file now").unwrap();
        std::fs::create_dir_all(upper.join("lib")).unwrap();
        std::fs::write(upper.join("lib/libc.so"), "mine").unwrap();

        apply(&lower, &rootfs).unwrap();
        apply(&upper, &rootfs).unwrap();

        assert!(!rootfs.join("etc/passwd").exists(), "the whiteout deletes");
        assert!(std::fs::symlink_metadata(rootfs.join("etc/passwd")).is_err());
        assert_eq!(
            std::fs::read_to_string(rootfs.join("etc/keep")).unwrap(),
            "kept"
        );
        let keep = std::fs::metadata(rootfs.join("etc/keep")).unwrap();
        assert_eq!((keep.uid(), keep.gid()), (1234, 5678));
        assert_eq!(
            get(&rootfs.join("etc/keep"), c"user.note").as_deref(),
            Some(&b"kept"[..])
        );
        assert!(
            !rootfs.join("var/old").exists(),
            "the opaque directory hides the lower's"
        );
        assert_eq!(
            std::fs::read_to_string(rootfs.join("var/new")).unwrap(),
            "new"
        );
        assert_eq!(
            get(&rootfs.join("var"), OPAQUE),
            None,
            "the copy is a plain directory"
        );
        let (a, b) = (
            std::fs::metadata(rootfs.join("bin/a")).unwrap(),
            std::fs::metadata(rootfs.join("bin/b")).unwrap(),
        );
        assert_eq!(a.ino(), b.ino(), "a hard link stays one");
        assert_ne!(
            a.ino(),
            std::fs::metadata(lower.join("bin/a")).unwrap().ino()
        );
        assert_eq!(a.permissions().mode() & 0o7777, 0o4751);
        assert!(std::fs::symlink_metadata(rootfs.join("out"))
            .unwrap()
            .file_type()
            .is_file());
        assert!(!std::fs::symlink_metadata(rootfs.join("etc/passwd"))
            .map(|m| m.file_type().is_char_device())
            .unwrap_or(false));
        // A directory over a lower symbolic link replaces the link: nothing is written through it.
        assert!(std::fs::symlink_metadata(rootfs.join("lib"))
            .unwrap()
            .is_dir());
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
        // The layers themselves are as they were.
        assert_eq!(
            std::fs::read_to_string(lower.join("etc/passwd")).unwrap(),
            "root"
        );
    }
}
