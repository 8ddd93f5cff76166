//! `minidock top CONTAINER [ps OPTIONS]`: the container's processes, as docker shows them: the
//! host's ps(1), with its options (`-ef` if none), its lines kept for the pids in the
//! container's cgroup.

use std::path::Path;
use std::process::Command;

use crate::cgroups::usage;
use crate::cli::TopArgs;
use crate::container::{self, state};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("Container {0} is not running")]
    NotRunning(String),
    #[error("finding the container's cgroup")]
    Cgroup(#[from] crate::cgroups::Error),
    #[error("running ps: {0}")]
    Ps(String),
    #[error("Couldn't find PID field in ps output")]
    NoPid,
}

pub fn top(args: &TopArgs, root: &Path) -> Result<u8, Error> {
    let container = state::find(root, &args.container)?;
    if !container.state.status.is_running() {
        return Err(Error::NotRunning(container.id().to_string()));
    }
    let pids = usage::pids(&container::cgroup_dirs(&container.record.config)?);
    let options: Vec<&str> = match args.ps_options.as_slice() {
        [] => vec!["-ef"],
        given => given.iter().map(String::as_str).collect(),
    };
    let out = Command::new("ps")
        .args(&options)
        .output()
        .map_err(|err| Error::Ps(err.to_string()))?;
    if !out.status.success() {
        return Err(Error::Ps(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let heading = lines.next().unwrap_or_default();
    let column = heading
        .split_whitespace()
        .position(|field| field == "PID")
        .ok_or(Error::NoPid)?;
    let rows: Vec<Vec<String>> = std::iter::once(heading)
        .chain(lines.filter(|line| {
            line.split_whitespace()
                .nth(column)
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| pids.contains(&pid))
        }))
        .map(|line| columns(line, heading))
        .collect();
    super::images::print_table(&rows);
    crate::container::events::emit(root, &container, crate::container::events::Action::Top, &[]);
    Ok(0)
}

/// A line of ps's output cut into its columns: as many as the heading has, the last one (the
/// command, with its spaces) whole.
fn columns(line: &str, heading: &str) -> Vec<String> {
    let count = heading.split_whitespace().count().max(1);
    let mut cells: Vec<String> = Vec::new();
    let mut rest = line.trim_start();
    while cells.len() + 1 < count {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        cells.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    cells.push(rest.to_string());
    cells
}
