// [ch09 file]
//! The macvlan link: an interface of the container's own stacked on one of the host's
//! (its parent), with a hardware address of its own. The parent's segment sees it as one more
//! machine: frames for its address are handed to it by the parent, without a bridge, without
//! the host's routing, without NAT.
//!
//! ```text
//!        the segment (a switch, or here a veth to another namespace)
//!   ─────────────┬──────────────────────────────┬──────────────
//!                │ parent (the host's eth1)      │ another machine
//!        ┌───────┴────────┐                      │ 198.51.100.7
//!        │ macvlans, mode │
//!        │ bridge         │
//!        └──┬──────────┬──┘
//!           │          │
//!      eth0 of A    eth0 of B     each with its own MAC and address on the segment
//! ```
//!
//! In `bridge` mode the macvlans of one parent also reach each other, inside the kernel; what
//! none of them reaches is the parent itself: a frame from a macvlan to the parent's own
//! address goes out on the wire, and the wire does not send it back.

// [ch09 unsolved allow(unused_imports)]
use std::os::fd::AsRawFd;

// [ch09 unsolved allow(unused_imports)]
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoMacVlan, LinkAttribute, LinkInfo, LinkMessage, MacVlanMode,
};

use super::veth::Peer;

/// The message of the request that makes the container's interface `link` (its name, address
/// and namespace, as a veth's peer has them) on the host's link of index `parent`, with the
/// parent's MTU `mtu`.
// [ch09 unsolved allow(unused_variables)]
pub fn link(parent: u32, mtu: u32, link: &Peer) -> LinkMessage {
    // [ch09 exercise macvlan: A macvlan of the parent's]
    // Born in the container's namespace, as a veth's peer; its lower link, the parent, is named
    // by its index in the namespace the request is made in, the host's.
    let mut message = LinkMessage::default();
    message.attributes = vec![
        LinkAttribute::IfName(link.name.to_string()),
        LinkAttribute::Link(parent),
        LinkAttribute::Mtu(mtu),
        LinkAttribute::Address(link.mac.to_vec()),
        LinkAttribute::NetNsFd(link.netns.as_raw_fd()),
        LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::MacVlan),
            LinkInfo::Data(InfoData::MacVlan(vec![InfoMacVlan::Mode(
                MacVlanMode::Bridge,
            )])),
        ]),
    ];
    message
    // [ch09 mistake macvlan-mode-left-out: chapter_09::networks::macvlan_containers_sit_on_the_parents_segment]
    //~ // A macvlan of the parent's, in the kernel's own mode.
    //~ let mut message = LinkMessage::default();
    //~ message.attributes = vec![
    //~     LinkAttribute::IfName(link.name.to_string()),
    //~     LinkAttribute::Link(parent),
    //~     LinkAttribute::Mtu(mtu),
    //~     LinkAttribute::Address(link.mac.to_vec()),
    //~     LinkAttribute::NetNsFd(link.netns.as_raw_fd()),
    //~     LinkAttribute::LinkInfo(vec![LinkInfo::Kind(InfoKind::MacVlan)]),
    //~ ];
    //~ message
    // [ch09 before]
    //~ // The link of kind macvlan, in bridge mode, on the parent, born in the container's
    //~ // namespace with its name and address (see "A macvlan of the parent's"). Until then, an
    //~ // empty request, which the kernel refuses.
    //~ LinkMessage::default()
    // [ch09 end]
}
