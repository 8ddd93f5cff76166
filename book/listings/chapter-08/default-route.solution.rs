/// The message that adds the default route through `gateway`, out of the link `index`
/// (`ip route add default via GATEWAY dev DEV`).
pub fn default_route(gateway: Ipv4Addr, index: u32) -> RouteMessage {
    // The default route is the route to 0.0.0.0/0: a destination prefix of no bits, which every
    // address matches, and the one chosen last, when no longer prefix does. In the main table,
    // as a unicast route of global scope: it leads beyond this link, to a gateway on it.
    let mut route = RouteMessage::default();
    route.header.address_family = AddressFamily::Inet;
    route.header.destination_prefix_length = 0;
    route.header.table = RouteHeader::RT_TABLE_MAIN;
    route.header.protocol = RouteProtocol::Boot;
    route.header.scope = RouteScope::Universe;
    route.header.kind = RouteType::Unicast;
    route.attributes = vec![
        RouteAttribute::Gateway(RouteAddress::Inet(gateway)),
        RouteAttribute::Oif(index),
    ];
    route
}
