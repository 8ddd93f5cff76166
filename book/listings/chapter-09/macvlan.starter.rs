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
