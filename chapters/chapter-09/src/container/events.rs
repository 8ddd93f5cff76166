//! Events: a container's life told as it happens, one record per step, for `minidock events`.
//!
//! docker's daemon sees every step of every container, and keeps their events in its memory for
//! `docker events`. minidock has no daemon: each step is taken by some minidock process, `run`,
//! a monitor, `stop`, `rm`..., and that process writes the event, to a file of the state root
//! that all of them append to, as podman's `file` events backend does:
//!
//! ```text
//!   ROOT/events/
//!   ├── events.log     one JSON object per line, docker's `{{json .}}` of the event
//!   ├── events.log.1   the older events, once events.log has grown past MAX_SIZE
//!   └── lock           flock(2)ed by whoever moves events.log to events.log.1
//! ```
//!
//! Many processes append at once: twenty `run -d`, monitors whose containers a `kill` ended
//! together. A record is never split nor lost, because each is written by one `write(2)` to a
//! descriptor opened with `O_APPEND`: the kernel moves to the end of the file and writes there
//! as one step, under the file's lock, so two writers' records follow each other whole.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use super::state;

/// How large events.log grows before it is moved to events.log.1 (which replaces the one
/// before): podman's default limit.
pub const MAX_SIZE: u64 = 1 << 20;

/// What happened to a container: docker's names for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    Create,
    Start,
    /// Its command ended: with `exitCode`.
    Die,
    /// A signal was sent to it: with `signal`, its number.
    Kill,
    Stop,
    Restart,
    Pause,
    Unpause,
    /// It was removed.
    Destroy,
    /// With `oldName`, `/` and the name it had.
    Rename,
    /// A terminal was connected to its output: the foreground `run`'s, `attach`'s.
    Attach,
    /// An `attach` left it running (the detach keys).
    Detach,
    Top,
    /// An image was made of it: with `imageID`, `imageRef`, `comment`.
    Commit,
    /// `exec`: the command, its words joined by spaces, is part of the action; with `execID`.
    ExecCreate(&'a str),
    ExecStart(&'a str),
    /// The command of an `exec` ended: with `execID` and `exitCode`.
    ExecDie,
}

impl Action<'_> {
    /// The action as docker writes it: `die`, `exec_start: sh -c date`...
    pub fn name(&self) -> String {
        match self {
            Action::Create => "create".into(),
            Action::Start => "start".into(),
            Action::Die => "die".into(),
            Action::Kill => "kill".into(),
            Action::Stop => "stop".into(),
            Action::Restart => "restart".into(),
            Action::Pause => "pause".into(),
            Action::Unpause => "unpause".into(),
            Action::Destroy => "destroy".into(),
            Action::Rename => "rename".into(),
            Action::Attach => "attach".into(),
            Action::Detach => "detach".into(),
            Action::Top => "top".into(),
            Action::Commit => "commit".into(),
            Action::ExecCreate(command) => format!("exec_create: {command}"),
            Action::ExecStart(command) => format!("exec_start: {command}"),
            Action::ExecDie => "exec_die".into(),
        }
    }
}

/// One event, as docker's `{{json .}}` shows it, field for field and in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The action again, and the container's id and image: docker's older fields.
    pub status: String,
    pub id: String,
    pub from: String,
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "Actor")]
    pub actor: Actor,
    pub scope: String,
    /// When, in seconds since 1970, and in nanoseconds.
    pub time: i64,
    #[serde(rename = "timeNano")]
    pub time_nano: i64,
}

/// What the event happened to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    #[serde(rename = "ID")]
    pub id: String,
    /// Sorted by key, as docker sorts them: `exitCode`, `image`, `name`, `signal`...
    #[serde(rename = "Attributes")]
    pub attributes: BTreeMap<String, String>,
}

impl Event {
    /// The event `action` of `container`, now, with `attributes` besides its image and name.
    pub fn new(container: &state::Container, action: Action, attributes: &[(&str, &str)]) -> Event {
        let image = container.record.config.meta.image.clone();
        let mut all = BTreeMap::from([
            ("image".to_string(), image.clone()),
            ("name".to_string(), container.name().to_string()),
        ]);
        for (key, value) in attributes {
            all.insert(key.to_string(), value.to_string());
        }
        let nanos = i64::try_from(state::now()).unwrap_or(i64::MAX);
        let action = action.name();
        Event {
            status: action.clone(),
            id: container.id().to_string(),
            from: image,
            kind: "container".to_string(),
            action,
            actor: Actor {
                id: container.id().to_string(),
                attributes: all,
            },
            scope: "local".to_string(),
            time: nanos / 1_000_000_000,
            time_nano: nanos,
        }
    }

    /// docker's line: `TIME container ACTION ID (key=value, ...)`.
    pub fn line(&self) -> String {
        let attributes: Vec<String> = self
            .actor
            .attributes
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        format!(
            "{} {} {} {} ({})",
            state::rfc3339(u128::try_from(self.time_nano).unwrap_or(0)),
            self.kind,
            self.action,
            self.actor.id,
            attributes.join(", ")
        )
    }
}

/// The directory of the events.
pub fn dir(root: &Path) -> PathBuf {
    root.join("events")
}

/// The file events are appended to.
pub fn path(root: &Path) -> PathBuf {
    dir(root).join("events.log")
}

/// Where events.log goes once it has grown past `MAX_SIZE`.
pub fn older(root: &Path) -> PathBuf {
    dir(root).join("events.log.1")
}

/// Records the event `action` of `container`, with `attributes` besides its image and name
/// (`&[("exitCode", "0")]`). It is the whole API: whichever process makes a step happen calls
/// it once the step has happened. An event that cannot be written is said, and the step goes
/// on: it has happened.
pub fn emit(
    root: &Path,
    container: &state::Container,
    action: Action,
    attributes: &[(&str, &str)],
) {
    let event = Event::new(container, action, attributes);
    let written = std::fs::create_dir_all(dir(root))
        .and_then(|()| rotate(root))
        .and_then(|()| append(&path(root), &event));
    if let Err(err) = written {
        crate::sys::tell(&format!(
            "recording the event {} of container {}: {err}",
            event.action,
            container.id()
        ));
    }
}

/// Appends `event` to the file at `path`, made if it is not there, so that any number of
/// processes can append at once: every record whole, none lost.
pub fn append(path: &Path, event: &Event) -> io::Result<()> {
    // The whole record, with its newline, in one buffer: one write(2) puts it in the file.
    let mut record = serde_json::to_vec(event).map_err(io::Error::other)?;
    record.push(b'\n');
    // O_APPEND: each write(2) goes to the end of the file as it is at that moment, the kernel's
    // move to the end and the write one step under the file's lock. A writer that sought the end
    // itself could find it, lose the processor, and write over a record another process wrote
    // meanwhile.
    let mut file = File::options().create(true).append(true).open(path)?;
    let written = file.write(&record)?;
    // A regular file takes the whole buffer, short of a full disk: a part would be a broken line.
    if written != record.len() {
        return Err(io::Error::other(format!(
            "{written} bytes of {} written",
            record.len()
        )));
    }
    Ok(())
}

/// Moves events.log to events.log.1 once it has grown past `MAX_SIZE`: the file never grows
/// without end, and the events of the last `MAX_SIZE` bytes at least are kept. One process moves
/// it, under the lock; a writer that opened the file just before still appends to it, as
/// events.log.1, where readers find it.
fn rotate(root: &Path) -> io::Result<()> {
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    if size(&path(root)) < MAX_SIZE {
        return Ok(());
    }
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir(root).join("lock"))?;
    let _lock =
        Flock::lock(lock, FlockArg::LockExclusive).map_err(|(_, errno)| io::Error::from(errno))?;
    // Another process may have moved it while this one waited for the lock.
    if size(&path(root)) >= MAX_SIZE {
        std::fs::rename(path(root), older(root))?;
    }
    Ok(())
}

/// The older events, those of events.log.1, oldest first. A line that is not an event (a
/// record cut short by a full disk) is skipped.
pub fn read_older(root: &Path) -> io::Result<Vec<Event>> {
    let file = match File::open(older(root)) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut events = Vec::new();
    for line in io::BufReader::new(file).split(b'\n') {
        if let Ok(event) = serde_json::from_slice(&line?) {
            events.push(event);
        }
    }
    Ok(events)
}

/// A reader of events.log that goes on from where it stopped: `minidock events` reads what is
/// there, then, without `--until`, what is new, again and again. One reader, one position in
/// the file: no event written between the reading of the past and the waiting for the next
/// is missed, nor read twice.
pub struct Follower {
    root: PathBuf,
    file: Option<File>,
    /// The bytes of a line whose end is not written yet (read between two writes of it).
    partial: Vec<u8>,
}

impl Follower {
    /// A reader of events.log from its start.
    pub fn new(root: &Path) -> io::Result<Follower> {
        let mut follower = Follower {
            root: root.to_path_buf(),
            file: None,
            partial: Vec::new(),
        };
        follower.open()?;
        Ok(follower)
    }

    fn open(&mut self) -> io::Result<()> {
        self.file = match File::open(path(&self.root)) {
            Ok(file) => Some(file),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(err),
        };
        Ok(())
    }

    /// The events written since the last call.
    pub fn next_events(&mut self) -> io::Result<Vec<Event>> {
        let mut bytes = Vec::new();
        match &mut self.file {
            None => {
                // Not there yet: the first event will make it; it is read from its start.
                self.open()?;
                if let Some(file) = &mut self.file {
                    file.read_to_end(&mut bytes)?;
                }
            }
            Some(file) => {
                file.read_to_end(&mut bytes)?;
                // Moved aside (to events.log.1): what was read to its end is all of it, and
                // the new events.log is read from its start.
                use std::os::unix::fs::MetadataExt;
                let moved = std::fs::metadata(path(&self.root)).map_or(true, |now| {
                    now.ino() != file.metadata().map_or(0, |m| m.ino())
                });
                if moved {
                    self.open()?;
                    if let Some(file) = &mut self.file {
                        file.read_to_end(&mut bytes)?;
                    }
                }
            }
        }
        self.partial.extend_from_slice(&bytes);
        let Some(last) = self.partial.iter().rposition(|&b| b == b'\n') else {
            return Ok(Vec::new());
        };
        let complete: Vec<u8> = self.partial.drain(..=last).collect();
        Ok(complete
            .split(|&b| b == b'\n')
            .filter_map(|line| serde_json::from_slice(line).ok())
            .collect())
    }
}
