impl Container {
    /// Prepares what must exist before the container's first process does.
    pub fn prepare(config: Config, root: &Path) -> Result<Container> {
        // First, before anything exists that would have to be undone, and before the child: a
        // signal sent from now on waits for the loop in `wait`, rather than kill minidock.
        let signals = Signals::catch()?;
        state_root(root)?;
        // Its record first: if anything of the container cannot be made, it goes too.
        let record = state::Pending::new(state::load(root, &config.id)?);
        // The cgroup, with its limits written, exists before the child does.
        let cgroup = ContainerCgroup::create(root, &config)?;
        let storage = storage::ContainerStorage::create(root, &config)?;
        // Its network, before its first process: that process joins a namespace ready for it.
        let joined = joined(root, &config.network.mode)?;
        let dir = state::dir(root, &config.id);
        let network = network::Sandbox::create(root, &dir, &config, joined, lease_holder_alive)?;
        Ok(Container {
            config,
            child: None,
            channel: None,
            signals,
            cgroup,
            _storage: storage,
            record: record.keep(),
            console: None,
            serve: None,
            network: Some(network),
        })
    }

    /// Starts the container's first process in its new namespaces, where it waits for the
    /// go-ahead (`release`).
    pub fn spawn(&mut self) -> Result<()> {
        let (minidock_end, container_end) = handshake::pair()?;
        // With -t, a second socket: the first process hands its terminal's master over on it.
        let console = match self.config.process.terminal {
            true => Some(sys::socketpair()?),
            false => None,
        };
        let args = ChildArgs {
            config: &self.config,
            cgroup_view: self.cgroup.view(),
            console: console.as_ref().map(|(_, theirs)| theirs.as_raw_fd()),
            network: self.network.as_ref().and_then(network::Sandbox::namespace),
            binds: self.network.as_ref().map_or(&[], network::Sandbox::binds),
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
        // And of the console's: minidock keeps its own end only, which sees end of file if the
        // child dies before it hands the master over.
        self.console = console.map(|(ours, _)| ours);
        Ok(())
    }

    /// The setup only minidock can do, from outside, while the child waits for the go-ahead.
    pub fn set_up_from_outside(&mut self) -> Result<()> {
        // Now, while the child waits for the go-ahead: it has started nothing yet, so all the
        // command will ever start is born in the cgroup and counted; and the cgroup namespace
        // the child makes after the go-ahead is rooted at the cgroup it is in by then.
        self.cgroup.join(self.child()?)?;
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

    /// Records that the container runs, with its first process: from now on `ps` shows it, and
    /// `stop` and `kill` find it.
    pub fn started(&mut self) -> Result<()> {
        let child = self.child()?;
        let first = state::Process::of(child.as_raw()).unwrap_or_default();
        self.record.state = state::update(&self.record.dir, |state| {
            state.status = state::Status::Running;
            state.pid = first;
            state.started_at = state::now();
            state.made = true;
            state.network = self.network.as_ref().and_then(|n| n.attachment().cloned());
        })?;
        events::emit(self.record.root(), &self.record, events::Action::Start, &[]);
        Ok(())
    }

    /// With `-t`, once released: the master side of the command's terminal, which its first
    /// process handed over before it executed the command.
    pub fn terminal(&mut self) -> Result<Option<OwnedFd>> {
        let Some(console) = self.console.take() else {
            return Ok(None);
        };
        let master = sys::recv_fd(console.as_fd())?;
        master
            .map(Some)
            .ok_or_else(|| Error::Setup("the container's terminal was not handed over".into()))
    }

    /// From now on, its wait serves `serve` too.
    pub fn serve(&mut self, serve: Box<dyn Serve>) {
        self.serve = Some(serve);
    }

    /// Records how the container ended; returns `status`.
    fn ended(&mut self, status: u8) -> Result<u8> {
        // Its veth and its address go first: once the state says it has exited, whoever waited
        // for that (`stop`, `rm`) finds them gone.
        self.network = None;
        // Before the state says so: whoever waits for the end (`stop`) writes its own event
        // after this one.
        let code = status.to_string();
        let attributes = [("exitCode", code.as_str())];
        events::emit(
            self.record.root(),
            &self.record,
            events::Action::Die,
            &attributes,
        );
        self.record.state = state::update(&self.record.dir, |state| {
            state.status = state::Status::Exited;
            state.pid = state::Process::default();
            state.exit_code = i32::from(status);
            state.finished_at = state::now();
            state.network = None;
        })?;
        Ok(status)
    }

    /// Waits for the container to end and returns the exit status minidock should exit with.
    pub fn wait(&mut self) -> Result<u8> {
        let child = self.child()?;
        let ended = wait_passing_signals(child, &mut self.signals)?;
        // Collected: there is nothing left to kill.
        self.child = None;
        self.cgroup.report_oom(&self.config);
        self.ended(exit::for_ended(ended))
    }

    /// Waits like `wait`, for a detached container: meanwhile, whatever the container writes to
    /// its standard output and error, the pipes `output`, goes to `log`, line by line.
    pub fn wait_logging(&mut self, output: [OwnedFd; 2], log: &mut Log) -> Result<u8> {
        use nix::poll::{PollFd, PollFlags, PollTimeout};
        let child = self.child()?;
        let streams = [Stream::Stdout, Stream::Stderr];
        let mut open: Vec<Option<OwnedFd>> = output.into_iter().map(Some).collect();
        let mut ended = None;
        let mut buf = vec![0u8; 64 * 1024];
        // Until the command has ended and both pipes are at their end: the pipes close when the
        // last process of the container that holds them ends, which is at once once its first
        // process has (the kernel kills what is left of a PID namespace whose init ends).
        while ended.is_none() || open.iter().any(Option::is_some) {
            let mut fds = vec![PollFd::new(self.signals.as_fd(), PollFlags::POLLIN)];
            let watched: Vec<usize> = (0..2).filter(|&i| open[i].is_some()).collect();
            for &i in &watched {
                let fd = open[i].as_ref().expect("watched");
                fds.push(PollFd::new(fd.as_fd(), PollFlags::POLLIN));
            }
            let served = self.serve.as_ref().map(|serve| serve.watched());
            for fd in served.iter().flatten() {
                fds.push(PollFd::new(*fd, PollFlags::POLLIN));
            }
            // Once the command has ended, what is left in the pipes is read without waiting
            // for more that may never come.
            let timeout = if ended.is_some() {
                PollTimeout::from(1000u16)
            } else {
                PollTimeout::NONE
            };
            let ready = match nix::poll::poll(&mut fds, timeout) {
                Ok(ready) => ready,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(errno) => {
                    return Err(Error::Output(sys::Error::Failed {
                        call: "poll(output)".into(),
                        errno,
                    }))
                }
            };
            if ready == 0 {
                break;
            }
            let revents: Vec<PollFlags> = fds
                .iter()
                .map(|fd| fd.revents().unwrap_or(PollFlags::empty()))
                .collect();
            drop(fds);
            drop(served);
            if let Some(serve) = self.serve.as_mut() {
                let first = 1 + watched.len();
                let ready: Vec<usize> = (first..revents.len())
                    .filter(|&index| !revents[index].is_empty())
                    .map(|index| index - first)
                    .collect();
                if !ready.is_empty() {
                    serve.ready(&ready);
                }
            }
            if !revents[0].is_empty() {
                match self.signals.next().map_err(Error::Wait)? {
                    Event::Signal(signal) => forward(child, signal),
                    Event::ChildEnded => {
                        if ended.is_none() {
                            ended = sys::try_waitpid(child).map_err(Error::Wait)?;
                        }
                    }
                }
            }
            for (slot, &i) in watched.iter().enumerate() {
                if revents[slot + 1].is_empty() {
                    continue;
                }
                let fd = open[i].as_ref().expect("watched");
                let n = match nix::unistd::read(fd.as_fd(), &mut buf) {
                    Ok(n) => n,
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(_) => 0,
                };
                if let Some(serve) = self.serve.as_mut().filter(|_| n > 0) {
                    serve.output(streams[i], &buf[..n]);
                }
                let written = if n == 0 {
                    open[i] = None;
                    log.close(streams[i])
                } else {
                    log.write(streams[i], &buf[..n])
                };
                written.map_err(|e| {
                    Error::Output(sys::Error::Failed {
                        call: "write(log)".into(),
                        errno: sys::errno_of(e),
                    })
                })?;
            }
        }
        for stream in streams {
            let _ = log.close(stream);
        }
        let ended = match ended {
            Some(ended) => ended,
            None => sys::waitpid(child).map_err(Error::Wait)?,
        };
        self.child = None;
        self.cgroup.report_oom(&self.config);
        let status = self.ended(exit::for_ended(ended))?;
        if let Some(serve) = self.serve.as_mut() {
            serve.ended(status);
        }
        Ok(status)
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
        // A container that a failed `run` was making, or that asked to go (`--rm`), leaves
        // nothing; any other stays, with its files, until `rm`: exited, or still created if
        // `start` could not start what `create` made.
        let never_made =
            self.record.state.status == state::Status::Created && !self.record.state.made;
        if never_made || self.config.meta.auto_remove {
            state::remove(&self.record);
        } else {
            self._storage.keep();
        }
    }
}
