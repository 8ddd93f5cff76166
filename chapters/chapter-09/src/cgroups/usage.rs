//! What a cgroup uses now, read by a process other than the one that made it (`stats`, `top`):
//! from its directories, one per tree, in whichever version the host runs.

use std::path::PathBuf;

use super::{read_keyed, read_number};

/// A cgroup's use of the machine, at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// CPU time used since it was made, in nanoseconds.
    pub cpu_ns: u64,
    /// Memory in use, without the page cache the kernel may drop (as docker counts it).
    pub memory: u64,
    /// Its memory limit, if it has one.
    pub memory_limit: Option<u64>,
    /// Processes and threads in it.
    pub pids: u64,
}

/// The cgroup's use now. A file missing (a controller not there) counts as 0.
pub fn usage(dirs: &[PathBuf]) -> Usage {
    let find = |name: &str| dirs.iter().map(|d| d.join(name)).find(|p| p.exists());
    let number = |name: &str| find(name).and_then(|p| read_number(&p).ok());
    let keyed = |name: &str, key: &str| find(name).and_then(|p| read_keyed(&p, key).ok());
    if let Some(current) = number("memory.current") {
        // cgroup v2.
        return Usage {
            cpu_ns: keyed("cpu.stat", "usage_usec").unwrap_or(0) * 1000,
            memory: current.saturating_sub(keyed("memory.stat", "inactive_file").unwrap_or(0)),
            memory_limit: number("memory.max").filter(|&limit| limit != u64::MAX),
            pids: number("pids.current").unwrap_or(0),
        };
    }
    let usage = number("memory.usage_in_bytes").unwrap_or(0);
    Usage {
        cpu_ns: number("cpuacct.usage").unwrap_or(0),
        memory: usage.saturating_sub(keyed("memory.stat", "total_inactive_file").unwrap_or(0)),
        // v1 writes a huge number (a page short of 2^63) for "no limit".
        memory_limit: number("memory.limit_in_bytes").filter(|&limit| limit < 1 << 62),
        pids: number("pids.current").unwrap_or(0),
    }
}

/// The pids of the processes in the cgroup, as its `cgroup.procs` lists them.
pub fn pids(dirs: &[PathBuf]) -> Vec<u32> {
    dirs.iter()
        .find_map(|dir| std::fs::read_to_string(dir.join("cgroup.procs")).ok())
        .map(|text| text.lines().filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default()
}
