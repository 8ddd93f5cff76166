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
    // [ch03 mistake proc-without-mkdir: chapter_03::an_image_without_mount_points_gets_them]
    //~ // The image has a /proc directory to mount on.
    //~ sys::mount(
    //~     Some(Path::new("proc")),
    //~     Path::new("/proc"),
    //~     Some("proc"),
    //~     SAFE | MsFlags::MS_NOEXEC,
    //~     None,
    //~ )
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
    //~ // Give the container a /proc that lists its own processes, with nothing in it that can be
    //~ // run, opened as a device or used to gain privileges (the image may have no /proc
    //~ // directory). Until then /proc is the image's empty directory.
    //~ Ok(())
    // [ch03 end]
}

/// A small tmpfs at /dev, then what it holds: the standard devices and links, and the
/// filesystems below it.
fn mount_dev() -> sys::Result<()> {
    let dev = Path::new("/dev");
    // [ch03 exercise mount-dev: Mount /dev]
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
    // [ch03 mistake dev-nodev: chapter_03::dev_is_a_tmpfs_of_the_containers_own, chapter_03::dev_has_the_standard_devices_and_no_disks]
    //~ // A tmpfs with the flags of the other mounts.
    //~ sys::mkdir_all(dev)?;
    //~ sys::mount(
    //~     Some(Path::new("tmpfs")),
    //~     dev,
    //~     Some("tmpfs"),
    //~     SAFE | MsFlags::MS_STRICTATIME,
    //~     Some("mode=755,size=65536k"),
    //~ )?;
    //~ fill_dev(dev)
    // [ch03 mistake dev-in-image: chapter_03::dev_is_a_tmpfs_of_the_containers_own]
    //~ // The image has a /dev directory: the devices can go there.
    //~ sys::mkdir_all(dev)?;
    //~ fill_dev(dev)
    // [ch03 mistake dev-filled-first: chapter_03::dev_is_a_tmpfs_of_the_containers_own, chapter_03::dev_has_the_standard_devices_and_no_disks, chapter_03::a_container_needs_no_name_in_its_image, chapter_03::dev_pts_holds_the_containers_terminals_only, chapter_03::dev_shm_and_mqueue_are_the_containers_own]
    //~ // The devices and links first, then the tmpfs.
    //~ sys::mkdir_all(dev)?;
    //~ fill_dev(dev)?;
    //~ sys::mount(
    //~     Some(Path::new("tmpfs")),
    //~     dev,
    //~     Some("tmpfs"),
    //~     MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME,
    //~     Some("mode=755,size=65536k"),
    //~ )
    // [ch03 before]
    //~ // Give the container a /dev of its own, in memory and not in the image (which may have
    //~ // no /dev directory), where device files can be opened and set-user-id programs cannot
    //~ // gain anything, then fill it with `fill_dev`. Until then the container's /dev is the
    //~ // image's empty directory.
    //~ let _ = dev;
    //~ Ok(())
    // [ch03 end]
}

/// What the container's /dev holds: the devices and the links, then its pseudo-terminals,
/// shared memory and message queues, each a filesystem of its own mounted below it.
// [ch03 unsolved allow(dead_code)]
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
    //~ // Make `device` a character device file in `dev`, one that everyone may read and write
    //~ // as its `mode` says, whatever the umask. Until then /dev has no device in it.
    //~ let _ = (dev, device);
    //~ Ok(())
    // [ch03 end]
}

/// The container's own pseudo-terminals at `pts`: a new instance of devpts.
fn mount_pts(pts: &Path) -> sys::Result<()> {
    // [ch03 exercise devpts: Mount the pseudo-terminals]
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
    // [ch03 mistake devpts-nodev: chapter_03::dev_pts_holds_the_containers_terminals_only]
    //~ // A devpts instance with the flags of the other mounts.
    //~ sys::mkdir_all(pts)?;
    //~ sys::mount(
    //~     Some(Path::new("devpts")),
    //~     pts,
    //~     Some("devpts"),
    //~     SAFE | MsFlags::MS_NOEXEC,
    //~     Some("newinstance,ptmxmode=0666,mode=0620"),
    //~ )
    // [ch03 mistake devpts-default-modes: chapter_03::dev_pts_holds_the_containers_terminals_only]
    //~ // A new instance is all it takes.
    //~ sys::mkdir_all(pts)?;
    //~ sys::mount(
    //~     Some(Path::new("devpts")),
    //~     pts,
    //~     Some("devpts"),
    //~     MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
    //~     Some("newinstance"),
    //~ )
    // [ch03 before]
    //~ // Give the container pseudo-terminals of its own at `pts`, none of the host's, that
    //~ // anyone can create through /dev/ptmx and open. Until then /dev/pts is missing, and
    //~ // /dev/ptmx leads nowhere.
    //~ let _ = pts;
    //~ Ok(())
    // [ch03 end]
}

/// The container's POSIX shared memory and message queues, below `dev`.
fn mount_ipc(dev: &Path) -> sys::Result<()> {
    // [ch03 exercise dev-ipc: Mount shared memory and message queues]
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
    // [ch03 mistake ipc-flags-of-dev: chapter_03::dev_shm_and_mqueue_are_the_containers_own]
    //~ // They are below /dev: the flags of /dev.
    //~ let shm = dev.join("shm");
    //~ sys::mkdir_all(&shm)?;
    //~ sys::mount(
    //~     Some(Path::new("shm")),
    //~     &shm,
    //~     Some("tmpfs"),
    //~     MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME,
    //~     Some("mode=1777,size=65536k"),
    //~ )?;
    //~ let mqueue = dev.join("mqueue");
    //~ sys::mkdir_all(&mqueue)?;
    //~ sys::mount(
    //~     Some(Path::new("mqueue")),
    //~     &mqueue,
    //~     Some("mqueue"),
    //~     MsFlags::MS_NOSUID | MsFlags::MS_STRICTATIME,
    //~     None,
    //~ )
    // [ch03 mistake shm-unbounded: chapter_03::dev_shm_and_mqueue_are_the_containers_own]
    //~ // A tmpfs as /tmp has it.
    //~ let shm = dev.join("shm");
    //~ sys::mkdir_all(&shm)?;
    //~ sys::mount(
    //~     Some(Path::new("shm")),
    //~     &shm,
    //~     Some("tmpfs"),
    //~     SAFE | MsFlags::MS_NOEXEC,
    //~     Some("mode=1777"),
    //~ )?;
    //~ let mqueue = dev.join("mqueue");
    //~ sys::mkdir_all(&mqueue)?;
    //~ sys::mount(
    //~     Some(Path::new("mqueue")),
    //~     &mqueue,
    //~     Some("mqueue"),
    //~     SAFE | MsFlags::MS_NOEXEC,
    //~     None,
    //~ )
    // [ch03 before]
    //~ // Give the container its own POSIX shared memory at `dev`/shm, bounded to 64 MiB, and its
    //~ // IPC namespace's POSIX message queues at `dev`/mqueue; in neither can a program run or
    //~ // a device file open. Until then shm_open(3) and mq_open(3) fail in the container.
    //~ let _ = dev;
    //~ Ok(())
    // [ch03 end]
}

/// sysfs at /sys, read-only: the container may look at the kernel's devices, not change them.
fn mount_sys() -> sys::Result<()> {
    // [ch03 exercise mount-sys: Mount /sys read-only]
    let target = Path::new("/sys");
    sys::mkdir_all(target)?;
    sys::mount(
        Some(Path::new("sysfs")),
        target,
        Some("sysfs"),
        SAFE | MsFlags::MS_NOEXEC | MsFlags::MS_RDONLY,
        None,
    )
    // [ch03 mistake sys-writable: chapter_03::sys_is_read_only]
    //~ // sysfs, with the flags of /proc.
    //~ let target = Path::new("/sys");
    //~ sys::mkdir_all(target)?;
    //~ sys::mount(
    //~     Some(Path::new("sysfs")),
    //~     target,
    //~     Some("sysfs"),
    //~     SAFE | MsFlags::MS_NOEXEC,
    //~     None,
    //~ )
    // [ch03 before]
    //~ // Give the container the kernel's view of its devices at /sys, one it can read and not
    //~ // change (the image may have no /sys directory). Until then /sys is the image's empty
    //~ // directory.
    //~ Ok(())
    // [ch03 end]
}

/// A tmpfs at /tmp, writable by everyone (with the sticky bit, as /tmp always is).
///
/// Until chapter 5 gives each container a writable layer of its own, whatever the container
/// writes lands in the image directory itself; scratch files at least stay out of it.
fn mount_tmp() -> sys::Result<()> {
    // [ch03 exercise mount-tmp: Mount /tmp]
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
    // [ch03 mistake tmp-noexec: chapter_03::tmp_is_scratch_space_outside_the_image]
    //~ // A tmpfs with the flags of the other mounts.
    //~ let target = Path::new("/tmp");
    //~ sys::mkdir_all(target)?;
    //~ sys::mount(
    //~     Some(Path::new("tmpfs")),
    //~     target,
    //~     Some("tmpfs"),
    //~     SAFE | MsFlags::MS_NOEXEC,
    //~     Some("mode=1777"),
    //~ )
    // [ch03 mistake tmp-without-flags: chapter_03::tmp_is_scratch_space_outside_the_image]
    //~ // A tmpfs, as it comes.
    //~ let target = Path::new("/tmp");
    //~ sys::mkdir_all(target)?;
    //~ sys::mount(
    //~     Some(Path::new("tmpfs")),
    //~     target,
    //~     Some("tmpfs"),
    //~     MsFlags::empty(),
    //~     Some("mode=1777"),
    //~ )
    // [ch03 before]
    //~ // Give the container a /tmp of its own, in memory, that everyone may write to and run
    //~ // programs from, but where no device file opens and no set-user-id bit counts (the image
    //~ // may have no /tmp directory). Until then what the container writes to /tmp lands in the
    //~ // image.
    //~ Ok(())
    // [ch03 end]
}
