//! `minidock run`: a container from the options, started, waited for, cleaned up.

use std::path::Path;

use crate::cli::RunArgs;
use crate::config::{self, Config};
use crate::container::{self, Container};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::Error),
    #[error(transparent)]
    Container(#[from] container::Error),
}

impl Error {
    /// The exit status docker would give for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Container(err) => err.exit_status(),
            Error::Config(_) => crate::process::exit::FAILED,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Runs a container to the end and returns the exit status `minidock run` should exit with.
///
/// Each phase is a step of the container's life (see `container`); a phase that fails returns
/// at once, and the container cleans up after itself on the way out.
pub fn run(args: &RunArgs, root: &Path) -> Result<u8> {
    let config = configure(args)?;
    let mut container = Container::prepare(config, root)?;
    container.spawn()?;
    container.set_up_from_outside()?;
    container.release()?;
    Ok(container.wait()?)
}

/// The container's configuration, from `run`'s options: every mistake in them is found here,
/// while nothing exists yet.
fn configure(args: &RunArgs) -> Result<Config> {
    let root = config::root(args.image())?;
    let id = config::new_id()?;
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
