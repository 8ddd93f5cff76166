//! Digests: how an image names its parts. A digest is `sha256:` and the hex of the SHA-256 of some
//! exact bytes, so the same bytes always get the same name and a changed byte another one.
//!
//! Two digests name a layer: its *diff id*, over the uncompressed tar stream (what the image's
//! config lists, and what minidock stores the extracted layer by), and the digest of the blob as
//! it was shipped, compressed or not (what a manifest lists). Both are computed while the bytes
//! stream past, never by reading a file twice.

use std::fmt;
use std::io::{self, Read, Write};
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

/// `sha256:<64 hex digits>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest {
    hex: String,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid digest {0:?}: expected sha256: and 64 hex digits")]
pub struct BadDigest(String);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest::from_hasher(Sha256::new_with_prefix(bytes))
    }

    fn from_hasher(hasher: Sha256) -> Digest {
        let hex = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Digest { hex }
    }

    /// The 64 hex digits, without the algorithm: a file name in the store.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The first 12 hex digits, as `docker images` shows an id.
    pub fn short(&self) -> &str {
        &self.hex[..12]
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex)
    }
}

impl FromStr for Digest {
    type Err = BadDigest;

    fn from_str(text: &str) -> Result<Digest, BadDigest> {
        let hex = text
            .strip_prefix("sha256:")
            .filter(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|hex| !hex.bytes().any(|b| b.is_ascii_uppercase()))
            .ok_or_else(|| BadDigest(text.to_string()))?;
        Ok(Digest {
            hex: hex.to_string(),
        })
    }
}

/// A reader that computes the digest of every byte read through it.
pub struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> Hashing<R> {
    pub fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hasher: Sha256::new(),
            read: 0,
        }
    }

    /// Reads what is left (a tar archive may end before its stream does: the padding after its
    /// end-of-archive blocks belongs to the digest too), then returns the digest and the size.
    pub fn finish(mut self) -> io::Result<(Digest, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((Digest::from_hasher(self.hasher), self.read))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// A writer that computes the digest of every byte written through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    written: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> HashingWriter<W> {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            written: 0,
        }
    }

    /// The digest and the size of what was written.
    pub fn finish(self) -> (Digest, u64) {
        (Digest::from_hasher(self.hasher), self.written)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_of_nothing_is_the_well_known_one() {
        assert_eq!(
            Digest::of(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn a_hashing_reader_digests_what_passes_and_what_is_left() {
        let data = b"some layer bytes".to_vec();
        let mut reader = Hashing::new(&data[..]);
        let mut first = [0u8; 4];
        reader.read_exact(&mut first).unwrap();
        let (digest, size) = reader.finish().unwrap();
        assert_eq!(digest, Digest::of(&data));
        assert_eq!(size, data.len() as u64);
    }

    #[test]
    fn digests_are_parsed_strictly() {
        let good = Digest::of(b"x").to_string();
        assert_eq!(good.parse::<Digest>().unwrap().to_string(), good);
        assert!("sha256:abc".parse::<Digest>().is_err());
        assert!(good.to_uppercase().parse::<Digest>().is_err());
        assert!(good.replace("sha256", "sha512").parse::<Digest>().is_err());
    }
}
