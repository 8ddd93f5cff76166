//! Detaching: how `run -d` hands a container to a monitor of its own and returns.
//!
//! ```text
//!   minidock run -d ──fork──▶ child ── setsid, stdin/stdout → /dev/null, report pipe → fd 3
//!        │                      │
//!        │                      └─exec /proc/self/exe as `minidock-monitor ID`
//!        │                             prepare, spawn, set up, release (the container's phases)
//!        │◀──── "started" ─────────── fd 3, then closed; stderr → /dev/null
//!   prints the id, exits              copies the output to the log, reaps, records, cleans up
//! ```
//!
//! The child starts a session of its own before it becomes the monitor: a shell's job control
//! and a closing terminal signal the caller's process group and session, and a monitor still in
//! them would pass the signal on to the container. It lets go of the caller's standard input and
//! output (a caller that reads `run -d`'s output, `id=$(minidock run -d ...)`, reads until every
//! holder of the pipe has closed it), and keeps its standard error only until it has reported,
//! so that a failure, and `--explain`, still reach the caller's terminal.

use std::ffi::CString;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use nix::fcntl::OFlag;

use crate::process::exit;
use crate::sys;

/// The name a monitor runs under: `ps` shows `minidock-monitor ID`.
pub const NAME: &str = "minidock-monitor";

/// The descriptor a monitor reports on.
pub const REPORT_FD: i32 = 3;

/// What a monitor says once the container's command has started, or could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Started,
    /// Why not, as minidock would have said it, and the status `run` exits with.
    Failed {
        status: u8,
        message: String,
    },
}

impl Report {
    /// The report as it travels on the pipe.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Report::Started => b"started".to_vec(),
            Report::Failed { status, message } => format!("failed {status}\n{message}").into(),
        }
    }

    fn decode(bytes: &[u8]) -> Report {
        let text = String::from_utf8_lossy(bytes);
        if text == "started" {
            return Report::Started;
        }
        let failed = text.strip_prefix("failed ").and_then(|rest| {
            let (status, message) = rest.split_once('\n')?;
            Some(Report::Failed {
                status: status.parse().ok()?,
                message: message.to_string(),
            })
        });
        failed.unwrap_or(Report::Failed {
            status: exit::FAILED,
            message: "the container's monitor ended before it said whether the command started"
                .to_string(),
        })
    }
}

/// Starts the monitor of the container `id`, recorded in the store under `root`, and waits for
/// its report.
pub fn detach(root: &Path, id: &str) -> sys::Result<Report> {
    // Everything the child needs is made before the fork: after it, the child only makes calls.
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let exe = CString::new("/proc/self/exe").expect("no NUL");
    let argv = [
        CString::new(NAME).expect("no NUL"),
        CString::new(id).expect("an id has no NUL"),
    ];
    let mut env: Vec<CString> = std::env::vars_os()
        .filter(|(key, _)| {
            ![
                "MINIDOCK_ROOT",
                "MINIDOCK_EXPLAIN",
                "MINIDOCK_EXPLAIN_CLOCK",
            ]
            .contains(&key.to_str().unwrap_or(""))
        })
        .filter_map(|(key, value)| {
            let mut pair = key.as_bytes().to_vec();
            pair.push(b'=');
            pair.extend_from_slice(value.as_bytes());
            CString::new(pair).ok()
        })
        .collect();
    env.push(
        CString::new([b"MINIDOCK_ROOT=", root.as_os_str().as_bytes()].concat())
            .expect("a path has no NUL"),
    );
    if sys::explaining() {
        env.push(CString::new("MINIDOCK_EXPLAIN=1").expect("no NUL"));
    }
    if let Some(start) = sys::explain_clock_start() {
        env.push(CString::new(format!("MINIDOCK_EXPLAIN_CLOCK={start}")).expect("no NUL"));
    }
    let (from_monitor, to_caller) = sys::pipe()?;
    // SAFETY: minidock never starts a thread: it is single-threaded here.
    match unsafe { sys::fork()? } {
        None => {
            // The child: a session of its own (it is no process group leader, being a new
            // process), the caller's input and output let go of, the report pipe at fd 3, and
            // minidock again, as the monitor. Nothing here may return to the caller's code.
            let _ = sys::setsid();
            if let Ok(null) = sys::open("/dev/null", OFlag::O_RDWR) {
                let _ = sys::dup2(&null, 0);
                let _ = sys::dup2(&null, 1);
            }
            let _ = sys::dup2(&to_caller, REPORT_FD);
            let _ = sys::execve(&exe, &argv, &env);
            // SAFETY: _exit(2) ends the child at once, running none of the caller's cleanup.
            unsafe { libc::_exit(exit::FAILED.into()) }
        }
        Some(_monitor) => {
            // The caller keeps only the reading end: the report ends when the monitor closes
            // its end.
            drop(to_caller);
            read_report(from_monitor)
        }
    }
}

/// Reads the monitor's report, to the end of the pipe.
fn read_report(from_monitor: OwnedFd) -> sys::Result<Report> {
    let fd = from_monitor.as_raw_fd();
    let mut bytes = Vec::new();
    std::fs::File::from(from_monitor)
        .read_to_end(&mut bytes)
        .map_err(|err| sys::Error::Failed {
            call: format!("read({fd}) (the monitor's report)"),
            errno: sys::errno_of(err),
        })?;
    Ok(Report::decode(&bytes))
}
