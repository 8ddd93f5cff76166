//! The filesystems every container gets besides its image: `/proc`, `/dev`, `/sys` and `/tmp`.
//!
//! They are mounted right after `pivot_root(2)`, in the container's own mount namespace, so they
//! exist for the container alone and vanish with it:
//!
//! ```text
//!   /            the image (a bind mount of IMAGE)
//!   ├── proc     proc      the container's processes: a new instance for its PID namespace
//!   ├── dev      tmpfs     a handful of device nodes, not the host's disks
//!   │   ├── pts    devpts  a new instance: the container's own pseudo-terminals
//!   │   ├── shm    tmpfs   POSIX shared memory
//!   │   └── mqueue mqueue  POSIX message queues of its IPC namespace
//!   ├── sys      sysfs     read-only
//!   └── tmp      tmpfs     scratch space that does not land in the image
//! ```

use std::path::Path;

use nix::mount::MsFlags;

use crate::sys;

/// The character devices a program may expect in /dev, as docker creates them: name, major and
/// minor numbers (see the kernel's Documentation/admin-guide/devices.txt), and mode.
pub const DEVICES: [Device; 6] = [
    Device::new("null", 1, 3),
    Device::new("zero", 1, 5),
    Device::new("full", 1, 7),
    Device::new("random", 1, 8),
    Device::new("urandom", 1, 9),
    Device::new("tty", 5, 0),
];

/// A character device node to create in the container's /dev.
#[derive(Debug, Clone, Copy)]
pub struct Device {
    pub name: &'static str,
    pub major: u64,
    pub minor: u64,
    /// Everyone may read and write them, as on any Linux system.
    pub mode: u32,
}

impl Device {
    const fn new(name: &'static str, major: u64, minor: u64) -> Device {
        Device {
            name,
            major,
            minor,
            mode: 0o666,
        }
    }
}

/// The symbolic links of /dev that point into /proc, or to the pseudo-terminal multiplexer.
const LINKS: [(&str, &str); 5] = [
    ("fd", "/proc/self/fd"),
    ("stdin", "/proc/self/fd/0"),
    ("stdout", "/proc/self/fd/1"),
    ("stderr", "/proc/self/fd/2"),
    ("ptmx", "pts/ptmx"),
];

/// Flags every filesystem below gets: no set-user-id programs, and (but for /dev) no device
/// files, so nothing mounted here can be used to gain privileges.
const SAFE: MsFlags = MsFlags::MS_NOSUID.union(MsFlags::MS_NODEV);

/// Mounts the container's own filesystems. Runs in the container, once its root is the image.
pub fn prepare() -> sys::Result<()> {
    mount_proc()?;
    mount_dev()?;
    mount_sys()?;
    mount_tmp()
}

/// A new instance of procfs at /proc.
fn mount_proc() -> sys::Result<()> {
    // TODO(chapter 3): Mount /proc
    //   (the book: chapter 3, "Mount /proc")
    // Give the container a /proc that lists its own processes, with nothing in it that can be
    // run, opened as a device or used to gain privileges (the image may have no /proc
    // directory). Until then /proc is the image's empty directory.
    Ok(())
}

/// A small tmpfs at /dev, then what it holds: the standard devices and links, and the
/// filesystems below it.
fn mount_dev() -> sys::Result<()> {
    let dev = Path::new("/dev");
    // TODO(chapter 3): Mount /dev
    //   (the book: chapter 3, "Mount /dev")
    // Give the container a /dev of its own, in memory and not in the image (which may have
    // no /dev directory), where device files can be opened and set-user-id programs cannot
    // gain anything, then fill it with `fill_dev`. Until then the container's /dev is the
    // image's empty directory.
    let _ = dev;
    Ok(())
}

/// What the container's /dev holds: the devices and the links, then its pseudo-terminals,
/// shared memory and message queues, each a filesystem of its own mounted below it.
#[allow(dead_code)] // until your code uses it, in chapter 3
fn fill_dev(dev: &Path) -> sys::Result<()> {
    for device in &DEVICES {
        make_device(dev, device)?;
    }
    for (name, target) in LINKS {
        sys::symlink(target, &dev.join(name))?;
    }
    mount_pts(&dev.join("pts"))?;
    mount_ipc(dev)
}

/// Creates one device node in `dev`, with exactly the device's mode.
fn make_device(dev: &Path, device: &Device) -> sys::Result<()> {
    // TODO(chapter 3): Create the device nodes
    //   (the book: chapter 3, "Create the device nodes")
    // Make `device` a character device file in `dev`, one that everyone may read and write
    // as its `mode` says, whatever the umask. Until then /dev has no device in it.
    let _ = (dev, device);
    Ok(())
}

/// The container's own pseudo-terminals at `pts`: a new instance of devpts.
fn mount_pts(pts: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Mount the pseudo-terminals
    //   (the book: chapter 3, "Mount the pseudo-terminals")
    // Give the container pseudo-terminals of its own at `pts`, none of the host's, that
    // anyone can create through /dev/ptmx and open. Until then /dev/pts is missing, and
    // /dev/ptmx leads nowhere.
    let _ = pts;
    Ok(())
}

/// The container's POSIX shared memory and message queues, below `dev`.
fn mount_ipc(dev: &Path) -> sys::Result<()> {
    // TODO(chapter 3): Mount shared memory and message queues
    //   (the book: chapter 3, "Mount shared memory and message queues")
    // Give the container its own POSIX shared memory at `dev`/shm, bounded to 64 MiB, and its
    // IPC namespace's POSIX message queues at `dev`/mqueue; in neither can a program run or
    // a device file open. Until then shm_open(3) and mq_open(3) fail in the container.
    let _ = dev;
    Ok(())
}

/// sysfs at /sys, read-only: the container may look at the kernel's devices, not change them.
fn mount_sys() -> sys::Result<()> {
    // TODO(chapter 3): Mount /sys read-only
    //   (the book: chapter 3, "Mount /sys read-only")
    // Give the container the kernel's view of its devices at /sys, one it can read and not
    // change (the image may have no /sys directory). Until then /sys is the image's empty
    // directory.
    Ok(())
}

/// A tmpfs at /tmp, writable by everyone (with the sticky bit, as /tmp always is).
///
/// Until chapter 5 gives each container a writable layer of its own, whatever the container
/// writes lands in the image directory itself; scratch files at least stay out of it.
fn mount_tmp() -> sys::Result<()> {
    // TODO(chapter 3): Mount /tmp
    //   (the book: chapter 3, "Mount /tmp")
    // Give the container a /tmp of its own, in memory, that everyone may write to and run
    // programs from, but where no device file opens and no set-user-id bit counts (the image
    // may have no /tmp directory). Until then what the container writes to /tmp lands in the
    // image.
    Ok(())
}
