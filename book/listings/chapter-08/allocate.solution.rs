/// The address to lease next in `subnet`, whose gateway is `gateway`, when the addresses of
/// `taken` are in use; `None` when none is left.
pub fn next_free(
    subnet: Subnet,
    gateway: Ipv4Addr,
    taken: &BTreeMap<Ipv4Addr, Lease>,
) -> Option<Ipv4Addr> {
    // The lowest free address, as docker's default bridge hands them out. The subnet's own
    // address and its broadcast address are never a host's; the gateway is the bridge's.
    let first = u32::from(subnet.network()) + 1;
    let last = u32::from(subnet.broadcast());
    (first..last)
        .map(Ipv4Addr::from)
        .find(|address| *address != gateway && !taken.contains_key(address))
}
