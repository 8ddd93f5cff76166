/// Mounts the container's overlay at `at`. Runs in the container's own mount namespace, once its
/// mounts are private, so that the mount exists for it alone, and vanishes with it.
pub fn mount(overlay: &Overlay, at: &Path) -> sys::Result<()> {
    // TODO(chapter 5): Mount the image
    //   (the book: chapter 5, "Mount the image")
    // Stack the image's layers (`overlay.lower`, topmost first) under the container's own
    // directory for its changes (`overlay.upper`), with `overlay.work` as overlayfs needs it,
    // into one tree at `at`: see "Mount the image". Until then `at` is an empty directory.
    let _ = (overlay, at);
    Ok(())
}
