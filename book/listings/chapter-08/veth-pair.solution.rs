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
