/// Takes the host's port that `publish` asks for, or the first free one of its range, or one the
/// kernel picks, and holds it.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn reserve(publish: &Publish) -> Result<Reserved> {
    let (first, last) = publish.host_ports;
    let address = publish.host_ip.unwrap_or(Ipv4Addr::UNSPECIFIED);
    let taken = || {
        let ports = match (first, last) {
            (first, last) if first == last => first.to_string(),
            (first, last) => format!("{first}-{last}"),
        };
        Error::PortTaken(format!("{address}:{ports}"))
    };
    // TODO(chapter 9): Hold the host's port
    //   (the book: chapter 9, "Hold the host's port")
    // Bind a socket of the port's protocol to the host's address and port (see "Hold the
    // host's port"): the first free port of the range, or the one the kernel picks for 0.
    // Until then nothing is held, and the port is said to be taken.
    Err(taken())
}
