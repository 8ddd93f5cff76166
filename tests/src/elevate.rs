//! Tests run containers, which takes root. As root they just run; a normal user's test process
//! re-runs itself through `sudo -n`, so `cargo test` works as it is in the workshop's VM.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// Variables that change how tests run or report, carried across `sudo`, which resets the rest.
const KEEP: &[&str] = &[
    "RUST_BACKTRACE",
    "RUST_TEST_THREADS",
    "RUST_TEST_NOCAPTURE",
    "RUST_TEST_TIME_UNIT",
    "NO_COLOR",
    "TERM",
    "MINIDOCK_TEST_SEED",
    "MINIDOCK_TEST_SLOWDOWN",
];

pub fn ensure_root(args: &[String]) {
    if nix::unistd::geteuid().is_root() {
        return;
    }
    let can_sudo = Command::new("sudo")
        .args(["-n", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !can_sudo {
        eprintln!(
            "error: these tests start containers and need root; run them as root, or give this \
             user passwordless sudo (`sudo -n true` failed)"
        );
        std::process::exit(1);
    }
    let exe = std::env::current_exe().expect("the test binary's own path");
    let vars = KEEP.iter().filter_map(|key| {
        std::env::var(key)
            .ok()
            .map(|value| format!("{key}={value}"))
    });
    // `sudo -n env VAR=... TEST-BINARY ARGS...`: the same test binary, with the same arguments,
    // as root. exec replaces this process, so its exit status is the tests' own.
    let err = Command::new("sudo")
        .arg("-n")
        .arg("env")
        .args(vars)
        .arg(exe)
        .args(&args[1..])
        .exec();
    eprintln!("error: re-running the tests through sudo: {err}");
    std::process::exit(1);
}
