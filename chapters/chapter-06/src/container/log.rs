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

use std::fs::File;
use std::io::Write;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::state;

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
    file: File,
    /// The start of a line of each stream, waiting for its end.
    partial: [Vec<u8>; 2],
}

impl Log {
    /// Opens the log at `path` for appending, making it if needed.
    pub fn open(path: &Path) -> io::Result<Log> {
        let file = File::options().create(true).append(true).open(path)?;
        Ok(Log {
            file,
            partial: [Vec::new(), Vec::new()],
        })
    }

    /// Takes `bytes`, just read from `stream`, and writes a record of each line they complete.
    pub fn write(&mut self, stream: Stream, bytes: &[u8]) -> io::Result<()> {
        // TODO(chapter 6): Keep the log
        //   (the book: chapter 6, "Keep the log")
        // Write a record (`append`) for each line `bytes` complete, with the stream it came
        // from and the time; keep what follows the last newline in `self.partial` until the
        // rest of its line comes: see "Keep the log". Until then nothing is kept.
        let _ = (stream, bytes, &mut self.file, &mut self.partial);
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

/// Appends one record: one JSON object and a newline, in one write(2), so that a reader never
/// sees half of it.
#[allow(dead_code)] // until your code uses it, in chapter 6
fn append(file: &mut File, stream: Stream, line: &[u8], time: &str) -> io::Result<()> {
    file.write_all(&record(stream, line, time)?)
}

/// One record of the json-file log: a JSON object and its newline.
#[allow(dead_code)] // until your code uses it, in chapter 6
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
    let mut records = Vec::new();
    read_file(path, &mut records)?;
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
