/// The cgroup namespace: the container sees its own cgroup as the root of the tree, in
/// `/proc/self/cgroup` and in what it mounts, and nothing of the host's cgroups above it.
///
/// Not a `clone(2)` flag: the root of a new cgroup namespace is the cgroup its creator is in at
/// that moment, and at `clone` time the child is still in minidock's. The child unshares it once
/// minidock has moved it into the container's cgroup.
pub fn enter_cgroup_namespace() -> sys::Result<()> {
    // TODO(chapter 4): A cgroup namespace
    //   (the book: chapter 4, "A cgroup namespace")
    // Give the container its own view of the cgroup tree, rooted at the cgroup this process
    // is in now: see "A cgroup namespace". Until then the container sees the host's whole
    // cgroup tree, and its own place in it.
    Ok(())
}
