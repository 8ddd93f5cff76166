/// Joins the container's cgroup and enters its namespaces (but for the PID namespace, which
/// this process was born in).
fn enter(target: &Target) -> sys::Result<()> {
    // The cgroup first. Writing 0 to cgroup.procs moves the writer. On cgroup v2 the kernel
    // refuses to move a process into or out of what its cgroup namespace shows, so it must be
    // done while this process still sees the host's tree; every process it starts is born
    // there.
    for procs in &target.cgroup {
        sys::write_opened(procs.as_fd(), &procs.path, "0")?;
    }
    // The namespaces from descriptors opened on the host; the mount namespace last, since
    // setns(2) into it also sets this process's root and working directory to the container's.
    for kind in [
        CloneFlags::CLONE_NEWCGROUP,
        CloneFlags::CLONE_NEWIPC,
        CloneFlags::CLONE_NEWUTS,
        CloneFlags::CLONE_NEWNET,
        CloneFlags::CLONE_NEWNS,
    ] {
        if let Some(namespace) = target.namespace(kind) {
            sys::setns(namespace.as_fd(), &namespace.path, kind)?;
        }
    }
    Ok(())
}
