/// The rules of `network` in the postrouting chain: what leaves the host with a source address
/// of the network's takes the address of the interface it leaves by.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn network_rules(network: &NetworkRules) -> Vec<String> {
    // TODO(chapter 9): Masquerade the way out
    //   (the book: chapter 9, "Masquerade the way out")
    // The rules that rewrite the source of what leaves the host from the network's subnet
    // (see "Masquerade the way out"), and of what 127.0.0.1 sends to the bridge. None yet.
    Vec::new()
}
