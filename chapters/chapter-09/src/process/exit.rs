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

use crate::process::handshake::ExecFailure;
use crate::sys::Ended;

/// minidock itself failed.
pub const FAILED: u8 = 125;

/// docker's status for a command found but not executable, and for any failure to start an
/// `exec`'s command.
pub const CANNOT_EXECUTE: u8 = 126;

/// The status for a command that could not be started.
pub fn for_exec_failure(reason: ExecFailure) -> u8 {
    match reason {
        ExecFailure::NotExecutable => 126,
        ExecFailure::NotFound => 127,
    }
}

/// The status for a command that ended: its own, or 128 + the signal that killed it, as a shell
/// reports it.
pub fn for_ended(ended: Ended) -> u8 {
    match ended {
        Ended::Exited(code) => code as u8,
        Ended::Killed(signal) => 128u8.wrapping_add(signal as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_pass_through() {
        assert_eq!(for_ended(Ended::Exited(42)), 42);
        assert_eq!(for_ended(Ended::Exited(0)), 0);
        assert_eq!(for_ended(Ended::Exited(200)), 200);
    }

    #[test]
    fn signals_become_128_plus_n() {
        assert_eq!(for_ended(Ended::Killed(libc::SIGKILL)), 137);
        assert_eq!(for_ended(Ended::Killed(libc::SIGTERM)), 143);
        // Real-time signals too: SIGRTMIN+3 is how systemd is told to stop.
        assert_eq!(for_ended(Ended::Killed(libc::SIGRTMIN() + 3)), 128 + 37);
    }
}
