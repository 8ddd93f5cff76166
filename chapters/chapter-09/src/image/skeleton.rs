//! A layer's skeleton: every byte of its tar stream but the files' contents, kept beside the
//! extracted layer so that the very same stream can be made again for `save`.
//!
//! An image's config names each layer by the digest of its uncompressed tar stream (its diff
//! id). Tar a layer's directory anew and the headers come out different (another order, other
//! times, other padding): another digest, and so another image. Keeping every layer twice, once
//! as files and once as a tarball, would double the store. So while a layer is extracted, what
//! is not a file's content (headers, long names, padding, the end blocks) is recorded, with, in
//! place of each content, the name of the file it went into. Docker keeps the same thing for
//! each layer (its "tar-split" files), and so does podman.
//!
//! ```text
//!   stream:    [header a][content of a][pad][header b][content of b][pad][end blocks]
//!   skeleton:  R(header a)  F(a, size)  R(pad, header b)  F(b, size)  R(pad, end blocks)
//! ```
//!
//! Made again, the stream is hashed as it is written: if a file changed, or a name was used twice
//! in the layer, the digest says so and `save` refuses rather than ship another layer.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use nix::fcntl::{openat2, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::Mode;

/// The recorder's state, shared between the reader the tar crate reads through and the loop
/// that tells it where the contents are.
struct State<W: Write> {
    out: W,
    /// Where the stream is: the number of bytes read so far.
    at: u64,
    /// Bytes of content still to come, and not to be recorded.
    skip: u64,
    /// Raw bytes read, not yet written as a record.
    raw: Vec<u8>,
    error: Option<io::Error>,
}

/// A reader that records the skeleton of the tar stream read through it.
pub struct Recorder<R, W: Write> {
    inner: R,
    state: Rc<RefCell<State<W>>>,
}

/// The other end of a [`Recorder`]: where the extraction says which bytes are a file's content.
pub struct Contents<W: Write> {
    state: Rc<RefCell<State<W>>>,
}

/// Starts recording the skeleton of what is read from `inner` into `out`.
pub fn record<R: Read, W: Write>(inner: R, out: W) -> (Recorder<R, W>, Contents<W>) {
    let state = Rc::new(RefCell::new(State {
        out,
        at: 0,
        skip: 0,
        raw: Vec::new(),
        error: None,
    }));
    let contents = Contents {
        state: Rc::clone(&state),
    };
    (Recorder { inner, state }, contents)
}

impl<W: Write> State<W> {
    fn flush_raw(&mut self) {
        if self.raw.is_empty() || self.error.is_some() {
            return;
        }
        let raw = std::mem::take(&mut self.raw);
        let result = self
            .out
            .write_all(b"R")
            .and_then(|()| self.out.write_all(&(raw.len() as u64).to_le_bytes()))
            .and_then(|()| self.out.write_all(&raw));
        if let Err(e) = result {
            self.error = Some(e);
        }
    }
}

impl<R: Read, W: Write> Read for Recorder<R, W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.borrow_mut();
        let skipped = state.skip.min(n as u64) as usize;
        state.skip -= skipped as u64;
        state.raw.extend_from_slice(&buf[skipped..n]);
        state.at += n as u64;
        if state.raw.len() >= 1 << 16 {
            state.flush_raw();
        }
        Ok(n)
    }
}

impl<W: Write> Contents<W> {
    /// The next `size` bytes of the stream, which start at `at`, are the content of the file
    /// `path` of the layer.
    pub fn file(&self, at: u64, size: u64, path: &Path) {
        let mut state = self.state.borrow_mut();
        if state.at != at || state.skip != 0 {
            // The tar reader read ahead of what it said: the stream could not be made again.
            state.error.get_or_insert(io::Error::other(format!(
                "the content of {} is not where the archive said",
                path.display()
            )));
            return;
        }
        state.flush_raw();
        let name = path.as_os_str().as_bytes();
        let result = state
            .out
            .write_all(b"F")
            .and_then(|()| state.out.write_all(&size.to_le_bytes()))
            .and_then(|()| state.out.write_all(&(name.len() as u64).to_le_bytes()))
            .and_then(|()| state.out.write_all(name));
        match result {
            Ok(()) => state.skip = size,
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
    }

    /// Writes what is left; the first error of the recording, if there was one.
    pub fn finish(self) -> io::Result<()> {
        let mut state = self.state.borrow_mut();
        state.flush_raw();
        if let Some(e) = state.error.take() {
            return Err(e);
        }
        state.out.flush()
    }
}

/// Writes the tar stream of the layer extracted in `dir` again, from its skeleton `skeleton`,
/// into `out`.
pub fn replay(skeleton: impl Read, dir: &Path, out: &mut impl Write) -> io::Result<()> {
    let root = std::fs::File::open(dir)?;
    let mut skeleton = BufReader::new(skeleton);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if skeleton.fill_buf()?.is_empty() {
            return Ok(());
        }
        let mut kind = [0u8];
        skeleton.read_exact(&mut kind)?;
        let size = read_u64(&mut skeleton)?;
        match &kind {
            b"R" => copy_exactly(&mut (&mut skeleton).take(size), out, size, &mut buf)?,
            b"F" => {
                let len = read_u64(&mut skeleton)?;
                let mut name = vec![0u8; len as usize];
                skeleton.read_exact(&mut name)?;
                let path = PathBuf::from(OsStr::from_bytes(&name));
                // The file is read from inside the layer, never through a link of it.
                let how = OpenHow::new()
                    .flags(OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC)
                    .mode(Mode::empty())
                    .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_SYMLINKS);
                let file = openat2(&root, &path, how).map_err(|errno| {
                    io::Error::other(format!("{}: {}", path.display(), errno.desc()))
                })?;
                let mut file = std::fs::File::from(file).take(size);
                copy_exactly(&mut file, out, size, &mut buf)
                    .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            }
            _ => return Err(io::Error::other("a skeleton record of an unknown kind")),
        }
    }
}

/// The size of the stream the skeleton makes, without reading the layer's files.
pub fn size(skeleton: impl Read) -> io::Result<u64> {
    let mut skeleton = BufReader::new(skeleton);
    let mut total = 0;
    loop {
        if skeleton.fill_buf()?.is_empty() {
            return Ok(total);
        }
        let mut kind = [0u8];
        skeleton.read_exact(&mut kind)?;
        let size = read_u64(&mut skeleton)?;
        total += size;
        let skip = match &kind {
            b"R" => size,
            b"F" => read_u64(&mut skeleton)?,
            _ => return Err(io::Error::other("a skeleton record of an unknown kind")),
        };
        io::copy(&mut (&mut skeleton).take(skip), &mut io::sink())?;
    }
}

fn read_u64(from: &mut impl Read) -> io::Result<u64> {
    let mut bytes = [0u8; 8];
    from.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

/// Copies `size` bytes, no fewer.
fn copy_exactly(
    from: &mut impl Read,
    to: &mut impl Write,
    size: u64,
    buf: &mut [u8],
) -> io::Result<()> {
    let mut left = size;
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = from.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "shorter than when it was extracted",
            ));
        }
        to.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}
