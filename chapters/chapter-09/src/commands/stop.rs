//! `minidock stop [-t SECONDS] CONTAINER...`: the container's stop signal (SIGTERM unless it or
//! its image names another), then SIGKILL after the timeout; each name printed once its
//! container has stopped.

use std::path::Path;
use std::time::Duration;

use super::each_container;
use crate::cli::StopArgs;
use crate::container::events;
use crate::container::{state, stop};

pub fn stop(args: &StopArgs, root: &Path) -> u8 {
    // docker's -1: wait for as long as it takes.
    let timeout = u64::try_from(args.time).map_or(Duration::MAX, Duration::from_secs);
    each_container(&args.containers, |reference| {
        let container = state::find(root, reference)?;
        stop::stop(&container, stop::stop_signal(&container), timeout)?;
        stop::wait(&container)?;
        // After its die, which its monitor wrote before the state said it had ended.
        if container.state.status.is_running() {
            events::emit(root, &container, events::Action::Stop, &[]);
        }
        Ok(())
    })
}
