/// The address `wanted` (`--ip`) for a container on `network`, whose addresses in use are
/// `taken`; refused as docker refuses it.
pub fn claim(network: &Network, wanted: Ipv4Addr, taken: &Leases) -> Result<Ipv4Addr> {
    // A subnet minidock chose may be another tomorrow (the default network's, after --bip):
    // an address asked for must be of one the user chose.
    if !network.configured {
        return Err(Error::Invalid(
            "user specified IP address is supported only when connecting to networks with user \
             configured subnets"
                .into(),
        ));
    }
    if !network.subnet.contains(wanted) {
        return Err(Error::Invalid(format!(
            "Invalid address {wanted}: It does not belong to any of this network's subnets"
        )));
    }
    // The subnet's own address, its broadcast address and the gateway are never a container's;
    // an address leased is another's. An address outside --ip-range may be asked for.
    let reserved = [
        network.subnet.network(),
        network.subnet.broadcast(),
        network.gateway,
    ];
    if reserved.contains(&wanted) || taken.contains_key(&wanted) {
        return Err(Error::Invalid("Address already in use".into()));
    }
    Ok(wanted)
}
