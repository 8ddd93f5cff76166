//! Attaching: how terminals connect to a container through its monitor.
//!
//! The monitor listens on a unix socket in the container's directory, `attach`. Each client
//! (`minidock attach`, `run -it`, `start -ai`) connects to it; the monitor copies what the
//! container writes to every client, and what any client types to the container's input, its
//! terminal's master. The client that starts a container (`run -it`) is connected before the
//! container starts, so that not a byte of its output is missed: it hands the monitor one end
//! of a socket pair, at descriptor [`ATTACH_FD`].
//!
//! ```text
//!   minidock attach ──┐  SOCK_SEQPACKET: one message per send,
//!   minidock attach ──┼─ ID/attach ─▶ monitor ─▶ master ═ slave ─▶ the container's command
//!   minidock run -it ─┘  (fd 4)          └─▶ the log
//! ```
//!
//! Each message starts with a byte that says what it is: from a client, typed input, a new
//! window size, or the end of its input; from the monitor, output (standard output or error)
//! and, last, the container's exit status.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use nix::sys::socket::MsgFlags;

use crate::container::log::Stream;
use crate::container::Serve;
use crate::sys::{self, WindowSize};
use crate::terminal::session::{write_fd, Link, Received};

/// The descriptor a client connected before the start is handed to the monitor at.
pub const ATTACH_FD: i32 = 4;

/// Set in the monitor's environment when a client waits at [`ATTACH_FD`].
pub const ATTACHED: &str = "MINIDOCK_ATTACHED";

// From a client.
const INPUT: u8 = 0;
const RESIZE: u8 = 1;
const CLOSE_INPUT: u8 = 2;
// From the monitor.
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const EXIT: u8 = 3;

/// The largest message: a read of output, and its kind.
const MESSAGE: usize = 32 * 1024;

/// The attach socket of the container whose directory is `dir`.
pub fn socket(dir: &Path) -> PathBuf {
    dir.join("attach")
}

/// A path to `path` short enough for a unix socket's address (108 bytes, with the state root's
/// own path in it; a container's directory alone has 64 digits): through a descriptor of its
/// directory, `/proc/self/fd/N/NAME`. The directory stays open while the path is used.
fn short(path: &Path) -> sys::Result<(OwnedFd, PathBuf)> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let name = path.file_name().unwrap_or_default();
    let fd = sys::open(
        &dir.to_string_lossy(),
        nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_DIRECTORY,
    )?;
    let short = PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd())).join(name);
    Ok((fd, short))
}

/// Connects to the attach socket at `path`.
pub fn connect(path: &Path) -> sys::Result<OwnedFd> {
    let (_dir, short) = short(path)?;
    sys::connect_seqpacket(&short)
}

/// The monitor's side: the listening socket, the clients, and the container's input.
pub struct Server {
    listener: OwnedFd,
    clients: Vec<OwnedFd>,
    /// Where typed input goes: the terminal's master.
    input: Option<OwnedFd>,
    /// The terminal, for its size.
    terminal: Option<OwnedFd>,
}

impl Server {
    /// Listens at `path` (a socket left there by an earlier start is replaced), for the
    /// container's `terminal` or, without one, its `input`; `first` is a client already
    /// connected.
    pub fn new(
        path: &Path,
        terminal: Option<OwnedFd>,
        input: Option<OwnedFd>,
        first: Option<OwnedFd>,
    ) -> sys::Result<Server> {
        let _ = std::fs::remove_file(path);
        let (_dir, short) = short(path)?;
        let listener = sys::listen_seqpacket(&short)?;
        let input = match &terminal {
            Some(master) => Some(dup(master.as_fd())?),
            None => input,
        };
        Ok(Server {
            listener,
            clients: first.into_iter().collect(),
            input,
            terminal,
        })
    }

    /// The client waiting at [`ATTACH_FD`], if the monitor was started with one.
    pub fn first_client() -> Option<OwnedFd> {
        std::env::var_os(ATTACHED)?;
        std::env::remove_var(ATTACHED);
        // SAFETY: the starting command put a socket at this descriptor for this process, and
        // said so in the environment.
        let fd = unsafe { OwnedFd::from_raw_fd(ATTACH_FD) };
        let _ = nix::fcntl::fcntl(
            &fd,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        );
        Some(fd)
    }

    fn message(&mut self, client: usize) -> bool {
        let mut buf = vec![0u8; MESSAGE + 1];
        let n = match nix::sys::socket::recv(
            self.clients[client].as_raw_fd(),
            &mut buf,
            MsgFlags::MSG_DONTWAIT,
        ) {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        match (buf[0], &buf[1..n]) {
            (INPUT, bytes) => {
                if let Some(input) = &self.input {
                    if write_fd(input.as_fd(), bytes).is_err() {
                        self.input = None;
                    }
                }
            }
            (RESIZE, [r1, r2, c1, c2]) => {
                if let Some(terminal) = &self.terminal {
                    let size = WindowSize {
                        rows: u16::from_be_bytes([*r1, *r2]),
                        cols: u16::from_be_bytes([*c1, *c2]),
                    };
                    let _ = sys::set_window_size(terminal.as_fd(), size);
                }
            }
            (CLOSE_INPUT, _) => {}
            _ => {}
        }
        true
    }
}

impl Serve for Server {
    fn watched(&self) -> Vec<BorrowedFd<'_>> {
        std::iter::once(self.listener.as_fd())
            .chain(self.clients.iter().map(AsFd::as_fd))
            .collect()
    }

    fn ready(&mut self, ready: &[usize]) {
        let mut gone = Vec::new();
        for &index in ready {
            if index > 0 && !self.message(index - 1) {
                gone.push(index - 1);
            }
        }
        for client in gone.into_iter().rev() {
            self.clients.remove(client);
        }
        if ready.contains(&0) {
            while let Ok(Some(client)) = sys::accept(self.listener.as_fd()) {
                self.clients.push(client);
            }
        }
    }

    fn output(&mut self, stream: Stream, bytes: &[u8]) {
        let kind = match stream {
            Stream::Stdout => STDOUT,
            Stream::Stderr => STDERR,
        };
        self.clients.retain(|client| {
            bytes
                .chunks(MESSAGE)
                .all(|chunk| send(client.as_fd(), kind, chunk).is_ok())
        });
    }

    fn ended(&mut self, status: u8) {
        for client in self.clients.drain(..) {
            let _ = send(client.as_fd(), EXIT, &[status]);
        }
    }
}

/// A client's connection to the monitor, as a session's link.
pub struct Client(pub OwnedFd);

impl Link for Client {
    fn fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }

    fn receive<'a>(&mut self, buf: &'a mut [u8]) -> Received<'a> {
        let n = nix::sys::socket::recv(self.0.as_raw_fd(), buf, MsgFlags::empty()).unwrap_or(0);
        match (n, buf.first()) {
            (0, _) => Received::Gone,
            (_, Some(&STDOUT)) => Received::Output {
                stderr: false,
                bytes: &buf[1..n],
            },
            (_, Some(&STDERR)) => Received::Output {
                stderr: true,
                bytes: &buf[1..n],
            },
            (2, Some(&EXIT)) => Received::Ended(buf[1]),
            _ => Received::Nothing,
        }
    }

    fn input(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(MESSAGE) {
            let _ = send(self.0.as_fd(), INPUT, chunk);
        }
    }

    fn resize(&mut self, size: WindowSize) {
        let mut bytes = size.rows.to_be_bytes().to_vec();
        bytes.extend_from_slice(&size.cols.to_be_bytes());
        let _ = send(self.0.as_fd(), RESIZE, &bytes);
    }

    fn close_input(&mut self) {
        let _ = send(self.0.as_fd(), CLOSE_INPUT, &[]);
    }
}

/// One message: its kind, then `bytes`.
fn send(socket: BorrowedFd<'_>, kind: u8, bytes: &[u8]) -> nix::Result<()> {
    let mut message = Vec::with_capacity(bytes.len() + 1);
    message.push(kind);
    message.extend_from_slice(bytes);
    nix::sys::socket::send(socket.as_raw_fd(), &message, MsgFlags::MSG_NOSIGNAL).map(drop)
}

/// A close-on-exec copy of `fd`.
fn dup(fd: BorrowedFd<'_>) -> sys::Result<OwnedFd> {
    fd.try_clone_to_owned().map_err(|err| sys::Error::Failed {
        call: format!("fcntl({}, F_DUPFD_CLOEXEC)", fd.as_raw_fd()),
        errno: sys::errno_of(err),
    })
}

/// Starts a monitor with `start` (a `detach`), with a client connected from the start: one end
/// of a socket pair lent to it at [`ATTACH_FD`], the other returned with the report.
pub fn hand_over<T, E: From<sys::Error>>(
    start: impl FnOnce() -> Result<T, E>,
) -> Result<(T, OwnedFd), E> {
    let (ours, theirs) = sys::socketpair()?;
    // Both above ATTACH_FD first: neither may be there already when it is lent.
    let (ours, theirs) = (above(ours, ATTACH_FD)?, above(theirs, ATTACH_FD)?);
    // Without close-on-exec at ATTACH_FD, so that the monitor's exec keeps it; taken back at once
    // once it has started.
    sys::dup2(&theirs, ATTACH_FD)?;
    drop(theirs);
    std::env::set_var(ATTACHED, "1");
    let started = start();
    std::env::remove_var(ATTACHED);
    // SAFETY: the descriptor lent above, this process's to close.
    drop(unsafe { OwnedFd::from_raw_fd(ATTACH_FD) });
    Ok((started?, ours))
}

/// `fd`, moved to a descriptor above `low` (close-on-exec).
fn above(fd: OwnedFd, low: i32) -> sys::Result<OwnedFd> {
    if fd.as_raw_fd() > low {
        return Ok(fd);
    }
    let moved = nix::fcntl::fcntl(&fd, nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(low + 1)).map_err(
        |errno| sys::Error::Failed {
            call: format!("fcntl({}, F_DUPFD_CLOEXEC)", fd.as_raw_fd()),
            errno,
        },
    )?;
    // SAFETY: a descriptor fcntl(2) just made for this process.
    Ok(unsafe { OwnedFd::from_raw_fd(moved) })
}
