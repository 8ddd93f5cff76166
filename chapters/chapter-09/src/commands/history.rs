//! `minidock history [--no-trunc] [-q] IMAGE`: how an image was made, newest step first, from its
//! config's history: one row per step, with the size of the layer it made (0B for a step that
//! made none, such as `ENV`).

use std::path::Path;
use std::time::SystemTime;

use serde::Deserialize;

use super::images::{disk_usage, human_duration, human_size, parse_rfc3339, print_table};
use crate::cli::HistoryArgs;
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("image {id}: its config: {reason}")]
    Config { id: String, reason: String },
    // docker's words, as the daemon answers.
    #[error("No such image: {0}")]
    NoSuchImage(String),
}

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    history: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    created: Option<String>,
    created_by: Option<String>,
    comment: Option<String>,
    #[serde(default)]
    empty_layer: bool,
}

/// Prints the image's history as docker's table (or its ids only, with `-q`).
pub fn history(args: &HistoryArgs, root: &Path) -> Result<u8, Error> {
    let store = Store::open(root)?;
    let id = store
        .find(&args.image)?
        .ok_or_else(|| Error::NoSuchImage(store::normalize(&args.image)))?;
    let bad = |reason: String| Error::Config {
        id: id.to_string(),
        reason,
    };
    let config: Config =
        serde_json::from_slice(&store.blob(&id)?).map_err(|e| bad(e.to_string()))?;
    let mut layers = store.diff_ids(&id)?.into_iter();
    let now = SystemTime::now();
    let mut rows = Vec::new();
    for step in &config.history {
        // Each step that made a layer made the next one of the config's list.
        let size = if step.empty_layer {
            0
        } else {
            let layer = layers
                .next()
                .ok_or_else(|| bad("more steps with a layer than layers".into()))?;
            disk_usage(&store.layer(&layer))
        };
        let created =
            step.created
                .as_deref()
                .and_then(parse_rfc3339)
                .map_or("N/A".to_string(), |t| {
                    format!(
                        "{} ago",
                        human_duration(now.duration_since(t).unwrap_or_default())
                    )
                });
        let created_by = step.created_by.as_deref().unwrap_or("").replace('\t', " ");
        let created_by = if args.no_trunc {
            created_by
        } else {
            ellipsis(&created_by, 45)
        };
        rows.push([
            "<missing>".to_string(),
            created,
            created_by,
            human_size(size),
            step.comment.clone().unwrap_or_default(),
        ]);
    }
    rows.reverse();
    // The newest step made the image itself; the steps before made images docker no longer
    // has, which it shows as <missing>.
    if let Some(top) = rows.first_mut() {
        top[0] = if args.no_trunc {
            id.to_string()
        } else {
            id.short().to_string()
        };
    }
    if args.quiet {
        rows.iter().for_each(|row| println!("{}", row[0]));
        return Ok(0);
    }
    let header = ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"].map(String::from);
    print_table(&[vec![header], rows].concat());
    Ok(0)
}

/// `text` cut to `width` characters, its last one `…`, if it is longer.
fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_commands_are_cut_as_docker_cuts_them() {
        let long = r#"/bin/sh -c #(nop)  CMD ["sh" "-c" "a && b <x>"]"#;
        assert_eq!(
            ellipsis(long, 45),
            r#"/bin/sh -c #(nop)  CMD ["sh" "-c" "a && b <x…"#
        );
        assert_eq!(ellipsis("short", 45), "short");
    }
}
