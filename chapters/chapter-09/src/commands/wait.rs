//! `minidock wait CONTAINER...`: blocks until each container has ended; prints its exit code.

use std::path::Path;

use crate::cli::WaitArgs;
use crate::container::{state, stop};

pub fn wait(args: &WaitArgs, root: &Path) -> u8 {
    let mut status = 0;
    for reference in &args.containers {
        let waited = state::find(root, reference)
            .map_err(|e| e.to_string())
            .and_then(|container| stop::wait(&container).map_err(|e| e.to_string()));
        match waited {
            Ok(state) => println!("{}", state.exit_code),
            Err(message) => {
                crate::sys::tell(&message);
                status = 1;
            }
        }
    }
    status
}
