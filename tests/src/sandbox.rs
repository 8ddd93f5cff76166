//! One test's private world: scratch files, a fixture root filesystem, and a private "host".
//!
//! ```text
//!   the real host
//!   └── holder process (probe hold)       own mount namespace (rprivate, then rshared)
//!       │                                 own UTS namespace (host name "host-xxxxxxxx")
//!       │                                 own IPC namespace
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
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{fixture, probe, random};

/// How long one command may take before the harness gives up on it and kills it.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

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
}

impl Sandbox {
    /// A new sandbox with a fresh fixture root filesystem.
    pub fn new() -> Sandbox {
        Sandbox::with_turn(Turn::shared())
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
            "/minidock-test/{}",
            dir.file_name().unwrap().to_string_lossy()
        );
        let mut sandbox = Sandbox {
            dir,
            cgroup_parent,
            _turn: turn,
            hostname,
            holder,
            namespaces: Vec::new(),
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

    /// The sandbox host's mount table (its `/proc/PID/mountinfo`).
    pub fn mounts(&self) -> String {
        fs::read_to_string(format!("/proc/{}/mountinfo", self.holder.id()))
            .expect("reading the sandbox's mount table")
    }

    /// Everything under the state directory, as sorted relative paths.
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
        let binary = crate::binary();
        let mut run = self.host_command(binary, ["--root".as_ref(), self.state_dir().as_os_str()]);
        run.command.args(args);
        // Read from chapter 4 on; earlier chapters ignore it.
        run.command
            .env("MINIDOCK_CGROUP_PARENT", &self.cgroup_parent);
        run
    }

    /// Any program, run on the sandbox's host (in its namespaces).
    pub fn host_command<I, S>(&self, program: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(program);
        command.args(args).env_clear().env("PATH", HOST_PATH);
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
        // Its own process group, so that when it ends (or times out) whatever it left running
        // can be killed with it. A process meant to outlive it must leave the group (setsid).
        command.process_group(0);
        Run {
            command,
            stdin: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
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
const HOST_NAMESPACES: [(&str, libc::c_int); 3] = [
    ("mnt", libc::CLONE_NEWNS),
    ("uts", libc::CLONE_NEWUTS),
    ("ipc", libc::CLONE_NEWIPC),
];

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
                libc::CLONE_NEWNS | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC,
            ))?;
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
        let _ = fs::remove_dir_all(&self.dir);
        crate::cgroups::remove_tree(&self.cgroup_parent);
        // The shared level goes too once no sandbox uses it (another may, then it stays).
        for tree in crate::cgroups::trees() {
            let _ = fs::remove_dir(tree.join("minidock-test"));
        }
    }
}

/// A command about to run in a sandbox.
pub struct Run {
    command: Command,
    stdin: Vec<u8>,
    timeout: Duration,
}

impl Run {
    /// Feeds `input` to the command's stdin (it gets an empty stdin otherwise).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Run {
        self.stdin = input.into();
        self
    }

    /// Sets a variable in the environment minidock itself runs with.
    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.command.env(key, value);
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Run {
        self.timeout = timeout;
        self
    }

    /// Runs the command to the end (or its timeout) and collects what it did.
    pub fn output(self) -> Output {
        let mut running = self.start();
        running.close_stdin();
        running.finish()
    }

    /// Starts the command and returns at once, to watch it and signal it while it runs; stdin
    /// stays open until [`Running::close_stdin`] or the end.
    pub fn spawn(self) -> Running {
        self.start()
    }

    fn start(mut self) -> Running {
        let shown = describe_command(&self.command);
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {shown}: {e}"));
        let mut stdin = child.stdin.take().unwrap();
        let input = std::mem::take(&mut self.stdin);
        let (close_tx, close_rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
            // Held open until the test closes it or the command is collected.
            let _ = close_rx.recv();
        });
        Running {
            shown,
            deadline: Instant::now() + self.timeout,
            stdout: Stream::new(child.stdout.take().unwrap()),
            stderr: Stream::new(child.stderr.take().unwrap()),
            child,
            close_stdin: Some(close_tx),
            collected: None,
        }
    }
}

/// A command that is running: see [`Run::spawn`].
pub struct Running {
    shown: String,
    child: Child,
    deadline: Instant,
    stdout: Stream,
    stderr: Stream,
    close_stdin: Option<mpsc::Sender<()>>,
    collected: Option<Output>,
}

impl Running {
    /// The command's pid (minidock's, for `sb.minidock(...)`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until the command's stdout has a line `line`, and returns everything it printed so
    /// far; `None` if it ended or `within` passed first.
    pub fn wait_for_line(&mut self, line: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let text = self.stdout.text_so_far();
            if text.lines().any(|l| l == line) {
                return Some(text);
            }
            if Instant::now() >= deadline || self.stdout.closed() || has_exited(self.pid() as _) {
                // One last look: the line may have come with the end.
                let text = self.stdout.text_so_far();
                return text.lines().any(|l| l == line).then_some(text);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Sends `signal` to the command (not to its process group).
    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) to a child we started and have not reaped, so its pid is still ours.
        unsafe { libc::kill(self.pid() as libc::pid_t, signal) };
    }

    /// Closes the command's stdin.
    pub fn close_stdin(&mut self) {
        drop(self.close_stdin.take());
    }

    /// Like [`Running::finish`], but gives the command at most `within` from now to end; one
    /// that takes longer is killed, and reported as `timed_out`.
    pub fn finish_within(mut self, within: Duration) -> Output {
        self.deadline = self.deadline.min(Instant::now() + within);
        self.collect()
    }

    /// The command's children, as pids on the host. For minidock, that is the container's first
    /// process.
    pub fn children(&self) -> Vec<u32> {
        crate::procs::children_of(self.pid())
    }

    /// Waits for the command to end (or its timeout), then collects what it did.
    pub fn finish(mut self) -> Output {
        self.collect()
    }

    /// Like [`Running::finish`], for a test that already knows something went wrong and wants
    /// the report: the command is given no more time.
    pub fn stop(&mut self) -> Output {
        self.deadline = Instant::now();
        self.collect()
    }

    fn collect(&mut self) -> Output {
        if let Some(output) = &self.collected {
            return output.clone();
        }
        let pid = self.child.id() as libc::pid_t;
        let mut timed_out = false;
        loop {
            if has_exited(pid) {
                break;
            }
            if Instant::now() >= self.deadline {
                timed_out = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        // The command has ended (or hangs): end what is left of its process group. It is not
        // reaped yet, so its pid, which names the group, cannot have been reused.
        // SAFETY: kill(2) on the process group of a child we started.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let status = self.child.wait().expect("waiting for a command");
        self.close_stdin();
        // A process the command left behind may still hold its stdout open; do not wait forever.
        let grace = Duration::from_secs(2);
        let output = Output {
            command: self.shown.clone(),
            status: status.code(),
            signal: status.signal(),
            stdout: self.stdout.all(grace),
            stderr: self.stderr.all(grace),
            timed_out,
        };
        self.collected = Some(output.clone());
        output
    }
}

impl Drop for Running {
    /// A test that fails while its command runs leaves nothing running.
    fn drop(&mut self) {
        if self.collected.is_none() {
            self.stop();
        }
    }
}

/// One of a command's output pipes, read by a thread as the command writes.
struct Stream {
    seen: std::sync::Arc<std::sync::Mutex<(Vec<u8>, bool)>>,
}

impl Stream {
    fn new(mut pipe: impl Read + Send + 'static) -> Stream {
        let seen = std::sync::Arc::new(std::sync::Mutex::new((Vec::new(), false)));
        let writer = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => writer.lock().unwrap().0.extend_from_slice(&buf[..n]),
                }
            }
            writer.lock().unwrap().1 = true;
        });
        Stream { seen }
    }

    fn text_so_far(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap().0).into_owned()
    }

    fn closed(&self) -> bool {
        self.seen.lock().unwrap().1
    }

    /// Everything, once the pipe is closed; if it stays open past `grace`, a note saying so.
    fn all(&self, grace: Duration) -> String {
        let deadline = Instant::now() + grace;
        while !self.closed() {
            if Instant::now() >= deadline {
                return "(still open: a process left behind holds it)".into();
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        self.text_so_far()
    }
}

/// Whether process `pid` (our child) has ended, without reaping it.
fn has_exited(pid: libc::pid_t) -> bool {
    // SAFETY: waitid(2) writes only into `info`, which we own.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        let ret = libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags);
        ret == 0 && info.si_pid() != 0
    }
}

fn describe_command(command: &Command) -> String {
    let program = Path::new(command.get_program())
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    std::iter::once(program)
        .chain(command.get_args().map(|a| quote(&a.to_string_lossy())))
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What a command did.
#[derive(Debug, Clone)]
pub struct Output {
    /// The command line, as you could type it (the binary by its file name).
    pub command: String,
    /// Its exit status, if it exited.
    pub status: Option<i32>,
    /// The signal that killed it, if one did.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Whether the harness killed it for taking too long.
    pub timed_out: bool,
}

impl Output {
    /// Its stdout without the final newline.
    pub fn stdout_trimmed(&self) -> &str {
        self.stdout.strip_suffix('\n').unwrap_or(&self.stdout)
    }

    /// How it ended, in words.
    pub fn ending(&self) -> String {
        match (self.timed_out, self.status, self.signal) {
            (true, _, _) => "killed by the harness after its timeout (it hung)".into(),
            (_, Some(code), _) => format!("exit status {code}"),
            (_, _, Some(signal)) => format!("killed by signal {signal}"),
            _ => "unknown".into(),
        }
    }

    /// A report of the whole run, for failure messages.
    pub fn describe(&self) -> String {
        let block = |text: &str| {
            if text.is_empty() {
                "(empty)".to_string()
            } else {
                text.trim_end().replace('\n', "\n            ")
            }
        };
        format!(
            "  ran:      {}\n  ended:    {}\n  stdout:   {}\n  stderr:   {}",
            self.command,
            self.ending(),
            block(&self.stdout),
            block(&self.stderr)
        )
    }
}
