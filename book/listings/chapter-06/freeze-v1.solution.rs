/// cgroup v1: the freezer hierarchy's `freezer.state`.
fn freeze_v1(dir: &Path, frozen: bool) -> Result<()> {
    let state = dir.join("freezer.state");
    // FROZEN or THAWED, the states' names; the kernel answers FREEZING while some process has
    // not stopped yet (it stops when it leaves the kernel), and writing again moves it on.
    let wanted = if frozen { "FROZEN" } else { "THAWED" };
    wait_until(
        &state,
        |now| now == wanted,
        || sys::write_file(&state, wanted),
    )
}
