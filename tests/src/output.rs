//! What a command did, and the expectations a test checks against it.
//!
//! Each `expect_*` method is one check, written as one statement, that fails the test with the
//! full report (see [`Expectation`]) unless it holds:
//!
//! ```ignore
//! out.expect_status(0, PID);
//! out.expect_stdout("1", PID)
//!     .what("the command's own pid, as it sees it")
//!     .hint("a process born in a new PID namespace is pid 1 there");
//! ```
//!
//! As with cargo's test support, what a command printed counts only if it succeeded: every
//! expectation on stdout also expects exit status 0.

use crate::{Expectation, Failure, Section};

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
    /// If it did: where its processes were when it gave up, one `PID STATE WAITING-IN COMMAND`
    /// each (what a hang was waiting for).
    pub hung_in: String,
}

impl Output {
    /// Its stdout without the final newline.
    pub fn stdout_trimmed(&self) -> &str {
        self.stdout.strip_suffix('\n').unwrap_or(&self.stdout)
    }

    /// How it ended, in words.
    pub fn ending(&self) -> String {
        match (self.timed_out, self.status, self.signal) {
            (true, _, _) if !self.hung_in.is_empty() => format!(
                "killed by the harness after its timeout (it hung; its processes then: {})",
                self.hung_in
            ),
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

    /// Expects the command to have exited with `code`, in time.
    #[track_caller]
    pub fn expect_status(&self, code: i32, section: Section) -> Expectation {
        let met = self.status == Some(code) && !self.timed_out;
        self.expect(met, section, || {
            Failure::new(format!("minidock should have exited with status {code}"))
                .expected_text(format!("exit status {code}"))
                .got_text(self.ending())
        })
    }

    /// Expects the command to have exited 0 and printed `text`, give or take a final newline.
    #[track_caller]
    pub fn expect_stdout(&self, text: &str, section: Section) -> Expectation {
        let met = self.succeeded() && self.stdout_trimmed() == text;
        self.expect(met, section, || {
            Failure::new("what the command wrote to stdout")
                .expected(text)
                .got_text(self.seen(self.stdout_trimmed()))
        })
    }

    /// Like [`Output::expect_stdout`], byte for byte: for a test about the newlines too.
    #[track_caller]
    pub fn expect_stdout_exactly(&self, text: &str, section: Section) -> Expectation {
        let met = self.succeeded() && self.stdout == text;
        self.expect(met, section, || {
            Failure::new("what the command wrote to stdout")
                .expected(text)
                .got_text(self.seen(&self.stdout))
        })
    }

    /// Expects the command to have exited 0 and printed the line `line`, among others.
    #[track_caller]
    pub fn expect_stdout_line(&self, line: &str, section: Section) -> Expectation {
        let met = self.succeeded() && self.stdout.lines().any(|l| l == line);
        self.expect(met, section, || {
            let lines: Vec<&str> = self.stdout.lines().collect();
            Failure::new("a line of what the command wrote to stdout")
                .expected(line)
                .got_text(self.seen(&lines))
        })
    }

    /// Expects the line `line` on stderr, among others.
    #[track_caller]
    pub fn expect_stderr_line(&self, line: &str, section: Section) -> Expectation {
        let lines: Vec<&str> = self.stderr.lines().collect();
        self.expect(lines.contains(&line), section, || {
            Failure::new("a line of what minidock wrote to stderr")
                .expected(line)
                .got(&lines)
        })
    }

    /// Expects `text` somewhere on stderr.
    #[track_caller]
    pub fn expect_stderr_contains(&self, text: &str, section: Section) -> Expectation {
        self.expect(self.stderr.contains(text), section, || {
            Failure::new("what minidock wrote to stderr")
                .expected_text(format!("stderr containing {text:?}"))
                .got(&self.stderr)
        })
    }

    /// Expects stderr to be one line, containing `text`: how minidock reports an error.
    #[track_caller]
    pub fn expect_stderr_one_line(&self, text: &str, section: Section) -> Expectation {
        let met = self.stderr.contains(text) && self.stderr.lines().count() == 1;
        self.expect(met, section, || {
            Failure::new("minidock's error message")
                .expected_text(format!("one line on stderr containing {text:?}"))
                .got(&self.stderr)
        })
    }

    /// Whether the command exited 0 (in time).
    fn succeeded(&self) -> bool {
        self.status == Some(0) && !self.timed_out
    }

    /// What the command printed, as a report's "got": with how it ended if it failed, since
    /// then that is the likelier story.
    fn seen(&self, printed: impl std::fmt::Debug) -> String {
        if self.succeeded() {
            format!("{printed:?}")
        } else {
            format!("{printed:?} ({})", self.ending())
        }
    }

    /// An expectation on this output, reported by `failure` unless `met`.
    #[track_caller]
    fn expect(
        &self,
        met: bool,
        section: Section,
        failure: impl FnOnce() -> Failure,
    ) -> Expectation {
        Expectation::new((!met).then(|| failure().output(self).section(section)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PID: Section = Section::new(2, "A new PID namespace");

    fn output(status: i32, stdout: &str, stderr: &str) -> Output {
        Output {
            command: "minidock run rootfs probe pid".into(),
            status: Some(status),
            signal: None,
            stdout: stdout.into(),
            stderr: stderr.into(),
            timed_out: false,
            hung_in: String::new(),
        }
    }

    #[test]
    fn a_met_expectation_reports_nothing() {
        let out = output(0, "1\n", "");
        assert_eq!(out.expect_status(0, PID).report(), None);
        assert_eq!(out.expect_stdout("1", PID).report(), None);
        assert_eq!(out.expect_stdout_exactly("1\n", PID).report(), None);
        assert_eq!(out.expect_stdout_line("1", PID).report(), None);
        assert_eq!(check_eq_report("1", "1", &out), None);
    }

    fn check_eq_report(expected: &str, got: &str, out: &Output) -> Option<String> {
        crate::check_eq("the pid", expected, got, out, PID).report()
    }

    #[test]
    #[should_panic]
    fn an_unmet_expectation_fails_the_test_where_it_is_written() {
        output(1, "", "").expect_status(0, PID);
    }

    #[test]
    fn an_unmet_expectation_reports_as_a_failure_written_out_does() {
        let out = output(0, "4711\n", "");
        let written_out = Failure::new("the command's own pid, as it sees it")
            .expected("1")
            .got("4711")
            .hint("a process born in a new PID namespace is pid 1 there")
            .output(&out)
            .section(PID)
            .message();
        let expectation = out
            .expect_stdout("1", PID)
            .what("the command's own pid, as it sees it")
            .hint("a process born in a new PID namespace is pid 1 there");
        assert_eq!(expectation.report(), Some(written_out));
        let written_out = Failure::new("the pid")
            .expected("1")
            .got("4711")
            .output(&out)
            .section(PID)
            .message();
        assert_eq!(check_eq_report("1", "4711", &out), Some(written_out));
    }

    #[test]
    fn a_bound_reports_as_a_failure_written_out_does() {
        let out = output(0, "", "");
        let within = |got: f64| crate::check_at_most("the share", 0.6, got, &out, PID).report();
        assert_eq!(within(0.6), None);
        assert!(within(f64::NAN).is_some());
        let written_out = Failure::new("the share")
            .expected_text("at most 0.6 of the wall time")
            .got_text("0.93 of it")
            .hint("no quota")
            .output(&out)
            .section(PID)
            .message();
        let expectation = crate::check_at_most("the share", 0.6, 0.93, &out, PID)
            .expected_text("at most 0.6 of the wall time")
            .got_text("0.93 of it")
            .hint("no quota");
        assert_eq!(expectation.report(), Some(written_out));
        let report = within(0.93).unwrap();
        assert!(
            report.contains("  expected: at most 0.6\n  got:      0.93\n"),
            "{report}"
        );
    }

    #[test]
    fn what_a_failed_command_printed_comes_with_how_it_ended() {
        let out = output(125, "", "minidock: no such image\n");
        let report = out.expect_stdout("1", PID).report().unwrap();
        assert!(
            report.contains("  got:      \"\" (exit status 125)\n"),
            "{report}"
        );
        let report = out.expect_status(0, PID).report().unwrap();
        assert!(report.contains("  expected: exit status 0\n  got:      exit status 125\n"));
    }

    #[test]
    fn a_failed_setup_call_points_every_expectation_to_its_section() {
        let out = output(
            125,
            "",
            "minidock: setting up the container: pivot_root(\".\", \".\"): invalid argument\n",
        );
        for report in [
            out.expect_status(0, PID).report(),
            out.expect_stdout("1", PID)
                .hint("a hint for a container that started")
                .report(),
            out.expect_stderr_contains("pid", PID).report(),
            check_eq_report("1", "", &out),
        ] {
            let report = report.unwrap();
            assert!(report.contains(
                "  cause:    minidock could not set up the container: pivot_root failed"
            ));
            // The test's own hint is about a container that started: beside the point.
            assert!(!report.contains("hint:"), "{report}");
            // EINVAL: the mounts are shared, which the step before the pivot fixes.
            assert!(
                report.ends_with("  read:     the book, chapter 3, \"Make every mount private\"\n"),
                "{report}"
            );
        }
    }

    #[test]
    fn stderr_expectations_show_what_was_written() {
        let out = output(125, "", "minidock: one\nminidock: two\n");
        let report = out.expect_stderr_one_line("one", PID).report().unwrap();
        assert!(
            report.contains("  got:      \"minidock: one\\nminidock: two\\n\"\n"),
            "{report}"
        );
        assert_eq!(out.expect_stderr_line("minidock: two", PID).report(), None);
        assert_eq!(out.expect_stderr_contains("two", PID).report(), None);
    }
}
