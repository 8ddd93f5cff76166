//! `minidock diff CONTAINER`: what the container changed in its image's files, one line each,
//! `A` added, `C` changed, `D` deleted, as `docker diff` prints them.

use std::path::Path;

use crate::cli::DiffArgs;
use crate::container::state;
use crate::container::storage::{changes, files};

pub fn diff(args: &DiffArgs, root: &Path) -> Result<u8, files::Error> {
    let container = state::find(root, &args.container)?;
    for (path, kind) in changes::changes(&container)? {
        println!("{} {}", kind.letter(), path.display());
    }
    Ok(0)
}
