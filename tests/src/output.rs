//! What a command did, and the expectations a test checks against it.

use crate::{Failure, Section};

/// What a command did.
#[derive(Debug, Clone)]
pub struct Output {
    /// The command line, as you could type it (the binary by its file name).
    pub command: String,
    /// Its exit status, if it exited.
    pub status: Option<i32>,
    /// The signal that killed it, if one did.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Whether the harness killed it for taking too long.
    pub timed_out: bool,
}

impl Output {
    /// Its stdout without the final newline.
    pub fn stdout_trimmed(&self) -> &str {
        self.stdout.strip_suffix('\n').unwrap_or(&self.stdout)
    }

    /// How it ended, in words.
    pub fn ending(&self) -> String {
        match (self.timed_out, self.status, self.signal) {
            (true, _, _) => "killed by the harness after its timeout (it hung)".into(),
            (_, Some(code), _) => format!("exit status {code}"),
            (_, _, Some(signal)) => format!("killed by signal {signal}"),
            _ => "unknown".into(),
        }
    }

    /// A report of the whole run, for failure messages.
    pub fn describe(&self) -> String {
        let block = |text: &str| {
            if text.is_empty() {
                "(empty)".to_string()
            } else {
                text.trim_end().replace('\n', "\n            ")
            }
        };
        format!(
            "  ran:      {}\n  ended:    {}\n  stdout:   {}\n  stderr:   {}",
            self.command,
            self.ending(),
            block(&self.stdout),
            block(&self.stderr)
        )
    }

    /// Fails the test unless the command exited with `expected`.
    #[track_caller]
    pub fn expect_status(&self, expected: i32, section: Section) -> &Output {
        if self.status != Some(expected) || self.timed_out {
            Failure::new(format!(
                "minidock should have exited with status {expected}"
            ))
            .expected_text(format!("exit status {expected}"))
            .got_text(self.ending())
            .output(self)
            .section(section)
            .fail();
        }
        self
    }
}
