//! Files, directories and mounts.

use std::path::Path;

use super::{call, errno_of, shell_quote, Result};

/// `chroot(2)`: makes `path` the root directory (`/`) of the calling process.
///
/// The container's root until chapter 3, whose `pivot_root` replaces it.
#[allow(dead_code)] // unused before your chapter 1 code calls it, and after chapter 3
pub fn chroot(path: &Path) -> Result<()> {
    call(
        format!("chroot({path:?})"),
        &format!("chroot {}", shell_quote(&path.to_string_lossy())),
        || nix::unistd::chroot(path),
    )
}

/// `chdir(2)`: changes the calling process's working directory.
#[allow(dead_code)] // until your code uses it, in chapter 1
pub fn chdir(path: &Path) -> Result<()> {
    call(
        format!("chdir({path:?})"),
        &format!("cd {}", shell_quote(&path.to_string_lossy())),
        || nix::unistd::chdir(path),
    )
}

/// `mkdir(2)` for `path` and each missing parent, like `mkdir -p`. Existing directories are fine.
#[allow(dead_code)] // until your code uses it, in chapter 1
pub fn mkdir_all(path: &Path) -> Result<()> {
    call(
        format!("mkdir_all({path:?})"),
        &format!("mkdir -p {}", shell_quote(&path.to_string_lossy())),
        || std::fs::create_dir_all(path).map_err(errno_of),
    )
}
