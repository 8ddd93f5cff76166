//! `docker save`'s archive: a `manifest.json` listing, for each image, its config, its names and
//! its layers, by their names in the archive.
//!
//! ```text
//!   manifest.json   [{"Config": "<id>.json", "RepoTags": ["busybox:latest"],
//!                     "Layers": ["<x>/layer.tar", ...]}]
//!   <id>.json       the image's config: its digest is the image's id
//!   <x>/layer.tar   a layer (Docker 25 and later: blobs/sha256/<digest>, and an OCI index too)
//! ```

use serde::Deserialize;

use super::{archive::Archive, Blob, Described, Error};
use crate::image::digest::Digest;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// The images `manifest.json` describes.
pub fn describe(archive: &Archive) -> Result<Vec<Described>, Error> {
    let bytes = archive.read_member("manifest.json")?;
    let entries: Vec<Entry> = serde_json::from_slice(&bytes).map_err(|e| Error::Format {
        archive: archive.shown(),
        reason: format!("manifest.json: {e}"),
    })?;
    Ok(entries
        .into_iter()
        .map(|entry| Described {
            config: blob(&entry.config),
            layers: entry.layers.iter().map(|layer| blob(layer)).collect(),
            names: entry.repo_tags.unwrap_or_default(),
        })
        .collect())
}

/// A member, with the digest its name says it has: `blobs/sha256/<hex>`, or `<hex>.json` for
/// a config.
fn blob(member: &str) -> Blob {
    let last = member.rsplit('/').next().unwrap_or(member);
    let hex = last.strip_suffix(".json").unwrap_or(last);
    let by_name = member.starts_with("blobs/sha256/") || last.ends_with(".json");
    Blob {
        member: member.to_string(),
        digest: by_name
            .then(|| format!("sha256:{hex}").parse::<Digest>().ok())
            .flatten(),
    }
}
