// [ch06 file]
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
    let signal = parse_signal(&args.signal).ok_or_else(|| BadSignal(args.signal.clone()))?;
    Ok(each_container(&args.containers, |reference| {
        let container = state::find(root, reference)?;
        stop::kill(&container, signal)?;
        Ok(())
    }))
}

/// A signal as docker reads one: `KILL`, `SIGKILL`, `kill` or `9`.
pub fn parse_signal(text: &str) -> Option<Signo> {
    if let Ok(number) = text.parse::<i32>() {
        return (1..=libc::SIGRTMAX())
            .contains(&number)
            .then_some(Signo(number));
    }
    let upper = text.to_ascii_uppercase();
    let name = if upper.starts_with("SIG") {
        upper
    } else {
        format!("SIG{upper}")
    };
    name.parse::<nix::sys::signal::Signal>()
        .ok()
        .map(Signo::from)
}
