//! The setup handshake: how minidock and the container's first process keep in step.
//!
//! After `clone(2)` there are two processes that must take turns. Some setup can only be done
//! from outside the container, by minidock (later chapters: placing the child in its cgroups,
//! giving it a network interface); the rest only from inside, by the child itself (its host name,
//! its root filesystem). And minidock must learn whether the command really started, so it can
//! exit with docker's 125, 126 or 127 when it did not. They talk over a socket pair:
//!
//! ```text
//!   minidock (parent)                               container (child)
//!   ─────────────────                               ─────────────────
//!   socketpair()
//!   clone(CLONE_NEW*) ────────────────────────────▶ starts, in its new namespaces
//!   closes the container's end                      closes minidock's end
//!   setup from outside:                             recv() ... waits
//!     the child joins its cgroup
//!   send(Continue) ───────────────────────────────▶ recv() = Continue
//!                                                   setup from inside:
//!                                                     sethostname,
//!                                                     mount private,
//!                                                     pivot_root, /proc, /dev...,
//!                                                     setsid
//!                                                   execve(command)
//!   if execve succeeds, it closes the container's end (close-on-exec):
//!   recv() = end of file ◀───────────────────────── the command runs
//!   if anything fails, the child says why and exits:
//!   recv() = SetupFailed | ExecFailed ◀──────────── send(failure); exit(1)
//!   waitpid(child) ─▶ exit status
//! ```
//!
//! End-of-file is the success signal because the socket closes at the very moment `execve(2)`
//! succeeds, and not before. (A child that dies before it gets there closes it too; then
//! `waitpid` tells minidock how it died.)

use std::os::fd::{AsFd, AsRawFd, OwnedFd};

/// Errors of the handshake channel itself (not the failures it carries).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("handshake")]
    Sys(#[from] crate::sys::Error),
    #[error("handshake: unexpected message {0:?}")]
    Garbled(Vec<u8>),
}

pub type Result<T> = std::result::Result<T, Error>;

/// What minidock tells the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToContainer {
    /// The setup from outside is done: carry on with yours and start the command.
    Continue,
}

/// What the container tells minidock. It says nothing on success: see the module doc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToMinidock {
    /// Preparing the container failed before its command could start.
    SetupFailed { detail: String },
    /// The command itself could not be executed.
    ExecFailed { reason: ExecFailure, detail: String },
}

/// Why a command did not start, in docker's two classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecFailure {
    /// No such file, or no such command in `$PATH` (exit status 127).
    NotFound,
    /// The file is there but cannot be executed (exit status 126).
    NotExecutable,
}

// The wire format: one tag byte, then UTF-8 detail text. One message per datagram.
const CONTINUE: u8 = 1;
const SETUP_FAILED: u8 = 2;
const NOT_FOUND: u8 = 3;
const NOT_EXECUTABLE: u8 = 4;

impl ToContainer {
    fn encode(&self) -> Vec<u8> {
        match self {
            ToContainer::Continue => vec![CONTINUE],
        }
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        match bytes {
            [CONTINUE] => Ok(ToContainer::Continue),
            _ => Err(Error::Garbled(bytes.to_vec())),
        }
    }
}

impl ToMinidock {
    fn encode(&self) -> Vec<u8> {
        let (tag, detail) = match self {
            ToMinidock::SetupFailed { detail } => (SETUP_FAILED, detail),
            ToMinidock::ExecFailed {
                reason: ExecFailure::NotFound,
                detail,
            } => (NOT_FOUND, detail),
            ToMinidock::ExecFailed {
                reason: ExecFailure::NotExecutable,
                detail,
            } => (NOT_EXECUTABLE, detail),
        };
        // A datagram longer than the receiver's buffer would be cut short: keep the detail within
        // it (it holds a user-given command name), at a character boundary.
        let mut end = detail.len().min(MAX_MESSAGE - 1);
        while !detail.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = vec![tag];
        bytes.extend_from_slice(&detail.as_bytes()[..end]);
        bytes
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        let Some((&tag, rest)) = bytes.split_first() else {
            return Err(Error::Garbled(bytes.to_vec()));
        };
        let detail = String::from_utf8_lossy(rest).into_owned();
        match tag {
            SETUP_FAILED => Ok(ToMinidock::SetupFailed { detail }),
            NOT_FOUND => Ok(ToMinidock::ExecFailed {
                reason: ExecFailure::NotFound,
                detail,
            }),
            NOT_EXECUTABLE => Ok(ToMinidock::ExecFailed {
                reason: ExecFailure::NotExecutable,
                detail,
            }),
            _ => Err(Error::Garbled(bytes.to_vec())),
        }
    }
}

/// The largest message: `encode` keeps every message within it, so one buffer of this size
/// always holds one.
const MAX_MESSAGE: usize = 4096;

fn send_bytes(fd: &OwnedFd, bytes: &[u8]) -> Result<()> {
    Ok(crate::sys::send(fd.as_fd(), bytes, &name(bytes))?)
}

/// Receives one message; `None` means the other end is closed.
fn recv_bytes(fd: &OwnedFd) -> Result<Option<Vec<u8>>> {
    let mut buf = vec![0u8; MAX_MESSAGE];
    let received = crate::sys::recv(fd.as_fd(), &mut buf, name)?;
    Ok(received.map(|n| buf[..n].to_vec()))
}

/// What `--explain` calls a message on the wire.
fn name(bytes: &[u8]) -> String {
    match bytes.first() {
        Some(&CONTINUE) => "go-ahead".into(),
        Some(&SETUP_FAILED) => "setup failed".into(),
        Some(&NOT_FOUND) => "command not found".into(),
        Some(&NOT_EXECUTABLE) => "command not executable".into(),
        _ => format!("{bytes:?}"),
    }
}

/// minidock's end of the handshake.
pub struct MinidockEnd(OwnedFd);

/// The container's end of the handshake.
pub struct ContainerEnd(OwnedFd);

/// Creates the socket pair; hand [`ContainerEnd`] to the child and keep [`MinidockEnd`].
pub fn pair() -> Result<(MinidockEnd, ContainerEnd)> {
    let (minidock, container) = crate::sys::socketpair()?;
    Ok((MinidockEnd(minidock), ContainerEnd(container)))
}

impl AsRawFd for MinidockEnd {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0.as_raw_fd()
    }
}

impl MinidockEnd {
    pub fn send(&self, message: &ToContainer) -> Result<()> {
        send_bytes(&self.0, &message.encode())
    }

    /// The container's report: `None` (end of file) means its command is running.
    pub fn recv(&self) -> Result<Option<ToMinidock>> {
        recv_bytes(&self.0)?
            .map(|bytes| ToMinidock::decode(&bytes))
            .transpose()
    }
}

impl ContainerEnd {
    pub fn send(&self, message: &ToMinidock) -> Result<()> {
        send_bytes(&self.0, &message.encode())
    }

    /// minidock's next word: `None` means minidock is gone, and the child should give up.
    pub fn recv(&self) -> Result<Option<ToContainer>> {
        recv_bytes(&self.0)?
            .map(|bytes| ToContainer::decode(&bytes))
            .transpose()
    }

    /// Whether minidock's end is closed (minidock has died), without waiting: `poll(2)` reports
    /// a hang-up on the socket.
    pub fn peer_is_gone(&self) -> bool {
        use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
        let mut fds = [PollFd::new(self.0.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::ZERO) {
            Ok(_) => fds[0]
                .revents()
                .is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR)),
            // Unable to tell: carry on, as before this check existed.
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_to_minidock_survive_the_wire() {
        for message in [
            ToMinidock::SetupFailed {
                detail: "chroot(\"/x\"): no such file or directory".into(),
            },
            ToMinidock::ExecFailed {
                reason: ExecFailure::NotFound,
                detail: "exec \"nope\": executable file not found in $PATH".into(),
            },
            ToMinidock::ExecFailed {
                reason: ExecFailure::NotExecutable,
                detail: String::new(),
            },
        ] {
            assert_eq!(ToMinidock::decode(&message.encode()).unwrap(), message);
        }
    }

    #[test]
    fn continue_survives_the_wire() {
        let bytes = ToContainer::Continue.encode();
        assert_eq!(ToContainer::decode(&bytes).unwrap(), ToContainer::Continue);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(ToMinidock::decode(&[]).is_err());
        assert!(ToMinidock::decode(&[99, b'x']).is_err());
        assert!(ToContainer::decode(&[CONTINUE, 0]).is_err());
    }

    #[test]
    fn both_ends_talk_and_close_is_end_of_file() {
        let (minidock, container) = pair().unwrap();
        minidock.send(&ToContainer::Continue).unwrap();
        assert_eq!(container.recv().unwrap(), Some(ToContainer::Continue));
        let failure = ToMinidock::SetupFailed {
            detail: "boom".into(),
        };
        container.send(&failure).unwrap();
        assert_eq!(minidock.recv().unwrap(), Some(failure));
        drop(container);
        assert_eq!(minidock.recv().unwrap(), None);
    }
}
