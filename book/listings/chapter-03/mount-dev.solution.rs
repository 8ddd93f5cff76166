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
