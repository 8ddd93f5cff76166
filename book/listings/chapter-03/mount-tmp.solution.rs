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
