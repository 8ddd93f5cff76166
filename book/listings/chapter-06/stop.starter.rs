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
    // TODO(chapter 6): Stop a container
    //   (the book: chapter 6, "Stop a container")
    // Send `signal` to the container's first process, give it `timeout` to end, then kill
    // it with SIGKILL and wait until it has ended; a signal must never reach another
    // process that got its pid: see "Stop a container". Until then nothing is sent.
    let _ = (signal, timeout);
    Ok(())
}
