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
