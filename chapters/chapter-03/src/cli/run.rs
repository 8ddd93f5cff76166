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

    /// Run an init inside the container that forwards signals and reaps processes
    #[arg(long)]
    pub init: bool,
    /// Mount a tmpfs at PATH in the container, with mount options (e.g. /run:size=64m,mode=755)
    #[arg(long, value_name = "PATH[:OPTIONS]")]
    pub tmpfs: Vec<String>,
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
