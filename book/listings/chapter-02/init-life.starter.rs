fn supervise(config: &Config, channel: ContainerEnd) -> sys::Result<Ended> {
    // TODO(chapter 2): Look after the command
    //   (the book: chapter 2, "Look after the command")
    // Stay on as the container's pid 1: start the command as a child of this process, make
    // sure minidock still learns when its execve succeeds, then pass on the signals that come
    // (`Signals`) and collect the children that end (`reap`) until the command has ended,
    // and return how it ended. Until then this process becomes the command itself, and
    // --init changes nothing.
    std::process::exit(exec::start(&config.process, &channel) as i32)
}
