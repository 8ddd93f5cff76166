//! The image store, under the state root: every layer once, by its diff id; every config and
//! manifest as the exact bytes it came in, by their digest; and the names.
//!
//! ```text
//!   ROOT/image/
//!   ├── lock                      held while the names or the set of layers change
//!   ├── layers/<hex>/             a layer, by the hex digits of its diff id:
//!   │   ├── diff/                   its files, extracted
//!   │   ├── skeleton                the rest of its tar stream, to make it again (`skeleton`)
//!   │   └── link                    its short name, in l/
//!   ├── l/<short> -> ../layers/<hex>/diff
//!   │                             short names for overlayfs's options, as overlay2 has them
//!   ├── blobs/sha256/<hex>        configs and manifests, raw: a digest is over the bytes
//!   ├── repositories.json         {"busybox:latest": "sha256:<image id>"}
//!   └── tmp/<random>/             work in progress, held by its process's lock; swept when not
//! ```
//!
//! Every change is made in `tmp/` and then renamed into place: a rename is atomic, so another
//! minidock sees a layer whole or not at all, and a minidock killed halfway leaves only a
//! directory in `tmp/`, which the next one removes once no lock holds it.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::digest::Digest;
use super::layer;
use super::skeleton;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the image store {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("the image store's lock: {0}")]
    Lock(nix::errno::Errno),
    #[error(transparent)]
    Layer(#[from] layer::Error),
    #[error("the image store's names ({path}): {reason}")]
    Names { path: PathBuf, reason: String },
    #[error("unable to find image '{0}' locally")]
    NoSuchImage(String),
    #[error("layer {diff_id} has changed since it was stored: its files make {made}")]
    Changed { diff_id: Digest, made: Digest },
}

pub type Result<T> = std::result::Result<T, Error>;

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The store of one state root.
pub struct Store {
    dir: PathBuf,
}

/// The store's lock, held while it lives.
pub struct Locked<'a> {
    store: &'a Store,
    _lock: Flock<File>,
}

/// A directory in `tmp/`, held by this process, removed when dropped unless it was moved into
/// place.
pub struct Work {
    dir: PathBuf,
    lock_path: PathBuf,
    _lock: Flock<File>,
}

impl Drop for Work {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
        let _ = fs::remove_file(&self.lock_path);
    }
}

impl Work {
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Extracts the uncompressed tar stream `tar` as a new layer in this work directory, ready
    /// for [`Locked::add_layer`]: its files in `diff/`, its skeleton beside them.
    pub fn extract_layer(&self, tar: impl Read) -> Result<(layer::Extracted, PathBuf)> {
        let staged = self.dir.join(format!("layer-{}", random_name()));
        let diff = staged.join("diff");
        fs::create_dir_all(&diff).map_err(io_error(&diff))?;
        let path = staged.join("skeleton");
        let file = File::create(&path).map_err(io_error(&path))?;
        // Headers are mostly zeros: compressed, a skeleton is a few kilobytes per thousand files.
        let mut skeleton = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let extracted = layer::extract(tar, &diff, &mut skeleton)?;
        skeleton
            .finish()
            .and_then(|file| file.sync_all())
            .map_err(io_error(&path))?;
        // 16 letters of base 32: 80 random bits, and 120 layers' names in under 2.5 KiB.
        let bits = u128::from_le_bytes(random_bytes());
        let short: String = (0..16)
            .map(|i| b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(bits >> (5 * i)) as usize & 31] as char)
            .collect();
        let link = staged.join("link");
        fs::write(&link, short).map_err(io_error(&link))?;
        Ok((extracted, staged))
    }
}

impl Store {
    /// The store under the state root `root`, made if it is not there yet, with what a killed
    /// minidock left in `tmp/` swept.
    pub fn open(root: &Path) -> Result<Store> {
        let store = Store {
            dir: root.join("image"),
        };
        for dir in [
            store.layers(),
            store.blobs(),
            store.tmp(),
            store.dir.join("l"),
        ] {
            fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        }
        store.sweep()?;
        Ok(store)
    }

    fn layers(&self) -> PathBuf {
        self.dir.join("layers")
    }

    fn blobs(&self) -> PathBuf {
        self.dir.join("blobs").join("sha256")
    }

    fn tmp(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    fn names_path(&self) -> PathBuf {
        self.dir.join("repositories.json")
    }

    /// The directory of the layer `diff_id`, extracted.
    pub fn layer(&self, diff_id: &Digest) -> PathBuf {
        self.layers().join(diff_id.hex()).join("diff")
    }

    /// The short name of the layer `diff_id`'s directory, relative to the state root:
    /// `image/l/` and 16 letters. Made again if a minidock killed at the wrong moment left the
    /// layer without it.
    pub fn link(&self, diff_id: &Digest) -> Result<PathBuf> {
        let file = self.layers().join(diff_id.hex()).join("link");
        let short = fs::read_to_string(&file).map_err(io_error(&file))?;
        let path = self.dir.join("l").join(short.trim());
        if fs::symlink_metadata(&path).is_err() {
            let target = Path::new("../layers").join(diff_id.hex()).join("diff");
            match std::os::unix::fs::symlink(target, &path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_error(&path)(e)),
            }
        }
        Ok(Path::new("image").join("l").join(short.trim()))
    }

    /// Whether the store has the layer `diff_id`.
    pub fn has_layer(&self, diff_id: &Digest) -> bool {
        self.layers().join(diff_id.hex()).exists()
    }

    fn skeleton(&self, diff_id: &Digest) -> Result<(PathBuf, impl Read)> {
        let path = self.layers().join(diff_id.hex()).join("skeleton");
        let file = File::open(&path).map_err(io_error(&path))?;
        Ok((path, flate2::read::GzDecoder::new(file)))
    }

    /// The size of the layer `diff_id`'s tar stream.
    pub fn layer_size(&self, diff_id: &Digest) -> Result<u64> {
        let (path, skeleton) = self.skeleton(diff_id)?;
        skeleton::size(skeleton).map_err(io_error(&path))
    }

    /// The layer `diff_id`'s tar stream, made again from its files and its skeleton, written to
    /// `out`; its digest is checked against `diff_id` as it goes.
    pub fn layer_stream(&self, diff_id: &Digest, out: &mut impl Write) -> Result<u64> {
        let (path, skeleton) = self.skeleton(diff_id)?;
        let mut hashing = super::digest::HashingWriter::new(out);
        skeleton::replay(skeleton, &self.layer(diff_id), &mut hashing).map_err(io_error(&path))?;
        let (made, size) = hashing.finish();
        if &made != diff_id {
            return Err(Error::Changed {
                diff_id: diff_id.clone(),
                made,
            });
        }
        Ok(size)
    }

    /// Takes the store's lock, waiting for another minidock to let go of it.
    pub fn lock(&self) -> Result<Locked<'_>> {
        let path = self.dir.join("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        let lock =
            Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, errno)| Error::Lock(errno))?;
        Ok(Locked {
            store: self,
            _lock: lock,
        })
    }

    /// A new directory to work in, held by this process until dropped.
    pub fn work(&self) -> Result<Work> {
        let name = format!("{}-{}", std::process::id(), random_name());
        let dir = self.tmp().join(&name);
        let lock_path = self.tmp().join(format!("{name}.lock"));
        let file = File::create(&lock_path).map_err(io_error(&lock_path))?;
        let lock = Flock::lock(file, FlockArg::LockExclusiveNonblock)
            .map_err(|(_, errno)| Error::Lock(errno))?;
        fs::create_dir(&dir).map_err(io_error(&dir))?;
        Ok(Work {
            dir,
            lock_path,
            _lock: lock,
        })
    }

    /// Removes the work directories no living minidock holds.
    fn sweep(&self) -> Result<()> {
        let tmp = self.tmp();
        // A `.part` file is being written under the store's lock: if nobody holds the lock, it
        // is what a killed minidock left.
        let unlocked = File::open(self.dir.join("lock"))
            .ok()
            .and_then(|file| Flock::lock(file, FlockArg::LockExclusiveNonblock).ok());
        for entry in fs::read_dir(&tmp).map_err(io_error(&tmp))?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "part") {
                if unlocked.is_some() {
                    let _ = fs::remove_file(&path);
                }
                continue;
            }
            if path.extension().is_some_and(|e| e == "lock") {
                continue;
            }
            let lock_path = path.with_extension("lock");
            let held = File::open(&lock_path)
                .ok()
                .map(|file| Flock::lock(file, FlockArg::LockExclusiveNonblock).is_err())
                .unwrap_or(false);
            if !held {
                let _ = fs::remove_dir_all(&path);
                let _ = fs::remove_file(&lock_path);
            }
        }
        Ok(())
    }

    /// The raw bytes stored under `digest`.
    pub fn blob(&self, digest: &Digest) -> Result<Vec<u8>> {
        let path = self.blobs().join(digest.hex());
        fs::read(&path).map_err(io_error(&path))
    }

    /// The image names: `repo:tag` → image id.
    pub fn names(&self) -> Result<BTreeMap<String, Digest>> {
        let path = self.names_path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(io_error(&path)(e)),
        };
        let raw: BTreeMap<String, String> =
            serde_json::from_str(&text).map_err(|e| Error::Names {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        raw.into_iter()
            .map(|(name, id)| {
                let id = id
                    .parse()
                    .map_err(|e: super::digest::BadDigest| Error::Names {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                Ok((name, id))
            })
            .collect()
    }

    /// The image id `reference` names: a `repo:tag`, a full id, or a unique prefix of one.
    pub fn resolve(&self, reference: &str) -> Result<Digest> {
        self.find(reference)?
            .ok_or_else(|| Error::NoSuchImage(normalize(reference)))
    }

    /// The image id `reference` names, if it names one: a `repo:tag`, a full id, or a unique
    /// prefix of one, named or not.
    pub fn find(&self, reference: &str) -> Result<Option<Digest>> {
        if let Some(id) = self.names()?.get(&normalize(reference)) {
            return Ok(Some(id.clone()));
        }
        let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
        if hex.len() >= 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let found: Vec<Digest> = self
                .images()?
                .into_iter()
                .filter(|id| id.hex().starts_with(hex))
                .collect();
            if let [id] = &found[..] {
                return Ok(Some(id.clone()));
            }
        }
        Ok(None)
    }

    /// Every image of the store, named or not: the blobs that are image configs (a config has
    /// a `rootfs`; a manifest, stored beside them, does not).
    pub fn images(&self) -> Result<Vec<Digest>> {
        let blobs = self.blobs();
        let mut images = Vec::new();
        for entry in fs::read_dir(&blobs).map_err(io_error(&blobs))?.flatten() {
            let Ok(digest) = format!("sha256:{}", entry.file_name().to_string_lossy()).parse()
            else {
                continue;
            };
            if self.diff_ids(&digest).is_ok() {
                images.push(digest);
            }
        }
        images.sort();
        Ok(images)
    }

    /// The layers of the image `id`, bottom first, as its config lists them.
    pub fn diff_ids(&self, id: &Digest) -> Result<Vec<Digest>> {
        #[derive(serde::Deserialize)]
        struct Config {
            rootfs: RootFs,
        }
        #[derive(serde::Deserialize)]
        struct RootFs {
            diff_ids: Vec<String>,
        }
        let bad = |reason: String| Error::Names {
            path: self.blobs().join(id.hex()),
            reason,
        };
        let config: Config =
            serde_json::from_slice(&self.blob(id)?).map_err(|e| bad(e.to_string()))?;
        config
            .rootfs
            .diff_ids
            .iter()
            .map(|d| {
                d.parse()
                    .map_err(|e: super::digest::BadDigest| bad(e.to_string()))
            })
            .collect()
    }

    /// The layers in the store, by diff id.
    pub fn stored_layers(&self) -> Result<Vec<Digest>> {
        let layers = self.layers();
        Ok(fs::read_dir(&layers)
            .map_err(io_error(&layers))?
            .flatten()
            .filter_map(|e| {
                format!("sha256:{}", e.file_name().to_string_lossy())
                    .parse()
                    .ok()
            })
            .collect())
    }
}

impl Locked<'_> {
    /// The store this lock is of.
    pub fn store(&self) -> &Store {
        self.store
    }

    /// Moves the layer staged at `staged` (by [`Work::extract_layer`]) into place, unless the
    /// store has it already: a layer is stored once, however many images share it.
    pub fn add_layer(&self, diff_id: &Digest, staged: &Path) -> Result<()> {
        let dest = self.store.layers().join(diff_id.hex());
        if dest.exists() {
            return Ok(());
        }
        fs::rename(staged, &dest).map_err(io_error(&dest))?;
        self.store.link(diff_id).map(drop)
    }

    /// Stores `bytes` under their digest, and returns it.
    pub fn add_blob(&self, bytes: &[u8]) -> Result<Digest> {
        let digest = Digest::of(bytes);
        let dest = self.store.blobs().join(digest.hex());
        if !dest.exists() {
            write_atomically(&self.store.tmp(), &dest, bytes)?;
        }
        Ok(digest)
    }

    /// Points `name` (`repo[:tag]`) at the image `id`.
    pub fn tag(&self, name: &str, id: &Digest) -> Result<()> {
        let mut names = self.store.names()?;
        names.insert(normalize(name), id.clone());
        self.write_names(&names)
    }

    fn write_names(&self, names: &BTreeMap<String, Digest>) -> Result<()> {
        let raw: BTreeMap<&String, String> = names
            .iter()
            .map(|(name, id)| (name, id.to_string()))
            .collect();
        let text = serde_json::to_vec_pretty(&raw).expect("a map of strings serializes");
        write_atomically(&self.store.tmp(), &self.store.names_path(), &text)
    }

    /// Removes the name `name` (`repo[:tag]`); the image it pointed at stays, named or not.
    /// Returns whether there was such a name.
    pub fn untag(&self, name: &str) -> Result<bool> {
        let mut names = self.store.names()?;
        let found = names.remove(&normalize(name)).is_some();
        if found {
            self.write_names(&names)?;
        }
        Ok(found)
    }

    /// Removes the image `id`: its names, its config, and the layers no other image uses (a
    /// layer is stored once for every image that lists it, so it goes with the last of them).
    /// Returns the diff ids of the layers removed.
    ///
    /// Each step leaves a store the next command can use: the names go first (the image is
    /// then one without a name), the config next (the image is gone; its layers are unused),
    /// and the layers last, each renamed into a work directory before it is deleted, so that a
    /// layer is never seen half-deleted in `layers/`. A minidock killed midway leaves at worst
    /// unused layers, which `image prune` removes, and work directories, which are swept.
    pub fn remove_image(&self, id: &Digest) -> Result<Vec<Digest>> {
        let mut names = self.store.names()?;
        let before = names.len();
        names.retain(|_, named| named != id);
        if names.len() != before {
            self.write_names(&names)?;
        }
        let layers = self.store.diff_ids(id).unwrap_or_default();
        let path = self.store.blobs().join(id.hex());
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_error(&path)(e)),
            _ => {}
        }
        let unused: Vec<Digest> = self
            .unused_layers()?
            .into_iter()
            .filter(|layer| layers.contains(layer))
            .collect();
        self.remove_layers(&unused)?;
        Ok(unused)
    }

    /// The layers in the store that no image lists.
    pub fn unused_layers(&self) -> Result<Vec<Digest>> {
        let mut used = std::collections::BTreeSet::new();
        for image in self.store.images()? {
            used.extend(self.store.diff_ids(&image)?);
        }
        let mut unused: Vec<Digest> = self
            .store
            .stored_layers()?
            .into_iter()
            .filter(|layer| !used.contains(layer))
            .collect();
        unused.sort();
        Ok(unused)
    }

    /// Removes `layers` from the store: each renamed out of `layers/` into a work directory at
    /// once (atomic), then deleted there.
    pub fn remove_layers(&self, layers: &[Digest]) -> Result<()> {
        if layers.is_empty() {
            return Ok(());
        }
        let work = self.store.work()?;
        for layer in layers {
            // Its short name first: a link to nothing misleads no one, while a layer whose name
            // went with it could not be mounted.
            let dir = self.store.layers().join(layer.hex());
            if let Ok(short) = fs::read_to_string(dir.join("link")) {
                let _ = fs::remove_file(self.store.dir.join("l").join(short.trim()));
            }
            let to = work.path().join(layer.hex());
            match fs::rename(&dir, &to) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_error(&dir)(e)),
                _ => {}
            }
        }
        // Dropping the work directory deletes what was moved into it.
        drop(work);
        Ok(())
    }
}

/// Writes `bytes` to `dest` all at once or not at all: a temporary file, synced, then renamed.
fn write_atomically(tmp: &Path, dest: &Path, bytes: &[u8]) -> Result<()> {
    let temp = tmp.join(format!("{}-{}.part", std::process::id(), random_name()));
    let result = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, dest)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(io_error(dest))
}

/// `busybox` is `busybox:latest`, as docker reads it, and so is `docker.io/library/busybox`:
/// names on Docker Hub are kept in their short, familiar form, as docker shows them.
pub fn normalize(name: &str) -> String {
    let name = [
        "docker.io/library/",
        "index.docker.io/library/",
        "docker.io/",
        "index.docker.io/",
    ]
    .iter()
    .find_map(|hub| name.strip_prefix(hub))
    .unwrap_or(name);
    let last = name.rsplit('/').next().unwrap_or(name);
    if last.contains(':') || name.contains('@') {
        name.to_string()
    } else {
        format!("{name}:latest")
    }
}

/// 16 random hex digits, for names in `tmp/`.
fn random_name() -> String {
    random_bytes::<8>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let _ = File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("minidock-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn names_are_normalized_as_docker_does() {
        assert_eq!(normalize("busybox"), "busybox:latest");
        assert_eq!(normalize("busybox:1.36"), "busybox:1.36");
        assert_eq!(normalize("localhost:5000/bb"), "localhost:5000/bb:latest");
        assert_eq!(normalize("docker.io/library/bb:1"), "bb:1");
        assert_eq!(normalize("docker.io/me/bb"), "me/bb:latest");
    }

    #[test]
    fn blobs_and_names_survive_a_reopen_and_work_left_behind_is_swept() {
        let dir = root("reopen");
        let store = Store::open(&dir).unwrap();
        let config = br#"{"rootfs":{"type":"layers","diff_ids":[]}}"#;
        let id = store.lock().unwrap().add_blob(config).unwrap();
        store.lock().unwrap().tag("bb", &id).unwrap();
        // What a killed minidock leaves: a work directory whose lock nobody holds, a file half
        // written.
        fs::create_dir(store.tmp().join("4242-dead")).unwrap();
        fs::write(store.tmp().join("4242-dead.part"), b"{").unwrap();
        let store = Store::open(&dir).unwrap();
        assert_eq!(store.blob(&id).unwrap(), config);
        assert_eq!(store.resolve("bb").unwrap(), id);
        assert_eq!(store.resolve(&id.hex()[..8]).unwrap(), id);
        assert!(!store.tmp().join("4242-dead").exists());
        assert!(!store.tmp().join("4242-dead.part").exists());
        // A work directory this process holds is left alone.
        let work = store.work().unwrap();
        store.sweep().unwrap();
        assert!(work.path().exists());
        drop(work);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_image_removed_takes_the_layers_only_it_used() {
        let dir = root("remove");
        let store = Store::open(&dir).unwrap();
        let (shared, own) = (Digest::of(b"shared"), Digest::of(b"own"));
        let config = |layers: &[&Digest]| {
            let ids: Vec<String> = layers.iter().map(|d| format!("\"{d}\"")).collect();
            format!(
                r#"{{"rootfs":{{"type":"layers","diff_ids":[{}]}}}}"#,
                ids.join(",")
            )
        };
        let locked = store.lock().unwrap();
        for layer in [&shared, &own] {
            let work = store.work().unwrap();
            let (_, staged) = work
                .extract_layer(&tar::Builder::new(Vec::new()).into_inner().unwrap()[..])
                .unwrap();
            locked.add_layer(layer, &staged).unwrap();
        }
        let own_link = dir.join(store.link(&own).unwrap());
        assert!(own_link.exists());
        let a = locked
            .add_blob(config(&[&shared, &own]).as_bytes())
            .unwrap();
        let b = locked.add_blob(config(&[&shared]).as_bytes()).unwrap();
        locked.tag("a", &a).unwrap();
        locked.tag("a:two", &a).unwrap();
        assert!(locked.untag("a").unwrap());
        assert!(!locked.untag("a").unwrap());
        assert_eq!(store.resolve("a:two").unwrap(), a);
        assert_eq!(locked.remove_image(&a).unwrap(), vec![own.clone()]);
        assert!(store.find("a:two").unwrap().is_none());
        assert!(!store.layer(&own).exists() && store.layer(&shared).exists());
        assert!(!store.has_layer(&own) && fs::symlink_metadata(&own_link).is_err());
        assert_eq!(store.images().unwrap(), vec![b.clone()]);
        assert_eq!(locked.remove_image(&b).unwrap(), vec![shared.clone()]);
        assert!(store.stored_layers().unwrap().is_empty());
        assert_eq!(fs::read_dir(store.tmp()).unwrap().count(), 0);
        drop(locked);
        fs::remove_dir_all(&dir).unwrap();
    }
}
