/// Makes the container's directory `dir` in `hierarchy`, with the levels above it that are
/// missing, so that a process can join it.
fn make(hierarchy: &Hierarchy, dir: &Path) -> Result<()> {
    // TODO(chapter 4): Make the cgroup: cgroup v1
    //   (the book: chapter 4, "Make the cgroup: cgroup v1")
    // Make the container's directory `dir` in this hierarchy, with any level above it that
    // is missing, so that the container's first process can join it: see "Make the cgroup:
    // cgroup v1" (and mind what a new cgroup of the cpuset hierarchy starts with). Until
    // then the container has no cgroup in this hierarchy.
    let _ = (hierarchy, dir);
    Ok(())
}
