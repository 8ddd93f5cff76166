//! The bridge: a switch made of software, on the host. Every interface plugged into it (a
//! port) is one of its sockets; a frame that comes in on one port goes out on the port that
//! leads to its destination's hardware address, as the bridge has learnt them. The bridge is
//! also an interface of the host's: with an address, it is the host's own socket on that
//! switch, and the containers' gateway.

use netlink_packet_route::link::{InfoKind, LinkAttribute, LinkFlags, LinkInfo, LinkMessage};

use super::interface;
use super::store::Network;
use crate::sys::{self, Message, Netlink};

/// A bridge that exists: its index and MTU, which the veths plugged into it take.
pub struct Bridge {
    pub index: u32,
    pub mtu: u32,
}

/// The bridge of `network`, made if the host does not have it yet: with the gateway's address,
/// and up. Made once, and left when its last container goes, as docker leaves docker0.
pub fn ensure(netlink: &mut Netlink, network: &Network) -> sys::Result<Bridge> {
    if let Some(link) = netlink.link(&network.bridge)? {
        return Ok(described(&link));
    }
    let mut link = LinkMessage::default();
    link.attributes = vec![
        LinkAttribute::IfName(network.bridge.clone()),
        LinkAttribute::LinkInfo(vec![LinkInfo::Kind(InfoKind::Bridge)]),
    ];
    netlink.request(
        Message::NewLink(link),
        &format!("ip link add {} type bridge", network.bridge),
    )?;
    // A bridge is made whole or not at all: one left without its address would be taken as
    // ready by the next container.
    let configured = configure(netlink, network);
    if configured.is_err() {
        let _ = interface::delete(netlink, &network.bridge);
    }
    configured
}

/// Gives the bridge just made its address, and brings it up.
fn configure(netlink: &mut Netlink, network: &Network) -> sys::Result<Bridge> {
    let made = netlink
        .link(&network.bridge)?
        .map(|link| described(&link))
        .ok_or(sys::Error::Refused {
            call: format!("RTM_GETLINK {:?}", network.bridge),
            reason: "the bridge just made is gone",
        })?;
    let prefix = network.subnet.prefix;
    netlink.request(
        Message::NewAddress(interface::address(made.index, network.gateway, prefix)),
        &format!(
            "ip addr add {}/{prefix} brd + dev {}",
            network.gateway, network.bridge
        ),
    )?;
    netlink.request(
        Message::SetLink(interface::up(made.index)),
        &format!("ip link set {} up", network.bridge),
    )?;
    Ok(made)
}

fn described(link: &LinkMessage) -> Bridge {
    let mtu = link
        .attributes
        .iter()
        .find_map(|attribute| match attribute {
            LinkAttribute::Mtu(mtu) => Some(*mtu),
            _ => None,
        })
        .unwrap_or(1500);
    Bridge {
        index: link.header.index,
        mtu,
    }
}

/// The message that plugs the link `port` into the bridge `bridge`, and brings it up
/// (`ip link set PORT master BRIDGE up`).
pub fn plug(port: u32, bridge: u32) -> LinkMessage {
    // A port's bridge is its master (IFLA_MASTER, "controller" in the kernel's newer words).
    // Up in the same request: a link that is down passes nothing, plugged or not.
    let mut link = LinkMessage::default();
    link.header.index = port;
    link.header.flags = LinkFlags::Up;
    link.header.change_mask = LinkFlags::Up;
    link.attributes = vec![LinkAttribute::Controller(bridge)];
    link
}
