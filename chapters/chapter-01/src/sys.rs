//! Thin wrappers over the system calls minidock makes.
//!
//! Every kernel operation that sets up the container goes through a function here (the handshake's
//! own `send`/`recv` and closes are left out, to keep the story readable). Each wrapper makes its
//! call and, when minidock runs with `--explain`, prints it together with the shell command that
//! does the same thing, so you can replay the container's setup by hand:
//!
//! ```text
//! + [container] sethostname("box")                     # like: hostname box
//! ```
//!
//! The `[minidock]` / `[container]` tag says which process made the call: the minidock command
//! you started, or the container's first process that it cloned.

use std::convert::Infallible;
use std::ffi::{CStr, CString};
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use nix::errno::Errno;
use nix::sched::CloneFlags;
use nix::sys::socket::{AddressFamily, SockFlag, SockType};
use nix::unistd::Pid;

/// A system call that failed: which call, on what, and the kernel's answer.
#[derive(Debug, thiserror::Error)]
#[error("{call}: {}", describe(*.errno))]
pub struct Error {
    /// The call as `--explain` would print it, e.g. `chroot("/srv/rootfs")`.
    pub call: String,
    pub errno: Errno,
}

pub type Result<T> = std::result::Result<T, Error>;

/// The kernel's description of an error number, lowercase like the rest of minidock's messages.
pub fn describe(errno: Errno) -> String {
    let text = errno.desc();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}

static EXPLAIN: AtomicBool = AtomicBool::new(false);
/// When set, each narrated line starts with the time since minidock started: how the benchmark
/// (`cargo xtask bench`) sees where a container start spends its time.
static CLOCK: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
static ROLE: AtomicU8 = AtomicU8::new(Role::Minidock as u8);

/// Which process is making calls: decides the tag `--explain` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Role {
    Minidock = 0,
    Container = 1,
}

/// Turns the narration of `--explain` on or off for this process (and the ones it clones).
pub fn set_explain(on: bool) {
    EXPLAIN.store(on, Ordering::Relaxed);
}

/// Stamps every narrated line with the time since `started` (the `MINIDOCK_EXPLAIN_CLOCK`
/// environment variable asks for it).
pub fn set_explain_clock(started: std::time::Instant) {
    let _ = CLOCK.set(started);
}

/// Called once by the cloned child, so its calls are tagged `[container]`.
pub fn set_role(role: Role) {
    ROLE.store(role as u8, Ordering::Relaxed);
}

fn explain(call: &str, shell: &str) {
    if !EXPLAIN.load(Ordering::Relaxed) {
        return;
    }
    let who = match ROLE.load(Ordering::Relaxed) {
        r if r == Role::Container as u8 => "[container]",
        _ => "[minidock]",
    };
    let line = match CLOCK.get() {
        Some(started) => format!(
            "+ {:>8.3} ms {who} {call}",
            started.elapsed().as_secs_f64() * 1000.0
        ),
        None => format!("+ {who} {call}"),
    };
    let line = if shell.is_empty() {
        line
    } else {
        format!("{line:<56} # like: {shell}")
    };
    // Not eprintln!, which panics when stderr is gone (`minidock --explain ... 2>&1 | head`):
    // narration must never change what minidock does.
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Runs one call: narrate it, make it, and name it in the error if it fails.
fn call<T>(call: String, shell: &str, f: impl FnOnce() -> nix::Result<T>) -> Result<T> {
    explain(&call, shell);
    f().map_err(|errno| Error { call, errno })
}

/// Quotes a word for a POSIX shell only when it needs it, so the `# like:` column stays readable.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

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

/// The `unshare(1)` option that asks for the same namespace as a `CLONE_NEW*` flag.
fn unshare_option(flag: CloneFlags) -> Option<&'static str> {
    Some(match flag {
        CloneFlags::CLONE_NEWUTS => "--uts",
        CloneFlags::CLONE_NEWPID => "--pid",
        CloneFlags::CLONE_NEWNS => "--mount",
        CloneFlags::CLONE_NEWIPC => "--ipc",
        CloneFlags::CLONE_NEWNET => "--net",
        CloneFlags::CLONE_NEWUSER => "--user",
        CloneFlags::CLONE_NEWCGROUP => "--cgroup",
        _ => return None,
    })
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
    call(format!("clone({})", names.join(" | ")), &shell, || {
        // SAFETY: the caller keeps both promises above. `stack` need only be valid during the
        // call: the child runs on its own copy of minidock's whole address space.
        unsafe { nix::sched::clone(child, stack, flags, Some(libc::SIGCHLD)) }
    })
}

/// `sethostname(2)`: sets the host name of the calling process's UTS namespace.
#[allow(dead_code)] // until your code calls it, in chapter 1
pub fn sethostname(name: &str) -> Result<()> {
    call(
        format!("sethostname({name:?})"),
        &format!("hostname {}", shell_quote(name)),
        || nix::unistd::sethostname(name),
    )
}

/// `chroot(2)`: makes `path` the root directory (`/`) of the calling process.
#[allow(dead_code)] // until your code calls it, in chapter 1
pub fn chroot(path: &Path) -> Result<()> {
    call(
        format!("chroot({path:?})"),
        &format!("chroot {}", shell_quote(&path.to_string_lossy())),
        || nix::unistd::chroot(path),
    )
}

/// `chdir(2)`: changes the calling process's working directory.
pub fn chdir(path: &Path) -> Result<()> {
    call(
        format!("chdir({path:?})"),
        &format!("cd {}", shell_quote(&path.to_string_lossy())),
        || nix::unistd::chdir(path),
    )
}

/// The error number behind an error of Rust's standard library, for the calls made through it.
pub fn errno_of(err: std::io::Error) -> Errno {
    err.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

/// `mkdir(2)` for `path` and each missing parent, like `mkdir -p`. Existing directories are fine.
pub fn mkdir_all(path: &Path) -> Result<()> {
    call(
        format!("mkdir_all({path:?})"),
        &format!("mkdir -p {}", shell_quote(&path.to_string_lossy())),
        || std::fs::create_dir_all(path).map_err(errno_of),
    )
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
                return Err(Error {
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

/// `signal(2)` and `sigprocmask(2)`: gives the command the signal state a program expects to
/// start with: every signal at its default action and none blocked.
///
/// A process keeps ignored signals and its signal mask across `execve(2)`. Rust programs ignore
/// SIGPIPE (so that writing to a closed pipe is an error, not death), and whoever started
/// minidock may have ignored others (`nohup` ignores SIGHUP): the command must inherit none of
/// that. `yes | head -1` relies on `yes` dying of SIGPIPE.
pub fn reset_signals() -> Result<()> {
    use nix::sys::signal::{signal, sigprocmask, SigHandler, SigSet, SigmaskHow, Signal};
    call(
        "signal(every signal, SIG_DFL); sigprocmask(SIG_SETMASK, {})".into(),
        "",
        || {
            for sig in Signal::iterator() {
                if matches!(sig, Signal::SIGKILL | Signal::SIGSTOP) {
                    continue; // their action cannot be changed
                }
                // SAFETY: restoring a default disposition installs no handler.
                unsafe { signal(sig, SigHandler::SigDfl) }?;
            }
            sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)
        },
    )
}

/// `kill(2)`: sends `signal` to process `pid`.
///
/// minidock only ever signals processes of its own containers, whose pids are above 1. Pid 1 is
/// the init of the PID namespace minidock runs in (your machine's, usually), and 0 or less names
/// process groups, even every process there is: those are refused.
pub fn kill(pid: Pid, signal: nix::sys::signal::Signal) -> Result<()> {
    if pid.as_raw() <= 1 {
        return Err(Error {
            call: format!("kill({pid}, {signal}) refused: minidock signals no pid below 2"),
            errno: Errno::EPERM,
        });
    }
    call(
        format!("kill({pid}, {signal})"),
        &format!("kill -{} {pid}", signal.as_str().trim_start_matches("SIG")),
        || nix::sys::signal::kill(pid, signal),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_leaves_plain_words_alone() {
        assert_eq!(shell_quote("/bin/sh"), "/bin/sh");
        assert_eq!(shell_quote("PATH=/bin:/usr/bin"), "PATH=/bin:/usr/bin");
    }

    #[test]
    fn shell_quote_quotes_spaces_and_quotes() {
        assert_eq!(shell_quote("echo hi"), "'echo hi'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn errors_name_the_call_and_read_lowercase() {
        let err = Error {
            call: "chroot(\"/nope\")".into(),
            errno: Errno::ENOENT,
        };
        assert_eq!(
            err.to_string(),
            "chroot(\"/nope\"): no such file or directory"
        );
    }
}
