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

#[allow(unused_imports)] // until your code uses it, in chapter 9
use std::os::fd::AsRawFd;

#[allow(unused_imports)] // until your code uses it, in chapter 9
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoMacVlan, LinkAttribute, LinkInfo, LinkMessage, MacVlanMode,
};

use super::veth::Peer;

/// The message of the request that makes the container's interface `link` (its name, address
/// and namespace, as a veth's peer has them) on the host's link of index `parent`, with the
/// parent's MTU `mtu`.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn link(parent: u32, mtu: u32, link: &Peer) -> LinkMessage {
    // TODO(chapter 9): A macvlan of the parent's
    //   (the book: chapter 9, "A macvlan of the parent's")
    // The link of kind macvlan, in bridge mode, on the parent, born in the container's
    // namespace with its name and address (see "A macvlan of the parent's"). Until then, an
    // empty request, which the kernel refuses.
    LinkMessage::default()
}
