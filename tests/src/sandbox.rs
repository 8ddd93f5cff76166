//! One test's private world: scratch files, a fixture root filesystem, and a private "host".
//!
//! ```text
//!   the real host
//!   └── holder process (probe hold)       own mount namespace (rprivate, then rshared)
//!       │                                 own UTS namespace (host name "host-xxxxxxxx")
//!       │                                 own IPC namespace
//!       │                                 own network namespace: only lo, up (the test's
//!       │                                 "host" network, where bridges and veths may come
//!       │                                 and go; the machine's own is never touched)
//!       └── every minidock command of the test joins these namespaces (setns(2))
//!
//!   cgroup /minidock-test/sandbox-xxxxxxxx, in every cgroup tree: the parent of the test's
//!   containers' cgroups (MINIDOCK_CGROUP_PARENT), removed when the test ends
//!
//!   /var/tmp/minidock-test/sandbox-xxxxxxxx/  removed when the test ends
//!   ├── rootfs/                           a fresh busybox root filesystem
//!   ├── state/                            minidock's --root
//!   ├── host/                             files that exist only on the host
//!   └── probe                             the probe, also at the same path inside rootfs/
//! ```
//!
//! The holder reads its stdin until it closes. The test process holds the other end, so when the
//! test ends (or crashes) the holder exits and the namespaces vanish with it.

use std::ffi::CString;
use std::fs::{self, File};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{fixture, probe, random, Run};

/// The environment every command of a test starts with: nothing of the test runner's own.
const HOST_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

pub struct Sandbox {
    dir: PathBuf,
    /// The cgroup under which the test's containers make theirs.
    cgroup_parent: String,
    /// Held while the sandbox lives: shared by ordinary tests, exclusive for one that must run
    /// alone.
    _turn: Turn,
    hostname: String,
    holder: Child,
    /// The holder's namespaces, which every command of the test joins, with their kinds.
    namespaces: Vec<(File, libc::c_int)>,
    /// The storage driver minidock is told to use (MINIDOCK_STORAGE_DRIVER), if the test chose.
    driver: Option<&'static str>,
    /// The firewall driver minidock is told to use (MINIDOCK_FIREWALL_DRIVER), if the test chose.
    firewall: Option<&'static str>,
}

/// minidock's storage drivers, from chapter 5 on: a test of containers of images runs with each.
pub const STORAGE_DRIVERS: [&str; 2] = ["overlay", "vfs"];

/// minidock's firewall drivers, from chapter 9 on; the first is its default.
pub const FIREWALL_DRIVERS: [&str; 2] = ["nftables", "iptables"];

impl Sandbox {
    /// A new sandbox with a fresh fixture root filesystem.
    pub fn new() -> Sandbox {
        Sandbox::with_turn(Turn::shared())
    }

    /// A new sandbox whose minidock commands make containers of images with the storage driver
    /// `driver` (one of [`STORAGE_DRIVERS`]), through MINIDOCK_STORAGE_DRIVER. Every failure
    /// report of the test names it, until the sandbox is dropped.
    pub fn with_driver(driver: &'static str) -> Sandbox {
        let mut sandbox = Sandbox::new();
        sandbox.driver = Some(driver);
        crate::report::set_storage_driver(Some(driver));
        sandbox
    }

    /// The storage driver chosen with [`Sandbox::with_driver`], if any.
    pub fn driver(&self) -> Option<&'static str> {
        self.driver
    }

    /// A new sandbox whose minidock commands write their firewall rules with `driver` (one of
    /// [`FIREWALL_DRIVERS`]), through MINIDOCK_FIREWALL_DRIVER. Every failure report of the test
    /// names it, until the sandbox is dropped.
    pub fn with_firewall(driver: &'static str) -> Sandbox {
        let mut sandbox = Sandbox::new();
        sandbox.firewall = Some(driver);
        crate::report::set_firewall_driver(Some(driver));
        sandbox
    }

    /// The firewall driver minidock writes its rules with: the one chosen with
    /// [`Sandbox::with_firewall`], or minidock's default.
    pub fn firewall(&self) -> &'static str {
        self.firewall.unwrap_or(FIREWALL_DRIVERS[0])
    }

    /// A sandbox for a test that measures something other tests would disturb (CPU time): it
    /// waits until no other sandbox exists, and no other starts while it lives.
    pub fn alone() -> Sandbox {
        Sandbox::with_turn(Turn::exclusive())
    }

    fn with_turn(turn: Turn) -> Sandbox {
        let dir = fixture::base().join(random::name("sandbox-"));
        // Seeded runs repeat names: a directory left by an interrupted run is stale.
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        // Until the sandbox exists (and its Drop takes over), remove the directory on a panic.
        let guard = RemoveOnDrop(dir.clone());
        for sub in ["rootfs", "state", "host"] {
            fs::create_dir(dir.join(sub))
                .unwrap_or_else(|e| panic!("creating {}: {e}", dir.join(sub).display()));
        }
        fixture::busybox_rootfs(&dir.join("rootfs"));
        // The probe sits at the same absolute path on the host and inside the rootfs, so a test
        // runs it the same way whether or not the runtime has changed its root yet.
        let probe = dir.join("probe");
        let inside = dir.join("rootfs").join(probe.strip_prefix("/").unwrap());
        fs::create_dir_all(inside.parent().unwrap()).unwrap();
        for copy in [&probe, &inside] {
            fixture::place("probe", copy);
        }

        let hostname = random::name("host-");
        let holder = spawn_holder(probe::path(), &hostname);
        // From here on the sandbox's own Drop cleans up, holder included, whatever fails next.
        std::mem::forget(guard);
        let pid = holder.id();
        let cgroup_parent = format!(
            "{}/{}",
            crate::cgroups::TEST_LEVEL,
            dir.file_name().unwrap().to_string_lossy()
        );
        let mut sandbox = Sandbox {
            dir,
            cgroup_parent,
            _turn: turn,
            hostname,
            holder,
            namespaces: Vec::new(),
            driver: None,
            firewall: None,
        };
        for (kind, flag) in HOST_NAMESPACES {
            let file = File::open(format!("/proc/{pid}/ns/{kind}"))
                .unwrap_or_else(|e| panic!("opening the sandbox's {kind} namespace: {e}"));
            sandbox.namespaces.push((file, flag));
        }
        sandbox
    }

    /// The cgroup (an absolute path, the same in every cgroup tree) under which the test's
    /// containers make theirs: minidock gets it as MINIDOCK_CGROUP_PARENT.
    pub fn cgroup_parent(&self) -> &str {
        &self.cgroup_parent
    }

    /// The cgroups the test's containers have now, in the tree of `controller`.
    pub fn container_cgroups(&self, controller: &str) -> Vec<PathBuf> {
        crate::cgroups::children(controller, &self.cgroup_parent)
    }

    /// Every cgroup below the sandbox's parent, in every tree: what containers left behind.
    pub fn leftover_cgroups(&self) -> Vec<PathBuf> {
        crate::cgroups::all_below(&self.cgroup_parent)
            .into_iter()
            .filter(|dir| !dir.ends_with(self.cgroup_parent.trim_start_matches('/')))
            .collect()
    }

    /// The fixture root filesystem, ready to be passed as IMAGE.
    pub fn rootfs(&self) -> PathBuf {
        self.dir.join("rootfs")
    }

    /// The fixture root filesystem as a command-line argument.
    pub fn image(&self) -> String {
        self.rootfs().display().to_string()
    }

    /// minidock's state directory (`--root`) for this test.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.join("state")
    }

    /// The scratch directory of this test, on the host.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A path on the host that no root filesystem has.
    pub fn host_path(&self, name: &str) -> PathBuf {
        self.dir.join("host").join(name)
    }

    /// A new file that only the host has, as an absolute path: what no container may see.
    #[track_caller]
    pub fn host_only_file(&self) -> String {
        let path = self.host_path(&random::name("host-only-"));
        fs::write(&path, "the host's")
            .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        path.display().to_string()
    }

    /// The probe, as a path that works both on the host and inside the fixture rootfs.
    pub fn probe(&self) -> String {
        self.dir.join("probe").display().to_string()
    }

    /// The pid, on the host, of the process that keeps the sandbox's namespaces alive: a process
    /// that is certainly running, outside any container of the test.
    pub fn holder_pid(&self) -> u32 {
        self.holder.id()
    }

    /// The host name the sandbox's host was given when it was made.
    pub fn original_hostname(&self) -> &str {
        &self.hostname
    }

    /// The sandbox host's host name now, as its processes see it.
    #[track_caller]
    pub fn current_hostname(&self) -> String {
        let out = self.host_command(&self.probe(), ["hostname"]).output();
        assert_eq!(
            out.status,
            Some(0),
            "probe hostname failed:\n{}",
            out.describe()
        );
        out.stdout.trim_end().to_string()
    }

    /// The monitors of the sandbox's detached containers (chapter 6) that run now: the
    /// processes whose environment names the sandbox's state directory as `MINIDOCK_ROOT`.
    pub fn monitors(&self) -> Vec<i32> {
        monitors_of(&self.state_dir())
    }

    /// The sandbox host's mount table (its `/proc/PID/mountinfo`).
    #[track_caller]
    pub fn mounts(&self) -> String {
        fs::read_to_string(format!("/proc/{}/mountinfo", self.holder.id()))
            .expect("reading the sandbox's mount table")
    }

    /// The entries of minidock's ledger of cgroups (`cgroups/` in the state directory), temporary
    /// ones (`cgroups/.ID`) included, as sorted paths relative to the state directory: the
    /// cgroups a run has yet to remove.
    #[track_caller]
    pub fn ledger_entries(&self) -> Vec<String> {
        self.state_entries()
            .into_iter()
            .filter(|e| e.starts_with("cgroups/"))
            .collect()
    }

    /// Everything under the state directory, as sorted relative paths.
    #[track_caller]
    pub fn state_entries(&self) -> Vec<String> {
        let mut entries = Vec::new();
        let mut stack = vec![self.state_dir()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                entries.push(
                    path.strip_prefix(self.state_dir())
                        .unwrap()
                        .display()
                        .to_string(),
                );
                if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    stack.push(path);
                }
            }
        }
        entries.sort();
        entries
    }

    /// `minidock --root STATE ARGS...`, ready to run in the sandbox.
    pub fn minidock<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Run::new(self.minidock_command(args))
    }

    /// `minidock --root STATE ARGS...` started on a terminal of its own (chapter 7): a new
    /// pseudo-terminal of `rows` × `cols`, its slave minidock's controlling terminal and
    /// standard descriptors, its master the test's keyboard and screen.
    pub fn minidock_on_terminal<I, S>(&self, args: I, rows: u16, cols: u16) -> crate::Terminal
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        crate::Terminal::spawn(self.minidock_command(args), rows, cols)
    }

    fn minidock_command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = self.in_host(crate::binary());
        command.arg("--root").arg(self.state_dir()).args(args);
        // Read from chapter 4 on; earlier chapters ignore it.
        command.env("MINIDOCK_CGROUP_PARENT", &self.cgroup_parent);
        // Read from chapter 5 on.
        if let Some(driver) = self.driver {
            command.env("MINIDOCK_STORAGE_DRIVER", driver);
        }
        // Read from chapter 9 on.
        if let Some(driver) = self.firewall {
            command.env("MINIDOCK_FIREWALL_DRIVER", driver);
        }
        command
    }

    /// Runs `f` on this thread inside the sandbox's network namespace, and returns what it
    /// returned: a socket it makes belongs to the sandbox's host network for good (a listener a
    /// container can reach, a client that reaches a container).
    pub fn in_host_network<T>(&self, f: impl FnOnce() -> T) -> T {
        let (netns, _) = self
            .namespaces
            .iter()
            .find(|(_, flag)| *flag == libc::CLONE_NEWNET)
            .expect("the sandbox has a network namespace");
        // A namespace belongs to a thread: this one moves, the test's other threads stay.
        let own = File::open("/proc/thread-self/ns/net").expect("opening the thread's namespace");
        let enter = |file: &File, what: &str| {
            // SAFETY: setns(2) on descriptors this function holds; only this thread moves.
            let done = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(
                done,
                0,
                "entering {what}: {}",
                std::io::Error::last_os_error()
            );
        };
        enter(netns, "the sandbox's network namespace");
        let result = f();
        enter(&own, "the test's own network namespace again");
        result
    }

    /// Any program, run on the sandbox's host (in its namespaces).
    pub fn host_command<I, S>(&self, program: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = self.in_host(program);
        command.args(args);
        Run::new(command)
    }

    /// `program`, set up to start in the sandbox's host: in its namespaces and its scratch
    /// directory, with a clean environment.
    fn in_host(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env_clear().env("PATH", HOST_PATH);
        assert!(!self.namespaces.is_empty(), "the sandbox is alive");
        let joins: Vec<(libc::c_int, libc::c_int)> = self
            .namespaces
            .iter()
            .map(|(file, flag)| (file.as_raw_fd(), *flag))
            .collect();
        let cwd = CString::new(self.dir.as_os_str().as_bytes()).unwrap();
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                // Join the sandbox's host. Entering a mount namespace resets the working
                // directory to its root, so move to the scratch directory afterwards.
                for &(fd, kind) in &joins {
                    if libc::setns(fd, kind) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                if libc::chdir(cwd.as_ptr()) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        command
    }
}

/// Another machine on the sandbox host's network: a network namespace of its own, linked to the
/// host by a veth pair (`host_ip` the host's end, `ip` its own, in 198.51.100.0/24, a range kept
/// for documentation), with no route beyond that link. The test's outside world: it reaches a
/// container only through the host's rules, and a container reaches it only through them.
pub struct Outside {
    holder: Child,
    netns: File,
    /// The host's address on the link.
    pub host_ip: String,
    /// Its own address.
    pub ip: String,
    /// The host's end of the link, on the host.
    pub link: String,
}

impl Sandbox {
    /// A new outside machine, linked to the sandbox's host.
    pub fn outside(&self) -> Outside {
        let mut command = Command::new(probe::path());
        command
            .arg("hold")
            .stdin(Stdio::piped())
            .stdout(Stdio::null());
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::unshare(libc::CLONE_NEWNET) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                bring_up_lo()
            });
        }
        let holder = command
            .spawn()
            .unwrap_or_else(|e| panic!("starting the outside's holder process: {e}"));
        let netns = File::open(format!("/proc/{}/ns/net", holder.id()))
            .unwrap_or_else(|e| panic!("opening the outside's network namespace: {e}"));
        let (a, b) = loop {
            let (a, b) = (random::number(1, 254), random::number(1, 254));
            if a != b {
                break (a, b);
            }
        };
        let link = random::name("out");
        let link = link[..link.len().min(12)].to_string();
        let outside = Outside {
            holder,
            netns,
            host_ip: format!("198.51.100.{a}"),
            ip: format!("198.51.100.{b}"),
            link: link.clone(),
        };
        let pid = outside.holder.id().to_string();
        let host_steps: [&[&str]; 3] = [
            &[
                "link", "add", &link, "type", "veth", "peer", "name", "eth0", "netns", &pid,
            ],
            &[
                "addr",
                "add",
                &format!("{}/24", outside.host_ip),
                "dev",
                &link,
            ],
            &["link", "set", &link, "up"],
        ];
        for step in host_steps {
            let out = self.host_command("ip", step).output();
            assert_eq!(
                out.status,
                Some(0),
                "linking the outside: ip {}\n{}",
                step.join(" "),
                out.describe()
            );
        }
        let own_steps: [&[&str]; 2] = [
            &["addr", "add", &format!("{}/24", outside.ip), "dev", "eth0"],
            &["link", "set", "eth0", "up"],
        ];
        for step in own_steps {
            let out = outside.command("ip", step).output();
            assert_eq!(
                out.status,
                Some(0),
                "linking the outside: ip {}\n{}",
                step.join(" "),
                out.describe()
            );
        }
        outside
    }
}

impl Outside {
    /// Any program, run on the outside machine.
    pub fn command<I, S>(&self, program: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(program);
        command.args(args).env_clear().env("PATH", HOST_PATH);
        let netns = self.netns.as_raw_fd();
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::setns(netns, libc::CLONE_NEWNET) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        Run::new(command)
    }
}

impl Drop for Outside {
    fn drop(&mut self) {
        // Its namespace, and its end of the link with it, go when the holder ends.
        drop(self.holder.stdin.take());
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

/// Whose turn it is: ordinary sandboxes share it, one that must run alone takes it whole.
static TURNS: std::sync::RwLock<()> = std::sync::RwLock::new(());

enum Turn {
    Shared(#[allow(dead_code)] std::sync::RwLockReadGuard<'static, ()>),
    Exclusive(#[allow(dead_code)] std::sync::RwLockWriteGuard<'static, ()>),
}

impl Turn {
    fn shared() -> Turn {
        // A test that failed while holding its turn poisons the lock; the turn is still good.
        Turn::Shared(TURNS.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn exclusive() -> Turn {
        Turn::Exclusive(TURNS.write().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The namespaces of the sandbox's host: the holder makes them, every command joins them.
const HOST_NAMESPACES: [(&str, libc::c_int); 4] = [
    ("mnt", libc::CLONE_NEWNS),
    ("uts", libc::CLONE_NEWUTS),
    ("ipc", libc::CLONE_NEWIPC),
    ("net", libc::CLONE_NEWNET),
];

/// Sets the flag IFF_UP of `lo` in the caller's network namespace, with the ioctls ifconfig uses
/// (async-signal-safe: this runs between fork and exec).
fn bring_up_lo() -> std::io::Result<()> {
    // SAFETY: a datagram socket for the interface ioctls, closed before returning; the buffer is
    // a whole struct ifreq (the name, then a union whose first field here is the flags).
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut ifreq = [0u8; 40];
        ifreq[..2].copy_from_slice(b"lo");
        let mut ok = libc::ioctl(fd, libc::SIOCGIFFLAGS, ifreq.as_mut_ptr()) == 0;
        if ok {
            let flags = u16::from_ne_bytes([ifreq[16], ifreq[17]]) | libc::IFF_UP as u16;
            ifreq[16..18].copy_from_slice(&flags.to_ne_bytes());
            ok = libc::ioctl(fd, libc::SIOCSIFFLAGS, ifreq.as_mut_ptr()) == 0;
        }
        let result = if ok {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        };
        libc::close(fd);
        result
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

fn spawn_holder(probe: &Path, hostname: &str) -> Child {
    let name = CString::new(hostname).unwrap();
    let mut command = Command::new(probe);
    command
        .arg("hold")
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let check = |ret: libc::c_int| {
                if ret == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            };
            check(libc::unshare(
                libc::CLONE_NEWNS | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC | libc::CLONE_NEWNET,
            ))?;
            // A new network namespace's lo is down; a host's is up.
            bring_up_lo()?;
            // First cut every propagation link to the real host (on a systemd host `/` is
            // shared, and the new namespace's mounts would still be peers of the host's), then
            // make everything shared again, but now only within the sandbox. That is what a
            // runtime meets on a systemd host, and a runtime that forgets to make its own mounts
            // private would leak them into the sandbox's host, where tests can see it.
            let root = c"/".as_ptr();
            check(libc::mount(
                std::ptr::null(),
                root,
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ))?;
            check(libc::mount(
                std::ptr::null(),
                root,
                std::ptr::null(),
                libc::MS_REC | libc::MS_SHARED,
                std::ptr::null(),
            ))?;
            check(libc::sethostname(name.as_ptr(), name.as_bytes().len()))
        });
    }
    command
        .spawn()
        .unwrap_or_else(|e| panic!("starting the sandbox's holder process: {e}"))
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if self.driver.is_some() {
            crate::report::set_storage_driver(None);
        }
        if self.firewall.is_some() {
            crate::report::set_firewall_driver(None);
        }
        // Closing its stdin ends the holder; its namespaces go with it.
        drop(self.holder.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.holder.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        if matches!(self.holder.try_wait(), Ok(None)) {
            let _ = self.holder.kill();
            let _ = self.holder.wait();
        }
        // Nothing of the sandbox may be held while its directory goes.
        self.namespaces.clear();
        // Detached containers' monitors (chapter 6) outlive the commands that started them; a
        // test that left one running ends it here, and its container with it.
        kill_monitors(&self.state_dir());
        // What the test's containers left running (a minidock that failed to clean up) is killed
        // with their cgroups, before it can write into the directory as it goes. The shared
        // level, /minidock-test, stays while the tests run: removing it between tests would race
        // with the minidock of another test making its cgroup in it. It goes when the test
        // process ends (`remove_shared_cgroup_level`).
        crate::cgroups::remove_tree(&self.cgroup_parent);
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Kills the processes that keep a state directory's containers, the monitors of chapter 6 (a
/// monitor carries its state directory in its environment, as `MINIDOCK_ROOT`), and waits until
/// they are gone.
fn kill_monitors(state_dir: &Path) {
    let monitors = monitors_of(state_dir);
    for &pid in &monitors {
        // SAFETY: kill(2) only sends a signal, to a process of this sandbox's.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while monitors
        .iter()
        .any(|pid| Path::new(&format!("/proc/{pid}")).exists())
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The processes with `state_dir` as their `MINIDOCK_ROOT`: the monitors of its containers.
fn monitors_of(state_dir: &Path) -> Vec<i32> {
    let wanted = format!("MINIDOCK_ROOT={}", state_dir.display());
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/environ")).is_ok_and(|environ| {
                environ
                    .split(|&b| b == 0)
                    .any(|var| var == wanted.as_bytes())
            })
        })
        .collect()
}
