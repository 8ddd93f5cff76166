impl Container {
    /// Prepares what must exist before the container's first process does.
    pub fn prepare(config: Config, root: &Path) -> Result<Container> {
        state_root(root)?;
        Ok(Container {
            config,
            child: None,
            channel: None,
        })
    }

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
        // clone(2), not fork(2): only clone can create the child inside new namespaces (the
        // flags), and a process cloned without CLONE_VM runs on a stack of its own: room in a copy
        // of minidock's memory, which it gets like after fork.
        let mut stack = vec![0u8; STACK_SIZE];
        // SAFETY: minidock never starts a thread, so it is single-threaded here; STACK_SIZE is
        // ample for the child's setup, which never recurses deeply.
        let child = unsafe { sys::clone(child_main, &mut stack, namespaces::clone_flags())? };
        // Likewise, minidock closes its copy of the container's end: from now on the only holder
        // is the child, whose exec closes it (close-on-exec), and that is how minidock learns the
        // command started.
        drop(container_end);
        self.child = Some(child);
        self.channel = Some(minidock_end);
        Ok(())
    }

    /// The setup only minidock can do, from outside, while the child waits for the go-ahead.
    pub fn set_up_from_outside(&mut self) -> Result<()> {
        Ok(())
    }

    /// Gives the child the go-ahead, and learns whether its command started.
    pub fn release(&mut self) -> Result<()> {
        // The go-ahead is given once; minidock's end of the channel has no more use after it.
        let Some(channel) = self.channel.take() else {
            return Ok(());
        };
        channel.send(&ToContainer::Continue)?;
        let Some(failure) = channel.recv()? else {
            // End of file: the command runs.
            return Ok(());
        };
        // The child exits right after reporting; collect it so it is not left a zombie.
        let child = self.child()?;
        sys::waitpid(child).map_err(Error::Wait)?;
        self.child = None;
        Err(match failure {
            ToMinidock::SetupFailed { detail } => Error::Setup(detail),
            ToMinidock::ExecFailed { reason, detail } => Error::Exec { reason, detail },
        })
    }


    /// Waits for the container to end and returns the exit status minidock should exit with.
    pub fn wait(&mut self) -> Result<u8> {
        let child = self.child()?;
        let ended = sys::waitpid(child).map_err(Error::Wait)?;
        // Collected: there is nothing left to kill.
        self.child = None;
        Ok(exit::for_ended(ended))
    }


    /// The container's first process.
    fn child(&self) -> Result<Pid> {
        self.child
            .ok_or_else(|| Error::Setup("the container's first process is not running".to_string()))
    }
}

impl Drop for Container {
    /// Cleans up, however `run` ends. A first process still there means something failed
    /// before its command ran: it is killed and collected, so nothing of it is left. (Fields are
    /// dropped after this, in order: the cgroup, from chapter 4, last.)
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            let _ = sys::kill(child, Signal::SIGKILL);
            let _ = sys::waitpid(child);
        }
    }
}
