/// sysfs at /sys, read-only: the container may look at the kernel's devices, not change them.
fn mount_sys() -> sys::Result<()> {
    // TODO(chapter 3): Mount /sys read-only
    //   (the book: chapter 3, "Mount /sys read-only")
    // Give the container the kernel's view of its devices at /sys, one it can read and not
    // change (the image may have no /sys directory). Until then /sys is the image's empty
    // directory.
    Ok(())
}
