/// Waits for the container's first process to end, passing on the signals minidock receives
/// meanwhile, and returns how it ended.
pub fn wait_passing_signals(child: Pid, signals: &mut Signals) -> Result<sys::Ended> {
    loop {
        match signals.next().map_err(Error::Wait)? {
            Event::Signal(signal) => forward(child, signal),
            // Signals do not queue: one SIGCHLD may stand for several children, or come from a
            // child other than this one. So it is a reason to ask, without waiting, and not the
            // answer.
            Event::ChildEnded => {
                if let Some(ended) = sys::try_waitpid(child).map_err(Error::Wait)? {
                    return Ok(ended);
                }
            }
        }
    }
}

/// Passes `signal`, which minidock received, on to the container's first process.
fn forward(child: Pid, signal: sys::Signo) {
    // The child may be ending right now: a signal that finds no one is not an error.
    let _ = sys::kill(child, signal);
}
