/// The message that gives the link `index` the address `address` in a subnet of `prefix` bits
/// (`ip addr add ADDRESS/PREFIX dev DEV`).
pub fn address(index: u32, address: Ipv4Addr, prefix: u8) -> AddressMessage {
    // IPv4 wants the address twice: IFA_LOCAL, the interface's own, and IFA_ADDRESS, the other
    // end's on a point-to-point link and the same on any other. The prefix makes the kernel add
    // the route to the subnet itself, through this link. The broadcast address is the
    // subnet's last, as `ip addr add ... brd +` sets it.
    let mut message = AddressMessage::default();
    message.header.family = AddressFamily::Inet;
    message.header.prefix_len = prefix;
    message.header.index = index;
    let host_bits = u32::MAX.checked_shr(u32::from(prefix)).unwrap_or(0);
    let broadcast = Ipv4Addr::from(u32::from(address) | host_bits);
    message.attributes = vec![
        AddressAttribute::Local(address.into()),
        AddressAttribute::Address(address.into()),
        AddressAttribute::Broadcast(broadcast),
    ];
    message
}
