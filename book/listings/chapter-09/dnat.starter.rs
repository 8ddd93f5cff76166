/// The rules in the ports chain for one published port: what arrives for the host's port goes to
/// the container's.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn port_rules(rule: &PortRule) -> Vec<String> {
    // TODO(chapter 9): Publish a port
    //   (the book: chapter 9, "Publish a port")
    // The rule that sends what arrives at the host's port to the container's address and
    // port (see "Publish a port"). None yet.
    Vec::new()
}
