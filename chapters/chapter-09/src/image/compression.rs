//! Compressed streams: a layer, or a whole archive, may come plain, gzip or zstd. The first bytes
//! say which (their "magic numbers", as docker tells them apart): gzip starts `1f 8b`, zstd
//! `28 b5 2f fd`, and anything else is read as it is.

use std::io::{self, BufRead, BufReader, Read};

use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

/// `source`, decompressed if its first bytes say it is compressed.
pub fn decompressed<'a>(source: impl Read + 'a) -> io::Result<Box<dyn Read + 'a>> {
    // Large reads: the tar reader asks for 512 bytes at a time, and each would be a read(2).
    let mut reader = BufReader::with_capacity(1 << 20, source);
    let head = reader.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        // A gzip file may hold several members one after the other (pigz writes them): read all.
        Ok(Box::new(flate2::read::MultiGzDecoder::new(reader)))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Ok(Box::new(Zstd::Between(reader)))
    } else {
        Ok(Box::new(reader))
    }
}

/// A zstd stream: one frame after another (zstd writes several for large or parallel input),
/// skippable frames skipped.
enum Zstd<R: BufRead> {
    Between(R),
    InFrame(Box<StreamingDecoder<R, FrameDecoder>>),
    Done,
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))
}

/// The decoder of the frame `source` starts with; `None` at the end of the stream.
fn next_frame<R: BufRead>(mut source: R) -> io::Result<Option<StreamingDecoder<R, FrameDecoder>>> {
    loop {
        let head = source.fill_buf()?;
        if head.is_empty() {
            return Ok(None);
        }
        // A skippable frame: a magic number 0x184D2A50 to 0x184D2A5F, then its length.
        if head.len() >= 8 && head[1..4] == [0x2a, 0x4d, 0x18] && head[0] & 0xf0 == 0x50 {
            let length = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            source.consume(8);
            io::copy(&mut (&mut source).take(u64::from(length)), &mut io::sink())?;
            continue;
        }
        return StreamingDecoder::new(source).map(Some).map_err(invalid);
    }
}

impl<R: BufRead> Read for Zstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match std::mem::replace(self, Zstd::Done) {
                Zstd::Done => return Ok(0),
                Zstd::Between(source) => match next_frame(source)? {
                    Some(frame) => *self = Zstd::InFrame(Box::new(frame)),
                    None => return Ok(0),
                },
                Zstd::InFrame(mut frame) => {
                    let n = frame.read(buf)?;
                    if n > 0 || buf.is_empty() {
                        *self = Zstd::InFrame(frame);
                        return Ok(n);
                    }
                    *self = Zstd::Between(frame.into_inner());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zstd_frames_are_read_one_after_the_other_and_skippable_ones_skipped() {
        // `printf 'hello ' | zstd`, a skippable frame of 3 bytes, `printf 'world\n' | zstd
        // --no-check`.
        let stream: Vec<u8> = [
            &[
                0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
                0x20, 0xd2, 0x3b, 0xe1, 0xa9,
            ][..],
            &[
                0x5a, 0x2a, 0x4d, 0x18, 0x03, 0x00, 0x00, 0x00, 0xaa, 0xbb, 0xcc,
            ],
            &[
                0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x31, 0x00, 0x00, 0x77, 0x6f, 0x72, 0x6c, 0x64,
                0x0a,
            ],
        ]
        .concat();
        let mut out = String::new();
        decompressed(&stream[..])
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "hello world\n");
    }

    #[test]
    fn gzip_members_are_all_read_and_plain_streams_pass_as_they_are() {
        use std::io::Write;
        let mut gzip = Vec::new();
        for part in ["one ", "two"] {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(part.as_bytes()).unwrap();
            gzip.extend(encoder.finish().unwrap());
        }
        let mut out = String::new();
        decompressed(&gzip[..])
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "one two");
        let mut plain = String::new();
        decompressed(&b"as it is"[..])
            .unwrap()
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, "as it is");
    }
}
