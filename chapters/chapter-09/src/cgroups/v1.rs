//! The cgroup v1 driver: one directory per hierarchy, each with its own controller's files.
//!
//! The container gets a cgroup of the same path in every hierarchy the host mounts, so it is
//! apart everywhere (as docker does), even where minidock sets no limit.

use std::path::{Path, PathBuf};

use nix::unistd::Pid;

use super::layout::Hierarchy;
use super::{read_keyed, read_number, Error, Result, Stats, View};
use crate::config::resources::Resources;
use crate::sys;

use crate::config::resources::Swap;

pub struct Cgroup {
    /// Each hierarchy, with the container's directory in it.
    dirs: Vec<(Hierarchy, PathBuf)>,
}

impl Cgroup {
    /// Creates cgroup `path` in every hierarchy, ready for a process to join.
    pub fn create(hierarchies: &[Hierarchy], path: &str, parent: &str) -> Result<Cgroup> {
        let mut cgroup = Cgroup { dirs: Vec::new() };
        for hierarchy in hierarchies {
            let dir = hierarchy.dir(path).ok_or_else(|| Error::Parent {
                parent: parent.to_string(),
                reason: format!(
                    "it is outside what {} shows",
                    hierarchy.mount_point.display()
                ),
            })?;
            // Recorded before it is made: a cgroup made in some hierarchies only is removed
            // from each of them again.
            cgroup.dirs.push((hierarchy.clone(), dir.clone()));
            if let Err(err) = make(hierarchy, &dir) {
                let _ = super::Cgroup::remove(&cgroup);
                return Err(err);
            }
        }
        Ok(cgroup)
    }

    /// The container's directory in the hierarchy of `controller`, if the host mounts one.
    fn dir(&self, controller: &str) -> Option<&Path> {
        self.dirs
            .iter()
            .find(|(h, _)| h.has(controller))
            .map(|(_, dir)| dir.as_path())
    }

    /// Writes `value` to `file` in the hierarchy of `controller`; a controller the host does not
    /// mount is an error only if a limit needs it.
    fn write(&self, controller: &str, file: &str, value: &str) -> Result<()> {
        let dir = self
            .dir(controller)
            .ok_or_else(|| Error::Layout(format!("the host mounts no {controller} hierarchy")))?;
        Ok(sys::write_file(&dir.join(file), value)?)
    }
}

/// Makes the container's directory `dir` in `hierarchy`, with the levels above it that are
/// missing, so that a process can join it.
fn make(hierarchy: &Hierarchy, dir: &Path) -> Result<()> {
    super::make_dirs(dir)?;
    if hierarchy.has("cpuset") {
        // A new cpuset cgroup starts with no CPUs and no memory nodes (unless the hierarchy's
        // cgroup.clone_children says to copy them), and no process can join it then (ENOSPC).
        // So each empty level gets its parent's, from the top down, since a level can only
        // copy what its parent has. Every level, not only those this run made: another
        // minidock may have made one a moment ago and not have filled it in yet.
        let mut levels: Vec<&Path> = dir
            .ancestors()
            .take_while(|level| *level != hierarchy.mount_point)
            .collect();
        levels.reverse();
        for level in levels {
            let parent = level.parent().unwrap_or(level);
            for file in ["cpuset.cpus", "cpuset.mems"] {
                if super::read(&level.join(file))?.trim().is_empty() {
                    let value = super::read(&parent.join(file))?;
                    sys::write_file(&level.join(file), value.trim())?;
                }
            }
        }
    }
    Ok(())
}

impl super::Cgroup for Cgroup {
    fn apply(&self, r: &Resources) -> Result<()> {
        if let Some(memory) = r.memory.limit {
            self.write("memory", "memory.limit_in_bytes", &memory.to_string())?;
        }
        if let (Some(quota), Some(period)) = (r.cpu.quota, r.cpu.period) {
            self.write("cpu", "cpu.cfs_period_us", &period.to_string())?;
            self.write("cpu", "cpu.cfs_quota_us", &quota.to_string())?;
        }
        if let Some(pids) = r.pids.limit {
            self.write("pids", "pids.max", &pids.to_string())?;
        }
        // Memory and swap together, after the memory limit: the kernel refuses a memsw limit
        // below the memory limit. memory.memsw.* exist only where the kernel accounts swap;
        // without them, as without swap, the memory limit alone is the limit.
        let memsw = self
            .dir("memory")
            .map(|d| d.join("memory.memsw.limit_in_bytes"))
            .filter(|path| path.exists());
        if let (Some(path), Some(swap)) = (memsw, r.memory.swap) {
            let value = match swap {
                Swap::Limit(total) => total.to_string(),
                Swap::Unlimited => "-1".to_string(),
            };
            sys::write_file(&path, &value)?;
        }
        if let Some(shares) = r.cpu.shares {
            self.write("cpu", "cpu.shares", &shares.to_string())?;
        }
        if let Some(cpus) = &r.cpu.cpus {
            self.write("cpuset", "cpuset.cpus", cpus)?;
        }
        Ok(())
    }

    fn add(&self, pid: Pid) -> Result<()> {
        for (_, dir) in &self.dirs {
            sys::write_file(&dir.join("cgroup.procs"), &pid.to_string())?;
        }
        Ok(())
    }

    fn stats(&self) -> Result<Stats> {
        let file = |controller: &str, name: &str| self.dir(controller).map(|d| d.join(name));
        let mut stats = Stats::default();
        if let Some(path) = file("memory", "memory.oom_control") {
            stats.oom_kills = read_keyed(&path, "oom_kill")?;
        }
        if let Some(path) = file("pids", "pids.current") {
            stats.pids = read_number(&path)?;
        }
        if let Some(path) = file("cpuacct", "cpuacct.usage") {
            stats.cpu_usage_us = read_number(&path)? / 1000;
        }
        if let Some(path) = file("cpu", "cpu.stat") {
            stats.cpu_throttled = read_keyed(&path, "nr_throttled")?;
        }
        Ok(stats)
    }

    fn remove(&self) -> Result<()> {
        let mut first_error = None;
        for (_, dir) in &self.dirs {
            if let Err(err) = super::remove_dir(dir) {
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn view(&self) -> View {
        View::Hierarchies(
            self.dirs
                .iter()
                .map(|(h, _)| (h.name(), h.controllers.join(",")))
                .collect(),
        )
    }
}
