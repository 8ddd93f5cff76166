//! `minidock run`: a container from the options, started, waited for, cleaned up.

use std::path::Path;

use crate::cli::RunArgs;
use crate::config::StorageDriver;
use crate::config::{self, Config};
use crate::container::{self, Container};
use crate::image::{self, Image};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::Error),
    #[error(transparent)]
    Image(#[from] image::Error),
    #[error("no command specified")]
    NoCommand,
    #[error(transparent)]
    Container(#[from] container::Error),
}

impl Error {
    /// The exit status docker would give for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Container(err) => err.exit_status(),
            Error::Config(_) => crate::process::exit::FAILED,
            Error::Image(_) | Error::NoCommand => crate::process::exit::FAILED,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Runs a container to the end and returns the exit status `minidock run` should exit with.
///
/// Each phase is a step of the container's life (see `container`); a phase that fails returns
/// at once, and the container cleans up after itself on the way out.
pub fn run(args: &RunArgs, root: &Path, driver: StorageDriver) -> Result<u8> {
    let config = configure(args, root, driver)?;
    let mut container = Container::prepare(config, root)?;
    container.spawn()?;
    container.set_up_from_outside()?;
    container.release()?;
    Ok(container.wait()?)
}

/// The container's configuration, from `run`'s options: every mistake in them is found here,
/// while nothing exists yet.
fn configure(args: &RunArgs, state: &Path, driver: StorageDriver) -> Result<Config> {
    let id = config::new_id()?;
    // IMAGE is a root filesystem directory, or an image of the store, whose config fills in
    // what the options leave out, as docker fills it in.
    let image = (!config::is_path(args.image()))
        .then(|| image::find(state, args.image()))
        .transpose()?;
    let (root, storage, with_defaults);
    let args = match &image {
        Some(image) => {
            let made = config::Storage {
                driver,
                layers: image.links.clone(),
                base: state.to_path_buf(),
                image: image.id.to_string(),
            };
            // The driver is checked here, while nothing exists: one that cannot work on the
            // state directory's filesystem says so before a cgroup or a directory is made.
            root = container::storage::root(state, &id, &made).map_err(container::Error::from)?;
            storage = Some(made);
            with_defaults = image_defaults(args, image)?;
            &with_defaults
        }
        None => {
            root = config::root(args.image())?;
            storage = None;
            args
        }
    };
    let hostname = config::hostname(args.hostname.as_deref(), &id)?;
    let env = config::environment(&hostname, &args.env, |key| std::env::var(key).ok())?;
    let process = config::Process::new(args.command(), args.workdir.as_deref(), env)?;
    Ok(Config {
        id,
        root,
        hostname,
        process,
        init: args.init,
        mounts: args
            .tmpfs
            .iter()
            .map(|spec| config::mounts::tmpfs(spec))
            .collect::<config::Result<_>>()?,
        linux: config::Linux {
            resources: resources(args)?,
            cgroups_path: config::cgroups_path(&args.cgroup_parent)?,
        },
        storage,
    })
}

/// The resource options, checked against each other and against the host's CPUs.
fn resources(args: &RunArgs) -> Result<config::Resources> {
    use config::resources;
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online")
        .map_err(config::Error::OnlineCpus)?;
    let options = resources::Options {
        memory: args.memory.as_deref(),
        memory_swap: args.memory_swap.as_deref(),
        cpus: args.cpus.as_deref(),
        cpu_shares: args.cpu_shares.as_deref(),
        pids_limit: args.pids_limit.as_deref(),
        cpuset_cpus: args.cpuset_cpus.as_deref(),
    };
    Ok(resources::parse(&options, &online).map_err(config::Error::from)?)
}

/// The options, with what the image's config says filled in where they say nothing, as docker
/// combines them: the entrypoint (or `--entrypoint`), then the command given, or else the
/// image's (unless `--entrypoint` replaced the image's entrypoint); the image's environment
/// before `-e`'s, which wins; its working directory unless `-w` gives one.
fn image_defaults(args: &RunArgs, image: &Image) -> Result<RunArgs> {
    let run = &image.config.config;
    let (entrypoint, command) = command_parts(args, run);
    if entrypoint.is_empty() && command.is_empty() {
        return Err(Error::NoCommand);
    }
    let mut merged = args.clone();
    merged.image_and_command = std::iter::once(args.image().to_string())
        .chain(entrypoint)
        .chain(command)
        .collect();
    merged.env = run.env.iter().chain(&args.env).cloned().collect();
    merged.workdir = args
        .workdir
        .clone()
        .or_else(|| run.working_dir.clone().filter(|dir| !dir.is_empty()));
    Ok(merged)
}

/// The entrypoint and the command's arguments, from the options and the image's config.
fn command_parts(args: &RunArgs, run: &image::config::RunConfig) -> (Vec<String>, Vec<String>) {
    let entrypoint: Vec<String> = match &args.entrypoint {
        Some(given) if given.is_empty() => Vec::new(),
        Some(given) => vec![given.clone()],
        None => run.entrypoint.clone().unwrap_or_default(),
    };
    let command: Vec<String> = if !args.command().is_empty() {
        args.command().to_vec()
    } else if args.entrypoint.is_some() {
        Vec::new()
    } else {
        run.cmd.clone().unwrap_or_default()
    };
    (entrypoint, command)
}
