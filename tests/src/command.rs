//! A command run in a sandbox: building it ([`Run`]), then watching, signalling and collecting it
//! while it runs ([`Running`]), until it ends in an [`Output`].

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{Expectation, Failure, Output, Section};

/// How long one command may take before the harness gives up on it and kills it.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How much slower than a real machine this one is, as MINIDOCK_TEST_SLOWDOWN says (an emulated
/// guest's is several times): every time limit the tests give a command is that many times as
/// long. A limit tells a hang from a slow machine; it measures nothing.
pub(crate) fn slowed(limit: Duration) -> Duration {
    static FACTOR: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let factor = *FACTOR.get_or_init(|| {
        std::env::var("MINIDOCK_TEST_SLOWDOWN")
            .ok()
            .and_then(|f| f.parse().ok())
            .filter(|f| *f >= 1)
            .unwrap_or(1)
    });
    limit * factor
}

/// A command about to run in a sandbox.
pub struct Run {
    command: Command,
    stdin: Vec<u8>,
    timeout: Duration,
}

impl Run {
    /// A command to run as it is set up, with an empty stdin and the default timeout.
    pub(crate) fn new(mut command: Command) -> Run {
        // Its own process group, so that when it ends (or times out) whatever it left running
        // can be killed with it. A process meant to outlive it must leave the group (setsid).
        command.process_group(0);
        Run {
            command,
            stdin: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

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
    #[track_caller]
    pub fn output(self) -> Output {
        let mut running = self.start();
        running.close_stdin();
        running.finish()
    }

    /// Starts the command and returns at once, to watch it and signal it while it runs; stdin
    /// stays open until [`Running::close_stdin`] or the end.
    #[track_caller]
    pub fn spawn(self) -> Running {
        self.start()
    }

    #[track_caller]
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
            deadline: Instant::now() + slowed(self.timeout),
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
        let deadline = Instant::now() + slowed(within);
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

    /// Expects the command to print the line `line` on stdout within `within`. If it does not,
    /// the command is stopped at once, and the report shows what it did until then.
    #[track_caller]
    pub fn expect_line(&mut self, line: &str, within: Duration, section: Section) -> Expectation {
        let failure = match self.wait_for_line(line, within) {
            Some(_) => None,
            None => Some(
                Failure::new(format!("the container's command never printed {line:?}"))
                    .expected_text(format!("the line {line:?} on stdout, within {within:?}"))
                    .output(&self.stop())
                    .section(section),
            ),
        };
        Expectation::new(failure)
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
        self.deadline = self.deadline.min(Instant::now() + slowed(within));
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
        let hung_in = if timed_out {
            crate::procs::where_stuck(pid as u32)
        } else {
            String::new()
        };
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
            hung_in,
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

pub(crate) fn describe_command(command: &Command) -> String {
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
