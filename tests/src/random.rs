//! Random values, so that no test can be passed by hard-coding what it expects.
//!
//! With `MINIDOCK_TEST_SEED` set, the values are pseudo-random instead, from that seed and the
//! test's name, so a run can be repeated exactly (the book's transcripts are made that way).

use std::cell::RefCell;
use std::io::Read;

thread_local! {
    static SEEDED: RefCell<Option<u64>> = RefCell::new(seed());
}

/// The seeded generator's first state, for this thread (libtest names each test's thread after
/// the test), or `None` when no seed is set.
fn seed() -> Option<u64> {
    let seed = std::env::var("MINIDOCK_TEST_SEED").ok()?;
    let thread = std::thread::current().name().unwrap_or("").to_string();
    // FNV-1a of seed and thread name; never zero, which xorshift would keep forever.
    let hash = format!("{seed}/{thread}")
        .bytes()
        .fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
    Some(hash | 1)
}

fn next_u64() -> u64 {
    SEEDED.with(|state| match state.borrow_mut().as_mut() {
        Some(x) => {
            // xorshift64: plenty for test values, and the same on every machine.
            *x ^= *x << 13;
            *x ^= *x >> 7;
            *x ^= *x << 17;
            *x
        }
        None => {
            let mut buf = [0u8; 8];
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| f.read_exact(&mut buf))
                .expect("reading /dev/urandom");
            u64::from_le_bytes(buf)
        }
    })
}

/// A number in `low..=high`.
pub fn number(low: u64, high: u64) -> u64 {
    assert!(low <= high);
    low + next_u64() % (high - low + 1)
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
