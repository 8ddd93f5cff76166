//! `cargo xtask bench [--quick]`: how fast minidock starts a container, beside crun and runc.
//!
//! Each runtime starts `/bin/true` in the same busybox root filesystem, with the same work to do:
//! the same namespaces (no network one before chapter 7), the same mounts, the same cgroup limits
//! written, no terminal. The runs alternate A/B/C (the order rotates every round), so whatever
//! the machine does meanwhile falls on all of them alike, and the ratios are taken round by
//! round. The kernel's floor is `unshare` doing the namespaces alone.
//!
//! It all runs in one private mount namespace, where the hybrid host's empty cgroup v2 tree is
//! unmounted: crun 1.8 refuses hybrid hosts. One namespace for the whole benchmark, so no
//! runtime pays for an `unshare` of its own.
//!
//! The full run writes its table to book/bench/results.md, which the book's appendix includes;
//! `--quick` runs a few rounds and writes nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

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
        // Start again inside a private mount namespace of our own.
        let exe = std::env::current_exe()?;
        let status = Command::new("unshare")
            .args(["--mount", "--propagation", "private"])
            .arg(exe)
            .arg("bench")
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

    let ok = Command::new("cargo")
        .args(["build", "--quiet", "--release", "-p", "minidock"])
        .current_dir(root)
        .status()?
        .success();
    if !ok {
        bail!("building minidock (release) failed");
    }
    let minidock = target.join("release/minidock");
    let rootfs = try_it::busybox_rootfs(&work)?;
    let probe = build_probe(root, &work)?;
    fs::copy(&probe, rootfs.join("bin/probe"))?;

    let mut runtimes = vec![Runtime::minidock(&minidock, &rootfs, &work)];
    for name in ["crun", "runc"] {
        match which(name) {
            Some(binary) => runtimes.push(Runtime::oci(name, &binary, &rootfs, &work)?),
            None => println!("bench: {name} is not installed: skipped (Debian package {name})"),
        }
    }
    runtimes.push(Runtime::floor());

    let measured = measure(&runtimes, &minidock, &rootfs, &work, quick, rounds);
    // Whatever happened, nothing of the benchmark stays: state directories, cgroups.
    for runtime in &runtimes {
        runtime.clean_up();
    }
    remove_cgroup_parent();
    let report = measured?;
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
    // Warm up the page cache and the runtimes' own caches.
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
    fn minidock(binary: &Path, rootfs: &Path, work: &Path) -> Runtime {
        let state = work.join("minidock-state");
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
                rootfs.display().to_string(),
            ];
            args.extend(command.iter().map(|s| s.to_string()));
            args
        };
        Runtime {
            name: "minidock".into(),
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
        let command: Vec<String> = ["unshare", "--fork", "--pid", "--mount", "--uts", "--ipc"]
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
/// seccomp, no masked paths (minidock has none of these before chapter 11).
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
      {{ "type": "pid" }}, {{ "type": "ipc" }}, {{ "type": "uts" }}, {{ "type": "mount" }}, {{ "type": "cgroup" }}
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
        let stamps: Vec<(f64, &str)> = text
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix("+ ")?.trim_start();
                let (ms, rest) = rest.split_once(" ms ")?;
                Some((ms.trim().parse().ok()?, rest))
            })
            .collect();
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
    for (i, other) in runtimes.iter().enumerate().skip(1) {
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
    text +=
        "\nWhere minidock's start goes (median ms per phase, from `--explain` stamped with the \
             time; the narration itself costs a little):\n\n| phase | ms |\n|---|---|\n";
    for (name, ms) in phases {
        text += &format!("| {name} | {ms:.2} |\n");
    }
    text
}

/// Removes the benchmark's cgroup parent from every cgroup tree; each runtime has removed its
/// containers' cgroups under it already.
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
        // Children first: a runtime may have left a level of its own under the parent.
        if let Ok(children) = fs::read_dir(&dir) {
            for child in children.flatten() {
                if child.path().is_dir() {
                    let _ = fs::remove_dir(child.path());
                }
            }
        }
        let _ = fs::remove_dir(&dir);
    }
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
    format!(
        "Linux {}, CPUs {}, {cgroups}; {}, {}",
        first_line("uname", "-r"),
        cpus.trim(),
        first_line("crun", "--version"),
        first_line("runc", "--version"),
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
