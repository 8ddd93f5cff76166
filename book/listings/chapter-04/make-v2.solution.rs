/// Makes the container's cgroup `dir` in `tree`, with the levels above it that are missing, so
/// that it has the controllers of [`CONTROLLERS`] the host has.
fn make(tree: &Hierarchy, dir: &Path) -> Result<()> {
    let parent = dir.parent().unwrap_or(&tree.mount_point);
    super::make_dirs(parent)?;
    // A controller works in a cgroup only if its parent enables it for its children, and so on
    // up to the root: from the root down to the container's parent, each level hands the
    // controllers on, before the container's cgroup is made below the last of them.
    let mut levels: Vec<&Path> = parent
        .ancestors()
        .take_while(|level| level.starts_with(&tree.mount_point))
        .collect();
    levels.reverse();
    for level in levels {
        if let Some(missing) = missing_controllers(level)? {
            sys::write_file(&level.join("cgroup.subtree_control"), &missing)?;
        }
    }
    sys::mkdir(dir)?;
    Ok(())
}
