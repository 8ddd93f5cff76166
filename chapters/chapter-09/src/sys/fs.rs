//! Files, directories and mounts.

use std::path::Path;

use super::{call, errno_of, shell_quote, Result};

/// `chdir(2)`: changes the calling process's working directory.
pub fn chdir(path: &Path) -> Result<()> {
    call(
        format!("chdir({path:?})"),
        &format!("cd {}", shell_quote(&path.to_string_lossy())),
        || nix::unistd::chdir(path),
    )
}

/// `mkdir(2)` for `path` and each missing parent, like `mkdir -p`. Existing directories are fine.
pub fn mkdir_all(path: &Path) -> Result<()> {
    call(
        format!("mkdir_all({path:?})"),
        &format!("mkdir -p {}", shell_quote(&path.to_string_lossy())),
        || std::fs::create_dir_all(path).map_err(errno_of),
    )
}

/// `mount(2)`: attaches a filesystem (`fstype` from `source`) at `target`, or, with only flags,
/// changes how an existing mount behaves (its propagation, read-only...).
///
/// `source` is a path for a bind mount (`MS_BIND`: the directory to show at `target`), a name of
/// the caller's choosing for a filesystem with no device (`proc`, `tmpfs`...), and `None` when
/// only flags change.
pub fn mount(
    source: Option<&Path>,
    target: &Path,
    fstype: Option<&str>,
    flags: nix::mount::MsFlags,
    data: Option<&str>,
) -> Result<()> {
    let names: Vec<&str> = flags.iter_names().map(|(name, _)| name).collect();
    let flag_text = if names.is_empty() {
        "0".to_string()
    } else {
        names.join(" | ")
    };
    call(
        format!(
            "mount({:?}, {target:?}, {:?}, {flag_text}, {:?})",
            source.unwrap_or(Path::new("")),
            fstype.unwrap_or(""),
            data.unwrap_or("")
        ),
        &mount_command(source, target, fstype, flags, data),
        || nix::mount::mount(source, target, fstype, flags, data),
    )
}

/// The `mount(8)` command that does what a `mount(2)` call does, for `--explain`.
fn mount_command(
    source: Option<&Path>,
    target: &Path,
    fstype: Option<&str>,
    flags: nix::mount::MsFlags,
    data: Option<&str>,
) -> String {
    use nix::mount::MsFlags as F;
    let target = shell_quote(&target.to_string_lossy());
    let recursive = if flags.contains(F::MS_REC) { "r" } else { "" };
    for (flag, word) in [
        (F::MS_PRIVATE, "private"),
        (F::MS_SHARED, "shared"),
        (F::MS_SLAVE, "slave"),
    ] {
        if flags.contains(flag) {
            return format!("mount --make-{recursive}{word} {target}");
        }
    }
    let mut options: Vec<String> = Vec::new();
    if flags.contains(F::MS_REMOUNT) {
        options.push("remount".into());
    }
    for (flag, word) in [
        (F::MS_RDONLY, "ro"),
        (F::MS_NOSUID, "nosuid"),
        (F::MS_NODEV, "nodev"),
        (F::MS_NOEXEC, "noexec"),
        (F::MS_STRICTATIME, "strictatime"),
    ] {
        if flags.contains(flag) {
            options.push(word.into());
        }
    }
    options.extend(data.map(str::to_string));
    let options = if options.is_empty() {
        String::new()
    } else {
        format!(" -o {}", shell_quote(&options.join(",")))
    };
    let source = shell_quote(&source.map_or("none".into(), Path::to_string_lossy));
    if flags.contains(F::MS_BIND) {
        let bind = if recursive.is_empty() {
            "--bind"
        } else {
            "--rbind"
        };
        return format!("mount {bind}{options} {source} {target}");
    }
    let kind = fstype.map(|t| format!(" -t {t}")).unwrap_or_default();
    format!("mount{kind}{options} {source} {target}")
}

/// `umount2(2)` with `MNT_DETACH`: detaches the mount at `target` now, and lets the kernel free
/// it once nothing uses it any more.
pub fn umount_detach(target: &Path) -> Result<()> {
    call(
        format!("umount2({target:?}, MNT_DETACH)"),
        &format!("umount -l {}", shell_quote(&target.to_string_lossy())),
        || nix::mount::umount2(target, nix::mount::MntFlags::MNT_DETACH),
    )
}

/// `pivot_root(2)`: makes the mount at `new_root` the root of the calling process's mount
/// namespace, and moves the old root to `put_old`, a directory under `new_root`.
pub fn pivot_root(new_root: &Path, put_old: &Path) -> Result<()> {
    call(
        format!("pivot_root({new_root:?}, {put_old:?})"),
        &format!(
            "pivot_root {} {}",
            shell_quote(&new_root.to_string_lossy()),
            shell_quote(&put_old.to_string_lossy())
        ),
        || nix::unistd::pivot_root(new_root, put_old),
    )
}

/// `mknod(2)` for a character device: a file that stands for the driver numbered
/// `major`:`minor`.
pub fn mknod_char(path: &Path, major: u64, minor: u64) -> Result<()> {
    use nix::sys::stat::{makedev, Mode, SFlag};
    call(
        format!("mknod({path:?}, S_IFCHR, makedev({major}, {minor}))"),
        &format!(
            "mknod {} c {major} {minor}",
            shell_quote(&path.to_string_lossy())
        ),
        || nix::sys::stat::mknod(path, SFlag::S_IFCHR, Mode::empty(), makedev(major, minor)),
    )
}

/// `chmod(2)`: sets the permission bits of `path` to exactly `mode`.
pub fn chmod(path: &Path, mode: u32) -> Result<()> {
    call(
        format!("chmod({path:?}, {mode:#o})"),
        &format!("chmod {mode:o} {}", shell_quote(&path.to_string_lossy())),
        || {
            nix::sys::stat::fchmodat(
                nix::fcntl::AT_FDCWD,
                path,
                nix::sys::stat::Mode::from_bits_truncate(mode),
                nix::sys::stat::FchmodatFlags::FollowSymlink,
            )
        },
    )
}

/// `symlink(2)`: makes `link` a symbolic link to `target`.
pub fn symlink(target: &str, link: &Path) -> Result<()> {
    call(
        format!("symlink({target:?}, {link:?})"),
        &format!(
            "ln -s {} {}",
            shell_quote(target),
            shell_quote(&link.to_string_lossy())
        ),
        || std::os::unix::fs::symlink(target, link).map_err(errno_of),
    )
}

/// `open(2)` and `read(2)` of a whole small file, such as a cgroup's counters or the kernel's
/// lists in /proc. Not narrated: reading changes nothing, and the story of a container's setup
/// reads better without every look at a counter.
pub fn read_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|err| super::Error::Failed {
        call: format!("read({path:?})"),
        errno: errno_of(err),
    })
}

/// `statfs(2)`: the type of the filesystem `path` is on (its magic number). Not narrated either.
pub fn filesystem_type(path: &Path) -> Result<nix::sys::statfs::FsType> {
    nix::sys::statfs::statfs(path)
        .map(|stat| stat.filesystem_type())
        .map_err(|errno| super::Error::Failed {
            call: format!("statfs({path:?})"),
            errno,
        })
}

/// `mkdir(2)`: makes one directory (its parent must exist).
pub fn mkdir(path: &Path) -> Result<()> {
    call(
        format!("mkdir({path:?})"),
        &format!("mkdir {}", shell_quote(&path.to_string_lossy())),
        || nix::unistd::mkdir(path, nix::sys::stat::Mode::from_bits_truncate(0o755)),
    )
}

/// `rmdir(2)`: removes an empty directory.
pub fn rmdir(path: &Path) -> Result<()> {
    call(
        format!("rmdir({path:?})"),
        &format!("rmdir {}", shell_quote(&path.to_string_lossy())),
        || std::fs::remove_dir(path).map_err(errno_of),
    )
}

/// `open(2)` and `write(2)`: writes `value` to the existing file `path` in one call, as cgroup
/// files want it (each write is one command to the kernel).
pub fn write_file(path: &Path, value: &str) -> Result<()> {
    use std::io::Write as _;
    call(
        format!("write({path:?}, {value:?})"),
        &format!(
            "echo {} > {}",
            shell_quote(value),
            shell_quote(&path.to_string_lossy())
        ),
        || {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(errno_of)?;
            file.write_all(value.as_bytes()).map_err(errno_of)
        },
    )
}

/// `write(2)` of `value` to a file opened earlier, at `path`: for a process that may no longer
/// see that path.
pub fn write_opened(fd: std::os::fd::BorrowedFd<'_>, path: &Path, value: &str) -> Result<()> {
    call(
        format!("write({}, {value:?})", path.display()),
        &format!("echo {value} > {}", path.display()),
        || nix::unistd::write(fd, value.as_bytes()).map(drop),
    )
}

/// `open_tree(2)` with `OPEN_TREE_CLONE`: a copy of the mount of `path` (a bind mount of it),
/// not attached anywhere yet, held by the descriptor returned (Linux 5.2). Unlike a path, it
/// stays usable after this process has changed its root and let go of the old one.
pub fn open_tree_clone(path: &Path) -> Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    const OPEN_TREE_CLONE: libc::c_uint = 1;
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap_or_default();
    call(format!("open_tree({path:?}, OPEN_TREE_CLONE)"), "", || {
        // SAFETY: open_tree(2) reads the path and returns a new descriptor or -1.
        let fd = nix::errno::Errno::result(unsafe {
            libc::syscall(
                libc::SYS_open_tree,
                libc::AT_FDCWD,
                c_path.as_ptr(),
                OPEN_TREE_CLONE | libc::O_CLOEXEC as libc::c_uint,
            )
        })?;
        // SAFETY: a descriptor the kernel just made for this process alone.
        Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd as i32) })
    })
}

/// `move_mount(2)`: attaches the detached mount `tree` (from `open_tree_clone`) at `target`.
/// With `open_tree_clone`, the two halves of `mount --bind SOURCE TARGET`.
pub fn move_mount(tree: std::os::fd::BorrowedFd<'_>, source: &Path, target: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 4;
    let c_target =
        std::ffi::CString::new(target.as_os_str().as_encoded_bytes()).unwrap_or_default();
    call(
        format!("move_mount({source:?}, {target:?})"),
        &format!(
            "mount --bind {} {}",
            shell_quote(&source.to_string_lossy()),
            shell_quote(&target.to_string_lossy())
        ),
        || {
            // SAFETY: move_mount(2) reads the two paths and changes only the mount table.
            nix::errno::Errno::result(unsafe {
                libc::syscall(
                    libc::SYS_move_mount,
                    tree.as_raw_fd(),
                    c"".as_ptr(),
                    libc::AT_FDCWD,
                    c_target.as_ptr(),
                    MOVE_MOUNT_F_EMPTY_PATH,
                )
            })
            .map(drop)
        },
    )
}

/// `open(2)` with `O_CREAT`: an empty file at `path`, if there is none (a mount point for a file).
pub fn create_file(path: &Path) -> Result<()> {
    call(
        format!("open({path:?}, O_CREAT)"),
        &format!("touch {}", shell_quote(&path.to_string_lossy())),
        || {
            nix::fcntl::open(
                path,
                nix::fcntl::OFlag::O_CREAT
                    | nix::fcntl::OFlag::O_WRONLY
                    | nix::fcntl::OFlag::O_CLOEXEC,
                nix::sys::stat::Mode::from_bits_truncate(0o644),
            )
            .map(drop)
        },
    )
}
