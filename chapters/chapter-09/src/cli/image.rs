//! The image commands' options: `import`, `images`, `tag`, `rmi`, `image inspect`, `history` and
//! `image prune`, as docker has them, and docker's `image` group of them.

use clap::{Args, Subcommand};

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

    /// Only the images of this repository (and of this tag, if one is given)
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// The image to name: a name, an id or a prefix of one
    #[arg(value_name = "SOURCE_IMAGE[:TAG]")]
    pub source: String,

    /// The new name
    #[arg(value_name = "TARGET_IMAGE[:TAG]")]
    pub target: String,
}

#[derive(Debug, Args)]
pub struct RmiArgs {
    /// Force removal of the image
    #[arg(short, long)]
    pub force: bool,

    /// The images: names, ids or prefixes of ids
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImageInspectArgs {
    /// Format the output using the given Go template
    #[arg(short, long, value_name = "TEMPLATE")]
    pub format: Option<String>,

    /// The images: names, ids or prefixes of ids
    #[arg(required = true, value_name = "IMAGE")]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,

    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,

    /// The image: a name, an id or a prefix of one
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove all unused images, not just dangling ones
    #[arg(short, long)]
    pub all: bool,

    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

/// `minidock image COMMAND`: docker's group of image commands, the top-level ones under their
/// group names.
#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Display the history of an image
    History(HistoryArgs),
    /// Import the contents from a tarball to create a filesystem image
    Import(ImportArgs),
    /// Display detailed information on one or more images
    Inspect(ImageInspectArgs),
    /// Load an image from a tar archive or STDIN
    Load(super::LoadArgs),
    /// List images
    #[command(visible_alias = "list")]
    Ls(ImagesArgs),
    /// Remove unused images
    Prune(PruneArgs),
    /// Remove one or more images
    #[command(visible_alias = "rmi", alias = "remove")]
    Rm(RmiArgs),
    /// Save one or more images to a tar archive (streamed to STDOUT by default)
    Save(super::SaveArgs),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(TagArgs),
}
