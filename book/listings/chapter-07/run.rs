/// Runs a container to the end and returns the exit status `minidock run` should exit with.
///
/// Each phase is a step of the container's life (see `container`); a phase that fails returns
/// at once, and the container cleans up after itself on the way out.
pub fn run(args: &RunArgs, root: &Path, driver: StorageDriver) -> Result<u8> {
    let config = configure(args, root, driver)?;
    // In the store from now on: `ps` lists it, and its name is taken.
    let recorded = state::create(root, &config)?;
    if args.detach {
        return detached(root, &recorded);
    }
    // The caller's terminal is the container's output, as docker attaches its client.
    use crate::container::events;
    events::emit(root, &recorded, events::Action::Attach, &[]);
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
        failed => {
            // The monitor removed what it made; a monitor that never got that far left the
            // record, still `created`.
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
                Report::Started => unreachable!("matched above"),
            }
        }
    }
}
