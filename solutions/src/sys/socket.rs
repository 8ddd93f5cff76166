// [ch09 file]
//! Sockets that hold a port of the host's: bound, never listening, kept open for as long as a
//! container publishes the port.

use std::net::SocketAddrV4;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use nix::sys::socket::{self, AddressFamily, SockFlag, SockType, SockaddrIn};

use super::{call, Result};

/// The kind of socket a transport protocol's port belongs to.
// [ch09 unsolved allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// TCP: a stream socket.
    Stream,
    /// UDP: a datagram socket.
    Datagram,
}

/// `socket(2)`: a new IPv4 socket of `transport`, closed when the process executes another
/// program (the container's command must not inherit the host's port).
// [ch09 unsolved allow(dead_code)]
pub fn socket_ipv4(transport: Transport) -> Result<OwnedFd> {
    let (kind, name) = match transport {
        Transport::Stream => (SockType::Stream, "SOCK_STREAM"),
        Transport::Datagram => (SockType::Datagram, "SOCK_DGRAM"),
    };
    call(
        format!("socket(AF_INET, {name} | SOCK_CLOEXEC)"),
        "",
        || socket::socket(AddressFamily::Inet, kind, SockFlag::SOCK_CLOEXEC, None),
    )
}

/// `bind(2)`: gives the socket `fd` its address on the host, `address` (port 0: one the kernel
/// picks). Fails with EADDRINUSE if another socket holds it.
// [ch09 unsolved allow(dead_code)]
pub fn bind(fd: BorrowedFd, address: SocketAddrV4) -> Result<()> {
    call(format!("bind({}, {address})", fd.as_raw_fd()), "", || {
        socket::bind(fd.as_raw_fd(), &SockaddrIn::from(address))
    })
}

/// `getsockname(2)`: the address the socket `fd` is bound to (with the port the kernel picked).
// [ch09 unsolved allow(dead_code)]
pub fn local_address(fd: BorrowedFd) -> Result<SocketAddrV4> {
    call(format!("getsockname({})", fd.as_raw_fd()), "", || {
        socket::getsockname::<SockaddrIn>(fd.as_raw_fd()).map(SocketAddrV4::from)
    })
}
