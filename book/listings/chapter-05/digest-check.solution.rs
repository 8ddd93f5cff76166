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
