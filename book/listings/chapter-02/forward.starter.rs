/// Passes `signal`, which minidock received, on to the container's first process.
fn forward(child: Pid, signal: sys::Signo) {
    // TODO(chapter 2): Forward signals
    //   (the book: chapter 2, "Forward signals")
    // Send `signal` on to the container's first process with `sys::kill`. Until then minidock
    // swallows it: a `kill` of minidock stops nothing.
    let _ = (child, signal);
}
