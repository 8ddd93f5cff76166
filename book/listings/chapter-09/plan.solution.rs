/// The gateway of a network of `subnet`: the one asked for (`--gateway`), or the subnet's first
/// address; checked, with the `--ip-range` asked for, as docker checks them.
pub fn plan(
    subnet: Subnet,
    gateway: Option<Ipv4Addr>,
    ip_range: Option<Subnet>,
) -> Result<Ipv4Addr> {
    // The range must lie inside the subnet: as long a prefix at least, and the same first bits.
    if let Some(range) = ip_range {
        if range.prefix < subnet.prefix || !subnet.contains(range.network()) {
            return Err(Error::Invalid(format!(
                "no matching subnet for range {range}"
            )));
        }
    }
    let (first, last) = (subnet.network(), subnet.broadcast());
    match gateway {
        Some(gateway) if !subnet.contains(gateway) => Err(Error::Invalid(format!(
            "no matching subnet for gateway {gateway}"
        ))),
        // The subnet's own address and its broadcast address are no host's.
        Some(gateway) if gateway == first || gateway == last => Err(Error::Invalid(format!(
            "failed to allocate gateway ({gateway}): Address already in use"
        ))),
        Some(gateway) => Ok(gateway),
        // A /31 or /32 has no address for a host at all.
        None if subnet.prefix >= 31 => Err(Error::Invalid(
            "failed to allocate gateway (): No available addresses on this pool".into(),
        )),
        None => Ok(Ipv4Addr::from(u32::from(first) + 1)),
    }
}
