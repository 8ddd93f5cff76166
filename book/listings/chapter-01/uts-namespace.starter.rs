/// The UTS namespace: with its own, the container can change its host name without changing the
/// host's.
fn uts() -> CloneFlags {
    // TODO(chapter 1): A new UTS namespace
    //   (the book: chapter 1, "A new UTS namespace")
    // Return the clone(2) flag that creates the child in a new UTS namespace.
    // Until then the child shares the host's: its host name *is* the host's.
    CloneFlags::empty()
}
