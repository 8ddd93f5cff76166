//! `import`: a root filesystem tarball becomes an image of one layer, as `docker import` makes it.

use std::io::{self, Read};

use super::compression::decompressed;
use super::config::{self, History, ImageConfig, RootFs, RunConfig};
use super::digest::Digest;
use super::layer;
use super::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Layer(#[from] layer::Error),
    #[error("reading the archive: {0}")]
    Read(io::Error),
}

/// Makes an image of the tarball read from `source` (plain or gzip), with `run` as what its
/// containers run by default; returns its id.
pub fn import(
    store: &Store,
    source: impl Read,
    run: RunConfig,
    comment: &str,
) -> Result<Digest, Error> {
    let work = store.work()?;
    let (layer, staged) = work.extract_layer(decompressed(source).map_err(Error::Read)?)?;
    let now = config::rfc3339(std::time::SystemTime::now());
    let image = ImageConfig {
        created: Some(now.clone()),
        architecture: config::architecture().into(),
        os: "linux".into(),
        config: run,
        rootfs: RootFs {
            kind: "layers".into(),
            diff_ids: vec![layer.diff_id.to_string()],
        },
        history: vec![History {
            created: Some(now),
            created_by: None,
            comment: Some(comment.into()),
        }],
    };
    let bytes = serde_json::to_vec(&image).expect("an image config serializes");
    let locked = store.lock()?;
    locked.add_layer(&layer.diff_id, &staged)?;
    Ok(locked.add_blob(&bytes)?)
}
