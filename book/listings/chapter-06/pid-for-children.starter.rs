/// In minidock, before the fork: the process it makes next must be born in the container's
/// PID namespace.
fn born_in_its_pid_namespace(target: &Target) -> sys::Result<()> {
    // TODO(chapter 6): Born in its PID namespace
    //   (the book: chapter 6, "Born in its PID namespace")
    // The process minidock forks next must be born in the container's PID namespace (if it
    // has one of its own): see "Born in its PID namespace". Until then it is born on the
    // host's side, and the container's /proc does not know it.
    let _ = target;
    Ok(())
}
