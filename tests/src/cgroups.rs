//! The host's cgroups, as a test sees them from outside: where a container's cgroup files are,
//! cgroups a test makes for processes of its own, and removing what a sandbox's containers left,
//! processes included.

use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = "/sys/fs/cgroup";

/// Whether the host runs cgroup v2 (a cgroup2 filesystem at /sys/fs/cgroup) rather than v1.
pub fn is_v2() -> bool {
    let path = std::ffi::CString::new(ROOT).unwrap();
    // SAFETY: statfs(2) fills the struct we own.
    unsafe {
        let mut stat: libc::statfs = std::mem::zeroed();
        libc::statfs(path.as_ptr(), &mut stat) == 0 && stat.f_type == libc::CGROUP2_SUPER_MAGIC
    }
}

/// The directory of the absolute cgroup `path` in the tree that carries `controller`: the one
/// tree on v2, that controller's hierarchy on v1. `None` if the host has no such hierarchy.
pub fn dir(controller: &str, path: &str) -> Option<PathBuf> {
    let base = if is_v2() {
        PathBuf::from(ROOT)
    } else {
        hierarchies()
            .into_iter()
            .find(|(_, options)| options.iter().any(|o| o == controller))?
            .0
    };
    Some(base.join(path.trim_start_matches('/')))
}

/// Every cgroup tree's mount point (one on v2, one per hierarchy on v1).
pub fn trees() -> Vec<PathBuf> {
    if is_v2() {
        vec![PathBuf::from(ROOT)]
    } else {
        hierarchies().into_iter().map(|(dir, _)| dir).collect()
    }
}

/// The v1 hierarchies: mount point and super options, from /proc/self/mountinfo.
fn hierarchies() -> Vec<(PathBuf, Vec<String>)> {
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    mountinfo
        .lines()
        .filter_map(|line| {
            let (before, after) = line.split_once(" - ")?;
            let mut after = after.split(' ');
            if after.next()? != "cgroup" {
                return None;
            }
            let options = after.nth(1)?.split(',').map(str::to_string).collect();
            Some((PathBuf::from(before.split(' ').nth(4)?), options))
        })
        .collect()
}

/// Where process `pid` is in each cgroup tree that holds limits, from `/proc/PID/cgroup`, as
/// (controllers, path) pairs: the one line of the v2 tree on v2; on v1, the line of each mounted
/// hierarchy (a hybrid host's v2 tree, with no controller, is left out).
pub fn places(pid: u32) -> Vec<(String, String)> {
    let text = fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap_or_default();
    let v2 = is_v2();
    text.lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            let kept = if v2 {
                controllers.is_empty()
            } else {
                controllers
                    .split(',')
                    .next()
                    .is_some_and(|c| !c.is_empty() && dir(c, "/").is_some())
            };
            kept.then(|| (controllers.to_string(), path.to_string()))
        })
        .collect()
}

/// The child cgroups of the absolute cgroup `path`, in the tree that carries `controller`.
pub fn children(controller: &str, path: &str) -> Vec<PathBuf> {
    let Some(dir) = dir(controller, path) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Every cgroup at or below the absolute cgroup `path`, in every tree.
pub fn all_below(path: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for tree in trees() {
        let top = tree.join(path.trim_start_matches('/'));
        let mut stack = vec![top];
        while let Some(dir) = stack.pop() {
            if !dir.is_dir() {
                continue;
            }
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    stack.push(entry.path());
                }
            }
            found.push(dir);
        }
    }
    found.sort();
    found
}

/// The level of the cgroup trees under which every sandbox makes its cgroup parent: the only
/// cgroups the harness makes, empties and removes are below it.
pub(crate) const TEST_LEVEL: &str = "/minidock-test";

/// The container cgroups (`minidock-*`) anywhere below the absolute cgroup `path`, in any tree.
pub fn containers_below(path: &str) -> Vec<PathBuf> {
    all_below(path)
        .into_iter()
        .filter(|dir| {
            dir.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("minidock-"))
        })
        .collect()
}

/// Makes the absolute cgroup `path` (a cgroup of the test's, below its sandbox's cgroup parent)
/// in every tree, with the levels above it, ready for a process to join: returns its directory
/// in each tree, where `cgroup.procs` takes the pid.
///
/// On cgroup v1 a new cpuset cgroup has no CPUs and no memory nodes, and the kernel refuses a
/// process in it (ENOSPC): every level of the path whose `cpuset.cpus` or `cpuset.mems` is empty
/// gets its parent's, from the top down.
#[track_caller]
pub fn make_joinable(path: &str) -> Vec<PathBuf> {
    let v1 = !is_v2();
    let mut dirs = Vec::new();
    for tree in trees() {
        let dir = tree.join(path.trim_start_matches('/'));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("making cgroup {}: {e}", dir.display()));
        if v1 && dir.join("cpuset.cpus").exists() {
            let mut levels: Vec<&Path> = dir.ancestors().take_while(|l| *l != tree).collect();
            levels.reverse();
            for level in levels {
                for file in ["cpuset.cpus", "cpuset.mems"] {
                    let mine = fs::read_to_string(level.join(file)).unwrap_or_default();
                    if mine.trim().is_empty() {
                        let above = fs::read_to_string(level.parent().unwrap().join(file))
                            .unwrap_or_default();
                        let _ = fs::write(level.join(file), above.trim());
                    }
                }
            }
        }
        dirs.push(dir);
    }
    dirs
}

/// Removes the absolute cgroup `path` and everything below it, in every tree, whatever is left
/// in them, also when minidock failed to clean up: a frozen cgroup is thawed (top down), what
/// still runs in each is killed (with `cgroup.kill` where the kernel has it, else SIGKILL to
/// every pid in `cgroup.procs`), and the cgroups go, deepest first; one whose processes are
/// still dying is retried for a moment.
///
/// Only cgroups below the tests' own level, `/minidock-test`, are touched: the processes in them
/// are the tests'.
pub fn remove_tree(path: &str) {
    if !below_test_level(path) {
        eprintln!("harness: not removing cgroup {path}: it is not below {TEST_LEVEL}");
        return;
    }
    // Sorted by path: each cgroup comes before those below it.
    let mut dirs = all_below(path);
    for dir in &dirs {
        thaw(dir);
    }
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for dir in dirs {
        for _ in 0..100 {
            if fs::remove_dir(&dir).is_ok() || !dir.exists() {
                break;
            }
            // Killed again on each try: a process may have forked meanwhile.
            kill_all(&dir);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// Whether the absolute cgroup `path` is below [`TEST_LEVEL`].
fn below_test_level(path: &str) -> bool {
    path.strip_prefix(TEST_LEVEL).is_some_and(|rest| {
        rest.len() > 1 && rest.starts_with('/') && !rest.split('/').any(|c| c == "..")
    })
}

/// Lets the processes of cgroup `dir` run again if it is frozen (`freezer.state` on v1,
/// `cgroup.freeze` on v2): a frozen process does not die of SIGKILL until it is thawed.
fn thaw(dir: &Path) {
    for (file, thawed) in [("freezer.state", "THAWED"), ("cgroup.freeze", "0")] {
        let file = dir.join(file);
        if fs::read_to_string(&file).is_ok_and(|state| state.trim() != thawed) {
            let _ = fs::write(&file, thawed);
        }
    }
}

/// Kills every process in cgroup `dir`: at once with `cgroup.kill` (cgroup v2, Linux 5.14) where
/// the kernel has it, else with SIGKILL to each pid in `cgroup.procs`.
fn kill_all(dir: &Path) {
    let kill = dir.join("cgroup.kill");
    if kill.exists() && fs::write(&kill, "1").is_ok() {
        return;
    }
    let procs = fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    for pid in procs
        .lines()
        .filter_map(|line| line.trim().parse::<libc::pid_t>().ok())
    {
        // pid 0 stands for a process of another PID namespace: nothing to signal here.
        if pid > 0 {
            // SAFETY: kill(2) of a process in one of the tests' cgroups; one that is gone
            // meanwhile makes it fail with ESRCH, which changes nothing.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// Reads `key value` lines (cpu.stat, memory.events) and returns `key`'s value.
pub fn keyed(file: &Path, key: &str) -> Option<u64> {
    fs::read_to_string(file).ok()?.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// Reads a file holding one number.
pub fn number(file: &Path) -> Option<u64> {
    fs::read_to_string(file).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tests_cgroups_are_removed() {
        assert!(below_test_level("/minidock-test/sandbox-x"));
        assert!(below_test_level("/minidock-test/sandbox-x/level/a"));
        for other in [
            "/",
            "",
            "/minidock-test",
            "/minidock-test/",
            "/minidock-tests/x",
            "/minidock/minidock-x",
            "/minidock-test/../system.slice",
            "minidock-test/sandbox-x",
        ] {
            assert!(!below_test_level(other), "{other}");
        }
    }
}
