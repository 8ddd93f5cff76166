//! The workshop's test harness.
//!
//! Every chapter crate runs the same test files (`tests/suite/*.rs`) against its own binary. The
//! harness gives each test a [`Sandbox`]: a scratch directory with a fresh busybox root
//! filesystem, a state directory, and a private "host" (its own mount and UTS namespaces, kept
//! alive by a holder process) in which every minidock command of the test runs. Nothing a test
//! does, right or wrong, reaches the real host, and everything goes away when the test ends,
//! also when it fails.
//!
//! A chapter's test entry file is one line plus its test files:
//!
//! ```ignore
//! harness::setup!("minidock-01", chapter: 1);
//! #[path = "../../../tests/suite/scaffold.rs"]
//! mod scaffold;
//! ```

pub mod cgroups;
mod command;
mod elevate;
mod fixture;
pub mod images;
mod output;
mod probe;
pub mod procs;
pub mod random;
mod report;
mod sandbox;
mod terminal;

pub use command::{Run, Running};
pub use output::Output;
pub use report::{check_at_most, check_eq, Expectation, Failure, Section};
pub use sandbox::{Outside, Sandbox, FIREWALL_DRIVERS, STORAGE_DRIVERS};
pub use terminal::Terminal;

#[doc(hidden)]
pub use ctor;

use std::sync::OnceLock;

static BINARY: OnceLock<&'static str> = OnceLock::new();
static CHAPTER: OnceLock<u32> = OnceLock::new();

/// Declares which binary the tests of this crate run, and the chapter whose code it is, and
/// prepares the test process: it makes sure the tests run as root (re-running them through
/// `sudo -n` for a normal user) and builds the probe before any test starts.
#[macro_export]
macro_rules! setup {
    ($binary:literal, chapter: $chapter:literal) => {
        #[$crate::ctor::ctor(unsafe, crate_path = $crate::ctor)]
        fn minidock_harness_setup() {
            $crate::start(env!(concat!("CARGO_BIN_EXE_", $binary)), $chapter);
        }
    };
}

/// The environment variable that names another binary to test than the one the tests were built
/// for: another build of the same chapter.
pub const TEST_BINARY: &str = "MINIDOCK_TEST_BINARY";

/// Runs once, before the test harness's own `main`: see [`setup!`].
///
/// Whatever stops the tests from running at all (no busybox, no rustc, no root) is reported here
/// in one line, instead of once per test.
#[doc(hidden)]
pub fn start(binary: &'static str, chapter: u32) {
    let _ = CHAPTER.set(chapter);
    // The tests are black box: they run any build of the chapter's runtime. `cargo xtask verify`
    // runs one chapter's test binary against each of its mistake fixtures this way, rather than
    // build the same tests again for each.
    let binary = match std::env::var(TEST_BINARY) {
        Ok(other) if !other.is_empty() => Box::leak(other.into_boxed_str()),
        _ => binary,
    };
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| prepare(binary));
    std::panic::set_hook(quiet);
    if let Err(payload) = result {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown error");
        eprintln!("error: the tests cannot start: {message}");
        std::process::exit(1);
    }
}

fn prepare(binary: &'static str) {
    let _ = BINARY.set(binary);
    // Read from the kernel: this runs before `main`, possibly before std has seen argv.
    let args: Vec<String> = std::fs::read("/proc/self/cmdline")
        .map(|raw| {
            let raw = raw.strip_suffix(b"\0").unwrap_or(&raw);
            raw.split(|&b| b == 0)
                .map(|arg| String::from_utf8_lossy(arg).into_owned())
                .collect()
        })
        .unwrap_or_default();
    // Listing the tests (as IDEs and `cargo test -- --list` do) needs neither root nor the probe.
    if args.iter().any(|a| a == "--list") {
        return;
    }
    // Built before elevating, so the build stays owned by whoever runs cargo.
    let probe = probe::path();
    elevate::ensure_root(&args);
    // Now root, and still single-threaded: no test has started.
    fixture::prepare(probe);
    // SAFETY: atexit(3) with a function that takes and returns nothing, as it wants.
    unsafe { libc::atexit(remove_shared_cgroup_level) };
    // SAFETY: the same.
    unsafe { libc::atexit(report::tell_setup_failures) };
}

/// Removes the cgroup level every sandbox's cgroup parent is made in, `/minidock-test`, once the
/// test process ends: the sandboxes have removed their own below it by then. (Removing it between
/// tests, while another test's minidock may be making its cgroup in it, would race with it.)
extern "C" fn remove_shared_cgroup_level() {
    for tree in cgroups::trees() {
        let _ = std::fs::remove_dir(tree.join(cgroups::TEST_LEVEL.trim_start_matches('/')));
    }
}

/// The minidock binary under test.
pub fn binary() -> &'static str {
    BINARY
        .get()
        .expect("harness::setup!(...) missing from the test entry file")
}

/// The chapter whose code the binary under test is: a test shared by all chapters words its hint
/// for the runtime as it stands then (chapter 1's chroot is chapter 3's pivot_root).
pub fn chapter() -> u32 {
    *CHAPTER
        .get()
        .expect("harness::setup!(...) missing from the test entry file")
}
