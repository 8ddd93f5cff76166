//! The cgroup v2 driver: one tree, controllers handed down level by level.
//!
//! In v2 a controller works in a cgroup only if its parent lists it in `cgroup.subtree_control`,
//! and so on up to the root: minidock enables the controllers it needs on every level above the
//! container's cgroup. And a cgroup that hands controllers down may hold no processes itself
//! (the "no internal processes" rule): the container's parent is a directory of cgroups only.

use std::path::{Path, PathBuf};

use nix::unistd::Pid;

use super::layout::Hierarchy;
use super::{read_keyed, read_number, Error, Result, Stats, View};
use crate::config::resources::shares_to_weight;
use crate::config::resources::{Resources, Swap};
use crate::sys;

/// The controllers minidock uses.
const CONTROLLERS: [&str; 4] = ["cpu", "cpuset", "memory", "pids"];

pub struct Cgroup {
    dir: PathBuf,
}

impl Cgroup {
    /// Creates cgroup `path` in `tree`, with the controllers enabled down to it.
    pub fn create(tree: &Hierarchy, path: &str, parent: &str) -> Result<Cgroup> {
        let bad_parent = |reason: &str| Error::Parent {
            parent: parent.to_string(),
            reason: reason.to_string(),
        };
        let dir = tree
            .dir(path)
            .ok_or_else(|| bad_parent("it is outside the cgroup tree minidock can see"))?;
        make(tree, &dir).map_err(|err| match err {
            Error::Sys(e) if e.errno() == Some(nix::errno::Errno::EBUSY) => bad_parent(&format!(
                "{e}: a level of it holds processes, so it cannot hand controllers down to child \
                 cgroups (cgroup v2's \"no internal processes\" rule): choose another parent"
            )),
            other => other,
        })?;
        Ok(Cgroup { dir })
    }

    fn write(&self, file: &str, value: &str) -> Result<()> {
        Ok(sys::write_file(&self.dir.join(file), value)?)
    }
}

/// Makes the container's cgroup `dir` in `tree`, with the levels above it that are missing, so
/// that it has the controllers of [`CONTROLLERS`] the host has.
fn make(tree: &Hierarchy, dir: &Path) -> Result<()> {
    let parent = dir.parent().unwrap_or(&tree.mount_point);
    super::make_dirs(parent)?;
    // A controller works in a cgroup only if its parent enables it for its children, and so on
    // up to the root: from the root down to the container's parent, each level hands the
    // controllers on, before the container's cgroup is made below the last of them.
    let mut levels: Vec<&Path> = parent
        .ancestors()
        .take_while(|level| level.starts_with(&tree.mount_point))
        .collect();
    levels.reverse();
    for level in levels {
        if let Some(missing) = missing_controllers(level)? {
            sys::write_file(&level.join("cgroup.subtree_control"), &missing)?;
        }
    }
    sys::mkdir(dir)?;
    Ok(())
}

/// The controllers of [`CONTROLLERS`] that cgroup `dir` has but does not enable for its
/// children yet, as `cgroup.subtree_control` takes them (`+cpu +memory`), or `None` if there is
/// none.
fn missing_controllers(dir: &Path) -> Result<Option<String>> {
    let available = super::read(&dir.join("cgroup.controllers"))?;
    let enabled = super::read(&dir.join("cgroup.subtree_control"))?;
    let missing: Vec<String> = CONTROLLERS
        .iter()
        .filter(|c| available.split_whitespace().any(|a| a == **c))
        .filter(|c| !enabled.split_whitespace().any(|e| e == **c))
        .map(|c| format!("+{c}"))
        .collect();
    Ok((!missing.is_empty()).then(|| missing.join(" ")))
}

impl super::Cgroup for Cgroup {
    fn apply(&self, r: &Resources) -> Result<()> {
        if let Some(memory) = r.memory.limit {
            self.write("memory.max", &memory.to_string())?;
        }
        if let (Some(quota), Some(period)) = (r.cpu.quota, r.cpu.period) {
            self.write("cpu.max", &format!("{quota} {period}"))?;
        }
        if let Some(pids) = r.pids.limit {
            self.write("pids.max", &pids.to_string())?;
        }
        // v2 counts swap on its own; docker's --memory-swap is memory and swap together. The
        // file exists only where the kernel accounts swap; without it, as without swap, the
        // memory limit alone is the limit.
        if self.dir.join("memory.swap.max").exists() {
            match (r.memory.limit, r.memory.swap) {
                (Some(memory), Some(Swap::Limit(total))) => {
                    self.write("memory.swap.max", &(total - memory).to_string())?
                }
                (_, Some(Swap::Unlimited)) => self.write("memory.swap.max", "max")?,
                _ => {}
            }
        }
        if let Some(shares) = r.cpu.shares {
            self.write("cpu.weight", &shares_to_weight(shares).to_string())?;
        }
        if let Some(cpus) = &r.cpu.cpus {
            self.write("cpuset.cpus", cpus)?;
        }
        Ok(())
    }

    fn add(&self, pid: Pid) -> Result<()> {
        self.write("cgroup.procs", &pid.to_string())
    }

    fn stats(&self) -> Result<Stats> {
        Ok(Stats {
            oom_kills: read_keyed(&self.dir.join("memory.events"), "oom_kill")?,
            pids: read_number(&self.dir.join("pids.current"))?,
            cpu_usage_us: read_keyed(&self.dir.join("cpu.stat"), "usage_usec")?,
            cpu_throttled: read_keyed(&self.dir.join("cpu.stat"), "nr_throttled")?,
        })
    }

    fn remove(&self) -> Result<()> {
        super::remove_dir(&self.dir)
    }

    fn view(&self) -> View {
        View::Unified
    }
}
