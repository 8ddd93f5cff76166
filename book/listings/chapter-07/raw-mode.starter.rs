/// Puts the terminal `fd` in raw mode.
pub fn enter(fd: RawFd) -> sys::Result<Raw> {
    // SAFETY: one of the caller's standard descriptors, open for as long as minidock runs.
    let terminal = unsafe { BorrowedFd::borrow_raw(fd) };
    // TODO(chapter 7): Raw mode
    //   (the book: chapter 7, "Raw mode")
    // Put the terminal in raw mode, keeping its modes as they were in `saved` for `drop`
    // to give back: see "Raw mode". Until then it stays cooked: it echoes what you type a
    // second time, holds it until Enter, and Ctrl-C or the detach keys never reach the
    // container as keys.
    let saved = sys::tcgetattr(terminal)?;
    Ok(Raw { fd, saved })
}
