/// Runs a container to the end and returns the exit status `minidock run` should exit with.
///
/// Each phase is a step of the container's life (see `container`); a phase that fails returns
/// at once, and the container cleans up after itself on the way out.
pub fn run(args: &RunArgs, root: &Path, driver: StorageDriver) -> Result<u8> {
    let config = configure(args, root, driver)?;
    // `run -it` attaches this terminal: there must be one, as nothing exists yet.
    let attaching = args.tty && args.interactive && !args.detach;
    if attaching && !nix::unistd::isatty(std::io::stdin()).unwrap_or(false) {
        return Err(Error::NotATerminal);
    }
    // In the store from now on: `ps` lists it, and its name is taken.
    let recorded = state::create(root, &config)?;
    if args.detach {
        return detached(root, &recorded);
    }
    // A terminal is the monitor's to hold, for the container to keep it when this command
    // detaches: the container starts detached, with this command attached from the start.
    if args.tty {
        return attached(root, &recorded, args);
    }
    // The caller's terminal is the container's output, as docker attaches its client.
    events::emit(root, &recorded, events::Action::Attach, &[]);
    // As the store has it, with the name it was given: its endpoint is named after it.
    let config = recorded.record.config.clone();
    let mut container = Container::prepare(config, root)?;
    container.spawn()?;
    container.set_up_from_outside()?;
    container.release()?;
    container.started()?;
    Ok(container.wait()?)
}

/// `minidock create`: the container made as `run` makes it, and left `created`, for `start`;
/// prints its id.
pub fn create(args: &RunArgs, root: &Path, driver: StorageDriver) -> Result<u8> {
    let config = configure(args, root, driver)?;
    let recorded = state::create(root, &config)?;
    // Made for good: from now on it is no longer this command's to remove if it dies.
    state::update(&recorded.dir, |state| {
        state.made = true;
        state.monitor = state::Process::default();
    })?;
    println!("{}", recorded.id());
    Ok(0)
}

/// `run -d`: the container is left to a monitor of its own; minidock prints its id once the
/// command has started, or fails as a foreground run would have.
fn detached(root: &Path, recorded: &state::Container) -> Result<u8> {
    let report = monitor::detach(root, recorded.id()).map_err(Error::Monitor);
    match report {
        Ok(Report::Started) => {
            println!("{}", recorded.id());
            Ok(0)
        }
        failed => failed_start(root, recorded, failed),
    }
}

/// A detached start that failed: what is left of the container goes, and the failure is told.
fn failed_start(root: &Path, recorded: &state::Container, failed: Result<Report>) -> Result<u8> {
    // The monitor removed what it made; a monitor that never got that far left the record,
    // still `created`.
    if let Ok(left) = state::load(root, recorded.id()) {
        if left.state.status == Status::Created {
            state::remove(&left);
        }
    }
    match failed? {
        Report::Failed { status, message } => {
            sys::tell(&message);
            Ok(status)
        }
        Report::Started => unreachable!("a start that failed"),
    }
}

/// `run -t`: the container starts detached, under its monitor, with this command connected to
/// its attach socket from the start; returns the container's exit status, or 0 once the detach
/// keys leave it running.
fn attached(root: &Path, recorded: &state::Container, args: &RunArgs) -> Result<u8> {
    let keys = keys::chosen(args.detach_keys.as_deref())?;
    let client = monitor::attach::hand_over(|| monitor::detach(root, recorded.id()));
    let socket = match client {
        Ok((Report::Started, socket)) => socket,
        Ok((failed, _)) => return failed_start(root, recorded, Ok(failed)),
        Err(err) => return failed_start(root, recorded, Err(Error::Monitor(err))),
    };
    events::emit(root, recorded, events::Action::Attach, &[]);
    let session = Session {
        stdin: args.interactive,
        tty: true,
        keys,
        proxy: None,
    };
    let mut link = monitor::attach::Client(socket);
    let outcome = session.run(&mut link).map_err(Error::Attach)?;
    if outcome == Outcome::Detached {
        events::emit(root, recorded, events::Action::Detach, &[]);
    }
    Ok(outcome.status())
}
