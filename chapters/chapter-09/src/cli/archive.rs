//! `load` and `save`'s options, as docker has them.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Read from a tar archive file (or an OCI layout directory), instead of standard input
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<String>,

    /// Suppress the load output
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Write to a file, instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The images to save, by name or id
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<String>,
}
