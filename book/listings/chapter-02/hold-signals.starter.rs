/// Holds back, from the first moment of `main`, every signal minidock will pass on, and the news
/// of its children. The mask is inherited through `clone(2)` and `fork(2)`: the container's
/// first process and `--init` start with the same signals held back.
pub fn block() -> sys::Result<()> {
    // TODO(chapter 2): Hold the signals back
    //   (the book: chapter 2, "Hold the signals back")
    // Hold back every signal minidock will pass on (the set `caught` makes), so that each
    // waits for the loop in `Container::wait` instead of acting on minidock. Until then only
    // the news of the children is held back, which that loop needs to notice the end of the
    // container: a SIGTERM kills minidock itself, and leaves the container behind.
    sys::block_signals(&SigSet::from(Signal::SIGCHLD))
}
