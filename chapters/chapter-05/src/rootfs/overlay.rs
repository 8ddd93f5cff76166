//! The root filesystem of a container of an image: its layers and its own changes, stacked by
//! overlayfs into one tree.
//!
//! ```text
//!   merged (root.path)   what the container sees: the union, top down
//!     ▲
//!   upper                the container's own: every file it writes or creates, copied up first
//!   lower 1 .. lower N   the image's layers, read-only, shared with every container of it
//! ```

use std::path::Path;

#[allow(unused_imports)] // until your code uses it, in chapter 5
use nix::mount::MsFlags;

use crate::config::Overlay;
use crate::sys;

/// Mounts the container's overlay at `at`. Runs in the container's own mount namespace, once its
/// mounts are private, so that the mount exists for it alone, and vanishes with it.
pub fn mount(overlay: &Overlay, at: &Path) -> sys::Result<()> {
    // TODO(chapter 5): Mount the image
    //   (the book: chapter 5, "Mount the image")
    // Stack the image's layers (`overlay.lower`, topmost first) under the container's own
    // directory for its changes (`overlay.upper`), with `overlay.work` as overlayfs needs it,
    // into one tree at `at`: see "Mount the image". Until then `at` is an empty directory.
    let _ = (overlay, at);
    Ok(())
}
