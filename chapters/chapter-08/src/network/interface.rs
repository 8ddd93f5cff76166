//! What makes an interface usable: up, with an address, and a route that leads through it.

use std::net::Ipv4Addr;

#[allow(unused_imports)] // until your code uses it, in chapter 8
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
#[allow(unused_imports)] // until your code uses it, in chapter 8
use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage};
#[allow(unused_imports)] // until your code uses it, in chapter 8
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
};
#[allow(unused_imports)] // until your code uses it, in chapter 8
use netlink_packet_route::AddressFamily;

use crate::sys::{self, Message, Netlink};

/// The message that brings the link of index `index` up (`ip link set DEV up`).
#[allow(unused_variables)] // until your code uses it, in chapter 8
pub fn up(index: u32) -> LinkMessage {
    // TODO(chapter 8): Bring the links up
    //   (the book: chapter 8, "Bring the links up")
    // Return the message that sets the flag IFF_UP of the link `index`, and changes no other
    // flag: see "Bring the links up". Until then every link stays down.
    let mut link = LinkMessage::default();
    link.header.index = index;
    link
}

/// The message that gives the link `index` the address `address` in a subnet of `prefix` bits
/// (`ip addr add ADDRESS/PREFIX dev DEV`).
#[allow(unused_variables)] // until your code uses it, in chapter 8
pub fn address(index: u32, address: Ipv4Addr, prefix: u8) -> AddressMessage {
    // TODO(chapter 8): Give it an address
    //   (the book: chapter 8, "Give it an address")
    // Return the message that adds the IPv4 address `address`/`prefix` to the link `index`,
    // with its broadcast address: see "Give it an address". Until then the kernel refuses a
    // request for no address at all.
    let mut message = AddressMessage::default();
    message.header.index = index;
    message
}

/// The message that adds the default route through `gateway`, out of the link `index`
/// (`ip route add default via GATEWAY dev DEV`).
#[allow(unused_variables)] // until your code uses it, in chapter 8
pub fn default_route(gateway: Ipv4Addr, index: u32) -> RouteMessage {
    // TODO(chapter 8): The way out
    //   (the book: chapter 8, "The way out")
    // Return the message that adds the default route of the main table, through `gateway`
    // on the link `index`: see "The way out". Until then the container reaches its own
    // subnet only.
    let mut route = RouteMessage::default();
    route.header.address_family = AddressFamily::Inet;
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
