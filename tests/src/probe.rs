//! Building the probe (`tests/probe/probe.rs`): once per source version, with plain `rustc`.
//!
//! The probe must run in any root filesystem, so it is linked statically
//! (`-C target-feature=+crt-static`). It has no dependencies, so no nested cargo build is needed,
//! and the build is cached next to the test binaries under a name that includes a hash of the
//! source: a changed probe is rebuilt, an unchanged one never.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const SOURCE: &str = include_str!("../probe/probe.rs");
const SOURCE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/probe/probe.rs");

/// The path of the built probe on the host, building it first if needed.
pub fn path() -> &'static Path {
    static PROBE: OnceLock<PathBuf> = OnceLock::new();
    PROBE.get_or_init(build)
}

/// FNV-1a: a stable hash of the source, for the cache name.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn build() -> PathBuf {
    // The test binary is <target>/<profile>/deps/<name>: keep the probe beside the profile's output.
    let exe = std::env::current_exe().expect("the test binary's own path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .map(|profile| profile.join("minidock-test"))
        .expect("the test binary lives in a target directory");
    let flags = [
        "--edition",
        "2021",
        "-O",
        "-C",
        "target-feature=+crt-static",
        "-C",
        "strip=symbols",
    ];
    let out = dir.join(format!(
        "probe-{:016x}",
        hash(&(SOURCE.to_string() + &flags.join(" ")))
    ));
    if out.exists() {
        return out;
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let host = host_triple(&rustc);
    // Build under a private name and rename: test processes that build at the same time never
    // see half a file.
    let partial = dir.join(format!("probe.partial-{}", std::process::id()));
    let status = Command::new(&rustc)
        .args(flags)
        .args(["--target", &host, "--crate-name", "probe", "-o"])
        .arg(&partial)
        .arg(SOURCE_PATH)
        .status()
        .unwrap_or_else(|e| panic!("running {rustc} to build the probe: {e}"));
    assert!(status.success(), "building the probe with {rustc} failed");
    std::fs::rename(&partial, &out).expect("moving the built probe in place");
    // Older builds are of no more use.
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("probe-") && path != out {
            let _ = std::fs::remove_file(path);
        }
    }
    out
}

fn host_triple(rustc: &str) -> String {
    let out = Command::new(rustc)
        .arg("-vV")
        .output()
        .unwrap_or_else(|e| panic!("running {rustc} -vV: {e}"));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_string)
        .expect("rustc -vV names the host")
}
