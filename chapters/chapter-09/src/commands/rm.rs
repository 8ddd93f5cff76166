//! `minidock rm [-f] CONTAINER...`: a container out of the store, its files, log and name with
//! it; a running one only with `-f`, which kills it first.

use std::path::Path;
use std::time::Duration;

use super::each_container;
use crate::cli::RmArgs;
use crate::container::state::{self, Status};
use crate::container::stop;
use crate::sys::Signo;

pub fn rm(args: &RmArgs, root: &Path) -> u8 {
    each_container(&args.containers, |reference| {
        let container = state::find(root, reference)?;
        let status = container.state.status;
        if status.is_running() || status == Status::Restarting {
            if !args.force {
                let (state, advice) = match status {
                    Status::Paused => ("paused", "Unpause and then stop"),
                    Status::Restarting => ("restarting", "Stop"),
                    _ => ("running", "Stop"),
                };
                return Err(format!(
                    "You cannot remove a {state} container {}. {advice} the container before \
                     attempting removal or force remove",
                    container.id()
                )
                .into());
            }
            let kill = Signo::from(nix::sys::signal::Signal::SIGKILL);
            stop::stop(&container, kill, Duration::ZERO)?;
            // Its monitor records the end, and cleans up its cgroup as it ends; then the
            // container can go.
            let ended = stop::wait(&container)?;
            let container = state::Container {
                state: ended,
                ..container.clone()
            };
            stop::wait_for_monitor(&container)?;
        }
        state::remove(&container);
        Ok(())
    })
}
