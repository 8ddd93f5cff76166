//! `minidock kill [-s SIGNAL] CONTAINER...`: a signal to each container's first process.

use std::path::Path;

use super::each_container;
use crate::cli::KillArgs;
use crate::container::{state, stop};
use crate::sys::Signo;

#[derive(Debug, thiserror::Error)]
#[error("invalid signal: {0}")]
pub struct BadSignal(String);

pub fn kill(args: &KillArgs, root: &Path) -> Result<u8, BadSignal> {
    let signal = Signo::parse(&args.signal).ok_or_else(|| BadSignal(args.signal.clone()))?;
    Ok(each_container(&args.containers, |reference| {
        let container = state::find(root, reference)?;
        stop::kill(&container, signal)?;
        Ok(())
    }))
}
