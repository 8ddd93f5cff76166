/// Collects the children that have ended, and returns how the command ended if it is one of them.
#[allow(dead_code)] // until your code uses it, in chapter 2
fn reap(command: Pid) -> sys::Result<Option<Ended>> {
    // TODO(chapter 2): Reap orphans
    //   (the book: chapter 2, "Reap orphans")
    // Only the command is collected here. Every other child of pid 1 that ends (orphans of
    // the container, re-parented to it) stays a zombie. Collect all of them, and report the
    // command's end when it is among them.
    sys::try_waitpid(command)
}
