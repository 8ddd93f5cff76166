/// The message of the request that makes the container's interface `link` (its name, address
/// and namespace, as a veth's peer has them) on the host's link of index `parent`, with the
/// parent's MTU `mtu`.
pub fn link(parent: u32, mtu: u32, link: &Peer) -> LinkMessage {
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
}
