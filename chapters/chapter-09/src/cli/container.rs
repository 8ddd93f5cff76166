//! The container commands' options: `ps`, `logs`, `stop`, `kill`, `rm`, `wait`, `inspect`,
//! `exec`, `pause` and `unpause`, as docker has them.

use clap::Args;

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all containers (default shows just running)
    #[arg(short, long)]
    pub all: bool,

    /// Only display container IDs
    #[arg(short, long)]
    pub quiet: bool,

    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,

    /// Filter output based on conditions provided (status=, name=, id=)
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,

    /// Pretty-print containers using a Go template
    #[arg(long, value_name = "TEMPLATE")]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow log output
    #[arg(short, long)]
    pub follow: bool,

    /// Number of lines to show from the end of the logs
    #[arg(short = 'n', long, value_name = "N", default_value = "all")]
    pub tail: String,

    /// Show timestamps
    #[arg(short, long)]
    pub timestamps: bool,

    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42
    /// minutes)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// The container: a name, an id or a prefix of one
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    /// Seconds to wait for stop before killing it
    #[arg(
        short,
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        allow_hyphen_values = true
    )]
    pub time: i64,

    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct KillArgs {
    /// Signal to send to the container
    #[arg(short, long, value_name = "SIGNAL", default_value = "KILL")]
    pub signal: String,

    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Force the removal of a running container (uses SIGKILL)
    #[arg(short, long)]
    pub force: bool,

    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Format the output using the given Go template
    #[arg(short, long, value_name = "TEMPLATE")]
    pub format: Option<String>,

    /// Containers (or images) to inspect: names, ids or prefixes of ids
    #[arg(value_name = "NAME|ID", required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Detached mode: run command in the background
    #[arg(short, long)]
    pub detach: bool,

    /// Set environment variables
    #[arg(short, long, value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// Working directory inside the container
    #[arg(short, long, value_name = "DIR")]
    pub workdir: Option<String>,

    /// Username or UID (format: <name|uid>[:<group|gid>])
    #[arg(short, long, value_name = "USER")]
    pub user: Option<String>,

    /// Allocate a pseudo-TTY
    #[arg(short, long)]
    pub tty: bool,

    /// Keep STDIN open even if not attached
    #[arg(short, long)]
    pub interactive: bool,

    /// Override the key sequence for detaching a container
    #[arg(long, value_name = "KEYS")]
    pub detach_keys: Option<String>,

    /// The container, then the command and its arguments; everything after CONTAINER belongs
    /// to the command, as in `run`.
    #[arg(
        required = true,
        num_args = 2..,
        trailing_var_arg = true,
        value_name = "CONTAINER COMMAND [ARG...]"
    )]
    pub container_and_command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PauseArgs {
    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Attach STDOUT/STDERR and forward signals
    #[arg(short, long)]
    pub attach: bool,

    /// Attach container's STDIN
    #[arg(short, long)]
    pub interactive: bool,

    /// Override the key sequence for detaching a container
    #[arg(long, value_name = "KEYS")]
    pub detach_keys: Option<String>,

    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Seconds to wait for stop before killing the container
    #[arg(
        short,
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        allow_hyphen_values = true
    )]
    pub time: i64,

    #[arg(value_name = "CONTAINER", required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    #[arg(value_name = "CONTAINER")]
    pub container: String,

    #[arg(value_name = "NEW_NAME")]
    pub new_name: String,
}

#[derive(Debug, Args)]
pub struct PortArgs {
    #[arg(value_name = "CONTAINER")]
    pub container: String,

    /// A private port, with its protocol (`80/tcp`)
    #[arg(value_name = "PRIVATE_PORT[/PROTO]")]
    pub port: Option<String>,
}

#[derive(Debug, Args)]
pub struct TopArgs {
    #[arg(value_name = "CONTAINER")]
    pub container: String,

    /// Options for ps(1), `-ef` if none
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ps OPTIONS"
    )]
    pub ps_options: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Show all containers (default shows just running)
    #[arg(short, long)]
    pub all: bool,

    /// Disable streaming stats and only pull the first result
    #[arg(long)]
    pub no_stream: bool,

    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ContainerPruneArgs {
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

#[derive(Debug, Args)]
pub struct CommitArgs {
    /// Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")
    #[arg(short, long, value_name = "STRING")]
    pub author: Option<String>,

    /// Apply Dockerfile instruction to the created image
    #[arg(short, long, value_name = "INSTRUCTION")]
    pub change: Vec<String>,

    /// Commit message
    #[arg(short, long, value_name = "STRING")]
    pub message: Option<String>,

    /// Pause container during commit
    #[arg(short, long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub pause: bool,

    #[arg(value_name = "CONTAINER")]
    pub container: String,

    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct CpArgs {
    /// Archive mode (copy all uid/gid information)
    #[arg(short, long)]
    pub archive: bool,

    /// Always follow symbol link in SRC_PATH
    #[arg(short = 'L', long)]
    pub follow_link: bool,

    /// CONTAINER:SRC_PATH or a path on the host
    #[arg(value_name = "SRC")]
    pub source: String,

    /// CONTAINER:DEST_PATH or a path on the host
    #[arg(value_name = "DEST")]
    pub destination: String,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Override the key sequence for detaching a container
    #[arg(long, value_name = "KEYS")]
    pub detach_keys: Option<String>,

    /// Do not attach STDIN
    #[arg(long)]
    pub no_stdin: bool,

    /// Proxy all received signals to the process
    #[arg(long, value_name = "BOOL", default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub sig_proxy: bool,

    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Filter output based on conditions provided (container=, event=, type=, image=, label=)
    #[arg(short, long, value_name = "FILTER")]
    pub filter: Vec<String>,

    /// Format the output using the given Go template
    #[arg(long, value_name = "TEMPLATE")]
    pub format: Option<String>,

    /// Show all events created since timestamp
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,

    /// Stream events until this timestamp
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}
