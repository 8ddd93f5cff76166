//! An attached session: this process's terminal (or standard descriptors) connected to a
//! container's, until the container's side ends or the detach keys are typed.
//!
//! ```text
//!   stdin ─▶ detach keys? ─▶ link.input      link: the monitor's attach socket (attach, run -t)
//!   stdout ◀─────────────── link.receive     or the master itself (exec -t)
//!   SIGWINCH ─▶ the terminal's size ─▶ link.resize
//! ```

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{SigSet, Signal};

use super::keys::Detector;
use super::raw::Raw;
use crate::sys::{self, WindowSize};

/// What came from the container's side.
pub enum Received<'a> {
    /// Output, for standard output (`false`) or error (`true`).
    Output { stderr: bool, bytes: &'a [u8] },
    /// The container ended, with this status.
    Ended(u8),
    /// Nothing to show (a message of no interest).
    Nothing,
    /// The other side is gone.
    Gone,
}

/// The container's side of a session.
pub trait Link {
    /// Readable when something comes from the container's side.
    fn fd(&self) -> BorrowedFd<'_>;
    /// Reads what came, into `buf`.
    fn receive<'a>(&mut self, buf: &'a mut [u8]) -> Received<'a>;
    /// Typed input for the container.
    fn input(&mut self, bytes: &[u8]);
    /// The size of the terminal attached.
    fn resize(&mut self, size: WindowSize);
    /// The end of the input.
    fn close_input(&mut self);
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The container's side said it ended, with this status.
    Ended(u8),
    /// The detach keys were typed: the container runs on.
    Detached,
    /// The container's side is gone without a word.
    Lost,
    /// A signal ended the session (the container runs on): minidock exits with 128 + its number.
    Signalled(sys::Signo),
}

impl Outcome {
    /// The status a session that ended so gives minidock; the container's own if it ended.
    pub fn status(self) -> u8 {
        match self {
            Outcome::Ended(status) => status,
            Outcome::Detached | Outcome::Lost => 0,
            Outcome::Signalled(signal) => u8::try_from(128 + signal.0).unwrap_or(u8::MAX),
        }
    }
}

/// What a session attaches.
pub struct Session<'a> {
    /// This process's standard input goes to the container.
    pub stdin: bool,
    /// The container has a terminal: this one is put in raw mode, and its size follows.
    pub tty: bool,
    /// The detach keys, as bytes.
    pub keys: Vec<u8>,
    /// Where a signal this process receives goes, when the container has no terminal (docker's
    /// `--sig-proxy`).
    pub proxy: Option<&'a dyn Fn(sys::Signo)>,
}

impl Session<'_> {
    /// Copies between this process's standard descriptors and `link` until the container's side
    /// ends or the detach keys are typed.
    pub fn run(&self, link: &mut dyn Link) -> sys::Result<Outcome> {
        let stdin = std::io::stdin();
        let on_terminal = nix::unistd::isatty(&stdin).unwrap_or(false);
        // Raw mode, undone when `_raw` is dropped, however this function returns.
        let _raw = match self.tty && self.stdin && on_terminal {
            true => Some(Raw::enter(0)?),
            false => None,
        };
        let mut caught = SigSet::empty();
        for signal in [
            Signal::SIGWINCH,
            Signal::SIGINT,
            Signal::SIGTERM,
            Signal::SIGHUP,
            Signal::SIGQUIT,
        ] {
            caught.add(signal);
        }
        sys::block_signals(&caught)?;
        let mut signals = sys::signalfd(&caught)?;
        if self.tty {
            resize(link);
        }
        let mut detector = Detector::new(self.keys.clone());
        let mut reading = self.stdin;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let mut fds = vec![
                PollFd::new(link.fd(), PollFlags::POLLIN),
                PollFd::new(signals.as_fd(), PollFlags::POLLIN),
            ];
            if reading {
                fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
            }
            match nix::poll::poll(&mut fds, PollTimeout::NONE) {
                Err(nix::errno::Errno::EINTR) => continue,
                Err(errno) => {
                    return Err(sys::Error::Failed {
                        call: "poll(attached)".into(),
                        errno,
                    })
                }
                Ok(_) => {}
            }
            let ready: Vec<bool> = fds
                .iter()
                .map(|fd| fd.revents().is_some_and(|r| !r.is_empty()))
                .collect();
            drop(fds);
            if ready[0] {
                match link.receive(&mut buf) {
                    Received::Output {
                        stderr: false,
                        bytes,
                    } => {
                        let _ = write_all(std::io::stdout(), bytes);
                    }
                    Received::Output {
                        stderr: true,
                        bytes,
                    } => {
                        let _ = write_all(std::io::stderr(), bytes);
                    }
                    Received::Ended(status) => return Ok(Outcome::Ended(status)),
                    Received::Gone => return Ok(Outcome::Lost),
                    Received::Nothing => {}
                }
            }
            if ready[1] {
                let signal = sys::read_signal(&mut signals)?;
                if signal == sys::Signo::from(Signal::SIGWINCH) {
                    if self.tty {
                        resize(link);
                    }
                } else if let (Some(proxy), false) = (self.proxy, self.tty) {
                    proxy(signal);
                } else if self.tty && !self.stdin && signal == sys::Signo::from(Signal::SIGINT) {
                    // Ctrl-C in a terminal that is not raw (-t without -i): docker's client
                    // stays attached, and so does this one.
                } else {
                    return Ok(Outcome::Signalled(signal));
                }
            }
            if reading && ready[2] {
                let n = nix::unistd::read(stdin.as_fd(), &mut buf).unwrap_or(0);
                if n == 0 {
                    reading = false;
                    link.close_input();
                    continue;
                }
                let fed = detector.feed(&buf[..n]);
                if !fed.passed.is_empty() {
                    link.input(&fed.passed);
                }
                if fed.detach {
                    return Ok(Outcome::Detached);
                }
            }
        }
    }
}

/// Tells the link the size of this process's terminal.
fn resize(link: &mut dyn Link) {
    let size = sys::window_size(std::io::stdin().as_fd())
        .or_else(|| sys::window_size(std::io::stdout().as_fd()));
    if let Some(size) = size {
        link.resize(size);
    }
}

/// Writes all of `bytes`, at once.
fn write_all(mut to: impl Write, bytes: &[u8]) -> std::io::Result<()> {
    to.write_all(bytes)?;
    to.flush()
}

/// A terminal's master as the link: exec's, which minidock holds itself.
pub struct Master(pub std::os::fd::OwnedFd);

impl Link for Master {
    fn fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }

    fn receive<'a>(&mut self, buf: &'a mut [u8]) -> Received<'a> {
        match nix::unistd::read(self.0.as_fd(), buf) {
            Err(nix::errno::Errno::EINTR) => Received::Nothing,
            // EIO: the slave's last holder is gone.
            Ok(0) | Err(_) => Received::Gone,
            Ok(n) => Received::Output {
                stderr: false,
                bytes: &buf[..n],
            },
        }
    }

    fn input(&mut self, bytes: &[u8]) {
        let _ = write_fd(self.0.as_fd(), bytes);
    }

    fn resize(&mut self, size: WindowSize) {
        let _ = sys::set_window_size(self.0.as_fd(), size);
    }

    fn close_input(&mut self) {}
}

/// Writes all of `bytes` to `fd`.
pub fn write_fd(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> nix::Result<()> {
    while !bytes.is_empty() {
        match nix::unistd::write(fd, bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(nix::errno::Errno::EINTR) => {}
            Err(errno) => return Err(errno),
        }
    }
    Ok(())
}
