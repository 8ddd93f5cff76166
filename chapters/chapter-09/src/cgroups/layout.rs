//! Where the host keeps its cgroups, read from the kernel rather than assumed.
//!
//! `/proc/self/mountinfo` says where each cgroup filesystem is mounted and which controllers it
//! carries; `/proc/self/cgroup` says where minidock itself sits in each. On a cgroup v2 host there
//! is one tree; on a v1 (or "hybrid") host there is one per controller, or per group of them.

use std::path::{Path, PathBuf};

/// One cgroup filesystem: a v1 hierarchy, or the v2 tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hierarchy {
    /// Where it is mounted, e.g. `/sys/fs/cgroup/memory`.
    pub mount_point: PathBuf,
    /// The cgroup shown at the mount point (`/` unless minidock itself runs in a cgroup
    /// namespace).
    pub mount_root: String,
    /// Its controllers, as mount options (`cpu`, `memory`, `name=systemd`...); empty for v2.
    pub controllers: Vec<String>,
    /// Where minidock's own process is in it, e.g. `/user.slice/session-2.scope`.
    pub own_path: String,
}

impl Hierarchy {
    /// The directory of cgroup `path`: absolute paths start at the hierarchy's root, relative
    /// ones at minidock's own cgroup, as runc reads `--cgroup-parent`. `None` if the path lies
    /// outside what the mount shows.
    pub fn dir(&self, path: &str) -> Option<PathBuf> {
        let absolute = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", self.own_path.trim_end_matches('/'))
        };
        let inside = Path::new(&absolute)
            .strip_prefix(&self.mount_root)
            .ok()?
            .to_path_buf();
        if inside
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return None;
        }
        Some(self.mount_point.join(inside))
    }

    /// Whether this v1 hierarchy carries `controller`.
    pub fn has(&self, controller: &str) -> bool {
        self.controllers.iter().any(|c| c == controller)
    }

    /// The name of the hierarchy's mount point (`memory`, `systemd`...): where the container
    /// mounts it under its own /sys/fs/cgroup.
    pub fn name(&self) -> String {
        self.mount_point
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The v1 hierarchies, from the text of `/proc/self/mountinfo` and `/proc/self/cgroup`.
pub fn v1_hierarchies(mountinfo: &str, own: &str) -> Vec<Hierarchy> {
    let mut found = Vec::new();
    for line in own.lines() {
        // "4:memory:/some/path"; the v2 line, "0::/path", names no controllers.
        let mut fields = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if controllers.is_empty() {
            continue;
        }
        let controllers: Vec<String> = controllers.split(',').map(str::to_string).collect();
        let mount = mounts(mountinfo)
            .find(|m| m.fstype == "cgroup" && controllers.iter().all(|c| m.options.contains(c)));
        if let Some(m) = mount {
            found.push(Hierarchy {
                mount_point: m.mount_point,
                mount_root: m.root,
                controllers,
                own_path: path.to_string(),
            });
        }
    }
    found.sort_by(|a, b| a.mount_point.cmp(&b.mount_point));
    found
}

/// The v2 tree mounted at `at`, with minidock's own place in it.
pub fn v2_hierarchy(mountinfo: &str, own: &str, at: &Path) -> Option<Hierarchy> {
    let mount = mounts(mountinfo).find(|m| m.fstype == "cgroup2" && m.mount_point == at)?;
    let own_path = own
        .lines()
        .find_map(|line| line.strip_prefix("0::"))?
        .to_string();
    Some(Hierarchy {
        mount_point: mount.mount_point,
        mount_root: mount.root,
        controllers: Vec::new(),
        own_path,
    })
}

struct Mount {
    root: String,
    mount_point: PathBuf,
    fstype: String,
    options: Vec<String>,
}

/// The mounts of a mountinfo text: `ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS...] - TYPE SOURCE
/// SUPER_OPTIONS`. The controllers of a v1 hierarchy are among its super options.
fn mounts(mountinfo: &str) -> impl Iterator<Item = Mount> + '_ {
    mountinfo.lines().filter_map(|line| {
        let (before, after) = line.split_once(" - ")?;
        let before: Vec<&str> = before.split(' ').collect();
        let after: Vec<&str> = after.split(' ').collect();
        Some(Mount {
            root: unescape(before.get(3)?),
            mount_point: PathBuf::from(unescape(before.get(4)?)),
            fstype: after.first()?.to_string(),
            options: after.get(2)?.split(',').map(str::to_string).collect(),
        })
    })
}

/// mountinfo writes spaces, tabs, newlines and backslashes in paths as octal escapes (`\040`).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            std::str::from_utf8(d)
                .ok()
                .and_then(|d| u8::from_str_radix(d, 8).ok())
        });
        match (bytes[i], octal) {
            (b'\\', Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
    const OWN: &str = "\
9:name=systemd:/
4:memory:/process_api/abc
2:cpuacct:/
1:cpu:/
0::/
";

    #[test]
    fn v1_hierarchies_are_found_with_their_controllers_and_our_place() {
        let found = v1_hierarchies(MOUNTINFO, OWN);
        let names: Vec<String> = found.iter().map(Hierarchy::name).collect();
        assert_eq!(names, ["cpu", "cpuacct", "memory", "systemd"]);
        let memory = found.iter().find(|h| h.has("memory")).unwrap();
        assert_eq!(memory.own_path, "/process_api/abc");
        assert_eq!(
            memory.dir("box/1").unwrap(),
            Path::new("/sys/fs/cgroup/memory/process_api/abc/box/1")
        );
        assert_eq!(
            memory.dir("/box/1").unwrap(),
            Path::new("/sys/fs/cgroup/memory/box/1")
        );
        assert!(memory.dir("/box/../../etc").is_none());
    }

    #[test]
    fn the_v2_tree_is_found_where_it_is_mounted() {
        let unified = v2_hierarchy(MOUNTINFO, OWN, Path::new("/sys/fs/cgroup/unified")).unwrap();
        assert_eq!(unified.own_path, "/");
        assert!(v2_hierarchy(MOUNTINFO, OWN, Path::new("/sys/fs/cgroup")).is_none());
    }

    #[test]
    fn escaped_paths_are_read_back() {
        assert_eq!(unescape(r"/a\040b"), "/a b");
        assert_eq!(unescape(r"/plain"), "/plain");
    }
}
