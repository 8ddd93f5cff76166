//! Restart policies (`run --restart`): what the monitor does when the container's command ends.
//!
//! | policy            | starts it again                                                   |
//! |-------------------|-------------------------------------------------------------------|
//! | `no`              | never (the default)                                               |
//! | `on-failure[:N]`  | if it exited with a status other than 0, at most N times          |
//! | `always`          | whatever its status, until someone stops it                       |
//! | `unless-stopped`  | the same, for minidock (docker tells them apart when its daemon   |
//! |                   | restarts: an `always` container stopped by hand starts again)     |
//!
//! Between two starts the monitor waits, 100 ms the first time, twice as long each next time
//! (at most a minute), and 100 ms again after a run of 10 s or more: docker's back-off, which
//! keeps a command that fails at once from taking the machine.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A restart policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Restart {
    #[default]
    No,
    /// At most `max` restarts, if given.
    OnFailure {
        max: Option<u32>,
    },
    Always,
    UnlessStopped,
}

/// `--restart`'s value that docker would refuse.
#[derive(Debug, thiserror::Error)]
#[error("invalid restart policy: {0}")]
pub struct BadPolicy(pub String);

impl Restart {
    /// Parses `--restart`'s value, as docker writes it.
    pub fn parse(text: &str) -> Result<Restart, BadPolicy> {
        let bad = || BadPolicy(text.to_string());
        let (name, count) = match text.split_once(':') {
            Some((name, count)) => (name, Some(count)),
            None => (text, None),
        };
        let policy = match (name, count) {
            ("no" | "", None) => Restart::No,
            ("always", None) => Restart::Always,
            ("unless-stopped", None) => Restart::UnlessStopped,
            ("on-failure", None) => Restart::OnFailure { max: None },
            ("on-failure", Some(n)) => Restart::OnFailure {
                max: Some(n.parse().map_err(|_| bad())?),
            },
            _ => return Err(bad()),
        };
        Ok(policy)
    }

    /// docker's name for the policy, as `inspect` shows it.
    pub fn name(self) -> &'static str {
        match self {
            Restart::No => "no",
            Restart::OnFailure { .. } => "on-failure",
            Restart::Always => "always",
            Restart::UnlessStopped => "unless-stopped",
        }
    }

    /// The most restarts `on-failure` allows, docker's `MaximumRetryCount` (0 for none).
    pub fn max(self) -> u32 {
        match self {
            Restart::OnFailure { max } => max.unwrap_or(0),
            _ => 0,
        }
    }
}

/// The first wait between two starts, and the longest.
const FIRST_DELAY: Duration = Duration::from_millis(100);
const LONGEST_DELAY: Duration = Duration::from_secs(60);
/// A run at least this long starts the back-off over.
pub const STEADY: Duration = Duration::from_secs(10);

/// The wait before the start that follows `step` quick failures in a row (0 for the first).
pub fn delay(step: u32) -> Duration {
    FIRST_DELAY
        .saturating_mul(1u32.checked_shl(step).unwrap_or(u32::MAX))
        .min(LONGEST_DELAY)
}

/// Whether the monitor starts the container again, under `policy`, now that its command has
/// exited with `exit_code`, after `restarts` restarts already, and `stopped` if someone stopped
/// it (`stop`, `rm -f`).
pub fn again(policy: Restart, exit_code: i32, restarts: u32, stopped: bool) -> bool {
    // A container someone stopped stays stopped, whatever its policy; `on-failure` counts the
    // restarts, not the runs: `on-failure:2` runs a failing command three times.
    if stopped {
        return false;
    }
    match policy {
        Restart::No => false,
        Restart::Always | Restart::UnlessStopped => true,
        Restart::OnFailure { max } => exit_code != 0 && max.is_none_or(|max| restarts < max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_as_docker_writes_them() {
        assert_eq!(Restart::parse("no").unwrap(), Restart::No);
        assert_eq!(Restart::parse("always").unwrap(), Restart::Always);
        assert_eq!(
            Restart::parse("on-failure:3").unwrap(),
            Restart::OnFailure { max: Some(3) }
        );
        assert_eq!(
            Restart::parse("on-failure").unwrap(),
            Restart::OnFailure { max: None }
        );
        for bad in ["sometimes", "always:2", "on-failure:x", "on-failure:-1"] {
            assert!(Restart::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_delay_doubles_up_to_a_minute() {
        assert_eq!(delay(0), Duration::from_millis(100));
        assert_eq!(delay(3), Duration::from_millis(800));
        assert_eq!(delay(40), Duration::from_secs(60));
    }
}
