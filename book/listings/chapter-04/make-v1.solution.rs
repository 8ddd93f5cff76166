/// Makes the container's directory `dir` in `hierarchy`, with the levels above it that are
/// missing, so that a process can join it.
fn make(hierarchy: &Hierarchy, dir: &Path) -> Result<()> {
    super::make_dirs(dir)?;
    if hierarchy.has("cpuset") {
        // A new cpuset cgroup starts with no CPUs and no memory nodes (unless the hierarchy's
        // cgroup.clone_children says to copy them), and no process can join it then (ENOSPC).
        // So each empty level gets its parent's, from the top down, since a level can only
        // copy what its parent has. Every level, not only those this run made: another
        // minidock may have made one a moment ago and not have filled it in yet.
        let mut levels: Vec<&Path> = dir
            .ancestors()
            .take_while(|level| *level != hierarchy.mount_point)
            .collect();
        levels.reverse();
        for level in levels {
            let parent = level.parent().unwrap_or(level);
            for file in ["cpuset.cpus", "cpuset.mems"] {
                if super::read(&level.join(file))?.trim().is_empty() {
                    let value = super::read(&parent.join(file))?;
                    sys::write_file(&level.join(file), value.trim())?;
                }
            }
        }
    }
    Ok(())
}
