//! The json-file log with a limit, as docker's json-file driver keeps it: `ID-json.log` grows
//! until it has reached `max-size`; then, before the next record, it is rotated: it becomes
//! `ID-json.log.1`, the `.1` it had becomes `.2`, and so on, the oldest of the `max-file` files
//! dropped, and a new, empty `ID-json.log` takes the record.
//!
//! ```text
//!   before:  ID-json.log (full)   ID-json.log.1   ID-json.log.2 (the oldest)
//!   after:   ID-json.log (empty)  ID-json.log.1   ID-json.log.2       (max-file 3)
//!                  └──────────────────┘  └─────────────┘      the old .2 is gone
//! ```

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::config::logging;

/// The log being written, and what rotating it needs.
pub struct JsonFile {
    /// `ID-json.log`.
    path: PathBuf,
    file: File,
    /// The file's size: what it had when opened, and what was written to it since.
    size: u64,
    /// The size at which it is rotated; never, if none.
    max_size: Option<u64>,
    /// How many files the log may have, `ID-json.log` included (at least 1).
    max_file: u32,
}

/// The `n`th file of the log at `path`: the log itself for 0, then `ID-json.log.1`, `.2`...,
/// the older the greater.
pub fn rotated(path: &Path, n: u32) -> PathBuf {
    if n == 0 {
        return path.to_path_buf();
    }
    let mut name = path.as_os_str().to_os_string();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// Opens `path` for appending, making it if needed.
fn open(path: &Path) -> io::Result<File> {
    File::options().create(true).append(true).open(path)
}

impl JsonFile {
    /// Opens the log at `path`, with json-file's `options`.
    pub fn open(path: &Path, options: &logging::JsonFile) -> io::Result<JsonFile> {
        let file = open(path)?;
        let size = file.metadata()?.len();
        Ok(JsonFile {
            path: path.to_path_buf(),
            file,
            size,
            max_size: options.max_size,
            max_file: options.max_file.max(1),
        })
    }

    /// Writes one record, whole (`record` ends with its newline), rotating the log first if it
    /// has reached its `max_size`.
    pub fn write(&mut self, record: &[u8]) -> io::Result<()> {
        if self.max_size.is_some_and(|max| self.size >= max) {
            // From the oldest to the newest: each rename(2) replaces the file it is given, so the
            // first one drops the oldest file, and each next one moves a file to the name the
            // previous rename has just freed. A file not there yet (the log has not rotated that
            // often) is skipped.
            for n in (1..self.max_file).rev() {
                match std::fs::rename(rotated(&self.path, n - 1), rotated(&self.path, n)) {
                    Ok(()) => {}
                    Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                    Err(err) => return Err(err),
                }
            }
            // The descriptor still writes to the file renamed `.1`: a new one for a new file.
            // With max-file 1 nothing was renamed, and the log starts again, empty.
            self.file = open(&self.path)?;
            self.file.set_len(0)?;
            self.size = 0;
        }
        self.file.write_all(record)?;
        self.size += record.len() as u64;
        Ok(())
    }
}
