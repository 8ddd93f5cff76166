//! `minidock pause CONTAINER...` and `minidock unpause CONTAINER...`.

use std::path::Path;

use super::each_container;
use crate::cli::PauseArgs;
use crate::container::pause;
use crate::container::state;

/// Pauses (`frozen`) or unpauses each container named.
pub fn pause(args: &PauseArgs, root: &Path, frozen: bool) -> u8 {
    each_container(&args.containers, |reference| {
        let container = state::find(root, reference)?;
        match frozen {
            true => pause::pause(&container)?,
            false => pause::unpause(&container)?,
        }
        Ok(())
    })
}
