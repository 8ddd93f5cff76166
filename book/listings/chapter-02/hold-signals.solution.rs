/// Holds back every signal minidock will pass on, and the news of its children, and opens the
/// signalfd they are read from.
///
/// minidock calls it before `clone(2)`. The child inherits the blocked set (through `clone`,
/// and the init's `fork`), which is why the process that becomes the command clears it
/// before it executes the command (`exec::start`).
pub fn catch() -> sys::Result<Signals> {
    // Blocked, a signal waits, pending, until it is read from the signalfd: one that arrives
    // between clone(2) and the loop that reads it is passed on late rather than lost, and
    // none can take its default action on minidock (end it) before minidock has passed it
    // on. The signalfd only reads signals that are blocked: SIGCHLD, left unblocked, would
    // be discarded, as its default action says, and the loop would never hear that the
    // child ended.
    let set = caught();
    sys::block_signals(&set)?;
    Ok(Signals(sys::signalfd(&set)?))
}
