//! The json-file log, docker's default: what a detached container writes, kept by its monitor
//! in `containers/ID/ID-json.log`, one JSON object per line of output:
//!
//! ```text
//!   {"log":"hello\n","stream":"stdout","time":"2026-11-30T14:27:17.256603949Z"}
//! ```
//!
//! The container writes to two pipes, its standard output and its standard error; the monitor
//! reads whatever each holds and gives it to [`Log::write`], which makes a record of every line
//! the bytes complete. A line may come in pieces (a program that writes a word at a time, a
//! pipe read while half a line is in it): the piece waits for the rest, and a last line without
//! its newline is written when its stream ends.

mod json_file;
mod syslog;

use std::fs::File;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::state;
use crate::commands::template::{Template, Value};
use crate::config::{logging, Config};
pub use json_file::rotated;

/// Which of the container's outputs a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    pub fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// One record of the log, as docker writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The line, with its `\n` (a last line without one has none).
    pub log: String,
    /// `stdout` or `stderr`.
    pub stream: String,
    /// When the monitor read it: RFC 3339, in nanoseconds.
    pub time: String,
}

/// The log of the container whose directory is `dir`.
pub fn path(dir: &Path) -> PathBuf {
    let id = dir.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!("{id}-json.log"))
}

/// A log being written.
pub struct Log {
    /// Where the records go, as the container's log driver says (in chapter 6, a file).
    file: Sink,
    /// The start of a line of each stream, waiting for its end.
    partial: [Vec<u8>; 2],
}

/// Where a log's records go.
enum Sink {
    JsonFile(json_file::JsonFile),
    Syslog(syslog::Syslog),
    None,
}

impl Log {
    /// Opens the log of the container of `config`, whose directory is `dir`, as its log driver
    /// says: its json-file log, a connection to its syslog server, or nothing. An error says
    /// what failed, in docker's words.
    pub fn open(config: &Config, dir: &Path) -> Result<Log, String> {
        let log = &config.meta.log;
        let file = match log.driver().map_err(|err| err.to_string())? {
            logging::Driver::JsonFile(options) => {
                let path = path(dir);
                let file = json_file::JsonFile::open(&path, &options).map_err(|err| {
                    format!(
                        "opening the log {path:?}: {}",
                        crate::sys::describe(crate::sys::errno_of(err))
                    )
                })?;
                Sink::JsonFile(file)
            }
            logging::Driver::Syslog(options) => {
                let header = syslog::Header {
                    facility: options.facility,
                    hostname: nix::unistd::gethostname()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    tag: tag(&options.tag, config)?,
                    pid: std::process::id(),
                };
                Sink::Syslog(syslog::Syslog::connect(
                    &options.address,
                    options.format,
                    header,
                )?)
            }
            logging::Driver::None => Sink::None,
        };
        Ok(Log {
            file,
            partial: [Vec::new(), Vec::new()],
        })
    }

    /// Takes `bytes`, just read from `stream`, and writes a record of each line they complete.
    pub fn write(&mut self, stream: Stream, bytes: &[u8]) -> io::Result<()> {
        let partial = &mut self.partial[stream as usize];
        partial.extend_from_slice(bytes);
        // Every complete line is a record; what follows the last newline waits for the rest.
        let Some(last) = partial.iter().rposition(|&b| b == b'\n') else {
            return Ok(());
        };
        let complete: Vec<u8> = partial.drain(..=last).collect();
        let time = state::rfc3339(state::now());
        for line in complete.split_inclusive(|&b| b == b'\n') {
            append(&mut self.file, stream, line, &time)?;
        }
        Ok(())
    }

    /// `stream` has ended: a last line without its newline is written as it is.
    pub fn close(&mut self, stream: Stream) -> io::Result<()> {
        let rest = std::mem::take(&mut self.partial[stream as usize]);
        if rest.is_empty() {
            return Ok(());
        }
        append(&mut self.file, stream, &rest, &state::rfc3339(state::now()))
    }
}

/// Appends one record where the log driver sends it: to the json-file log, as one JSON object
/// and a newline, in one write(2), so that a reader never sees half of it; to syslog, as one
/// message; or nowhere.
fn append(file: &mut Sink, stream: Stream, line: &[u8], time: &str) -> io::Result<()> {
    match file {
        Sink::JsonFile(log) => log.write(&record(stream, line, time)?),
        Sink::Syslog(syslog) => syslog.send(stream, line, time),
        Sink::None => Ok(()),
    }
}

/// The container's tag for syslog: docker's template (`{{.ID}}` by default), with the
/// container's `ID` (12 digits), `FullID`, `Name`, `ImageName`, `ImageID`, `ImageFullID` and
/// `DaemonName`.
fn tag(template: &str, config: &Config) -> Result<String, String> {
    let failed = |err: crate::commands::template::Error| {
        format!("failed to initialize logging driver: {err}")
    };
    let image = config
        .storage
        .as_ref()
        .map(|storage| storage.image.clone())
        .unwrap_or_default();
    let image = image.strip_prefix("sha256:").unwrap_or(&image).to_string();
    let short = |id: &str| id.chars().take(12).collect::<String>();
    let data = Value::object([
        ("ID", Value::String(short(&config.id))),
        ("FullID", Value::String(config.id.clone())),
        ("Name", Value::String(config.meta.name.clone())),
        ("ImageName", Value::String(config.meta.image.clone())),
        ("ImageID", Value::String(short(&image))),
        ("ImageFullID", Value::String(image.clone())),
        ("DaemonName", Value::String("minidock".to_string())),
    ]);
    Template::parse(template)
        .and_then(|template| template.execute(&data))
        .map_err(failed)
}

/// One record of the json-file log: a JSON object and its newline.
fn record(stream: Stream, line: &[u8], time: &str) -> io::Result<Vec<u8>> {
    let record = Record {
        // JSON holds text: bytes that are not UTF-8 become U+FFFD, as in docker's log.
        log: String::from_utf8_lossy(line).into_owned(),
        stream: stream.name().to_string(),
        time: time.to_string(),
    };
    let mut bytes = serde_json::to_vec(&record).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every record of the log at `path`; none if there is no log.
pub fn read(path: &Path) -> io::Result<Vec<Record>> {
    // Its rotated files first, the oldest first: `.N` down to `.1`, then the log itself.
    let mut oldest = 0;
    while rotated(path, oldest + 1).exists() {
        oldest += 1;
    }
    let mut records = Vec::new();
    for n in (0..=oldest).rev() {
        read_file(&rotated(path, n), &mut records)?;
    }
    Ok(records)
}

/// Adds the records of the file at `path` to `records`; none if there is no such file.
fn read_file(path: &Path, records: &mut Vec<Record>) -> io::Result<()> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    };
    for line in io::BufReader::new(file).lines() {
        let line = line?;
        // A record being written is whole or absent (one write); skip anything else.
        if let Ok(record) = serde_json::from_str(&line) {
            records.push(record);
        }
    }
    Ok(())
}
