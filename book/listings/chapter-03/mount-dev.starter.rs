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
