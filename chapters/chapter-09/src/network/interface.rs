//! What makes an interface usable: up, with an address, and a route that leads through it.

use std::net::Ipv4Addr;

use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
use netlink_packet_route::AddressFamily;

use crate::sys::{self, Message, Netlink};

/// The message that brings the link of index `index` up (`ip link set DEV up`).
pub fn up(index: u32) -> LinkMessage {
    // The flags to set, and the mask of the flags this request changes: only IFF_UP. Without
    // the mask, the kernel takes the flags as the link's whole set.
    let mut link = LinkMessage::default();
    link.header.index = index;
    link.header.flags = LinkFlags::Up;
    link.header.change_mask = LinkFlags::Up;
    link
}

/// The message that gives the link `index` the address `address` in a subnet of `prefix` bits
/// (`ip addr add ADDRESS/PREFIX dev DEV`).
pub fn address(index: u32, address: Ipv4Addr, prefix: u8) -> AddressMessage {
    // IPv4 wants the address twice: IFA_LOCAL, the interface's own, and IFA_ADDRESS, the other
    // end's on a point-to-point link and the same on any other. The prefix makes the kernel add
    // the route to the subnet itself, through this link. The broadcast address is the
    // subnet's last, as `ip addr add ... brd +` sets it.
    let mut message = AddressMessage::default();
    message.header.family = AddressFamily::Inet;
    message.header.prefix_len = prefix;
    message.header.index = index;
    let host_bits = u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
    let broadcast = Ipv4Addr::from(u32::from(address) | host_bits);
    message.attributes = vec![
        AddressAttribute::Local(address.into()),
        AddressAttribute::Address(address.into()),
        AddressAttribute::Broadcast(broadcast),
    ];
    message
}

/// The message that adds the default route through `gateway`, out of the link `index`
/// (`ip route add default via GATEWAY dev DEV`).
pub fn default_route(gateway: Ipv4Addr, index: u32) -> RouteMessage {
    // The default route is the route to 0.0.0.0/0: a destination prefix of no bits, which every
    // address matches, and the one chosen last, when no longer prefix does. In the main table,
    // as a unicast route of global scope: it leads beyond this link, to a gateway on it.
    let mut route = RouteMessage::default();
    route.header.address_family = AddressFamily::Inet;
    route.header.destination_prefix_length = 0;
    route.header.table = RouteHeader::RT_TABLE_MAIN;
    route.header.protocol = RouteProtocol::Boot;
    route.header.scope = RouteScope::Universe;
    route.header.kind = RouteType::Unicast;
    route.attributes = vec![
        RouteAttribute::Gateway(RouteAddress::Inet(gateway)),
        RouteAttribute::Oif(index),
    ];
    route
}

/// Brings the link `name` down (`ip link set NAME down`), found by its name; one that is gone
/// already is no error.
pub fn set_down(netlink: &mut Netlink, name: &str) -> sys::Result<()> {
    let mut link = LinkMessage::default();
    link.header.change_mask = LinkFlags::Up;
    link.attributes = vec![LinkAttribute::IfName(name.to_string())];
    match netlink.request(Message::SetLink(link), &format!("ip link set {name} down")) {
        Err(err) if err.errno() == Some(nix::errno::Errno::ENODEV) => Ok(()),
        done => done,
    }
}

/// Deletes the link `name` (a bridge, or one end of a veth pair, which takes the other with
/// it); one that is gone already is no error.
pub fn delete(netlink: &mut Netlink, name: &str) -> sys::Result<()> {
    let mut link = LinkMessage::default();
    link.attributes = vec![LinkAttribute::IfName(name.to_string())];
    match netlink.request(Message::DelLink(link), &format!("ip link del {name}")) {
        Err(err) if err.errno() == Some(nix::errno::Errno::ENODEV) => Ok(()),
        done => done,
    }
}
