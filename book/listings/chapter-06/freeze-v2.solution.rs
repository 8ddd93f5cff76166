/// cgroup v2: `cgroup.freeze`, and `cgroup.events` to learn when it is done.
fn freeze_v2(dir: &Path, frozen: bool) -> Result<()> {
    // 1 or 0; cgroup.events says `frozen 1` once every process has stopped.
    let (value, done) = if frozen {
        ("1", "frozen 1")
    } else {
        ("0", "frozen 0")
    };
    sys::write_file(&dir.join("cgroup.freeze"), value)?;
    wait_until(
        &dir.join("cgroup.events"),
        |events| events.lines().any(|line| line == done),
        || Ok(()),
    )
}
