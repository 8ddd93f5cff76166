/// Takes `typed`, just read from the terminal.
pub fn feed(&mut self, typed: &[u8]) -> Fed {
    let mut fed = Fed::default();
    if self.keys.is_empty() {
        fed.passed.extend_from_slice(typed);
        return fed;
    }
    for &byte in typed {
        // The next key of the sequence: held back. A byte that breaks the sequence gives
        // back what was held, and may itself begin the sequence again.
        if byte == self.keys[self.matched] {
            self.matched += 1;
        } else {
            fed.passed.extend_from_slice(&self.keys[..self.matched]);
            self.matched = usize::from(byte == self.keys[0]);
            if self.matched == 0 {
                fed.passed.push(byte);
            }
        }
        if self.matched == self.keys.len() {
            self.matched = 0;
            fed.detach = true;
            return fed;
        }
    }
    fed
}
