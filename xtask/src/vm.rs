//! `cargo xtask cgroup-v2`: the reference's whole test suite, in a pure cgroup v2 kernel.
//!
//! Learners' machines run cgroup v2 only; a development machine may run v1 (or "hybrid"). To test
//! both for real, this boots Debian's own kernel under QEMU with `cgroup_no_v1=all`, from a tiny
//! busybox initramfs, shares the repository with the guest over 9p at the same absolute path,
//! and runs the workshop's test binary there, the very one built for the host, as root (the
//! initramfs carries the host's C library for it). The guest reports the tests' exit status
//! through QEMU's isa-debug-exit device, which becomes this command's.
//!
//! ```text
//!   host                                      guest (QEMU, no KVM needed)
//!   cargo test --no-run           ────9p────▶ the same paths, read from the host
//!   kernel + modules from Debian's archive    /init: mounts, cgroup2 at /sys/fs/cgroup,
//!   initramfs: busybox, libc, /init, modules    modules, 9p, the tests, exit status
//!   exit status ◀──────────── isa-debug-exit ─┘
//! ```
//!
//! Nothing binary is committed: the kernel package is downloaded with apt-get (cached in the
//! target directory), the initramfs is written here.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The kernel modules the guest needs beyond what Debian builds in: virtio and 9p, to read the
/// repository from the host, and overlayfs for containers of images (chapter 5). Their
/// dependencies are found in the modules themselves.
const MODULES: &[&str] = &[
    "virtio_pci",
    "9pnet_virtio",
    "9p",
    "overlay",
    "veth",
    "bridge",
    // Chapter 9's NAT: nf_tables, its nat chains, the dnat, masquerade, fib and ct expressions.
    // libcrc32c, which they depend on, wants a crc32c of the crypto API first (a soft
    // dependency, which the modules do not list).
    "crc32c_generic",
    "nf_tables",
    "nft_chain_nat",
    "nft_nat",
    "nft_masq",
    "nft_fib_ipv4",
    "nft_ct",
    // Chapter 9's macvlan networks.
    "macvlan",
];

/// The host's programs the guest gets beside busybox, at the same paths, with their libraries:
/// nft, which minidock runs to write its rules (chapter 9), and iproute2's ip, which links the
/// tests' "outside" machine to their host (busybox's ip makes no veth pairs).
const TOOLS: &[&str] = &["/usr/sbin/nft", "/usr/sbin/ip"];

/// How long the whole guest run may take: the reference's run takes under two minutes.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// When the guest starts to print what its processes do, in case they are stuck.
const WATCHDOG: Duration = Duration::from_secs(5 * 60);

/// `args`: test filters and options for the test binary; `-p PACKAGE` first picks another
/// crate's tests (a chapter's starter, say) instead of the reference's.
pub fn run(root: &Path, args: &[&str]) -> Result<()> {
    let (package, filters) = match args {
        ["-p", package, rest @ ..] => (*package, rest),
        _ => ("minidock", args),
    };
    let target = crate::run::target_dir(root);
    let work = target.join("cgroup-v2");
    fs::create_dir_all(&work)?;
    let started = Instant::now();

    let kernel = kernel(&work)?;
    let (tests, mut executables) = test_binary(root, &target, package)?;
    let tools: Vec<PathBuf> = TOOLS
        .iter()
        .map(|tool| {
            fs::canonicalize(tool).with_context(|| format!("{tool} (./setup.sh installs it)"))
        })
        .collect::<Result<_>>()?;
    executables.extend(tools.iter().cloned());
    // The tools are files of the guest's like the libraries: at the same paths.
    let mut libraries = libraries(&executables)?;
    libraries.extend(TOOLS.iter().map(PathBuf::from));
    // The guest sees the repository, and the target directory if it lies elsewhere, at the same
    // paths as the host: the test binary has them compiled in.
    let mut shares = vec![root.to_path_buf()];
    if !target.starts_with(root) {
        shares.push(target.clone());
    }
    let initramfs = work.join("initramfs.cpio");
    write_initramfs(&initramfs, &kernel, &libraries, &shares, &tests, filters)?;
    println!(
        "cgroup-v2: kernel {}, tests {}; prepared in {:.1} s",
        kernel.version,
        tests.display(),
        started.elapsed().as_secs_f64()
    );

    let status = boot(&work, &kernel, &initramfs, &shares)?;
    println!(
        "cgroup-v2: the guest ran the tests in {:.1} s in all; they exited with {status}",
        started.elapsed().as_secs_f64()
    );
    if status != 0 {
        bail!("the tests failed in the cgroup v2 guest (status {status}); its console is above");
    }
    Ok(())
}

/// Runs a chapter's starter suite in the guest and checks it there as verify does on the host:
/// every test of chapter 1 and the scaffold passes, every test of this chapter fails.
pub fn check_starter(root: &Path, package: &str, module: &str) -> Result<()> {
    // The suite is expected to fail (this chapter's tests): read the results from the console.
    let log = crate::run::target_dir(root).join("cgroup-v2/console.log");
    let _ = fs::remove_file(&log);
    // Chapter 1's tests and the scaffold's, with this chapter's: the chapters between start
    // containers through the same code on this kernel, and each test costs seconds emulated.
    let number: u32 = module
        .trim_start_matches("chapter_")
        .trim_end_matches("::")
        .parse()
        .unwrap_or(0);
    let between: Vec<String> = (2..number).map(|n| format!("chapter_{n:02}::")).collect();
    let mut args = vec!["-p", package];
    for skipped in &between {
        args.extend(["--skip", skipped.as_str()]);
    }
    let outcome = run(root, &args);
    let console = fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<&str> = console.lines().map(|l| l.trim_end_matches('\r')).collect();
    if !lines.iter().any(|l| l.starts_with("test result: ")) {
        outcome?;
        bail!("the guest reported no test results for {package}");
    }
    // libtest ends with the names of the failed tests, indented, after a last "failures:".
    let failed: Vec<&str> = match lines.iter().rposition(|l| *l == "failures:") {
        Some(at) => lines[at + 1..]
            .iter()
            .take_while(|l| l.starts_with("    "))
            .map(|l| l.trim())
            .collect(),
        None => Vec::new(),
    };
    // This chapter's tests, by name, from the same test binary built for the host.
    let listing = Command::new("cargo")
        .args([
            "test", "--quiet", "-p", package, "--test", "workshop", "--", "--list",
        ])
        .current_dir(root)
        .output()?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    let own: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .filter(|name| name.starts_with(module))
        // Stretch tests check code the starter gives: they pass on it.
        .filter(|name| !name.contains("::stretch::"))
        .collect();
    if own.is_empty() {
        bail!("{package} has no {module} tests");
    }
    let mut wrong: Vec<String> = own
        .iter()
        .filter(|name| !failed.contains(name))
        .map(|name| format!("{name} passed"))
        .collect();
    wrong.extend(
        failed
            .iter()
            .filter(|name| !name.starts_with(module))
            .map(|name| format!("{name} failed")),
    );
    if !wrong.is_empty() {
        bail!(
            "in the cgroup v2 guest, {package}'s {module} tests must fail and all others pass:\n  {}",
            wrong.join("\n  ")
        );
    }
    println!(
        "cgroup-v2: {package}: its {} {module} tests fail, all others pass",
        own.len()
    );
    Ok(())
}

struct Kernel {
    version: String,
    image: PathBuf,
    /// The module files to load, in an order that loads each one after what it depends on.
    modules: Vec<PathBuf>,
}

/// Debian's current kernel package, downloaded once and unpacked in `work`.
fn kernel(work: &Path) -> Result<Kernel> {
    // The metapackage names the current ABI; never pin one, it changes with security updates.
    let depends = output(Command::new("apt-cache").args(["depends", "linux-image-amd64"]))
        .context("asking apt-cache for Debian's kernel (this command needs a Debian host)")?;
    let package = depends
        .lines()
        .find_map(|l| l.trim().strip_prefix("Depends: "))
        .filter(|p| p.starts_with("linux-image-"))
        .context("apt-cache names no linux-image package for linux-image-amd64")?
        .to_string();
    let version = package.trim_start_matches("linux-image-").to_string();
    let unpacked = work.join(&package);
    if !unpacked.join("boot").exists() {
        let download = work.join("download");
        let _ = fs::remove_dir_all(&download);
        fs::create_dir_all(&download)?;
        println!("cgroup-v2: downloading {package}");
        let ok = Command::new("apt-get")
            .args(["download", "-q", &package])
            .current_dir(&download)
            .status()?
            .success();
        if !ok {
            bail!("apt-get download {package} failed");
        }
        let deb = fs::read_dir(&download)?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "deb"))
            .context("apt-get download left no .deb")?;
        let partial = work.join(format!("{package}.partial"));
        let _ = fs::remove_dir_all(&partial);
        let ok = Command::new("dpkg")
            .arg("-x")
            .arg(&deb)
            .arg(&partial)
            .status()?
            .success();
        if !ok {
            bail!("dpkg -x {} failed", deb.display());
        }
        fs::rename(&partial, &unpacked)?;
        let _ = fs::remove_dir_all(&download);
    }
    let image = unpacked.join("boot").join(format!("vmlinuz-{version}"));
    let modules = load_order(&unpacked.join("lib/modules").join(&version))?;
    Ok(Kernel {
        version,
        image,
        modules,
    })
}

/// The module files for [`MODULES`] and everything they depend on, dependencies first. A
/// module's dependencies are written in its own `.modinfo` section as `depends=a,b`.
fn load_order(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                if let Some(stem) = name.strip_suffix(".ko") {
                    files.insert(stem.replace('-', "_"), path);
                }
            }
        }
    }
    let mut order = Vec::new();
    fn visit(
        name: &str,
        files: &BTreeMap<String, PathBuf>,
        order: &mut Vec<PathBuf>,
        seen: &mut Vec<String>,
    ) -> Result<()> {
        let name = name.replace('-', "_");
        if seen.contains(&name) {
            return Ok(());
        }
        seen.push(name.clone());
        // Not a file: built into the kernel.
        let Some(path) = files.get(&name) else {
            return Ok(());
        };
        let bytes = fs::read(path)?;
        for dep in depends(&bytes) {
            visit(&dep, files, order, seen)?;
        }
        order.push(path.clone());
        Ok(())
    }
    let mut seen = Vec::new();
    for module in MODULES {
        visit(module, &files, &mut order, &mut seen)?;
    }
    Ok(order)
}

/// The `depends=` list of a module file.
fn depends(module: &[u8]) -> Vec<String> {
    let key = b"depends=";
    let Some(at) = module.windows(key.len()).position(|w| w == key) else {
        return Vec::new();
    };
    let rest = &module[at + key.len()..];
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end])
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Builds the package's workshop test binary (as `cargo test` does for the host, so usually
/// nothing is built), and builds the probe beside it on the host (the guest has no rustc).
/// Returns the test binary and every executable it came with (the package's minidock).
fn test_binary(root: &Path, target: &Path, package: &str) -> Result<(PathBuf, Vec<PathBuf>)> {
    let out = Command::new("cargo")
        .args([
            "test",
            "--quiet",
            "--no-run",
            "--message-format=json",
            "-p",
            package,
            "--test",
            "workshop",
        ])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()?;
    if !out.status.success() {
        bail!("building the test binary failed");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let executables: Vec<PathBuf> = stdout
        .lines()
        .filter_map(|l| {
            let start = l.find("\"executable\":\"")? + "\"executable\":\"".len();
            let end = l[start..].find('"')? + start;
            Some(PathBuf::from(&l[start..end]))
        })
        .collect();
    let binary = executables
        .iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("workshop-"))
        })
        .context("cargo named no workshop test binary")?
        .clone();
    // Run with a filter that matches nothing: the harness builds the probe (with rustc) and
    // prepares its fixture cache, then runs no test.
    let ok = Command::new(&binary)
        .arg("no test has this name")
        .stdout(Stdio::null())
        .status()?
        .success();
    if !ok {
        bail!("preparing the probe with {} failed", binary.display());
    }
    Ok((binary, executables))
}

/// The shared libraries `binaries` load, as `ldd` finds them on the host (the dynamic loader
/// included): the guest gets the same files at the same paths.
fn libraries(binaries: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for binary in binaries {
        let listing = output(Command::new("ldd").arg(binary))
            .with_context(|| format!("listing the libraries of {}", binary.display()))?;
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)", "/lib64/ld-linux-x86-64.so.2
        // (0x...)"; the vDSO has no file.
        for line in listing.lines() {
            let path = line
                .split("=>")
                .last()
                .and_then(|rest| rest.split_whitespace().next())
                .filter(|p| p.starts_with('/'));
            if let Some(path) = path {
                let path = PathBuf::from(path);
                if !found.contains(&path) {
                    found.push(path);
                }
            }
        }
    }
    Ok(found)
}

/// The guest's whole userland: busybox, the host's shared libraries the tests need, the kernel
/// modules, and `/init`.
fn write_initramfs(
    path: &Path,
    kernel: &Kernel,
    libraries: &[PathBuf],
    shares: &[PathBuf],
    tests: &Path,
    filters: &[&str],
) -> Result<()> {
    let busybox = ["/usr/bin/busybox", "/bin/busybox"]
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .context("no busybox (install busybox-static)")?;
    let mut cpio = Cpio::default();
    // The root directory first, readable by everyone.
    cpio.dir(".");
    for dir in [
        "bin", "dev", "etc", "proc", "sys", "tmp", "var", "var/tmp", "root", "modules",
    ] {
        cpio.dir(dir);
    }
    cpio.file("bin/busybox", 0o755, &fs::read(busybox)?);
    cpio.file("etc/passwd", 0o644, b"root:x:0:0:root:/root:/bin/sh\n");
    // The libraries at the paths the loader looks for them; their top directories (lib,
    // lib64...) move to the guest's tmpfs with the rest.
    let mut tops = Vec::new();
    for library in libraries {
        let relative = library.strip_prefix("/").unwrap_or(library);
        let mut parent = PathBuf::new();
        for part in relative.parent().into_iter().flat_map(Path::components) {
            parent.push(part);
            let dir = parent.to_string_lossy().into_owned();
            if !cpio.has(&dir) {
                cpio.dir(&dir);
            }
        }
        let top = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        if let Some(top) = top.filter(|t| !tops.contains(t)) {
            tops.push(top);
        }
        let data = fs::read(library).with_context(|| format!("reading {}", library.display()))?;
        cpio.file(&relative.to_string_lossy(), 0o755, &data);
    }
    let tops: String = tops.iter().map(|t| format!(" /{t}")).collect();
    let mut load = String::new();
    for (i, module) in kernel.modules.iter().enumerate() {
        let name = format!(
            "modules/{i:02}-{}",
            module.file_name().unwrap().to_string_lossy()
        );
        cpio.file(&name, 0o644, &fs::read(module)?);
        load += &format!("insmod /{name} || fail 'loading {name}'\n");
    }
    let args: Vec<String> = filters.iter().map(|f| shell_word(f)).collect();
    let mut mounts = String::new();
    for (i, share) in shares.iter().enumerate() {
        let at = shell_word(&share.to_string_lossy());
        mounts += &format!(
            "mkdir -p {at} && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host{i} {at} \\\n  || fail 'mounting {at} over 9p'\n"
        );
    }
    let script = format!(
        r#"#!/bin/busybox sh
# pivot_root(2) refuses to move away from the initial ramfs, where the kernel starts /init, and
# the tests pivot: first move the whole system to a tmpfs and start again from there.
if [ "$1" != moved ]; then
  /bin/busybox mkdir /new && /bin/busybox mount -t tmpfs -o mode=755 root /new || exit 1
  /bin/busybox cp -a /bin /etc /init /modules /root{tops} /new/
  for d in dev proc sys tmp var/tmp; do /bin/busybox mkdir -p /new/$d; done
  exec /bin/busybox switch_root /new /init moved
fi
/bin/busybox --install -s /bin
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Tell the host how it went: QEMU exits with (N << 1) | 1 for the byte N written here.
report() {{ printf "\\$(printf %03o "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null; poweroff -f; }}
fail() {{ echo "guest: $1"; report 125; }}
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs dev /dev || fail mounts
mount -t tmpfs tmp /tmp && mount -t tmpfs vartmp /var/tmp || fail tmpfs
# The tests' own terminals (chapter 7) are pairs of the host's devpts, as on any distribution.
mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666 devpts /dev/pts || fail 'mounting devpts'
mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail 'mounting cgroup2'
{load}{mounts}echo "guest: $(uname -r), cgroup controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
cd {share}
# A run that takes far longer than it should is stuck somewhere: say where, every thread with its
# state, CPU time (ticks), kernel wait channel and command line, then again each minute.
(
  sleep {watch}
  while :; do
    echo "guest: the tests still run after $(cut -d' ' -f1 /proc/uptime) s; the processes:"
    for d in /proc/[0-9]*/task/[0-9]*; do
      echo "  $(cut -d' ' -f1-4,14,15 $d/stat 2>/dev/null) $(cat $d/wchan 2>/dev/null) $(tr '\0' ' ' 2>/dev/null < $d/cmdline)"
    done
    sleep 60
  done
) &
watchdog=$!
# An emulated machine is many times slower than the host: the tests' time limits, meant to tell
# a hang from slowness, stretch as much.
export MINIDOCK_TEST_SLOWDOWN=4
{tests} {args}
status=$?
kill $watchdog
echo "guest: the tests exited with $status"
report $status
"#,
        share = shell_word(&shares[0].to_string_lossy()),
        tests = shell_word(&tests.to_string_lossy()),
        args = args.join(" "),
        watch = WATCHDOG.as_secs(),
    );
    cpio.file("init", 0o755, script.as_bytes());
    fs::write(path, cpio.finish())?;
    Ok(())
}

/// Boots the guest and returns the exit status of its tests.
fn boot(work: &Path, kernel: &Kernel, initramfs: &Path, shares: &[PathBuf]) -> Result<i32> {
    let log = work.join("console.log");
    let mut command = Command::new("qemu-system-x86_64");
    for (i, share) in shares.iter().enumerate() {
        command.arg("-virtfs").arg(format!(
            "local,path={},mount_tag=host{i},security_model=none,readonly=on",
            share.display()
        ));
    }
    let mut child = command
        .args(["-accel", "tcg", "-cpu", "max", "-smp", "2", "-m", "2048"])
        .args([
            "-nographic",
            "-no-reboot",
            "-monitor",
            "none",
            "-serial",
            "stdio",
        ])
        .arg("-kernel")
        .arg(&kernel.image)
        .arg("-initrd")
        .arg(initramfs)
        .args([
            // IPv6 off: every test's host and every container has a network namespace of its own
            // (chapter 8), and under emulation IPv6's share of making one is the largest.
            "-append",
            "console=ttyS0 quiet panic=-1 cgroup_no_v1=all ipv6.disable=1",
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting qemu-system-x86_64 (package qemu-system-x86)")?;
    let mut stdout = child.stdout.take().unwrap();
    let copier = std::thread::spawn(move || -> std::io::Result<()> {
        let mut file = fs::File::create(log)?;
        let mut buf = [0u8; 4096];
        loop {
            let n = std::io::Read::read(&mut stdout, &mut buf)?;
            if n == 0 {
                return Ok(());
            }
            std::io::stdout().write_all(&buf[..n])?;
            file.write_all(&buf[..n])?;
        }
    });
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("the guest did not finish within {} s", TIMEOUT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = copier.join();
    // isa-debug-exit: QEMU's status is (N << 1) | 1; any other status means the guest never
    // reported (a panic, or a poweroff before the report).
    match status.code() {
        Some(code) if code % 2 == 1 => Ok(code >> 1),
        other => bail!("the guest ended without reporting a status (qemu exited with {other:?})"),
    }
}

fn output(command: &mut Command) -> Result<String> {
    let out = command.output()?;
    if !out.status.success() {
        bail!("{command:?} failed");
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn shell_word(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// An archive in the "newc" cpio format, the one the kernel unpacks as its initramfs.
#[derive(Default)]
struct Cpio {
    bytes: Vec<u8>,
    inode: u32,
    names: Vec<String>,
}

impl Cpio {
    fn dir(&mut self, name: &str) {
        self.entry(name, 0o040_755, &[]);
    }

    fn file(&mut self, name: &str, mode: u32, data: &[u8]) {
        self.entry(name, 0o100_000 | mode, data);
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    fn entry(&mut self, name: &str, mode: u32, data: &[u8]) {
        self.names.push(name.to_string());
        self.inode += 1;
        let nlink = if mode & 0o040_000 != 0 { 2 } else { 1 };
        let fields = [
            self.inode,
            mode,
            0,
            0,
            nlink,
            0,
            data.len() as u32,
            0,
            0,
            0,
            0,
            name.len() as u32 + 1,
            0,
        ];
        self.bytes.extend_from_slice(b"070701");
        for field in fields {
            self.bytes
                .extend_from_slice(format!("{field:08x}").as_bytes());
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
    }

    fn pad(&mut self) {
        while self.bytes.len() % 4 != 0 {
            self.bytes.push(0);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, &[]);
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_dependencies_are_read_from_modinfo() {
        let fake = b"\x7fELF...license=GPL\0depends=9pnet,netfs\0vermagic=6.1\0";
        assert_eq!(depends(fake), ["9pnet", "netfs"]);
        assert!(depends(b"no such thing").is_empty());
    }

    #[test]
    fn cpio_entries_are_aligned_and_end_with_a_trailer() {
        let mut cpio = Cpio::default();
        cpio.file("init", 0o755, b"#!/bin/sh\n");
        let bytes = cpio.finish();
        assert_eq!(bytes.len() % 4, 0);
        assert!(bytes.starts_with(b"070701"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("TRAILER!!!"));
    }
}
