/// Waits for the container to end, passing on the signals minidock receives meanwhile, and turns
/// how it ended into minidock's exit status.
fn wait(child: Pid, signals: &mut Signals) -> Result<u8> {
    loop {
        match signals.next().map_err(Error::Wait)? {
            Event::Signal(signal) => forward(child, signal),
            Event::ChildEnded => {
                if let Some(ended) = sys::try_waitpid(child).map_err(Error::Wait)? {
                    return Ok(exit::for_ended(ended));
                }
            }
        }
    }
}

/// Passes `signal`, which minidock received, on to the container's first process.
fn forward(child: Pid, signal: Signal) {
    // The child may be ending right now: a signal that finds no one is not an error.
    let _ = sys::kill(child, signal);
}
