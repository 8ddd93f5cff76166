/// Passes `signal`, which minidock received, on to the container's first process.
fn forward(child: Pid, signal: sys::Signo) {
    // The child may be ending right now: a signal that finds no one is not an error.
    let _ = sys::kill(child, signal);
}
