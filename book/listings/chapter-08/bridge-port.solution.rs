/// The message that plugs the link `port` into the bridge `bridge`, and brings it up
/// (`ip link set PORT master BRIDGE up`).
pub fn plug(port: u32, bridge: u32) -> LinkMessage {
    // A port's bridge is its master (IFLA_MASTER, "controller" in the kernel's newer words).
    // Up in the same request: a link that is down passes nothing, plugged or not.
    let mut link = LinkMessage::default();
    link.header.index = port;
    link.header.flags = LinkFlags::Up;
    link.header.change_mask = LinkFlags::Up;
    link.attributes = vec![LinkAttribute::Controller(bridge)];
    link
}
