//! `minidock events [--since TIME] [--until TIME] [-f KEY=VALUE]... [--format TEMPLATE]`: the
//! events of the containers, as `docker events` shows them. The past ones from `--since` (none
//! without it), then, unless `--until` is past, the new ones as they are written, until
//! `--until` comes or minidock is interrupted.
//!
//! Times are docker's: RFC 3339 (`2026-11-30T20:00:00Z`, `2026-11-30T20:00:00.5+01:00`, or a
//! date, `2026-11-30`), seconds since 1970 with a fraction (`1796070985.038`), or a duration
//! back from now (`10m`, `1h30m`, `90s`).

use std::io::Write;
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use nix::sys::signal::{SigSet, Signal};

use super::template::{self, Template, Value};
use crate::cli::EventsArgs;
use crate::container::events::{self, Event, Follower};
use crate::container::state;
use crate::sys;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to parse value as time or duration: {0:?}")]
    Time(String),
    #[error("Invalid filter '{0}'")]
    Filter(String),
    #[error("bad format for filter (expected name=value)")]
    FilterFormat,
    #[error(transparent)]
    Template(#[from] template::Error),
    #[error("reading the events")]
    Read(#[source] std::io::Error),
    #[error("waiting for events")]
    Wait(#[source] sys::Error),
}

/// How often the file is read again for new events.
const POLL: Duration = Duration::from_millis(50);

pub fn events(args: &EventsArgs, root: &Path) -> Result<u8, Error> {
    let now = state::now() as i128;
    let since = args
        .since
        .as_deref()
        .map(|t| timestamp(t, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| timestamp(t, now))
        .transpose()?;
    let filters = Filters::parse(&args.filter)?;
    let template = args.format.as_deref().map(Template::parse).transpose()?;
    // The news of an interruption is read, between two reads of the file, rather than ending
    // minidock wherever it is: it ends, cleanly, when it has printed what it read.
    let mut stop = SigSet::empty();
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        stop.add(signal);
    }
    sys::block_signals(&stop).map_err(Error::Wait)?;
    let interrupted = sys::signalfd(&stop).map_err(Error::Wait)?;
    // Without --since or --until, only what happens from now on; with --until alone, all that
    // is kept up to it.
    let since = match (since, until) {
        (Some(since), _) => since,
        (None, Some(_)) => 0,
        (None, None) => now,
    };
    let until = until.unwrap_or(i128::MAX);
    let wanted = |event: &Event| {
        let time = i128::from(event.time_nano);
        since <= time && time <= until && filters.matches(event)
    };
    let mut out = std::io::stdout().lock();
    let mut show = |event: &Event| -> Result<bool, Error> {
        let text = match &template {
            Some(template) => template.execute(&value(event))?,
            None => event.line(),
        };
        // A reader that has gone (`| head`) ends it.
        Ok(writeln!(out, "{text}").and_then(|()| out.flush()).is_ok())
    };
    for event in events::read_older(root).map_err(Error::Read)? {
        if wanted(&event) && !show(&event)? {
            return Ok(0);
        }
    }
    let mut follower = Follower::new(root).map_err(Error::Read)?;
    loop {
        for event in follower.next_events().map_err(Error::Read)? {
            if wanted(&event) && !show(&event)? {
                return Ok(0);
            }
        }
        if state::now() as i128 > until {
            return Ok(0);
        }
        let mut fds = [nix::poll::PollFd::new(
            interrupted.as_fd(),
            nix::poll::PollFlags::POLLIN,
        )];
        match nix::poll::poll(
            &mut fds,
            nix::poll::PollTimeout::from(POLL.as_millis() as u16),
        ) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => {}
            Ok(_) => return Ok(0),
            Err(errno) => {
                return Err(Error::Wait(sys::Error::Failed {
                    call: "poll(signalfd)".into(),
                    errno,
                }))
            }
        }
    }
}

/// The event as a template sees it: docker's fields, in docker's order.
fn value(event: &Event) -> Value {
    let json = serde_json::to_string(event).expect("an event serializes");
    serde_json::from_str(&json).expect("an event reads back")
}

/// `-f KEY=VALUE`: values of one key are alternatives, keys must all match, as docker's.
struct Filters(Vec<(String, String)>);

impl Filters {
    fn parse(given: &[String]) -> Result<Filters, Error> {
        let mut filters = Vec::new();
        for filter in given {
            let (key, value) = filter.split_once('=').ok_or(Error::FilterFormat)?;
            let key = key.trim().to_lowercase();
            if !["container", "event", "type", "image", "label"].contains(&key.as_str()) {
                return Err(Error::Filter(key));
            }
            filters.push((key, value.to_string()));
        }
        Ok(Filters(filters))
    }

    fn matches(&self, event: &Event) -> bool {
        let attributes = &event.actor.attributes;
        let attribute = |key: &str| attributes.get(key).map(String::as_str).unwrap_or_default();
        ["container", "event", "type", "image", "label"]
            .into_iter()
            .all(|key| {
                let mut values = self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v);
                let mut values = values.by_ref().peekable();
                if values.peek().is_none() {
                    return true;
                }
                values.any(|value| match key {
                    // An id or a name, or the start of one.
                    "container" => {
                        event.actor.id.starts_with(value.as_str())
                            || attribute("name").starts_with(value.as_str())
                    }
                    // `exec_start: sh -c date` is an exec_start.
                    "event" => event.action.split(':').next().unwrap_or_default() == value,
                    "type" => event.kind == *value,
                    "image" => attribute("image") == value || event.from == *value,
                    _ => match value.split_once('=') {
                        Some((k, v)) => attributes.get(k).is_some_and(|a| a == v),
                        None => attributes.contains_key(value.as_str()),
                    },
                })
            })
    }
}

/// A time of `--since` or `--until`, in nanoseconds since 1970, as docker reads it: a duration
/// back from `now` (in whole seconds, as docker counts it), an RFC 3339 time or a date (UTC
/// unless it has a zone), or seconds since 1970 with an optional fraction.
fn timestamp(value: &str, now: i128) -> Result<i128, Error> {
    let bad = || Error::Time(value.to_string());
    // `0` is 1970, not a duration of nothing.
    if value != "0" {
        if let Some(duration) = duration(value) {
            let seconds = (now - duration).div_euclid(1_000_000_000);
            return Ok(seconds * 1_000_000_000);
        }
    }
    if value.contains('-') {
        return rfc3339(value).ok_or_else(bad);
    }
    let (seconds, fraction) = value.split_once('.').unwrap_or((value, ""));
    let seconds: i128 = seconds.parse().map_err(|_| bad())?;
    // A fraction of a second: `.5` is 500 ms, its digits the first of nine.
    let nanos = match fraction {
        "" => 0,
        digits if digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{digits:0<9}").parse::<i128>().map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    Ok(seconds * 1_000_000_000 + nanos)
}

/// A Go duration (`1h30m`, `1.5s`, `300ms`), in nanoseconds; `None` if it is not one.
fn duration(value: &str) -> Option<i128> {
    let (negative, mut rest) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += number * unit;
    }
    let nanos = total as i128;
    Some(if negative { -nanos } else { nanos })
}

/// `YYYY-MM-DD`, then optionally `THH`, `:MM`, `:SS`, `.FRACTION`, then `Z` or `±HH:MM`; in
/// nanoseconds since 1970.
fn rfc3339(value: &str) -> Option<i128> {
    let number = |s: &str| -> Option<i128> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (date, time) = value.split_once(['T', 't']).unwrap_or((value, ""));
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (
        number(parts.next()?)?,
        number(parts.next()?)?,
        number(parts.next()?)?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // The zone, at the end of the time (or of the date).
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else if let Some(at) = time.rfind(['+', '-']) {
        let (hours, minutes) = time[at + 1..].split_once(':')?;
        let offset = (number(hours)? * 60 + number(minutes)?) * 60;
        (
            &time[..at],
            if &time[at..=at] == "-" {
                -offset
            } else {
                offset
            },
        )
    } else {
        (time, 0)
    };
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut fields = clock.split(':');
    let mut next = || fields.next().filter(|f| !f.is_empty()).map(number);
    let hours = next().unwrap_or(Some(0))?;
    let minutes = next().unwrap_or(Some(0))?;
    let seconds = next().unwrap_or(Some(0))?;
    let nanos = match fraction {
        "" => 0,
        digits if digits.len() <= 9 => number(&format!("{digits:0<9}"))?,
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86400 + hours * 3600 + minutes * 60 + seconds - offset;
    Some(seconds * 1_000_000_000 + nanos)
}

/// Days since 1970-01-01 of a date of the Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_and_go_durations_read() {
        const AT: i128 = 1_796_070_985_038_391_277;
        assert_eq!(rfc3339("2026-11-30T20:36:25.038391277Z"), Some(AT));
        assert_eq!(rfc3339("2026-11-30T21:36:25.038391277+01:00"), Some(AT));
        assert_eq!(rfc3339("2026-11-30"), Some(1_795_996_800_000_000_000));
        assert_eq!(rfc3339("2026-13-01"), None);
        assert_eq!(duration("1m30s"), Some(90_000_000_000));
        assert_eq!(duration("1.5ms"), Some(1_500_000));
        assert_eq!(duration("yesterday"), None);
    }
}
