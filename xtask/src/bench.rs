//! `cargo xtask bench [--quick]`: how fast minidock starts a container, beside crun, runc and
//! podman, and how fast it imports a layer, beside tar.
//!
//! Each runtime starts `/bin/true` in the same busybox root filesystem, with the same work to do:
//! the same namespaces (a network namespace with lo alone, minidock's `--network none`), the same
//! mounts, the same cgroup limits
//! written, no terminal. The runs alternate A/B/C (the order rotates every round), so whatever
//! the machine does meanwhile falls on all of them alike, and the ratios are taken round by
//! round. The kernel's floor is `unshare` doing the namespaces alone.
//!
//! It all runs in one private mount namespace, where the hybrid host's empty cgroup v2 tree is
//! unmounted: crun 1.8 refuses hybrid hosts. One namespace for the whole benchmark, so no
//! runtime pays for an `unshare` of its own.
//!
//! Then, from an image: `minidock run busybox true` on overlay against the same files as a
//! directory (the overlay's cost), and `podman run --rm --network none busybox true`, podman with
//! a store, run directory and locks of its own under the work directory. Then importing a 100 MB
//! layer, plain and gzip, against `tar -x` (and `gzip -dc | tar -x`) of the same file. The layer's
//! tarballs are made once and kept in the work directory (target/bench); every store, podman's
//! files, mount and cgroup the benchmark made is removed when it ends.
//!
//! The full run writes its tables to book/bench/results.md, which the book's appendix includes;
//! `--quick` runs a few rounds of the debug build (the one the tests built), and writes nothing:
//! it shows that the benchmark works, not how fast minidock is.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::try_it;

/// The limits every runtime writes: the same as minidock's `-m 64m --cpus 0.5 --pids-limit 100`.
const MEMORY: u64 = 64 << 20;
const CPU_QUOTA: u64 = 50_000;
const CPU_PERIOD: u64 = 100_000;
const PIDS: u64 = 100;
const CGROUP_PARENT: &str = "/minidock-bench";

pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let quick = args.contains(&"--quick");
    if std::env::var_os("MINIDOCK_BENCH_INSIDE").is_none() {
        // Start again inside a private mount namespace of our own, and a network namespace of
        // our own (with lo up), where the containers' bridge and veths come and go.
        let exe = std::env::current_exe()?;
        let status = Command::new("unshare")
            .args(["--mount", "--propagation", "private", "--net", "sh", "-c"])
            .arg("ip link set lo up && exec \"$0\" bench \"$@\"")
            .arg(exe)
            .args(args)
            .env("MINIDOCK_BENCH_INSIDE", "1")
            .status()
            .context("running unshare (util-linux)")?;
        if !status.success() {
            bail!("the benchmark failed");
        }
        return Ok(());
    }
    let rounds = if quick { 5 } else { 100 };
    let target = crate::run::target_dir(root);
    let work = target.join("bench");
    fs::create_dir_all(&work)?;

    // Only in this process's own mount namespace: the host keeps its mounts.
    if is_mount_point("/sys/fs/cgroup/unified") {
        let ok = Command::new("umount")
            .arg("/sys/fs/cgroup/unified")
            .status()?
            .success();
        if !ok {
            bail!("unmounting the empty cgroup v2 tree (in the benchmark's own namespace) failed");
        }
    }

    let profile = if quick { "debug" } else { "release" };
    let mut build = Command::new("cargo");
    build.args(["build", "--quiet", "-p", "minidock"]);
    if !quick {
        build.arg("--release");
    }
    if !build.current_dir(root).status()?.success() {
        bail!("building minidock ({profile}) failed");
    }
    let minidock = target.join(profile).join("minidock");
    let rootfs = try_it::busybox_rootfs(&work)?;
    let probe = build_probe(root, &work)?;
    fs::copy(&probe, rootfs.join("bin/probe"))?;

    // minidock with a network namespace of nothing but lo, as crun's and runc's; then with its
    // default bridge network, side by side, for what the veth, the address and the route cost.
    let mut runtimes = vec![
        Runtime::minidock("minidock", "none", &minidock, &rootfs, &work),
        Runtime::minidock(
            "minidock, bridge network",
            "bridge",
            &minidock,
            &rootfs,
            &work,
        ),
    ];
    for name in ["crun", "runc"] {
        match which(name) {
            Some(binary) => runtimes.push(Runtime::oci(name, &binary, &rootfs, &work)?),
            None => println!("bench: {name} is not installed: skipped (Debian package {name})"),
        }
    }
    runtimes.push(Runtime::floor());

    let measured = measure(&runtimes, &minidock, &rootfs, &work, quick, rounds);
    // Each cleans up after itself, whatever happens.
    let images = measured.as_ref().ok().map(|_| {
        let (rounds, podman_rounds) = if quick { (5, 3) } else { (100, 30) };
        measure_images(&minidock, &rootfs, &work, rounds, podman_rounds)
    });
    let imports = measured
        .as_ref()
        .ok()
        .map(|_| measure_imports(&minidock, &work, if quick { 1 } else { 7 }));
    let detached = measured
        .as_ref()
        .ok()
        .map(|_| measure_detached(&minidock, &rootfs, &work, if quick { 5 } else { 100 }));
    let terminal = measured
        .as_ref()
        .ok()
        .map(|_| measure_terminal(&minidock, &rootfs, &work, if quick { 20 } else { 500 }));
    let published = measured.as_ref().ok().map(|_| {
        let (rounds, mebibytes) = if quick { (3, 64) } else { (100, 1024) };
        measure_published(&minidock, &rootfs, &work, rounds, mebibytes)
    });
    // Whatever happened, nothing of the benchmark stays: state directories, cgroups.
    for runtime in &runtimes {
        runtime.clean_up();
    }
    remove_cgroup_parent();
    let mut report = measured?;
    report += &images.context("the image rows were not run")??;
    report += &imports.context("the import rows were not run")??;
    report += &detached.context("the detached rows were not run")??;
    report += &terminal.context("the terminal rows were not run")??;
    report += &published.context("the published port rows were not run")??;
    println!("{report}");
    if !quick {
        let path = root.join("book/bench/results.md");
        fs::create_dir_all(path.parent().unwrap())?;
        fs::write(&path, &report)?;
        println!("bench: wrote {}", path.display());
    }
    Ok(())
}

/// Shows what each runtime's container sees, then times them; returns the report.
fn measure(
    runtimes: &[Runtime],
    minidock: &Path,
    rootfs: &Path,
    work: &Path,
    quick: bool,
    rounds: usize,
) -> Result<String> {
    println!("bench: what each runtime's container sees (probe sees)");
    for runtime in runtimes {
        let out = runtime.sees()?;
        println!("--- {}\n{}", runtime.name, out.trim_end());
    }
    // The warm-up fills the page cache and the runtimes' own caches.
    let samples = alternate(runtimes, rounds)?;
    let phases = phases(minidock, rootfs, work, if quick { 5 } else { 50 })?;
    Ok(report(runtimes, &samples, &phases, rounds))
}

#[derive(Clone, Copy)]
struct Sample {
    wall_ms: f64,
    max_rss_kib: i64,
}

struct Runtime {
    name: String,
    /// The command that starts one container; `{ID}` is replaced by a unique id.
    command: Vec<String>,
    /// The same, running the probe's `sees` instead of `/bin/true`.
    sees: Vec<String>,
    cleanup: Vec<PathBuf>,
}

impl Runtime {
    fn minidock(name: &str, network: &str, binary: &Path, rootfs: &Path, work: &Path) -> Runtime {
        let state = work.join(format!("minidock-{network}-state"));
        let base = |command: &[&str]| -> Vec<String> {
            let mut args = vec![
                binary.display().to_string(),
                "--root".into(),
                state.display().to_string(),
                "run".into(),
                "-m".into(),
                format!("{}m", MEMORY >> 20),
                "--cpus".into(),
                format!("{}", CPU_QUOTA as f64 / CPU_PERIOD as f64),
                "--pids-limit".into(),
                PIDS.to_string(),
                "--cgroup-parent".into(),
                CGROUP_PARENT.into(),
                "--hostname".into(),
                "bench".into(),
                "--network".into(),
                network.into(),
                rootfs.display().to_string(),
            ];
            args.extend(command.iter().map(|s| s.to_string()));
            args
        };
        Runtime {
            name: name.into(),
            command: base(&["/bin/true"]),
            sees: base(&["/bin/probe", "sees"]),
            cleanup: vec![state],
        }
    }

    /// crun or runc, with an OCI bundle that asks for what minidock does.
    fn oci(name: &str, binary: &Path, rootfs: &Path, work: &Path) -> Result<Runtime> {
        let state = work.join(format!("{name}-state"));
        let bundle = |what: &str, args: &[&str]| -> Result<PathBuf> {
            let dir = work.join(format!("{name}-{what}"));
            fs::create_dir_all(&dir)?;
            fs::write(dir.join("config.json"), oci_config(rootfs, name, args))?;
            Ok(dir)
        };
        let run = |dir: PathBuf| -> Vec<String> {
            vec![
                binary.display().to_string(),
                "--root".into(),
                state.display().to_string(),
                "run".into(),
                "--bundle".into(),
                dir.display().to_string(),
                format!("bench-{name}-{{ID}}"),
            ]
        };
        Ok(Runtime {
            name: name.to_string(),
            command: run(bundle("true", &["/bin/true"])?),
            sees: run(bundle("sees", &["/bin/probe", "sees"])?),
            cleanup: vec![state],
        })
    }

    fn floor() -> Runtime {
        let command: Vec<String> = [
            "unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let with = |args: &[&str]| {
            let mut c = command.clone();
            c.extend(args.iter().map(|s| s.to_string()));
            c
        };
        Runtime {
            name: "kernel floor (unshare)".into(),
            command: with(&["/bin/true"]),
            sees: with(&[
                "sh",
                "-c",
                "echo pid $$; echo namespaces only: no root, no mounts, no cgroup",
            ]),
            cleanup: Vec::new(),
        }
    }

    fn start(&self, round: usize) -> Result<Sample> {
        let args: Vec<String> = self
            .command
            .iter()
            .map(|a| a.replace("{ID}", &round.to_string()))
            .collect();
        let started = Instant::now();
        let child = Command::new(&args[0])
            .args(&args[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", self.name))?;
        let (status, max_rss_kib) = wait4(child.id() as i32)?;
        let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        if status != 0 {
            bail!("{} failed (status {status}): {}", self.name, args.join(" "));
        }
        Ok(Sample {
            wall_ms,
            max_rss_kib,
        })
    }

    fn sees(&self) -> Result<String> {
        let args: Vec<String> = self
            .sees
            .iter()
            .map(|a| a.replace("{ID}", "sees"))
            .collect();
        let out = Command::new(&args[0]).args(&args[1..]).output()?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text += &String::from_utf8_lossy(&out.stderr);
        Ok(text)
    }

    fn clean_up(&self) {
        for dir in &self.cleanup {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// An OCI runtime configuration for the same container as minidock's: namespaces pid, ipc, uts,
/// mount and cgroup; the same mounts; the same limits; no terminal, no capability changes, no
/// seccomp, no masked paths (minidock has none of these before chapter 12).
fn oci_config(rootfs: &Path, runtime: &str, args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
    format!(
        r#"{{
  "ociVersion": "1.0.2",
  "process": {{
    "terminal": false,
    "user": {{ "uid": 0, "gid": 0 }},
    "args": [{args}],
    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=bench", "HOME=/root"],
    "cwd": "/"
  }},
  "root": {{ "path": "{rootfs}", "readonly": false }},
  "hostname": "bench",
  "mounts": [
    {{ "destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"] }},
    {{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"] }},
    {{ "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"] }},
    {{ "destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] }},
    {{ "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"] }},
    {{ "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"] }},
    {{ "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"] }},
    {{ "destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"] }}
  ],
  "linux": {{
    "cgroupsPath": "{parent}/{runtime}-bench",
    "resources": {{
      "memory": {{ "limit": {memory}, "swap": {swap} }},
      "cpu": {{ "quota": {quota}, "period": {period} }},
      "pids": {{ "limit": {pids} }}
    }},
    "namespaces": [
      {{ "type": "pid" }}, {{ "type": "ipc" }}, {{ "type": "uts" }}, {{ "type": "mount" }}, {{ "type": "cgroup" }},
      {{ "type": "network" }}
    ]
  }}
}}
"#,
        args = args.join(", "),
        rootfs = rootfs.display(),
        parent = CGROUP_PARENT,
        memory = MEMORY,
        swap = MEMORY * 2,
        quota = CPU_QUOTA,
        period = CPU_PERIOD,
        pids = PIDS,
    )
}

/// Waits for process `pid`; returns its exit status and its peak resident memory (KiB), and its
/// descendants' if larger.
fn wait4(pid: i32) -> Result<(i32, i64)> {
    let mut status = 0;
    // SAFETY: wait4(2) writes the status and the usage we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ret = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if ret < 0 {
        bail!("wait4: {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    Ok((code, usage.ru_maxrss))
}

/// Where minidock's own start spends its time, from its `--explain` lines stamped with the time
/// since it started (`MINIDOCK_EXPLAIN_CLOCK`). Medians over `runs`, in ms.
fn phases(minidock: &Path, rootfs: &Path, work: &Path, runs: usize) -> Result<Vec<(String, f64)>> {
    const NAMES: [&str; 6] = [
        "start to first call (process start, parsing, checks)",
        "cgroup created, limits written",
        "clone, until the child is in its cgroup",
        "the container's setup (namespaces, pivot_root, mounts)",
        "the command runs, until minidock sees it end",
        "cleanup (cgroup removed)",
    ];
    let mut all: Vec<Vec<f64>> = vec![Vec::new(); NAMES.len()];
    let state = work.join("phases-state");
    for _ in 0..runs {
        let out = Command::new(minidock)
            .arg("--explain")
            .arg("--root")
            .arg(&state)
            .args(["run", "-m", "64m", "--cpus", "0.5", "--pids-limit", "100"])
            .args(["--cgroup-parent", CGROUP_PARENT, "--hostname", "bench"])
            .arg(rootfs)
            .arg("/bin/true")
            .env("MINIDOCK_EXPLAIN_CLOCK", "1")
            .stdout(Stdio::null())
            .output()?;
        let text = String::from_utf8_lossy(&out.stderr);
        let stamps = explain_stamps(&text);
        let at =
            |pred: &dyn Fn(&str) -> bool| stamps.iter().find(|(_, l)| pred(l)).map(|(t, _)| *t);
        let first = stamps.first().map(|(t, _)| *t);
        let clone = at(&|l| l.starts_with("[minidock] clone("));
        let joined = at(&|l| l.starts_with("[container] unshare(CLONE_NEWCGROUP"));
        let exec = at(&|l| l.starts_with("[container] execve("));
        let ended = at(&|l| l.starts_with("[minidock] waitpid("));
        let last = stamps.last().map(|(t, _)| *t);
        if let (Some(first), Some(clone), Some(joined), Some(exec), Some(ended), Some(last)) =
            (first, clone, joined, exec, ended, last)
        {
            for (i, value) in [
                first,
                clone - first,
                joined - clone,
                exec - joined,
                ended - exec,
                last - ended,
            ]
            .into_iter()
            .enumerate()
            {
                all[i].push(value);
            }
        }
    }
    let _ = fs::remove_dir_all(&state);
    Ok(NAMES
        .iter()
        .zip(all)
        .map(|(name, mut values)| (name.to_string(), median(&mut values)))
        .collect())
}

fn report(
    runtimes: &[Runtime],
    samples: &[Vec<Sample>],
    phases: &[(String, f64)],
    rounds: usize,
) -> String {
    let mut text = String::new();
    text += &format!(
        "Measured by `cargo xtask bench` on {}: `true` in a busybox root filesystem, {rounds} \
         rounds, the runtimes alternating; limits `-m 64m --cpus 0.5 --pids-limit 100` for all.\n\n",
        machine()
    );
    text += "| runtime | median | min – max | peak RSS |\n|---|---|---|---|\n";
    for (runtime, s) in runtimes.iter().zip(samples) {
        let mut wall: Vec<f64> = s.iter().map(|x| x.wall_ms).collect();
        let min = wall.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = wall.iter().cloned().fold(0.0, f64::max);
        let rss = s.iter().map(|x| x.max_rss_kib).max().unwrap_or(0);
        text += &format!(
            "| {} | {:.2} ms | {:.2} – {:.2} ms | {:.1} MiB |\n",
            runtime.name,
            median(&mut wall),
            min,
            max,
            rss as f64 / 1024.0
        );
    }
    text += "\nRatios, taken round by round (median, min – max):\n\n| ratio | median | min – max |\n|---|---|---|\n";
    // The second row is minidock again, on its bridge network: its cost over the first is a
    // difference, told after the ratios.
    for (i, other) in runtimes.iter().enumerate().skip(2) {
        let mut ratios: Vec<f64> = samples[0]
            .iter()
            .zip(&samples[i])
            .map(|(a, b)| a.wall_ms / b.wall_ms)
            .collect();
        let min = ratios.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = ratios.iter().cloned().fold(0.0, f64::max);
        text += &format!(
            "| minidock / {} | {:.2} | {:.2} – {:.2} |\n",
            other.name,
            median(&mut ratios),
            min,
            max
        );
    }
    let mut extra: Vec<f64> = samples[1]
        .iter()
        .zip(&samples[0])
        .map(|(bridge, none)| bridge.wall_ms - none.wall_ms)
        .collect();
    let min = extra.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = extra.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    text += &format!(
        "\nThe bridge network's cost over `--network none` (a veth pair with its peer born in the \
         container's namespace, plugged into the bridge, an address, a route, an address leased), \
         round by round: median {:+.2} ms ({:+.2} – {:+.2} ms).\n",
        median(&mut extra),
        min,
        max
    );
    text +=
        "\nWhere minidock's start goes (median ms per phase, from `--explain` stamped with the \
             time; the narration itself costs a little):\n\n| phase | ms |\n|---|---|\n";
    for (name, ms) in phases {
        text += &format!("| {name} | {ms:.2} |\n");
    }
    text
}

/// Removes the benchmark's cgroup parent from every cgroup tree, with whatever a runtime left
/// under it (podman leaves its containers' cgroups). Where the hybrid host's cgroup v2 tree is
/// unmounted, its mount point is a plain directory of the cgroup tmpfs: what crun and podman
/// made there is removed too, though the host cannot see it under the mount.
fn remove_cgroup_parent() {
    let name = CGROUP_PARENT.trim_start_matches('/');
    let mut dirs = vec![Path::new("/sys/fs/cgroup").join(name)];
    for tree in fs::read_dir("/sys/fs/cgroup")
        .into_iter()
        .flatten()
        .flatten()
    {
        dirs.push(tree.path().join(name));
    }
    for dir in dirs {
        remove_cgroup(&dir);
    }
}

/// A cgroup and the cgroups under it, the deepest first (a cgroup's files go with it); a plain
/// directory, with its files.
fn remove_cgroup(dir: &Path) {
    if let Ok(children) = fs::read_dir(dir) {
        for child in children.flatten() {
            if child.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                remove_cgroup(&child.path());
            }
        }
    }
    if fs::remove_dir(dir).is_err() && is_tmpfs(dir) {
        let _ = fs::remove_dir_all(dir);
    }
}

fn is_tmpfs(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: statfs(2) fills the struct we own, from a NUL-terminated path.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    unsafe { libc::statfs(c.as_ptr(), &mut st) == 0 && st.f_type == libc::TMPFS_MAGIC }
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mid = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// The machine and the versions the numbers belong to.
fn machine() -> String {
    let first_line = |program: &str, arg: &str| -> String {
        Command::new(program)
            .arg(arg)
            .output()
            .ok()
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .next()
                    .map(str::to_string)
            })
            .unwrap_or_else(|| format!("no {program}"))
    };
    let cpus = fs::read_to_string("/sys/devices/system/cpu/online").unwrap_or_default();
    let cgroups = if is_mount_point("/sys/fs/cgroup/unified")
        || !Path::new("/sys/fs/cgroup/cgroup.controllers").exists()
    {
        "cgroup v1"
    } else {
        "cgroup v2"
    };
    // Other work on the machine shows in the times: its load is part of the result.
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split(' ').next().unwrap_or("?");
    format!(
        "Linux {}, CPUs {}, {cgroups}, load average {load}; {}, {}, {}",
        first_line("uname", "-r"),
        cpus.trim(),
        first_line("crun", "--version"),
        first_line("runc", "--version"),
        first_line("podman", "--version"),
    )
}

fn is_mount_point(path: &str) -> bool {
    fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .any(|l| l.split(' ').nth(4) == Some(path))
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|p| p.is_file())
}

/// The probe, built as the test harness builds it, for the benchmark's root filesystem.
fn build_probe(root: &Path, work: &Path) -> Result<PathBuf> {
    let out = work.join("probe");
    let ok = Command::new("rustc")
        .args([
            "--edition",
            "2021",
            "-O",
            "-C",
            "target-feature=+crt-static",
            "-o",
        ])
        .arg(&out)
        .arg(root.join("tests/probe/probe.rs"))
        .status()?
        .success();
    if !ok {
        bail!("building the probe failed");
    }
    Ok(out)
}

/// The image the start rows run, in minidock's and podman's stores.
const IMAGE: &str = "busybox";

/// Starting from an image: `minidock run IMAGE true` on overlay against the same on the root
/// filesystem as a directory (the difference is the overlay's cost), alternating round by round;
/// then `podman run --rm --network none IMAGE true`, in rounds of its own: the podman processes
/// that remove a container go on after `podman run` returns, and would fall on the next runtime's
/// time. Cleans up what it made, whatever happens.
fn measure_images(
    minidock: &Path,
    rootfs: &Path,
    work: &Path,
    rounds: usize,
    podman_rounds: usize,
) -> Result<String> {
    let state = work.join("image-state");
    let podman = Podman::new(work);
    let result = (|| -> Result<String> {
        import_image(minidock, &state, rootfs, work)?;
        let mut runtimes = vec![
            Runtime::minidock_plain(
                "`minidock run busybox true` (overlay)",
                minidock,
                &state,
                IMAGE,
            ),
            Runtime::minidock_plain(
                "`minidock run DIR true` (the same files, a directory)",
                minidock,
                &state,
                &rootfs.display().to_string(),
            ),
        ];
        println!("bench: what each container of an image sees (probe sees)");
        for runtime in &runtimes {
            let out = runtime.sees()?;
            println!("--- {}\n{}", runtime.name, out.trim_end());
        }
        let mut samples = alternate(&runtimes, rounds)?;
        let podman_row = match podman.set_up(rootfs) {
            Ok(runtime) => {
                let out = runtime.sees()?;
                println!("--- {}\n{}", runtime.name, out.trim_end());
                // And on podman's default bridge network (CNI's bridge plugin, as Debian
                // configures podman), alternating with the row without one.
                let bridged = Podman::bridged(&runtime);
                let mut rows = vec![runtime];
                match bridged.sees() {
                    Ok(_) => rows.push(bridged),
                    Err(err) => println!("bench: podman on a bridge network failed: {err:#}"),
                }
                samples.extend(alternate(&rows, podman_rounds)?);
                runtimes.extend(rows);
                None
            }
            Err(reason) => Some(format!("{reason:#}")),
        };
        let mut report = image_report(
            &runtimes,
            &samples,
            podman_row.as_deref(),
            rounds,
            podman_rounds,
        );
        // Detached, from the image, side by side: podman's only where its row ran.
        let minidock_detached = detached_from_image(minidock, &state, podman_rounds)?;
        let podman_detached = match podman_row {
            None => Some(podman.detached(podman_rounds)?),
            Some(_) => None,
        };
        report += &detached_report(&minidock_detached, podman_detached.as_ref(), podman_rounds);
        Ok(report)
    })();
    podman.clean_up();
    let _ = fs::remove_dir_all(&state);
    result
}

/// Three starts of each to warm up, then `rounds` rounds, the order rotating every round.
fn alternate(runtimes: &[Runtime], rounds: usize) -> Result<Vec<Vec<Sample>>> {
    for runtime in runtimes {
        for _ in 0..3 {
            runtime.start(0)?;
        }
    }
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); runtimes.len()];
    for round in 0..rounds {
        for k in 0..runtimes.len() {
            let i = (round + k) % runtimes.len();
            samples[i].push(runtimes[i].start(round + 1)?);
        }
    }
    Ok(samples)
}

/// `tar -C ROOTFS -c . | minidock --root STATE import --change 'CMD ["sh"]' - busybox`.
fn import_image(minidock: &Path, state: &Path, rootfs: &Path, work: &Path) -> Result<()> {
    let tarball = rootfs_tarball(rootfs, work)?;
    let (ok, out) = crate::run::capture(
        Command::new(minidock)
            .arg("--root")
            .arg(state)
            .args(["import", "--change", try_it::IMAGE_CMD])
            .arg(&tarball)
            .arg(IMAGE),
    )?;
    if !ok {
        bail!("minidock import of the benchmark's root filesystem failed: {out}");
    }
    Ok(())
}

/// The benchmark's root filesystem as a tarball, owned by root as in a real image.
fn rootfs_tarball(rootfs: &Path, work: &Path) -> Result<PathBuf> {
    let tarball = work.join("rootfs.tar");
    let (ok, out) = crate::run::capture(
        Command::new("tar")
            .args(["--numeric-owner", "--owner=0", "--group=0", "-C"])
            .arg(rootfs)
            .arg("-cf")
            .arg(&tarball)
            .arg("."),
    )?;
    if !ok {
        bail!("tar of the benchmark's root filesystem failed: {out}");
    }
    Ok(tarball)
}

impl Runtime {
    /// minidock with no limits and no options but its own state root and cgroup parent, and
    /// `--network none`: `run --network none IMAGE /bin/true`, as the podman row runs it.
    fn minidock_plain(name: &str, binary: &Path, state: &Path, image: &str) -> Runtime {
        let base = |command: &[&str]| -> Vec<String> {
            let mut args = vec![
                binary.display().to_string(),
                "--root".into(),
                state.display().to_string(),
                "run".into(),
                "--cgroup-parent".into(),
                CGROUP_PARENT.into(),
                "--network".into(),
                "none".into(),
                image.to_string(),
            ];
            args.extend(command.iter().map(|s| s.to_string()));
            args
        };
        Runtime {
            name: name.into(),
            command: base(&["/bin/true"]),
            sees: base(&["/bin/probe", "sees"]),
            cleanup: Vec::new(),
        }
    }
}

/// podman with a store, a run directory and a lock memory of its own, under the benchmark's
/// work directory and in its mount namespace: nothing of the host's podman is read or written.
struct Podman {
    dir: PathBuf,
}

const PODMAN_ROW: &str = "`podman run --rm --network none busybox true`";
const PODMAN_BRIDGE_ROW: &str = "`podman run --rm --network bridge busybox true`";

/// The source name of the tmpfs mounts made for podman, to find them again.
const PODMAN_TMPFS: &str = "bench-podman";

impl Podman {
    fn new(work: &Path) -> Podman {
        Podman {
            dir: work.join("podman"),
        }
    }

    fn global(&self) -> Vec<String> {
        let d = |sub: &str| self.dir.join(sub).display().to_string();
        [
            "--root".to_string(),
            d("root"),
            "--runroot".into(),
            d("run"),
            "--tmpdir".into(),
            d("run/tmp"),
            "--volumepath".into(),
            d("root/volumes"),
            "--network-config-dir".into(),
            d("net"),
            "--storage-driver".into(),
            "overlay".into(),
            "--cgroup-manager".into(),
            "cgroupfs".into(),
            "--events-backend".into(),
            "none".into(),
            // podman gives its runtime no state directory of its own: crun's would be /run/crun.
            "--runtime-flag".into(),
            format!("root={}", d("run/crun")),
        ]
        .to_vec()
    }

    /// Makes podman's directories, imports the root filesystem, and returns the runtime row;
    /// an error says why podman cannot run here.
    fn set_up(&self, rootfs: &Path) -> Result<Runtime> {
        let binary = which("podman").context("podman is not installed (Debian package podman)")?;
        let run = self.dir.join("run");
        fs::create_dir_all(&run)?;
        fs::create_dir_all(self.dir.join("root"))?;
        fs::create_dir_all(self.dir.join("net"))?;
        // Empty directories, in the benchmark's own mount namespace only, over what podman writes
        // whatever its options say: its lock memory (/dev/shm), /run/libpod (the cleanup that
        // runs when a container ends is not given --tmpdir), /var/lib/containers/cache (import's
        // blob cache); and a tmpfs for its run directory, as /run is.
        for at in [
            run.as_path(),
            Path::new("/dev/shm"),
            Path::new("/run"),
            Path::new("/var/lib"),
        ] {
            let ok = Command::new("mount")
                .args(["-t", "tmpfs", "-o", "mode=755", PODMAN_TMPFS])
                .arg(at)
                .status()?
                .success();
            if !ok {
                bail!("mounting a tmpfs on {} failed", at.display());
            }
        }
        fs::create_dir_all(run.join("tmp"))?;
        let tarball = rootfs_tarball(rootfs, self.dir.parent().unwrap())?;
        let (ok, out) = crate::run::capture(
            Command::new(&binary)
                .args(self.global())
                .args(["import", "--quiet", "--change", try_it::IMAGE_CMD])
                .arg(&tarball)
                .arg(IMAGE),
        )?;
        if !ok {
            bail!("podman import failed: {}", first_line(&out));
        }
        let base = |command: &[&str]| -> Vec<String> {
            let mut args = vec![binary.display().to_string()];
            args.extend(self.global());
            args.extend(
                [
                    "run",
                    "--rm",
                    "--network",
                    "none",
                    // The host's hard limits are lower than podman's defaults (1048576).
                    "--ulimit",
                    "nofile=1024:1024",
                    "--ulimit",
                    "nproc=1024:1024",
                    "--cgroup-parent",
                    CGROUP_PARENT,
                    IMAGE,
                ]
                .map(String::from),
            );
            args.extend(command.iter().map(|s| s.to_string()));
            args
        };
        let runtime = Runtime {
            name: PODMAN_ROW.into(),
            command: base(&["/bin/true"]),
            sees: base(&["/bin/probe", "sees"]),
            cleanup: Vec::new(),
        };
        // One run first: a podman that cannot start a container here says so in the table.
        let (ok, out) = crate::run::capture(
            Command::new(&runtime.command[0])
                .args(&runtime.command[1..])
                .stdin(Stdio::null()),
        )?;
        if !ok {
            bail!("podman run failed: {}", first_line(&out));
        }
        Ok(runtime)
    }

    /// The same row as `none`'s, on podman's default network, `bridge`.
    fn bridged(none: &Runtime) -> Runtime {
        let swap = |args: &[String]| -> Vec<String> {
            let mut args = args.to_vec();
            if let Some(at) = args.iter().position(|arg| arg == "--network") {
                args[at + 1] = "bridge".into();
            }
            args
        };
        Runtime {
            name: PODMAN_BRIDGE_ROW.into(),
            command: swap(&none.command),
            sees: swap(&none.sees),
            cleanup: Vec::new(),
        }
    }

    /// `podman run -d ... busybox sleep 100000`, `count` times (after one to warm up), then its
    /// conmons' memory and `podman ps -a`; its containers removed after.
    fn detached(&self, count: usize) -> Result<Detached> {
        let binary = which("podman").context("podman is not installed")?;
        let podman = |args: &[&str]| {
            let mut command = Command::new(&binary);
            command.args(self.global()).args(args).stdin(Stdio::null());
            command
        };
        let run = [
            "run",
            "-d",
            "--network",
            "none",
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=1024:1024",
            "--cgroup-parent",
            CGROUP_PARENT,
            IMAGE,
            "sleep",
            "100000",
        ];
        let measured = (|| -> Result<Detached> {
            let mut times = Vec::new();
            let mut pids = Vec::new();
            for round in 0..=count {
                let started = Instant::now();
                let out = podman(&run).output()?;
                let took = started.elapsed().as_secs_f64() * 1000.0;
                if !out.status.success() {
                    bail!(
                        "podman run -d failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
                let pid = podman(&["inspect", "-f", "{{.State.Pid}}", &id]).output()?;
                pids.push(String::from_utf8_lossy(&pid.stdout).trim().to_string());
                if round > 0 {
                    times.push(took);
                }
            }
            let (rss, pss) = parents_memory(&pids);
            let started = Instant::now();
            podman(&["ps", "-a"]).stdout(Stdio::null()).status()?;
            let ps_ms = started.elapsed().as_secs_f64() * 1000.0;
            Ok(Detached {
                times,
                rss,
                pss,
                ps_ms,
                containers: pids.len(),
            })
        })();
        let _ = podman(&["rm", "-f", "-t", "0", "-a"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        measured
    }

    /// Unmounts what podman mounted under its directory and the tmpfs mounts made for it, and
    /// removes the directory.
    fn clean_up(&self) {
        // `podman run --rm` returns before conmon's own cleanup (`podman container cleanup`) has
        // ended: unmounting under it would send what it writes to the host's /run and /dev/shm.
        let started = Instant::now();
        while started.elapsed().as_secs() < 10 && self.processes_left() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let info = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        // The latest first: a mount over another comes off before it.
        let mut mounts: Vec<String> = info
            .lines()
            .filter_map(|l| {
                let at = l.split(' ').nth(4)?;
                let source = l.split_once(" - ")?.1.split(' ').nth(1)?;
                (Path::new(at).starts_with(&self.dir) || source == PODMAN_TMPFS)
                    .then(|| at.to_string())
            })
            .collect();
        mounts.reverse();
        for m in &mounts {
            let _ = Command::new("umount").args(["-l", m]).status();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Whether a process other than this one has podman's directory on its command line: conmon
    /// and the podman it starts when a container ends.
    fn processes_left(&self) -> bool {
        let dir = self.dir.display().to_string();
        let me = std::process::id().to_string();
        fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.bytes().all(|b| b.is_ascii_digit()) && name != me.as_str()
            })
            .any(|e| {
                fs::read(e.path().join("cmdline"))
                    .map(|c| String::from_utf8_lossy(&c).contains(&dir))
                    .unwrap_or(false)
            })
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

fn image_report(
    runtimes: &[Runtime],
    samples: &[Vec<Sample>],
    podman_missing: Option<&str>,
    rounds: usize,
    podman_rounds: usize,
) -> String {
    let mut text = format!(
        "\nStarting from an image: `true`, {rounds} rounds of minidock's two, alternating, then \
         {podman_rounds} rounds of podman's; no limits, each runtime's own store, the same cgroup \
         parent; the image is the benchmark's root filesystem, imported into each store with \
         `--change 'CMD [\"sh\"]'`. minidock removes its container when `true` ends, as `--rm` \
         does; podman gets `--ulimit nofile=1024:1024 --ulimit nproc=1024:1024` as well (the \
         host's hard limits are below its defaults).\n\n\
         | command | median | min – max | peak RSS |\n|---|---|---|---|\n"
    );
    let mut medians = Vec::new();
    for (runtime, s) in runtimes.iter().zip(samples) {
        let mut wall: Vec<f64> = s.iter().map(|x| x.wall_ms).collect();
        let (min, max) = min_max(&wall);
        let rss = s.iter().map(|x| x.max_rss_kib).max().unwrap_or(0);
        let m = median(&mut wall);
        medians.push(m);
        text += &format!(
            "| {} | {m:.2} ms | {min:.2} – {max:.2} ms | {:.1} MiB |\n",
            runtime.name,
            rss as f64 / 1024.0
        );
    }
    if let Some(reason) = podman_missing {
        text += &format!(
            "| {PODMAN_ROW} | not available: {} | | |\n",
            reason.replace('|', "\\|")
        );
    }
    text += "\n| comparison | median | min – max | goal |\n|---|---|---|---|\n";
    let mut cost: Vec<f64> = samples[0]
        .iter()
        .zip(&samples[1])
        .map(|(a, b)| a.wall_ms - b.wall_ms)
        .collect();
    let (min, max) = min_max(&cost);
    text += &format!(
        "| the overlay's cost: image − directory, round by round | {:+.2} ms | {min:+.2} – \
         {max:+.2} ms | ≤ +1.5 ms |\n",
        median(&mut cost),
    );
    if medians.len() > 3 {
        let mut podman_bridge: Vec<f64> = samples[3]
            .iter()
            .zip(&samples[2])
            .map(|(bridge, none)| bridge.wall_ms - none.wall_ms)
            .collect();
        let (min, max) = min_max(&podman_bridge);
        text += &format!(
            "| podman's bridge network's cost: bridge − none, round by round | {:+.2} ms | \
             {min:+.2} – {max:+.2} ms | |\n",
            median(&mut podman_bridge),
        );
    }
    if medians.len() > 2 {
        text += &format!(
            "| minidock (image) / podman, of the medians | {:.3} | | ≤ 0.05 |\n",
            medians[0] / medians[2]
        );
    } else {
        text += "| minidock (image) / podman | not available | | ≤ 0.05 |\n";
    }
    text
}

/// Detached containers (chapter 6): `run -d DIR sleep` until minidock has printed the id (the
/// monitor started, the command running), against `run --rm DIR true`, alternating; then the
/// memory of the `count` idle monitors the `run -d` rounds left (RSS and PSS, from
/// /proc/PID/smaps_rollup), and `ps -a` with them all in the store.
/// Published ports: what `-p` adds to a start on the bridge network, with each firewall driver
/// (alternating with plain bridge starts, round by round); then the throughput of a published
/// port, MEBIBYTES sent from 127.0.0.1 through its rules, against the same sent to the
/// container's own address.
fn measure_published(
    minidock: &Path,
    rootfs: &Path,
    work: &Path,
    rounds: usize,
    mebibytes: usize,
) -> Result<String> {
    let state = work.join("published-state");
    let _ = fs::remove_dir_all(&state);
    // The bridge an earlier row's state directory made goes: this state directory makes its own
    // network, whose rules it writes with the bridge (one state directory per host's network).
    let _ = Command::new("ip")
        .args(["link", "del", "minidock0"])
        .stderr(Stdio::null())
        .status();
    let minidock_in = |args: &[&str]| {
        let mut command = Command::new(minidock);
        command
            .arg("--root")
            .arg(&state)
            .args(args)
            .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        command
    };
    let dir = rootfs.display().to_string();
    let timed = |args: &[&str]| -> Result<f64> {
        // The kernel tears an ended container's network namespace down in a worker, and a new
        // namespace waits for that work: each run starts once the last one's has settled.
        std::thread::sleep(std::time::Duration::from_millis(30));
        let started = Instant::now();
        let ok = minidock_in(args).status()?.success();
        if !ok {
            bail!("minidock {} failed", args.join(" "));
        }
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    let result = (|| -> Result<String> {
        let mut text = format!(
            "\nPublished ports (`-p 80`: a port the kernel picks, held, its rule added at the start, \
             and the rules written again without it at the end) against the same runs without, on \
             the bridge, alternating, {rounds} rounds per driver.\n\n\
             | measure | median | min – max | goal |\n|---|---|---|---|\n"
        );
        for driver in ["nftables", "iptables"] {
            let (mut started, mut start_cost) = (Vec::new(), Vec::new());
            let (mut whole, mut whole_cost) = (Vec::new(), Vec::new());
            for round in 0..rounds + 3 {
                let global = ["--firewall-driver", driver];
                // The start: `run -d` returns once the container runs, its rules made. Which
                // of the two goes first alternates, so that neither always follows the other.
                let plain =
                    || timed(&[&global[..], &["run", "-d", &dir, "sleep", "1000"]].concat());
                let port = || {
                    timed(
                        &[
                            &global[..],
                            &["run", "-d", "-p", "80", &dir, "sleep", "1000"],
                        ]
                        .concat(),
                    )
                };
                let (plain, with_port) = if round % 2 == 0 {
                    (plain()?, port()?)
                } else {
                    let with_port = port()?;
                    (plain()?, with_port)
                };
                // Both go, untimed: the rules are written again without the port.
                remove_all(minidock, &state);
                // The whole: started, ended and its rules taken away again.
                let bridge = timed(&[&global[..], &["run", "--rm", &dir, "true"]].concat())?;
                let published =
                    timed(&[&global[..], &["run", "--rm", "-p", "80", &dir, "true"]].concat())?;
                // The first three warm up (and the first makes the bridge, and switches drivers).
                if round >= 3 {
                    started.push(with_port);
                    start_cost.push(with_port - plain);
                    whole.push(published);
                    whole_cost.push(published - bridge);
                }
            }
            let goal = if driver == "nftables" {
                "≤ +3 ms"
            } else {
                ""
            };
            let row = |what: &str, values: &mut Vec<f64>, sign: &str, goal: &str| {
                let (min, max) = min_max(values);
                let median = median(values);
                match sign {
                    "+" => format!(
                        "| {what}, {driver} | {median:+.2} ms | {min:+.2} – {max:+.2} ms | {goal} |\n"
                    ),
                    _ => format!(
                        "| {what}, {driver} | {median:.2} ms | {min:.2} – {max:.2} ms | {goal} |\n"
                    ),
                }
            };
            text += &row(
                "`run -d -p 80 DIR sleep 1000` until the id",
                &mut started,
                "",
                "",
            );
            text += &row(
                "its start's cost over `run -d DIR sleep 1000`, round by round",
                &mut start_cost,
                "+",
                goal,
            );
            // The publishing itself, inside the monitor, on `--explain`'s clock: from the
            // port's socket to the first call after the rules' input was applied.
            let global = ["--firewall-driver", driver];
            let mut steps = Vec::new();
            for _ in 0..if rounds > 10 { 30 } else { 3 } {
                std::thread::sleep(std::time::Duration::from_millis(30));
                let out = minidock_in(
                    &[
                        &global[..],
                        &["--explain", "run", "-d", "-p", "80", &dir, "sleep", "1000"],
                    ]
                    .concat(),
                )
                .env("MINIDOCK_EXPLAIN_CLOCK", "1")
                .stderr(Stdio::piped())
                .output()?;
                steps.extend(publish_step(&String::from_utf8_lossy(&out.stderr)));
                remove_all(minidock, &state);
            }
            text += &row(
                "publishing inside the monitor (port held, lease written, rule applied), `--explain`'s clock",
                &mut steps,
                "",
                goal,
            );
            text += &row("`run --rm -p 80 DIR true`", &mut whole, "", "");
            text += &row(
                "its cost over `run --rm DIR true` (start and end), round by round",
                &mut whole_cost,
                "+",
                "",
            );
        }
        // Throughput: a container that reads one connection to its end.
        let port = "7070";
        let out = Command::new(minidock)
            .arg("--root")
            .arg(&state)
            .args([
                "run",
                "-d",
                "-p",
                "7070:7070",
                &dir,
                "/bin/probe",
                "sink",
                port,
            ])
            .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
            .stdin(Stdio::null())
            .output()?;
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !out.status.success() {
            bail!("minidock run -d -p 7070:7070 ... sink failed");
        }
        let address = Command::new(minidock)
            .arg("--root")
            .arg(&state)
            .args(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", &id])
            .output()?;
        let address = String::from_utf8_lossy(&address.stdout).trim().to_string();
        let mut through = Vec::new();
        for (what, target) in [
            (
                "through the published port, from 127.0.0.1",
                format!("127.0.0.1:{port}"),
            ),
            (
                "to the container's own address",
                format!("{address}:{port}"),
            ),
        ] {
            // A new sink for each transfer: the first one's container ends with its connection.
            if !through.is_empty() {
                let _ = minidock_in(&["rm", "-f", &id]).status();
                let out = Command::new(minidock)
                    .arg("--root")
                    .arg(&state)
                    .args([
                        "run",
                        "-d",
                        "-p",
                        "7070:7070",
                        &dir,
                        "/bin/probe",
                        "sink",
                        port,
                    ])
                    .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
                    .stdin(Stdio::null())
                    .output()?;
                if !out.status.success() {
                    bail!("minidock run -d ... sink failed");
                }
            }
            let seconds = send(&target, mebibytes)?;
            through.push((what, seconds));
        }
        text += &format!(
            "\nA published port's throughput: {mebibytes} MiB in one TCP connection into a container \
             (the probe reads it to its end).\n\n| path | time | throughput |\n|---|---|---|\n"
        );
        for (what, seconds) in through {
            text += &format!(
                "| {what} | {:.2} s | {:.0} MiB/s |\n",
                seconds,
                mebibytes as f64 / seconds
            );
        }
        Ok(text)
    })();
    remove_all(minidock, &state);
    let _ = fs::remove_dir_all(&state);
    result
}

/// The `--explain` lines stamped with the time (`MINIDOCK_EXPLAIN_CLOCK`): the milliseconds
/// and the rest of each line.
fn explain_stamps(text: &str) -> Vec<(f64, &str)> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("+ ")?.trim_start();
            let (ms, rest) = rest.split_once(" ms ")?;
            Some((ms.trim().parse().ok()?, rest))
        })
        .collect()
}

/// From the `--explain` lines of a `run -d -p`, stamped with the time: how long the monitor took
/// to publish the port, from the socket that holds it to the first call after the firewall's
/// input (a here-document) was applied.
fn publish_step(text: &str) -> Option<f64> {
    let stamps = explain_stamps(text);
    let socket = stamps
        .iter()
        .position(|(_, l)| l.starts_with("[minidock] socket(AF_INET"))?;
    let input = socket
        + stamps[socket..]
            .iter()
            .position(|(_, l)| l.contains("<<'EOF'"))?;
    Some(stamps.get(input + 1)?.0 - stamps[socket].0)
}

/// Removes every container of the state directory `state`.
fn remove_all(minidock: &Path, state: &Path) {
    let listed = Command::new(minidock)
        .arg("--root")
        .arg(state)
        .args(["ps", "-aq", "--no-trunc"])
        .output();
    let Ok(listed) = listed else { return };
    let ids: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    if !ids.is_empty() {
        let _ = Command::new(minidock)
            .arg("--root")
            .arg(state)
            .args(["rm", "-f"])
            .args(&ids)
            .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
            .stdout(Stdio::null())
            .status();
    }
}

/// Sends MEBIBYTES to a server at `target` in one connection, once it accepts connections, and
/// returns the seconds from the connection to the server's closing it, having read everything.
fn send(target: &str, mebibytes: usize) -> Result<f64> {
    use std::io::{Read as _, Write as _};
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    let mut stream = loop {
        match std::net::TcpStream::connect(target) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(err) => bail!("connecting to {target}: {err}"),
        }
    };
    let started = Instant::now();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..mebibytes {
        stream.write_all(&chunk)?;
    }
    stream.shutdown(std::net::Shutdown::Write)?;
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    Ok(started.elapsed().as_secs_f64())
}

fn measure_detached(minidock: &Path, rootfs: &Path, work: &Path, count: usize) -> Result<String> {
    let state = work.join("detached-state");
    let _ = fs::remove_dir_all(&state);
    let minidock_in = |args: &[&str]| {
        let mut command = Command::new(minidock);
        command
            .arg("--root")
            .arg(&state)
            .args(args)
            .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        command
    };
    let dir = rootfs.display().to_string();
    let result = (|| -> Result<String> {
        let (mut detached, mut foreground, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..count + 3 {
            let started = Instant::now();
            let out = minidock_in(&["run", "-d", &dir, "sleep", "100000"]).output()?;
            let took = started.elapsed().as_secs_f64() * 1000.0;
            if !out.status.success() {
                bail!(
                    "minidock run -d failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            ids.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
            let started = Instant::now();
            let ok = minidock_in(&["run", "--rm", &dir, "true"])
                .stdout(Stdio::null())
                .status()?
                .success();
            let took_foreground = started.elapsed().as_secs_f64() * 1000.0;
            if !ok {
                bail!("minidock run --rm DIR true failed");
            }
            // The first three warm up.
            if round >= 3 {
                detached.push(took);
                foreground.push(took_foreground);
            }
        }
        // The monitors: the parents of the containers' first processes.
        let mut pids = Vec::new();
        for id in &ids {
            let out = minidock_in(&["inspect", "-f", "{{.State.Pid}}", id]).output()?;
            pids.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        let (rss, pss) = parents_memory(&pids);
        let started = Instant::now();
        let listed = minidock_in(&["ps", "-a"]).output()?;
        let ps_ms = started.elapsed().as_secs_f64() * 1000.0;
        let rows = String::from_utf8_lossy(&listed.stdout).lines().count() - 1;
        let (pss_total, rss_median) = (pss.iter().sum::<f64>(), median(&mut rss.clone()));
        let (dmin, dmax) = min_max(&detached);
        let (fmin, fmax) = min_max(&foreground);
        Ok(format!(
            "\nDetached containers: `run -d DIR sleep 100000` until the id is printed, against \
             `run --rm DIR true`, alternating, {count} rounds; then the {n} monitors those runs \
             left, idle, and `ps -a` listing them.\n\n\
             | measure | median | min – max | goal |\n|---|---|---|---|\n\
             | `minidock run -d DIR sleep 100000` | {:.2} ms | {dmin:.2} – {dmax:.2} ms | |\n\
             | `minidock run --rm DIR true` | {:.2} ms | {fmin:.2} – {fmax:.2} ms | |\n\
             | one idle monitor's RSS | {:.2} MiB | | ≤ 1.5 MiB |\n\
             | one idle monitor's PSS (median) | {:.2} MiB | | |\n\
             | the {n} monitors' PSS together | {:.1} MiB | | |\n\
             | `minidock ps -a` with {rows} containers | {ps_ms:.1} ms | | |\n",
            median(&mut detached.clone()),
            median(&mut foreground.clone()),
            rss_median / 1024.0,
            median(&mut pss.clone()) / 1024.0,
            pss_total / 1024.0,
            n = ids.len(),
        ))
    })();
    // Everything goes, whatever happened: the containers, their monitors, the store.
    let mut all = minidock_in(&["rm", "-f"]);
    let listed = minidock_in(&["ps", "-aq", "--no-trunc"]).output();
    if let Ok(listed) = listed {
        let ids: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        if !ids.is_empty() {
            let _ = all.args(&ids).stdout(Stdio::null()).status();
        }
    }
    let _ = fs::remove_dir_all(&state);
    result
}

/// A terminal attached (chapter 7): `attach` to a `run -dit DIR cat` container, on a pseudo-
/// terminal of the benchmark's, a key typed `rounds` times and timed until its echo is back on
/// the screen (the key's way: the attach client, the monitor, the container's terminal, whose
/// line discipline echoes it, and back); the monitor's memory while attached.
fn measure_terminal(minidock: &Path, rootfs: &Path, work: &Path, rounds: usize) -> Result<String> {
    use std::os::unix::process::CommandExt;
    let state = work.join("terminal-state");
    let _ = fs::remove_dir_all(&state);
    let minidock_in = |args: &[&str]| {
        let mut command = Command::new(minidock);
        command
            .arg("--root")
            .arg(&state)
            .args(args)
            .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        command
    };
    let dir = rootfs.display().to_string();
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: openpty(3) writes two descriptors; no name, modes or size are asked for.
    let made = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if made != 0 {
        bail!("openpty: {}", std::io::Error::last_os_error());
    }
    // SAFETY: the two descriptors openpty just made, owned here.
    let (master, slave) = unsafe {
        use std::os::fd::FromRawFd;
        (
            std::os::fd::OwnedFd::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    };
    let mut attach: Option<std::process::Child> = None;
    let result = (|| -> Result<String> {
        let out = minidock_in(&["run", "-dit", "--name", "bench-tty", &dir, "cat"]).output()?;
        if !out.status.success() {
            bail!(
                "minidock run -dit failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut command = minidock_in(&["attach", "bench-tty"]);
        command
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave.try_clone()?));
        // SAFETY: only async-signal-safe calls between fork and exec: a session of its own,
        // with the terminal as its controlling terminal, as a shell's.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        attach = Some(command.spawn()?);
        // Attached once the client has made the terminal raw: until then the terminal's own
        // line discipline echoes what is typed, at once.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // SAFETY: tcgetattr(3) fills the termios given.
            let mut modes: libc::termios = unsafe { std::mem::zeroed() };
            unsafe { libc::tcgetattr(std::os::fd::AsRawFd::as_raw_fd(&slave), &mut modes) };
            if modes.c_lflag & libc::ECHO == 0 {
                break;
            }
            if Instant::now() > deadline {
                bail!("minidock attach never made its terminal raw");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let mut file = fs::File::from(master.try_clone()?);
        let mut times = Vec::new();
        let mut buf = [0u8; 256];
        // The first keys warm up: not counted.
        for round in 0..rounds + 5 {
            let started = Instant::now();
            std::io::Write::write_all(&mut file, b"x")?;
            loop {
                let n = std::io::Read::read(&mut file, &mut buf)?;
                if buf[..n].contains(&b'x') {
                    break;
                }
            }
            if round >= 5 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let out = minidock_in(&["inspect", "-f", "{{.State.Pid}}", "bench-tty"]).output()?;
        let (rss, pss) = parents_memory(&[String::from_utf8_lossy(&out.stdout).trim().to_string()]);
        let (min, max) = min_max(&times);
        Ok(format!(
            "\nA terminal attached: `attach` to `run -dit DIR cat`, on a pseudo-terminal; a key \
             typed and timed until its echo is back ({rounds} keys), through the client, the \
             monitor and the container's terminal.\n\n\
             | measure | median | min – max |\n|---|---|---|\n\
             | a keystroke's round trip | {:.3} ms | {min:.3} – {max:.3} ms |\n\
             | the monitor's RSS, a client attached | {:.2} MiB | |\n\
             | the monitor's PSS, a client attached | {:.2} MiB | |\n",
            median(&mut times.clone()),
            rss.first().copied().unwrap_or(0.0) / 1024.0,
            pss.first().copied().unwrap_or(0.0) / 1024.0,
        ))
    })();
    if let Some(mut child) = attach {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = minidock_in(&["rm", "-f", "bench-tty"])
        .stdout(Stdio::null())
        .status();
    let _ = fs::remove_dir_all(&state);
    result
}

/// One runtime's detached containers: the time of each `run -d`, the RSS and PSS of each
/// container's parent (its monitor, or conmon) in KiB, and `ps -a` over them all.
struct Detached {
    times: Vec<f64>,
    rss: Vec<f64>,
    pss: Vec<f64>,
    ps_ms: f64,
    containers: usize,
}

/// The RSS and PSS (KiB) of the parents of the processes `pids`: the containers' monitors.
fn parents_memory(pids: &[String]) -> (Vec<f64>, Vec<f64>) {
    let (mut rss, mut pss) = (Vec::new(), Vec::new());
    for pid in pids {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let parent = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .unwrap_or("0")
            .to_string();
        let rollup = fs::read_to_string(format!("/proc/{parent}/smaps_rollup")).unwrap_or_default();
        let field = |name: &str| -> f64 {
            rollup
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        rss.push(field("Rss:"));
        pss.push(field("Pss:"));
    }
    (rss, pss)
}

/// `minidock run -d busybox sleep 100000`, `count` times after one to warm up, in the image
/// state `state`; its monitors' memory and `ps -a`; its containers removed after.
fn detached_from_image(minidock: &Path, state: &Path, count: usize) -> Result<Detached> {
    let minidock_in = |args: &[&str]| {
        let mut command = Command::new(minidock);
        command
            .arg("--root")
            .arg(state)
            .args(args)
            .env("MINIDOCK_CGROUP_PARENT", CGROUP_PARENT)
            .stdin(Stdio::null());
        command
    };
    let measured = (|| -> Result<Detached> {
        let (mut times, mut pids) = (Vec::new(), Vec::new());
        for round in 0..=count {
            let started = Instant::now();
            let out = minidock_in(&["run", "-d", IMAGE, "sleep", "100000"]).output()?;
            let took = started.elapsed().as_secs_f64() * 1000.0;
            if !out.status.success() {
                bail!(
                    "minidock run -d failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let pid = minidock_in(&["inspect", "-f", "{{.State.Pid}}", &id]).output()?;
            pids.push(String::from_utf8_lossy(&pid.stdout).trim().to_string());
            if round > 0 {
                times.push(took);
            }
        }
        let (rss, pss) = parents_memory(&pids);
        let started = Instant::now();
        minidock_in(&["ps", "-a"]).stdout(Stdio::null()).status()?;
        let ps_ms = started.elapsed().as_secs_f64() * 1000.0;
        Ok(Detached {
            times,
            rss,
            pss,
            ps_ms,
            containers: pids.len(),
        })
    })();
    if let Ok(listed) = minidock_in(&["ps", "-aq", "--no-trunc"]).output() {
        let ids: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        if !ids.is_empty() {
            let _ = minidock_in(&["rm", "-f"])
                .args(&ids)
                .stdout(Stdio::null())
                .status();
        }
    }
    measured
}

/// The table of the detached rows from an image: minidock's, and podman's if it ran.
fn detached_report(minidock: &Detached, podman: Option<&Detached>, count: usize) -> String {
    let mut text = format!(
        "\nDetached, from the image: `run -d busybox sleep 100000` until the id is printed, {count} \
         rounds each; then each container's parent (minidock's monitor, podman's conmon), idle, \
         and `ps -a` over those containers.\n\n\
         | runtime | run -d, median | min – max | parent's RSS | parent's PSS | ps -a |\n\
         |---|---|---|---|---|---|\n"
    );
    for (name, d) in [("minidock", Some(minidock)), ("podman", podman)] {
        let Some(d) = d else {
            text += "| podman | not available | | | | |\n";
            continue;
        };
        let (min, max) = min_max(&d.times);
        text += &format!(
            "| {name} | {:.2} ms | {min:.2} – {max:.2} ms | {:.2} MiB | {:.2} MiB | {:.1} ms ({} containers) |\n",
            median(&mut d.times.clone()),
            median(&mut d.rss.clone()) / 1024.0,
            median(&mut d.pss.clone()) / 1024.0,
            d.ps_ms,
            d.containers,
        );
    }
    text
}

fn min_max(values: &[f64]) -> (f64, f64) {
    (
        values.iter().cloned().fold(f64::INFINITY, f64::min),
        values.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
    )
}

/// The layer of the import rows: about 100 MB of files, partly random, partly text-like (so that
/// gzip has work to do, as with real layers), in nested directories.
const LAYER_BYTES: u64 = 100_000_000;

/// Importing a 100 MB layer, plain and gzip: `minidock import` into an empty store against
/// `tar -x` (and `gzip -dc | tar -x`) into an empty directory, alternating; medians of `rounds`.
fn measure_imports(minidock: &Path, work: &Path, rounds: usize) -> Result<String> {
    let (plain, gzip, files) = layer_tarballs(work)?;
    let scratch = work.join("import-scratch");
    let result = (|| -> Result<String> {
        let q = |p: &Path| try_it::quote(&p.display().to_string());
        let import = |file: &Path| -> Vec<String> {
            vec![
                minidock.display().to_string(),
                "--root".into(),
                scratch.display().to_string(),
                "import".into(),
                file.display().to_string(),
                "layer".into(),
            ]
        };
        // The directory is made in the timed command, as minidock makes its store.
        let untar = |shell: String| -> Vec<String> {
            vec![
                "sh".into(),
                "-c".into(),
                format!("mkdir {d} && {shell} -C {d}", d = q(&scratch)),
            ]
        };
        let cases: Vec<(String, Vec<String>)> = vec![
            ("`minidock import layer.tar`".into(), import(&plain)),
            (
                "`tar -x -f layer.tar`".into(),
                untar(format!("tar -x -f {}", q(&plain))),
            ),
            ("`minidock import layer.tar.gz`".into(), import(&gzip)),
            (
                "`gzip -dc layer.tar.gz \\| tar -x`".into(),
                untar(format!("gzip -dc {} | tar -x", q(&gzip))),
            ),
        ];
        let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
        for round in 0..rounds {
            for k in 0..cases.len() {
                let i = (round + k) % cases.len();
                let _ = fs::remove_dir_all(&scratch);
                // Yesterday's writes are not today's time: the disk catches up first.
                let _ = Command::new("sync").status();
                let started = Instant::now();
                let (ok, out) =
                    crate::run::capture(Command::new(&cases[i].1[0]).args(&cases[i].1[1..]))?;
                let elapsed = started.elapsed().as_secs_f64();
                if !ok {
                    bail!("{} failed: {}", cases[i].0, first_line(&out));
                }
                seconds[i].push(elapsed);
            }
        }
        let _ = fs::remove_dir_all(&scratch);
        let mb = LAYER_BYTES as f64 / 1e6;
        let gz_mb = fs::metadata(&gzip)?.len() as f64 / 1e6;
        let tar_mb = fs::metadata(&plain)?.len() as f64 / 1e6;
        let mut text = format!(
            "\nImporting a layer of {mb:.0} MB in {files} files ({tar_mb:.0} MB as a tar, \
             {gz_mb:.0} MB gzipped): each run into an empty store or directory, after a `sync`, \
             the four alternating; median of {rounds} round{}. Throughput: MB of the tar stream \
             (uncompressed) per second.\n\n| command | median | throughput |\n|---|---|---|\n",
            if rounds == 1 { "" } else { "s" }
        );
        // Round by round, before the medians sort the times.
        let ratios = |tar: usize, minidock: usize| -> (f64, f64) {
            let r: Vec<f64> = seconds[tar]
                .iter()
                .zip(&seconds[minidock])
                .map(|(t, m)| t / m)
                .collect();
            min_max(&r)
        };
        let spread = [ratios(1, 0), ratios(3, 2)];
        let mut medians = Vec::new();
        for ((name, _), s) in cases.iter().zip(&mut seconds) {
            let m = median(s);
            medians.push(m);
            text += &format!("| {name} | {m:.2} s | {:.0} MB/s |\n", tar_mb / m);
        }
        text += "\n| throughput, minidock / tar | of the medians | round by round, min – max | goal |\n\
                 |---|---|---|---|\n";
        for (i, layer) in ["plain layer", "gzip layer"].iter().enumerate() {
            let (min, max) = spread[i];
            text += &format!(
                "| {layer} | {:.2} | {min:.2} – {max:.2} | ≥ 0.8 |\n",
                medians[2 * i + 1] / medians[2 * i]
            );
        }
        Ok(text)
    })();
    let _ = fs::remove_dir_all(&scratch);
    result
}

/// work/layer.tar and work/layer.tar.gz, made once (the tar of a directory of generated files)
/// and kept for the next run; returns them and the number of files.
fn layer_tarballs(work: &Path) -> Result<(PathBuf, PathBuf, u64)> {
    let plain = work.join("layer.tar");
    let gzip = work.join("layer.tar.gz");
    let count = work.join("layer.files");
    let made = fs::read_to_string(&count)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    if let (true, true, Some(n)) = (plain.exists(), gzip.exists(), made) {
        return Ok((plain, gzip, n));
    }
    println!("bench: making a {} MB layer, once", LAYER_BYTES / 1_000_000);
    let started = Instant::now();
    // Written last: without it, whatever is there is remade.
    let _ = fs::remove_file(&count);
    let src = work.join("layer-src");
    let _ = fs::remove_dir_all(&src);
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        // xorshift64: the same files every time.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut written = 0u64;
    let mut files = 0u64;
    while written < LAYER_BYTES {
        let dir = src.join(format!("usr/share/d{:02}/s{}", files % 37, files % 5));
        fs::create_dir_all(&dir)?;
        // Sizes from 1 KB to about 130 KB, as the files of a real layer spread.
        let size = (1_000 + next() % 130_000).min(LAYER_BYTES - written);
        let text_like = next() % 4 != 0;
        let mut data = Vec::with_capacity(size as usize + 8);
        while (data.len() as u64) < size {
            let word = next();
            if text_like {
                // Sixteen letters: compresses about two to one, as text and code do.
                data.extend(
                    word.to_le_bytes()
                        .map(|b| b"etaoinshrdlucmfw"[(b & 15) as usize]),
                );
            } else {
                data.extend(word.to_le_bytes());
            }
        }
        data.truncate(size as usize);
        fs::write(dir.join(format!("f{files}")), &data)?;
        written += size;
        files += 1;
    }
    let (ok, out) = crate::run::capture(
        Command::new("tar")
            .args(["--numeric-owner", "--owner=0", "--group=0", "-C"])
            .arg(&src)
            .arg("-cf")
            .arg(&plain)
            .arg("."),
    )?;
    let _ = fs::remove_dir_all(&src);
    if !ok {
        bail!("tar of the layer failed: {out}");
    }
    let (ok, out) = crate::run::capture(Command::new("sh").arg("-c").arg(format!(
        "gzip -c {} > {}",
        try_it::quote(&plain.display().to_string()),
        try_it::quote(&gzip.display().to_string())
    )))?;
    if !ok {
        let _ = fs::remove_file(&gzip);
        bail!("gzip of the layer failed: {out}");
    }
    fs::write(&count, files.to_string())?;
    println!(
        "bench: made the layer in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok((plain, gzip, files))
}
