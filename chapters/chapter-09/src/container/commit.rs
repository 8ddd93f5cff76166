//! `commit`: a container's changes become a layer, and the container's image with that layer
//! on top becomes a new image.
//!
//! The layer is a tar stream, as any image's, whiteouts written the way the image spec has them:
//! the store keeps them as overlayfs reads them (a character device 0/0, a directory marked
//! opaque), and a tar stream has them as files, so the conversion `layer` made when it read a
//! layer is made backwards here:
//!
//! ```text
//!   upper directory                          layer (tar)
//!   etc/group     char 0/0          ──►      etc/.wh.group          empty file
//!   var/cache/    opaque = y        ──►      var/cache/             directory
//!                                            var/cache/.wh..wh..opq empty file
//! ```
//!
//! The stream goes to a file of the store's work directory, and is stored as `load` stores a
//! layer (`Work::extract_layer`): its diff id is the digest of the stream.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use nix::fcntl::OFlag;
use nix::sys::stat::{FileStat, Mode, SFlag};
use serde_json::{json, Map, Value};

use super::state::Container;
use super::storage::changes::{self, Entry, Kind};
use super::storage::files::{self, Error};
use crate::config::StorageDriver;
use crate::image::digest::Digest;
use crate::image::store::Store;

/// What `commit` was asked for, besides the container.
pub struct Commit {
    pub author: Option<String>,
    pub message: Option<String>,
    /// Dockerfile instructions to apply to the image's config.
    pub changes: Vec<String>,
    pub reference: Option<String>,
}

/// docker's check of a name before anything is done.
pub fn check_reference(name: &str) -> Result<(), Error> {
    let repository = match name.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => repository,
        _ => name,
    };
    if repository.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(Error::Usage(
            "invalid reference format: repository name must be lowercase".into(),
        ));
    }
    if repository.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(Error::Usage("invalid reference format".into()));
    }
    Ok(())
}

/// Makes the new image of `container`'s changes; returns its id.
pub fn commit(container: &Container, commit: &Commit) -> Result<Digest, Error> {
    let (driver, storage) = files::storage(container)?;
    let store = Store::open(&storage.base)?;
    let bad = |reason: String| Error::Path {
        path: format!("image {}", storage.image),
        reason,
    };
    let image: Digest = storage.image.parse().map_err(|e| bad(format!("{e}")))?;
    let mut config: Value =
        serde_json::from_slice(&store.blob(&image)?).map_err(|e| bad(e.to_string()))?;
    // The changes first: one that is wrong makes nothing.
    if !config["config"].is_object() {
        config["config"] = json!({});
    }
    for change in &commit.changes {
        apply(&mut config["config"], change)?;
    }

    let work = store.work()?;
    let path = work.path().join("layer.tar");
    let fail = |what: &str| {
        let what = what.to_string();
        move |e: io::Error| Error::Path {
            path: what,
            reason: e.to_string(),
        }
    };
    let file = File::create(&path).map_err(fail("the new layer"))?;
    let mut layer = Layer::new(file);
    let root = storage.base.join(&container.record.config.root.path);
    match (driver, &container.record.config.root.overlay) {
        (StorageDriver::Overlay, Some(overlay)) => {
            let upper = open_dir(&storage.base.join(&overlay.upper))?;
            layer.upper(&upper, Path::new(""))?;
        }
        _ => {
            // vfs keeps no record of changes: they are found by comparing, and written from
            // the container's copy.
            let rootfs = open_dir(&root)?;
            for (path, kind) in changes::changes(container)? {
                let relative = path.strip_prefix("/").unwrap_or(&path);
                match kind {
                    Kind::Deleted => layer.whiteout(relative),
                    _ => layer.copied(&rootfs, relative),
                }
                .map_err(fail(&path.display().to_string()))?;
            }
        }
    }
    layer.finish().map_err(fail("the new layer"))?;
    let tar = File::open(&path).map_err(fail("the new layer"))?;
    let (extracted, staged) = work.extract_layer(tar)?;

    let now = crate::image::config::rfc3339(std::time::SystemTime::now());
    let args = &container.record.config.process.args;
    let created_by: Vec<String> = args
        .iter()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let mut history = Map::new();
    history.insert("created".into(), json!(now));
    history.insert("created_by".into(), json!(created_by.join(" ")));
    if let Some(author) = &commit.author {
        history.insert("author".into(), json!(author));
        config["author"] = json!(author);
    }
    if let Some(message) = &commit.message {
        history.insert("comment".into(), json!(message));
    }
    config["created"] = json!(now);
    config["container"] = json!(container.id());
    if !config["history"].is_array() {
        config["history"] = json!([]);
    }
    if let Some(list) = config["history"].as_array_mut() {
        list.push(Value::Object(history));
    }
    match config["rootfs"]["diff_ids"].as_array_mut() {
        Some(ids) => ids.push(json!(extracted.diff_id.to_string())),
        None => return Err(bad("its config has no rootfs.diff_ids".into())),
    }
    let bytes = serde_json::to_vec(&config).map_err(|e| bad(e.to_string()))?;
    let locked = store.lock()?;
    locked.add_layer(&extracted.diff_id, &staged)?;
    let id = locked.add_blob(&bytes)?;
    if let Some(name) = &commit.reference {
        locked.tag(name, &id)?;
    }
    Ok(id)
}

fn open_dir(path: &Path) -> Result<OwnedFd, Error> {
    nix::fcntl::open(
        path,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .map_err(files::failed(path.display()))
}

/// A layer's tar stream being written.
struct Layer {
    tar: tar::Builder<io::BufWriter<File>>,
    /// The files with more than one name, by (device, inode), and the first name written.
    links: HashMap<(u64, u64), PathBuf>,
}

impl Layer {
    fn new(file: File) -> Layer {
        let mut tar = tar::Builder::new(io::BufWriter::new(file));
        tar.mode(tar::HeaderMode::Complete);
        Layer {
            tar,
            links: HashMap::new(),
        }
    }

    fn finish(self) -> io::Result<()> {
        self.tar.into_inner()?.into_inner()?.sync_all()
    }

    /// Writes what the upper directory `dir` (at `path` in the layer) holds, whiteouts
    /// converted back to the image spec's.
    fn upper(&mut self, dir: &OwnedFd, path: &Path) -> Result<(), Error> {
        let at =
            |path: &Path| files::failed(format!("the container's changes at /{}", path.display()));
        for name in changes::names(dir).map_err(at(path))? {
            let path = path.join(&name);
            let meta = changes::lstat(dir, &name).map_err(at(&path))?;
            let io = |path: &Path| {
                let path = path.display().to_string();
                move |e: io::Error| Error::Path {
                    path: format!("the container's changes at /{path}"),
                    reason: e.to_string(),
                }
            };
            match changes::entry(dir, &name, &meta).map_err(at(&path))? {
                // A deleted name: an empty file named `.wh.` and the name, beside it.
                Entry::Whiteout => self.whiteout(&path).map_err(io(&path))?,
                // A directory made again: the directory, and the marker `.wh..wh..opq` in it.
                Entry::Opaque => {
                    self.entry(dir, &name, &path, &meta).map_err(io(&path))?;
                    self.empty(&path.join(".wh..wh..opq")).map_err(io(&path))?;
                }
                Entry::Plain => self.entry(dir, &name, &path, &meta).map_err(io(&path))?,
            }
            if meta.st_mode & SFlag::S_IFMT.bits() == SFlag::S_IFDIR.bits() {
                let sub = changes::open_child(dir, &name).map_err(at(&path))?;
                self.upper(&sub, &path)?;
            }
        }
        Ok(())
    }

    /// The whiteout of `path`.
    fn whiteout(&mut self, path: &Path) -> io::Result<()> {
        let name = path.file_name().unwrap_or_default();
        let mut whiteout = OsStr::new(".wh.").to_os_string();
        whiteout.push(name);
        self.empty(&path.with_file_name(whiteout))
    }

    fn empty(&mut self, path: &Path) -> io::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(0);
        self.tar.append_data(&mut header, path, io::empty())
    }

    /// The entry at `path` of the container's copy `root`, alone (not what it holds).
    fn copied(&mut self, root: &OwnedFd, path: &Path) -> io::Result<()> {
        let (parent, name) = files::split(path);
        let Some(name) = name else {
            return Ok(());
        };
        let how = nix::fcntl::OpenHow::new()
            .flags(OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)
            .resolve(
                nix::fcntl::ResolveFlag::RESOLVE_IN_ROOT
                    | nix::fcntl::ResolveFlag::RESOLVE_NO_SYMLINKS,
            );
        let dir = nix::fcntl::openat2(root, &parent, how)?;
        let meta = changes::lstat(&dir, name)?;
        self.entry(&dir, name, path, &meta)
    }

    /// The entry `name` of `dir`, at `path` in the layer.
    fn entry(
        &mut self,
        dir: &OwnedFd,
        name: &OsStr,
        path: &Path,
        meta: &FileStat,
    ) -> io::Result<()> {
        let kind = SFlag::from_bits_truncate(meta.st_mode & SFlag::S_IFMT.bits());
        let mut header = tar::Header::new_gnu();
        header.set_mode(meta.st_mode & 0o7777);
        header.set_uid(u64::from(meta.st_uid));
        header.set_gid(u64::from(meta.st_gid));
        header.set_mtime(meta.st_mtime.max(0) as u64);
        header.set_size(0);
        let inode = (meta.st_dev, meta.st_ino);
        if kind != SFlag::S_IFDIR && meta.st_nlink > 1 {
            if let Some(first) = self.links.get(&inode).cloned() {
                header.set_entry_type(tar::EntryType::Link);
                return self.tar.append_link(&mut header, path, first);
            }
            self.links.insert(inode, path.to_path_buf());
        }
        match kind {
            SFlag::S_IFREG => {
                let file = nix::fcntl::openat(
                    dir,
                    name,
                    OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
                    Mode::empty(),
                )?;
                let file = File::from(file);
                header.set_entry_type(tar::EntryType::Regular);
                header.set_size(file.metadata()?.len());
                self.tar.append_data(&mut header, path, file)
            }
            SFlag::S_IFDIR => {
                header.set_entry_type(tar::EntryType::Directory);
                self.tar.append_data(&mut header, path, io::empty())
            }
            SFlag::S_IFLNK => {
                let target = nix::fcntl::readlinkat(dir, name)?;
                header.set_entry_type(tar::EntryType::Symlink);
                self.tar.append_link(&mut header, path, target)
            }
            SFlag::S_IFCHR | SFlag::S_IFBLK | SFlag::S_IFIFO => {
                header.set_entry_type(match kind {
                    SFlag::S_IFCHR => tar::EntryType::Char,
                    SFlag::S_IFBLK => tar::EntryType::Block,
                    _ => tar::EntryType::Fifo,
                });
                header.set_device_major(nix::sys::stat::major(meta.st_rdev) as u32)?;
                header.set_device_minor(nix::sys::stat::minor(meta.st_rdev) as u32)?;
                self.tar.append_data(&mut header, path, io::empty())
            }
            // A socket is no content.
            _ => Ok(()),
        }
    }
}

/// One `--change`: a Dockerfile instruction applied to the image's run config `config`.
fn apply(config: &mut Value, change: &str) -> Result<(), Error> {
    let change = change.trim();
    let (instruction, rest) = change
        .split_once(char::is_whitespace)
        .unwrap_or((change, ""));
    let rest = rest.trim();
    let needs = |what: &str| Error::Usage(format!("{instruction} requires {what}"));
    match instruction.to_ascii_uppercase().as_str() {
        "CMD" => config["Cmd"] = json!(command(rest)),
        "ENTRYPOINT" => config["Entrypoint"] = json!(command(rest)),
        "WORKDIR" if !rest.is_empty() => config["WorkingDir"] = json!(rest),
        "USER" if !rest.is_empty() => config["User"] = json!(rest),
        "ENV" => {
            let mut env: Vec<String> = config["Env"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            for (key, value) in pairs(rest).ok_or_else(|| needs("at least one argument"))? {
                env.retain(|var| var.split('=').next() != Some(key.as_str()));
                env.push(format!("{key}={value}"));
            }
            config["Env"] = json!(env);
        }
        "LABEL" => {
            let labels = pairs(rest).ok_or_else(|| needs("at least one argument"))?;
            if !config["Labels"].is_object() {
                config["Labels"] = json!({});
            }
            for (key, value) in labels {
                config["Labels"][key] = json!(value);
            }
        }
        "EXPOSE" if !rest.is_empty() => {
            if !config["ExposedPorts"].is_object() {
                config["ExposedPorts"] = json!({});
            }
            for port in rest.split_whitespace() {
                let port = match port.contains('/') {
                    true => port.to_ascii_lowercase(),
                    false => format!("{port}/tcp"),
                };
                config["ExposedPorts"][port] = json!({});
            }
        }
        "WORKDIR" | "USER" | "EXPOSE" => return Err(needs("exactly one argument")),
        other => {
            return Err(Error::Usage(format!(
                "{} is not a valid change command",
                other.to_ascii_lowercase()
            )))
        }
    }
    Ok(())
}

/// A command in exec form (`["sh", "-c", "x"]`) as it is, or in shell form, run by `/bin/sh -c`.
fn command(text: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(text)
        .unwrap_or_else(|_| vec!["/bin/sh".into(), "-c".into(), text.to_string()])
}

/// `KEY=VALUE` pairs, values maybe quoted (`A=1 B="two words"`), or the old form `KEY VALUE`.
fn pairs(text: &str) -> Option<Vec<(String, String)>> {
    let words = words(text);
    if words.is_empty() {
        return None;
    }
    if !words[0].contains('=') {
        let (key, value) = text.split_once(char::is_whitespace)?;
        return Some(vec![(key.to_string(), value.trim().to_string())]);
    }
    words
        .into_iter()
        .map(|word| {
            word.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// Words split at blanks, with double or single quotes keeping blanks, and removed.
fn words(text: &str) -> Vec<String> {
    let (mut words, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => (quote, any) = (Some(c), true),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_apply_as_docker_reads_them() {
        let mut config = json!({"Env": ["PATH=/bin", "A=0"]});
        for change in [
            "CMD echo hi",
            r#"ENTRYPOINT ["sh", "-c"]"#,
            "ENV A=1 B=\"two words\"",
            "ENV C 3 4",
            "LABEL a=b",
            "EXPOSE 80 53/UDP",
            "WORKDIR /tmp",
            "USER 1",
        ] {
            apply(&mut config, change).unwrap();
        }
        assert_eq!(config["Cmd"], json!(["/bin/sh", "-c", "echo hi"]));
        assert_eq!(config["Entrypoint"], json!(["sh", "-c"]));
        assert_eq!(
            config["Env"],
            json!(["PATH=/bin", "A=1", "B=two words", "C=3 4"])
        );
        assert_eq!(config["Labels"], json!({"a": "b"}));
        assert_eq!(config["ExposedPorts"], json!({"80/tcp": {}, "53/udp": {}}));
        assert_eq!(config["WorkingDir"], json!("/tmp"));
        assert_eq!(config["User"], json!("1"));
        assert!(apply(&mut config, "FROM x").is_err());
    }
}
