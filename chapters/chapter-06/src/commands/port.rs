//! `minidock port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports, as
//! `CONTAINER_PORT/PROTO -> HOST_IP:HOST_PORT` lines, or the host's side of one port. Until
//! chapter 9 publishes ports, none is: the list is empty, and a port asked for is not published.

use std::path::Path;

use crate::cli::PortArgs;
use crate::container::state;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    State(#[from] state::Error),
    #[error("No public port '{0}' published for {1}")]
    NotPublished(String, String),
}

pub fn port(args: &PortArgs, root: &Path) -> Result<u8, Error> {
    // Found first: an unknown container is an error of its own.
    state::find(root, &args.container)?;
    let Some(port) = &args.port else {
        return Ok(0);
    };
    let port = if port.contains('/') {
        port.clone()
    } else {
        format!("{port}/tcp")
    };
    Err(Error::NotPublished(port, args.container.clone()))
}
