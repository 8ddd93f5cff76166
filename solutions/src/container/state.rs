// [ch06 file]
//! The state store: what minidock knows of each container, on disk, where every minidock process
//! reads it and changes it. There is no daemon to ask: the files are the truth.
//!
//! ```text
//!   ROOT/containers/<id>/
//!   ├── config.json    what the container is: its configuration, written once
//!   ├── state.json     where it is in its life, rewritten at each step
//!   ├── lock           flock(2)ed by whoever changes state.json
//!   ├── <id>-json.log  the log of a detached container (see `log`)
//!   └── ...            its files (chapter 5's storage drivers)
//!   ROOT/names/<name> -> <id>
//! ```
//!
//! Every file is written whole, to a temporary name, then renamed over the old one: `rename(2)`
//! replaces it in one step, so a reader sees the old file or the new one, never half of one. A
//! change of state reads, changes and writes under the container's lock, so two minidock
//! processes never both change it from the same old state.
//!
//! A state may lie: a minidock killed with -9 changes nothing more. So whoever reads a container
//! checks its state against the kernel (`check`): a container said to run, whose monitor is gone,
//! has died with it; a container still being created, whose creator is gone, is swept away.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::sys;

use super::names;
// [ch07]
use super::events;
// [ch07 end]

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("No such container: {0}")]
    NoSuchContainer(String),
    #[error("multiple containers found with provided prefix: {0}")]
    Ambiguous(String),
    #[error(
        "Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You \
         have to remove (or rename) that container to be able to reuse that name."
    )]
    NameInUse { name: String, id: String },
    #[error("state of container {id}: {path:?}: {reason}")]
    File {
        id: String,
        path: PathBuf,
        reason: String,
    },
}

pub type Result<T> = std::result::Result<T, Error>;

/// The steps of a container's life, docker's names for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Recorded; its first process does not run yet.
    Created,
    /// Its command runs.
    Running,
    /// Its processes are frozen (`pause`), until `unpause`.
    Paused,
    /// Its command has ended, and its monitor is about to start it again (`--restart`).
    Restarting,
    /// Its command has ended; its files stay until `rm`.
    Exited,
}

impl Status {
    /// Whether its first process is there: running, or paused (docker's `Running` is true for
    /// a paused container too).
    pub fn is_running(self) -> bool {
        matches!(self, Status::Running | Status::Paused)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Restarting => "restarting",
            Status::Exited => "exited",
        }
    }
}

// [listing process]
/// A process, named so that its pid cannot be mistaken for a later process's: pids are reused,
/// start times are not (the time since boot, in clock ticks, `/proc/PID/stat`'s 22nd field).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Process {
    pub pid: i32,
    pub start: u64,
}

impl Process {
    /// This process.
    pub fn this() -> Process {
        Process::of(std::process::id() as i32).unwrap_or_default()
    }

    /// The process `pid`, as it is now; `None` if there is none.
    pub fn of(pid: i32) -> Option<Process> {
        Some(Process {
            pid,
            start: start_time(pid)?,
        })
    }

    /// Whether the process is still there, and still running: the same pid, started at the
    /// same time, and not a zombie (ended, waiting for its parent to collect it).
    pub fn alive(&self) -> bool {
        self.pid > 0
            && stat(self.pid).is_some_and(|(state, start)| start == self.start && state != 'Z')
    }
}

/// The start time of the process `pid`, from /proc/PID/stat; `None` if there is no such process.
pub fn start_time(pid: i32) -> Option<u64> {
    stat(pid).map(|(_, start)| start)
}

/// The state (`R`, `S`, `Z`...) and start time of the process `pid`, from /proc/PID/stat.
fn stat(pid: i32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces and parentheses: fields count from the
    // last `)`. The state is field 3, the start time field 22.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    Some((state, fields.nth(18)?.parse().ok()?))
}
// [listing end]

/// Where a container is in its life (state.json).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub status: Status,
    /// Its first process, on the host, while it runs.
    pub pid: Process,
    /// The process that is its parent and watches over it: a detached container's monitor, or
    /// the `minidock run` it runs in the foreground of.
    pub monitor: Process,
    pub exit_code: i32,
    /// Nanoseconds since the epoch; 0 for never.
    pub started_at: u128,
    pub finished_at: u128,
    /// Why it died, when nobody saw it end.
    pub error: String,
    /// Whether it is made for good: by `create`, or once it has started. A container still
    /// `created` that is not made belongs to the `run` making it, and goes if that run does.
    #[serde(default)]
    pub made: bool,
    /// How many times its monitor has started it again, by its restart policy.
    #[serde(default)]
    pub restart_count: u32,
    /// Whether someone stopped it (`stop`, `rm -f`): then its restart policy has no say.
    #[serde(default)]
    pub stopped: bool,
    // [ch08]
    /// What its network stack is attached to, while it runs.
    #[serde(default)]
    pub network: Option<crate::network::Attachment>,
    // [ch08 end]
    // [ch09]
    /// What it is connected to besides, while it runs (`network connect`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connected: Vec<crate::network::Attachment>,
    // [ch09 end]
}

/// What a container is, besides its configuration: docker's view of it (config.json).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub config: Config,
    /// Nanoseconds since the epoch.
    pub created: u128,
}

/// One container of the store, as read.
#[derive(Debug, Clone)]
pub struct Container {
    pub dir: PathBuf,
    pub record: Record,
    pub state: State,
}

impl Container {
    pub fn id(&self) -> &str {
        &self.record.config.id
    }

    pub fn name(&self) -> &str {
        &self.record.config.meta.name
    }

    /// The state root it is stored under (`ROOT/containers/ID`).
    pub fn root(&self) -> &Path {
        self.dir
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("/"))
    }
}

/// Now, in nanoseconds since the epoch.
pub fn now() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

/// A time of the store as RFC 3339 with nanoseconds, as docker shows times
/// (`2026-11-30T14:27:17.256603949Z`); docker's zero time for 0.
pub fn rfc3339(nanos: u128) -> String {
    if nanos == 0 {
        return "0001-01-01T00:00:00Z".to_string();
    }
    let time = UNIX_EPOCH + Duration::from_nanos(nanos as u64);
    let seconds = crate::image::config::rfc3339(time);
    format!(
        "{}.{:09}Z",
        seconds.trim_end_matches('Z'),
        nanos % 1_000_000_000
    )
}

/// The directory of the containers.
pub fn containers(root: &Path) -> PathBuf {
    root.join("containers")
}

/// The directory of the container `id`.
pub fn dir(root: &Path, id: &str) -> PathBuf {
    containers(root).join(id)
}

const CONFIG: &str = "config.json";
const STATE: &str = "state.json";
const LOCK: &str = "lock";

/// Records a new container, `created`, its creator this process: makes its directory with its
/// state in it (in one step, by a rename), takes its name (or makes one up, if it has none), then writes its configuration. The
/// directory comes before the name, so that a name whose container's directory is missing is
/// known to be left over (see `names::claim`); the configuration last, with the name in it: a
/// container without one is not finished, and goes if its creator has gone.
pub fn create(root: &Path, config: &Config) -> Result<Container> {
    let id = &config.id;
    let dir = dir(root, id);
    std::fs::create_dir_all(containers(root)).map_err(|e| file_error(id, &dir, e))?;
    let mut config = config.clone();
    let mut named = false;
    let made = (|| {
        let state = State {
            status: Status::Created,
            pid: Process::default(),
            monitor: Process::this(),
            exit_code: 0,
            started_at: 0,
            finished_at: 0,
            error: String::new(),
            made: false,
            restart_count: 0,
            stopped: false,
            network: None,         // [ch08]
            connected: Vec::new(), // [ch09]
        };
        // The directory appears with its state in it: made under a temporary name that says
        // who makes it, then renamed. A directory without a state would say nothing of whether
        // its maker still lives; a temporary one whose maker is gone is swept (`list`).
        let temporary = containers(root).join(format!(
            ".{id}.{}-{}",
            std::process::id(),
            state.monitor.start
        ));
        std::fs::create_dir(&temporary).map_err(|e| file_error(id, &temporary, e))?;
        let moved = write(id, &temporary.join(STATE), &state)
            .and_then(|()| std::fs::rename(&temporary, &dir).map_err(|e| file_error(id, &dir, e)));
        if moved.is_err() {
            let _ = std::fs::remove_dir_all(&temporary);
        }
        moved?;
        if config.meta.name.is_empty() {
            config.meta.name = names::claim_made_up(root, id)?;
        } else {
            names::claim(root, &config.meta.name, id)?;
        }
        named = true;
        let record = Record {
            config: config.clone(),
            created: now(),
        };
        write(id, &dir.join(CONFIG), &record)?;
        Ok(Container {
            dir: dir.clone(),
            record,
            state,
        })
    })();
    if made.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
        if named {
            names::release(root, &config.meta.name, id);
        }
    }
    // [ch07]
    if let Ok(container) = &made {
        events::emit(root, container, events::Action::Create, &[]);
    }
    // [ch07 end]
    made
}

/// The container `id`, read and checked against the kernel.
pub fn load(root: &Path, id: &str) -> Result<Container> {
    let dir = dir(root, id);
    let state: State = read(id, &dir.join(STATE))?;
    let record: Record = match read(id, &dir.join(CONFIG)) {
        Ok(record) => record,
        Err(err) => {
            // Not finished, and its creator is gone: it never will be.
            if state.status == Status::Created && !state.made && !state.monitor.alive() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            return Err(err);
        }
    };
    let container = Container { dir, record, state };
    check(container)
}

/// Every container of the store, newest first.
pub fn list(root: &Path) -> Vec<Container> {
    let Ok(entries) = std::fs::read_dir(containers(root)) else {
        return Vec::new();
    };
    let mut all: Vec<Container> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                sweep_temporary(&entry.path(), &name);
                return None;
            }
            load(root, &name).ok()
        })
        .collect();
    names::sweep(root);
    // [ch08]
    // Addresses and veths of containers whose holder was killed go back too.
    crate::network::sweep(root, super::lease_holder_alive);
    // [ch08 end]
    all.sort_by_key(|c| std::cmp::Reverse(c.record.created));
    all
}

/// Removes the temporary directory `path` (`.ID.PID-START`) of a `create` whose process is gone.
fn sweep_temporary(path: &Path, name: &str) {
    let maker = name
        .rsplit_once('.')
        .and_then(|(_, maker)| maker.split_once('-'))
        .and_then(|(pid, start)| {
            Some(Process {
                pid: pid.parse().ok()?,
                start: start.parse().ok()?,
            })
        });
    if maker.is_some_and(|maker| !maker.alive()) {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// The container a command names, as docker finds it: by its whole id, then by its name, then
/// by a prefix of its id that no other id has.
pub fn find(root: &Path, reference: &str) -> Result<Container> {
    let not_found = || Error::NoSuchContainer(reference.to_string());
    let is_hex = !reference.is_empty()
        && reference
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if is_hex && reference.len() == 64 {
        if let Ok(container) = load(root, reference) {
            return Ok(container);
        }
    }
    if let Some(id) = names::lookup(root, reference) {
        return load(root, &id).map_err(|_| not_found());
    }
    if !is_hex {
        return Err(not_found());
    }
    let entries = std::fs::read_dir(containers(root)).map_err(|_| not_found())?;
    let matching: Vec<String> = entries
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|id| id.starts_with(reference) && dir(root, id).join(CONFIG).exists())
        .collect();
    match matching.as_slice() {
        [id] => load(root, id).map_err(|_| not_found()),
        [] => Err(not_found()),
        _ => Err(Error::Ambiguous(reference.to_string())),
    }
}

/// A container being made: removed from the store when dropped, unless kept, so that a run that
/// fails before its container exists leaves nothing.
pub struct Pending(Option<Container>);

impl Pending {
    pub fn new(container: Container) -> Pending {
        Pending(Some(container))
    }

    /// The container exists: it is someone else's to remove now.
    pub fn keep(mut self) -> Container {
        self.0.take().expect("kept once")
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(container) = self.0.take() {
            remove(&container);
        }
    }
}

/// Changes the state of the container in `dir` under its lock: `change` gets the state as it is
/// on disk now (not as it was read earlier), and what it leaves is written.
pub fn update(dir: &Path, change: impl FnOnce(&mut State)) -> Result<State> {
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _lock = lock(&id, dir)?;
    let mut state: State = read(&id, &dir.join(STATE))?;
    change(&mut state);
    write(&id, &dir.join(STATE), &state)?;
    Ok(state)
}

// [ch09]
/// Changes the configuration of the container in `dir` under its lock, as `change` says.
pub fn update_config(dir: &Path, change: impl FnOnce(&mut crate::config::Config)) -> Result<()> {
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _lock = lock(&id, dir)?;
    let path = dir.join(CONFIG);
    let mut record: Record = read(&id, &path)?;
    change(&mut record.config);
    write(&id, &path, &record)
}
// [ch09 end]

/// Gives the container a new name: the new one taken first (it may be in use), then the record
/// rewritten under the container's lock, then the old name let go.
pub fn rename(container: &Container, name: &str) -> Result<()> {
    let (root, id) = (container.root(), container.id());
    names::claim(root, name, id)?;
    let renamed = (|| {
        let _lock = lock(id, &container.dir)?;
        let path = container.dir.join(CONFIG);
        let mut record: Record = read(id, &path)?;
        record.config.meta.name = name.to_string();
        write(id, &path, &record)
    })();
    match renamed {
        Ok(()) => {
            names::release(root, container.name(), id);
            // [ch07]
            let mut renamed = container.clone();
            renamed.record.config.meta.name = name.to_string();
            let old = format!("/{}", container.name());
            events::emit(root, &renamed, events::Action::Rename, &[("oldName", &old)]);
            // [ch07 end]
            Ok(())
        }
        Err(err) => {
            names::release(root, name, id);
            Err(err)
        }
    }
}

/// Takes the container's lock, waiting for whoever holds it.
fn lock(id: &str, dir: &Path) -> Result<Flock<File>> {
    let path = dir.join(LOCK);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| file_error(id, &path, e))?;
    Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, errno)| Error::File {
        id: id.to_string(),
        path,
        reason: sys::describe(errno),
    })
}

// [listing state-check]
/// Checks what the state says against the kernel, and repairs it where a killed minidock left it
/// wrong: a container that runs without its monitor has died with it (its first process has
/// PR_SET_PDEATHSIG, since chapter 2); one still being created by a `run` that is gone will
/// never start, and goes (one that `create` made waits for `start`).
fn check(container: Container) -> Result<Container> {
    let Container { dir, record, state } = container;
    match state.status {
        status if status.is_running() && !state.monitor.alive() => {
            let mut died = false; // [ch07]
            let state = update(&dir, |state| {
                if state.status.is_running() && !state.monitor.alive() {
                    died = true; // [ch07]
                    state.status = Status::Exited;
                    // 128 + SIGKILL: how it was ended.
                    state.exit_code = 137;
                    state.finished_at = now();
                    state.pid = Process::default();
                    state.error = "its monitor was killed".to_string();
                }
            })?;
            // [ch07]
            let container = Container { dir, record, state };
            if died {
                // The die its monitor could not tell: told by whoever found it out, once.
                let attributes = [("exitCode", "137")];
                events::emit(
                    container.root(),
                    &container,
                    events::Action::Die,
                    &attributes,
                );
            }
            Ok(container)
            // [ch07 end]
            // [ch06..ch07]
            //~ Ok(Container { dir, record, state })
            // [ch06..ch07 end]
        }
        Status::Restarting if !state.monitor.alive() => {
            let state = update(&dir, |state| {
                if state.status == Status::Restarting && !state.monitor.alive() {
                    state.status = Status::Exited;
                    state.error = "its monitor was killed".to_string();
                }
            })?;
            Ok(Container { dir, record, state })
        }
        Status::Created if !state.made && !state.monitor.alive() => {
            remove(&Container { dir, record, state });
            Err(Error::NoSuchContainer(String::new()))
        }
        _ => Ok(Container { dir, record, state }),
    }
}
// [listing end]

/// Removes the container from the store: its files (by the driver that made them), its state,
/// its name.
pub fn remove(container: &Container) {
    super::storage::remove(&container.dir);
    let _ = std::fs::remove_dir_all(&container.dir);
    names::release(container.root(), container.name(), container.id());
    crate::network::sweep(container.root(), super::lease_holder_alive); // [ch08]
    events::emit(container.root(), container, events::Action::Destroy, &[]); // [ch07]
}

fn read<T: serde::de::DeserializeOwned>(id: &str, path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| file_error(id, path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::File {
        id: id.to_string(),
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Writes `value` to `path` whole: to a temporary file first, then renamed over `path`.
fn write(id: &str, path: &Path, value: &impl Serialize) -> Result<()> {
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let bytes = serde_json::to_vec(value).expect("a state serializes");
    let written = File::create(&temporary)
        .and_then(|mut file| file.write_all(&bytes))
        .and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        file_error(id, path, e)
    })
}

fn file_error(id: &str, path: &Path, err: std::io::Error) -> Error {
    Error::File {
        id: id.to_string(),
        path: path.to_path_buf(),
        reason: sys::describe(sys::errno_of(err)),
    }
}
