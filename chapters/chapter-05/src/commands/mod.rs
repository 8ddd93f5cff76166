//! The commands minidock runs, one file each: they turn what the command line says into a
//! configuration, and drive the container through its phases. `run` is the first; later chapters
//! add `ps`, `stop`, `exec` and the others beside it.

pub mod history;
pub mod image_inspect;
pub mod image_prune;
pub mod images;
pub mod import;
pub mod rmi;
pub mod run;
pub mod tag;
pub mod template;

use std::path::Path;

use crate::cli::Command;
use crate::cli::ImageCommand;

/// A command that failed: what `main` prints, with the exit status it calls for.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Run(#[from] run::Error),
    #[error(transparent)]
    Import(#[from] import::Error),
    #[error(transparent)]
    Images(#[from] images::Error),
    #[error(transparent)]
    Tag(#[from] tag::Error),
    #[error(transparent)]
    Rmi(#[from] rmi::Error),
    #[error(transparent)]
    ImageInspect(#[from] image_inspect::Error),
    #[error(transparent)]
    History(#[from] history::Error),
    #[error(transparent)]
    ImagePrune(#[from] image_prune::Error),
}

impl Error {
    /// The exit status docker would give for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Run(err) => err.exit_status(),
            Error::Import(_) | Error::Images(_) => crate::process::exit::FAILED,
            // docker's image commands fail with 1 (its CLI's status for a daemon's error).
            Error::ImageInspect(err) => err.exit_status(),
            Error::Tag(_) | Error::Rmi(_) | Error::History(_) | Error::ImagePrune(_) => 1,
        }
    }
}

/// Runs `command`, with minidock's state under `root`; returns the status minidock exits with.
pub fn execute(command: &Command, root: &Path) -> Result<u8, Error> {
    match command {
        Command::Run(args) => Ok(run::run(args, root)?),
        Command::Import(args) => Ok(import::import(args, root)?),
        Command::Images(args) => Ok(images::images(args, root)?),
        Command::Tag(args) => Ok(tag::tag(args, root)?),
        Command::Rmi(args) => Ok(rmi::rmi(args, root)?),
        Command::History(args) => Ok(history::history(args, root)?),
        Command::Image(command) => image(command, root),
    }
}

/// `minidock image COMMAND`: docker's group, each command the same as its top-level one.
fn image(command: &ImageCommand, root: &Path) -> Result<u8, Error> {
    match command {
        ImageCommand::History(args) => Ok(history::history(args, root)?),
        ImageCommand::Import(args) => Ok(import::import(args, root)?),
        ImageCommand::Inspect(args) => Ok(image_inspect::inspect(args, root)?),
        ImageCommand::Ls(args) => Ok(images::images(args, root)?),
        ImageCommand::Prune(args) => Ok(image_prune::prune(args, root)?),
        ImageCommand::Rm(args) => Ok(rmi::rmi(args, root)?),
        ImageCommand::Tag(args) => Ok(tag::tag(args, root)?),
    }
}
