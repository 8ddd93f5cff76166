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
