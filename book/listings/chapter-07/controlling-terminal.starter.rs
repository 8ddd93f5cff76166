/// Makes `slave` the controlling terminal of the calling process's new session, and its
/// standard input, output and error (the command inherits all four).
fn make_it_the_terminal(slave: OwnedFd) -> sys::Result<()> {
    // TODO(chapter 7): Make it the command's terminal
    //   (the book: chapter 7, "Make it the command's terminal")
    // Make `slave` this session's controlling terminal and the command's standard input,
    // output and error: see "Make it the command's terminal". Until then the command keeps
    // the descriptors it had, and the terminal stays unused.
    let _ = slave;
    Ok(())
}
