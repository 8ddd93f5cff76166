//! The veth pair: two network interfaces joined back to back, like the two ends of a cable.
//! What goes into one comes out of the other, and each end may live in a different network
//! namespace: the container's end is its `eth0`, the host's end is plugged into the bridge.

use std::os::fd::AsRawFd;
use std::os::fd::BorrowedFd;

use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkInfo, LinkMessage,
};

/// The container's end of the pair, as it is born.
pub struct Peer<'a> {
    /// Its name, inside the container: `eth0`.
    pub name: &'a str,
    /// Its hardware address.
    pub mac: [u8; 6],
    /// The container's network namespace, where it is born.
    pub netns: BorrowedFd<'a>,
}

/// The message of the request that makes the pair: `host`, the host's end, with the MTU `mtu`,
/// and its peer `peer`, both at once.
pub fn pair(host: &str, mtu: u32, peer: &Peer) -> LinkMessage {
    // The peer is a link message of its own, nested in the pair's: born directly in the
    // container's namespace (IFLA_NET_NS_FD) with its name and address, rather than made on the
    // host and moved there afterwards, a second request that costs the kernel far more.
    let mut inside = LinkMessage::default();
    inside.attributes = vec![
        LinkAttribute::IfName(peer.name.to_string()),
        LinkAttribute::Mtu(mtu),
        LinkAttribute::Address(peer.mac.to_vec()),
        LinkAttribute::NetNsFd(peer.netns.as_raw_fd()),
    ];
    let mut link = LinkMessage::default();
    link.attributes = vec![
        LinkAttribute::IfName(host.to_string()),
        LinkAttribute::Mtu(mtu),
        LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Veth),
            LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(inside))),
        ]),
    ];
    link
}

/// The name of a container's end on the host: `veth` and the first 11 digits of its id (a
/// link's name has at most 15 bytes), so that whoever sweeps after a killed minidock finds it
/// from the id alone. docker's are random: `veth` and 7 digits.
pub fn host_name(container: &str) -> String {
    format!("veth{}", &container[..container.len().min(11)])
}

/// The name of the host's end of the pair of a container's `n`th connected network (its
/// `eth<n>`): `veth`, the first 10 digits of its id, and `n` in hex.
pub fn connected_name(container: &str, n: usize) -> String {
    format!("veth{}{n:x}", &container[..container.len().min(10)])
}

/// The hardware address docker gives a container's interface: the locally administered prefix
/// 02:42, then the four bytes of its IPv4 address. Unique on the bridge as the address is.
pub fn mac_of(address: std::net::Ipv4Addr) -> [u8; 6] {
    let [a, b, c, d] = address.octets();
    [0x02, 0x42, a, b, c, d]
}
