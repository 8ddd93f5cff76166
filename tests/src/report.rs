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
    ("\"/dev\"", Section::new(3, "Mount /dev")),
    (
        "\"/dev/pts\"",
        Section::new(3, "Mount the pseudo-terminals"),
    ),
    ("\"/sys\"", Section::new(3, "Mount /sys read-only")),
    ("\"/tmp\"", Section::new(3, "Mount /tmp")),
    ("\"overlay\"", Section::new(5, "Mount the image")),
];

/// The setup call that failed, if minidock said "setting up the container: CALL(...)", where
/// the book explains it, and a word on the likely cause when one is known.
fn failed_setup_call(output: &Output) -> Option<(String, Section, Option<&'static str>)> {
    if let Some(line) = setup_error(output, CGROUP_SETUP) {
        return Some(failed_cgroup_setup(line));
    }
    // The clone itself, refused: its stack (chapter 1).
    if let Some(line) = setup_error(output, STARTING) {
        if line.starts_with("clone(") {
            let why = "the child's stack: a buffer of STACK_SIZE bytes that minidock keeps until clone returns";
            return Some((
                "clone".into(),
                Section::new(1, "Clone the child"),
                Some(why),
            ));
        }
    }
    if let Some(line) = setup_error(output, NETWORK_SETUP) {
        return Some(failed_network_setup(line));
    }
    let line = setup_error(output, CONTAINER_SETUP)?;
    let call = line.split('(').next()?;
    if call == "mount" && line.starts_with("mount(\"tmpfs\"") {
        // A tmpfs anywhere but the container's own /dev and /tmp: one of `--tmpfs`.
        let own = MOUNTS.iter().any(|(mark, _)| line.contains(mark))
            || line.contains("\"/sys/fs/cgroup\"");
        if !own {
            let why = "a --tmpfs mount the kernel refused: flag words (nosuid, nodev, noexec, ro...) belong in mount(2)'s flags, and only the tmpfs's own KEY=VALUE options in its data";
            return Some((
                call.to_string(),
                Section::new(3, "Split the mount options"),
                Some(why),
            ));
        }
    }
    let mut section = if call == "mount" {
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
        .find(|cause| cause.call == call && line.ends_with(cause.error));
    if let Some(book) = cause.and_then(|cause| cause.section) {
        section = book;
    }
    Some((call.to_string(), section, cause.map(|cause| cause.why)))
}

/// What minidock says before the call that failed, when it could not set up the container.
const CONTAINER_SETUP: &str = "setting up the container: ";
/// The same, when it could not start the container's first process.
const STARTING: &str = "starting the container: ";
/// The same, when it could not set up the container's cgroup (chapter 4).
const CGROUP_SETUP: &str = "setting up the container's cgroup: ";
/// The same, when it could not set up the container's network (chapter 8).
const NETWORK_SETUP: &str = "setting up the container's network: ";

/// A failure to set up the container's network (chapter 8): the request or call that failed, by
/// the words minidock narrates it with, and where the book explains it.
fn failed_network_setup(line: &str) -> (String, Section, Option<&'static str>) {
    let request = line
        .split([':', '('])
        .next()
        .unwrap_or(line)
        .trim()
        .to_string();
    let (book, why) = if line.starts_with("RTM_NEWROUTE")
        && line.ends_with("network is unreachable")
    {
        (
            Section::new(8, "Give it an address"),
            Some("the gateway is on none of the container's subnets: the prefix of eth0's address makes the route to its subnet, and the gateway must be in it"),
        )
    } else if line.starts_with("RTM_NEWROUTE") {
        (Section::new(8, "The way out"), None)
    } else if line.starts_with("RTM_NEWADDR") {
        (Section::new(8, "Give it an address"), None)
    } else if line.starts_with("RTM_SETLINK") && line.contains(" master ") {
        (Section::new(8, "Plug it into the bridge"), None)
    } else if line.starts_with("RTM_SETLINK") {
        (
            Section::new(8, "Bring the links up"),
            Some("a request to change a link names it by its index, in the header"),
        )
    } else if line.starts_with("stacking ") {
        (
            Section::new(9, "A macvlan of the parent's"),
            Some("the macvlan is made in one request on the host: its kind and mode, its lower link (the parent, by index), and its name, address and namespace as a veth's peer has them"),
        )
    } else if line.starts_with("RTM_NEWLINK") || line.starts_with("RTM_GETLINK") {
        (
            Section::new(8, "Create the pair"),
            Some("the pair is made in one request: the host's end named here, its peer (eth0) born in the container's namespace"),
        )
    } else {
        (Section::new(8, "A namespace made ahead"), None)
    };
    (request, book, why)
}

/// The line of minidock's error after `prefix`, if it said that.
fn setup_error<'a>(output: &'a Output, prefix: &str) -> Option<&'a str> {
    let after = output.stderr.split(prefix).nth(1)?;
    Some(after.lines().next().unwrap_or(after))
}

/// A failure to set up the container's cgroup: chapter 4's, whatever the test was about, with
/// the likely cause when the error tells it.
fn failed_cgroup_setup(line: &str) -> (String, Section, Option<&'static str>) {
    let cause = CGROUP_CAUSES
        .iter()
        .find(|cause| line.contains(cause.file) && line.ends_with(cause.error));
    let section = cause.map_or(
        Section::new(4, "Put the container in its cgroup"),
        |cause| (cause.section)(),
    );
    (
        "the container's cgroup".to_string(),
        section,
        cause.map(|cause| cause.why),
    )
}

/// The likely cause of a failure to set up the container's cgroup, by the file written and the
/// error minidock printed.
struct CgroupCause {
    file: &'static str,
    error: &'static str,
    why: &'static str,
    /// Where the fix is explained: for some causes, in the section of the host's cgroup version.
    section: fn() -> Section,
}

const MAKE_V1: Section = Section::new(4, "Make the cgroup: cgroup v1");
const MAKE_V2: Section = Section::new(4, "Make the cgroup: cgroup v2");

fn make_v1() -> Section {
    MAKE_V1
}

fn make_of_this_host() -> Section {
    if crate::cgroups::is_v2() {
        MAKE_V2
    } else {
        MAKE_V1
    }
}

fn limits_v1() -> Section {
    Section::new(4, "Write the limits: cgroup v1")
}

const CGROUP_CAUSES: &[CgroupCause] = &[
    CgroupCause {
        file: "memory.memsw.limit_in_bytes",
        error: "invalid argument",
        why: "the kernel refuses (EINVAL, \"invalid argument\") a memory and swap limit below the memory limit: write memory.limit_in_bytes first, then memory.memsw.limit_in_bytes",
        section: limits_v1,
    },
    CgroupCause {
        file: "",
        error: "no space left on device",
        why: "a cpuset cgroup with no CPUs or no memory nodes takes no process (ENOSPC, \"no space left on device\"): on cgroup v1, every level of the path with an empty cpuset.cpus or cpuset.mems gets its parent's, from the top down",
        section: make_v1,
    },
    CgroupCause {
        file: "",
        error: "no such file or directory",
        why: "a file of the container's cgroup is missing (ENOENT): the cgroup is not made (in every hierarchy, on cgroup v1), or, on cgroup v2, a level above it does not hand the controller down in its cgroup.subtree_control",
        section: make_of_this_host,
    },
];

/// The likely cause of a setup call's failure, by the call and the error minidock printed.
struct Cause {
    call: &'static str,
    error: &'static str,
    why: &'static str,
    /// Where the fix is explained, when that is not the failing call's own section.
    section: Option<Section>,
}

const CAUSES: &[Cause] = &[
    Cause {
        call: "pivot_root",
        error: "invalid argument",
        why: "pivot_root(2) refuses (EINVAL) while the mounts are shared: \"Make every mount private\" comes first (or, if they are private, the new root is not a mount point: bind the image onto itself and chdir into it)",
        section: Some(Section::new(3, "Make every mount private")),
    },
    Cause {
        call: "pivot_root",
        error: "device or resource busy",
        why: "pivot_root(2) refuses (EBUSY) a new root on the mount of the current one: bind the image onto itself and chdir into it, then pivot_root(\".\", \".\")",
        section: None,
    },
    Cause {
        call: "umount2",
        error: "no such file or directory",
        why: "the old root has no path of its own (ENOENT): pivot_root(\".\", \".\") stacks it on top of the new root, so umount2 of \".\" detaches it",
        section: None,
    },
    Cause {
        call: "umount2",
        error: "invalid argument",
        why: "nothing is mounted there (EINVAL): right after pivot_root(\".\", \".\"), the old root is the topmost mount at \".\", and that is what to detach, once",
        section: None,
    },
    Cause {
        call: "umount2",
        error: "device or resource busy",
        why: "the old root is busy (EBUSY): it can only be detached lazily, with MNT_DETACH",
        section: None,
    },
    Cause {
        call: "mount",
        error: "no such file or directory",
        why: "the mount point does not exist (ENOENT): an image need not have /proc, /dev, /sys or /tmp, and a fresh tmpfs has no subdirectory at all. Create the directory first (`sys::mkdir_all`), then mount on it",
        section: None,
    },
    Cause {
        call: "mknod",
        error: "file exists",
        why: "the device node is there already (EEXIST), so /dev is not a fresh tmpfs: the nodes were made in the image's own /dev, before the tmpfs was mounted over it (and a previous run left them there). Mount the tmpfs on /dev first, and fill it only then",
        section: Some(Section::new(3, "Mount /dev")),
    },
    Cause {
        call: "mount",
        error: "device or resource busy",
        why: "the kernel will not mount that here (EBUSY): mounted before the pivot, it would land on the host's own /proc, /dev or /sys. The container's filesystems come after the pivot (`mounts::prepare`)",
        section: Some(Section::new(3, "Pivot to the new root")),
    },
];

/// The tests of this test process that failed because minidock could not set up the container:
/// each test's name, with its full report.
static SETUP_FAILURES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Tells, once, what the tests that failed on a setup error have in common: how many they are,
/// and the full report of the first of them by name (the order the test results are listed in,
/// whatever order the tests ran in). Runs when the test process ends, after the results.
pub(crate) extern "C" fn tell_setup_failures() {
    let mut failures = SETUP_FAILURES.lock().unwrap_or_else(|e| e.into_inner());
    failures.sort();
    let Some((first, report)) = failures.first() else {
        return;
    };
    let count = match failures.len() {
        1 => "1 test".to_string(),
        n => format!("{n} tests"),
    };
    eprintln!(
        "\n{count} failed because minidock could not set up the container: fix that first. The report of {first}, in full:\n{report}"
    );
}

thread_local! {
    /// The storage driver the test's sandbox runs minidock with, if it chose one: every report
    /// of the test names it.
    static STORAGE_DRIVER: std::cell::Cell<Option<&'static str>> = const { std::cell::Cell::new(None) };
}

/// Names `driver` in every report of the current test from now on (`None`: no more).
pub(crate) fn set_storage_driver(driver: Option<&'static str>) {
    STORAGE_DRIVER.with(|cell| cell.set(driver));
}

thread_local! {
    /// The same for the firewall driver.
    static FIREWALL_DRIVER: std::cell::Cell<Option<&'static str>> = const { std::cell::Cell::new(None) };
}

/// Names the firewall driver `driver` in every report of the current test from now on.
pub(crate) fn set_firewall_driver(driver: Option<&'static str>) {
    FIREWALL_DRIVER.with(|cell| cell.set(driver));
}

/// The report's lines naming the storage and firewall drivers the test chose, if it did.
fn driver_lines() -> String {
    let storage = STORAGE_DRIVER
        .with(|cell| cell.get())
        .map(|driver| format!("  driver:   {driver} (MINIDOCK_STORAGE_DRIVER={driver})\n"))
        .unwrap_or_default();
    let firewall = FIREWALL_DRIVER
        .with(|cell| cell.get())
        .map(|driver| format!("  firewall: {driver} (MINIDOCK_FIREWALL_DRIVER={driver})\n"))
        .unwrap_or_default();
    storage + &firewall
}

/// A failed expectation, built up and then reported with [`Failure::fail`].
#[must_use = "call .fail() to report it"]
pub struct Failure {
    what: String,
    expected: Option<String>,
    got: Option<String>,
    hint: Option<String>,
    /// Labelled lines of data the test gathered, e.g. `("orphan", "pid 4")`.
    notes: Vec<(String, String)>,
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
            notes: Vec::new(),
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

    /// A line of data the test gathered, under its own `label` (a word): what the command said,
    /// what the test saw. Not a hint, which says what may be wrong.
    pub fn note(mut self, label: &str, text: impl Display) -> Failure {
        self.notes.push((label.to_string(), text.to_string()));
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
    ///
    /// When minidock could not set up the container, the test's expectation is beside the
    /// point: the report then tells the failed call, its likely cause and its section of the book,
    /// and leaves out the test's own hint, meant for a container that started.
    pub fn message(&self) -> String {
        let setup = self.output.as_ref().and_then(failed_setup_call);
        let mut text = format!("\n{}\n{}", self.what, driver_lines());
        if let Some(expected) = &self.expected {
            text += &format!("  expected: {expected}\n");
        }
        if let Some(got) = &self.got {
            text += &format!("  got:      {got}\n");
        }
        for (label, note) in &self.notes {
            text += &format!("  {:<9} {note}\n", format!("{label}:"));
        }
        if let (Some(hint), None) = (&self.hint, &setup) {
            text += &format!("  hint:     {hint}\n");
        }
        let mut section = self.section;
        if let Some(output) = &self.output {
            text += &output.describe();
            text += "\n";
        }
        if let Some((call, book, why)) = setup {
            text += &match call.as_str() {
                "the container's cgroup" => {
                    "  cause:    minidock could not set up the container's cgroup (stderr)\n"
                        .to_string()
                }
                call => format!(
                    "  cause:    minidock could not set up the container: {call} failed (stderr)\n"
                ),
            };
            if let Some(why) = why {
                text += &format!("            {why}\n");
            }
            section = Some(book);
        }
        if let Some(section) = &section {
            text += &format!(
                "  read:     the book, chapter {}, \"{}\"\n",
                section.chapter, section.title
            );
        }
        text
    }

    /// The report in short, when minidock could not set up the container: many tests fail
    /// alike then, whatever they were about, and the full report is told once, at the end.
    fn setup_message(&self) -> Option<String> {
        let output = self.output.as_ref()?;
        let (_, section, _) = failed_setup_call(output)?;
        let (prefix, error) = [CONTAINER_SETUP, CGROUP_SETUP, NETWORK_SETUP]
            .into_iter()
            .find_map(|prefix| Some((prefix, setup_error(output, prefix)?)))?;
        let error = format!("{}{error}", &prefix[prefix.find("the").unwrap_or(0)..]);
        Some(format!(
            "\n{}\n{}  setup:    minidock could not set up {error}\n            (told in full after the test results, with how many tests failed alike)\n  read:     the book, chapter {}, \"{}\"\n",
            self.what, driver_lines(), section.chapter, section.title
        ))
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
        let test = format!("  test:     {file}:{}\n", at.line());
        let mut message = self.message();
        if let Some(short) = self.setup_message() {
            // Told in full once, when the test process ends: see `tell_setup_failures`.
            let name = std::thread::current()
                .name()
                .map_or_else(|| format!("{file}:{}", at.line()), str::to_string);
            SETUP_FAILURES
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((name, format!("{message}{test}")));
            message = short;
        }
        eprintln!("{message}{test}");
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
            hung_in: String::new(),
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
        let (_, section, _) = failed(
            "minidock: setting up the container: mount(\"devpts\", \"/dev/pts\", \"devpts\", MS_NOSUID, \"\"): invalid argument\n",
        )
        .unwrap();
        assert_eq!(section.title, "Mount the pseudo-terminals");
        // Mounted before the pivot, a filesystem lands on the host's: the pivot is at fault.
        let (_, section, _) = failed(
            "minidock: setting up the container: mount(\"sysfs\", \"/sys\", \"sysfs\", MS_RDONLY, \"\"): device or resource busy\n",
        )
        .unwrap();
        assert_eq!(section.title, "Pivot to the new root");
        // A tmpfs of --tmpfs, not one of the container's own.
        let (_, section, _) = failed(
            "minidock: setting up the container: mount(\"tmpfs\", \"/run\", \"tmpfs\", 0, \"nosuid\"): invalid argument\n",
        )
        .unwrap();
        assert_eq!(section.title, "Split the mount options");
        let (_, section, _) = failed(
            "minidock: setting up the container: mount(\"tmpfs\", \"/tmp\", \"tmpfs\", 0, \"\"): no such file or directory\n",
        )
        .unwrap();
        assert_eq!(section.title, "Mount /tmp");
    }

    #[test]
    fn a_setup_failure_is_told_in_short() {
        let output = Output {
            command: String::new(),
            status: Some(125),
            signal: None,
            stdout: String::new(),
            stderr:
                "minidock: setting up the container: umount2(\".\", MNT_DETACH): invalid argument\n"
                    .to_string(),
            timed_out: false,
            hung_in: String::new(),
        };
        let failure = Failure::new("the host name").hint("set it").output(&output);
        let short = failure.setup_message().unwrap();
        assert_eq!(short.lines().count(), 5, "{short}");
        assert!(short.contains("umount2(\".\", MNT_DETACH): invalid argument\n"));
        assert!(
            short.ends_with("chapter 3, \"Pivot to the new root\"\n"),
            "{short}"
        );
        assert!(Failure::new("x").setup_message().is_none());
    }

    #[test]
    fn a_cgroup_setup_failure_points_to_chapter_4_with_its_cause() {
        let (_, section, why) = failed(
            "minidock: setting up the container's cgroup: cgroup: write(\"/sys/fs/cgroup/memory/x/memory.memsw.limit_in_bytes\", \"134217728\"): invalid argument\n",
        )
        .unwrap();
        assert_eq!(section.title, "Write the limits: cgroup v1");
        assert!(why.unwrap().contains("memory.limit_in_bytes first"));
        let (_, section, why) = failed(
            "minidock: setting up the container's cgroup: cgroup: write(\"/sys/fs/cgroup/cpuset/x/cgroup.procs\", \"4\"): no space left on device\n",
        )
        .unwrap();
        assert_eq!(
            (section.chapter, section.title),
            (4, "Make the cgroup: cgroup v1")
        );
        assert!(why.unwrap().contains("cpuset"));
        let (_, section, why) =
            failed("minidock: setting up the container's cgroup: cgroup: x: permission denied\n")
                .unwrap();
        assert_eq!(section.chapter, 4);
        assert!(why.is_none());
    }

    #[test]
    fn data_is_labelled_as_what_it_is() {
        let report = Failure::new("the orphans")
            .note("orphan", "pid 4")
            .hint("reap them")
            .message();
        assert!(
            report.contains("  orphan:   pid 4\n  hint:     reap them\n"),
            "{report}"
        );
    }

    #[test]
    fn a_missing_mount_point_says_to_make_it() {
        let (call, section, why) = failed(
            "minidock: setting up the container: mount(\"proc\", \"/proc\", \"proc\", MS_NOSUID | MS_NODEV | MS_NOEXEC, \"\"): no such file or directory\n",
        )
        .unwrap();
        assert_eq!(call, "mount");
        assert_eq!(section.title, "Mount /proc");
        assert!(why.unwrap().contains("mkdir_all"));
    }

    #[test]
    fn a_device_node_made_twice_points_to_the_dev_mount() {
        let (call, section, why) = failed(
            "minidock: setting up the container: mknod(\"/dev/null\", S_IFCHR, makedev(1, 3)): file exists\n",
        )
        .unwrap();
        assert_eq!(call, "mknod");
        assert_eq!(section.title, "Mount /dev");
        assert!(why
            .unwrap()
            .contains("before the tmpfs was mounted over it"));
        // Any other failure of mknod is the device nodes' own.
        let (_, section, _) = failed(
            "minidock: setting up the container: mknod(\"/dev/null\", S_IFCHR, makedev(1, 3)): operation not permitted\n",
        )
        .unwrap();
        assert_eq!(section.title, "Create the device nodes");
    }

    #[test]
    fn a_refused_pivot_says_why() {
        let (call, section, why) = failed(
            "minidock: setting up the container: pivot_root(\".\", \".\"): invalid argument\n",
        )
        .unwrap();
        assert_eq!(call, "pivot_root");
        assert_eq!(section.title, "Make every mount private");
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
