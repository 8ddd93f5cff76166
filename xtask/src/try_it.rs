//! `cargo xtask try`: the finished runtime, on a busybox root filesystem, with every system call
//! explained. The root filesystem is made from the host's static busybox, in target/rootfs/busybox,
//! and kept for your own experiments.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::run;

/// The command shown when none is given.
const DEMO: &[&str] = &["sh", "-c", "echo \"hello from $(hostname)\"; ls /"];

pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let command: Vec<&str> = match args {
        [] => DEMO.to_vec(),
        ["--", rest @ ..] if !rest.is_empty() => rest.to_vec(),
        _ => bail!("usage: cargo xtask try [-- COMMAND [ARG...]]"),
    };
    run::cmd(root, "cargo", &["build", "--quiet", "-p", "minidock"])?;
    let target = crate::run::target_dir(root);
    let rootfs = busybox_rootfs(&target)?;
    let minidock = target.join("debug/minidock");
    let shown_path = |p: &Path| match p.strip_prefix(root) {
        Ok(rel) => format!("./{}", rel.display()),
        Err(_) => p.display().to_string(),
    };
    let image = shown_path(&rootfs);
    let mut line: Vec<String> = vec![
        shown_path(&minidock),
        "--explain".into(),
        "run".into(),
        "--hostname".into(),
        "box".into(),
        image,
    ];
    line.extend(command.iter().map(|s| s.to_string()));
    let root_needed = !is_root();
    let quoted: Vec<String> = line.iter().map(|w| quote(w)).collect();
    let shown = if root_needed {
        format!("sudo {}", quoted.join(" "))
    } else {
        quoted.join(" ")
    };
    println!("$ {shown}");
    let mut cmd = if root_needed {
        let mut c = Command::new("sudo");
        c.arg(&minidock);
        c
    } else {
        Command::new(&minidock)
    };
    let status = cmd
        .args(&line[1..])
        .current_dir(root)
        .status()
        .context("running minidock")?;
    println!(
        "\nminidock exited with {}. Run your own command with `cargo xtask try -- COMMAND...`, or \
         call minidock directly as above (for a shell in the box, end the line with `sh`).",
        status
            .code()
            .map(|c| c.to_string())
            .unwrap_or_else(|| status.to_string())
    );
    Ok(())
}

/// A word as a shell needs it written.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// <target>/rootfs/busybox: /bin/busybox with relative applet links, and the usual directories.
pub fn busybox_rootfs(target: &Path) -> Result<PathBuf> {
    let dir = target.join("rootfs/busybox");
    if dir.join("bin/sh").exists() {
        return Ok(dir);
    }
    let busybox = ["/usr/bin/busybox", "/bin/busybox"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .context("busybox is missing: install the package busybox-static (./setup.sh does)")?;
    for sub in [
        "bin", "dev", "etc", "proc", "root", "sys", "tmp", "usr/bin", "var",
    ] {
        fs::create_dir_all(dir.join(sub))?;
    }
    fs::copy(&busybox, dir.join("bin/busybox"))?;
    let list = Command::new(&busybox).arg("--list").output()?;
    for applet in String::from_utf8_lossy(&list.stdout).lines() {
        if !applet.is_empty() && applet != "busybox" {
            // Relative links: an absolute one would point back at the host's busybox.
            let _ = symlink("busybox", dir.join("bin").join(applet));
        }
    }
    fs::write(dir.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n")?;
    fs::write(dir.join("etc/group"), "root:x:0:\n")?;
    Ok(dir)
}
