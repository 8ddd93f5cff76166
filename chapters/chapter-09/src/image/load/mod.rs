//! `load`: images from an archive, with every layer checked against its digests before the store
//! takes it.
//!
//! Two formats describe images: `docker save`'s (`manifest.json`, see `docker`) and the OCI image
//! layout (`index.json`, see `oci`); Docker 25 and later write both in one archive. Either way, an
//! image is a config, the layers it lists, and names, which [`Described`] holds.

pub mod archive;
mod check;
mod docker;
mod oci;

use archive::Archive;

use super::config::ImageConfig;
use super::digest::Digest;
use super::progress::{self, Bars};
use super::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Archive(#[from] archive::Error),
    #[error(transparent)]
    Check(#[from] check::Error),
    #[error("{archive}: {reason}")]
    Format { archive: String, reason: String },
    #[error("{0}: no manifest.json or index.json: not an image archive")]
    NotAnImage(String),
}

/// A member of the archive, with the digest the archive gives it, if any.
pub struct Blob {
    pub member: String,
    pub digest: Option<Digest>,
}

/// An image, as the archive describes it.
pub struct Described {
    pub config: Blob,
    /// Its layers, the bottom one first.
    pub layers: Vec<Blob>,
    pub names: Vec<String>,
}

/// What a load did, as `docker load` says it.
pub enum Loaded {
    /// A name now points at the image.
    Named(String),
    /// An image without a name.
    Id(Digest),
    /// A name moved from the image `old` to a new one.
    Renamed { name: String, old: Digest },
}

/// Loads every image of the archive (or standard input, for `None`) into `store`.
pub fn load(store: &Store, path: Option<&str>, bars: Bars) -> Result<Vec<Loaded>, Error> {
    let work = store.work()?;
    let archive = Archive::open(path, &work)?;
    let described = if archive.has("manifest.json") {
        docker::describe(&archive)?
    } else if archive.has("index.json") {
        oci::describe(&archive)?
    } else {
        return Err(Error::NotAnImage(archive.shown()));
    };
    let mut loaded = Vec::new();
    for image in described {
        loaded.extend(load_one(store, &work, &archive, image, bars)?);
    }
    Ok(loaded)
}

fn load_one(
    store: &Store,
    work: &store::Work,
    archive: &Archive,
    image: Described,
    bars: Bars,
) -> Result<Vec<Loaded>, Error> {
    let format = |reason: String| Error::Format {
        archive: archive.shown(),
        reason,
    };
    let bytes = archive.read_member(&image.config.member)?;
    let id = Digest::of(&bytes);
    if let Some(want) = &image.config.digest {
        if want != &id {
            return Err(format(format!(
                "the config {} has the digest {id}, not {want}",
                image.config.member
            )));
        }
    }
    let config: ImageConfig = serde_json::from_slice(&bytes)
        .map_err(|e| format(format!("the config {}: {e}", image.config.member)))?;
    let diff_ids = config
        .rootfs
        .diff_ids
        .iter()
        .map(|d| d.parse::<Digest>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format(format!("the config {}: {e}", image.config.member)))?;
    if diff_ids.len() != image.layers.len() {
        return Err(format(format!(
            "the manifest lists {} layers, the config {}",
            image.layers.len(),
            diff_ids.len()
        )));
    }
    // Each layer the store lacks is extracted and checked in the work directory; only then,
    // under the lock, does the image enter the store, whole.
    let mut staged = Vec::new();
    for (blob, diff_id) in image.layers.iter().zip(&diff_ids) {
        if store.has_layer(diff_id) || staged.iter().any(|(d, _)| d == diff_id) {
            continue;
        }
        let (reader, _bar) = progress::reading(
            archive.open_member(&blob.member)?,
            archive.size(&blob.member),
            format!("Loading layer {}", diff_id.short()),
            bars,
        );
        let expected = check::Expected {
            blob: blob.digest.as_ref(),
            diff_id,
        };
        let (_, dir) = check::layer(work, reader, expected)?;
        staged.push((diff_id.clone(), dir));
    }
    let locked = store.lock()?;
    for (diff_id, dir) in &staged {
        locked.add_layer(diff_id, dir)?;
    }
    if let Some(gone) = diff_ids.iter().find(|d| !store.has_layer(d)) {
        return Err(format(format!(
            "layer {gone} was removed while the image was loading: load it again"
        )));
    }
    let id = locked.add_blob(&bytes)?;
    if image.names.is_empty() {
        return Ok(vec![Loaded::Id(id)]);
    }
    let before = store.names()?;
    let mut loaded = Vec::new();
    for name in &image.names {
        let name = store::normalize(name);
        if let Some(old) = before.get(&name).filter(|old| **old != id) {
            loaded.push(Loaded::Renamed {
                name: name.clone(),
                old: old.clone(),
            });
        }
        locked.tag(&name, &id)?;
        loaded.push(Loaded::Named(name));
    }
    Ok(loaded)
}
