// [ch09 file]
//! A published port's place on the host, held.
//!
//! The firewall's DNAT rule sends what arrives at the host's port to the container; nothing in
//! the kernel stops a program of the host's from binding the same port meanwhile (its socket
//! would never see a packet), or a second container from publishing it too. So minidock binds
//! the port itself and keeps the socket for as long as the container runs, never listening on
//! it: a bind of anyone else's fails with EADDRINUSE, as it would against docker's
//! `docker-proxy`, which holds its ports the same way. Port 0 lets the kernel pick a free one
//! (from net.ipv4.ip_local_port_range), as `-p 80` and `-P` ask.

// [ch09 unsolved allow(unused_imports)]
use std::net::{Ipv4Addr, SocketAddrV4};
// [ch09 unsolved allow(unused_imports)]
use std::os::fd::{AsFd, OwnedFd};

// [ch09 unsolved allow(unused_imports)]
use nix::errno::Errno;
use serde::{Deserialize, Serialize};

use super::{Error, Result};
// [ch09 unsolved allow(unused_imports)]
use crate::config::ports::{Port, Protocol, Publish};
// [ch09 unsolved allow(unused_imports)]
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
// [ch09 unsolved allow(unused_variables)]
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
    // [ch09 exercise reserve: Hold the host's port]
    let transport = match publish.container.protocol {
        Protocol::Tcp => Transport::Stream,
        Protocol::Udp => Transport::Datagram,
    };
    for port in first..=last {
        let socket = sys::socket_ipv4(transport)?;
        match sys::bind(socket.as_fd(), SocketAddrV4::new(address, port)) {
            Ok(()) => {
                // Port 0 asked the kernel to pick: which one it took, the socket knows.
                let host_port = sys::local_address(socket.as_fd())?.port();
                return Ok(Reserved {
                    bound: Bound {
                        host_ip: publish.host_ip,
                        host_port,
                        container: publish.container,
                    },
                    _socket: socket,
                });
            }
            Err(err) if err.errno() == Some(Errno::EADDRINUSE) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(taken())
    // [ch09 mistake reserve-and-let-go: chapter_09::a_port_the_kernel_picks_is_held_and_listed]
    //~ // Bound to see that the port is free, then let go: the rule is what publishes it.
    //~ let transport = match publish.container.protocol {
    //~     Protocol::Tcp => Transport::Stream,
    //~     Protocol::Udp => Transport::Datagram,
    //~ };
    //~ for port in first..=last {
    //~     let socket = sys::socket_ipv4(transport)?;
    //~     match sys::bind(socket.as_fd(), SocketAddrV4::new(address, port)) {
    //~         Ok(()) => {
    //~             let host_port = sys::local_address(socket.as_fd())?.port();
    //~             drop(socket);
    //~             return Ok(Reserved {
    //~                 bound: Bound {
    //~                     host_ip: publish.host_ip,
    //~                     host_port,
    //~                     container: publish.container,
    //~                 },
    //~                 _socket: sys::socket_ipv4(transport)?,
    //~             });
    //~         }
    //~         Err(err) if err.errno() == Some(Errno::EADDRINUSE) => continue,
    //~         Err(err) => return Err(err.into()),
    //~     }
    //~ }
    //~ Err(taken())
    // [ch09 mistake reserve-port-asked: chapter_09::a_port_the_kernel_picks_is_held_and_listed]
    //~ // The port bound is the port asked for.
    //~ let transport = match publish.container.protocol {
    //~     Protocol::Tcp => Transport::Stream,
    //~     Protocol::Udp => Transport::Datagram,
    //~ };
    //~ for port in first..=last {
    //~     let socket = sys::socket_ipv4(transport)?;
    //~     match sys::bind(socket.as_fd(), SocketAddrV4::new(address, port)) {
    //~         Ok(()) => {
    //~             return Ok(Reserved {
    //~                 bound: Bound {
    //~                     host_ip: publish.host_ip,
    //~                     host_port: port,
    //~                     container: publish.container,
    //~                 },
    //~                 _socket: socket,
    //~             });
    //~         }
    //~         Err(err) if err.errno() == Some(Errno::EADDRINUSE) => continue,
    //~         Err(err) => return Err(err.into()),
    //~     }
    //~ }
    //~ Err(taken())
    // [ch09 mistake reserve-first-only: chapter_09::a_taken_host_port_fails_the_run_and_leaves_nothing]
    //~ // The first port of the range.
    //~ let transport = match publish.container.protocol {
    //~     Protocol::Tcp => Transport::Stream,
    //~     Protocol::Udp => Transport::Datagram,
    //~ };
    //~ let socket = sys::socket_ipv4(transport)?;
    //~ match sys::bind(socket.as_fd(), SocketAddrV4::new(address, first)) {
    //~     Ok(()) => {
    //~         let host_port = sys::local_address(socket.as_fd())?.port();
    //~         Ok(Reserved {
    //~             bound: Bound {
    //~                 host_ip: publish.host_ip,
    //~                 host_port,
    //~                 container: publish.container,
    //~             },
    //~             _socket: socket,
    //~         })
    //~     }
    //~     Err(err) if err.errno() == Some(Errno::EADDRINUSE) => Err(taken()),
    //~     Err(err) => Err(err.into()),
    //~ }
    // [ch09 before]
    //~ // Bind a socket of the port's protocol to the host's address and port (see "Hold the
    //~ // host's port"): the first free port of the range, or the one the kernel picks for 0.
    //~ // Until then nothing is held, and the port is said to be taken.
    //~ Err(taken())
    // [ch09 end]
}
