//! The fixture root filesystem: the host's static busybox and its applets, a few files every
//! Linux system has, and the probe.

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

/// Builds a fresh root filesystem at `root`: `/bin/busybox` with one relative symlink per applet
/// (absolute ones would point back into the host), the usual empty directories, and `/etc` files.
pub fn busybox_rootfs(root: &Path) {
    let (busybox, applets) = busybox();
    for dir in [
        "bin", "dev", "etc", "proc", "root", "sys", "tmp", "usr/bin", "var",
    ] {
        fs::create_dir_all(root.join(dir)).expect("creating the fixture rootfs");
    }
    fs::set_permissions(root.join("tmp"), fs::Permissions::from_mode(0o1777)).unwrap();
    fs::copy(busybox, root.join("bin/busybox")).expect("copying busybox into the fixture");
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
