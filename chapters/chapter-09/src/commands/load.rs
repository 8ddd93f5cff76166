//! `minidock load [-i FILE]`: the images of an archive, into the store.

use std::path::Path;

use crate::cli::LoadArgs;
use crate::image::load::{self, Loaded};
use crate::image::progress::Bars;
use crate::image::store::Store;

pub type Error = load::Error;

/// Loads the archive and says what it named, as docker does (also with `-q`, which only hides
/// the bars).
pub fn load(args: &LoadArgs, root: &Path) -> Result<u8, Error> {
    let store = Store::open(root)?;
    let bars = if args.quiet { Bars::Quiet } else { Bars::Drawn };
    for loaded in load::load(&store, args.input.as_deref(), bars)? {
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
