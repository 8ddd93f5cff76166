//! The freezer: every process of a cgroup stopped at once, where it stands, and let go again.
//! Unlike SIGSTOP, which a process may be sent one at a time (and its children keep running),
//! a frozen cgroup holds each process it has and every one it would start; and the processes
//! cannot tell, since no signal is involved.
//!
//! ```text
//!   cgroup v1: the freezer hierarchy              cgroup v2: every cgroup
//!   freezer.state   THAWED → FREEZING → FROZEN    cgroup.freeze   0 | 1
//!                   (write FROZEN or THAWED,       cgroup.events   frozen 0 | frozen 1
//!                    read until it says so)                        (read until it says so)
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Error, Result};
use crate::sys;

/// How long the kernel may take to stop every process: a process in the middle of a system
/// call stops when it leaves the kernel.
const PATIENCE: Duration = Duration::from_secs(5);

/// Freezes (`frozen`) or thaws the cgroup whose directories, one per tree, are `dirs`.
pub fn freeze(dirs: &[PathBuf], frozen: bool) -> Result<()> {
    if let Some(dir) = dirs.iter().find(|dir| dir.join("freezer.state").exists()) {
        return freeze_v1(dir, frozen);
    }
    if let Some(dir) = dirs.iter().find(|dir| dir.join("cgroup.freeze").exists()) {
        return freeze_v2(dir, frozen);
    }
    Err(Error::Layout(
        "no freezer: neither a v1 freezer hierarchy nor cgroup v2's cgroup.freeze".to_string(),
    ))
}

/// cgroup v1: the freezer hierarchy's `freezer.state`.
fn freeze_v1(dir: &Path, frozen: bool) -> Result<()> {
    let state = dir.join("freezer.state");
    // FROZEN or THAWED, the states' names; the kernel answers FREEZING while some process has
    // not stopped yet (it stops when it leaves the kernel), and writing again moves it on.
    let wanted = if frozen { "FROZEN" } else { "THAWED" };
    wait_until(
        &state,
        |now| now == wanted,
        || sys::write_file(&state, wanted),
    )
}

/// cgroup v2: `cgroup.freeze`, and `cgroup.events` to learn when it is done.
fn freeze_v2(dir: &Path, frozen: bool) -> Result<()> {
    // 1 or 0; cgroup.events says `frozen 1` once every process has stopped.
    let (value, done) = if frozen {
        ("1", "frozen 1")
    } else {
        ("0", "frozen 0")
    };
    sys::write_file(&dir.join("cgroup.freeze"), value)?;
    wait_until(
        &dir.join("cgroup.events"),
        |events| events.lines().any(|line| line == done),
        || Ok(()),
    )
}

/// Reads `file` until `done` says yes to what it holds, doing `again` before each read, for
/// up to `PATIENCE`.
fn wait_until(
    file: &Path,
    done: impl Fn(&str) -> bool,
    again: impl Fn() -> sys::Result<()>,
) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    let mut pause = Duration::from_micros(100);
    loop {
        again()?;
        let now = sys::read_file(file)?;
        if done(now.trim()) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(Error::Layout(format!(
                "{} still says {:?} after {} s",
                file.display(),
                now.trim(),
                PATIENCE.as_secs()
            )));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}
