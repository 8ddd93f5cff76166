//! The monitor: the small process that is a detached container's parent, once `run -d` has
//! returned. As podman's conmon, and unlike docker's daemon, there is one per container, and it
//! outlives the command that started it:
//!
//! ```text
//!   minidock-monitor ID     (re-parented to init, or to the nearest subreaper)
//!    └── the container's first process
//! ```
//!
//! It starts the container with the same phases as a foreground `run`, reports to the waiting
//! `run -d` (`detach`), then copies the container's output into its log, reaps it, records how
//! it ended, and cleans up (its cgroup; everything, with `--rm`).

pub mod attach;
mod detach;

pub use detach::{detach, Report, NAME};

use std::os::fd::AsRawFd;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::restart;
use crate::container::{self, log, state, Container};
use crate::process::exit;
use crate::sys;

/// Whether this process was started as a monitor: its name, as `detach` executes it, says so.
pub fn is_monitor() -> bool {
    std::env::args_os().next().is_some_and(|name| name == NAME)
}

/// A monitor's life, from its `exec` to the end of its container; returns its exit status.
pub fn main() -> u8 {
    // SAFETY: `detach` put the report pipe at this descriptor, for this process alone.
    let report = unsafe { OwnedFd::from_raw_fd(detach::REPORT_FD) };
    // Close-on-exec: the container must not inherit it, or the caller would wait for it too.
    let _ = nix::fcntl::fcntl(
        &report,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    );
    // The same for a client handed over at ATTACH_FD: it is the monitor's, never the container's.
    let first = attach::Server::first_client();
    sys::set_explain(std::env::var_os("MINIDOCK_EXPLAIN").is_some());
    if let Some(start) = std::env::var_os("MINIDOCK_EXPLAIN_CLOCK") {
        sys::set_explain_clock_from(&start);
    }
    // The kernel names a process after the file it executes, here `exe` (/proc/self/exe): the
    // monitor takes minidock's own name back, for `ps -e` and `top` (its arguments say the rest).
    let own = std::env::current_exe().ok().and_then(|path| {
        let name = path.file_name()?.as_bytes().to_vec();
        std::ffi::CString::new(name.into_iter().take(15).collect::<Vec<u8>>()).ok()
    });
    if let Some(own) = own {
        let _ = nix::sys::prctl::set_name(&own);
    }
    let id = std::env::args().nth(1).unwrap_or_default();
    let root = PathBuf::from(std::env::var_os("MINIDOCK_ROOT").unwrap_or_default());
    let started = start(&root, &id, first);
    let said = match &started {
        Ok(_) => Report::Started,
        Err(err) => Report::Failed {
            status: err.exit_status(),
            message: sys::chain(err),
        },
    };
    let _ = nix::unistd::write(&report, &said.encode());
    drop(report);
    let Ok((mut container, output, mut log)) = started else {
        return exit::FAILED;
    };
    // Reported: from now on nothing the monitor could say has a reader, and it holds nothing of
    // the caller's, not even its working directory.
    if let Ok(null) = sys::open("/dev/null", nix::fcntl::OFlag::O_RDWR) {
        let _ = sys::dup2(&null, 2);
    }
    let _ = std::env::set_current_dir("/");
    shed();
    let (mut output, mut step) = (output, 0);
    loop {
        let began = Instant::now();
        if container.wait_logging(output, &mut log).is_err() {
            return exit::FAILED;
        }
        // Its cgroup goes with it; its files stay, for the next start.
        drop(container);
        if !restarting(&root, &id, began.elapsed(), &mut step) {
            return 0;
        }
        let again = start(&root, &id, None);
        match again {
            Ok((next, pipes, _)) => {
                (container, output) = (next, pipes);
                shed();
            }
            Err(_) => return exit::FAILED,
        }
    }
}

/// After the container `id` has ended, having run for `ran`: whether its restart policy starts
/// it again. If so, it is `restarting` for the back-off's delay (the `step`th in a row), and
/// then claimed for the start; a `stop` meanwhile ends it all.
fn restarting(root: &Path, id: &str, ran: Duration, step: &mut u32) -> bool {
    let Ok(container) = state::load(root, id) else {
        return false;
    };
    let (policy, state) = (container.record.config.meta.restart, &container.state);
    if !restart::again(policy, state.exit_code, state.restart_count, state.stopped) {
        return false;
    }
    if ran >= restart::STEADY {
        *step = 0;
    }
    let delay = restart::delay(*step);
    *step += 1;
    let mut marked = false;
    let _ = state::update(&container.dir, |state| {
        if state.status == state::Status::Exited {
            state.status = state::Status::Restarting;
            state.restart_count += 1;
            marked = true;
        }
    });
    if !marked {
        return false;
    }
    // The delay, in short sleeps: a `stop` ends the restarting state, and the wait with it.
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10).min(delay));
        if !state::load(root, id).is_ok_and(|c| c.state.status == state::Status::Restarting) {
            return false;
        }
    }
    // Claimed under the lock: from now on a `stop` waits for it to run, and stops it then.
    let mut claimed = false;
    let _ = state::update(&container.dir, |state| {
        if state.status == state::Status::Restarting {
            state.status = state::Status::Created;
            claimed = true;
        }
    });
    claimed
}

/// Starts the container `id` of the store under `root`, its output going to two pipes: the
/// container, those pipes' reading ends, and its log.
fn start(
    root: &Path,
    id: &str,
    first: Option<OwnedFd>,
) -> container::Result<(Container, [OwnedFd; 2], log::Log)> {
    let dir = state::dir(root, id);
    // From now on this process answers for the container, not the `run -d` that started it.
    state::update(&dir, |state| state.monitor = state::Process::this())?;
    let config = state::load(root, id)?.record.config;
    // Where the output goes, as the log driver says: a syslog server that cannot be reached
    // fails the start, as with docker, before anything of the container exists.
    let log = log::Log::open(&config, &dir).map_err(container::Error::Setup)?;
    let mut container = Container::prepare(config, root)?;
    let (out_read, out_write) = sys::pipe()?;
    let (err_read, err_write) = sys::pipe()?;
    // With -i (and no terminal), its standard input is a pipe too, which the monitor writes what
    // attached clients type to; lent the same way. (The monitor's own is /dev/null.)
    let input = match container.config.meta.open_stdin && !container.config.process.terminal {
        true => Some(sys::pipe()?),
        false => None,
    };
    if let Some((read, _)) = &input {
        sys::dup2(read, 0)?;
    }
    // The container's first process inherits its standard output and error from the monitor at
    // the moment of clone(2): the pipes are lent as those, for that moment only.
    let lent = Lent::new(&out_write, &err_write)?;
    let spawned = container.spawn();
    drop(lent);
    if input.is_some() {
        sys::dup2(&sys::open("/dev/null", nix::fcntl::OFlag::O_RDONLY)?, 0)?;
    }
    let input = input.map(|(_, write)| write);
    drop((out_write, err_write));
    spawned?;
    container.set_up_from_outside()?;
    container.release()?;
    container.started()?;
    let output = serve(&dir, &mut container, [out_read, err_read], input, first)?;
    Ok((container, output, log))
}

/// Serves the attach socket while the container runs: with `-t`, the container's output is its
/// terminal's, read from the master, and what clients type is written to it.
fn serve(
    dir: &Path,
    container: &mut Container,
    pipes: [OwnedFd; 2],
    input: Option<OwnedFd>,
    first: Option<OwnedFd>,
) -> container::Result<[OwnedFd; 2]> {
    let terminal = container.terminal()?;
    let [out, err] = pipes;
    // The command writes to its terminal only: its pipes are at their end already.
    let output = match &terminal {
        Some(master) => [dup(master.as_raw_fd())?, err],
        None => [out, err],
    };
    let server = attach::Server::new(&attach::socket(dir), terminal, input, first)?;
    container.serve(Box::new(server));
    Ok(output)
}

/// Standard output and error lent to two pipes; given back when dropped.
struct Lent {
    saved: [OwnedFd; 2],
}

impl Lent {
    fn new(out: &OwnedFd, err: &OwnedFd) -> sys::Result<Lent> {
        let saved = [dup(1)?, dup(2)?];
        sys::dup2(out, 1)?;
        sys::dup2(err, 2)?;
        Ok(Lent { saved })
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let _ = sys::dup2(&self.saved[0], 1);
        let _ = sys::dup2(&self.saved[1], 2);
    }
}

/// A close-on-exec copy of descriptor `fd`.
fn dup(fd: i32) -> sys::Result<OwnedFd> {
    // SAFETY: a borrowed standard descriptor, copied at once.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    borrowed
        .try_clone_to_owned()
        .map_err(|err| sys::Error::Failed {
            call: format!("fcntl({fd}, F_DUPFD_CLOEXEC)"),
            errno: sys::errno_of(err),
        })
}

/// Lets go of the memory the start needed and the wait does not: the heap's free pages, and the
/// pages of the files mapped (the program's and its libraries' code and constants) that hold
/// nothing of the monitor's own. Such pages are the files' as they are on disk: the kernel
/// brings back from the page cache the few that the monitor's loop reads again. A page written
/// once (relocations, then made read-only) is the monitor's own, and its mapping is left alone.
fn shed() {
    // SAFETY: malloc_trim(3) only returns free heap memory to the kernel.
    unsafe { libc::malloc_trim(0) };
    let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else {
        return;
    };
    let mut mapping: Option<(usize, usize)> = None;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-') {
            // A mapping's heading: `START-END PERMS OFFSET DEV INODE PATH`.
            let perms = fields.next().unwrap_or("");
            let path = fields.nth(3).unwrap_or("");
            let range = usize::from_str_radix(start, 16)
                .ok()
                .zip(usize::from_str_radix(end, 16).ok());
            mapping = range
                .filter(|_| perms.ends_with('p') && !perms.contains('w') && path.starts_with('/'));
            continue;
        }
        if first == "Anonymous:" {
            if let (Some((start, end)), Some("0")) = (mapping.take(), fields.next()) {
                // SAFETY: a private, read-only mapping of a file, with no page of its own: its
                // pages are the file's, and dropping them loses nothing.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED)
                };
            }
        }
    }
}
