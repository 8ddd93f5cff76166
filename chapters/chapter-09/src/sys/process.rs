//! Processes and signals: starting the container's processes, waiting for them, signalling them.

use std::convert::Infallible;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use nix::errno::Errno;
use nix::sched::CloneFlags;
use nix::sys::socket::{AddressFamily, MsgFlags, SockFlag, SockType};
use nix::unistd::Pid;

use super::namespaces::unshare_option;
use super::{call, explain, shell_quote, tell, Error, Result};

/// `socketpair(2)`: two connected sockets, one for each side of the setup handshake.
///
/// `SOCK_SEQPACKET` keeps message boundaries, so one `send` is one `recv`. `SOCK_CLOEXEC` closes
/// the container's end by itself when the container executes its command: minidock reads that
/// end-of-file as "the command is running" (see `handshake`).
pub fn socketpair() -> Result<(OwnedFd, OwnedFd)> {
    call(
        "socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC)".into(),
        "",
        || {
            nix::sys::socket::socketpair(
                AddressFamily::Unix,
                SockType::SeqPacket,
                None,
                SockFlag::SOCK_CLOEXEC,
            )
        },
    )
}

/// `send(2)`: one message on a socket of the handshake; `what` names it for `--explain`.
pub fn send(fd: BorrowedFd<'_>, bytes: &[u8], what: &str) -> Result<()> {
    call(format!("send(channel, {what})"), "", || {
        // MSG_NOSIGNAL: if the other side is gone, an error rather than a SIGPIPE.
        nix::sys::socket::send(fd.as_raw_fd(), bytes, MsgFlags::MSG_NOSIGNAL).map(drop)
    })
}

/// `recv(2)`: the next message on a socket of the handshake, into `buf`; `None` at end of file
/// (the other end is closed). It waits as long as it takes, so `--explain` narrates it once it
/// returns, with the message that came (`name` names it). Not an end of file: for minidock that
/// is the news that the command runs, and its line would race the command's own output.
pub fn recv(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    name: impl Fn(&[u8]) -> String,
) -> Result<Option<usize>> {
    let received = loop {
        match nix::sys::socket::recv(fd.as_raw_fd(), buf, MsgFlags::empty()) {
            Err(Errno::EINTR) => continue,
            other => break other,
        }
    };
    match received {
        Ok(0) => Ok(None),
        Ok(n) => {
            explain(&format!("recv(channel) = {}", name(&buf[..n])), "");
            Ok(Some(n))
        }
        Err(errno) => Err(Error::Failed {
            call: "recv(channel)".into(),
            errno,
        }),
    }
}

/// `clone(2)`: starts a child process running `child`, in the new namespaces `flags` asks for.
///
/// Unlike `fork(2)`, clone lets the child be born inside new namespaces, which matters for the PID
/// namespace: only a process created in it can be its pid 1. The child gets a copy of minidock's
/// memory, like after fork, and runs `child` on `stack`; its return value is its exit status.
/// `SIGCHLD` asks the kernel to notify minidock when the child ends, so `waitpid` works as usual.
///
/// # Safety
/// Two promises, as with `fork(2)` and more:
/// - minidock is single-threaded when it calls this (it never starts a thread): the child gets
///   only the calling thread, and would deadlock on any lock another thread held (the allocator's,
///   stdout's).
/// - `stack` is large enough for everything `child` does: it has no guard page, so overflowing it
///   would silently corrupt the child's copy of the heap instead of crashing. The child's setup is
///   short and never recurses deeply.
pub unsafe fn clone(
    child: Box<dyn FnMut() -> isize + '_>,
    stack: &mut [u8],
    flags: CloneFlags,
) -> Result<Pid> {
    let names: Vec<&str> = flags
        .iter_names()
        .map(|(name, _)| name)
        .chain(["SIGCHLD"])
        .collect();
    let options: Vec<&str> = flags.iter().filter_map(unshare_option).collect();
    let shell = if options.is_empty() {
        "a plain fork: ( COMMAND & )".to_string()
    } else {
        format!("unshare {} --fork", options.join(" "))
    };
    // The stack has no guard page: a child that overran it would corrupt its heap and die of
    // it at random. Refuse what surely is too small, rather than let that happen.
    const SMALLEST: usize = 64 << 10;
    if stack.len() < SMALLEST {
        return Err(Error::Refused {
            call: format!("clone({})", names.join(" | ")),
            reason: "the child's stack is smaller than 64 KiB, too small to run its setup on",
        });
    }
    call(format!("clone({})", names.join(" | ")), &shell, || {
        // SAFETY: the caller keeps both promises above. `stack` need only be valid during the
        // call: the child runs on its own copy of minidock's whole address space.
        unsafe { nix::sched::clone(child, stack, flags, Some(libc::SIGCHLD)) }
    })
}

/// `close_range(2)` with `CLOSE_RANGE_CLOEXEC`: marks every descriptor from `first` on
/// close-on-exec, so the command starts with only the ones below it (stdin, stdout, stderr).
pub fn close_range_on_exec(first: u32) -> Result<()> {
    call(
        format!("close_range({first}, ~0, CLOSE_RANGE_CLOEXEC)"),
        "",
        || {
            // SAFETY: close_range only changes flags of this process's descriptors.
            let ret = unsafe {
                libc::syscall(
                    libc::SYS_close_range,
                    first,
                    u32::MAX,
                    libc::CLOSE_RANGE_CLOEXEC,
                )
            };
            Errno::result(ret).map(drop)
        },
    )
}

/// `execve(2)`: replaces the calling process with `path`, run with `argv` and `envp`.
///
/// It only returns if the kernel refused; the error number says why.
pub fn execve(path: &CStr, argv: &[CString], envp: &[CString]) -> Result<Infallible> {
    let words = |list: &[CString]| -> Vec<String> {
        list.iter()
            .map(|s| shell_quote(&s.to_string_lossy()))
            .collect()
    };
    let mut shell = vec!["exec env -i".to_string()];
    shell.extend(words(envp));
    shell.push(shell_quote(&path.to_string_lossy()));
    shell.extend(words(argv).into_iter().skip(1));
    call(
        format!("execve({path:?}, {argv:?}, {} variables)", envp.len()),
        &shell.join(" "),
        || nix::unistd::execve(path, argv, envp),
    )
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited with this status.
    Exited(i32),
    /// This signal killed it (any signal, real-time ones included).
    Killed(i32),
}

/// `waitpid(2)`: waits until process `pid` ends and returns how it ended. It is narrated once it
/// returns, with the answer, since the wait itself lasts as long as the command runs.
pub fn waitpid(pid: Pid) -> Result<Ended> {
    match wait_for(pid.as_raw(), 0, "waitpid(child)")? {
        Some((_, ended)) => Ok(ended),
        None => unreachable!("a blocking waitpid returns only once the child has ended"),
    }
}

/// `waitpid(2)` with `WNOHANG`: how process `pid` ended, or `None` if it is still running.
pub fn try_waitpid(pid: Pid) -> Result<Option<Ended>> {
    Ok(wait_for(pid.as_raw(), libc::WNOHANG, "waitpid(child, WNOHANG)")?.map(|(_, ended)| ended))
}

/// `waitpid(-1, WNOHANG)`: collects any one child that has ended, whoever it is, or returns
/// `None` if none has (still running, or no children at all).
pub fn reap_any() -> Result<Option<(Pid, Ended)>> {
    match wait_for(-1, libc::WNOHANG, "waitpid(-1, WNOHANG)") {
        // No children left at all: nothing to reap.
        Err(Error::Failed {
            errno: Errno::ECHILD,
            ..
        }) => Ok(None),
        other => other,
    }
}

/// The one `waitpid(2)` loop behind the wrappers above; `None` when `WNOHANG` found nothing.
fn wait_for(pid: libc::pid_t, flags: libc::c_int, call: &str) -> Result<Option<(Pid, Ended)>> {
    let mut status = 0;
    let found = loop {
        // SAFETY: waitpid(2) only writes the status we own.
        let ret = unsafe { libc::waitpid(pid, &mut status, flags) };
        match Errno::result(ret) {
            Ok(0) => return Ok(None),
            Ok(found) => break Pid::from_raw(found),
            // A signal interrupted the wait; the child is still there.
            Err(Errno::EINTR) => continue,
            Err(errno) => {
                return Err(Error::Failed {
                    call: call.to_string(),
                    errno,
                })
            }
        }
    };
    // Decoded by hand rather than with nix's WaitStatus, which has no name for real-time
    // signals and would turn a command killed by one into an error.
    let ended = if libc::WIFSIGNALED(status) {
        Ended::Killed(libc::WTERMSIG(status))
    } else {
        Ended::Exited(libc::WEXITSTATUS(status))
    };
    let result = match ended {
        Ended::Exited(code) => format!("exited with {code}"),
        Ended::Killed(signal) => format!("killed by signal {signal}"),
    };
    let who = if pid == -1 {
        format!(" (pid {found})")
    } else {
        String::new()
    };
    explain(&format!("{call} = {result}{who}"), "wait");
    Ok(Some((found, ended)))
}

/// `rt_sigaction(2)`, for every signal: puts each back to its default action.
///
/// A process keeps the signals it ignores across `execve(2)` (handlers cannot survive it, ignoring
/// can). Rust programs ignore SIGPIPE (so that writing to a closed pipe is an error, not death),
/// and whoever started minidock may have ignored others (`nohup` ignores SIGHUP, and some
/// programs the real-time signals): the command must inherit none of that. `yes | head -1`
/// relies on `yes` dying of SIGPIPE.
pub fn default_signal_actions() -> Result<()> {
    call("signal(every signal, SIG_DFL)".into(), "", || {
        // The kernel's struct sigaction, all zeros: handler SIG_DFL, no flags, nothing masked.
        // Made by hand because libc refuses the two real-time signals it reserves for itself
        // (32 and 33), which may be ignored as well as any other.
        let default = [0u64; 4];
        for signo in 1..=libc::SIGRTMAX() {
            if signo == libc::SIGKILL || signo == libc::SIGSTOP {
                continue; // their action cannot be changed
            }
            // SAFETY: rt_sigaction(2) reads the zeroed struct above, which installs no handler;
            // the last argument is the size of the kernel's signal set, 64 bits.
            let ret = unsafe {
                libc::syscall(
                    libc::SYS_rt_sigaction,
                    signo,
                    default.as_ptr(),
                    std::ptr::null_mut::<u64>(),
                    8usize,
                )
            };
            Errno::result(ret)?;
        }
        Ok(())
    })
}

/// A signal by its number: any signal, the real-time ones included (nix's `Signal` names only the
/// standard ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signo(pub i32);

impl Signo {
    /// Its name: `SIGTERM`, or `SIGRTMIN+3` for a real-time signal.
    pub fn name(self) -> String {
        match nix::sys::signal::Signal::try_from(self.0) {
            Ok(signal) => signal.as_str().to_string(),
            Err(_) => format!("SIGRTMIN+{}", self.0 - libc::SIGRTMIN()),
        }
    }
}

impl Signo {
    /// A signal as docker reads one: `KILL`, `SIGKILL`, `kill` or `9`.
    pub fn parse(text: &str) -> Option<Signo> {
        if let Ok(number) = text.parse::<i32>() {
            return (1..=libc::SIGRTMAX())
                .contains(&number)
                .then_some(Signo(number));
        }
        let upper = text.to_ascii_uppercase();
        let name = if upper.starts_with("SIG") {
            upper
        } else {
            format!("SIG{upper}")
        };
        name.parse::<nix::sys::signal::Signal>()
            .ok()
            .map(Signo::from)
    }
}

impl From<nix::sys::signal::Signal> for Signo {
    fn from(signal: nix::sys::signal::Signal) -> Signo {
        Signo(signal as i32)
    }
}

/// `kill(2)`: sends `signal` to process `pid`.
///
/// minidock only ever signals processes of its own containers, whose pids are above 1. Pid 1 is
/// the init of the PID namespace minidock runs in (your machine's, usually), and 0 or less names
/// process groups, even every process there is: those are refused.
pub fn kill(pid: Pid, signal: impl Into<Signo>) -> Result<()> {
    let signal = signal.into();
    let name = signal.name();
    if pid.as_raw() <= 1 {
        let refused = Error::Refused {
            call: format!("kill({pid}, {name})"),
            reason: "minidock signals no pid below 2",
        };
        // A bug in minidock, which a caller may well ignore (a signal that finds no one is no
        // error): said here, once, so that it is seen.
        tell(&refused);
        return Err(refused);
    }
    call(
        format!("kill({pid}, {name})"),
        &format!("kill -{} {pid}", name.trim_start_matches("SIG")),
        || {
            // SAFETY: kill(2) only sends a signal; the pid is checked above.
            Errno::result(unsafe { libc::kill(pid.as_raw(), signal.0) }).map(drop)
        },
    )
}

/// `setsid(2)`: makes the calling process the leader of a new session and of a new process group,
/// with no controlling terminal.
pub fn setsid() -> Result<()> {
    call("setsid()".into(), "setsid", || {
        nix::unistd::setsid().map(drop)
    })
}

/// `prctl(PR_SET_PDEATHSIG)`: asks the kernel to send `signal` to the calling process when its
/// parent ends.
pub fn set_parent_death_signal(signal: nix::sys::signal::Signal) -> Result<()> {
    call(format!("prctl(PR_SET_PDEATHSIG, {signal})"), "", || {
        nix::sys::prctl::set_pdeathsig(signal)
    })
}

/// `sigprocmask(SIG_SETMASK)`: replaces the set of blocked signals, the signal mask, with
/// `signals`. The mask, like ignored signals, survives `execve(2)`.
pub fn set_signal_mask(signals: &nix::sys::signal::SigSet) -> Result<()> {
    use nix::sys::signal::{sigprocmask, SigmaskHow};
    call(
        format!("sigprocmask(SIG_SETMASK, {})", signal_set(signals)),
        "",
        || sigprocmask(SigmaskHow::SIG_SETMASK, Some(signals), None),
    )
}

/// A set of signals as `--explain` shows it: `{}`, `{SIGHUP, SIGTERM}`, or for a set of nearly
/// every signal, which reads better as what it leaves out, `every signal but {SIGPIPE}`.
fn signal_set(signals: &nix::sys::signal::SigSet) -> String {
    use nix::sys::signal::Signal;
    let missing: Vec<&str> = Signal::iterator()
        .filter(|s| !matches!(s, Signal::SIGKILL | Signal::SIGSTOP) && !signals.contains(*s))
        .map(|s| s.as_str())
        .collect();
    if missing.len() < 5 {
        format!("every signal but {{{}}}", missing.join(", "))
    } else {
        let names: Vec<&str> = signals.iter().map(|s| s.as_str()).collect();
        format!("{{{}}}", names.join(", "))
    }
}

/// `sigprocmask(SIG_BLOCK)`: holds back `signals`, which stay pending until read from a signalfd
/// or unblocked, instead of interrupting the process or killing it.
pub fn block_signals(signals: &nix::sys::signal::SigSet) -> Result<()> {
    call(
        format!("sigprocmask(SIG_BLOCK, {})", signal_set(signals)),
        "",
        || {
            nix::sys::signal::sigprocmask(
                nix::sys::signal::SigmaskHow::SIG_BLOCK,
                Some(signals),
                None,
            )
        },
    )
}

/// `signalfd(2)`: a descriptor from which the blocked `signals` are read one by one, like
/// messages, instead of arriving in a handler at any moment.
pub fn signalfd(signals: &nix::sys::signal::SigSet) -> Result<nix::sys::signalfd::SignalFd> {
    use nix::sys::signalfd::{SfdFlags, SignalFd};
    // The set is narrated as sigprocmask's is: a signalfd reads only the signals of its set.
    call(
        format!("signalfd({}, SFD_CLOEXEC)", signal_set(signals)),
        "",
        || SignalFd::with_flags(signals, SfdFlags::SFD_CLOEXEC),
    )
}

/// `read(2)` of a signalfd: waits for the next blocked signal, and returns its number.
pub fn read_signal(fd: &mut nix::sys::signalfd::SignalFd) -> Result<Signo> {
    loop {
        match fd.read_signal() {
            Ok(Some(info)) => return Ok(Signo(info.ssi_signo as i32)),
            Ok(None) | Err(Errno::EINTR) => continue,
            Err(errno) => {
                return Err(Error::Failed {
                    call: "read(signalfd)".into(),
                    errno,
                })
            }
        }
    }
}

/// `fork(2)`: a copy of the calling process; returns the child's pid in the parent, and `None`
/// in the child.
///
/// # Safety
/// As for `clone`: the caller is single-threaded.
pub unsafe fn fork() -> Result<Option<Pid>> {
    use nix::unistd::ForkResult;
    call("fork()".into(), "COMMAND &", || {
        // SAFETY: the caller is single-threaded (see above).
        match unsafe { nix::unistd::fork() }? {
            ForkResult::Parent { child } => Ok(Some(child)),
            ForkResult::Child => Ok(None),
        }
    })
}

/// `pidfd_open(2)` (Linux 5.3): a descriptor that names the process `pid` itself, not its number.
/// Once the process has ended and its pid is given to another, the descriptor still names the
/// process it was opened for: signals sent through it reach no other.
pub fn pidfd_open(pid: i32) -> Result<OwnedFd> {
    call(format!("pidfd_open({pid})"), "", || {
        // SAFETY: pidfd_open(2) takes a pid and flags, and returns a new descriptor or -1.
        let fd = Errno::result(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
        // SAFETY: the descriptor is new, and nobody else owns it.
        Ok(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd as i32) })
    })
}

/// `pidfd_send_signal(2)` (Linux 5.1): sends `signal` to the process `pidfd` names.
pub fn pidfd_send_signal(pidfd: BorrowedFd<'_>, signal: impl Into<Signo>) -> Result<()> {
    let signal = signal.into();
    let name = signal.name();
    call(format!("pidfd_send_signal(pidfd, {name})"), "", || {
        // SAFETY: the descriptor is valid; no siginfo is passed, as kill(2) passes none.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                pidfd.as_raw_fd(),
                signal.0,
                std::ptr::null::<libc::siginfo_t>(),
                0,
            )
        };
        Errno::result(ret).map(drop)
    })
}

/// `poll(2)` on a pidfd: waits up to `timeout` for the process to end; whether it has.
pub fn pidfd_wait(pidfd: BorrowedFd<'_>, timeout: std::time::Duration) -> Result<bool> {
    use nix::poll::{PollFd, PollFlags, PollTimeout};
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    call(format!("poll([pidfd], {ms} ms)"), "", || {
        let mut fds = [PollFd::new(pidfd, PollFlags::POLLIN)];
        loop {
            match nix::poll::poll(
                &mut fds,
                PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
            ) {
                Err(Errno::EINTR) => continue,
                other => return other.map(|ready| ready > 0),
            }
        }
    })
}

/// `pipe2(2)` with `O_CLOEXEC`: a pipe, its reading end first. Neither end survives an exec
/// unless it is moved to a descriptor of its own (`dup2`).
pub fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    call("pipe2(O_CLOEXEC)".into(), "", || {
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
    })
}

/// `open(2)` of a file this process uses itself (never one of a container's root).
pub fn open(path: &str, flags: nix::fcntl::OFlag) -> Result<OwnedFd> {
    call(format!("open({path:?})"), "", || {
        nix::fcntl::open(
            path,
            flags | nix::fcntl::OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        )
    })
}

/// `dup2(2)`: makes descriptor `to` a copy of `from`, without close-on-exec: this is how a
/// descriptor is passed to a program about to be executed, at a number it expects.
pub fn dup2(from: &impl std::os::fd::AsFd, to: i32) -> Result<()> {
    let fd = from.as_fd().as_raw_fd();
    call(format!("dup2({fd}, {to})"), "", || {
        // SAFETY: dup2(2) only changes the descriptor table; `to` is the caller's to give.
        Errno::result(unsafe { libc::dup2(fd, to) }).map(drop)
    })
}

/// `setgroups(2)`: the supplementary groups of the calling process.
pub fn setgroups(groups: &[nix::unistd::Gid]) -> Result<()> {
    call(format!("setgroups({groups:?})"), "", || {
        nix::unistd::setgroups(groups)
    })
}

/// `setgid(2)`.
pub fn setgid(gid: nix::unistd::Gid) -> Result<()> {
    call(format!("setgid({gid})"), "", || nix::unistd::setgid(gid))
}

/// `setuid(2)`.
pub fn setuid(uid: nix::unistd::Uid) -> Result<()> {
    call(format!("setuid({uid})"), "", || nix::unistd::setuid(uid))
}
