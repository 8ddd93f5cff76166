//! Where an image is loaded from: a directory (an OCI image layout), or a tar archive of one
//! (`docker save`'s, an OCI archive), read from a file or from standard input, compressed or not.
//!
//! A tar archive is read twice: once through, to learn where each member is, and then member by
//! member as the manifests ask for them, with `pread(2)` at its offset. Standard input, or a
//! compressed archive, cannot be read at an offset: it is first written out, decompressed, to a
//! file in the store's work directory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use crate::image::compression::decompressed;
use crate::image::store::Work;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("reading {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: {reason}")]
    Archive { path: String, reason: String },
}

/// An archive's members, or a directory's files, by name.
pub enum Archive {
    Directory(PathBuf),
    Tar {
        shown: String,
        file: File,
        members: HashMap<String, Member>,
    },
}

/// A member of a tar archive: its content's place, or the member it links to.
pub enum Member {
    File { at: u64, size: u64 },
    Link(String),
}

/// A member's content, read at its offset in the archive.
pub struct Slice<'a> {
    file: &'a File,
    at: u64,
    end: u64,
}

impl Read for Slice<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = buf.len().min((self.end - self.at) as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl Archive {
    /// The archive or directory at `path`; `-` or `None` for standard input.
    pub fn open(path: Option<&str>, work: &Work) -> Result<Archive, Error> {
        let io_error = |path: &str| {
            let path = path.to_string();
            move |source| Error::Io { path, source }
        };
        let Some(path) = path.filter(|p| *p != "-") else {
            let spooled = spool(io::stdin().lock(), work, "standard input")?;
            return Archive::tar(
                File::open(&spooled).map_err(io_error("standard input"))?,
                "standard input",
            );
        };
        let meta = std::fs::metadata(path).map_err(io_error(path))?;
        if meta.is_dir() {
            return Ok(Archive::Directory(PathBuf::from(path)));
        }
        let mut file = File::open(path).map_err(io_error(path))?;
        let mut head = [0u8; 4];
        let n = file.read_at(&mut head, 0).map_err(io_error(path))?;
        let compressed = head[..n].starts_with(&[0x1f, 0x8b])
            || head[..n].starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
        if compressed {
            let spooled = spool(File::open(path).map_err(io_error(path))?, work, path)?;
            file = File::open(&spooled).map_err(io_error(path))?;
        }
        Archive::tar(file, path)
    }

    /// Indexes the members of the tar archive `file`.
    fn tar(file: File, shown: &str) -> Result<Archive, Error> {
        let bad = |reason: String| Error::Archive {
            path: shown.to_string(),
            reason,
        };
        let mut members = HashMap::new();
        let mut archive = tar::Archive::new(io::BufReader::with_capacity(1 << 16, &file));
        for entry in archive.entries().map_err(|e| bad(e.to_string()))? {
            let entry =
                entry.map_err(|e| bad(format!("not a tar archive, or a damaged one: {e}")))?;
            let name = normal(&String::from_utf8_lossy(&entry.path_bytes()));
            let header = entry.header();
            let member = match header.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => Member::File {
                    at: entry.raw_file_position(),
                    size: entry.size(),
                },
                tar::EntryType::Symlink => {
                    // A link's target is relative to the link's directory, as docker writes
                    // the links between two images' shared layers.
                    let target =
                        String::from_utf8_lossy(&entry.link_name_bytes().unwrap_or_default())
                            .into_owned();
                    let dir = name.rsplit_once('/').map_or("", |(dir, _)| dir);
                    Member::Link(normal(&format!("{dir}/{target}")))
                }
                tar::EntryType::Link => {
                    let target =
                        String::from_utf8_lossy(&entry.link_name_bytes().unwrap_or_default())
                            .into_owned();
                    Member::Link(normal(&target))
                }
                _ => continue,
            };
            members.insert(name, member);
        }
        Ok(Archive::Tar {
            shown: shown.to_string(),
            file,
            members,
        })
    }

    /// What to call the archive in a message.
    pub fn shown(&self) -> String {
        match self {
            Archive::Directory(dir) => dir.display().to_string(),
            Archive::Tar { shown, .. } => shown.clone(),
        }
    }

    /// Whether the archive has a member `name`.
    pub fn has(&self, name: &str) -> bool {
        match self {
            Archive::Directory(dir) => dir.join(name).is_file(),
            Archive::Tar { members, .. } => members.contains_key(&normal(name)),
        }
    }

    /// The content of the member `name`.
    pub fn open_member(&self, name: &str) -> Result<Box<dyn Read + '_>, Error> {
        let missing = || Error::Archive {
            path: self.shown(),
            reason: format!("it has no {name}"),
        };
        match self {
            Archive::Directory(dir) => {
                // Names come from the layout's own index and manifests: refuse one that would
                // leave the directory.
                if name.split('/').any(|part| part == "..") || name.starts_with('/') {
                    return Err(missing());
                }
                let file = File::open(dir.join(name)).map_err(|_| missing())?;
                Ok(Box::new(file))
            }
            Archive::Tar { file, members, .. } => {
                let mut name = normal(name);
                for _ in 0..16 {
                    match members.get(&name).ok_or_else(missing)? {
                        Member::File { at, size } => {
                            return Ok(Box::new(Slice {
                                file,
                                at: *at,
                                end: at + size,
                            }))
                        }
                        Member::Link(target) => name = target.clone(),
                    }
                }
                Err(missing())
            }
        }
    }

    /// The size of the member `name`, as far as the archive tells.
    pub fn size(&self, name: &str) -> u64 {
        match self {
            Archive::Directory(dir) => std::fs::metadata(dir.join(name)).map_or(0, |m| m.len()),
            Archive::Tar { members, .. } => {
                let mut name = normal(name);
                for _ in 0..16 {
                    match members.get(&name) {
                        Some(Member::File { size, .. }) => return *size,
                        Some(Member::Link(target)) => name = target.clone(),
                        None => return 0,
                    }
                }
                0
            }
        }
    }

    /// The whole content of the member `name`, a JSON document: at most 16 MiB.
    pub fn read_member(&self, name: &str) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        self.open_member(name)?
            .take(16 << 20)
            .read_to_end(&mut bytes)
            .map_err(|source| Error::Io {
                path: format!("{}: {name}", self.shown()),
                source,
            })?;
        Ok(bytes)
    }
}

/// `name` without `./`, a leading `/`, or `..` that would climb above the archive.
fn normal(name: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Writes `source`, decompressed, to a file of the work directory, and returns its path.
fn spool(source: impl Read, work: &Work, shown: &str) -> Result<PathBuf, Error> {
    let fail = |source: io::Error| Error::Io {
        path: shown.to_string(),
        source,
    };
    let path = work.path().join("archive.tar");
    let mut reader = decompressed(source).map_err(fail)?;
    let mut out = File::create(&path).map_err(fail)?;
    io::copy(&mut reader, &mut out).map_err(fail)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::normal;

    #[test]
    fn member_names_are_made_plain() {
        assert_eq!(normal("./manifest.json"), "manifest.json");
        assert_eq!(normal("/blobs/sha256/ab"), "blobs/sha256/ab");
        assert_eq!(normal("abc/../def/layer.tar"), "def/layer.tar");
        assert_eq!(normal("../../etc/passwd"), "etc/passwd");
    }
}
