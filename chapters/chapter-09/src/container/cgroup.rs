//! The container's cgroup, as the container holds it: made with its limits before the child
//! exists, joined by the child from outside, removed on every way out.

use std::path::Path;

use nix::unistd::Pid;

use super::{Error, Result};
use crate::cgroups::{self, ledger, Cgroup, View};
use crate::config::{resources, Config};
use crate::sys;

/// The container's cgroup, removed when the container is dropped, on every path out of `run`;
/// then its entry in the ledger goes too (unless something of the cgroup is left).
pub struct ContainerCgroup {
    cgroup: Box<dyn Cgroup>,
    /// Held, not read: dropped after the cgroup is removed.
    _entry: ledger::Entry,
}

/// The cgroup's name, under the cgroup parent.
fn name(config: &Config) -> String {
    format!("minidock-{}", config.id)
}

/// The directories of the container's cgroup, one in every tree, for a process other than the
/// one that made it.
pub fn dirs(config: &Config) -> crate::cgroups::Result<Vec<std::path::PathBuf>> {
    cgroups::dirs(&config.linux.cgroups_path, &name(config))
}

impl ContainerCgroup {
    /// Makes the container's cgroup, with its limits written, under the cgroup parent.
    pub fn create(root: &Path, config: &Config) -> Result<ContainerCgroup> {
        let parent = &config.linux.cgroups_path;
        let name = name(config);
        // What a killed minidock left behind goes first; then this run's entry in the ledger,
        // with the directories the cgroup is about to have.
        ledger::sweep(root, cgroups::remove_leftover);
        let dirs = cgroups::dirs(parent, &name)?;
        let entry = ledger::Entry::hold(root, &name, &dirs).map_err(Error::Ledger)?;
        Ok(ContainerCgroup {
            cgroup: cgroups::create(parent, &name, &config.linux.resources)?,
            _entry: entry,
        })
    }

    /// How the container sees its cgroups.
    pub fn view(&self) -> View {
        self.cgroup.view()
    }

    /// Moves the container's first process into the cgroup.
    pub fn join(&self, child: Pid) -> Result<()> {
        Ok(self.cgroup.add(child)?)
    }

    /// Says so when the kernel killed a process of the container for want of memory, as `docker
    /// inspect` says OOMKilled.
    pub fn report_oom(&self, config: &Config) {
        let Ok(stats) = self.cgroup.stats() else {
            return;
        };
        if stats.oom_kills > 0 {
            let limit = config
                .linux
                .resources
                .memory
                .limit
                .map_or(String::new(), |m| {
                    format!(" (memory limit {})", resources::human(m))
                });
            sys::tell(&format!(
                "out of memory: the kernel killed a process of the container{limit}"
            ));
        }
    }
}

impl Drop for ContainerCgroup {
    fn drop(&mut self) {
        // By now the container's processes are gone: its pid 1 has ended, and the kernel kills
        // the rest of its PID namespace with it. An empty cgroup is removed with rmdir(2).
        if let Err(err) = self.cgroup.remove() {
            sys::tell(&sys::chain(&err));
        }
    }
}
