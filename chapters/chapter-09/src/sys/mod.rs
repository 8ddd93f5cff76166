//! Thin wrappers over the system calls minidock makes, one file per concern: processes and
//! signals (`process`), files and mounts (`fs`), namespaces (`namespaces`), and more as the
//! chapters need them.
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

//!
//! Nothing here knows about containers: `sys` uses no other module of minidock's.

mod fs;
mod namespaces;
mod netlink;
mod process;
mod socket;
mod terminal;

pub use fs::*;
pub use namespaces::*;
pub use netlink::{Message, Netlink};
pub use process::*;
pub use socket::*;
pub use terminal::*;

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use nix::errno::Errno;

/// A system call that failed, or that minidock would not make.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The kernel refused: which call, on what, and the kernel's answer.
    #[error("{call}: {}", describe(*.errno))]
    Failed {
        /// The call as `--explain` would print it, e.g. `chroot("/srv/rootfs")`.
        call: String,
        errno: Errno,
    },
    /// minidock refused, before asking the kernel: the call would reach beyond its containers.
    #[error("{call}: refused: {reason}")]
    Refused { call: String, reason: &'static str },
}

impl Error {
    /// The kernel's error number, if the kernel was asked.
    pub fn errno(&self) -> Option<Errno> {
        match self {
            Error::Failed { errno, .. } => Some(*errno),
            Error::Refused { .. } => None,
        }
    }
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
    /// The container's first process when it stays on as `--init`.
    Init = 2,
}

/// Turns the narration of `--explain` on or off for this process (and the ones it clones).
pub fn set_explain(on: bool) {
    EXPLAIN.store(on, Ordering::Relaxed);
}

/// Whether `--explain` narrates in this process: a monitor started from it narrates too.
pub fn explaining() -> bool {
    EXPLAIN.load(Ordering::Relaxed)
}

/// Stamps every narrated line with the time since `started` (the `MINIDOCK_EXPLAIN_CLOCK`
/// environment variable asks for it).
pub fn set_explain_clock(started: std::time::Instant) {
    let _ = CLOCK.set(started);
}

/// The clock's start, for the environment of a monitor started from this process
/// (`MINIDOCK_EXPLAIN_CLOCK=NANOSECONDS`): CLOCK_MONOTONIC's time then, which every process of
/// the host reads alike, so that the monitor's lines are stamped on the same clock as its
/// caller's.
pub fn explain_clock_start() -> Option<String> {
    let started = CLOCK.get()?;
    let now = monotonic_nanos()?;
    Some(now.checked_sub(started.elapsed().as_nanos())?.to_string())
}

/// Stamps this monitor's narration on its caller's clock: `value` is what
/// [`explain_clock_start`] gave it, or anything else for a clock of its own.
pub fn set_explain_clock_from(value: &std::ffi::OsStr) {
    let since = value
        .to_str()
        .and_then(|nanos| nanos.parse::<u128>().ok())
        .zip(monotonic_nanos())
        .and_then(|(start, now)| now.checked_sub(start))
        .and_then(|nanos| u64::try_from(nanos).ok())
        .map(std::time::Duration::from_nanos)
        .unwrap_or_default();
    let now = std::time::Instant::now();
    set_explain_clock(now.checked_sub(since).unwrap_or(now));
}

/// CLOCK_MONOTONIC's time, in nanoseconds: the clock `Instant` reads.
fn monotonic_nanos() -> Option<u128> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime(2) writes the timespec it is given, and nothing else.
    if unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) } != 0 {
        return None;
    }
    Some(u128::try_from(now.tv_sec).ok()? * 1_000_000_000 + u128::try_from(now.tv_nsec).ok()?)
}

/// Called once by the cloned child, so its calls are tagged `[container]`.
pub fn set_role(role: Role) {
    ROLE.store(role as u8, Ordering::Relaxed);
}

pub(super) fn explain(call: &str, shell: &str) {
    if !EXPLAIN.load(Ordering::Relaxed) {
        return;
    }
    let who = match ROLE.load(Ordering::Relaxed) {
        r if r == Role::Container as u8 => "[container]",
        r if r == Role::Init as u8 => "[init]",
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

/// Narrates, under `--explain`, a step made of many calls that are not narrated one by one (a
/// layer's copy), with the shell command that does the same.
pub fn narrate(step: &str, shell: &str) {
    explain(step, shell);
}

/// Narrates, under `--explain`, `input` handed to a program on its standard input (or to a
/// library's call, with the program that does the same as `shell`), as a here-document: the
/// command line, then the text as it is.
pub fn narrate_input(command: &str, shell: &str, input: &str) {
    if !explaining() {
        return;
    }
    explain(&format!("{command} <<'EOF'"), shell);
    let _ = writeln!(std::io::stderr(), "{input}EOF");
}

/// Tells the user something on stderr, as one line: `minidock: MESSAGE`, or `minidock init:
/// MESSAGE` from `--init`'s process. The one place minidock prints an error or a warning. Not
/// `eprintln!`, which panics (status 101) when stderr is closed: telling must never change what
/// minidock does.
pub fn tell(message: &dyn std::fmt::Display) {
    let who = if ROLE.load(Ordering::Relaxed) == Role::Init as u8 {
        "minidock init"
    } else {
        "minidock"
    };
    let _ = writeln!(std::io::stderr(), "{who}: {message}");
}

/// An error and its causes, as one line: `starting the container: clone(...): invalid argument`.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        text = format!("{text}: {err}");
        cause = err.source();
    }
    text
}

/// Runs one call: narrate it, make it, and name it in the error if it fails.
pub(super) fn call<T>(call: String, shell: &str, f: impl FnOnce() -> nix::Result<T>) -> Result<T> {
    explain(&call, shell);
    f().map_err(|errno| Error::Failed { call, errno })
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

/// The error number behind an error of Rust's standard library, for the calls made through it.
pub fn errno_of(err: std::io::Error) -> Errno {
    err.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
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
        let err = Error::Failed {
            call: "chroot(\"/nope\")".into(),
            errno: Errno::ENOENT,
        };
        assert_eq!(
            err.to_string(),
            "chroot(\"/nope\"): no such file or directory"
        );
    }
}
