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
