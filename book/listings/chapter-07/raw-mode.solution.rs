/// Puts the terminal `fd` in raw mode.
pub fn enter(fd: RawFd) -> sys::Result<Raw> {
    // SAFETY: one of the caller's standard descriptors, open for as long as minidock runs.
    let terminal = unsafe { BorrowedFd::borrow_raw(fd) };
    // The modes as they are, kept to be given back; then a copy of them, made raw (no echo,
    // no line editing, no signals from keys, no output processing: cfmakeraw(3)), set at once.
    let saved = sys::tcgetattr(terminal)?;
    let mut raw = saved.clone();
    termios::cfmakeraw(&mut raw);
    sys::tcsetattr(terminal, SetArg::TCSANOW, &raw)?;
    Ok(Raw { fd, saved })
}
