//! `minidock rmi [-f] IMAGE...`: removes names, and the images left without one, as docker does.
//!
//! A name given: the name goes. The image goes with its last name, unless a container uses it
//! (then, without `-f`, nothing goes; with it, the name only). An id given: the image goes with
//! every name it has, unless it has several and no `-f`, or a container uses it: one that runs
//! keeps it even from `-f`. A layer goes with the last image that lists it.

use std::path::Path;

use crate::cli::RmiArgs;
use crate::container::storage::{self, User};
use crate::image::digest::Digest;
use crate::image::store::{self, Locked, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    // docker's words, as the daemon answers.
    #[error("No such image: {0}")]
    NoSuchImage(String),
    #[error("conflict: unable to remove repository reference {name:?} (must force) - container {container} is using its referenced image {image}")]
    InUse {
        name: String,
        container: String,
        image: String,
    },
    #[error("conflict: unable to delete {image} ({}) - {reason}", if *.hard { "cannot be forced" } else { "must be forced" })]
    Conflict {
        image: String,
        hard: bool,
        reason: String,
    },
    #[error("{0}")]
    Several(String),
}

/// Removes each image asked for, and prints what went; tells what could not, after.
pub fn rmi(args: &RmiArgs, root: &Path) -> Result<u8, Error> {
    let store = Store::open(root)?;
    let mut errors = Vec::new();
    let mut fatal = false;
    for reference in &args.images {
        match remove(&store, root, reference, args.force) {
            Ok(lines) => lines.iter().for_each(|line| println!("{line}")),
            Err(err) => {
                fatal |= !matches!(err, Error::NoSuchImage(_));
                errors.push(err.to_string());
            }
        }
    }
    if errors.is_empty() {
        return Ok(0);
    }
    // As docker: with -f, an image that is not there is no failure.
    let message = Error::Several(errors.join("\nminidock: "));
    if args.force && !fatal {
        crate::sys::tell(&message);
        Ok(0)
    } else {
        Err(message)
    }
}

/// Removes what `reference` names; returns docker's lines for it: `Untagged: NAME`,
/// `Deleted: ID`, then the layers deleted.
fn remove(store: &Store, root: &Path, reference: &str, force: bool) -> Result<Vec<String>, Error> {
    // All under the lock: what is checked is still true when it is acted on.
    let locked = store.lock()?;
    let id = store
        .find(reference)?
        .ok_or_else(|| Error::NoSuchImage(reference.to_string()))?;
    let mut names: Vec<String> = store
        .names()?
        .into_iter()
        .filter(|(_, named)| *named == id)
        .map(|(name, _)| name)
        .collect();
    let users = storage::users(root, &id.to_string());
    let name = store::normalize(reference);
    let mut lines = Vec::new();
    if names.contains(&name) {
        // A name: it goes, unless it is the last and a container would be left with an image
        // of no name.
        if let (false, [_], Some(user)) = (force, &names[..], users.first()) {
            return Err(Error::InUse {
                name: reference.to_string(),
                container: short(&user.id),
                image: id.short().to_string(),
            });
        }
        locked.untag(&name)?;
        lines.push(format!("Untagged: {name}"));
        names.retain(|n| *n != name);
        // A container that runs keeps the image, now without a name, even from -f.
        if !names.is_empty() || users.iter().any(|user| user.running) {
            return Ok(lines);
        }
    } else if let Some(conflict) = conflict(&id, &names, &users, force) {
        return Err(conflict);
    }
    lines.extend(names.iter().map(|name| format!("Untagged: {name}")));
    lines.extend(delete(&locked, &id)?);
    Ok(lines)
}

/// Why the image `id` cannot be removed by its id, if it cannot: docker's order of checks.
fn conflict(id: &Digest, names: &[String], users: &[User], force: bool) -> Option<Error> {
    let conflict = |hard: bool, reason: String| Error::Conflict {
        image: id.short().to_string(),
        hard,
        reason,
    };
    if let Some(user) = users.iter().find(|user| user.running) {
        return Some(conflict(
            true,
            format!(
                "image is being used by running container {}",
                short(&user.id)
            ),
        ));
    }
    if force {
        return None;
    }
    if names.len() > 1 {
        return Some(conflict(
            false,
            "image is referenced in multiple repositories".into(),
        ));
    }
    users.first().map(|user| {
        conflict(
            false,
            format!(
                "image is being used by stopped container {}",
                short(&user.id)
            ),
        )
    })
}

/// Deletes the image `id` and the layers only it used; returns docker's `Deleted:` lines: the
/// image's id, then each layer deleted.
fn delete(locked: &Locked<'_>, id: &Digest) -> Result<Vec<String>, Error> {
    let deleted = delete_image(locked, id)?;
    let mut lines = vec![format!("Deleted: {id}")];
    lines.extend(
        deleted
            .chain_ids()
            .map(|chain_id| format!("Deleted: {chain_id}")),
    );
    Ok(lines)
}

/// What deleting an image removed.
pub struct Deleted {
    /// The image's layers, bottom first: each one's diff id and chain id.
    layers: Vec<(Digest, Digest)>,
    /// The diff ids of the layers deleted with it.
    pub removed: Vec<Digest>,
}

impl Deleted {
    /// The layers deleted, topmost first, by their chain ids: what docker names a layer by (the
    /// digest of the layers below it and its own), and lists them by.
    pub fn chain_ids(&self) -> impl Iterator<Item = &Digest> {
        self.layers
            .iter()
            .rev()
            .filter(|(diff_id, _)| self.removed.contains(diff_id))
            .map(|(_, chain_id)| chain_id)
    }
}

/// Deletes the image `id`, and the layers no other image lists.
pub fn delete_image(locked: &Locked<'_>, id: &Digest) -> Result<Deleted, Error> {
    let diff_ids = locked.store().diff_ids(id).unwrap_or_default();
    let chain = chain_ids(&diff_ids);
    let layers = diff_ids.into_iter().zip(chain).collect();
    let removed = locked.remove_image(id)?;
    Ok(Deleted { layers, removed })
}

/// The chain ids of layers listed bottom first: the bottom one's is its diff id; each other's,
/// the digest of the chain id below it, a space, and its own diff id.
fn chain_ids(diff_ids: &[Digest]) -> Vec<Digest> {
    let mut chain: Vec<Digest> = Vec::new();
    for diff_id in diff_ids {
        let id = match chain.last() {
            None => diff_id.clone(),
            Some(below) => Digest::of(format!("{below} {diff_id}").as_bytes()),
        };
        chain.push(id);
    }
    chain
}

/// A container's id as docker shows it: 12 characters.
fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_ids_are_dockers() {
        // A two-layer image of docker's, and the chain id docker printed deleting its top layer.
        let diff_ids: Vec<Digest> = [
            "sha256:93674a0121a628460f3ce3415d6b57a72d7b5e3a76e465b83bc9cc8c86e6fdf2",
            "sha256:ab9d620f3cfad4a86f83a987f79337e07d01e571bc6de9ef3e70d47df72ca122",
        ]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect();
        let chain = chain_ids(&diff_ids);
        assert_eq!(chain[0], diff_ids[0]);
        assert_eq!(
            chain[1].to_string(),
            "sha256:3fc04df3f039368f3b3bf8f15175a68420eb69920fc40f628162160250e85ad7"
        );
    }
}
