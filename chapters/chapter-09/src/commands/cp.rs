//! `minidock cp [-a] [-L] CONTAINER:SRC DEST` and `minidock cp [-a] [-L] SRC CONTAINER:DEST`:
//! files and directories copied out of a container, or into it, by docker's rules:
//!
//! - a source directory is copied with what it holds; `SRC/.` copies only what it holds;
//! - into an existing directory, the source goes in it, under its own name;
//! - a destination that does not exist is made, if its directory exists; one that ends in `/`
//!   must be a directory, and a directory is never copied over a file;
//! - a symbolic link as the source is copied as a link (with `-L`: what it leads to, in the
//!   container); modes and times are kept, owners with `-a` only.
//!
//! On the container's side, every path goes through `files::resolve`: inside its root, whatever
//! its links say. On the host's, paths are the caller's, as for any command.

use std::ffi::OsStr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{self, FileStat, Mode, SFlag};
use nix::sys::time::TimeSpec;
use nix::unistd::{self, Gid, Uid, UnlinkatFlags};

use crate::cli::CpArgs;
use crate::container::state;
use crate::container::storage::changes::names;
use crate::container::storage::files::{self, Error, Side};

pub fn cp(args: &CpArgs, root: &Path) -> Result<u8, Error> {
    if args.source == "-" || args.destination == "-" {
        return Err(Error::Usage(
            "a tar stream ('-') is not supported: copy files or directories".into(),
        ));
    }
    let options = Options {
        owners: args.archive,
        follow: args.follow_link,
    };
    match (in_container(&args.source), in_container(&args.destination)) {
        (Some((reference, path)), None) => {
            let container = state::find(root, reference)?;
            let from = Side::Container(files::open_root(&container)?);
            let named = |path: &str| format!("{reference}:{path}");
            copy(
                &from,
                path,
                &named,
                &Side::Host,
                &args.destination,
                &|p| p.to_string(),
                options,
            )
        }
        (None, Some((reference, path))) => {
            let container = state::find(root, reference)?;
            let to = Side::Container(files::open_root(&container)?);
            let named = |path: &str| format!("{reference}:{path}");
            copy(
                &Side::Host,
                &args.source,
                &|p| p.to_string(),
                &to,
                path,
                &named,
                options,
            )
        }
        (Some(_), Some(_)) => Err(Error::Usage(
            "copying between containers is not supported".into(),
        )),
        (None, None) => Err(Error::Usage(
            "must specify at least one container source".into(),
        )),
    }?;
    Ok(0)
}

/// `CONTAINER:PATH` as its two parts; `None` for a path of the host (one that starts with `/`
/// or `.`, or has no colon), as docker reads them.
fn in_container(word: &str) -> Option<(&str, &str)> {
    if word.starts_with('/') || word.starts_with('.') {
        return None;
    }
    word.split_once(':').filter(|(name, _)| !name.is_empty())
}

#[derive(Clone, Copy)]
struct Options {
    /// Keep the source's owners (`-a`); otherwise the copy is the caller's.
    owners: bool,
    /// Follow a symbolic link that is the source itself (`-L`).
    follow: bool,
}

type Name<'a> = &'a dyn Fn(&str) -> String;

/// Copies `src` of `from` to `dest` of `to`; `src_name` and `dest_name` say them in errors.
fn copy(
    from: &Side,
    src: &str,
    src_name: Name,
    to: &Side,
    dest: &str,
    dest_name: Name,
    options: Options,
) -> Result<(), Error> {
    let no_follow = match options.follow {
        true => OFlag::empty(),
        false => OFlag::O_NOFOLLOW,
    };
    let source = match from.open(Path::new(src), OFlag::O_PATH | no_follow) {
        Ok(source) => source,
        Err(Errno::ENOENT) if matches!(from, Side::Container(_)) => {
            return Err(Error::NoSuchPath(src_name(src)))
        }
        Err(errno) => return Err(files::failed(src_name(src))(errno)),
    };
    let meta = stat::fstat(&source).map_err(files::failed(src_name(src)))?;
    if src.ends_with('/') && !is_dir(&meta) {
        return Err(files::failed(src_name(src))(Errno::ENOTDIR));
    }
    let fail = files::failed(dest_name(dest));
    match to.open(Path::new(dest), OFlag::O_PATH) {
        Ok(there) if is_dir(&stat::fstat(&there).map_err(fail)?) => {
            if is_dir(&meta) && (src.ends_with("/.") || src == ".") {
                return children(&source, &there, options).map_err(files::failed(dest_name(dest)));
            }
            let name = Path::new(src).file_name().unwrap_or(OsStr::new("."));
            if name == "." {
                return children(&source, &there, options).map_err(files::failed(dest_name(dest)));
            }
            entry(&source, &meta, &there, name, options).map_err(files::failed(dest_name(dest)))
        }
        Ok(there) if kind(&meta) == SFlag::S_IFREG => {
            if dest.ends_with('/') {
                return Err(files::failed(dest_name(dest))(Errno::ENOTDIR));
            }
            // A file over a file: written in place, where the destination's links lead.
            over(&source, &meta, &there, options).map_err(files::failed(dest_name(dest)))
        }
        Ok(_) if is_dir(&meta) => Err(Error::Usage("cannot copy directory".into())),
        // A link or a device over a file: put in the file's place.
        Ok(_) | Err(Errno::ENOENT) => {
            if dest.ends_with('/') && !is_dir(&meta) {
                return Err(Error::Usage("no such directory".into()));
            }
            let (parent, name) = files::split(Path::new(dest));
            let name = name.ok_or_else(|| files::failed(dest_name(dest))(Errno::ENOENT))?;
            let parent = to
                .open(&parent, OFlag::O_PATH | OFlag::O_DIRECTORY)
                .map_err(files::failed(dest_name(dest)))?;
            entry(&source, &meta, &parent, name, options).map_err(files::failed(dest_name(dest)))
        }
        Err(errno) => Err(files::failed(dest_name(dest))(errno)),
    }
}

fn is_dir(meta: &FileStat) -> bool {
    kind(meta) == SFlag::S_IFDIR
}

fn kind(meta: &FileStat) -> SFlag {
    SFlag::from_bits_truncate(meta.st_mode & SFlag::S_IFMT.bits())
}

/// Opens again, for reading or writing, a file held by an `O_PATH` descriptor: through
/// /proc/self/fd, the descriptor's own file and not a path.
fn reopen(fd: &OwnedFd, flags: OFlag) -> nix::Result<OwnedFd> {
    nix::fcntl::open(
        format!("/proc/self/fd/{}", fd.as_raw_fd()).as_str(),
        flags | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
}

/// Copies what the directory `source` holds into the directory `dir`.
fn children(source: &OwnedFd, dir: &OwnedFd, options: Options) -> nix::Result<()> {
    for name in names(source)? {
        let child = nix::fcntl::openat(
            source,
            name.as_os_str(),
            OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::empty(),
        )?;
        let meta = stat::fstat(&child)?;
        entry(&child, &meta, dir, &name, options)?;
    }
    Ok(())
}

/// Copies `source` (whose status is `meta`) as `name` in the directory `dir`: what is there
/// goes, except a directory that a directory merges with.
fn entry(
    source: &OwnedFd,
    meta: &FileStat,
    dir: &OwnedFd,
    name: &OsStr,
    options: Options,
) -> nix::Result<()> {
    let there = stat::fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW);
    match (kind(meta), &there) {
        (SFlag::S_IFDIR, Ok(below)) if is_dir(below) => {}
        (SFlag::S_IFDIR, _) | (_, Ok(_)) => remove(dir, name, there.as_ref().ok())?,
        (_, Err(Errno::ENOENT)) => {}
        (_, Err(errno)) => return Err(*errno),
    }
    if matches!(there, Ok(ref below) if is_dir(below)) && !is_dir(meta) {
        return Err(Errno::EISDIR);
    }
    match kind(meta) {
        SFlag::S_IFREG => {
            let mut reading = std::fs::File::from(reopen(source, OFlag::O_RDONLY)?);
            // O_EXCL | O_NOFOLLOW: a new file, never one a link leads to.
            let target = nix::fcntl::openat(
                dir,
                name,
                OFlag::O_WRONLY
                    | OFlag::O_CREAT
                    | OFlag::O_EXCL
                    | OFlag::O_NOFOLLOW
                    | OFlag::O_CLOEXEC,
                Mode::from_bits_truncate(0o600),
            )?;
            let mut target = std::fs::File::from(target);
            std::io::copy(&mut reading, &mut target).map_err(|e| files_errno(&e))?;
            attributes(&target, meta, options)
        }
        SFlag::S_IFDIR => {
            if there.is_err() || !matches!(there, Ok(ref below) if is_dir(below)) {
                stat::mkdirat(dir, name, Mode::from_bits_truncate(0o700))?;
            }
            let sub = nix::fcntl::openat(
                dir,
                name,
                OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                Mode::empty(),
            )?;
            children(source, &sub, options)?;
            // Last: making entries in it changed its time.
            attributes(&sub, meta, options)
        }
        SFlag::S_IFLNK => {
            // As it is: a link is only ever followed inside its container.
            let target = nix::fcntl::readlinkat(source, "")?;
            unistd::symlinkat(target.as_os_str(), dir, name)?;
            by_name(dir, name, meta, options, false)
        }
        SFlag::S_IFCHR | SFlag::S_IFBLK | SFlag::S_IFIFO => {
            let perm = Mode::from_bits_truncate(meta.st_mode & 0o7777);
            stat::mknodat(dir, name, kind(meta), perm, meta.st_rdev)?;
            by_name(dir, name, meta, options, true)
        }
        // A socket is no content.
        _ => Ok(()),
    }
}

/// Writes the file `source` over the existing file `there`, in place.
fn over(source: &OwnedFd, meta: &FileStat, there: &OwnedFd, options: Options) -> nix::Result<()> {
    let mut reading = std::fs::File::from(reopen(source, OFlag::O_RDONLY)?);
    let mut target = std::fs::File::from(reopen(there, OFlag::O_WRONLY | OFlag::O_TRUNC)?);
    std::io::copy(&mut reading, &mut target).map_err(|e| files_errno(&e))?;
    attributes(&target, meta, options)
}

fn files_errno(err: &std::io::Error) -> Errno {
    err.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

/// Removes `name` from `dir`, with what it holds if it is a directory.
fn remove(dir: &OwnedFd, name: &OsStr, meta: Option<&FileStat>) -> nix::Result<()> {
    if meta.is_some_and(is_dir) {
        let sub = nix::fcntl::openat(
            dir,
            name,
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            Mode::empty(),
        )?;
        for child in names(&sub)? {
            let below = stat::fstatat(&sub, child.as_os_str(), AtFlags::AT_SYMLINK_NOFOLLOW)?;
            remove(&sub, &child, Some(&below))?;
        }
        return unistd::unlinkat(dir, name, UnlinkatFlags::RemoveDir);
    }
    match unistd::unlinkat(dir, name, UnlinkatFlags::NoRemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The mode and times of `meta` given to the open copy `to`, and its owners with `-a`.
fn attributes(to: &impl AsFd, meta: &FileStat, options: Options) -> nix::Result<()> {
    // The owner first: chown(2) clears the set-user-id and set-group-id bits, which the mode
    // then puts back.
    if options.owners {
        unistd::fchown(
            to,
            Some(Uid::from_raw(meta.st_uid)),
            Some(Gid::from_raw(meta.st_gid)),
        )?;
    }
    stat::fchmod(to, Mode::from_bits_truncate(meta.st_mode & 0o7777))?;
    stat::futimens(to, &atime(meta), &mtime(meta))
}

/// The same for a link or a device, by name, without following a link.
fn by_name(
    dir: &OwnedFd,
    name: &OsStr,
    meta: &FileStat,
    options: Options,
    mode: bool,
) -> nix::Result<()> {
    if options.owners {
        unistd::fchownat(
            dir,
            name,
            Some(Uid::from_raw(meta.st_uid)),
            Some(Gid::from_raw(meta.st_gid)),
            AtFlags::AT_SYMLINK_NOFOLLOW,
        )?;
    }
    if mode {
        stat::fchmodat(
            dir,
            name,
            Mode::from_bits_truncate(meta.st_mode & 0o7777),
            stat::FchmodatFlags::FollowSymlink,
        )?;
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
