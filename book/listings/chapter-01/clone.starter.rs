/// Starts the container's first process in its new namespaces, where it waits for the
/// go-ahead (`release`).
pub fn spawn(&mut self) -> Result<()> {
    let (minidock_end, container_end) = handshake::pair()?;
    let args = ChildArgs {
        config: &self.config,
    };
    let minidock_fd = minidock_end.as_raw_fd();
    let mut container_end = Some(container_end);
    let child_main = Box::new(|| {
        // The child has copies of both ends. It closes minidock's: while it held it, its own
        // recv() could never see end-of-file, and it would wait forever if minidock died.
        let _ = nix::unistd::close(minidock_fd);
        let channel = container_end.take().expect("the child starts once");
        child::main(&args, channel)
    });
    // TODO(chapter 1): Clone the child
    //   (the book: chapter 1, "Clone the child")
    // Start the child with clone(2) rather than fork(2), so that it is born in the new
    // namespaces the `namespaces` module asks for, on a stack of its own (`STACK_SIZE`
    // bytes, above).
    // SAFETY: minidock never starts a thread, so it is single-threaded here.
    let child = unsafe { sys::fork(child_main)? };
    // Likewise, minidock closes its copy of the container's end: from now on the only holder
    // is the child, whose exec closes it (close-on-exec), and that is how minidock learns the
    // command started.
    drop(container_end);
    self.child = Some(child);
    self.channel = Some(minidock_end);
    Ok(())
}
