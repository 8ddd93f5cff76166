//! The fixture root filesystem: the host's static busybox and its applets, a few files every
//! Linux system has, and the probe.
//!
//! The executables are copied once, before any test runs, into a cache directory, and each test's
//! root filesystem hard-links them from there. Never writing an executable while tests run
//! matters: a test thread's fork can inherit the descriptor of a file being written by another,
//! and executing that file then fails with ETXTBSY ("text file busy").
//!
//! The cache and every test's scratch directory live in /var/tmp/minidock-test, a directory only root
//! can enter: what the tests execute as root is never a file another user could have put there.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const BUSYBOX_PATHS: &[&str] = &["/usr/bin/busybox", "/bin/busybox"];

/// The host's busybox, which must be statically linked to run in a bare root filesystem.
fn busybox() -> &'static (PathBuf, Vec<String>) {
    static BUSYBOX: OnceLock<(PathBuf, Vec<String>)> = OnceLock::new();
    BUSYBOX.get_or_init(|| {
        let path = BUSYBOX_PATHS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .unwrap_or_else(|| {
                panic!("busybox is missing: install the package busybox-static (./setup.sh does)")
            });
        assert!(
            !has_interpreter(&path),
            "{} is dynamically linked: install the package busybox-static (./setup.sh does)",
            path.display()
        );
        let list = Command::new(&path)
            .arg("--list")
            .output()
            .expect("running busybox --list");
        let applets = String::from_utf8_lossy(&list.stdout)
            .lines()
            .filter(|a| !a.is_empty() && *a != "busybox")
            .map(str::to_string)
            .collect();
        (path, applets)
    })
}

/// Whether an ELF executable asks for a dynamic loader (has a `PT_INTERP` program header).
fn has_interpreter(path: &Path) -> bool {
    let Ok(elf) = fs::read(path) else {
        return false;
    };
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap()) as usize;
    if elf.len() < 64 || &elf[..4] != b"\x7fELF" || elf[4] != 2 {
        return false; // not a 64-bit ELF: let the kernel judge it
    }
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    (0..phnum).any(|i| {
        let at = phoff + i * phentsize;
        at + 4 <= elf.len() && u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) == 3
    })
}

/// Where the tests keep their files. A fixed path (not $TMPDIR), so that seeded runs print the
/// same paths everywhere. Not under /tmp: the probe sits at the same path inside each test's root
/// filesystem, and from chapter 3 on a container's /tmp is a fresh tmpfs that would hide it.
const BASE: &str = "/var/tmp/minidock-test";

/// The cache of executables, inside [`BASE`]. Made by [`prepare`].
static CACHE: OnceLock<PathBuf> = OnceLock::new();

/// The directory under which the tests keep their files: root's own, mode 0700.
pub fn base() -> &'static Path {
    Path::new(BASE)
}

/// Creates [`BASE`], or checks that the one there is root's alone.
fn make_base() {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let base = base();
    match fs::DirBuilder::new().mode(0o700).create(base) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => panic!("creating {}: {e}", base.display()),
    }
    let meta = fs::symlink_metadata(base).expect("reading the test directory");
    let private = meta.is_dir() && meta.uid() == 0 && meta.mode() & 0o077 == 0;
    assert!(
        private,
        "{} must be a directory only root can use (owner root, mode 0700); remove it and run again",
        base.display()
    );
}

/// Fills the cache. Runs once per test process, as root, before any test starts (see
/// `harness::start`).
pub fn prepare(probe: &Path) {
    make_base();
    let (busybox, _) = busybox();
    let size = |p: &Path| fs::metadata(p).map(|m| m.len()).ok();
    let key = format!(
        "{}-{}",
        probe.file_name().unwrap().to_string_lossy(),
        size(busybox).unwrap_or(0)
    );
    let cache = base().join(format!("cache-{key}"));
    // A cache is only trusted whole: same sizes as the files it copies.
    let intact =
        size(&cache.join("probe")) == size(probe) && size(&cache.join("busybox")) == size(busybox);
    if !intact {
        // Build it under a private name, then rename: another test process may be doing the same.
        let partial = base().join(format!("cache.partial-{}", std::process::id()));
        let _ = fs::remove_dir_all(&partial);
        fs::create_dir(&partial).expect("creating the fixture cache");
        fs::copy(probe, partial.join("probe")).expect("caching the probe");
        fs::copy(busybox, partial.join("busybox")).expect("caching busybox");
        let _ = fs::remove_dir_all(&cache);
        if fs::rename(&partial, &cache).is_err() {
            let _ = fs::remove_dir_all(&partial); // another process was first
        }
    }
    prune_old_caches(&cache);
    let _ = CACHE.set(cache);
}

/// Removes caches of other probe or busybox versions once they are a day old (a younger one may
/// still serve a test run of another checkout).
fn prune_old_caches(current: &Path) {
    let day = std::time::Duration::from_secs(24 * 3600);
    for entry in fs::read_dir(base()).into_iter().flatten().flatten() {
        let path = entry.path();
        let is_cache = entry.file_name().to_string_lossy().starts_with("cache-");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        if is_cache && old && path != current {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Places a cached executable at `to`, a path that must not exist yet: a hard link, or, across
/// filesystems, a copy made under another name and renamed (never writing to the cache's file).
pub fn place(name: &str, to: &Path) {
    let cache = CACHE.get().expect("fixture::prepare ran before the tests");
    let from = cache.join(name);
    match fs::hard_link(&from, to) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
            let partial = to.with_extension("partial");
            fs::copy(&from, &partial)
                .and_then(|_| fs::rename(&partial, to))
                .unwrap_or_else(|e| panic!("copying {} to {}: {e}", from.display(), to.display()));
        }
        Err(e) => panic!("linking {} to {}: {e}", from.display(), to.display()),
    }
}

/// Builds a fresh root filesystem at `root`: `/bin/busybox` with one relative symlink per applet
/// (absolute ones would point back into the host), the usual empty directories, and `/etc` files.
pub fn busybox_rootfs(root: &Path) {
    let (_, applets) = busybox();
    for dir in [
        "bin", "dev", "etc", "proc", "root", "sys", "tmp", "usr/bin", "var",
    ] {
        fs::create_dir_all(root.join(dir)).expect("creating the fixture rootfs");
    }
    fs::set_permissions(root.join("tmp"), fs::Permissions::from_mode(0o1777)).unwrap();
    place("busybox", &root.join("bin/busybox"));
    for applet in applets {
        let _ = symlink("busybox", root.join("bin").join(applet));
    }
    fs::write(
        root.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    )
    .unwrap();
    fs::write(root.join("etc/group"), "root:x:0:\nnogroup:x:65534:\n").unwrap();
}
