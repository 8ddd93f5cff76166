/// The message that plugs the link `port` into the bridge `bridge`, and brings it up
/// (`ip link set PORT master BRIDGE up`).
#[allow(unused_variables)] // until your code uses it, in chapter 8
pub fn plug(port: u32, bridge: u32) -> LinkMessage {
    // TODO(chapter 8): Plug it into the bridge
    //   (the book: chapter 8, "Plug it into the bridge")
    // Return the message that makes the bridge `bridge` the master of the link `port`, and
    // brings the port up: see "Plug it into the bridge". Until then the host's end of the
    // pair hangs loose, and the container reaches nobody.
    let mut link = LinkMessage::default();
    link.header.index = port;
    link
}
