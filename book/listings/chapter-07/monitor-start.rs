/// Starts the container `id` of the store under `root`, its output going to two pipes: the
/// container, those pipes' reading ends, and its log.
fn start(root: &Path, id: &str) -> container::Result<(Container, [OwnedFd; 2], log::Log)> {
    let dir = state::dir(root, id);
    // From now on this process answers for the container, not the `run -d` that started it.
    state::update(&dir, |state| state.monitor = state::Process::this())?;
    let config = state::load(root, id)?.record.config;
    // Where the output goes, as the log driver says: a syslog server that cannot be reached
    // fails the start, as with docker, before anything of the container exists.
    let log = log::Log::open(&config, &dir).map_err(container::Error::Setup)?;
    let mut container = Container::prepare(config, root)?;
    let (out_read, out_write) = sys::pipe()?;
    let (err_read, err_write) = sys::pipe()?;
    // The container's first process inherits its standard output and error from the monitor at
    // the moment of clone(2): the pipes are lent as those, for that moment only.
    let lent = Lent::new(&out_write, &err_write)?;
    let spawned = container.spawn();
    drop(lent);
    drop((out_write, err_write));
    spawned?;
    container.set_up_from_outside()?;
    container.release()?;
    container.started()?;
    Ok((container, [out_read, err_read], log))
}

/// Standard output and error lent to two pipes; given back when dropped.
struct Lent {
    saved: [OwnedFd; 2],
}

impl Lent {
    fn new(out: &OwnedFd, err: &OwnedFd) -> sys::Result<Lent> {
        let saved = [dup(1)?, dup(2)?];
        sys::dup2(out, 1)?;
        sys::dup2(err, 2)?;
        Ok(Lent { saved })
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let _ = sys::dup2(&self.saved[0], 1);
        let _ = sys::dup2(&self.saved[1], 2);
    }
}
