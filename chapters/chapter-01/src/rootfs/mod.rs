//! The container's root filesystem: the directory it sees as `/`.

#[allow(unused_imports)] // until your code uses it, in chapter 1
use std::path::Path;

use crate::config::Root;
use crate::sys;

/// Makes `root`'s directory the root directory of the container: the directory the command and
/// everything it starts see as `/`.
///
/// Runs in the container's first process, before it executes the command.
#[allow(dead_code)] // until your code uses it, in chapter 1
pub fn enter(root: &Root) -> sys::Result<()> {
    let rootfs = root.path.as_path();
    // TODO(chapter 1): Change the root directory
    //   (the book: chapter 1, "Change the root directory")
    // Make `rootfs` the whole filesystem of this process: what its paths start from, and
    // where it stands, so that no path it writes leads back into the host's tree.
    let _ = rootfs;
    Ok(())
}
