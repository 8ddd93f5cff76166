/// The rules that keep `network` apart from minidock's other networks, in two stages as Docker's
/// DOCKER-ISOLATION chains: for the `forward` chain, what the network's bridge sends anywhere but
/// back into itself goes on to the `isolate` chain; there, what is about to enter the network's
/// bridge is dropped. Each network's two rules together drop what any network sends to any
/// other, and let the rest (the way out to the world) through.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn isolation_rules(network: &NetworkRules) -> (String, String) {
    // TODO(chapter 9): Keep networks apart
    //   (the book: chapter 9, "Keep networks apart")
    // Two rules (see "Keep networks apart"): one for the forward chain, which sends what
    // leaves the network's bridge for elsewhere to the isolate chain, and one there, which
    // drops what is about to enter the bridge. Until then networks reach each other.
    (String::new(), String::new())
}
