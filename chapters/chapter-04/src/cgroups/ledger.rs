//! The ledger of cgroups in use: how a run cleans up after a minidock that was killed.
//!
//! A minidock killed with SIGKILL cannot remove its container's cgroup (the container itself
//! dies with it: chapter 2's death signal). So every run writes an entry for its cgroup in the
//! state directory, `ROOT/cgroups/ID`, and holds a lock on it (flock(2)) for as long as it runs.
//! The kernel drops the lock when the process dies, however it dies. Each run starts by sweeping
//! the ledger: an entry nobody holds is a leftover, whose cgroup it removes.
//!
//! ```text
//!   ROOT/cgroups/minidock-4f2a...   "/minidock"   locked by a running minidock: leave it
//!   ROOT/cgroups/minidock-9c01...   "/minidock"   not locked: its minidock is gone, remove it
//! ```

use std::fs::{self, File};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// A held entry: the lock lasts as long as this value (and its process) does.
pub struct Entry {
    path: PathBuf,
    _file: File,
}

impl Entry {
    /// Writes and locks the entry for cgroup `name` under `parent`.
    ///
    /// The entry is written under a temporary name, locked, and only then renamed into place: a
    /// sweeping run never sees an entry that is not locked yet.
    pub fn hold(root: &Path, parent: &str, name: &str) -> std::io::Result<Entry> {
        let dir = root.join("cgroups");
        fs::create_dir_all(&dir)?;
        let temporary = dir.join(format!(".{name}"));
        let path = dir.join(name);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        lock(&file, true)?;
        file.write_all(parent.as_bytes())?;
        fs::rename(&temporary, &path)?;
        Ok(Entry { path, _file: file })
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Removes the cgroups of the entries no running minidock holds, with `remove(parent, name)`,
/// and their entries.
pub fn sweep(root: &Path, remove: impl Fn(&str, &str) -> bool) {
    let Ok(entries) = fs::read_dir(root.join("cgroups")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        // Held by a running minidock: not ours to touch.
        if lock(&file, false).is_err() {
            continue;
        }
        let parent = fs::read_to_string(entry.path()).unwrap_or_default();
        if remove(&parent, &name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// `flock(2)` for an exclusive lock; `wait` says whether to wait for it.
fn lock(file: &File, wait: bool) -> std::io::Result<()> {
    let mut operation = libc::LOCK_EX;
    if !wait {
        operation |= libc::LOCK_NB;
    }
    // SAFETY: flock(2) on a descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}
