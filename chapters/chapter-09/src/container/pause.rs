//! `pause` and `unpause`: the container's cgroup frozen and thawed (`cgroups::freezer`), and the
//! state changed to say so, under the container's lock, from the state it had.

use super::state::{self, Container, Status};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Container {0} is not running")]
    NotRunning(String),
    #[error("Container {0} is already paused")]
    AlreadyPaused(String),
    #[error("Container {0} is not paused")]
    NotPaused(String),
    #[error("container {id}: freezing its cgroup")]
    Freezer {
        id: String,
        source: crate::cgroups::Error,
    },
    #[error(transparent)]
    State(#[from] state::Error),
}

/// Freezes every process of the running `container`.
pub fn pause(container: &Container) -> Result<(), Error> {
    let id = container.id().to_string();
    match container.state.status {
        Status::Running => {}
        Status::Paused => return Err(Error::AlreadyPaused(id)),
        _ => return Err(Error::NotRunning(id)),
    }
    switch(container, true, Status::Running, Status::Paused)
}

/// Lets every process of the paused `container` go on.
pub fn unpause(container: &Container) -> Result<(), Error> {
    if container.state.status != Status::Paused {
        return Err(Error::NotPaused(container.id().to_string()));
    }
    switch(container, false, Status::Paused, Status::Running)
}

/// Freezes or thaws the container's cgroup, then records `to`, if the state is still `from`
/// (its command may have ended meanwhile: its monitor's record wins).
fn switch(container: &Container, frozen: bool, from: Status, to: Status) -> Result<(), Error> {
    let freezer = |source| Error::Freezer {
        id: container.id().to_string(),
        source,
    };
    let dirs = super::cgroup_dirs(&container.record.config).map_err(freezer)?;
    crate::cgroups::freezer::freeze(&dirs, frozen).map_err(freezer)?;
    state::update(&container.dir, |state| {
        if state.status == from {
            state.status = to;
        }
    })?;
    let action = match frozen {
        true => super::events::Action::Pause,
        false => super::events::Action::Unpause,
    };
    super::events::emit(container.root(), container, action, &[]);
    Ok(())
}
