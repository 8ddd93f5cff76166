//! The commands minidock runs, one file each: they turn what the command line says into a
//! configuration, and drive the container through its phases. `run` is the first; later chapters
//! add `ps`, `stop`, `exec` and the others beside it.

pub mod attach;
pub mod commit;
pub mod cp;
pub mod diff;
pub mod events;
pub mod exec;
pub mod history;
pub mod image_inspect;
pub mod image_prune;
pub mod images;
pub mod import;
pub mod info;
pub mod inspect;
pub mod kill;
pub mod load;
pub mod logs;
pub mod network;
pub mod pause;
pub mod port;
pub mod prune;
pub mod ps;
pub mod rename;
pub mod rm;
pub mod rmi;
pub mod run;
pub mod save;
pub mod start;
pub mod stats;
pub mod stop;
pub mod tag;
pub mod template;
pub mod top;
pub mod wait;

use std::path::Path;

use crate::cli::Command;
use crate::cli::ContainerCommand;
use crate::cli::{self, ImageCommand};
use crate::config::StorageDriver;

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
    Load(#[from] load::Error),
    #[error(transparent)]
    Save(#[from] save::Error),
    #[error(transparent)]
    Info(#[from] info::Error),
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
    #[error(transparent)]
    Logs(#[from] logs::Error),
    #[error(transparent)]
    Kill(#[from] kill::BadSignal),
    #[error(transparent)]
    Inspect(#[from] inspect::Error),
    #[error(transparent)]
    Exec(#[from] exec::Error),
    #[error(transparent)]
    Rename(#[from] rename::Error),
    #[error(transparent)]
    Port(#[from] port::Error),
    #[error(transparent)]
    Top(#[from] top::Error),
    #[error(transparent)]
    Ps(#[from] ps::Error),
    #[error(transparent)]
    Files(#[from] crate::container::storage::files::Error),
    #[error(transparent)]
    Attach(#[from] attach::Error),
    #[error(transparent)]
    Events(#[from] events::Error),
    #[error(transparent)]
    Network(#[from] network::Error),
}

impl Error {
    /// The exit status docker would give for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Run(err) => err.exit_status(),
            // docker's commands other than `run` fail with 1, its CLI's status for an error of
            // the daemon's (125 is for a command line it cannot parse).
            Error::ImageInspect(err) => err.exit_status(),
            Error::Import(_) | Error::Images(_) | Error::Info(_) => 1,
            Error::Load(_) | Error::Save(_) => 1,
            Error::Tag(_) | Error::Rmi(_) | Error::History(_) | Error::ImagePrune(_) => 1,
            Error::Logs(_) | Error::Kill(_) => 1,
            Error::Inspect(err) => err.exit_status(),
            Error::Exec(err) => err.exit_status(),
            Error::Rename(_) | Error::Port(_) | Error::Top(_) | Error::Ps(_) => 1,
            Error::Files(_) => 1,
            Error::Attach(_) | Error::Events(_) => 1,
            Error::Network(_) => 1,
        }
    }
}

/// Runs `command`, with minidock's state under `root` and containers of images made by the
/// storage driver `driver`; returns the status minidock exits with.
pub fn execute(command: &Command, root: &Path, driver: cli::StorageDriver) -> Result<u8, Error> {
    let driver = match driver {
        cli::StorageDriver::Overlay => StorageDriver::Overlay,
        cli::StorageDriver::Vfs => StorageDriver::Vfs,
    };
    match command {
        Command::Run(args) => Ok(run::run(args, root, driver)?),
        Command::Import(args) => Ok(import::import(args, root)?),
        Command::Images(args) => Ok(images::images(args, root)?),
        Command::Load(args) => Ok(load::load(args, root)?),
        Command::Save(args) => Ok(save::save(args, root)?),
        Command::Info => Ok(info::info(root, driver)?),
        Command::Tag(args) => Ok(tag::tag(args, root)?),
        Command::Rmi(args) => Ok(rmi::rmi(args, root)?),
        Command::History(args) => Ok(history::history(args, root)?),
        Command::Image(command) => image(command, root),
        Command::Create(args) => Ok(run::create(args, root, driver)?),
        Command::Start(args) => Ok(start::start(args, root)),
        Command::Restart(args) => Ok(start::restart(args, root)),
        Command::Ps(args) => Ok(ps::ps(args, root)?),
        Command::Logs(args) => Ok(logs::logs(args, root)?),
        Command::Stop(args) => Ok(stop::stop(args, root)),
        Command::Kill(args) => Ok(kill::kill(args, root)?),
        Command::Rm(args) => Ok(rm::rm(args, root)),
        Command::Wait(args) => Ok(wait::wait(args, root)),
        Command::Inspect(args) => Ok(inspect::inspect(args, root)?),
        Command::Exec(args) => Ok(exec::exec(args, root)?),
        Command::Pause(args) => Ok(pause::pause(args, root, true)),
        Command::Unpause(args) => Ok(pause::pause(args, root, false)),
        Command::Rename(args) => Ok(rename::rename(args, root)?),
        Command::Port(args) => Ok(port::port(args, root)?),
        Command::Top(args) => Ok(top::top(args, root)?),
        Command::Stats(args) => Ok(stats::stats(args, root)),
        Command::Container(ContainerCommand::Ls(args)) => Ok(ps::ps(args, root)?),
        Command::Container(ContainerCommand::Prune(args)) => Ok(prune::prune(args, root)),
        Command::Diff(args) => Ok(diff::diff(args, root)?),
        Command::Commit(args) => Ok(commit::commit(args, root)?),
        Command::Cp(args) => Ok(cp::cp(args, root)?),
        Command::Attach(args) => Ok(attach::attach(args, root)?),
        Command::Events(args) => Ok(events::events(args, root)?),
        Command::Network(command) => Ok(network::network(command, root)?),
    }
}

/// Does `each` for every container named, as docker's container commands do: each that works
/// prints its name as given, each that fails says why, and the others still get their turn.
/// Returns 1 if any failed.
fn each_container(
    references: &[String],
    mut each: impl FnMut(&str) -> Result<(), Box<dyn std::error::Error>>,
) -> u8 {
    let mut status = 0;
    for reference in references {
        match each(reference) {
            Ok(()) => println!("{reference}"),
            Err(err) => {
                crate::sys::tell(&crate::sys::chain(&*err));
                status = 1;
            }
        }
    }
    status
}

/// `minidock image COMMAND`: docker's group, each command the same as its top-level one.
fn image(command: &ImageCommand, root: &Path) -> Result<u8, Error> {
    match command {
        ImageCommand::History(args) => Ok(history::history(args, root)?),
        ImageCommand::Import(args) => Ok(import::import(args, root)?),
        ImageCommand::Inspect(args) => Ok(image_inspect::inspect(args, root)?),
        ImageCommand::Load(args) => Ok(load::load(args, root)?),
        ImageCommand::Ls(args) => Ok(images::images(args, root)?),
        ImageCommand::Prune(args) => Ok(image_prune::prune(args, root)?),
        ImageCommand::Rm(args) => Ok(rmi::rmi(args, root)?),
        ImageCommand::Save(args) => Ok(save::save(args, root)?),
        ImageCommand::Tag(args) => Ok(tag::tag(args, root)?),
    }
}
