//! Exit statuses, as `docker run` reports them.
//!
//! | status  | meaning                                                        |
//! |---------|----------------------------------------------------------------|
//! | 0..=124 | the command's own exit status                                  |
//! | 125     | minidock itself failed (bad option, missing image, setup error) |
//! | 126     | the command was found but could not be executed                |
//! | 127     | the command was not found                                      |
//! | 128 + N | the command was killed by signal N (137 = SIGKILL, 143 = SIGTERM) |
//!
//! A command may of course exit with 125..=255 itself; like docker, minidock passes that on as is.

use nix::sys::wait::WaitStatus;

use crate::handshake::ExecFailure;

/// minidock itself failed.
pub const FAILED: u8 = 125;

/// The status for a command that could not be started.
pub fn for_exec_failure(reason: ExecFailure) -> u8 {
    match reason {
        ExecFailure::NotExecutable => 126,
        ExecFailure::NotFound => 127,
    }
}

/// The status for a command that ended: its own, or 128 + the signal that killed it, as a shell
/// reports it.
pub fn for_wait_status(status: WaitStatus) -> Option<u8> {
    match status {
        WaitStatus::Exited(_, code) => Some(code as u8),
        WaitStatus::Signaled(_, signal, _) => Some(128u8.wrapping_add(signal as u8)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::Signal;
    use nix::unistd::Pid;

    #[test]
    fn exit_codes_pass_through() {
        let pid = Pid::from_raw(1);
        assert_eq!(for_wait_status(WaitStatus::Exited(pid, 42)), Some(42));
        assert_eq!(for_wait_status(WaitStatus::Exited(pid, 0)), Some(0));
    }

    #[test]
    fn signals_become_128_plus_n() {
        let pid = Pid::from_raw(1);
        let killed = WaitStatus::Signaled(pid, Signal::SIGKILL, false);
        assert_eq!(for_wait_status(killed), Some(137));
        let term = WaitStatus::Signaled(pid, Signal::SIGTERM, true);
        assert_eq!(for_wait_status(term), Some(143));
    }
}
