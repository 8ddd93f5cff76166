/// Cuts every propagation link between the container's mounts and the host's.
fn make_mounts_private() -> sys::Result<()> {
    // TODO(chapter 3): Make every mount private
    //   (the book: chapter 3, "Make every mount private")
    // Make every mount of the container's namespace private, recursively from `/`, with
    // `sys::mount`. Until then, what the container mounts may show up on the host.
    Ok(())
}
