/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // TODO(chapter 3): Make every mount private
    //   (the book: chapter 3, "Make every mount private")
    // Cut every link by which a mount or an unmount travels between the container's mount
    // namespace and the host's, for every mount of the namespace and not only its root: see
    // "Propagation: shared, private, slave". Until then, what the container mounts may show
    // up on the host.
    Ok(())
}
