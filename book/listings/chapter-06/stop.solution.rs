/// Stops the container as docker does: `signal` (SIGTERM unless the image says otherwise), then,
/// if it still runs after `timeout`, SIGKILL. Returns once it has ended; a container that does
/// not run is left as it is.
pub fn stop(container: &Container, signal: Signo, timeout: Duration) -> Result<()> {
    // Stopped by someone: its restart policy has no say from now on, and a restart that was
    // due is called off. One its monitor is starting again is stopped once it runs.
    let mut now = state::update(&container.dir, |state| {
        state.stopped = true;
        if state.status == Status::Restarting {
            state.status = Status::Exited;
        }
    })?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while now.status == Status::Created && now.monitor.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
        now = state::load(container.root(), container.id())?.state;
    }
    let container = &Container {
        state: now,
        ..container.clone()
    };
    if !container.state.status.is_running() {
        return Ok(());
    }
    // A frozen command could not act on the signal: it is thawed first, to stop as any other.
    // (docker leaves it frozen until the timeout's SIGKILL: a paused container always takes
    // the whole timeout, and ends with 137.)
    if container.state.status == Status::Paused {
        super::pause::unpause(container).map_err(|err| Error::Thaw(Box::new(err)))?;
    }
    let Some(pidfd) = open(container.state.pid)? else {
        return Ok(());
    };
    send(container, &pidfd, signal)?;
    let ended = sys::pidfd_wait(pidfd.as_fd(), timeout).map_err(|source| Error::Signal {
        id: container.id().to_string(),
        source,
    })?;
    if !ended {
        send(container, &pidfd, Signo::from(Signal::SIGKILL))?;
        // SIGKILL cannot be caught: the process ends, at the latest once the kernel has
        // taken back what it held.
        sys::pidfd_wait(pidfd.as_fd(), Duration::from_secs(60)).map_err(|source| {
            Error::Signal {
                id: container.id().to_string(),
                source,
            }
        })?;
    }
    Ok(())
}
