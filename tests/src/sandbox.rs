//! One test's private world: scratch files, a fixture root filesystem, and a private "host".
//!
//! ```text
//!   the real host
//!   └── holder process (probe hold)       own mount namespace (rprivate, then rshared)
//!       │                                 own UTS namespace (host name "host-xxxxxxxx")
//!       └── every minidock command of the test joins these namespaces (setns(2))
//!
//!   /tmp/minidock-test/sandbox-xxxxxxxx/  removed when the test ends
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
    hostname: String,
    holder: Child,
    /// The holder's mount and UTS namespaces, which every command of the test joins.
    namespaces: Option<(File, File)>,
}

impl Sandbox {
    /// A new sandbox with a fresh fixture root filesystem.
    pub fn new() -> Sandbox {
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
        let mut sandbox = Sandbox {
            dir,
            hostname,
            holder,
            namespaces: None,
        };
        let ns = |kind: &str| {
            File::open(format!("/proc/{pid}/ns/{kind}"))
                .unwrap_or_else(|e| panic!("opening the sandbox's {kind} namespace: {e}"))
        };
        sandbox.namespaces = Some((ns("mnt"), ns("uts")));
        sandbox
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
        let (mount_ns, uts_ns) = self.namespaces.as_ref().expect("the sandbox is alive");
        let (mount_fd, uts_fd) = (mount_ns.as_raw_fd(), uts_ns.as_raw_fd());
        let cwd = CString::new(self.dir.as_os_str().as_bytes()).unwrap();
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                // Join the sandbox's host. Entering a mount namespace resets the working
                // directory to its root, so move to the scratch directory afterwards.
                for (fd, kind) in [(mount_fd, libc::CLONE_NEWNS), (uts_fd, libc::CLONE_NEWUTS)] {
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
            check(libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWUTS))?;
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
        drop(self.namespaces.take());
        let _ = fs::remove_dir_all(&self.dir);
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
    pub fn output(mut self) -> Output {
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
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let stdout = reader(child.stdout.take().unwrap());
        let stderr = reader(child.stderr.take().unwrap());

        let deadline = Instant::now() + self.timeout;
        let mut timed_out = false;
        let pid = child.id() as libc::pid_t;
        loop {
            if has_exited(pid) {
                break;
            }
            if Instant::now() >= deadline {
                timed_out = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        // The command has ended (or hangs): end what is left of its process group. It is not
        // reaped yet, so its pid, which names the group, cannot have been reused.
        // SAFETY: kill(2) on the process group of a child we started.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let status = child.wait().expect("waiting for a command");
        // A process the command left behind may still hold its stdout open; do not wait forever.
        let grace = Duration::from_secs(2);
        let collect = |rx: mpsc::Receiver<Vec<u8>>| {
            rx.recv_timeout(grace)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_else(|_| "(still open: a process left behind holds it)".into())
        };
        Output {
            command: shown,
            status: status.code(),
            signal: status.signal(),
            stdout: collect(stdout),
            stderr: collect(stderr),
            timed_out,
        }
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

fn reader(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
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
