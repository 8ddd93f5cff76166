/// Checks what the state says against the kernel, and repairs it where a killed minidock left it
/// wrong: a container that runs without its monitor has died with it (its first process has
/// PR_SET_PDEATHSIG, since chapter 2); one still being created by a `run` that is gone will
/// never start, and goes (one that `create` made waits for `start`).
fn check(container: Container) -> Result<Container> {
    let Container { dir, record, state } = container;
    match state.status {
        status if status.is_running() && !state.monitor.alive() => {
            let mut died = false;
            let state = update(&dir, |state| {
                if state.status.is_running() && !state.monitor.alive() {
                    died = true;
                    state.status = Status::Exited;
                    // 128 + SIGKILL: how it was ended.
                    state.exit_code = 137;
                    state.finished_at = now();
                    state.pid = Process::default();
                    state.error = "its monitor was killed".to_string();
                }
            })?;
            let container = Container { dir, record, state };
            if died {
                // The die its monitor could not tell: told by whoever found it out, once.
                let attributes = [("exitCode", "137")];
                events::emit(
                    container.root(),
                    &container,
                    events::Action::Die,
                    &attributes,
                );
            }
            Ok(container)
        }
        Status::Restarting if !state.monitor.alive() => {
            let state = update(&dir, |state| {
                if state.status == Status::Restarting && !state.monitor.alive() {
                    state.status = Status::Exited;
                    state.error = "its monitor was killed".to_string();
                }
            })?;
            Ok(Container { dir, record, state })
        }
        Status::Created if !state.made && !state.monitor.alive() => {
            remove(&Container { dir, record, state });
            Err(Error::NoSuchContainer(String::new()))
        }
        _ => Ok(Container { dir, record, state }),
    }
}
