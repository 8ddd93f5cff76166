//! The image commands' options: `import` and `images`, as docker has them.

use clap::Args;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, WORKDIR, USER)
    #[arg(short = 'c', long = "change", value_name = "INSTRUCTION")]
    pub change: Vec<String>,

    /// Set the commit message for the imported image
    #[arg(short = 'm', long, value_name = "TEXT")]
    pub message: Option<String>,

    /// The tarball of a root filesystem, plain or gzip, or - for standard input
    #[arg(value_name = "FILE|-")]
    pub file: String,

    /// The name to give the image
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,

    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
}
