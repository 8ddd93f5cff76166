/// Lets the host route for the bridge `bridge`: between its interfaces at all (the network's
/// traffic out, published ports' in), and from its loopback addresses to the bridge (127.0.0.1
/// rewritten to a container's address by a published port's rule). The kernel's defaults refuse
/// both.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn forward(bridge: &str) -> Result<()> {
    // TODO(chapter 9): Let the host route
    //   (the book: chapter 9, "Let the host route")
    // Turn on IPv4 forwarding, and routing from 127.0.0.0/8 on the bridge: two files of
    // /proc/sys (see "Let the host route").
    Ok(())
}
