/// Runs a container to the end and returns the exit status `minidock run` should exit with.
    pub fn run(args: &RunArgs) -> Result<u8> {
    let config = Config::from_args(args, |key| std::env::var(key).ok())?;
    // Before the child exists: a signal sent from now on waits for the loop in `wait`.
    let mut signals = Signals::catch()?;
    let (minidock_end, container_end) = handshake::pair()?;
    let mut stack = vec![0u8; STACK_SIZE];
    let minidock_fd = minidock_end.as_raw_fd();
    let mut container_end = Some(container_end);
    let child = {
        let child_main = Box::new(|| {
            // The child has copies of both ends. It closes minidock's: while it held it, its own
            // recv() could never see end-of-file, and it would wait forever if minidock died.
            let _ = nix::unistd::close(minidock_fd);
            let channel = container_end.take().expect("the child starts once");
            init::main(&config, channel)
        });
        // SAFETY: minidock never starts a thread, so it is single-threaded here; STACK_SIZE is
        // ample for the child's setup, which never recurses deeply.
        unsafe { sys::clone(child_main, &mut stack, namespaces::clone_flags())? }
    };
    // Likewise, minidock closes its copy of the container's end: from now on the only holder is
    // the child, whose exec closes it (close-on-exec), and that is how minidock learns the
    // command started.
    drop(container_end);

    // Setup from outside would go here, while the child waits for the go-ahead.
    let report = minidock_end
        .send(&ToContainer::Continue)
        .and_then(|()| minidock_end.recv());
    match report {
        Ok(None) => wait(child, &mut signals),
        Ok(Some(failure)) => {
            // The child exits right after reporting; collect it so it is not left a zombie.
            sys::waitpid(child).map_err(Error::Wait)?;
            Err(match failure {
                ToMinidock::SetupFailed { detail } => Error::Setup(detail),
                ToMinidock::ExecFailed { reason, detail } => Error::Exec { reason, detail },
            })
        }
        Err(err) => {
            // The child's state is unknown: make sure it is gone before reporting.
            let _ = sys::kill(child, Signal::SIGKILL);
            let _ = sys::waitpid(child);
            Err(err.into())
        }
    }
}
