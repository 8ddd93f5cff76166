// [ch05 file]
//! `import`: a root filesystem tarball becomes an image of one layer, as `docker import` makes it.

use std::io::{self, BufRead, BufReader, Read};

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
    #[error("the archive is compressed with zstd, which this runtime cannot read yet")]
    Zstd,
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
    let extracted = work.path().join("layer");
    std::fs::create_dir(&extracted).map_err(Error::Read)?;
    let layer = layer::extract(decompressed(source)?, &extracted)?;
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
    locked.add_layer(&layer.diff_id, &extracted)?;
    Ok(locked.add_blob(&bytes)?)
}

/// `source`, decompressed if its first bytes say it is compressed: the magic numbers of gzip
/// (`1f 8b`) and zstd (`28 b5 2f fd`), as docker tells them apart.
pub fn decompressed<'a>(source: impl Read + 'a) -> Result<Box<dyn Read + 'a>, Error> {
    // Large reads: the tar reader asks for 512 bytes at a time, and each would be a read(2).
    let mut reader = BufReader::with_capacity(1 << 20, source);
    let head = reader.fill_buf().map_err(Error::Read)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(reader)))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Err(Error::Zstd)
    } else {
        Ok(Box::new(reader))
    }
}
