/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // A new mount namespace starts as a copy of minidock's, and where a mount was shared (as `/`
    // is on any systemd host) the copy is its peer: mounts made on either side appear on the
    // other. MS_REC | MS_PRIVATE on `/` turns every mount of the new namespace private.
    sys::mount(
        None,
        Path::new("/"),
        None,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None,
    )
}
