/// The child's whole life. The return value is its exit status, seen only if something failed.
pub fn main(args: &ChildArgs, channel: ContainerEnd) -> isize {
    sys::set_role(sys::Role::Container);
    // While it waits, minidock's death shows as end-of-file.
    match channel.recv() {
        Ok(Some(ToContainer::Continue)) => {}
        // minidock is gone, or said something else: nobody is left to report to.
        Ok(None) | Err(_) => return 1,
    }
    // TODO(chapter 2): Die with minidock
    //   (the book: chapter 2, "Die with minidock")
    // If minidock dies from here on, nothing is left to wait for the container or to pass
    // signals on: make sure the container dies with it, even if minidock died a moment ago.
    let failure = match setup(args) {
        // With --init, this process stays as the container's init, and the command is its child.
        Ok(()) if args.config.init => return init::main(args.config, channel),
        Ok(()) => return exec::start(&args.config.process, &channel),
        Err(err) => ToMinidock::SetupFailed {
            detail: err.to_string(),
        },
    };
    // If even this fails, minidock sees end-of-file and then this exit status: docker's status
    // for "the runtime failed", not one the command could have chosen.
    let _ = channel.send(&failure);
    exit::FAILED.into()
}
