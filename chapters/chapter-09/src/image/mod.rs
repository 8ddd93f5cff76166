//! Images: what a container starts from, stored once, shared by every container made of it.

pub mod compression;
pub mod config;
pub mod digest;
pub mod import;
pub mod layer;
pub mod load;
pub mod progress;
pub mod save;
pub mod skeleton;
pub mod store;

use std::path::{Path, PathBuf};

use config::ImageConfig;
use digest::Digest;

/// An image of the store, as a container is made of it.
#[derive(Debug, Clone)]
pub struct Image {
    /// Its id: the digest of its config.
    pub id: Digest,
    pub config: ImageConfig,
    /// Its layers' directories, the bottom one first, as short links relative to the state root
    /// (see `store::Store::link`).
    pub links: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("image {id}: its config: {reason}")]
    Config { id: String, reason: String },
}

/// The image `reference` names in the store under the state root `state`.
pub fn find(state: &Path, reference: &str) -> Result<Image, Error> {
    let store = store::Store::open(state)?;
    let id = store.resolve(reference)?;
    let bad = |reason: String| Error::Config {
        id: id.to_string(),
        reason,
    };
    let config: ImageConfig =
        serde_json::from_slice(&store.blob(&id)?).map_err(|e| bad(e.to_string()))?;
    let diff_ids = config
        .rootfs
        .diff_ids
        .iter()
        .map(|diff_id| diff_id.parse())
        .collect::<Result<Vec<Digest>, _>>()
        .map_err(|e: digest::BadDigest| bad(e.to_string()))?;
    let links = diff_ids
        .iter()
        .map(|d| store.link(d))
        .collect::<Result<_, _>>()?;
    Ok(Image { id, config, links })
}
