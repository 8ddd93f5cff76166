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
    // A procfs instance shows the processes of the PID namespace of whoever mounts it: this one
    // shows the container's.
    let target = Path::new("/proc");
    sys::mkdir_all(target)?;
    sys::mount(
        Some(Path::new("proc")),
        target,
        Some("proc"),
        SAFE | MsFlags::MS_NOEXEC,
        None,
    )
}

/// A small tmpfs at /dev, then what it holds: the standard devices and links, and the
/// filesystems below it.
fn mount_dev() -> sys::Result<()> {
    let dev = Path::new("/dev");
    sys::mkdir_all(dev)?;
    // A tmpfs of the container's own, not the image's directory: the nodes made in it vanish
    // with the container. No MS_NODEV, which the other mounts here get (but /dev/pts): device
    // files must open here. No MS_NOEXEC either, as on the host: it would forbid mapping
    // /dev/zero as executable memory. MS_STRICTATIME, as Docker's /dev has it: tools judge how
    // long a terminal has been idle by its device file's access time.
    sys::mount(
        Some(Path::new("tmpfs")),
        dev,
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME,
        Some("mode=755,size=65536k"),
    )?;
    // Filled only now: anything made in /dev before the mount would land in the image, hidden
    // from the container under the tmpfs.
    fill_dev(dev)
}

/// What the container's /dev holds: the devices and the links, then its pseudo-terminals,
/// shared memory and message queues, each a filesystem of its own mounted below it.
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
    let path = dev.join(device.name);
    sys::mknod_char(&path, device.major, device.minor)?;
    // `sys::mknod_char` makes the node with no permission bits at all (mknod(2) would pass any
    // it were given through the umask, 022 usually): chmod(2) gives it exactly its mode.
    sys::chmod(&path, device.mode)
}

/// The container's own pseudo-terminals at `pts`: a new instance of devpts.
fn mount_pts(pts: &Path) -> sys::Result<()> {
    sys::mkdir_all(pts)?;
    // A new instance (every devpts mount is one since Linux 4.7; `newinstance` says so on older
    // kernels too): its terminals are numbered from 0, and the host's are not among them. Its
    // `ptmx`, where /dev/ptmx points, creates them: mode 0666 lets everyone open it (the kernel
    // makes it 0000 otherwise), and `mode=0620` is the mode of each terminal it makes. A
    // terminal is a device file, so no MS_NODEV here either.
    sys::mount(
        Some(Path::new("devpts")),
        pts,
        Some("devpts"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
        Some("newinstance,ptmxmode=0666,mode=0620"),
    )
}

/// The container's POSIX shared memory and message queues, below `dev`.
fn mount_ipc(dev: &Path) -> sys::Result<()> {
    let shm = dev.join("shm");
    sys::mkdir_all(&shm)?;
    // Shared memory is files in memory, and a tmpfs may grow to half of the RAM: `size` bounds
    // what the container can take this way, as Docker's --shm-size does (64 MiB by default).
    sys::mount(
        Some(Path::new("shm")),
        &shm,
        Some("tmpfs"),
        SAFE | MsFlags::MS_NOEXEC,
        Some("mode=1777,size=65536k"),
    )?;
    let mqueue = dev.join("mqueue");
    sys::mkdir_all(&mqueue)?;
    // An mqueue filesystem shows the POSIX message queues of the IPC namespace of whoever
    // mounts it: the container's (chapter 2).
    sys::mount(
        Some(Path::new("mqueue")),
        &mqueue,
        Some("mqueue"),
        SAFE | MsFlags::MS_NOEXEC,
        None,
    )
}

/// sysfs at /sys, read-only: the container may look at the kernel's devices, not change them.
fn mount_sys() -> sys::Result<()> {
    let target = Path::new("/sys");
    sys::mkdir_all(target)?;
    sys::mount(
        Some(Path::new("sysfs")),
        target,
        Some("sysfs"),
        SAFE | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY,
        None,
    )
}

/// A tmpfs at /tmp, writable by everyone (with the sticky bit, as /tmp always is).
///
/// Until chapter 5 gives each container a writable layer of its own, whatever the container
/// writes lands in the image directory itself; scratch files at least stay out of it.
fn mount_tmp() -> sys::Result<()> {
    let target = Path::new("/tmp");
    sys::mkdir_all(target)?;
    // Programs may run from /tmp (installers and build tools do): no MS_NOEXEC.
    sys::mount(
        Some(Path::new("tmpfs")),
        target,
        Some("tmpfs"),
        SAFE,
        Some("mode=1777"),
    )
}
