//! What a container changed in its image's files, as `docker diff` lists them: `A` added, `C`
//! changed, `D` deleted.
//!
//! On overlay, the changes are the upper directory, and nothing else: overlayfs copies a file
//! up before the container writes it, and records a deletion as a whiteout, so that reading
//! them back is a walk of the upper directory:
//!
//! - a character device 0/0 is a deleted name (`D`);
//! - a directory marked `trusted.overlay.opaque` = `y` was removed and made again: it is
//!   changed (`C`), and what the layers had in it and the upper has not is deleted (`D`);
//! - anything else is added (`A`) if the layers have nothing at its path, changed (`C`) if they
//!   have; a directory that was only copied up, because something below it changed, is not
//!   listed for itself (docker compares its mode, owner and time to the layer's);
//! - a directory where something was added or deleted is changed.
//!
//! On vfs there is no record of changes: the container's copy is compared with the image, as
//! the layers make it (docker's vfs does the same, against the image's own copy).
//!
//! Every path is read through descriptors, one name at a time, never following a link: the
//! upper directory's content is the container's.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{CStr, OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{openat2, AtFlags, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{self, FileStat, Mode, SFlag};

use super::files::{self, Result};
use crate::config::{Storage, StorageDriver};
use crate::container::state::Container;

/// What happened to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Changed,
    Deleted,
}

impl Kind {
    pub fn letter(self) -> char {
        match self {
            Kind::Added => 'A',
            Kind::Changed => 'C',
            Kind::Deleted => 'D',
        }
    }
}

/// The changes, by path in the container (absolute); a path sorts before what is below it.
pub type Changes = BTreeMap<PathBuf, Kind>;

/// What an entry of an upper directory (or a layer) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// A whiteout: the name is deleted.
    Whiteout,
    /// A directory that hides what the layers below had in it.
    Opaque,
    /// A file, directory, link... of its own.
    Plain,
}

/// The attribute that makes a directory opaque.
pub const OPAQUE: &CStr = c"trusted.overlay.opaque";

/// What the entry `name` of the directory `dir`, whose status is `meta`, stands for.
pub fn entry(dir: &impl AsFd, name: &OsStr, meta: &FileStat) -> nix::Result<Entry> {
    let kind = SFlag::from_bits_truncate(meta.st_mode & SFlag::S_IFMT.bits());
    if kind == SFlag::S_IFCHR && meta.st_rdev == 0 {
        return Ok(Entry::Whiteout);
    }
    if kind == SFlag::S_IFDIR {
        let opened = nix::fcntl::openat(
            dir,
            name,
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::empty(),
        )?;
        if get_xattr(&opened, OPAQUE)?.as_deref() == Some(b"y") {
            return Ok(Entry::Opaque);
        }
    }
    Ok(Entry::Plain)
}

/// The changes of `container` to its image's files.
pub fn changes(container: &Container) -> Result<Changes> {
    let (driver, storage) = files::storage(container)?;
    let dir = storage.base.join(&container.record.config.root.path);
    let image = Image::open(storage)?;
    let mut changes = Changes::new();
    match driver {
        StorageDriver::Overlay => {
            let upper = match &container.record.config.root.overlay {
                Some(overlay) => storage.base.join(&overlay.upper),
                None => dir.with_file_name("diff"),
            };
            let upper = open_dir(&upper)?;
            overlay(&upper, Path::new("/"), &image, &mut changes)?;
        }
        StorageDriver::Vfs => {
            let rootfs = open_dir(&dir)?;
            compare(&rootfs, Path::new("/"), &image, &mut changes)?;
        }
    }
    // The resolver files are bound over the image's (chapter 8): what the container's own files
    // have there is only the empty mount point made for an image without them, never a change
    // of the container's. docker keeps them in a layer of their own, below the container's.
    for file in ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"] {
        changes.remove(Path::new(file));
    }
    let etc = Path::new("/etc");
    let more_in_etc = changes
        .keys()
        .any(|path| path != etc && path.starts_with(etc));
    if changes.get(etc) == Some(&Kind::Changed) && !more_in_etc {
        changes.remove(etc);
    }
    Ok(changes)
}

fn open_dir(path: &Path) -> Result<OwnedFd> {
    nix::fcntl::open(
        path,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(files::failed(path.display()))
}

/// Reads the upper directory `dir`, at `path` in the container.
fn overlay(dir: &OwnedFd, path: &Path, image: &Image, changes: &mut Changes) -> Result<()> {
    let fail = |path: &Path| files::failed(format!("the container's changes at {path:?}"));
    for name in names(dir).map_err(fail(path))? {
        let path = path.join(&name);
        let meta = lstat(dir, &name).map_err(fail(&path))?;
        let below = image.lookup(&path).map_err(fail(&path))?;
        let kind = match entry(dir, &name, &meta).map_err(fail(&path))? {
            Entry::Whiteout => {
                // A whiteout of a name the layers do not have says nothing.
                if below.is_some() {
                    deleted(changes, &path);
                }
                continue;
            }
            Entry::Opaque if below.is_some() => {
                // Made again: whatever the layers had in it is gone, unless made again too.
                let own: BTreeSet<OsString> = open_child(dir, &name)
                    .and_then(|sub| names(&sub))
                    .map_err(fail(&path))?
                    .into_iter()
                    .collect();
                for (child, _) in image.children(&path).map_err(fail(&path))? {
                    if !own.contains(&child) {
                        deleted(changes, &path.join(child));
                    }
                }
                Some(Kind::Changed)
            }
            _ => match &below {
                None => Some(Kind::Added),
                Some(lower) if is_dir(lower) && is_dir(&meta) => {
                    (!same(lower, &meta)).then_some(Kind::Changed)
                }
                Some(_) => Some(Kind::Changed),
            },
        };
        if let Some(kind) = kind {
            record(changes, &path, kind);
        }
        if is_dir(&meta) {
            let sub = open_child(dir, &name).map_err(fail(&path))?;
            overlay(&sub, &path, image, changes)?;
        }
    }
    Ok(())
}

/// Compares the container's copy `dir` with the image, at `path` in the container.
fn compare(dir: &OwnedFd, path: &Path, image: &Image, changes: &mut Changes) -> Result<()> {
    let fail = |path: &Path| files::failed(format!("the container's files at {path:?}"));
    let mut theirs = image.children(path).map_err(fail(path))?;
    let before = changes.len();
    for name in names(dir).map_err(fail(path))? {
        let path = path.join(&name);
        let meta = lstat(dir, &name).map_err(fail(&path))?;
        match theirs.remove(&name) {
            None => {
                record(changes, &path, Kind::Added);
                if is_dir(&meta) {
                    let sub = open_child(dir, &name).map_err(fail(&path))?;
                    added(&sub, &path, changes).map_err(fail(&path))?;
                }
            }
            Some(lower) => {
                let kind = |m: &FileStat| m.st_mode & SFlag::S_IFMT.bits();
                let same_content = kind(&lower.meta) == kind(&meta)
                    && same(&lower.meta, &meta)
                    && (is_dir(&meta)
                        || (meta.st_size == lower.meta.st_size
                            && meta.st_rdev == lower.meta.st_rdev
                            && link_target(dir, &name, &meta)
                                == link_target(&lower.dir, &name, &lower.meta)));
                if !same_content {
                    record(changes, &path, Kind::Changed);
                }
                if is_dir(&meta) && is_dir(&lower.meta) {
                    let sub = open_child(dir, &name).map_err(fail(&path))?;
                    compare(&sub, &path, image, changes)?;
                }
            }
        }
    }
    for name in theirs.into_keys() {
        deleted(changes, &path.join(name));
    }
    // As docker's vfs: a directory with changes below it is changed, to keep its attributes.
    if changes.len() > before && path != Path::new("/") {
        changes.entry(path.to_path_buf()).or_insert(Kind::Changed);
    }
    Ok(())
}

/// Records everything below the added directory `dir` as added.
fn added(dir: &OwnedFd, path: &Path, changes: &mut Changes) -> nix::Result<()> {
    for name in names(dir)? {
        let path = path.join(&name);
        changes.insert(path.clone(), Kind::Added);
        if is_dir(&lstat(dir, &name)?) {
            added(&open_child(dir, &name)?, &path, changes)?;
        }
    }
    Ok(())
}

fn record(changes: &mut Changes, path: &Path, kind: Kind) {
    changes.insert(path.to_path_buf(), kind);
    // A name added or deleted changes its directory.
    if kind != Kind::Changed {
        if let Some(parent) = path.parent().filter(|p| *p != Path::new("/")) {
            changes.entry(parent.to_path_buf()).or_insert(Kind::Changed);
        }
    }
}

fn deleted(changes: &mut Changes, path: &Path) {
    record(changes, path, Kind::Deleted);
}

/// The image's files as its layers make them, read without mounting anything.
struct Image {
    /// Its layers' directories, the topmost first.
    layers: Vec<OwnedFd>,
}

/// An entry of the image: its status, and the layer directory it is in.
struct Found {
    meta: FileStat,
    dir: OwnedFd,
}

impl Image {
    fn open(storage: &Storage) -> Result<Image> {
        let layers = storage
            .layers
            .iter()
            .rev()
            .map(|layer| open_dir(&storage.base.join(layer)))
            .collect::<Result<_>>()?;
        Ok(Image { layers })
    }

    /// The status of `path` in the image, if it has it: the topmost layer's entry, unless that
    /// is a whiteout.
    fn lookup(&self, path: &Path) -> nix::Result<Option<FileStat>> {
        let (parent, name) = files::split(path);
        let Some(name) = name else {
            return Ok(None);
        };
        for layer in &self.layers {
            let Some(dir) = in_layer(layer, &parent)? else {
                continue;
            };
            match lstat(&dir, name) {
                Ok(meta) if entry(&dir, name, &meta)? == Entry::Whiteout => return Ok(None),
                Ok(meta) => return Ok(Some(meta)),
                Err(Errno::ENOENT) => {}
                Err(e) => return Err(e),
            }
            // An opaque directory hides the layers below it.
            if get_xattr(&dir, OPAQUE)?.as_deref() == Some(b"y") {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// What the image has in its directory `path`, by name.
    fn children(&self, path: &Path) -> nix::Result<BTreeMap<OsString, Found>> {
        let mut seen: BTreeMap<OsString, Option<Found>> = BTreeMap::new();
        for layer in &self.layers {
            let Some(dir) = in_layer(layer, path)? else {
                continue;
            };
            for name in names(&dir)? {
                if seen.contains_key(&name) {
                    continue;
                }
                let meta = lstat(&dir, &name)?;
                let found = match entry(&dir, &name, &meta)? {
                    Entry::Whiteout => None,
                    _ => Some(Found {
                        meta,
                        dir: nix::unistd::dup(&dir)?,
                    }),
                };
                seen.insert(name, found);
            }
            // An opaque directory hides the layers below it.
            if get_xattr(&dir, OPAQUE)?.as_deref() == Some(b"y") {
                break;
            }
        }
        Ok(seen
            .into_iter()
            .filter_map(|(name, found)| Some((name, found?)))
            .collect())
    }
}

/// The directory `path` of a layer, if the layer has one there: through no link at all.
fn in_layer(layer: &OwnedFd, path: &Path) -> nix::Result<Option<OwnedFd>> {
    let relative = path.strip_prefix("/").unwrap_or(path);
    if relative.as_os_str().is_empty() || relative == Path::new(".") {
        return nix::unistd::dup(layer).map(Some);
    }
    let how = OpenHow::new()
        .flags(OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_SYMLINKS);
    match openat2(layer, relative, how) {
        Ok(dir) => Ok(Some(dir)),
        Err(Errno::ENOENT | Errno::ENOTDIR | Errno::ELOOP) => Ok(None),
        Err(e) => Err(e),
    }
}

fn is_dir(meta: &FileStat) -> bool {
    meta.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFDIR.bits()
}

/// Whether two entries have the same mode, owner and modification time.
fn same(a: &FileStat, b: &FileStat) -> bool {
    a.st_mode == b.st_mode
        && a.st_uid == b.st_uid
        && a.st_gid == b.st_gid
        && a.st_mtime == b.st_mtime
        && a.st_mtime_nsec == b.st_mtime_nsec
}

fn link_target(dir: &impl AsFd, name: &OsStr, meta: &FileStat) -> Option<OsString> {
    (meta.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFLNK.bits())
        .then(|| nix::fcntl::readlinkat(dir, name).ok())
        .flatten()
}

/// The status of `name` in `dir`, not following a link.
pub fn lstat(dir: &impl AsFd, name: impl AsRef<Path>) -> nix::Result<FileStat> {
    let name = name.as_ref();
    if name.as_os_str().is_empty() || name == Path::new(".") || name == Path::new("/") {
        return stat::fstat(dir);
    }
    stat::fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW)
}

/// Opens the directory `name` of `dir`, not following a link.
pub fn open_child(dir: &impl AsFd, name: &OsStr) -> nix::Result<OwnedFd> {
    nix::fcntl::openat(
        dir,
        name,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
}

/// The names in the directory `dir`, without `.` and `..`, sorted.
pub fn names(dir: &impl AsFd) -> nix::Result<Vec<OsString>> {
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
            names.push(OsStr::from_bytes(&name).to_os_string());
        }
    }
    names.sort();
    Ok(names)
}

/// The value of the extended attribute `name` of the open file `fd`, if it has it.
pub fn get_xattr(fd: &impl AsFd, name: &CStr) -> nix::Result<Option<Vec<u8>>> {
    let fd = fd.as_fd().as_raw_fd();
    let mut value = vec![0u8; 256];
    // SAFETY: a NUL-terminated name, and a buffer of the length given.
    let size = match Errno::result(unsafe {
        libc::fgetxattr(fd, name.as_ptr(), value.as_mut_ptr().cast(), value.len())
    }) {
        Ok(size) => size,
        Err(Errno::ENODATA | Errno::EOPNOTSUPP) => return Ok(None),
        Err(e) => return Err(e),
    };
    value.truncate(size as usize);
    Ok(Some(value))
}
