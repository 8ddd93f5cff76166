//! `cargo xtask try`: the finished runtime, on a busybox image, with every system call explained.
//!
//! The root filesystem is made from the host's static busybox, in target/rootfs/busybox, and kept
//! for your own experiments. The first run also imports it, with the minidock just built, as the
//! image `busybox` (`busybox:latest`, with `CMD ["sh"]` as the real one has) into the state root
//! minidock uses by default (/var/lib/minidock, or MINIDOCK_ROOT), so that `minidock run busybox
//! ...` works offline from then on; later runs find it there and import nothing. `--dir` runs on
//! the directory itself instead, as chapters 1 to 4 do.

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::run;

/// The command shown when none is given.
const DEMO: &[&str] = &["sh", "-c", "echo \"hello from $(hostname)\"; ls /"];

/// The default image's name, and what it runs when no command is given (as docker's busybox).
pub const IMAGE: &str = "busybox";
pub const IMAGE_CMD: &str = r#"CMD ["sh"]"#;

const USAGE: &str = "usage: cargo xtask try [--dir] [-- COMMAND [ARG...]]";

pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let (on_dir, args) = match args {
        ["--dir", rest @ ..] => (true, rest),
        _ => (false, args),
    };
    let command: Vec<&str> = match args {
        [] => DEMO.to_vec(),
        ["--", rest @ ..] if !rest.is_empty() => rest.to_vec(),
        _ => bail!("{USAGE}"),
    };
    run::cmd(root, "cargo", &["build", "--quiet", "-p", "minidock"])?;
    let target = crate::run::target_dir(root);
    let rootfs = busybox_rootfs(&target)?;
    let minidock = target.join("debug/minidock");
    let shown_path = |p: &Path| match p.strip_prefix(root) {
        Ok(rel) => format!("./{}", rel.display()),
        Err(_) => p.display().to_string(),
    };
    let sudo = !is_root();
    // sudo drops MINIDOCK_ROOT from the environment: a state root of the caller's is passed on
    // the command line instead, where it shows.
    let mut global: Vec<String> = vec![shown_path(&minidock)];
    if let Some(state) = std::env::var_os("MINIDOCK_ROOT").filter(|s| !s.is_empty()) {
        global.extend(["--root".to_string(), state.to_string_lossy().into_owned()]);
    }
    let image = if on_dir {
        shown_path(&rootfs)
    } else {
        ensure_image(
            root,
            &minidock,
            &rootfs,
            &global,
            sudo,
            &shown_path(&rootfs),
        )?;
        IMAGE.to_string()
    };
    let mut line = global.clone();
    line.extend(["--explain", "run", "--hostname", "box"].map(String::from));
    line.push(image);
    line.extend(command.iter().map(|s| s.to_string()));
    println!("$ {}", shown(&line, sudo));
    let status = as_root(&minidock, &line[1..], sudo)
        .current_dir(root)
        .status()
        .context("running minidock")?;
    let other = if on_dir {
        format!("Without --dir, it runs on the image {IMAGE}.")
    } else {
        format!(
            "Called directly, with no command, minidock runs the image's own: `sh`. `cargo xtask \
             try --dir` runs on the directory {} itself, as chapters 1 to 4 do.",
            shown_path(&rootfs)
        )
    };
    println!(
        "\nminidock exited with {}. Run your own command with `cargo xtask try -- COMMAND...`, or \
         call minidock directly as above (for a shell in the box, end the line with `sh`). {other}",
        status
            .code()
            .map(|c| c.to_string())
            .unwrap_or_else(|| status.to_string()),
    );
    Ok(())
}

/// Imports the busybox root filesystem as the image `busybox`, unless the state root has it.
/// `global` is minidock's path and global options, as shown.
fn ensure_image(
    root: &Path,
    minidock: &Path,
    rootfs: &Path,
    global: &[String],
    sudo: bool,
    shown_rootfs: &str,
) -> Result<()> {
    let mut images = global.to_vec();
    images.push("images".into());
    let out = as_root(minidock, &images[1..], sudo)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .context("running minidock images")?;
    if !out.status.success() {
        bail!(
            "`{}` failed: {}",
            shown(&images, sudo),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    if has_image(&String::from_utf8_lossy(&out.stdout), IMAGE, "latest") {
        return Ok(());
    }
    // The tar stream of the directory, as root would own it in a real image.
    let tar: Vec<String> = ["tar", "--numeric-owner", "--owner=0", "--group=0", "-C"]
        .iter()
        .map(|s| s.to_string())
        .chain([shown_rootfs.to_string(), "-c".into(), ".".into()])
        .collect();
    let mut import = global.to_vec();
    import.extend(["import", "--change", IMAGE_CMD, "-", IMAGE].map(String::from));
    println!(
        "$ {} | {}    # once: the image busybox",
        shown(&tar, false),
        shown(&import, sudo)
    );
    let mut tar_child = Command::new(&tar[0])
        .args(&tar[1..])
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .context("running tar")?;
    let stream = tar_child.stdout.take().context("tar's output")?;
    let imported = as_root(minidock, &import[1..], sudo)
        .current_dir(root)
        .stdin(stream)
        .status()
        .context("running minidock import")?;
    let tarred = tar_child.wait()?;
    if !tarred.success() || !imported.success() {
        bail!(
            "importing {} as the image {IMAGE} failed (tar: {tarred}, minidock import: {imported})",
            rootfs.display()
        );
    }
    std::io::stdout().flush()?;
    Ok(())
}

/// Whether `minidock images` printed a row REPOSITORY TAG.
fn has_image(table: &str, repository: &str, tag: &str) -> bool {
    table.lines().skip(1).any(|line| {
        let mut words = line.split_whitespace();
        words.next() == Some(repository) && words.next() == Some(tag)
    })
}

/// `program args...`, through sudo when `sudo`.
fn as_root(program: &Path, args: &[String], sudo: bool) -> Command {
    let mut c = if sudo {
        let mut c = Command::new("sudo");
        c.arg(program);
        c
    } else {
        Command::new(program)
    };
    c.args(args);
    c
}

/// The command line as a shell would need it typed.
fn shown(words: &[String], sudo: bool) -> String {
    let quoted: Vec<String> = words.iter().map(|w| quote(w)).collect();
    if sudo {
        format!("sudo {}", quoted.join(" "))
    } else {
        quoted.join(" ")
    }
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
