//! A published port's place on the host, held.
//!
//! The firewall's DNAT rule sends what arrives at the host's port to the container; nothing in
//! the kernel stops a program of the host's from binding the same port meanwhile (its socket
//! would never see a packet), or a second container from publishing it too. So minidock binds
//! the port itself and keeps the socket for as long as the container runs, never listening on
//! it: a bind of anyone else's fails with EADDRINUSE, as it would against docker's
//! `docker-proxy`, which holds its ports the same way. Port 0 lets the kernel pick a free one
//! (from net.ipv4.ip_local_port_range), as `-p 80` and `-P` ask.

#[allow(unused_imports)] // until your code uses it, in chapter 9
use std::net::{Ipv4Addr, SocketAddrV4};
#[allow(unused_imports)] // until your code uses it, in chapter 9
use std::os::fd::{AsFd, OwnedFd};

#[allow(unused_imports)] // until your code uses it, in chapter 9
use nix::errno::Errno;
use serde::{Deserialize, Serialize};

use super::{Error, Result};
#[allow(unused_imports)] // until your code uses it, in chapter 9
use crate::config::ports::{Port, Protocol, Publish};
#[allow(unused_imports)] // until your code uses it, in chapter 9
use crate::sys::{self, Transport};

/// A published port as it is on the host: the address and the port it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    /// The host's address; `None` for every address it has.
    pub host_ip: Option<Ipv4Addr>,
    pub host_port: u16,
    pub container: Port,
}

impl Bound {
    /// The host's side as docker prints it: `0.0.0.0:8080`.
    pub fn host(&self) -> String {
        format!(
            "{}:{}",
            self.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED),
            self.host_port
        )
    }
}

/// A port held: the socket bound to it, closed when dropped.
pub struct Reserved {
    pub bound: Bound,
    _socket: OwnedFd,
}

/// Takes the host's port that `publish` asks for, or the first free one of its range, or one the
/// kernel picks, and holds it.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn reserve(publish: &Publish) -> Result<Reserved> {
    let (first, last) = publish.host_ports;
    let address = publish.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED);
    let taken = || {
        let ports = match (first, last) {
            (first, last) if first == last => first.to_string(),
            (first, last) => format!("{first}-{last}"),
        };
        Error::PortTaken(format!("{address}:{ports}"))
    };
    // TODO(chapter 9): Hold the host's port
    //   (the book: chapter 9, "Hold the host's port")
    // Bind a socket of the port's protocol to the host's address and port (see "Hold the
    // host's port"): the first free port of the range, or the one the kernel picks for 0.
    // Until then nothing is held, and the port is said to be taken.
    Err(taken())
}
