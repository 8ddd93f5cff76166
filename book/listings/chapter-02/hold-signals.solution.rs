/// Holds back, from the first moment of `main`, every signal minidock will pass on, and the news
/// of its children. The mask is inherited through `clone(2)` and `fork(2)`: the container's
/// first process and `--init` start with the same signals held back.
pub fn block() -> sys::Result<()> {
    // Blocked, a signal waits, pending, for the loop that reads it from the signalfd: one that
    // arrives between clone(2) and that loop is passed on late rather than lost, and none can
    // take its default action on minidock (end it) before minidock has passed it on. SIGCHLD
    // is among them: unblocked, its default action would discard it, and the loop would never
    // hear that the child ended.
    sys::block_signals(&caught())
}
