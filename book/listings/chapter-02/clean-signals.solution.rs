fn prepare() -> sys::Result<()> {
    // What a program expects to start with: every signal at its default action, none blocked.
    // Both survive execve(2): a command that inherited minidock's mask would never see a
    // SIGTERM. The actions first: a signal already pending, say one the init passed on before
    // this exec, then meets its default action when the mask lets it through, not an inherited
    // "ignore" that would drop it.
    sys::default_signal_actions()?;
    sys::set_signal_mask(&SigSet::empty())?;
    // Descriptors minidock inherited from whoever started it are none of the command's business.
    sys::close_range_on_exec(3)
}
