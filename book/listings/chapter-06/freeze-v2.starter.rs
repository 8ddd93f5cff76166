/// cgroup v2: `cgroup.freeze`, and `cgroup.events` to learn when it is done.
fn freeze_v2(dir: &Path, frozen: bool) -> Result<()> {
    // TODO(chapter 6): Freeze the cgroup: cgroup v2
    //   (the book: chapter 6, "Freeze the cgroup: cgroup v2")
    // Freeze or thaw the cgroup `dir` with its cgroup.freeze, and wait until its
    // cgroup.events says it is done: see "Freeze the cgroup: cgroup v2". Until then nothing is frozen.
    let _ = (dir, frozen);
    Ok(())
}
