//! `minidock container prune [-f]`: every container that does not run, removed, after asking
//! (unless `-f`), as docker asks.

use std::path::Path;

use super::image_prune::confirm;
use super::images::{disk_usage, human_size_with_precision};
use crate::cli::ContainerPruneArgs;
use crate::container::state::{self, Status};

pub fn prune(args: &ContainerPruneArgs, root: &Path) -> u8 {
    if !args.force && !confirm("all stopped containers") {
        println!("Total reclaimed space: 0B");
        return 0;
    }
    let (mut deleted, mut reclaimed) = (Vec::new(), 0);
    for container in state::list(root) {
        // One being started, or whose monitor is still cleaning up after it, is left alone.
        let stopped = matches!(container.state.status, Status::Created | Status::Exited);
        if stopped && !container.state.monitor.alive() {
            reclaimed += disk_usage(&container.dir);
            state::remove(&container);
            deleted.push(container.id().to_string());
        }
    }
    if !deleted.is_empty() {
        println!("Deleted Containers:");
        for id in &deleted {
            println!("{id}");
        }
        println!();
    }
    println!(
        "Total reclaimed space: {}",
        human_size_with_precision(reclaimed, 4)
    );
    0
}
