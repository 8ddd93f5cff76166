//! `minidock rename CONTAINER NEW_NAME`.

use std::path::Path;

use crate::cli::RenameArgs;
use crate::container::{names, state};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")]
    BadName(String),
    #[error("Renaming a container with the same name as its current name")]
    SameName,
}

pub fn rename(args: &RenameArgs, root: &Path) -> Result<u8, Error> {
    let container = state::find(root, &args.container)?;
    let name = args.new_name.trim_start_matches('/');
    if !names::valid(name) {
        return Err(Error::BadName(args.new_name.clone()));
    }
    if name == container.name() {
        return Err(Error::SameName);
    }
    state::rename(&container, name)?;
    Ok(0)
}
