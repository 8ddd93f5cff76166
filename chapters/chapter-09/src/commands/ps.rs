//! `minidock ps [-a] [-q] [--no-trunc] [-f FILTER]... [--format TEMPLATE]`: the containers of the
//! store, newest first, in docker's table or through a template.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::images::{human_duration, print_table};
use super::template::{Template, Value};
use crate::cli::PsArgs;
use crate::container::state::{self, Container, Status};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid filter '{0}'")]
    Filter(String),
    #[error(transparent)]
    Template(#[from] super::template::Error),
}

/// The columns of docker's table: each field's name in a template, and its heading.
const COLUMNS: [(&str, &str); 7] = [
    ("ID", "CONTAINER ID"),
    ("Image", "IMAGE"),
    ("Command", "COMMAND"),
    ("RunningFor", "CREATED"),
    ("Status", "STATUS"),
    ("Ports", "PORTS"),
    ("Names", "NAMES"),
];

/// Prints the running containers (all of them, with `-a`), those the filters let through.
pub fn ps(args: &PsArgs, root: &Path) -> Result<u8, Error> {
    let filters = args
        .filter
        .iter()
        .map(|filter| match filter.split_once('=') {
            Some((key @ ("status" | "name" | "id"), value)) => Ok((key, value)),
            _ => Err(Error::Filter(filter.clone())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Asking for a status shows containers of that status, running or not, as docker does.
    let all = args.all || filters.iter().any(|(key, _)| *key == "status");
    let shown: Vec<Container> = state::list(root)
        .into_iter()
        .filter(|c| all || c.state.status.is_running())
        .filter(|c| passes(c, &filters))
        .collect();
    if args.quiet {
        for container in &shown {
            println!("{}", fields(container, args.no_trunc)[0].1);
        }
        return Ok(0);
    }
    let format = args.format.as_deref().unwrap_or("table");
    let (table, format) = match format.strip_prefix("table") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, format),
    };
    if format.is_empty() {
        // docker's own table.
        let mut rows = vec![COLUMNS.map(|(_, heading)| heading.to_string()).to_vec()];
        for container in &shown {
            let fields = fields(container, args.no_trunc);
            rows.push(
                COLUMNS
                    .iter()
                    .map(|(name, _)| field(&fields, name))
                    .collect(),
            );
        }
        print_table(&rows);
        return Ok(0);
    }
    // As docker's CLI does: `\t` and `\n` typed in a shell's quotes are a tab and a new line.
    let format = format.replace("\\t", "\t").replace("\\n", "\n");
    let template = Template::parse(&format)?;
    let mut rows = Vec::new();
    if table {
        let headings = COLUMNS.map(|(name, heading)| (name, Value::String(heading.to_string())));
        rows.push(template.execute(&Value::object(headings))?);
    }
    for container in &shown {
        let fields = fields(container, args.no_trunc);
        let data = Value::object(fields.iter().map(|(k, v)| (*k, Value::String(v.clone()))));
        rows.push(template.execute(&data)?);
    }
    if table {
        // Columns the template separates with tabs, laid out as docker's table is.
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.split('\t').map(str::to_string).collect())
            .collect();
        print_table(&cells);
    } else {
        for row in rows {
            println!("{row}");
        }
    }
    Ok(0)
}

/// Whether `container` passes every kind of filter given (one of its values, for a kind given
/// several times).
fn passes(container: &Container, filters: &[(&str, &str)]) -> bool {
    ["status", "name", "id"].iter().all(|kind| {
        let values: Vec<&str> = filters
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, v)| *v)
            .collect();
        values.is_empty()
            || values.iter().any(|value| match *kind {
                "status" => container.state.status.name() == *value,
                "name" => container.name().contains(value.trim_start_matches('/')),
                _ => container.id().starts_with(value),
            })
    })
}

/// A container's fields, as docker's `ps --format` names them.
fn fields(container: &Container, no_trunc: bool) -> Vec<(&'static str, String)> {
    let id = if no_trunc {
        container.id().to_string()
    } else {
        short(container.id()).to_string()
    };
    let command = command(container);
    let command = if no_trunc {
        format!("\"{command}\"")
    } else {
        format!("\"{}\"", truncate(&command, 20))
    };
    let created = UNIX_EPOCH + Duration::from_nanos(container.record.created as u64);
    vec![
        ("ID", id),
        ("Image", container.record.config.meta.image.clone()),
        ("Command", command),
        ("CreatedAt", created_at(created)),
        (
            "RunningFor",
            format!("{} ago", human_duration(since(container.record.created))),
        ),
        ("Ports", String::new()),
        ("State", container.state.status.name().to_string()),
        ("Status", status(container)),
        ("Names", container.name().to_string()),
        ("Labels", String::new()),
        ("Mounts", String::new()),
        ("Networks", String::new()),
    ]
}

fn field(fields: &[(&str, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| *k == name)
        .map_or(String::new(), |(_, v)| v.clone())
}

/// docker's `CreatedAt`: `2026-11-30 18:10:25 +0000 UTC`.
fn created_at(time: SystemTime) -> String {
    let rfc = crate::image::config::rfc3339(time);
    format!(
        "{} +0000 UTC",
        rfc.trim_end_matches('Z').replacen('T', " ", 1)
    )
}

/// The first 12 digits of an id, as docker shows ids.
pub fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// The command, as docker's `ps` writes it: its words, separated by spaces, quoted where they
/// hold one.
fn command(container: &Container) -> String {
    container
        .record
        .config
        .process
        .args
        .iter()
        .map(|arg| {
            let word = arg.to_string_lossy();
            if word.contains(' ') {
                format!("'{word}'")
            } else {
                word.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` cut to `len` characters, the last of them `…`, as docker cuts.
fn truncate(text: &str, len: usize) -> String {
    if text.chars().count() <= len {
        return text.to_string();
    }
    text.chars().take(len - 1).chain(['…']).collect()
}

/// How long ago a time of the store was.
fn since(nanos: u128) -> Duration {
    let then = UNIX_EPOCH + Duration::from_nanos(nanos as u64);
    SystemTime::now().duration_since(then).unwrap_or_default()
}

/// docker's STATUS column: `Up 3 seconds`, `Exited (3) 2 seconds ago`, `Created`.
pub fn status(container: &Container) -> String {
    let state = &container.state;
    match state.status {
        Status::Created => "Created".to_string(),
        Status::Running => format!("Up {}", human_duration(since(state.started_at))),
        Status::Paused => format!("Up {} (Paused)", human_duration(since(state.started_at))),
        Status::Restarting => format!(
            "Restarting ({}) {} ago",
            state.exit_code,
            human_duration(since(state.finished_at))
        ),
        Status::Exited => format!(
            "Exited ({}) {} ago",
            state.exit_code,
            human_duration(since(state.finished_at))
        ),
    }
}
