//! rtnetlink: how minidock asks the kernel's network stack for links, addresses and routes.
//!
//! `ip link add`, `ip addr add` and `ip route add` are clients of one protocol, netlink, spoken on
//! an `AF_NETLINK` socket of the family `NETLINK_ROUTE`. The socket carries messages, not a
//! stream of bytes: each request is a header (its length, its type, its flags, a sequence number)
//! and a body that the type decides, a fixed part followed by attributes:
//!
//! ```text
//!   nlmsghdr  len | RTM_NEWLINK | NLM_F_REQUEST|NLM_F_ACK|NLM_F_CREATE|NLM_F_EXCL | seq | pid
//!   ifinfomsg family | type | index | flags | change
//!   IFLA_IFNAME   "veth3f2a9c1"
//!   IFLA_MTU      1500
//!   IFLA_LINKINFO
//!     IFLA_INFO_KIND "veth"
//!     IFLA_INFO_DATA
//!       VETH_INFO_PEER  ifinfomsg + IFLA_IFNAME "eth0", IFLA_NET_NS_FD 7, IFLA_ADDRESS ...
//! ```
//!
//! A request sent with `NLM_F_ACK` is answered by an error message whose code is 0 when it
//! worked (the acknowledgement) or minus the error number when it did not.
//!
//! A netlink socket speaks to the network namespace it was created in, for its whole life: to
//! work inside a container's namespace, minidock makes a socket there (`open_in`).

use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::Path;

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL,
    NLM_F_REQUEST,
};
use netlink_packet_route::link::{LinkAttribute, LinkMessage};
pub use netlink_packet_route::RouteNetlinkMessage as Message;
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};
use nix::errno::Errno;
use nix::sched::CloneFlags;

use super::{explain, Error, Result};

/// A socket for rtnetlink requests, in one network namespace.
pub struct Netlink {
    socket: Socket,
    sequence: u32,
    /// Where it speaks, for `--explain` and errors: empty for minidock's own namespace.
    place: String,
}

impl Netlink {
    /// A socket in the calling process's network namespace.
    pub fn open() -> Result<Netlink> {
        let socket = new_socket()?;
        Ok(Netlink {
            socket,
            sequence: 0,
            place: String::new(),
        })
    }

    /// A socket in the network namespace `netns` (opened from `path`): made there, with
    /// minidock back in its own, `own`, at once. minidock is single-threaded, so the one thread
    /// that switches is the whole process, and for no longer than the socket(2) call.
    pub fn open_in(
        netns: BorrowedFd<'_>,
        path: &Path,
        own: BorrowedFd<'_>,
        own_path: &Path,
    ) -> Result<Netlink> {
        super::setns(netns, path, CloneFlags::CLONE_NEWNET)?;
        let socket = new_socket();
        super::setns(own, own_path, CloneFlags::CLONE_NEWNET)?;
        Ok(Netlink {
            socket: socket?,
            sequence: 0,
            place: format!(" in {}", path.display()),
        })
    }

    /// Makes the request `message` and waits for the kernel's answer. `shell` is the `ip`
    /// command that does the same, for `--explain`. A request for something new
    /// (`RTM_NEW*`) is made with `NLM_F_CREATE | NLM_F_EXCL`: an object of that name that
    /// exists already is an error, never quietly changed.
    pub fn request(&mut self, message: Message, shell: &str) -> Result<()> {
        let call = format!("{}{}", describe(&message), self.place);
        explain(&call, shell);
        let create = matches!(
            message,
            Message::NewLink(_) | Message::NewAddress(_) | Message::NewRoute(_)
        );
        let mut flags = NLM_F_REQUEST | NLM_F_ACK;
        if create {
            flags |= NLM_F_CREATE | NLM_F_EXCL;
        }
        self.send(message, flags, &call)?;
        match self.receive(&call)? {
            Answer::Ack => Ok(()),
            Answer::Message(_) => Err(Error::Failed {
                call,
                errno: Errno::EPROTO,
            }),
        }
    }

    /// The link named `name`, as the kernel describes it (`ip link show NAME`), or `None` if
    /// there is none.
    pub fn link(&mut self, name: &str) -> Result<Option<LinkMessage>> {
        let call = format!("RTM_GETLINK {name:?}{}", self.place);
        let mut message = LinkMessage::default();
        message
            .attributes
            .push(LinkAttribute::IfName(name.to_string()));
        self.send(Message::GetLink(message), NLM_F_REQUEST, &call)?;
        match self.receive(&call) {
            Ok(Answer::Message(Message::NewLink(link))) => Ok(Some(link)),
            Ok(_) => Err(Error::Failed {
                call,
                errno: Errno::EPROTO,
            }),
            Err(Error::Failed {
                errno: Errno::ENODEV,
                ..
            }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn send(&mut self, message: Message, flags: u16, call: &str) -> Result<()> {
        self.sequence += 1;
        let mut packet =
            NetlinkMessage::new(NetlinkHeader::default(), NetlinkPayload::from(message));
        packet.header.flags = flags;
        packet.header.sequence_number = self.sequence;
        packet.finalize();
        let mut bytes = vec![0u8; packet.buffer_len()];
        packet.serialize(&mut bytes);
        self.socket
            .send(&bytes, 0)
            .map(drop)
            .map_err(|e| Error::Failed {
                call: call.to_string(),
                errno: super::errno_of(e),
            })
    }

    /// The kernel's answer to the request just sent: messages of other sequence numbers (a
    /// late answer to an earlier request) are skipped.
    fn receive(&mut self, call: &str) -> Result<Answer> {
        let failed = |errno| Error::Failed {
            call: call.to_string(),
            errno,
        };
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = self
                .socket
                .recv(&mut &mut buffer[..], 0)
                .map_err(|e| failed(super::errno_of(e)))?;
            // Nothing at all: no answer will come on this socket.
            if n == 0 {
                return Err(failed(Errno::ECONNRESET));
            }
            let mut offset = 0;
            while offset < n {
                let packet = NetlinkMessage::<Message>::deserialize(&buffer[offset..n])
                    .map_err(|_| failed(Errno::EBADMSG))?;
                let length = packet.header.length as usize;
                if length == 0 {
                    return Err(failed(Errno::EBADMSG));
                }
                offset += length.next_multiple_of(4);
                if packet.header.sequence_number != self.sequence {
                    continue;
                }
                return match packet.payload {
                    // The error message with no code is the acknowledgement.
                    NetlinkPayload::Error(error) => match error.code {
                        None => Ok(Answer::Ack),
                        Some(code) => Err(failed(Errno::from_raw(-code.get()))),
                    },
                    NetlinkPayload::InnerMessage(message) => Ok(Answer::Message(message)),
                    _ => Err(failed(Errno::EPROTO)),
                };
            }
        }
    }
}

enum Answer {
    Ack,
    Message(Message),
}

fn new_socket() -> Result<Socket> {
    let failed = |errno| Error::Failed {
        call: "socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)".into(),
        errno,
    };
    let mut socket = Socket::new(NETLINK_ROUTE).map_err(|e| failed(super::errno_of(e)))?;
    // The kernel picks the socket's port; answers come from port 0, the kernel.
    socket
        .bind_auto()
        .and_then(|_| socket.connect(&SocketAddr::new(0, 0)))
        .map_err(|e| failed(super::errno_of(e)))?;
    // Close-on-exec: the socket is minidock's, never the command's.
    nix::fcntl::fcntl(
        // SAFETY: the socket's descriptor, open for as long as `socket` lives.
        unsafe { BorrowedFd::borrow_raw(socket.as_raw_fd()) },
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )
    .map_err(failed)?;
    Ok(socket)
}

/// A request as `--explain` and errors name it: its type, and the link, address or route.
fn describe(message: &Message) -> String {
    let link_name = |link: &LinkMessage| {
        link.attributes
            .iter()
            .find_map(|attribute| match attribute {
                LinkAttribute::IfName(name) => Some(format!("{name:?}")),
                _ => None,
            })
            .unwrap_or_else(|| format!("index {}", link.header.index))
    };
    match message {
        Message::NewLink(link) => format!("RTM_NEWLINK {}", link_name(link)),
        Message::SetLink(link) => {
            let master = link
                .attributes
                .iter()
                .find_map(|attribute| match attribute {
                    LinkAttribute::Controller(index) => Some(format!(" master index {index}")),
                    _ => None,
                });
            format!(
                "RTM_SETLINK {}{}",
                link_name(link),
                master.unwrap_or_default()
            )
        }
        Message::DelLink(link) => format!("RTM_DELLINK {}", link_name(link)),
        Message::NewAddress(address) => format!(
            "RTM_NEWADDR /{} on index {}",
            address.header.prefix_len, address.header.index
        ),
        Message::NewRoute(route) => {
            format!("RTM_NEWROUTE /{}", route.header.destination_prefix_length)
        }
        _ => "an rtnetlink request".to_string(),
    }
}
