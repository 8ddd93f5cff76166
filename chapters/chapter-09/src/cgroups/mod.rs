//! Control groups: how much memory, CPU time and processes the container may use.
//!
//! A cgroup is a directory in a cgroup filesystem. A process is put in it by writing its pid to
//! the directory's `cgroup.procs`, and the kernel enforces the limits written to the directory's
//! other files on every process in it, its future children included. Two versions exist side by
//! side, and minidock speaks both through one trait:
//!
//! ```text
//!   cgroup v1: one tree per controller        cgroup v2: one tree for all
//!   /sys/fs/cgroup/memory/minidock/ID/         /sys/fs/cgroup/minidock/ID/
//!       memory.limit_in_bytes                      memory.max
//!   /sys/fs/cgroup/cpu/minidock/ID/                cpu.max
//!       cpu.cfs_quota_us, cpu.cfs_period_us        pids.max
//!   /sys/fs/cgroup/pids/minidock/ID/               cgroup.procs
//!       pids.max
//!   ... and a cgroup.procs in each tree
//! ```

pub mod freezer;
mod layout;
pub mod ledger;
pub mod usage;
mod v1;
mod v2;

use std::path::{Path, PathBuf};

use nix::unistd::Pid;

use crate::config::Resources;
use crate::sys;

/// Something went wrong with the container's cgroup.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cgroup")]
    Sys(#[from] sys::Error),
    #[error("cgroup: {0}")]
    Layout(String),
    #[error("cgroup parent {parent:?}: {reason}")]
    Parent { parent: String, reason: String },
    #[error("cgroup {} is left behind, for the next run to remove", dir.display())]
    Left { dir: PathBuf, source: sys::Error },
}

pub type Result<T> = std::result::Result<T, Error>;

/// What the kernel counts for a cgroup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Processes killed for want of memory.
    pub oom_kills: u64,
    /// Processes and threads in the cgroup now.
    pub pids: u64,
    /// CPU time used, in microseconds.
    pub cpu_usage_us: u64,
    /// Periods in which the CPU quota ran out and the cgroup had to wait.
    pub cpu_throttled: u64,
}

/// A filesystem the container mounts at /sys/fs/cgroup, to see its own cgroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// cgroup v2: the one tree, at /sys/fs/cgroup itself.
    Unified,
    /// cgroup v1: a tmpfs at /sys/fs/cgroup, and in it each hierarchy, at `name`, with the
    /// controllers (mount options) `options`.
    Hierarchies(Vec<(String, String)>),
}

/// One container's cgroup, in whichever version the host runs.
pub trait Cgroup {
    /// Writes the limits, each to its file, once.
    fn apply(&self, resources: &Resources) -> Result<()>;
    /// Moves process `pid` into the cgroup.
    fn add(&self, pid: Pid) -> Result<()>;
    /// What the kernel counts for it now.
    fn stats(&self) -> Result<Stats>;
    /// Removes the cgroup, once its processes are gone.
    fn remove(&self) -> Result<()>;
    /// How the container sees its cgroups, under /sys/fs/cgroup.
    fn view(&self) -> View;
}

/// Where cgroups live: the one fixed place of the whole cgroup story.
const CGROUP_ROOT: &str = "/sys/fs/cgroup";

/// Which cgroup version the host uses for its controllers, asked once of the kernel: the type of
/// the filesystem at /sys/fs/cgroup. A cgroup2 filesystem there means a v2 host; a tmpfs means
/// v1 hierarchies are mounted in it (a "hybrid" host may also have a v2 tree at
/// /sys/fs/cgroup/unified, with no controllers: the controllers are v1's, as runc decides too).
pub fn host_uses_v2() -> Result<bool> {
    let root = Path::new(CGROUP_ROOT);
    Ok(sys::filesystem_type(root)? == nix::sys::statfs::CGROUP2_SUPER_MAGIC)
}

/// Mounts, in the container, its view of its own cgroups at /sys/fs/cgroup, read-only. Runs after
/// the container entered its cgroup namespace, so each mount shows the container's cgroup as its
/// root, and nothing above or beside it.
pub fn mount_view(view: &View) -> sys::Result<()> {
    use nix::mount::MsFlags;
    let target = Path::new(CGROUP_ROOT);
    let flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    match view {
        View::Unified => sys::mount(
            Some(Path::new("cgroup")),
            target,
            Some("cgroup2"),
            flags | MsFlags::MS_RDONLY,
            None,
        ),
        View::Hierarchies(hierarchies) => {
            // A small tmpfs to hold one directory per hierarchy, read-only once they are made.
            sys::mount(
                Some(Path::new("tmpfs")),
                target,
                Some("tmpfs"),
                flags,
                Some("mode=755"),
            )?;
            for (name, controllers) in hierarchies {
                let dir = target.join(name);
                sys::mkdir(&dir)?;
                sys::mount(
                    Some(Path::new("cgroup")),
                    &dir,
                    Some("cgroup"),
                    flags | MsFlags::MS_RDONLY,
                    Some(controllers),
                )?;
                // Controllers mounted together (`cpu,cpuacct`) are also found under each one's
                // own name, as on the host: /sys/fs/cgroup/cpu -> cpu,cpuacct.
                if controllers.contains(',') {
                    for controller in controllers.split(',').filter(|c| !c.contains('=')) {
                        if controller != name {
                            sys::symlink(name, &target.join(controller))?;
                        }
                    }
                }
            }
            sys::mount(
                None,
                target,
                None,
                MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | flags,
                Some("mode=755"),
            )
        }
    }
}

/// The host's cgroup trees, in whichever version it runs.
enum Trees {
    /// cgroup v2: one tree, for every controller.
    V2(layout::Hierarchy),
    /// cgroup v1: one hierarchy per controller, or per group of them.
    V1(Vec<layout::Hierarchy>),
}

impl Trees {
    /// Every tree, whichever the version.
    fn all(&self) -> &[layout::Hierarchy] {
        match self {
            Trees::V2(tree) => std::slice::from_ref(tree),
            Trees::V1(hierarchies) => hierarchies,
        }
    }
}

/// The host's cgroup trees: the one v2 tree, or the v1 hierarchies.
fn trees() -> Result<Trees> {
    let read = |path: &str| {
        std::fs::read_to_string(path).map_err(|e| Error::Layout(format!("reading {path}: {e}")))
    };
    let mountinfo = read("/proc/self/mountinfo")?;
    let own = read("/proc/self/cgroup")?;
    if host_uses_v2()? {
        let tree = layout::v2_hierarchy(&mountinfo, &own, Path::new(CGROUP_ROOT))
            .ok_or_else(|| Error::Layout(format!("no cgroup2 filesystem at {CGROUP_ROOT}")))?;
        Ok(Trees::V2(tree))
    } else {
        let hierarchies = layout::v1_hierarchies(&mountinfo, &own);
        if hierarchies.is_empty() {
            return Err(Error::Layout(format!(
                "no cgroup v1 hierarchy mounted under {CGROUP_ROOT}"
            )));
        }
        Ok(Trees::V1(hierarchies))
    }
}

/// The directories cgroup `parent/name` has, one in every tree, as absolute paths: what the
/// ledger records, so that any later run finds them, from wherever it runs.
pub fn dirs(parent: &str, name: &str) -> Result<Vec<PathBuf>> {
    let path = format!("{}/{name}", parent.trim_end_matches('/'));
    let trees = trees()?;
    trees
        .all()
        .iter()
        .map(|tree| {
            tree.dir(&path).ok_or_else(|| Error::Parent {
                parent: parent.to_string(),
                reason: format!("it is outside what {} shows", tree.mount_point.display()),
            })
        })
        .collect()
}

/// Removes what is left of a cgroup whose minidock died, from its directories `dirs`; true if
/// nothing of it is left. Only directories inside the host's cgroup trees are touched.
pub fn remove_leftover(dirs: &[PathBuf]) -> bool {
    let Ok(trees) = trees() else {
        return false;
    };
    let in_a_tree = |dir: &Path| {
        trees.all().iter().any(|tree| {
            dir.strip_prefix(&tree.mount_point).is_ok_and(|inside| {
                inside.components().next().is_some()
                    && inside
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_)))
            })
        })
    };
    // Every one is tried, even after one failed.
    let failed = dirs
        .iter()
        .filter(|dir| in_a_tree(dir))
        .filter(|dir| remove_dir(dir).is_err())
        .count();
    failed == 0
}

/// Creates the cgroup `parent/name` with `resources` applied, in the host's version.
pub fn create(parent: &str, name: &str, resources: &Resources) -> Result<Box<dyn Cgroup>> {
    let path = format!("{}/{name}", parent.trim_end_matches('/'));
    let trees = trees()?;
    let mut attempt = 0;
    let cgroup: Box<dyn Cgroup> = loop {
        attempt += 1;
        let made: Result<Box<dyn Cgroup>> = match &trees {
            Trees::V2(tree) => v2::Cgroup::create(tree, &path, parent).map(|c| Box::new(c) as _),
            Trees::V1(hierarchies) => {
                v1::Cgroup::create(hierarchies, &path, parent).map(|c| Box::new(c) as _)
            }
        };
        match made {
            // A parent level vanished between its mkdir and ours: another process removed it
            // while it was empty (the last container under it ended). Make it again.
            Err(Error::Sys(err))
                if err.errno() == Some(nix::errno::Errno::ENOENT) && attempt < 5 => {}
            other => break other?,
        }
    };
    // A cgroup that is half made is removed again: nothing of a failed run is left behind.
    if let Err(err) = cgroup.apply(resources) {
        let _ = cgroup.remove();
        return Err(err);
    }
    Ok(cgroup)
}

/// Reads a cgroup file whose whole content is one number ("max" reads as `u64::MAX`).
fn read_number(path: &Path) -> Result<u64> {
    let text = read(path)?;
    let text = text.trim();
    if text == "max" {
        return Ok(u64::MAX);
    }
    text.parse()
        .map_err(|_| Error::Layout(format!("{}: not a number: {text:?}", path.display())))
}

/// Reads `key value` lines (memory.events, cpu.stat...) and returns `key`'s value, 0 if absent.
fn read_keyed(path: &Path, key: &str) -> Result<u64> {
    Ok(read(path)?
        .lines()
        .find_map(|line| {
            let (k, v) = line.split_once(' ')?;
            (k == key).then(|| v.trim().parse().ok()).flatten()
        })
        .unwrap_or(0))
}

fn read(path: &Path) -> Result<String> {
    Ok(sys::read_file(path)?)
}

/// Removes directory `dir` of a cgroup, and everything the container left in it, as runc
/// does: cgroups the container made below its own go first, deepest first, and a process still
/// in any of them is killed. The kernel may need a moment to see killed processes gone, so
/// `rmdir` is retried for a while as long as it says the cgroup is busy.
fn remove_dir(dir: &Path) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    remove_tree(dir, deadline).map_err(|source| Error::Left {
        dir: dir.to_path_buf(),
        source,
    })
}

fn remove_tree(dir: &Path, deadline: std::time::Instant) -> sys::Result<()> {
    let mut wait = std::time::Duration::from_micros(100);
    let mut killed = false;
    loop {
        let busy = match sys::rmdir(dir) {
            Ok(()) => return Ok(()),
            Err(err) if err.errno() == Some(nix::errno::Errno::ENOENT) => return Ok(()),
            Err(err) if err.errno() == Some(nix::errno::Errno::EBUSY) => err,
            Err(err) => return Err(err),
        };
        // Busy: cgroups below it, or processes in it, or both.
        for sub in sub_cgroups(dir) {
            remove_tree(&sub, deadline)?;
        }
        if !killed {
            kill_all(dir);
            killed = true;
        }
        if std::time::Instant::now() >= deadline {
            return Err(busy);
        }
        std::thread::sleep(wait);
        wait = (wait * 2).min(std::time::Duration::from_millis(20));
    }
}

/// The cgroups directly below `dir`.
fn sub_cgroups(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect()
}

/// Kills every process left in cgroup `dir`: at once with cgroup v2's `cgroup.kill` where the
/// kernel has it (5.14), else with SIGKILL to each pid in `cgroup.procs`. A frozen cgroup is
/// thawed, or the signal would wait for it.
fn kill_all(dir: &Path) {
    let kill_file = dir.join("cgroup.kill");
    if kill_file.exists() && sys::write_file(&kill_file, "1").is_ok() {
        return;
    }
    let Ok(procs) = read(&dir.join("cgroup.procs")) else {
        return;
    };
    for pid in procs.lines().filter_map(|line| line.trim().parse().ok()) {
        // Gone meanwhile: nothing to kill.
        let _ = sys::kill(Pid::from_raw(pid), nix::sys::signal::Signal::SIGKILL);
    }
    for (file, thawed) in [("freezer.state", "THAWED"), ("cgroup.freeze", "0")] {
        if dir.join(file).exists() {
            let _ = sys::write_file(&dir.join(file), thawed);
        }
    }
}

/// Creates every missing directory from the hierarchy's root down to `dir`.
fn make_dirs(dir: &Path) -> Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(path) = at {
        if path.exists() {
            break;
        }
        missing.push(path.to_path_buf());
        at = path.parent();
    }
    missing.reverse();
    for path in &missing {
        match sys::mkdir(path) {
            Ok(()) => {}
            // Another minidock made it meanwhile: fine.
            Err(err) if err.errno() == Some(nix::errno::Errno::EEXIST) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}
