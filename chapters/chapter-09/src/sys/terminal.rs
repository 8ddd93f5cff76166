//! Terminals and the sockets that carry them: pseudo-terminal pairs, the controlling terminal,
//! modes and sizes, a descriptor sent to another process, and the monitor's attach socket.

use std::io::IoSlice;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use nix::errno::Errno;
use nix::sys::socket::{
    AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags, SockFlag, SockType, UnixAddr,
};
use nix::sys::termios::{self, SetArg, Termios};

use super::{call, Result};

/// `open("/dev/ptmx")`: a new pseudo-terminal pair of the devpts instance that `/dev/ptmx` leads
/// to, its master side; `O_NOCTTY`, so that opening it makes it nobody's controlling terminal.
pub fn open_ptmx() -> Result<OwnedFd> {
    call("open(\"/dev/ptmx\", O_RDWR | O_NOCTTY)".into(), "", || {
        nix::fcntl::open(
            "/dev/ptmx",
            nix::fcntl::OFlag::O_RDWR | nix::fcntl::OFlag::O_NOCTTY | nix::fcntl::OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        )
    })
}

/// `ioctl(master, TIOCSPTLCK, 0)`, unlockpt(3): the pair's slave side may be opened from now on.
pub fn unlockpt(master: BorrowedFd<'_>) -> Result<()> {
    call("ioctl(master, TIOCSPTLCK, 0)".into(), "", || {
        let unlock: libc::c_int = 0;
        // SAFETY: TIOCSPTLCK reads one int from the pointer given.
        Errno::result(unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSPTLCK, &unlock) })
            .map(drop)
    })
}

/// `ioctl(master, TIOCGPTPEER)`: the pair's slave side, opened through its master, never by a
/// path that something else could have put in its place (Linux 4.13).
pub fn open_peer(master: BorrowedFd<'_>) -> Result<OwnedFd> {
    call(
        "ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY)".into(),
        "",
        || {
            let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC;
            // SAFETY: TIOCGPTPEER takes open flags by value and returns a new descriptor.
            let fd = Errno::result(unsafe {
                libc::ioctl(master.as_raw_fd(), libc::TIOCGPTPEER, flags)
            })?;
            // SAFETY: a descriptor the kernel just made for this process alone.
            Ok(unsafe { OwnedFd::from_raw_fd(fd) })
        },
    )
}

/// `ioctl(fd, TIOCSCTTY, 0)`: the terminal becomes the controlling terminal of the calling
/// process's session, which must be new (`setsid`) and have none yet.
pub fn set_controlling_terminal(fd: BorrowedFd<'_>) -> Result<()> {
    call(
        format!("ioctl({}, TIOCSCTTY, 0)", fd.as_raw_fd()),
        "",
        || {
            // SAFETY: TIOCSCTTY takes an int by value (0: do not steal it from another session).
            Errno::result(unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCSCTTY, 0) }).map(drop)
        },
    )
}

/// `tcgetattr(3)`: a terminal's modes.
pub fn tcgetattr(fd: BorrowedFd<'_>) -> Result<Termios> {
    call(format!("tcgetattr({})", fd.as_raw_fd()), "stty -g", || {
        termios::tcgetattr(fd)
    })
}

/// `tcsetattr(3)`: sets a terminal's modes, `when` says when (now, or after the output drained).
pub fn tcsetattr(fd: BorrowedFd<'_>, when: SetArg, modes: &Termios) -> Result<()> {
    call(
        format!("tcsetattr({}, {when:?})", fd.as_raw_fd()),
        "",
        || termios::tcsetattr(fd, when, modes),
    )
}

/// A terminal's size in rows and columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowSize {
    pub rows: u16,
    pub cols: u16,
}

/// `ioctl(fd, TIOCGWINSZ)`: the size of the terminal `fd` is, if it is one.
pub fn window_size(fd: BorrowedFd<'_>) -> Option<WindowSize> {
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one winsize to the pointer given.
    let done = unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCGWINSZ, &mut size) };
    (done == 0).then_some(WindowSize {
        rows: size.ws_row,
        cols: size.ws_col,
    })
}

/// `ioctl(fd, TIOCSWINSZ)`: sets a terminal's size; the kernel sends SIGWINCH to its foreground
/// process group when it changes.
pub fn set_window_size(fd: BorrowedFd<'_>, size: WindowSize) -> Result<()> {
    call(
        format!(
            "ioctl({}, TIOCSWINSZ, {}x{})",
            fd.as_raw_fd(),
            size.rows,
            size.cols
        ),
        &format!("stty rows {} cols {}", size.rows, size.cols),
        || {
            let value = libc::winsize {
                ws_row: size.rows,
                ws_col: size.cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            // SAFETY: TIOCSWINSZ reads one winsize from the pointer given.
            Errno::result(unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCSWINSZ, &value) })
                .map(drop)
        },
    )
}

/// `sendmsg(2)` with `SCM_RIGHTS`: sends descriptor `fd` over the unix socket `socket`, so that
/// the receiving process gets a descriptor of its own for the same open file.
pub fn send_fd(socket: BorrowedFd<'_>, fd: BorrowedFd<'_>, what: &str) -> Result<()> {
    call(
        format!("sendmsg(console socket, SCM_RIGHTS [{what}])"),
        "",
        || {
            let fds = [fd.as_raw_fd()];
            let data = [0u8];
            nix::sys::socket::sendmsg::<()>(
                socket.as_raw_fd(),
                &[IoSlice::new(&data)],
                &[ControlMessage::ScmRights(&fds)],
                MsgFlags::MSG_NOSIGNAL,
                None,
            )
            .map(drop)
        },
    )
}

/// `recvmsg(2)` of a descriptor sent with `send_fd`; `None` if the other end closed without
/// sending one.
pub fn recv_fd(socket: BorrowedFd<'_>) -> Result<Option<OwnedFd>> {
    call("recvmsg(console socket, SCM_RIGHTS)".into(), "", || {
        let mut data = [0u8; 1];
        let mut space = nix::cmsg_space!([std::os::fd::RawFd; 1]);
        loop {
            let mut iov = [std::io::IoSliceMut::new(&mut data)];
            let received = nix::sys::socket::recvmsg::<()>(
                socket.as_raw_fd(),
                &mut iov,
                Some(&mut space),
                MsgFlags::MSG_CMSG_CLOEXEC,
            );
            let message = match received {
                Err(Errno::EINTR) => continue,
                other => other?,
            };
            for cmsg in message.cmsgs()? {
                if let ControlMessageOwned::ScmRights(fds) = cmsg {
                    if let Some(&fd) = fds.first() {
                        // SAFETY: the kernel installed this descriptor for this process.
                        return Ok(Some(unsafe { OwnedFd::from_raw_fd(fd) }));
                    }
                }
            }
            return Ok(None);
        }
    })
}

/// A `SOCK_SEQPACKET` unix socket listening at `path`, close-on-exec and non-blocking (accept
/// never waits).
pub fn listen_seqpacket(path: &std::path::Path) -> Result<OwnedFd> {
    call(format!("bind+listen({path:?})"), "", || {
        let fd = nix::sys::socket::socket(
            AddressFamily::Unix,
            SockType::SeqPacket,
            SockFlag::SOCK_CLOEXEC | SockFlag::SOCK_NONBLOCK,
            None,
        )?;
        nix::sys::socket::bind(fd.as_raw_fd(), &UnixAddr::new(path)?)?;
        nix::sys::socket::listen(&fd, nix::sys::socket::Backlog::new(16)?)?;
        Ok(fd)
    })
}

/// `accept4(2)` on a listening socket: a new connection, or `None` if none waits.
pub fn accept(listener: BorrowedFd<'_>) -> Result<Option<OwnedFd>> {
    match nix::sys::socket::accept4(listener.as_raw_fd(), SockFlag::SOCK_CLOEXEC) {
        // SAFETY: accept4(2) made this descriptor for this process alone.
        Ok(fd) => Ok(Some(unsafe { OwnedFd::from_raw_fd(fd) })),
        Err(Errno::EAGAIN | Errno::EINTR | Errno::ECONNABORTED) => Ok(None),
        Err(errno) => Err(super::Error::Failed {
            call: "accept4(attach socket)".into(),
            errno,
        }),
    }
}

/// A `SOCK_SEQPACKET` connection to the unix socket at `path`.
pub fn connect_seqpacket(path: &std::path::Path) -> Result<OwnedFd> {
    call(format!("connect({path:?})"), "", || {
        let fd = nix::sys::socket::socket(
            AddressFamily::Unix,
            SockType::SeqPacket,
            SockFlag::SOCK_CLOEXEC,
            None,
        )?;
        nix::sys::socket::connect(fd.as_raw_fd(), &UnixAddr::new(path)?)?;
        Ok(fd)
    })
}
