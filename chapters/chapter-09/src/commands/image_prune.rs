//! `minidock image prune [-a] [-f]`: removes the images without a name (with `-a`, every image no
//! container uses), and the layers no image lists any more, as docker does.

use std::io::{BufRead, Write};
use std::path::Path;

use super::images::{disk_usage, human_size_with_precision};
use super::rmi;
use crate::cli::PruneArgs;
use crate::container::storage;
use crate::image::store::{self, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Remove(#[from] rmi::Error),
}

/// Asks first, unless `-f`; then removes, and tells what went and the space it freed.
pub fn prune(args: &PruneArgs, root: &Path) -> Result<u8, Error> {
    if !args.force && !confirmed(args.all) {
        println!("Total reclaimed space: 0B");
        return Ok(0);
    }
    let store = Store::open(root)?;
    let locked = store.lock()?;
    let names = store.names()?;
    let mut lines = Vec::new();
    let mut reclaimed = 0;
    for id in store.images()? {
        let named: Vec<&String> = names
            .iter()
            .filter(|(_, named)| **named == id)
            .map(|(name, _)| name)
            .collect();
        if (!named.is_empty() && !args.all) || !storage::users(root, &id.to_string()).is_empty() {
            continue;
        }
        lines.extend(named.iter().map(|name| format!("untagged: {name}")));
        // The sizes are measured before the layers go.
        let sizes: Vec<_> = store
            .diff_ids(&id)?
            .into_iter()
            .map(|d| (disk_usage(&store.layer(&d)), d))
            .collect();
        let deleted = rmi::delete_image(&locked, &id)?;
        lines.push(format!("deleted: {id}"));
        lines.extend(
            deleted
                .chain_ids()
                .map(|chain_id| format!("deleted: {chain_id}")),
        );
        reclaimed += sizes
            .iter()
            .filter(|(_, d)| deleted.removed.contains(d))
            .map(|(size, _)| size)
            .sum::<u64>();
    }
    // Layers that no image lists: what a removal killed halfway leaves.
    let unused = locked.unused_layers()?;
    reclaimed += unused
        .iter()
        .map(|d| disk_usage(&store.layer(d)))
        .sum::<u64>();
    locked.remove_layers(&unused)?;
    if !lines.is_empty() {
        println!("Deleted Images:\n{}\n", lines.join("\n"));
    }
    println!(
        "Total reclaimed space: {}",
        human_size_with_precision(reclaimed, 4)
    );
    Ok(0)
}

/// docker's question, answered on standard input: yes is `y`.
fn confirmed(all: bool) -> bool {
    confirm(if all {
        "all images without at least one container associated to them"
    } else {
        "all dangling images"
    })
}

/// Asks, as docker's prune commands ask, whether to remove `what`; whether the answer is yes.
pub(crate) fn confirm(what: &str) -> bool {
    print!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y")
}
