/// The UTS namespace: with its own, the container can change its host name without changing the
/// host's.
fn uts() -> CloneFlags {
    CloneFlags::CLONE_NEWUTS
}
