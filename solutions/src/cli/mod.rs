//! The command line, in docker's shape: `minidock [OPTIONS] run [OPTIONS] IMAGE [COMMAND] [ARG...]`.
//!
//! Only what clap needs to parse it: the structs, their help texts and defaults. What the options
//! mean is for the commands (`crate::commands`) to work out. It stays the same from chapter 1 to
//! the end of the workshop, so the tests of early chapters keep running against the finished
//! runtime: later chapters add options, and commands, each in a file of its own here.

// [ch05]
mod archive;
mod image;
// [ch05 end]
mod container; // [ch06]
mod network; // [ch09]
mod run;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
// [ch05]
use clap::ValueEnum;
// [ch05 end]

// [ch05]
pub use archive::{LoadArgs, SaveArgs};
pub use image::{
    HistoryArgs, ImageCommand, ImageInspectArgs, ImagesArgs, ImportArgs, PruneArgs, RmiArgs,
    TagArgs,
};
// [ch05 end]
// [ch06]
pub use container::{
    CommitArgs, ContainerPruneArgs, CpArgs, DiffArgs, ExecArgs, InspectArgs, KillArgs, LogsArgs,
    PauseArgs, PortArgs, PsArgs, RenameArgs, RestartArgs, RmArgs, StartArgs, StatsArgs, StopArgs,
    TopArgs, WaitArgs,
};
// [ch06 end]
// [ch07]
pub use container::{AttachArgs, EventsArgs};
// [ch07 end]
// [ch09]
pub use network::{
    NetworkCommand, NetworkConnectArgs, NetworkCreateArgs, NetworkDisconnectArgs,
    NetworkInspectArgs, NetworkLsArgs, NetworkPruneArgs, NetworkRmArgs,
};
// [ch09 end]
pub use run::RunArgs;

/// A small container runtime, written chapter by chapter.
#[derive(Debug, Parser)]
#[command(
    name = "minidock",
    version,
    about = "A small container runtime, written chapter by chapter",
    max_term_width = 100
)]
pub struct Cli {
    /// Print every system call minidock makes, with the shell command that does the same
    #[arg(long)]
    pub explain: bool,

    /// Where minidock keeps its state
    #[arg(
        long,
        value_name = "DIR",
        env = "MINIDOCK_ROOT",
        default_value = "/var/lib/minidock"
    )]
    pub root: PathBuf,

    // [ch05]
    /// How a container of an image gets its root filesystem
    #[arg(
        long,
        value_name = "DRIVER",
        env = "MINIDOCK_STORAGE_DRIVER",
        value_enum,
        default_value_t = StorageDriver::Overlay
    )]
    pub storage_driver: StorageDriver,

    // [ch05 end]
    // [ch08]
    /// The default bridge network's gateway address and subnet, as ADDRESS/PREFIX (e.g.
    /// 172.18.0.1/16); by default the first of docker's pools that the host's routes leave free
    #[arg(long, value_name = "CIDR", env = "MINIDOCK_BIP")]
    pub bip: Option<String>,

    // [ch08 end]
    // [ch09]
    /// The tool that writes the firewall's rules; by default the one that wrote them last, or
    /// nftables
    #[arg(
        long,
        value_name = "DRIVER",
        env = "MINIDOCK_FIREWALL_DRIVER",
        value_enum
    )]
    pub firewall_driver: Option<FirewallDriver>,

    // [ch09 end]
    #[command(subcommand)]
    pub command: Command,
}

// One value, parsed once: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a command in a new container
    // docker uses -h for --hostname here, so help is --help only.
    #[command(disable_help_flag = true)]
    Run(RunArgs),
    // [ch05]
    /// Import the contents from a tarball to create a filesystem image
    Import(ImportArgs),
    /// List images
    Images(ImagesArgs),
    /// Load an image from a tar archive or STDIN
    Load(LoadArgs),
    /// Save one or more images to a tar archive (streamed to STDOUT by default)
    Save(SaveArgs),
    /// Display system-wide information
    Info,
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(TagArgs),
    /// Remove one or more images
    Rmi(RmiArgs),
    /// Show the history of an image
    History(HistoryArgs),
    /// Manage images
    #[command(subcommand)]
    Image(ImageCommand),
    // [ch05 end]
    // [ch06]
    /// Create a new container
    #[command(disable_help_flag = true)]
    Create(RunArgs),
    /// Start one or more stopped containers
    Start(StartArgs),
    /// Restart one or more containers
    Restart(RestartArgs),
    /// List containers
    Ps(PsArgs),
    /// Fetch the logs of a container
    Logs(LogsArgs),
    /// Stop one or more running containers
    Stop(StopArgs),
    /// Kill one or more running containers
    Kill(KillArgs),
    /// Remove one or more containers
    Rm(RmArgs),
    /// Block until one or more containers stop, then print their exit codes
    Wait(WaitArgs),
    /// Return low-level information on containers or images
    Inspect(InspectArgs),
    /// Execute a command in a running container
    Exec(ExecArgs),
    /// Pause all processes within one or more containers
    Pause(PauseArgs),
    /// Unpause all processes within one or more containers
    Unpause(PauseArgs),
    /// Rename a container
    Rename(RenameArgs),
    /// List port mappings or a specific mapping for the container
    Port(PortArgs),
    /// Display the running processes of a container
    Top(TopArgs),
    /// Display a live stream of container(s) resource usage statistics
    Stats(StatsArgs),
    /// Manage containers
    #[command(subcommand)]
    Container(ContainerCommand),
    /// Inspect changes to files or directories on a container's filesystem
    Diff(DiffArgs),
    /// Create a new image from a container's changes
    Commit(CommitArgs),
    /// Copy files/folders between a container and the local filesystem
    Cp(CpArgs),
    // [ch06 end]
    // [ch07]
    /// Attach local standard input, output, and error streams to a running container
    Attach(AttachArgs),
    /// Get real time events from the server
    Events(EventsArgs),
    // [ch07 end]
    // [ch09]
    /// Manage networks
    #[command(subcommand)]
    Network(NetworkCommand),
    // [ch09 end]
}

// [ch06]
/// `minidock container COMMAND`.
#[derive(Debug, Subcommand)]
pub enum ContainerCommand {
    /// List containers
    Ls(PsArgs),
    /// Remove all stopped containers
    Prune(ContainerPruneArgs),
}
// [ch06 end]

// [ch09]
/// The firewall drivers, as `--firewall-driver` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FirewallDriver {
    /// A table of minidock's own, applied with `nft -f -`
    Nftables,
    /// Chains of minidock's own in the nat table, applied with `iptables-restore --noflush`
    Iptables,
}
// [ch09 end]

// [ch05]
/// The storage drivers, as `--storage-driver` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StorageDriver {
    /// The image's layers, shared, under a directory of the container's own (overlayfs)
    Overlay,
    /// A full copy of the image for each container, where overlayfs cannot be used
    Vfs,
}
// [ch05 end]
