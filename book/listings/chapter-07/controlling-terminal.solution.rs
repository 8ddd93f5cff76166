/// Makes `slave` the controlling terminal of the calling process's new session, and its
/// standard input, output and error (the command inherits all four).
fn make_it_the_terminal(slave: OwnedFd) -> sys::Result<()> {
    // The session is new (chapter 2's setsid) and has no terminal: this one becomes it, so the
    // line discipline sends Ctrl-C's SIGINT and a resize's SIGWINCH to the command's foreground
    // process group. Then the standard descriptors; the slave's own descriptor is closed when
    // it is dropped (close-on-exec, too).
    sys::set_controlling_terminal(slave.as_fd())?;
    for fd in 0..=2 {
        sys::dup2(&slave, fd)?;
    }
    Ok(())
}
