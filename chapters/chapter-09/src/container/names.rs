//! Container names: `--name`, or one made up, and never two containers with one name.
//!
//! A name is taken by making the symbolic link `ROOT/names/NAME -> ID`. `symlink(2)` fails with
//! `EEXIST` when the name exists, whoever made it and however close behind: the kernel decides
//! which of two minidock processes taking one name at once gets it, with no lock.

use std::path::{Path, PathBuf};

use nix::errno::Errno;

use super::state::{Error, Result};
use crate::sys;

fn names(root: &Path) -> PathBuf {
    root.join("names")
}

/// Takes `name` for the container `id`; docker's conflict error if another container has it.
pub fn claim(root: &Path, name: &str, id: &str) -> Result<()> {
    let dir = names(root);
    let failed = |path: &Path, errno: Errno| Error::File {
        id: id.to_string(),
        path: path.to_path_buf(),
        reason: sys::describe(errno),
    };
    std::fs::create_dir_all(&dir).map_err(|e| failed(&dir, sys::errno_of(e)))?;
    let link = dir.join(name);
    let mut attempts = 0;
    loop {
        match std::os::unix::fs::symlink(id, &link) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let owner = lookup(root, name).unwrap_or_default();
                // A name whose container is gone (a run killed between taking the name and
                // making its directory, or an `rm` killed halfway) is free again: once.
                let stale = !owner.is_empty() && !super::state::dir(root, &owner).exists();
                attempts += 1;
                if stale && attempts == 1 && std::fs::remove_file(&link).is_ok() {
                    continue;
                }
                return Err(Error::NameInUse {
                    name: name.to_string(),
                    id: owner,
                });
            }
            Err(e) => return Err(failed(&link, sys::errno_of(e))),
        }
    }
}

/// Gives `name` back, if the container `id` has it.
pub fn release(root: &Path, name: &str, id: &str) {
    if lookup(root, name).as_deref() == Some(id) {
        let _ = std::fs::remove_file(names(root).join(name));
    }
}

/// Removes the names whose container is gone: a `run` killed after it took its name and before
/// its record was whole leaves its name behind when the record is swept. (A container's
/// directory is made before its name is taken, so a name whose directory is missing is stale.)
pub fn sweep(root: &Path) {
    let Ok(entries) = std::fs::read_dir(names(root)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = lookup(root, &name) {
            if !super::state::dir(root, &id).exists() {
                release(root, &name, &id);
            }
        }
    }
}

/// The id of the container named `name`.
pub fn lookup(root: &Path, name: &str) -> Option<String> {
    if name.is_empty() || name.contains('/') || name.starts_with('.') {
        return None;
    }
    let target = std::fs::read_link(names(root).join(name)).ok()?;
    Some(target.to_string_lossy().into_owned())
}

/// Whether `name` is one docker accepts: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Words for made-up names, `adjective_noun`, as docker makes them up (its lists are longer).
const ADJECTIVES: [&str; 32] = [
    "agile", "bold", "brave", "bright", "calm", "clever", "cosy", "curious", "daring", "eager",
    "fair", "fond", "gentle", "happy", "keen", "kind", "lively", "loyal", "lucid", "merry",
    "nimble", "patient", "quiet", "quick", "serene", "sharp", "steady", "sunny", "swift", "tidy",
    "vivid", "witty",
];

/// People whose work containers stand on.
const NOUNS: [&str; 32] = [
    "babbage",
    "backus",
    "bell",
    "cerf",
    "corbato",
    "dijkstra",
    "engelbart",
    "hamilton",
    "hopper",
    "kahn",
    "kernighan",
    "knuth",
    "lamport",
    "liskov",
    "lovelace",
    "mccarthy",
    "mcilroy",
    "metcalfe",
    "morris",
    "neumann",
    "ossanna",
    "perlman",
    "pike",
    "ritchie",
    "shannon",
    "stallman",
    "thompson",
    "torvalds",
    "turing",
    "wheeler",
    "wirth",
    "wozniak",
];

/// Takes a made-up name for the container `id`, `adjective_noun` as docker makes them up, with a
/// digit after it once the plain ones seem taken; returns it.
pub fn claim_made_up(root: &Path, id: &str) -> Result<String> {
    let mut last = None;
    for attempt in 0..64u32 {
        let mut random = [0u8; 3];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut random))
            .map_err(|e| Error::File {
                id: id.to_string(),
                path: PathBuf::from("/dev/urandom"),
                reason: sys::describe(sys::errno_of(e)),
            })?;
        let mut name = format!(
            "{}_{}",
            ADJECTIVES[random[0] as usize % ADJECTIVES.len()],
            NOUNS[random[1] as usize % NOUNS.len()]
        );
        if attempt >= 8 {
            name += &(random[2] % 100).to_string();
        }
        match claim(root, &name, id) {
            Ok(()) => return Ok(name),
            Err(err @ Error::NameInUse { .. }) => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.expect("tried at least once"))
}
