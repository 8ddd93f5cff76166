//! Random values, so that no test can be passed by hard-coding what it expects.

use std::io::Read;

fn bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("reading /dev/urandom");
    buf
}

/// A number in `low..=high`.
pub fn number(low: u64, high: u64) -> u64 {
    assert!(low <= high);
    low + u64::from_le_bytes(bytes::<8>()) % (high - low + 1)
}

/// `len` characters of lowercase letters and digits, starting with a letter (so it is a valid
/// host name, file name or variable value).
pub fn word(len: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|i| {
            let set = if i == 0 { LETTERS } else { ALNUM };
            set[number(0, set.len() as u64 - 1) as usize] as char
        })
        .collect()
}

/// `prefix` followed by a random word, e.g. `name("host-")` → `host-k3fx9a2b`.
pub fn name(prefix: &str) -> String {
    format!("{prefix}{}", word(8))
}

/// One element of `choices`.
pub fn pick<T: Copy>(choices: &[T]) -> T {
    choices[number(0, choices.len() as u64 - 1) as usize]
}
