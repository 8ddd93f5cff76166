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

use nix::mount::MsFlags;

use crate::config::Overlay;
use crate::sys;

/// Mounts the container's overlay at `at`. Runs in the container's own mount namespace, once its
/// mounts are private, so that the mount exists for it alone, and vanishes with it.
pub fn mount(overlay: &Overlay, at: &Path) -> sys::Result<()> {
    // lowerdir lists the layers top first, separated by colons; upperdir takes the writes, and
    // workdir, an empty directory on the upper's filesystem, lets overlayfs move files into the
    // upper atomically.
    let lower: Vec<String> = overlay
        .lower
        .iter()
        .map(|dir| dir.display().to_string())
        .collect();
    let options = format!(
        "lowerdir={},upperdir={},workdir={}",
        lower.join(":"),
        overlay.upper.display(),
        overlay.work.display()
    );
    sys::mount(
        Some(Path::new("overlay")),
        at,
        Some("overlay"),
        MsFlags::empty(),
        Some(&options),
    )
}
