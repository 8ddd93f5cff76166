/// The message of the request that makes the pair: `host`, the host's end, with the MTU `mtu`,
/// and its peer `peer`, both at once.
#[allow(unused_variables)] // until your code uses it, in chapter 8
pub fn pair(host: &str, mtu: u32, peer: &Peer) -> LinkMessage {
    // TODO(chapter 8): Create the pair
    //   (the book: chapter 8, "Create the pair")
    // Return the message that makes the pair in one request: `host` here, with the MTU
    // `mtu`, and its peer born in the container's namespace with its name and address: see
    // "Create the pair". Until then the request makes a plain link with no kind, which the
    // kernel refuses.
    let mut link = LinkMessage::default();
    link.attributes = vec![LinkAttribute::IfName(host.to_string())];
    link
}
