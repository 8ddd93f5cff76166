/// The gateway of a network of `subnet`: the one asked for (`--gateway`), or the subnet's first
/// address; checked, with the `--ip-range` asked for, as docker checks them.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn plan(
    subnet: Subnet,
    gateway: Option<Ipv4Addr>,
    ip_range: Option<Subnet>,
) -> Result<Ipv4Addr> {
    // TODO(chapter 9): Plan a network's addresses
    //   (the book: chapter 9, "Plan a network's addresses")
    // Check the range and the gateway against the subnet, and choose the gateway if none is
    // asked for (see "Plan a network's addresses"). Until then, the subnet's first address.
    Ok(Ipv4Addr::from(u32::from(subnet.network()) + 1))
}
