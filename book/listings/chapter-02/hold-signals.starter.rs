/// Holds back every signal minidock will pass on, and the news of its children, and opens the
/// signalfd they are read from.
///
/// minidock calls it before `clone(2)`. The child inherits the blocked set (through `clone`,
/// and the init's `fork`), which is why the process that becomes the command clears it
/// before it executes the command (`exec::start`).
pub fn catch() -> sys::Result<Signals> {
    // TODO(chapter 2): Hold the signals back
    //   (the book: chapter 2, "Hold the signals back")
    // Hold back every signal minidock will pass on, so that each waits to be read here
    // instead of acting on minidock. Until then only the news of the
    // children is held back and read, which the loop in `Container::wait` needs to notice
    // the end of the container: a SIGTERM kills minidock itself, and leaves the container
    // behind.
    let news = SigSet::from(Signal::SIGCHLD);
    sys::block_signals(&news)?;
    Ok(Signals(sys::signalfd(&news)?))
}
