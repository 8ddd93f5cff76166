/// Takes `typed`, just read from the terminal.
pub fn feed(&mut self, typed: &[u8]) -> Fed {
    let mut fed = Fed::default();
    if self.keys.is_empty() {
        fed.passed.extend_from_slice(typed);
        return fed;
    }
    for &byte in typed {
        // TODO(chapter 7): Detach keys
        //   (the book: chapter 7, "Detach keys")
        // Hold back the bytes that follow the detach keys so far, give them back when the
        // sequence breaks, and count how far it got in `self.matched`: see "Detach keys".
        // Until then everything typed goes through, and nothing detaches.
        fed.passed.push(byte);
        if self.matched == self.keys.len() {
            self.matched = 0;
            fed.detach = true;
            return fed;
        }
    }
    fed
}
