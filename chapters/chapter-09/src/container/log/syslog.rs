//! The syslog driver: each line the container writes goes, as one message, to a syslog server,
//! over a socket the monitor connects when it starts the container: the host's `/dev/log` (a
//! datagram socket of the Unix domain), another Unix socket, or a server over UDP or TCP.
//!
//! A message is a line of text: a priority, a header, the line.
//!
//! ```text
//!   <30>Nov 30 20:36:51 2076a3d84a2a[4242]: hello                        docker's default
//!   <158>Nov 30 20:36:57 vm web/2076a3d84a2a[4242]: hello                rfc3164
//!   <158>1 2026-11-30T20:36:52Z vm web 4242 web - hello                  rfc5424
//! ```

use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::time::Duration;

use super::Stream;
use crate::config::logging::{Address, Format};

/// What every message of a container says besides its line.
#[derive(Debug, Clone)]
pub struct Header {
    /// The facility's number: `daemon` is 3, `local0` 16.
    pub facility: u8,
    /// The host's name.
    pub hostname: String,
    /// The container's tag (by default the first 12 digits of its id).
    pub tag: String,
    /// The process that sends: the monitor.
    pub pid: u32,
}

/// The severity of a line of standard output: informational.
const INFO: u32 = 6;
/// The severity of a line of standard error: error.
const ERR: u32 = 3;

/// The message that carries `line` (with its newline, or without for a last line that had
/// none), read from `stream` at `time` (RFC 3339, to the nanosecond), in `format`: its bytes, as
/// they go to the socket, ending with a newline.
pub fn message(
    format: Format,
    header: &Header,
    stream: Stream,
    time: &str,
    line: &[u8],
) -> Vec<u8> {
    let severity = match stream {
        Stream::Stdout => INFO,
        Stream::Stderr => ERR,
    };
    // The priority: the facility's number times 8, plus the severity (its 3 low bits).
    let pri = u32::from(header.facility) * 8 + severity;
    let Header {
        hostname, tag, pid, ..
    } = header;
    let head = match format {
        Format::Unix => format!("<{pri}>{} {tag}[{pid}]: ", stamp(time)),
        Format::Rfc3164 => format!("<{pri}>{} {hostname} {tag}[{pid}]: ", stamp(time)),
        // VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA, as docker fills
        // them: the tag is both the application's name and the message's id, and there is no
        // structured data (`-`).
        Format::Rfc5424 => format!(
            "<{pri}>1 {} {hostname} {tag} {pid} {tag} - ",
            timestamp(time, 0)
        ),
        Format::Rfc5424Micro => format!(
            "<{pri}>1 {} {hostname} {tag} {pid} {tag} - ",
            timestamp(time, 6)
        ),
    };
    let mut message = head.into_bytes();
    message.extend_from_slice(line.strip_suffix(b"\n").unwrap_or(line));
    message.push(b'\n');
    message
}

/// `time` (RFC 3339, to the nanosecond, in UTC) as RFC 5424 writes it: to the second with
/// `digits` 0, to the microsecond with 6.
pub fn timestamp(time: &str, digits: usize) -> String {
    let seconds = time.get(..19).unwrap_or(time);
    let fraction = time.get(20..20 + digits).unwrap_or("");
    if fraction.is_empty() {
        format!("{seconds}Z")
    } else {
        format!("{seconds}.{fraction}Z")
    }
}

/// `time` (RFC 3339) as RFC 3164 writes it, without a year: `Nov 30 20:36:51`, `Dec  1 ...`.
pub fn stamp(time: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let field = |range: std::ops::Range<usize>| {
        time.get(range)
            .and_then(|text| text.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let month = MONTHS[field(5..7).clamp(1, 12) - 1];
    format!(
        "{month} {:>2} {}",
        field(8..10),
        time.get(11..19).unwrap_or("00:00:00")
    )
}

/// A connection to a syslog server.
pub struct Syslog {
    socket: Socket,
    format: Format,
    header: Header,
}

enum Socket {
    Unixgram(UnixDatagram),
    Unix(UnixStream),
    Udp(UdpSocket),
    Tcp(TcpStream),
}

/// How long a message may wait for a server that reads nothing: then it is dropped, and the
/// container goes on.
const PATIENCE: Duration = Duration::from_secs(1);

impl Syslog {
    /// Connects to the server at `address`; an error says what failed, in docker's words.
    pub fn connect(address: &Address, format: Format, header: Header) -> Result<Syslog, String> {
        let failed = |proto: &str, to: &str, err: io::Error| {
            let errno = crate::sys::errno_of(err);
            format!(
                "failed to initialize logging driver: dial {proto} {to}: connect: {}",
                crate::sys::describe(errno).to_lowercase()
            )
        };
        let resolve = |to: &str| -> Result<SocketAddr, String> {
            to.to_socket_addrs()
                .ok()
                .and_then(|mut all| all.next())
                .ok_or_else(|| {
                    format!("failed to initialize logging driver: dial {to}: no such host")
                })
        };
        let socket = match address {
            Address::Unixgram(path) => {
                let socket = UnixDatagram::unbound()
                    .and_then(|socket| socket.connect(path).map(|()| socket))
                    .map_err(|err| failed("unixgram", &path.display().to_string(), err))?;
                let _ = socket.set_write_timeout(Some(PATIENCE));
                Socket::Unixgram(socket)
            }
            Address::Unix(path) => {
                let socket = UnixStream::connect(path)
                    .map_err(|err| failed("unix", &path.display().to_string(), err))?;
                let _ = socket.set_write_timeout(Some(PATIENCE));
                Socket::Unix(socket)
            }
            Address::Udp(to) => {
                let server = resolve(to)?;
                // A socket of the server's family, on any port: connect(2) on a datagram socket
                // only sets where its datagrams go, and nothing reaches the server yet.
                let any: SocketAddr = if server.is_ipv4() {
                    "0.0.0.0:0".parse().expect("an address")
                } else {
                    "[::]:0".parse().expect("an address")
                };
                let socket = UdpSocket::bind(any)
                    .and_then(|socket| socket.connect(server).map(|()| socket))
                    .map_err(|err| failed("udp", to, err))?;
                Socket::Udp(socket)
            }
            Address::Tcp(to) => {
                let server = resolve(to)?;
                let socket = TcpStream::connect_timeout(&server, Duration::from_secs(5))
                    .map_err(|err| failed("tcp", to, err))?;
                let _ = socket.set_write_timeout(Some(PATIENCE));
                Socket::Tcp(socket)
            }
        };
        Ok(Syslog {
            socket,
            format,
            header,
        })
    }

    /// Sends `line`, read from `stream` at `time`, as one message. A message the server does
    /// not take is lost, as with docker: the container's output never waits for its log.
    pub fn send(&mut self, stream: Stream, line: &[u8], time: &str) -> io::Result<()> {
        let message = message(self.format, &self.header, stream, time, line);
        let _ = match &mut self.socket {
            Socket::Unixgram(socket) => socket.send(&message).map(drop),
            Socket::Udp(socket) => socket.send(&message).map(drop),
            // A stream has no messages: each ends with its newline.
            Socket::Unix(socket) => socket.write_all(&message),
            Socket::Tcp(socket) => socket.write_all(&message),
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_syslog_writes_them() {
        let time = "2026-12-01T09:05:07.123456789Z";
        assert_eq!(stamp(time), "Dec  1 09:05:07");
        assert_eq!(timestamp(time, 0), "2026-12-01T09:05:07Z");
        assert_eq!(timestamp(time, 6), "2026-12-01T09:05:07.123456Z");
    }
}
