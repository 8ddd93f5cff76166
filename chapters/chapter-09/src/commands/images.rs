//! `minidock images`: the stored images, in docker's table.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cli::ImagesArgs;
use crate::image::config::ImageConfig;
use crate::image::digest::Digest;
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("image {id}: its config: {reason}")]
    Config { id: String, reason: String },
}

/// Prints one line per name (an image of two names has two), newest first, as docker does.
pub fn images(args: &ImagesArgs, root: &Path) -> Result<u8, Error> {
    let store = Store::open(root)?;
    let mut by_id: BTreeMap<Digest, Vec<String>> = BTreeMap::new();
    for (name, id) in store.names()? {
        by_id.entry(id).or_default().push(name);
    }
    // An image without a name is listed too, as <none>:<none>, as docker lists it.
    for id in store.images()? {
        by_id.entry(id).or_default();
    }
    let mut rows = Vec::new();
    for (id, names) in &by_id {
        let bytes = store.blob(id)?;
        let config: ImageConfig = serde_json::from_slice(&bytes).map_err(|e| Error::Config {
            id: id.to_string(),
            reason: e.to_string(),
        })?;
        let created = config.created.as_deref().and_then(parse_rfc3339);
        let size: u64 = config
            .rootfs
            .diff_ids
            .iter()
            .filter_map(|d| d.parse::<Digest>().ok())
            .map(|d| disk_usage(&store.layer(&d)))
            .sum();
        let none = ["<none>:<none>".to_string()];
        for name in if names.is_empty() { &none[..] } else { names } {
            let (repo, tag) = name.rsplit_once(':').unwrap_or((name, "<none>"));
            rows.push((created, repo.to_string(), tag.to_string(), id.clone(), size));
        }
    }
    // `images busybox` lists busybox's tags; `images busybox:1.36`, that one.
    if let Some(wanted) = &args.reference {
        let wanted = store::normalize(wanted);
        let (repo, tag) = wanted.rsplit_once(':').unwrap_or((&wanted, "latest"));
        let tag_given = args
            .reference
            .as_deref()
            .is_some_and(|r| r.rsplit('/').next().is_some_and(|last| last.contains(':')));
        rows.retain(|row| row.1 == repo && (!tag_given || row.2 == tag));
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    if args.quiet {
        let mut seen = Vec::new();
        for (_, _, _, id, _) in &rows {
            if !seen.contains(&id) {
                seen.push(id);
                println!(
                    "{}",
                    if args.no_trunc {
                        id.to_string()
                    } else {
                        id.short().to_string()
                    }
                );
            }
        }
        return Ok(0);
    }
    let now = SystemTime::now();
    let mut table = vec![[
        "REPOSITORY".to_string(),
        "TAG".into(),
        "IMAGE ID".into(),
        "CREATED".into(),
        "SIZE".into(),
    ]];
    for (created, repo, tag, id, size) in rows {
        let created = created.map_or("N/A".to_string(), |t| {
            format!(
                "{} ago",
                human_duration(now.duration_since(t).unwrap_or_default())
            )
        });
        let id = if args.no_trunc {
            id.to_string()
        } else {
            id.short().to_string()
        };
        table.push([repo, tag, id, created, human_size(size)]);
    }
    print_table(&table);
    Ok(0)
}

/// Columns as docker's tabwriter lays them out: each as wide as its widest cell and three
/// spaces, ten at least; the last one as it is.
pub(crate) fn print_table<Row: AsRef<[String]>>(rows: &[Row]) {
    let columns = rows.iter().map(|r| r.as_ref().len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.as_ref().get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let row = row.as_ref();
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                let width = (widths[c] + 3).max(10);
                line.push_str(&format!("{cell:<width$}"));
            }
        }
        println!("{line}");
    }
}

/// The bytes of the files below `dir`, symbolic links not followed.
pub(crate) fn disk_usage(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => disk_usage(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// docker's way of saying how long ago (go-units' HumanDuration).
pub(crate) fn human_duration(d: Duration) -> String {
    let seconds = d.as_secs();
    let minutes = seconds / 60;
    let hours = (d.as_secs_f64() / 3600.0 + 0.5) as u64;
    match () {
        _ if seconds < 1 => "Less than a second".into(),
        _ if seconds == 1 => "1 second".into(),
        _ if seconds < 60 => format!("{seconds} seconds"),
        _ if minutes == 1 => "About a minute".into(),
        _ if minutes < 60 => format!("{minutes} minutes"),
        _ if hours == 1 => "About an hour".into(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        _ => format!("{} years", seconds / 3600 / 24 / 365),
    }
}

/// docker's sizes: decimal units, three significant digits (`4.26MB`, `955kB`).
pub(crate) fn human_size(bytes: u64) -> String {
    human_size_with_precision(bytes, 3)
}

/// docker's sizes with `digits` significant digits (go-units' HumanSizeWithPrecision).
pub(crate) fn human_size_with_precision(bytes: u64, digits: usize) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let integer_digits = if value >= 100.0 {
        3
    } else if value >= 10.0 {
        2
    } else {
        1
    };
    let decimals = digits.saturating_sub(integer_digits);
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{text}{}", UNITS[unit])
}

/// `2026-11-30T09:00:00Z` (fractions of a second and offsets other than Z are read too).
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let (date, time) = text.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let clock: String = time.chars().take(8).collect();
    let mut t = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min, s) = (t.next()??, t.next()??, t.next()??);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + min * 60 + s;
    let mut when = UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?);
    // An offset such as +02:00 after the seconds.
    let rest = &time[8.min(time.len())..];
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if let Some(sign @ ('+' | '-')) = rest.chars().next() {
        let mut o = rest[1..].split(':').map(|p| p.parse::<u64>().ok());
        let offset = Duration::from_secs(
            o.next()??.checked_mul(3600)? + o.next().flatten().unwrap_or(0) * 60,
        );
        when = if sign == '+' {
            when - offset
        } else {
            when + offset
        };
    }
    Some(when)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_dockers() {
        assert_eq!(human_size(4_261_000), "4.26MB");
        assert_eq!(human_size(955_000), "955kB");
        assert_eq!(human_size(12_300), "12.3kB");
        assert_eq!(human_size(1_200_000), "1.2MB");
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_duration(Duration::from_secs(0)), "Less than a second");
        assert_eq!(human_duration(Duration::from_secs(90)), "About a minute");
        assert_eq!(human_duration(Duration::from_secs(3 * 86_400)), "3 days");
    }

    #[test]
    fn times_read_back() {
        let t = parse_rfc3339("2026-11-30T09:00:00Z").unwrap();
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_796_029_200));
        let t = parse_rfc3339("2026-11-30T11:00:00.123+02:00").unwrap();
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_796_029_200));
    }
}
