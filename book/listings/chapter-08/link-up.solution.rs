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
