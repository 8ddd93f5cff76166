//! A container's files, reached from outside it: by `cp`, and by `diff` and `commit` through
//! `changes`.
//!
//! The container's root is a directory minidock opens, and everything below it is the
//! container's to make: a symbolic link `/etc/passwd -> /etc/shadow` in it means the container's
//! `/etc/shadow`, never the host's. The kernel resolves such a link against the root of the
//! process that follows it, and minidock's root is the host's: a path joined onto the root's
//! (`ROOT/etc/passwd`, or `/proc/PID/root/etc/passwd`) and opened as a host path would leave
//! the container at the first absolute link, or `..`, on the way. So every path of the container
//! is opened from a descriptor of its root with `openat2(2)` and `RESOLVE_IN_ROOT`: the kernel
//! then resolves `/`, `..` and every link on the way as the container itself would, inside it.
//!
//! ```text
//!   container root (fd) ── etc ── passwd -> /etc/shadow
//!         ▲                                    │
//!         └──── RESOLVE_IN_ROOT: "/" is here ◄─┘   (a host path: "/" is the host's)
//! ```
//!
//! Where the root is depends on the container:
//!
//! - running (or paused): the root of its first process, `/proc/PID/root`, its own mount
//!   namespace's view, overlay and mounts included; opened, then the pid's start time checked as
//!   `exec` checks it, so that a pid reused meanwhile is not taken for the container;
//! - stopped, on overlay: nothing is mounted any more, so minidock mounts the overlay itself, in
//!   a mount namespace of its own that nobody else sees and that goes when it exits;
//! - stopped, on vfs: its copy, a plain directory.

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::fcntl::{openat2, OFlag, OpenHow, ResolveFlag};
use nix::sched::CloneFlags;
use nix::sys::stat::Mode;

use crate::config::StorageDriver;
use crate::container::state::{self, Container, Process, Status};
use crate::image::store;
use crate::sys;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Pause(#[from] crate::container::pause::Error),
    #[error("container {0} was not made of an image: it has no changes of its own to show")]
    NoImage(String),
    #[error("container {0} stopped as minidock opened its root: try again")]
    Stopped(String),
    #[error("container {id}: reaching its files")]
    Root {
        id: String,
        #[source]
        source: sys::Error,
    },
    #[error("No such container:path: {0}")]
    NoSuchPath(String),
    #[error("{path}: {reason}")]
    Path { path: String, reason: String },
    #[error("{0}")]
    Usage(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The error of a call on `path`.
pub fn failed(path: impl std::fmt::Display) -> impl FnOnce(nix::errno::Errno) -> Error {
    move |errno| Error::Path {
        path: path.to_string(),
        reason: sys::describe(errno),
    }
}

/// The container's storage: its driver, and its directory.
pub fn storage(container: &Container) -> Result<(StorageDriver, &crate::config::Storage)> {
    let storage = container.record.config.storage.as_ref();
    let storage = storage.ok_or_else(|| Error::NoImage(container.id().to_string()))?;
    Ok((storage.driver, storage))
}

/// Opens the root of `container`'s files, as its processes see it (see the module's doc).
pub fn open_root(container: &Container) -> Result<OwnedFd> {
    let root_error = |source| Error::Root {
        id: container.id().to_string(),
        source,
    };
    let first = container.state.pid;
    if matches!(container.state.status, Status::Running | Status::Paused) && first.alive() {
        let path = format!("/proc/{}/root", first.pid);
        // The magic link leads to the process's root in its own mount namespace: the overlay,
        // and whatever else is mounted in the container.
        let root = sys::open(&path, OFlag::O_PATH | OFlag::O_DIRECTORY).map_err(root_error)?;
        // Opened by pid: if the container ended meanwhile and its pid went to another process,
        // this is the other's root. Its start time tells.
        if Process::of(first.pid) != Some(first) {
            return Err(Error::Stopped(container.id().to_string()));
        }
        return Ok(root);
    }
    let (driver, storage) = storage(container)?;
    let config = &container.record.config;
    match (driver, &config.root.overlay) {
        (StorageDriver::Overlay, Some(overlay)) => {
            // A mount namespace of minidock's own, its mounts private: the overlay mounted here
            // is seen by no other process, and is gone when minidock exits.
            sys::unshare(CloneFlags::CLONE_NEWNS).map_err(root_error)?;
            sys::mount(
                None,
                Path::new("/"),
                None,
                nix::mount::MsFlags::MS_REC | nix::mount::MsFlags::MS_PRIVATE,
                None,
            )
            .map_err(root_error)?;
            // The overlay's paths are relative to the state root, as the container's first
            // process mounts them; the working directory comes back after, for the host's
            // paths of the command line.
            let here = sys::open(".", OFlag::O_PATH | OFlag::O_DIRECTORY).map_err(root_error)?;
            sys::chdir(&storage.base).map_err(root_error)?;
            let mounted = crate::rootfs::overlay::mount(overlay, &config.root.path)
                .and_then(|()| {
                    sys::open(
                        &config.root.path.to_string_lossy(),
                        OFlag::O_PATH | OFlag::O_DIRECTORY,
                    )
                })
                .map_err(root_error);
            nix::unistd::fchdir(&here).map_err(failed("the working directory"))?;
            mounted
        }
        _ => {
            let path = storage.base.join(&config.root.path);
            sys::open(&path.to_string_lossy(), OFlag::O_PATH | OFlag::O_DIRECTORY)
                .map_err(root_error)
        }
    }
}

/// Opens `path` as the container sees it (absolute or not, `/` its root), from `root`, a
/// descriptor of the container's root directory, with the open flags `flags` (`O_NOFOLLOW`:
/// a symbolic link at its end is opened itself, not followed).
pub fn resolve(root: &impl AsFd, path: &Path, flags: OFlag) -> nix::Result<OwnedFd> {
    // RESOLVE_IN_ROOT: `/`, `..` and every link on the way are resolved as if `root` were the
    // root of the process, which is what the container's own processes see. NO_MAGICLINKS: a
    // /proc/PID/... link of the container's /proc would lead anywhere.
    let how = OpenHow::new()
        .flags(flags | OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    openat2(root, path, how)
}

/// Where a copy reads or writes: the host, or a container, from its root.
pub enum Side {
    Host,
    Container(OwnedFd),
}

impl Side {
    /// Opens `path` of this side with `flags`.
    pub fn open(&self, path: &Path, flags: OFlag) -> nix::Result<OwnedFd> {
        match self {
            // The host's paths are the caller's own, as any command's.
            Side::Host => nix::fcntl::open(path, flags | OFlag::O_CLOEXEC, Mode::empty()),
            Side::Container(root) => resolve(root, path, flags),
        }
    }
}

/// The parent directory of `path` and its last name, as `cp` reads them: `/a/b` is `b` in `/a`,
/// `b` is `b` in `.`, `/` has no name.
pub fn split(path: &Path) -> (PathBuf, Option<&OsStr>) {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if parent.as_os_str().is_empty() => {
            (PathBuf::from("."), Some(name))
        }
        (Some(parent), Some(name)) => (parent.to_path_buf(), Some(name)),
        _ => (path.to_path_buf(), None),
    }
}
