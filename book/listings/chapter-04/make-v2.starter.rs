/// Makes the container's cgroup `dir` in `tree`, with the levels above it that are missing, so
/// that it has the controllers of [`CONTROLLERS`] the host has.
fn make(tree: &Hierarchy, dir: &Path) -> Result<()> {
    // TODO(chapter 4): Make the cgroup: cgroup v2
    //   (the book: chapter 4, "Make the cgroup: cgroup v2")
    // Make the container's cgroup `dir`, with any level above it that is missing, so that it
    // has the controllers minidock's limits need: see "Make the cgroup: cgroup v2".
    // `missing_controllers` says what a level does not hand down yet. Until then the
    // container has no cgroup.
    let _ = (tree, dir);
    Ok(())
}
