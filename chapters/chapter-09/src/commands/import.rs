//! `minidock import FILE|- [REPOSITORY[:TAG]]`: a root filesystem tarball becomes an image.

use std::path::Path;

use crate::cli::ImportArgs;
use crate::image::config::RunConfig;
use crate::image::progress::Bars;
use crate::image::{import as importing, progress, store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Import(#[from] importing::Error),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("opening {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("{0}")]
    Change(String),
}

/// Imports the tarball, names the image if asked, and prints its id as docker does.
pub fn import(args: &ImportArgs, root: &Path) -> Result<u8, Error> {
    let mut run = RunConfig::default();
    for change in &args.change {
        apply(&mut run, change)?;
    }
    let store = store::Store::open(root)?;
    let comment = args
        .message
        .clone()
        .unwrap_or_else(|| format!("Imported from {}", args.file));
    let id = if args.file == "-" {
        importing::import(&store, std::io::stdin().lock(), run, &comment)?
    } else {
        let file = std::fs::File::open(&args.file).map_err(|err| Error::Open {
            path: args.file.clone(),
            reason: crate::sys::describe(crate::sys::errno_of(err)),
        })?;
        let size = file.metadata().map_or(0, |m| m.len());
        let (file, _bar) = progress::reading(file, size, "Importing".into(), Bars::Drawn);
        importing::import(&store, file, run, &comment)?
    };
    if let Some(name) = &args.reference {
        store.lock()?.tag(name, &id)?;
    }
    println!("{id}");
    Ok(0)
}

/// One `--change`: the Dockerfile instructions `docker import` accepts that say how a container
/// of the image runs.
fn apply(run: &mut RunConfig, change: &str) -> Result<(), Error> {
    let (instruction, rest) = change
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((change, ""));
    let rest = rest.trim();
    match instruction.to_ascii_uppercase().as_str() {
        "CMD" => run.cmd = Some(command(rest)),
        "ENTRYPOINT" => run.entrypoint = Some(command(rest)),
        "WORKDIR" => run.working_dir = Some(rest.to_string()),
        "USER" => run.user = Some(rest.to_string()),
        "ENV" => {
            let (key, value) = rest
                .split_once('=')
                .or_else(|| rest.split_once(char::is_whitespace))
                .ok_or_else(|| Error::Change(format!("ENV needs a value: {change:?}")))?;
            let key = key.trim();
            run.env.retain(|var| var.split('=').next() != Some(key));
            run.env.push(format!("{key}={}", value.trim()));
        }
        other => {
            return Err(Error::Change(format!(
                "{other} is not a valid change command"
            )))
        }
    }
    Ok(())
}

/// A command in exec form (`["sh", "-c", "x"]`) as it is, or in shell form, run by `/bin/sh -c`.
fn command(text: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(text)
        .unwrap_or_else(|_| vec!["/bin/sh".into(), "-c".into(), text.to_string()])
}
