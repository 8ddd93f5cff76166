//! The check of a layer against its digests, while it is extracted: what makes loading an image
//! safe from a damaged or doctored archive.
//!
//! ```text
//!   blob (as shipped) ──► hash: blob digest ──► decompress ──► hash: diff id ──► extract
//!                         = manifest's layer digest              = config's rootfs.diff_ids[i]
//! ```

use std::io::Read;
use std::path::PathBuf;

#[allow(unused_imports)] // until your code uses it, in chapter 5
use crate::image::compression::decompressed;
#[allow(unused_imports)] // until your code uses it, in chapter 5
use crate::image::digest::{Digest, Hashing};
use crate::image::layer::Extracted;
use crate::image::store::{self, Work};

#[allow(dead_code)] // until your code uses it, in chapter 5
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
#[allow(dead_code)] // until your code uses it, in chapter 5
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
    // TODO(chapter 5): Check the digests
    //   (the book: chapter 5, "Check the digests")
    // Extract the layer, and prove it is the one the image names before it may be stored:
    // its bytes as shipped against `expected.blob` (when there is one), its uncompressed tar
    // stream against `expected.diff_id`, each read only once: see "Check the digests".
    // Until then every layer is taken on trust.
    let _ = expected;
    Ok(work.extract_layer(decompressed(blob).map_err(Error::Read)?)?)
}
