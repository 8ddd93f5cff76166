//! The check of a layer against its digests, while it is extracted: what makes loading an image
//! safe from a damaged or doctored archive.
//!
//! ```text
//!   blob (as shipped) ──► hash: blob digest ──► decompress ──► hash: diff id ──► extract
//!                         = manifest's layer digest              = config's rootfs.diff_ids[i]
//! ```

use std::io::Read;
use std::path::PathBuf;

use crate::image::compression::decompressed;
use crate::image::digest::{Digest, Hashing};
use crate::image::layer::Extracted;
use crate::image::store::{self, Work};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("reading the layer: {0}")]
    Read(std::io::Error),
    #[error("layer {layer}: {what} is {got}, but the image says {expected}")]
    Mismatch {
        layer: String,
        what: &'static str,
        expected: Digest,
        got: Digest,
    },
}

/// What an image says of one of its layers.
pub struct Expected<'a> {
    /// The digest of the layer's bytes as shipped, when the manifest gives one (an OCI layout
    /// does; an older `docker save` archive names its layers by path only).
    pub blob: Option<&'a Digest>,
    /// The digest of its uncompressed tar stream, from the image's config.
    pub diff_id: &'a Digest,
}

/// Extracts the layer `blob`, as shipped (plain, gzip or zstd), into `work`, and returns it with
/// its staged directory once both of its digests are what the image says they are.
pub fn layer(
    work: &Work,
    blob: impl Read,
    expected: Expected,
) -> Result<(Extracted, PathBuf), Error> {
    // The blob's digest is over the bytes as they came; the diff id over the tar stream inside
    // them: hash before decompressing, and let the extraction hash after.
    let mut shipped = Hashing::new(blob);
    let tar = decompressed(&mut shipped).map_err(Error::Read)?;
    let (layer, staged) = work.extract_layer(tar)?;
    // Whatever the decompressor left unread is part of the blob too.
    let (blob_digest, _) = shipped.finish().map_err(Error::Read)?;
    let mismatch = |what, expected: &Digest, got: &Digest| Error::Mismatch {
        layer: expected.to_string(),
        what,
        expected: expected.clone(),
        got: got.clone(),
    };
    if let Some(want) = expected.blob {
        if &blob_digest != want {
            return Err(mismatch("the digest of its bytes", want, &blob_digest));
        }
    }
    if &layer.diff_id != expected.diff_id {
        return Err(mismatch(
            "the digest of its tar stream",
            expected.diff_id,
            &layer.diff_id,
        ));
    }
    Ok((layer, staged))
}
