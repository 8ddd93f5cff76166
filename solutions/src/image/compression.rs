// [ch05 file]
//! Compressed streams: a layer, or a whole archive, may come plain, gzip or zstd. The first bytes
//! say which (their "magic numbers", as docker tells them apart): gzip starts `1f 8b`, zstd
//! `28 b5 2f fd`, and anything else is read as it is.

use std::io::{self, BufRead, BufReader, Read};

use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
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
        if source.fill_buf()?.is_empty() {
            return Ok(None);
        }
        let mut decoder = FrameDecoder::new();
        match decoder.init(&mut source) {
            Ok(()) => {
                return StreamingDecoder::new_with_decoder(source, decoder)
                    .map(Some)
                    .map_err(invalid)
            }
            Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                length,
                ..
            })) => {
                io::copy(&mut (&mut source).take(u64::from(length)), &mut io::sink())?;
            }
            Err(e) => return Err(invalid(e)),
        }
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
