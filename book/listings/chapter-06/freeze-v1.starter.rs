/// cgroup v1: the freezer hierarchy's `freezer.state`.
fn freeze_v1(dir: &Path, frozen: bool) -> Result<()> {
    let state = dir.join("freezer.state");
    // TODO(chapter 6): Freeze the cgroup: cgroup v1
    //   (the book: chapter 6, "Freeze the cgroup: cgroup v1")
    // Freeze or thaw the cgroup with its freezer.state (`state`), and wait until it is
    // done: see "Freeze the cgroup: cgroup v1". `wait_until` below does the waiting. Until then
    // nothing is frozen.
    let _ = (frozen, state);
    Ok(())
}
