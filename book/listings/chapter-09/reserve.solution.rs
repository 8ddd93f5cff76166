/// Takes the host's port that `publish` asks for, or the first free one of its range, or one the
/// kernel picks, and holds it.
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
}
