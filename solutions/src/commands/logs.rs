// [ch06 file]
//! `minidock logs [-f] [-n N] [-t] CONTAINER`: what a detached container wrote, from its log,
//! each line to the stream it was written to.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::cli::LogsArgs;
use crate::container::log::{self, Record};
use crate::container::state;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("reading the log of {id}: {source}")]
    Read {
        id: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid value for \"tail\": {0}")]
    Tail(String),
}

/// Prints the log (its last `--tail` lines), and with `-f` what comes next, until the container
/// has ended.
pub fn logs(args: &LogsArgs, root: &Path) -> Result<u8, Error> {
    let container = state::find(root, &args.container)?;
    let tail: Option<usize> = match args.tail.as_str() {
        "all" => None,
        n => Some(n.parse().map_err(|_| Error::Tail(n.to_string()))?),
    };
    let records = read(&container)?;
    let skip = tail.map_or(0, |n| records.len().saturating_sub(n));
    for record in &records[skip..] {
        print(record, args.timestamps);
    }
    if args.follow {
        follow(&container, records.len(), args.timestamps)?;
    }
    Ok(0)
}

/// The records of the container's log.
pub fn read(container: &state::Container) -> Result<Vec<Record>, Error> {
    log::read(&log::path(&container.dir)).map_err(|source| Error::Read {
        id: container.id().to_string(),
        source,
    })
}

/// Prints the container's log from its record `shown` on, as it grows, until the container has
/// ended: every 50 ms, what was added; once it has ended, what is left.
pub fn follow(
    container: &state::Container,
    mut shown: usize,
    timestamps: bool,
) -> Result<(), Error> {
    loop {
        let running = state::load(container.root(), container.id())
            .is_ok_and(|c| c.state.status.is_running());
        let records = read(container)?;
        for record in records.iter().skip(shown) {
            print(record, timestamps);
        }
        shown = shown.max(records.len());
        if !running {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn print(record: &Record, timestamps: bool) {
    let text = if timestamps {
        format!("{} {}", record.time, record.log)
    } else {
        record.log.clone()
    };
    // Not print!, which panics when the reader has gone (`logs -f | head`).
    let _ = if record.stream == "stderr" {
        std::io::stderr().write_all(text.as_bytes())
    } else {
        std::io::stdout().write_all(text.as_bytes())
    };
}
