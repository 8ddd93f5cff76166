//! A terminal for a test (chapter 7): a pseudo-terminal pair, minidock on its slave side as on
//! a terminal emulator's, the test typing into its master and reading the screen from it.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::termios::Termios;

/// minidock, running on a terminal of the test's.
pub struct Terminal {
    shown: String,
    child: Child,
    master: OwnedFd,
    /// Kept open by the test: the terminal's modes are read through it, and the screen never
    /// hangs up when minidock ends.
    slave: OwnedFd,
    screen: Vec<u8>,
    status: Option<i32>,
}

impl Terminal {
    pub(crate) fn spawn(mut command: Command, rows: u16, cols: u16) -> Terminal {
        let size = nix::pty::Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let pty = nix::pty::openpty(Some(&size), None).expect("openpty");
        let shown = crate::command::describe_command(&command);
        for (i, stdio) in [0, 1, 2]
            .map(|_| pty.slave.try_clone().expect("dup"))
            .into_iter()
            .enumerate()
        {
            match i {
                0 => command.stdin(Stdio::from(stdio)),
                1 => command.stdout(Stdio::from(stdio)),
                _ => command.stderr(Stdio::from(stdio)),
            };
        }
        // SAFETY: only async-signal-safe calls between fork and exec. The standard descriptors
        // are the slave by now: a session of its own, with the slave as its terminal, as a
        // shell in a terminal emulator has.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("starting {shown}: {e}"));
        Terminal {
            shown,
            child,
            master: pty.master,
            slave: pty.slave,
            screen: Vec::new(),
            status: None,
        }
    }

    /// minidock's pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The command line, for reports.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Types `text` (raw bytes: "\r" is Enter, "\x03" Ctrl-C).
    pub fn type_text(&mut self, text: &str) {
        let mut rest = text.as_bytes();
        while !rest.is_empty() {
            match nix::unistd::write(&self.master, rest) {
                Ok(n) => rest = &rest[n..],
                Err(nix::errno::Errno::EINTR) => {}
                Err(err) => panic!("typing into the test's terminal: {err}"),
            }
        }
    }

    /// Everything shown on the screen so far, as text.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen).into_owned()
    }

    /// The screen's length now: what comes after it is new.
    pub fn mark(&self) -> usize {
        self.screen.len()
    }

    /// What the screen shows after `mark`.
    pub fn since(&self, mark: usize) -> String {
        String::from_utf8_lossy(&self.screen[mark.min(self.screen.len())..]).into_owned()
    }

    /// Reads the screen until `text` shows after `mark`; false if `within` passes first, or
    /// minidock ends without showing it.
    pub fn wait_for(&mut self, text: &str, mark: usize, within: Duration) -> bool {
        // Stretched on a slow machine (MINIDOCK_TEST_SLOWDOWN), as a command's time limits are.
        let deadline = Instant::now() + crate::command::slowed(within);
        loop {
            if self.since(mark).contains(text) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.ended() {
                return false;
            }
            self.read(left.min(Duration::from_millis(50)));
        }
    }

    /// Whether minidock has ended (what it wrote last is read first).
    pub fn ended(&mut self) -> bool {
        self.status.is_some() || self.wait_exit(Duration::ZERO).is_some()
    }

    /// Reads what the screen gets within `within`.
    fn read(&mut self, within: Duration) {
        let millis = u16::try_from(within.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(self.master.as_fd(), PollFlags::POLLIN)];
        if !matches!(nix::poll::poll(&mut fds, PollTimeout::from(millis)), Ok(n) if n > 0) {
            return;
        }
        let mut buf = [0u8; 4096];
        if let Ok(n) = nix::unistd::read(self.master.as_fd(), &mut buf) {
            self.screen.extend_from_slice(&buf[..n]);
        }
    }

    /// Resizes the terminal, as a terminal emulator's window resized: the kernel sends SIGWINCH
    /// to its foreground process group.
    pub fn resize(&self, rows: u16, cols: u16) {
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCSWINSZ reads one winsize from the pointer given.
        unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &size) };
    }

    /// The terminal's modes now.
    pub fn modes(&self) -> Termios {
        nix::sys::termios::tcgetattr(&self.slave).expect("tcgetattr")
    }

    /// Waits (reading the screen) for minidock to end, at most `within`: its exit status (128 +
    /// the signal, if a signal ended it), or `None` if it still runs.
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.status {
                return Some(status);
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let code = status
                    .code()
                    .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
                self.status = Some(code);
                // What it wrote last.
                self.read(Duration::from_millis(20));
                return Some(code);
            }
            if Instant::now() >= deadline {
                return None;
            }
            self.read(Duration::from_millis(10));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.status.is_none() && self.child.try_wait().ok().flatten().is_none() {
            // SAFETY: kill(2) of the child this test started and has not reaped.
            unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGKILL) };
            let _ = self.child.wait();
        }
    }
}
