/// The message that adds the default route through `gateway`, out of the link `index`
/// (`ip route add default via GATEWAY dev DEV`).
#[allow(unused_variables)] // until your code uses it, in chapter 8
pub fn default_route(gateway: Ipv4Addr, index: u32) -> RouteMessage {
    // TODO(chapter 8): The way out
    //   (the book: chapter 8, "The way out")
    // Return the message that adds the default route of the main table, through `gateway`
    // on the link `index`: see "The way out". Until then the container reaches its own
    // subnet only.
    let mut route = RouteMessage::default();
    route.header.address_family = AddressFamily::Inet;
    route
}
