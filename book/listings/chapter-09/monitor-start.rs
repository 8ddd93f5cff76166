/// Starts the container `id` of the store under `root`, its output going to two pipes: the
/// container, those pipes' reading ends, and its log.
fn start(
    root: &Path,
    id: &str,
    first: Option<OwnedFd>,
) -> container::Result<(Container, [OwnedFd; 2], log::Log)> {
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
    // With -i (and no terminal), its standard input is a pipe too, which the monitor writes what
    // attached clients type to; lent the same way. (The monitor's own is /dev/null.)
    let input = match container.config.meta.open_stdin && !container.config.process.terminal {
        true => Some(sys::pipe()?),
        false => None,
    };
    if let Some((read, _)) = &input {
        sys::dup2(read, 0)?;
    }
    // The container's first process inherits its standard output and error from the monitor at
    // the moment of clone(2): the pipes are lent as those, for that moment only.
    let lent = Lent::new(&out_write, &err_write)?;
    let spawned = container.spawn();
    drop(lent);
    if input.is_some() {
        sys::dup2(&sys::open("/dev/null", nix::fcntl::OFlag::O_RDONLY)?, 0)?;
    }
    let input = input.map(|(_, write)| write);
    drop((out_write, err_write));
    spawned?;
    container.set_up_from_outside()?;
    container.release()?;
    container.started()?;
    let output = serve(&dir, &mut container, [out_read, err_read], input, first)?;
    Ok((container, output, log))
}

/// Serves the attach socket while the container runs: with `-t`, the container's output is its
/// terminal's, read from the master, and what clients type is written to it.
fn serve(
    dir: &Path,
    container: &mut Container,
    pipes: [OwnedFd; 2],
    input: Option<OwnedFd>,
    first: Option<OwnedFd>,
) -> container::Result<[OwnedFd; 2]> {
    let terminal = container.terminal()?;
    let [out, err] = pipes;
    // The command writes to its terminal only: its pipes are at their end already.
    let output = match &terminal {
        Some(master) => [dup(master.as_raw_fd())?, err],
        None => [out, err],
    };
    let server = attach::Server::new(&attach::socket(dir), terminal, input, first)?;
    container.serve(Box::new(server));
    Ok(output)
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
