//! `minidock run`: a container from the options, started, waited for, cleaned up.

use std::path::Path;

use crate::cli::RunArgs;
use crate::config::{self, Config};
use crate::container::{self, Container};
// [ch05]
use crate::config::StorageDriver;
use crate::image::{self, Image};
// [ch05 end]
// [ch06]
use crate::container::names;
use crate::container::state::{self, Status};
use crate::monitor::{self, Report};
use crate::sys;
// [ch06 end]
// [ch07]
use crate::container::events;
use crate::terminal::keys;
use crate::terminal::session::{Outcome, Session};
// [ch07 end]
// [ch08]
use crate::network;
// [ch08 end]

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] config::Error),
    // [ch05]
    #[error(transparent)]
    Image(#[from] image::Error),
    #[error("no command specified")]
    NoCommand,
    // [ch05 end]
    #[error(transparent)]
    Container(#[from] container::Error),
    // [ch06]
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")]
    BadName(String),
    #[error("starting the container's monitor")]
    Monitor(#[source] sys::Error),
    #[error(transparent)]
    Restart(#[from] config::restart::BadPolicy),
    #[error("Conflicting options: --restart and --rm")]
    RestartWithRm,
    #[error("invalid signal: {0}")]
    BadStopSignal(String),
    // [ch06 end]
    // [ch07]
    #[error(transparent)]
    DetachKeys(#[from] crate::terminal::keys::BadKeys),
    #[error("the input device is not a TTY")]
    NotATerminal,
    #[error("attaching to the container")]
    Attach(#[source] sys::Error),
    #[error(transparent)]
    Log(#[from] config::logging::BadLog),
    // [ch07 end]
}

impl Error {
    /// The exit status docker would give for this failure.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Container(err) => err.exit_status(),
            Error::Config(_) => crate::process::exit::FAILED,
            // [ch05]
            Error::Image(_) | Error::NoCommand => crate::process::exit::FAILED,
            // [ch05 end]
            // [ch06]
            Error::State(_) | Error::BadName(_) => crate::process::exit::FAILED,
            Error::Monitor(_) => crate::process::exit::FAILED,
            Error::Restart(_) | Error::RestartWithRm => crate::process::exit::FAILED,
            Error::BadStopSignal(_) => crate::process::exit::FAILED,
            // [ch06 end]
            // [ch07]
            Error::DetachKeys(_) => crate::process::exit::FAILED,
            // docker's CLI finds this one itself, before it asks the daemon anything.
            Error::NotATerminal => 1,
            Error::Attach(_) => crate::process::exit::FAILED,
            Error::Log(err) => err.exit_status(),
            // [ch07 end]
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

// [listing run]
/// Runs a container to the end and returns the exit status `minidock run` should exit with.
///
/// Each phase is a step of the container's life (see `container`); a phase that fails returns
/// at once, and the container cleans up after itself on the way out.
// [ch01..ch05]
//~ pub fn run(args: &RunArgs, root: &Path) -> Result<u8> {
//~     let config = configure(args)?;
// [ch01..ch05 end]
// [ch05]
pub fn run(args: &RunArgs, root: &Path, driver: StorageDriver) -> Result<u8> {
    let config = configure(args, root, driver)?;
    // [ch05 end]
    // [ch07]
    // `run -it` attaches this terminal: there must be one, as nothing exists yet.
    let attaching = args.tty && args.interactive && !args.detach;
    if attaching && !nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
        return Err(Error::NotATerminal);
    }
    // [ch07 end]
    // [ch06]
    // In the store from now on: `ps` lists it, and its name is taken.
    let recorded = state::create(root, &config)?;
    if args.detach {
        return detached(root, &recorded);
    }
    // [ch06 end]
    // [ch07]
    // A terminal is the monitor's to hold, for the container to keep it when this command
    // detaches: the container starts detached, with this command attached from the start.
    if args.tty {
        return attached(root, &recorded, args);
    }
    // The caller's terminal is the container's output, as docker attaches its client.
    events::emit(root, &recorded, events::Action::Attach, &[]);
    // [ch07 end]
    // [ch09]
    // As the store has it, with the name it was given: its endpoint is named after it.
    let config = recorded.record.config.clone();
    // [ch09 end]
    let mut container = Container::prepare(config, root)?;
    container.spawn()?;
    container.set_up_from_outside()?;
    container.release()?;
    container.started()?; // [ch06]
    Ok(container.wait()?)
}

// [ch06]
/// `minidock create`: the container made as `run` makes it, and left `created`, for `start`;
/// prints its id.
pub fn create(args: &RunArgs, root: &Path, driver: StorageDriver) -> Result<u8> {
    let config = configure(args, root, driver)?;
    let recorded = state::create(root, &config)?;
    // Made for good: from now on it is no longer this command's to remove if it dies.
    state::update(&recorded.dir, |state| {
        state.made = true;
        state.monitor = state::Process::default();
    })?;
    println!("{}", recorded.id());
    Ok(0)
}

/// `run -d`: the container is left to a monitor of its own; minidock prints its id once the
/// command has started, or fails as a foreground run would have.
fn detached(root: &Path, recorded: &state::Container) -> Result<u8> {
    let report = monitor::detach(root, recorded.id()).map_err(Error::Monitor);
    match report {
        Ok(Report::Started) => {
            println!("{}", recorded.id());
            Ok(0)
        }
        failed => failed_start(root, recorded, failed),
    }
}

/// A detached start that failed: what is left of the container goes, and the failure is told.
fn failed_start(root: &Path, recorded: &state::Container, failed: Result<Report>) -> Result<u8> {
    // The monitor removed what it made; a monitor that never got that far left the record,
    // still `created`.
    if let Ok(left) = state::load(root, recorded.id()) {
        if left.state.status == Status::Created {
            state::remove(&left);
        }
    }
    match failed? {
        Report::Failed { status, message } => {
            sys::tell(&message);
            Ok(status)
        }
        Report::Started => unreachable!("a start that failed"),
    }
}
// [ch06 end]

// [ch07]
/// `run -t`: the container starts detached, under its monitor, with this command connected to
/// its attach socket from the start; returns the container's exit status, or 0 once the detach
/// keys leave it running.
fn attached(root: &Path, recorded: &state::Container, args: &RunArgs) -> Result<u8> {
    let keys = keys::chosen(args.detach_keys.as_deref())?;
    let client = monitor::attach::hand_over(|| monitor::detach(root, recorded.id()));
    let socket = match client {
        Ok((Report::Started, socket)) => socket,
        Ok((failed, _)) => return failed_start(root, recorded, Ok(failed)),
        Err(err) => return failed_start(root, recorded, Err(Error::Monitor(err))),
    };
    events::emit(root, recorded, events::Action::Attach, &[]);
    let session = Session {
        stdin: args.interactive,
        tty: true,
        keys,
        proxy: None,
    };
    let mut link = monitor::attach::Client(socket);
    let outcome = session.run(&mut link).map_err(Error::Attach)?;
    if outcome == Outcome::Detached {
        events::emit(root, recorded, events::Action::Detach, &[]);
    }
    Ok(outcome.status())
}
// [ch07 end]
// [listing end]

/// The container's configuration, from `run`'s options: every mistake in them is found here,
/// while nothing exists yet.
// [ch01..ch05]
//~ fn configure(args: &RunArgs) -> Result<Config> {
//~     let root = config::root(args.image())?;
// [ch01..ch05 end]
// [ch05]
fn configure(args: &RunArgs, state: &Path, driver: StorageDriver) -> Result<Config> {
    // [ch05 end]
    let id = config::new_id()?;
    // [ch05]
    // IMAGE is a root filesystem directory, or an image of the store, whose config fills in
    // what the options leave out, as docker fills it in.
    let image = (!config::is_path(args.image()))
        .then(|| image::find(state, args.image()))
        .transpose()?;
    // [ch05 end]
    // [ch06]
    // The command's two parts, and the signal that stops it, as docker records them.
    let (entrypoint, cmd) = match &image {
        Some(image) => command_parts(args, &image.config.config),
        None => (Vec::new(), args.command().to_vec()),
    };
    let stop_signal = match (&args.stop_signal, &image) {
        (Some(signal), _) => signal.clone(),
        (None, Some(image)) => image.config.config.stop_signal.clone().unwrap_or_default(),
        (None, None) => String::new(),
    };
    if !stop_signal.is_empty() && sys::Signo::parse(&stop_signal).is_none() {
        return Err(Error::BadStopSignal(stop_signal));
    }
    // [ch06 end]
    // [ch05]
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
    // [ch05 end]
    // [ch01..ch08]
    //~ let hostname = config::hostname(args.hostname.as_deref(), &id)?;
    // [ch01..ch08 end]
    // [ch08]
    let network = config::network::Network::new(
        &args.network,
        args.hostname.is_some(),
        &args.dns,
        &args.dns_search,
        &args.dns_option,
        &args.add_host,
    )?;
    // The default network is made in the store now (its subnet chosen, or asked with --bip),
    // by the command that was given the options, rather than by a monitor that was not.
    if network.mode == config::network::Mode::Bridge {
        network::pool::default_network(state, container::lease_holder_alive)
            .map_err(container::Error::from)?;
    }
    // On the host's network, the container's host name is the host's; in another container's
    // namespace, that container's: as docker names them.
    let host_name = match &network.mode {
        config::network::Mode::Host => nix::unistd::gethostname()
            .ok()
            .map(|name| name.to_string_lossy().into_owned()),
        config::network::Mode::Container(other) => {
            Some(state::find(state, other)?.record.config.hostname)
        }
        _ => None,
    };
    let hostname = config::hostname(args.hostname.as_deref().or(host_name.as_deref()), &id)?;
    // [ch08 end]
    // [ch09]
    let network = ports(args, image.as_ref(), network)?;
    let network = user_network(args, state, network)?;
    // [ch09 end]
    let env = config::environment(&hostname, &args.env, |key| std::env::var(key).ok())?;
    // [ch07]
    // The keys that will detach it: checked while nothing exists.
    keys::chosen(args.detach_keys.as_deref())?;
    // A terminal says what it is in TERM, as docker's does, unless -e said otherwise.
    let mut env = env;
    if args.tty && !env.iter().any(|(key, _)| key == "TERM") {
        env.push(("TERM".into(), "xterm".into()));
    }
    // [ch07 end]
    let process = config::Process::new(args.command(), args.workdir.as_deref(), env)?;
    // [ch07]
    let process = config::Process {
        terminal: args.tty,
        console_size: args.tty.then(config::ConsoleSize::of_caller).flatten(),
        ..process
    };
    // [ch07 end]
    Ok(Config {
        id, // [ch04]
        root,
        hostname,
        process,
        init: args.init, // [ch02]
        // [ch03]
        mounts: args
            .tmpfs
            .iter()
            .map(|spec| config::mounts::tmpfs(spec))
            .collect::<config::Result<_>>()?,
        // [ch03 end]
        // [ch04]
        linux: config::Linux {
            resources: resources(args)?,
            cgroups_path: config::cgroups_path(&args.cgroup_parent)?,
        },
        // [ch04 end]
        storage, // [ch05]
        // [ch06]
        meta: config::Meta {
            name: match &args.name {
                Some(name) if !names::valid(name) => return Err(Error::BadName(name.clone())),
                Some(name) => name.clone(),
                None => String::new(),
            },
            image: args.image().to_string(),
            auto_remove: args.rm,
            restart: match config::restart::Restart::parse(&args.restart)? {
                config::restart::Restart::No => config::restart::Restart::No,
                _ if args.rm => return Err(Error::RestartWithRm),
                policy => policy,
            },
            entrypoint,
            cmd,
            stop_signal,
            open_stdin: args.interactive, // [ch07]
            log: config::logging::LogConfig::parse(&args.log_driver, &args.log_opt)?, // [ch07]
        },
        // [ch06 end]
        network, // [ch08]
    })
}

// [ch09]
/// The container's ports: those it exposes (its image's EXPOSE, `--expose`), those it publishes
/// (`-p`, and with `-P` every one it exposes), as its network mode allows.
fn ports(
    args: &RunArgs,
    image: Option<&Image>,
    network: config::network::Network,
) -> Result<config::network::Network> {
    use config::network::Mode;
    let mut network = network;
    for spec in &args.publish {
        network.ports.extend(config::ports::parse(spec)?);
    }
    network.publish_all = args.publish_all;
    let from_image = image
        .iter()
        .flat_map(|image| image.config.config.exposed_ports.keys());
    for spec in from_image.chain(&args.expose) {
        network.exposed.extend(config::ports::exposed(spec)?);
    }
    network.exposed.sort();
    network.exposed.dedup();
    let publishing = !network.ports.is_empty() || network.publish_all;
    match network.mode {
        // The host's own ports are the container's: there is nothing to publish them on.
        Mode::Host if publishing => {
            sys::tell(&"WARNING: Published ports are discarded when using host network mode");
            network.ports.clear();
            network.publish_all = false;
        }
        Mode::Container(_) if publishing => {
            return Err(config::Error::Network(
                "conflicting options: port publishing and the container type network mode".into(),
            )
            .into())
        }
        _ => {}
    }
    Ok(network)
}

/// The user's network the container is on, which must exist, and the address it asks for on it
/// (`--ip`), which only a user's network can give.
fn user_network(
    args: &RunArgs,
    root: &Path,
    network: config::network::Network,
) -> Result<config::network::Network> {
    use config::network::Mode;
    let mut network = network;
    // Named by its id, or the start of it: recorded by its name, as docker records it.
    if let Mode::User(reference) = &network.mode {
        let found = network::store::find(root, reference).map_err(container::Error::from)?;
        // A macvlan network's containers are on the parent's segment, reached there: the
        // host's ports lead to none of them.
        if found.parent.is_some() && (!network.ports.is_empty() || network.publish_all) {
            return Err(config::Error::Network(format!(
                "port publishing is not supported on the macvlan network {}: its containers are \
                 reached at their own addresses on the parent's segment",
                found.name
            ))
            .into());
        }
        network.mode = match found.name.as_str() {
            network::store::DEFAULT => Mode::Bridge,
            _ => Mode::User(found.name),
        };
    }
    if let Some(ip) = &args.ip {
        network.ip = Some(
            ip.parse()
                .map_err(|_| config::Error::Network(format!("invalid IPv4 address: {ip}")))?,
        );
        if !matches!(network.mode, Mode::User(_)) {
            return Err(config::Error::Network(
                "user specified IP address is supported on user defined networks only".into(),
            )
            .into());
        }
    }
    Ok(network)
}
// [ch09 end]

// [ch04]
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
// [ch04 end]

// [ch05]
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
// [ch05 end]
