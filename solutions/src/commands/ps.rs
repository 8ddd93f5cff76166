// [ch06 file]
//! `minidock ps [-a] [-q] [--no-trunc]`: the containers of the store, newest first, in docker's
//! table.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::images::{human_duration, print_table};
use crate::cli::PsArgs;
use crate::container::state::{self, Container, Status};

/// Prints the running containers (all of them, with `-a`).
pub fn ps(args: &PsArgs, root: &Path) -> u8 {
    let shown: Vec<Container> = state::list(root)
        .into_iter()
        .filter(|c| args.all || c.state.status.is_running())
        .collect();
    let id = |c: &Container| {
        if args.no_trunc {
            c.id().to_string()
        } else {
            short(c.id()).to_string()
        }
    };
    if args.quiet {
        for container in &shown {
            println!("{}", id(container));
        }
        return 0;
    }
    let mut table = vec![[
        "CONTAINER ID".to_string(),
        "IMAGE".into(),
        "COMMAND".into(),
        "CREATED".into(),
        "STATUS".into(),
        "PORTS".into(),
        "NAMES".into(),
    ]];
    for container in &shown {
        let command = command(container);
        let command = if args.no_trunc {
            format!("\"{command}\"")
        } else {
            format!("\"{}\"", truncate(&command, 20))
        };
        table.push([
            id(container),
            container.record.config.meta.image.clone(),
            command,
            format!("{} ago", human_duration(since(container.record.created))),
            status(container),
            String::new(),
            container.name().to_string(),
        ]);
    }
    print_table(&table);
    0
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
