//! The OCI image layout: `index.json` points at manifests, a manifest at a config and layers,
//! each by its digest, each a file of `blobs/`. An OCI archive is the same tree in a tarball.
//!
//! ```text
//!   oci-layout      {"imageLayoutVersion": "1.0.0"}
//!   index.json      {"manifests": [{"digest": "sha256:M", "annotations":
//!                                   {"org.opencontainers.image.ref.name": "1.0"}}]}
//!   blobs/sha256/M  the manifest: {"config": {"digest": "sha256:C"},
//!                                  "layers": [{"digest": "sha256:L1", "mediaType": ...}]}
//!   blobs/sha256/C  the image's config;  blobs/sha256/L1  a layer, plain, gzip or zstd
//! ```
//!
//! An index may point at another index, one manifest per platform: the one for this machine is
//! taken.

use std::collections::HashMap;

use serde::Deserialize;

use super::{archive::Archive, Blob, Described, Error};
use crate::image::config;
use crate::image::digest::Digest;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    media_type: String,
    digest: String,
    #[serde(default)]
    annotations: HashMap<String, String>,
    #[serde(default)]
    platform: Option<Platform>,
}

#[derive(Deserialize)]
struct Platform {
    architecture: String,
    os: String,
}

#[derive(Deserialize)]
struct Index {
    manifests: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct Manifest {
    config: Descriptor,
    layers: Vec<Descriptor>,
}

const INDEXES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// The images `index.json` describes.
pub fn describe(archive: &Archive) -> Result<Vec<Described>, Error> {
    let index: Index = parse(archive, "index.json", &archive.read_member("index.json")?)?;
    let mut described = Vec::new();
    for descriptor in index.manifests {
        let names: Vec<String> = [
            "io.containerd.image.name",
            "org.opencontainers.image.ref.name",
        ]
        .iter()
        .find_map(|key| descriptor.annotations.get(*key))
        .cloned()
        .into_iter()
        .collect();
        let manifest = manifest_of(archive, descriptor)?;
        described.push(Described {
            config: blob(archive, &manifest.config.digest)?,
            layers: manifest
                .layers
                .iter()
                .map(|layer| blob(archive, &layer.digest))
                .collect::<Result<_, _>>()?,
            names,
        });
    }
    Ok(described)
}

/// The manifest `descriptor` points at, through an index for several platforms if need be.
fn manifest_of(archive: &Archive, descriptor: Descriptor) -> Result<Manifest, Error> {
    let mut descriptor = descriptor;
    for _ in 0..4 {
        let bytes = verified(archive, &descriptor.digest)?;
        if !INDEXES.contains(&descriptor.media_type.as_str()) {
            return parse(archive, &descriptor.digest, &bytes);
        }
        let index: Index = parse(archive, &descriptor.digest, &bytes)?;
        descriptor = index
            .manifests
            .into_iter()
            .find(|d| {
                d.platform
                    .as_ref()
                    .is_none_or(|p| p.os == "linux" && p.architecture == config::architecture())
            })
            .ok_or_else(|| Error::Format {
                archive: archive.shown(),
                reason: format!(
                    "no image for linux/{} in {}",
                    config::architecture(),
                    descriptor.digest
                ),
            })?;
    }
    Err(Error::Format {
        archive: archive.shown(),
        reason: "indexes nested too deep".into(),
    })
}

/// The blob of `digest`, read whole and checked against it: a manifest or an index.
fn verified(archive: &Archive, digest: &str) -> Result<Vec<u8>, Error> {
    let blob = blob(archive, digest)?;
    let bytes = archive.read_member(&blob.member)?;
    let got = Digest::of(&bytes);
    match blob.digest {
        Some(want) if want != got => Err(Error::Format {
            archive: archive.shown(),
            reason: format!("{} has the digest {got}, not {want}", blob.member),
        }),
        _ => Ok(bytes),
    }
}

fn blob(archive: &Archive, digest: &str) -> Result<Blob, Error> {
    let digest: Digest = digest.parse().map_err(|e| Error::Format {
        archive: archive.shown(),
        reason: format!("{e}"),
    })?;
    Ok(Blob {
        member: format!("blobs/sha256/{}", digest.hex()),
        digest: Some(digest),
    })
}

fn parse<T: for<'de> Deserialize<'de>>(
    archive: &Archive,
    what: &str,
    bytes: &[u8],
) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Format {
        archive: archive.shown(),
        reason: format!("{what}: {e}"),
    })
}
