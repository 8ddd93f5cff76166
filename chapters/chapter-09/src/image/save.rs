//! `save`: images as one archive that `docker load`, `podman load` and skopeo read, in the shape
//! Docker 25 writes: `docker save`'s `manifest.json` and an OCI image layout, over the same blobs.
//!
//! ```text
//!   blobs/sha256/<config>     each image's config, its bytes as they were stored
//!   blobs/sha256/<diff id>    each layer's tar stream, made again from its skeleton, uncompressed
//!   blobs/sha256/<manifest>   an OCI manifest per image
//!   index.json  oci-layout    the OCI layout's entry points
//!   manifest.json             docker's: [{"Config", "RepoTags", "Layers"}]
//! ```
//!
//! Every layer is made again from its files, and its digest checked as it is written: an image
//! that comes out of `save` is the image that went into the store, with the same id.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::json;

use super::config::ImageConfig;
use super::digest::Digest;
use super::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("writing the archive: {0}")]
    Write(io::Error),
    #[error("image {id}: its config: {reason}")]
    Config { id: String, reason: String },
}

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const LAYER: &str = "application/vnd.oci.image.layer.v1.tar";

/// One image to save: its id, and the name it was asked by, if it was asked by a name.
pub struct Wanted {
    pub id: Digest,
    pub name: Option<String>,
}

/// Writes the images `wanted` as one archive to `out`.
pub fn save(store: &Store, wanted: &[Wanted], out: impl Write) -> Result<(), Error> {
    let mut tar = tar::Builder::new(out);
    let mut written = BTreeSet::new();
    let (mut docker, mut oci) = (Vec::new(), Vec::new());
    for image in wanted {
        let bytes = store.blob(&image.id)?;
        let config: ImageConfig = serde_json::from_slice(&bytes).map_err(|e| Error::Config {
            id: image.id.to_string(),
            reason: e.to_string(),
        })?;
        if written.insert(image.id.clone()) {
            add(&mut tar, &blob_name(&image.id), &bytes)?;
        }
        let mut layers = Vec::new();
        for diff_id in &config.rootfs.diff_ids {
            let diff_id: Digest = diff_id.parse().map_err(|e| Error::Config {
                id: image.id.to_string(),
                reason: format!("{e}"),
            })?;
            let size = store.layer_size(&diff_id)?;
            if written.insert(diff_id.clone()) {
                add_layer(&mut tar, store, &diff_id, size)?;
            }
            layers.push((diff_id, size));
        }
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": {"mediaType": CONFIG, "digest": image.id.to_string(), "size": bytes.len()},
            "layers": layers.iter().map(|(digest, size)| json!({
                "mediaType": LAYER, "digest": digest.to_string(), "size": size,
            })).collect::<Vec<_>>(),
        });
        let manifest = serde_json::to_vec(&manifest).expect("json serializes");
        let manifest_digest = Digest::of(&manifest);
        if written.insert(manifest_digest.clone()) {
            add(&mut tar, &blob_name(&manifest_digest), &manifest)?;
        }
        let mut descriptor = json!({
            "mediaType": MANIFEST, "digest": manifest_digest.to_string(), "size": manifest.len(),
        });
        if let Some(name) = &image.name {
            descriptor["annotations"] = json!({"org.opencontainers.image.ref.name": name});
        }
        oci.push(descriptor);
        docker.push(json!({
            "Config": blob_name(&image.id),
            "RepoTags": image.name.as_ref().map(|name| vec![name]),
            "Layers": layers.iter().map(|(digest, _)| blob_name(digest)).collect::<Vec<_>>(),
        }));
    }
    let index = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": oci,
    });
    add(
        &mut tar,
        "index.json",
        &serde_json::to_vec(&index).expect("json"),
    )?;
    add(&mut tar, "oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)?;
    add(
        &mut tar,
        "manifest.json",
        &serde_json::to_vec(&docker).expect("json"),
    )?;
    tar.into_inner()
        .and_then(|mut out| out.flush())
        .map_err(Error::Write)
}

fn blob_name(digest: &Digest) -> String {
    format!("blobs/sha256/{}", digest.hex())
}

fn header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_ustar();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

fn add(tar: &mut tar::Builder<impl Write>, name: &str, bytes: &[u8]) -> Result<(), Error> {
    tar.append_data(&mut header(bytes.len() as u64), name, bytes)
        .map_err(Error::Write)
}

/// Adds a layer's tar stream as a member, made again as it is written: the tar crate's builder
/// wants a reader, and a layer is made by a writer, so the header, the stream and the padding go
/// to the archive's writer directly.
fn add_layer(
    tar: &mut tar::Builder<impl Write>,
    store: &Store,
    diff_id: &Digest,
    size: u64,
) -> Result<(), Error> {
    let name = blob_name(diff_id);
    let mut header = header(size);
    header.set_path(&name).map_err(Error::Write)?;
    header.set_cksum();
    let out = tar.get_mut();
    out.write_all(header.as_bytes()).map_err(Error::Write)?;
    let written = store.layer_stream(diff_id, out)?;
    debug_assert_eq!(written, size);
    let padding = (512 - size % 512) % 512;
    out.write_all(&vec![0u8; padding as usize])
        .map_err(Error::Write)
}
