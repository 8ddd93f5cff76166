//! `minidock logs [-f] [-n N] [-t] CONTAINER`: what a detached container wrote, from its log,
//! each line to the stream it was written to.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    #[error("invalid value for \"since\": {0}")]
    Since(String),
    #[error("configured logging driver does not support reading")]
    NotReadable,
}

/// Prints the log (its last `--tail` lines), and with `-f` what comes next, until the container
/// has ended.
pub fn logs(args: &LogsArgs, root: &Path) -> Result<u8, Error> {
    let container = state::find(root, &args.container)?;
    // Only json-file keeps what it was given where `logs` can read it.
    if !container.record.config.meta.log.readable() {
        return Err(Error::NotReadable);
    }
    let tail: Option<usize> = match args.tail.as_str() {
        "all" => None,
        n => Some(n.parse().map_err(|_| Error::Tail(n.to_string()))?),
    };
    let since = match &args.since {
        Some(text) => {
            Some(since(text, SystemTime::now()).ok_or_else(|| Error::Since(text.clone()))?)
        }
        None => None,
    };
    let records = read(&container)?;
    let recent: Vec<&Record> = records
        .iter()
        .filter(|record| {
            since.is_none_or(|since| time_of(&record.time).is_some_and(|t| t >= since))
        })
        .collect();
    let skip = tail.map_or(0, |n| recent.len().saturating_sub(n));
    for record in &recent[skip..] {
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
    let mut last: Option<Record> = None;
    loop {
        let running = state::load(container.root(), container.id())
            .is_ok_and(|c| c.state.status.is_running());
        let records = read(container)?;
        // A rotation that dropped the oldest file leaves fewer records before the new ones than
        // were shown: the last record shown, found again, says where the new ones begin (all of
        // them are new if it is gone too).
        if let Some(last) = &last {
            if shown.checked_sub(1).and_then(|i| records.get(i)) != Some(last) {
                shown = records
                    .iter()
                    .rposition(|r| r == last)
                    .map_or(0, |at| at + 1);
            }
        }
        for record in records.iter().skip(shown) {
            print(record, timestamps);
        }
        shown = shown.max(records.len());
        last = shown.checked_sub(1).and_then(|i| records.get(i)).cloned();
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

/// `--since`'s time, as docker reads it: RFC 3339 (`2026-11-30T14:00:00Z`), seconds since the
/// epoch (`1764511200`, fractions allowed), or a time before `now` (`42m`, `1h30m`, `10s`).
fn since(text: &str, now: SystemTime) -> Option<SystemTime> {
    if text.contains('T') {
        return time_of(text);
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return (seconds >= 0.0).then(|| UNIX_EPOCH + Duration::from_secs_f64(seconds));
    }
    let mut ago = Duration::ZERO;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        ago += Duration::from_secs_f64(number.parse::<f64>().ok()? * unit);
        number.clear();
    }
    if !number.is_empty() {
        return None;
    }
    now.checked_sub(ago)
}

/// A record's time, to the nanosecond: RFC 3339 with its fraction of a second.
fn time_of(text: &str) -> Option<SystemTime> {
    let whole = super::images::parse_rfc3339(text)?;
    let fraction = text
        .split_once('.')
        .map(|(_, rest)| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .unwrap_or_default();
    let nanos: u32 = format!("{fraction:0<9}")[..9].parse().unwrap_or(0);
    Some(whole + Duration::from_nanos(u64::from(nanos)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_the_three_ways_docker_reads_it() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(
            since("1h30m", now),
            Some(UNIX_EPOCH + Duration::from_secs(1_000_000 - 5400))
        );
        assert_eq!(
            since("1764511200", now),
            Some(UNIX_EPOCH + Duration::from_secs(1_764_511_200))
        );
        assert_eq!(
            since("2025-11-30T14:00:00.5Z", now),
            Some(UNIX_EPOCH + Duration::from_millis(1_764_511_200_500))
        );
        assert_eq!(since("soon", now), None);
    }
}
