//! `minidock load [-i FILE]`: the images of an archive, into the store.

use std::path::Path;

use crate::cli::LoadArgs;
use crate::image::load::{self, Loaded};
use crate::image::store::Store;

pub type Error = load::Error;

/// Loads the archive and says what it named, as docker does.
pub fn load(args: &LoadArgs, root: &Path) -> Result<u8, Error> {
    let store = Store::open(root)?;
    for loaded in load::load(&store, args.input.as_deref())? {
        if args.quiet {
            continue;
        }
        match loaded {
            Loaded::Named(name) => println!("Loaded image: {name}"),
            Loaded::Id(id) => println!("Loaded image ID: {id}"),
            Loaded::Renamed { name, old } => println!(
                "The image {name} already exists, renaming the old one with ID {old} to empty string"
            ),
        }
    }
    Ok(0)
}
