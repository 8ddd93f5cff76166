//! The detach keys: a sequence typed into an attached terminal that detaches it and leaves the
//! container running. Docker's syntax: keys separated by commas, each a character or
//! `ctrl-KEY`; the default is `ctrl-p,ctrl-q`.

/// The default sequence, as docker has it.
pub const DEFAULT: &str = "ctrl-p,ctrl-q";

#[derive(Debug, thiserror::Error)]
#[error("Invalid detach keys ({0}) provided")]
pub struct BadKeys(pub String);

/// The keys `--detach-keys` chose (docker's default if it was not given), as bytes.
pub fn chosen(option: Option<&str>) -> Result<Vec<u8>, BadKeys> {
    parse(option.unwrap_or(DEFAULT))
}

/// The bytes a sequence written in docker's syntax stands for.
pub fn parse(keys: &str) -> Result<Vec<u8>, BadKeys> {
    let bad = || BadKeys(keys.to_string());
    let mut bytes = Vec::new();
    for key in keys.split(',') {
        let byte = match key.strip_prefix("ctrl-") {
            // Ctrl with a key clears the key's upper bits: ctrl-a is 1, ctrl-@ is 0, ctrl-[ is
            // ESC (27), up to ctrl-_ (31).
            Some(code) => match code.as_bytes() {
                [c @ b'a'..=b'z'] => c - b'a' + 1,
                [c @ (b'@' | b'[' | b'\\' | b']' | b'^' | b'_')] => c & 0x1f,
                _ => return Err(bad()),
            },
            None => match key.as_bytes() {
                [c] if c.is_ascii() => *c,
                _ => return Err(bad()),
            },
        };
        bytes.push(byte);
    }
    Ok(bytes)
}

/// Watches what is typed for the detach keys.
#[derive(Debug)]
pub struct Detector {
    keys: Vec<u8>,
    /// How many of the keys have been typed, in a row, just now: held back until the sequence
    /// is whole or broken.
    matched: usize,
}

/// What typed bytes come to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fed {
    /// The bytes to pass on to the container.
    pub passed: Vec<u8>,
    /// Whether the sequence is complete: what follows it is not read.
    pub detach: bool,
}

impl Detector {
    pub fn new(keys: Vec<u8>) -> Detector {
        Detector { keys, matched: 0 }
    }

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_syntax() {
        assert_eq!(parse("ctrl-p,ctrl-q").unwrap(), [16, 17]);
        assert_eq!(
            parse("ctrl-@,ctrl-[,ctrl-_,a,Z").unwrap(),
            [0, 27, 31, b'a', b'Z']
        );
        assert!(parse("ctrl-").is_err());
        assert!(parse("ctrl-pp").is_err());
        assert!(parse("ab").is_err());
        assert!(parse("").is_err());
    }
}
