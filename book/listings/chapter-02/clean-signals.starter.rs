fn prepare() -> sys::Result<()> {
    // TODO(chapter 2): A clean signal state for the command
    //   (the book: chapter 2, "A clean signal state for the command")
    // The command must start with the signal state any program expects. From this chapter on
    // minidock holds signals back, and the process that becomes the command inherited that:
    // until it is undone, the command never sees the signals it is sent.
    sys::default_signal_actions()?;
    // Descriptors minidock inherited from whoever started it are none of the command's business.
    sys::close_range_on_exec(3)
}
