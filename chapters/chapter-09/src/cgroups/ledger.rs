//! The ledger of cgroups in use: how a run cleans up after a minidock that was killed.
//!
//! A minidock killed with SIGKILL cannot remove its container's cgroup (the container itself
//! dies with it: chapter 2's death signal). So every run writes an entry for its cgroup in the
//! state directory, `ROOT/cgroups/ID`, and holds a lock on it (flock(2)) for as long as it runs.
//! The kernel drops the lock when the process dies, however it dies. Each run starts by sweeping
//! the ledger: an entry nobody holds is a leftover, whose cgroup it removes.
//!
//! An entry lists the cgroup's directories, one per tree, as absolute paths: a relative
//! `--cgroup-parent` is resolved once, by the run that made the cgroup, so a run that sweeps
//! from another cgroup still finds it. A run that cannot remove its own cgroup keeps its entry,
//! for the next run to try again.
//!
//! ```text
//!   ROOT/cgroups/minidock-4f2a...   /sys/fs/cgroup/memory/minidock/minidock-4f2a...
//!                                   /sys/fs/cgroup/pids/minidock/minidock-4f2a...
//!                                   locked by a running minidock: leave it
//!   ROOT/cgroups/minidock-9c01...   /sys/fs/cgroup/memory/minidock/minidock-9c01...
//!                                   not locked: its minidock is gone, remove it
//!   ROOT/cgroups/.minidock-77b3...  an entry being written (locked), or whose minidock was
//!                                   killed while writing it (not locked): remove it too
//! ```

use std::fs::{self, File};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A held entry: the lock lasts as long as this value (and its process) does.
pub struct Entry {
    path: PathBuf,
    /// The cgroup's directories: the entry stays while any of them does.
    dirs: Vec<PathBuf>,
    _file: File,
}

impl Entry {
    /// Writes and locks the entry for cgroup `name`, whose directories are `dirs`.
    ///
    /// The entry is written under a temporary name, locked first, and only then renamed into
    /// place: a sweeping run never sees an entry that is not locked yet.
    pub fn hold(root: &Path, name: &str, dirs: &[PathBuf]) -> std::io::Result<Entry> {
        let dir = root.join("cgroups");
        fs::create_dir_all(&dir)?;
        let temporary = dir.join(format!(".{name}"));
        let path = dir.join(name);
        let mut file = loop {
            let file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temporary)?;
            lock(&file, Wait::Yes)?;
            // Between its creation and our lock a sweeping run may have found the file
            // unlocked, taken it for a leftover and removed it: then make it again.
            if file.metadata()?.nlink() > 0 {
                break file;
            }
        };
        let mut text = String::new();
        for dir in dirs {
            text.push_str(&dir.to_string_lossy());
            text.push('\n');
        }
        file.write_all(text.as_bytes())?;
        fs::rename(&temporary, &path)?;
        Ok(Entry {
            path,
            dirs: dirs.to_vec(),
            _file: file,
        })
    }
}

impl Drop for Entry {
    /// Removes the entry once its cgroup is gone; a cgroup that is still there keeps it, and the
    /// next run's sweep tries again.
    fn drop(&mut self) {
        if self.dirs.iter().all(|dir| !dir.exists()) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Removes the cgroups of the entries no running minidock holds, with `remove(dirs)` (true if
/// nothing of them is left), and their entries.
pub fn sweep(root: &Path, remove: impl Fn(&[PathBuf]) -> bool) {
    let Ok(entries) = fs::read_dir(root.join("cgroups")) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        // Held by a running minidock: not ours to touch. (An entry still being written is
        // locked before anything else happens to it, so an unlocked one is a leftover, or is
        // made again by its writer once we have removed it.)
        if lock(&file, Wait::No).is_err() {
            continue;
        }
        // Gone meanwhile: its minidock ended and removed it.
        if file.metadata().map_or(true, |m| m.nlink() == 0) {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        let dirs: Vec<PathBuf> = text.lines().map(PathBuf::from).collect();
        if remove(&dirs) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether to wait for a lock that another process holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wait {
    Yes,
    No,
}

/// `flock(2)` for an exclusive lock.
fn lock(file: &File, wait: Wait) -> std::io::Result<()> {
    let mut operation = libc::LOCK_EX;
    if wait == Wait::No {
        operation |= libc::LOCK_NB;
    }
    // SAFETY: flock(2) on a descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory, removed at the end of the test.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("minidock-ledger-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn names(root: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(root.join("cgroups"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_entry_stays_while_its_cgroup_does() {
        let scratch = Scratch::new("stays");
        let cgroup = scratch.0.join("cgroup");
        fs::create_dir(&cgroup).unwrap();
        let entry = Entry::hold(&scratch.0, "minidock-a", std::slice::from_ref(&cgroup)).unwrap();
        assert_eq!(
            fs::read_to_string(scratch.0.join("cgroups/minidock-a")).unwrap(),
            format!("{}\n", cgroup.display())
        );
        drop(entry);
        assert_eq!(names(&scratch.0), ["minidock-a"]);
        // The next sweep is told its directories, and removes the entry once they are gone.
        sweep(&scratch.0, |dirs| {
            assert_eq!(dirs, std::slice::from_ref(&cgroup));
            fs::remove_dir(&dirs[0]).is_ok()
        });
        assert!(names(&scratch.0).is_empty());
        let entry = Entry::hold(&scratch.0, "minidock-b", std::slice::from_ref(&cgroup)).unwrap();
        drop(entry);
        assert!(names(&scratch.0).is_empty());
    }

    #[test]
    fn a_temporary_entry_nobody_holds_is_swept() {
        let scratch = Scratch::new("temporary");
        fs::create_dir_all(scratch.0.join("cgroups")).unwrap();
        // A minidock killed between creating its entry and renaming it into place.
        fs::write(
            scratch.0.join("cgroups/.minidock-c"),
            "/nowhere/minidock-c\n",
        )
        .unwrap();
        let held = Entry::hold(&scratch.0, "minidock-d", &[]).unwrap();
        let swept = std::cell::RefCell::new(Vec::new());
        sweep(&scratch.0, |dirs| {
            swept.borrow_mut().extend(dirs.to_vec());
            true
        });
        assert_eq!(*swept.borrow(), [PathBuf::from("/nowhere/minidock-c")]);
        assert_eq!(names(&scratch.0), ["minidock-d"]);
        drop(held);
    }
}
