//! The tmpfs mounts asked for with `--tmpfs`, made once the container's own filesystems are.

use std::path::Path;

use crate::config::mounts::Mount;
use crate::sys;

/// Mounts each of `mounts` in the container, making its mount point if the image lacks it. Runs
/// in the container, after `pivot_root(2)`: each destination is a path inside the image.
pub fn mount_all(mounts: &[Mount]) -> sys::Result<()> {
    for mount in mounts {
        sys::mkdir_all(&mount.destination)?;
        let data = (!mount.data.is_empty()).then_some(mount.data.as_str());
        sys::mount(
            Some(Path::new("tmpfs")),
            &mount.destination,
            Some("tmpfs"),
            mount.flags,
            data,
        )?;
    }
    Ok(())
}
