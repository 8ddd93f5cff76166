/// Mounts the container's overlay at `at`. Runs in the container's own mount namespace, once its
/// mounts are private, so that the mount exists for it alone, and vanishes with it.
pub fn mount(overlay: &Overlay, at: &Path) -> sys::Result<()> {
    // lowerdir lists the layers top first, separated by colons; upperdir takes the writes, and
    // workdir, an empty directory on the upper's filesystem, lets overlayfs move files into the
    // upper atomically.
    let lower: Vec<String> = overlay
        .lower
        .iter()
        .map(|dir| dir.display().to_string())
        .collect();
    let options = format!(
        "lowerdir={},upperdir={},workdir={}",
        lower.join(":"),
        overlay.upper.display(),
        overlay.work.display()
    );
    sys::mount(
        Some(Path::new("overlay")),
        at,
        Some("overlay"),
        MsFlags::empty(),
        Some(&options),
    )
}
