//! Failure messages that tell a learner what to do next: what was expected, what happened, and
//! where in the book to read.

use std::fmt::{Debug, Display};
use std::panic::Location;

use crate::Output;

/// A section of the book: a chapter and the title of a heading in it.
///
/// `cargo xtask verify` checks that every section a test names exists in the book.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub chapter: u32,
    pub title: &'static str,
}

impl Section {
    pub const fn new(chapter: u32, title: &'static str) -> Section {
        Section { chapter, title }
    }
}

/// Where the book explains each call of the container's setup. A setup that fails makes many
/// tests fail at once, whatever they were about; their reports then point here instead.
const SETUP_CALLS: &[(&str, Section)] = &[
    ("sethostname", Section::new(1, "Set the host name")),
    ("chroot", Section::new(1, "Change the root directory")),
    ("chdir", Section::new(1, "Change the root directory")),
    ("pivot_root", Section::new(3, "Pivot to the new root")),
    ("umount2", Section::new(3, "Pivot to the new root")),
    ("mknod", Section::new(3, "Create the device nodes")),
    ("chmod", Section::new(3, "Create the device nodes")),
];

/// `mount(2)` serves many steps: which one failed is told by its arguments.
const MOUNTS: &[(&str, Section)] = &[
    ("MS_PRIVATE", Section::new(3, "Make every mount private")),
    ("MS_BIND", Section::new(3, "Pivot to the new root")),
    ("\"/proc\"", Section::new(3, "Mount /proc")),
];

/// The setup call that failed, if minidock said "setting up the container: CALL(...)", where
/// the book explains it, and a word on the likely cause when one is known.
fn failed_setup_call(output: &Output) -> Option<(String, Section, Option<&'static str>)> {
    let after = output.stderr.split("setting up the container: ").nth(1)?;
    let line = after.lines().next().unwrap_or(after);
    let call = line.split('(').next()?;
    let section = if call == "mount" {
        MOUNTS
            .iter()
            .find(|(mark, _)| line.contains(mark))
            .map(|(_, section)| *section)
            .unwrap_or(Section::new(3, "Pivot to the new root"))
    } else {
        SETUP_CALLS.iter().find(|(name, _)| *name == call)?.1
    };
    let cause = CAUSES
        .iter()
        .find(|(name, error, _)| *name == call && line.ends_with(error))
        .map(|(_, _, cause)| *cause);
    Some((call.to_string(), section, cause))
}

/// The likely cause of a setup call's failure, by the call and the error minidock printed.
const CAUSES: &[(&str, &str, &str)] = &[
    (
        "pivot_root",
        "invalid argument",
        "pivot_root(2) refuses (EINVAL) while the mounts are shared: \"Make every mount private\" comes first (or, for an image on a filesystem of its own, it was not bound onto itself)",
    ),
    (
        "pivot_root",
        "device or resource busy",
        "pivot_root(2) refuses (EBUSY) a new root on the mount of the current one: bind the image onto itself and chdir into it, then pivot_root(\".\", \".\")",
    ),
    (
        "umount2",
        "no such file or directory",
        "the old root has no path of its own (ENOENT): pivot_root(\".\", \".\") stacks it on top of the new root, so umount2 of \".\" detaches it",
    ),
    (
        "umount2",
        "invalid argument",
        "nothing is mounted there (EINVAL): right after pivot_root(\".\", \".\"), the old root is the topmost mount at \".\", and that is what to detach, once",
    ),
    (
        "umount2",
        "device or resource busy",
        "the old root is busy (EBUSY): it can only be detached lazily, with MNT_DETACH",
    ),
];

/// A failed expectation, built up and then reported with [`Failure::fail`].
#[must_use = "call .fail() to report it"]
pub struct Failure {
    what: String,
    expected: Option<String>,
    got: Option<String>,
    hint: Option<String>,
    output: Option<Output>,
    section: Option<Section>,
}

impl Failure {
    /// `what` says what was wrong, e.g. "the host name inside the container".
    pub fn new(what: impl Into<String>) -> Failure {
        Failure {
            what: what.into(),
            expected: None,
            got: None,
            hint: None,
            output: None,
            section: None,
        }
    }

    /// Replaces what `new` was told: see [`Expectation::what`].
    fn what(mut self, what: impl Into<String>) -> Failure {
        self.what = what.into();
        self
    }

    pub fn expected(mut self, expected: impl Debug) -> Failure {
        self.expected = Some(format!("{expected:?}"));
        self
    }

    pub fn got(mut self, got: impl Debug) -> Failure {
        self.got = Some(format!("{got:?}"));
        self
    }

    /// Like [`Failure::expected`], for a description rather than a value (printed unquoted).
    pub fn expected_text(mut self, expected: impl Display) -> Failure {
        self.expected = Some(expected.to_string());
        self
    }

    /// Like [`Failure::got`], for a description rather than a value (printed unquoted).
    pub fn got_text(mut self, got: impl Display) -> Failure {
        self.got = Some(got.to_string());
        self
    }

    /// One sentence on the likely cause.
    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }

    /// The command whose behaviour was wrong, shown in full.
    pub fn output(mut self, output: &Output) -> Failure {
        self.output = Some(output.clone());
        self
    }

    pub fn section(mut self, section: Section) -> Failure {
        self.section = Some(section);
        self
    }

    /// The report, as the test prints it.
    pub fn message(&self) -> String {
        let mut text = format!("\n{}\n", self.what);
        if let Some(expected) = &self.expected {
            text += &format!("  expected: {expected}\n");
        }
        if let Some(got) = &self.got {
            text += &format!("  got:      {got}\n");
        }
        if let Some(hint) = &self.hint {
            text += &format!("  hint:     {hint}\n");
        }
        let mut section = self.section;
        if let Some(output) = &self.output {
            text += &output.describe();
            text += "\n";
            if let Some((call, book, why)) = failed_setup_call(output) {
                text += &format!(
                    "  cause:    minidock could not set up the container: {call} failed (stderr)\n"
                );
                if let Some(why) = why {
                    text += &format!("            {why}\n");
                }
                section = Some(book);
            }
        }
        if let Some(section) = &section {
            text += &format!(
                "  read:     the book, chapter {}, \"{}\"\n",
                section.chapter, section.title
            );
        }
        text
    }

    /// Fails the test with the report.
    ///
    /// The report is the whole story, so it is printed as it is, without the panic machinery's
    /// "thread panicked at" and backtrace around it; the test's own line closes it.
    #[track_caller]
    pub fn fail(self) -> ! {
        self.fail_at(Location::caller())
    }

    /// Like [`Failure::fail`], naming `at` as the test's line.
    fn fail_at(self, at: &Location) -> ! {
        // The test files are reached as ../../../tests/suite/...: show them from the repository.
        let file = at.file().rsplit("../").next().unwrap_or(at.file());
        let message = self.message();
        eprintln!("{message}  test:     {file}:{}\n", at.line());
        std::panic::resume_unwind(Box::new(message))
    }
}

/// One thing a test expects of a command, made by [`Output`]'s `expect_*` methods (or
/// [`Running::expect_line`](crate::Running::expect_line), [`check_eq`], [`check_at_most`]) and
/// checked when it is dropped: at the end of the statement that made it, once what is chained to it has said how
/// to report it.
///
/// ```ignore
/// out.expect_stdout("1", PID)
///     .what("the command's own pid, as it sees it")
///     .hint("a process born in a new PID namespace is pid 1 there");
/// ```
///
/// Whatever it expects, a failure is reported as a [`Failure`] is: what, expected, got, the
/// hint, the command with how it ended and what it printed, and the book's section (or, when
/// minidock could not set the container up, the section of the call that failed).
pub struct Expectation {
    /// The report, if the expectation is not met.
    failure: Option<Failure>,
    /// Where the test made it, named in the report.
    at: &'static Location<'static>,
}

impl Expectation {
    /// An expectation that `failure` reports, if it is `Some`: the test's line is the caller's.
    #[track_caller]
    pub(crate) fn new(failure: Option<Failure>) -> Expectation {
        Expectation {
            failure,
            at: Location::caller(),
        }
    }

    /// Says what the test looks at, in place of the expectation's own words: the report's
    /// first line.
    pub fn what(self, what: impl Into<String>) -> Expectation {
        self.map(|failure| failure.what(what))
    }

    /// Says what was expected in words, where the value alone would not tell a learner why.
    pub fn expected_text(self, expected: impl Display) -> Expectation {
        self.map(|failure| failure.expected_text(expected))
    }

    /// Says what happened in words, where the value alone would not tell a learner what it
    /// means.
    pub fn got_text(self, got: impl Display) -> Expectation {
        self.map(|failure| failure.got_text(got))
    }

    /// One sentence on the likely cause.
    pub fn hint(self, hint: impl Into<String>) -> Expectation {
        self.map(|failure| failure.hint(hint))
    }

    fn map(mut self, change: impl FnOnce(Failure) -> Failure) -> Expectation {
        self.failure = self.failure.take().map(change);
        self
    }

    /// The report it would print, without failing: for the harness's own tests.
    #[cfg(test)]
    pub(crate) fn report(mut self) -> Option<String> {
        self.failure.take().map(|failure| failure.message())
    }
}

impl Drop for Expectation {
    fn drop(&mut self) {
        // A test that is already failing has its report: a second would only bury it.
        if std::thread::panicking() {
            return;
        }
        if let Some(failure) = self.failure.take() {
            failure.fail_at(self.at);
        }
    }
}

/// Expects `got` to be `expected`: a value the test read after (or besides) the command `output`,
/// reported with it.
#[track_caller]
pub fn check_eq<E, G>(
    what: impl Into<String>,
    expected: E,
    got: G,
    output: &Output,
    section: Section,
) -> Expectation
where
    E: Debug + PartialEq<G>,
    G: Debug,
{
    Expectation::new((expected != got).then(|| {
        Failure::new(what)
            .expected(expected)
            .got(got)
            .output(output)
            .section(section)
    }))
}

/// Expects `got` to be at most `limit`: a measurement the test took of (or besides) the command
/// `output`, reported with it.
#[track_caller]
pub fn check_at_most<T>(
    what: impl Into<String>,
    limit: T,
    got: T,
    output: &Output,
    section: Section,
) -> Expectation
where
    T: Debug + PartialOrd,
{
    // Written so that what cannot be compared (NaN) fails too.
    let met = got <= limit;
    Expectation::new((!met).then(|| {
        Failure::new(what)
            .expected_text(format!("at most {limit:?}"))
            .got(got)
            .output(output)
            .section(section)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(stderr: &str) -> Option<(String, Section, Option<&'static str>)> {
        let output = Output {
            command: String::new(),
            status: Some(125),
            signal: None,
            stdout: String::new(),
            stderr: stderr.to_string(),
            timed_out: false,
        };
        failed_setup_call(&output)
    }

    #[test]
    fn mount_failures_point_where_their_step_is_explained() {
        let (_, section, _) = failed(
            "minidock: setting up the container: mount(\"proc\", \"/proc\", \"procfs\", MS_NOSUID, \"\"): no such device\n",
        )
        .unwrap();
        assert_eq!(section.title, "Mount /proc");
        let (_, section, _) =
            failed("minidock: setting up the container: mount(\"\", \"/\", \"\", MS_REC | MS_PRIVATE, \"\"): x\n")
                .unwrap();
        assert_eq!(section.title, "Make every mount private");
    }

    #[test]
    fn a_refused_pivot_says_why() {
        let (call, section, why) = failed(
            "minidock: setting up the container: pivot_root(\".\", \".\"): invalid argument\n",
        )
        .unwrap();
        assert_eq!(call, "pivot_root");
        assert_eq!(section.title, "Pivot to the new root");
        assert!(why.unwrap().contains("private"));
        let (_, _, why) = failed(
            "minidock: setting up the container: pivot_root(\".\", \".\"): device or resource busy\n",
        )
        .unwrap();
        assert!(why
            .unwrap()
            .contains("bind the image onto itself and chdir into it"));
        assert!(failed("minidock: image \"x\": no such directory\n").is_none());
    }

    #[test]
    fn a_failed_detach_of_the_old_root_says_where_it_is() {
        for (error, says) in [
            ("no such file or directory", "umount2 of \".\""),
            ("invalid argument", "topmost mount at \".\""),
            ("device or resource busy", "MNT_DETACH"),
        ] {
            let stderr = format!(
                "minidock: setting up the container: umount2(\"/.old-root\", MNT_DETACH): {error}\n"
            );
            let (call, section, why) = failed(&stderr).unwrap();
            assert_eq!(call, "umount2");
            assert_eq!(section.title, "Pivot to the new root");
            assert!(why.unwrap().contains(says), "{error}");
        }
    }
}
