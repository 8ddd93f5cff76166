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
    let container = state::find(root, &args.container)?;
    // The host's ports are held while the container runs, and only then.
    let mut published = container
        .state
        .network
        .map(|attached| attached.ports)
        .unwrap_or_default();
    published.sort_by_key(|bound| (bound.container, bound.host_port));
    let Some(port) = &args.port else {
        for bound in &published {
            println!("{} -> {}", bound.container, bound.host());
        }
        return Ok(0);
    };
    let port = if port.contains('/') {
        port.clone()
    } else {
        format!("{port}/tcp")
    };
    let mut found = false;
    for bound in published.iter().filter(|b| b.container.to_string() == port) {
        println!("{}", bound.host());
        found = true;
    }
    if found {
        return Ok(0);
    }
    Err(Error::NotPublished(port, args.container.clone()))
}
