// [ch03 file]
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
    // [ch03 exercise mount-proc: Mount /proc]
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
    // [ch03 mistake proc-without-flags: chapter_03::proc_runs_no_programs_and_opens_no_devices]
    //~ // A procfs instance, with no flags: it works, and lets more than it should.
    //~ let target = Path::new("/proc");
    //~ sys::mkdir_all(target)?;
    //~ sys::mount(
    //~     Some(Path::new("proc")),
    //~     target,
    //~     Some("proc"),
    //~     MsFlags::empty(),
    //~     None,
    //~ )
    // [ch03 before]
    //~ // Mount a new procfs instance at /proc with `sys::mount` (the directory may be missing:
    //~ // `sys::mkdir_all`), with nothing in it to run, open as a device or gain privileges by.
    //~ // Until then /proc is the image's empty directory.
    //~ Ok(())
    // [ch03 end]
}

/// A small tmpfs at /dev with the standard devices, links, pseudo-terminals and shared memory.
fn mount_dev() -> sys::Result<()> {
    let dev = Path::new("/dev");
    sys::mkdir_all(dev)?;
    // MS_NODEV would make the device nodes below useless: this is the one place they belong.
    sys::mount(
        Some(Path::new("tmpfs")),
        dev,
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME,
        Some("mode=755,size=65536k"),
    )?;
    for device in &DEVICES {
        make_device(dev, device)?;
    }
    for (name, target) in LINKS {
        sys::symlink(target, &dev.join(name))?;
    }
    let pts = dev.join("pts");
    sys::mkdir_all(&pts)?;
    // A new devpts instance: the container's terminals are numbered from 0 and the host's are
    // not among them. Its `ptmx` is what /dev/ptmx points to.
    sys::mount(
        Some(Path::new("devpts")),
        &pts,
        Some("devpts"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
        Some("newinstance,ptmxmode=0666,mode=0620"),
    )?;
    let shm = dev.join("shm");
    sys::mkdir_all(&shm)?;
    sys::mount(
        Some(Path::new("shm")),
        &shm,
        Some("tmpfs"),
        SAFE | MsFlags::MS_NOEXEC,
        Some("mode=1777,size=65536k"),
    )?;
    let mqueue = dev.join("mqueue");
    sys::mkdir_all(&mqueue)?;
    // The POSIX message queues of the container's IPC namespace (chapter 2).
    sys::mount(
        Some(Path::new("mqueue")),
        &mqueue,
        Some("mqueue"),
        SAFE | MsFlags::MS_NOEXEC,
        None,
    )
}

/// Creates one device node in `dev`, with exactly the device's mode.
fn make_device(dev: &Path, device: &Device) -> sys::Result<()> {
    // [ch03 exercise dev-nodes: Create the device nodes]
    let path = dev.join(device.name);
    sys::mknod_char(&path, device.major, device.minor)?;
    // `sys::mknod_char` makes the node with no permission bits at all (mknod(2) would pass any
    // it were given through the umask, 022 usually): chmod(2) gives it exactly its mode.
    sys::chmod(&path, device.mode)
    // [ch03 mistake dev-nodes-without-chmod: chapter_03::dev_has_the_standard_devices_and_no_disks]
    //~ // The node is made: the mode can wait.
    //~ sys::mknod_char(&dev.join(device.name), device.major, device.minor)
    // [ch03 before]
    //~ // Create the character device `device` in `dev` with `sys::mknod_char`, then give it
    //~ // `device.mode` with `sys::chmod`. Until then /dev has no device in it.
    //~ let _ = (dev, device);
    //~ Ok(())
    // [ch03 end]
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
    sys::mount(
        Some(Path::new("tmpfs")),
        target,
        Some("tmpfs"),
        SAFE,
        Some("mode=1777"),
    )
}
