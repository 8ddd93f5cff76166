//! `minidock run`'s options.

use clap::{ArgAction, Args};

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Container host name (default: a short random id, as docker does)
    #[arg(short = 'h', long, value_name = "NAME")]
    pub hostname: Option<String>,

    /// Set an environment variable (KEY=VALUE), or pass KEY through from minidock's environment
    #[arg(short = 'e', long = "env", value_name = "KEY[=VALUE]")]
    pub env: Vec<String>,

    /// Working directory of the command inside the container (created if missing)
    #[arg(short = 'w', long, value_name = "DIR")]
    pub workdir: Option<String>,

    // [ch06]
    /// Run container in background and print container ID
    #[arg(short, long)]
    pub detach: bool,

    /// Assign a name to the container
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Restart policy to apply when a container exits
    #[arg(long, value_name = "POLICY", default_value = "no")]
    pub restart: String,

    /// Signal to stop the container
    #[arg(long, value_name = "SIGNAL")]
    pub stop_signal: Option<String>,
    // [ch06 end]
    // [ch07]
    /// Allocate a pseudo-TTY
    #[arg(short, long)]
    pub tty: bool,

    /// Keep STDIN open even if not attached
    #[arg(short, long)]
    pub interactive: bool,

    /// Override the key sequence for detaching a container
    #[arg(long, value_name = "KEYS")]
    pub detach_keys: Option<String>,
    // [ch07 end]
    // [ch05]
    /// Automatically remove the container when it exits (until chapter 6, every container is)
    #[arg(long)]
    pub rm: bool,
    // [ch05 end]
    // [ch02]
    /// Run an init inside the container that forwards signals and reaps processes
    #[arg(long)]
    pub init: bool,
    // [ch02 end]
    // [ch05]
    /// Overwrite the default ENTRYPOINT of the image ("" clears it)
    #[arg(long, value_name = "COMMAND", allow_hyphen_values = true)]
    pub entrypoint: Option<String>,
    // [ch05 end]
    // [ch03]
    /// Mount a tmpfs at PATH in the container, with mount options (e.g. /run:size=64m,mode=755)
    #[arg(long, value_name = "PATH[:OPTIONS]")]
    pub tmpfs: Vec<String>,
    // [ch03 end]
    // [ch04]
    /// Memory limit (e.g. 64m; units b, k, m, g)
    #[arg(short = 'm', long, value_name = "BYTES", allow_hyphen_values = true)]
    pub memory: Option<String>,

    /// Memory plus swap limit: a size, or -1 for unlimited swap
    #[arg(long, value_name = "BYTES", allow_hyphen_values = true)]
    pub memory_swap: Option<String>,

    /// Number of CPUs the container may use (e.g. 0.5)
    #[arg(long, value_name = "DECIMAL", allow_hyphen_values = true)]
    pub cpus: Option<String>,

    /// CPU shares: relative weight under contention (default 1024)
    #[arg(short = 'c', long, value_name = "INT", allow_hyphen_values = true)]
    pub cpu_shares: Option<String>,

    /// At most this many processes in the container (0 or -1: unlimited)
    #[arg(long, value_name = "INT", allow_hyphen_values = true)]
    pub pids_limit: Option<String>,

    /// CPUs the container may run on (e.g. 0-1, 0,2)
    #[arg(long, value_name = "LIST")]
    pub cpuset_cpus: Option<String>,

    /// The cgroup the container's cgroup is made in: absolute, or relative to minidock's own
    #[arg(
        long,
        value_name = "PATH",
        env = "MINIDOCK_CGROUP_PARENT",
        default_value = "/minidock"
    )]
    pub cgroup_parent: String,
    // [ch04 end]
    // [ch07]
    /// Logging driver for the container (json-file, syslog or none)
    #[arg(long, value_name = "DRIVER", default_value = "json-file")]
    pub log_driver: String,

    /// Log driver options (KEY=VALUE)
    #[arg(long, value_name = "KEY=VALUE")]
    pub log_opt: Vec<String>,
    // [ch07 end]
    // [ch08]
    /// Connect a container to a network (bridge, none, host or container:NAME|ID)
    #[arg(
        long,
        visible_alias = "net",
        value_name = "NETWORK",
        default_value = "bridge"
    )]
    pub network: String,

    /// Set custom DNS servers
    #[arg(long, value_name = "IP")]
    pub dns: Vec<String>,

    /// Set custom DNS search domains
    #[arg(long, value_name = "DOMAIN")]
    pub dns_search: Vec<String>,

    /// Set DNS options
    #[arg(long, value_name = "OPTION")]
    pub dns_option: Vec<String>,

    /// Add a custom host-to-IP mapping (host:ip)
    #[arg(long, value_name = "HOST:IP")]
    pub add_host: Vec<String>,
    // [ch08 end]
    // [ch09]
    /// Publish a container's port(s) to the host ([IP:][HOST_PORT:]CONTAINER_PORT[/PROTO])
    #[arg(short = 'p', long, value_name = "PORT")]
    pub publish: Vec<String>,

    /// Publish all exposed ports to random ports
    #[arg(short = 'P', long)]
    pub publish_all: bool,

    /// Expose a port or a range of ports
    #[arg(long, value_name = "PORT")]
    pub expose: Vec<String>,

    /// IPv4 address (e.g., 172.30.100.104), on a network made with a subnet of the user's
    #[arg(long, value_name = "IP")]
    pub ip: Option<String>,
    // [ch09 end]
    /// Print help
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    /// IMAGE: a root filesystem directory, written as a path (/..., ./... or ../...); then the
    /// command to run in the container, and its arguments (required: a directory has no default
    /// command)
    //
    // One list, as docker parses it: everything after IMAGE belongs to the command, even words
    // that look like minidock's own options (`run ./rootfs ls --help` lists with --help).
    #[arg(
        required = true,
        trailing_var_arg = true,
        value_name = "IMAGE [COMMAND [ARG...]]"
    )]
    pub image_and_command: Vec<String>,
}

impl RunArgs {
    /// IMAGE, as written.
    pub fn image(&self) -> &str {
        self.image_and_command.first().map_or("", String::as_str)
    }

    /// The command and its arguments (empty when only IMAGE was given).
    pub fn command(&self) -> &[String] {
        self.image_and_command.get(1..).unwrap_or_default()
    }
}
