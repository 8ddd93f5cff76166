//! Test images, made with the tools the container world uses, for the tests of minidock's image
//! store (`import`, `load`, `save`, `images`, `run IMAGE`).
//!
//! Every function writes into a directory the test gives it (its sandbox's scratch directory) and
//! returns what it made. Each tool keeps its state there too, in a directory removed when the call
//! ends: nothing is written anywhere else on the host.
//!
//! | made by          | what                                                                       |
//! |------------------|----------------------------------------------------------------------------|
//! | GNU tar          | root filesystem tarballs ([`rootfs_tar`]) and every layer's tar stream      |
//! | gzip, zstd       | their compression                                                          |
//! | umoci            | OCI image layouts: layers added verbatim, gzipped, digests, config, history |
//! | skopeo           | `docker save` archives, OCI archives, zstd and uncompressed layers          |
//! | [`Tar`] (here)   | hostile tarballs, byte by byte: names and links no archiver would write     |
//! | by hand (here)   | Docker's short names in an archive, one image with mixed compressions       |
//!
//! Layers are tar streams made here (GNU tar for a root filesystem, [`Tar`] for a few files) and
//! added with `umoci raw add-layer`, which stores them gzipped and records their digests: no root
//! needed, no copy of the root filesystem into a bundle, and a layer holds exactly the entries it
//! was given, whiteouts included (umoci's own `repack` of a changed bundle writes one `.wh.NAME`
//! per removed entry, never an opaque directory).
//!
//! A sandbox's root filesystem ([`crate::Sandbox::rootfs`]) holds the probe at the same path as
//! on the host: so do the images made from it.
//!
//! ```ignore
//! let sandbox = Sandbox::new();
//! let config = ImageConfig { cmd: vec!["/bin/sh".into()], ..ImageConfig::default() };
//! let image = images::oci_layout(&sandbox.rootfs(), sandbox.dir(), "1.0", &config);
//! let archive = images::docker_archive(&image, sandbox.dir(), Some("busybox:1.0"));
//! let out = sandbox.minidock(["load", "-i", &archive.display().to_string()]).output();
//! ```

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The programs' search path: the usual system directories, nothing of the caller's.
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// How a tarball or a layer is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Plain,
    Gzip,
    Zstd,
}

impl Compression {
    /// What the first bytes of a file say it is: gzip (`1f 8b`), zstd (`28 b5 2f fd`), or a tar
    /// archive (`ustar` at offset 257). `None` for anything else.
    pub fn detect(bytes: &[u8]) -> Option<Compression> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if bytes.len() >= 262 && &bytes[257..262] == b"ustar" {
            Some(Compression::Plain)
        } else {
            None
        }
    }

    /// [`Compression::detect`] on a file's first bytes.
    #[track_caller]
    pub fn of_file(path: &Path) -> Option<Compression> {
        use std::io::Read;
        let mut head = Vec::new();
        fs::File::open(path)
            .and_then(|f| f.take(512).read_to_end(&mut head))
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        Compression::detect(&head)
    }

    /// The file name suffix after `.tar`.
    fn suffix(self) -> &'static str {
        match self {
            Compression::Plain => "",
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }

    /// The program that compresses a stream this way, if any.
    fn program(self) -> Option<&'static str> {
        match self {
            Compression::Plain => None,
            Compression::Gzip => Some("gzip"),
            Compression::Zstd => Some("zstd"),
        }
    }
}

/// The settings of an image's config that a test may choose (the OCI config's `Entrypoint`,
/// `Cmd`, `Env`, `WorkingDir` and `User`). Empty fields are left out of the config.
#[derive(Clone, Debug, Default)]
pub struct ImageConfig {
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
}

/// An image in an OCI image layout: the layout's directory and the image's tag in it (its
/// `org.opencontainers.image.ref.name` in `index.json`).
#[derive(Clone, Debug)]
pub struct OciImage {
    pub layout: PathBuf,
    pub tag: String,
}

impl OciImage {
    /// The image's name for skopeo: `oci:LAYOUT:TAG`.
    pub fn reference(&self) -> String {
        format!("oci:{}:{}", self.layout.display(), self.tag)
    }

    /// The image's manifest, as stored.
    #[track_caller]
    pub fn manifest(&self) -> String {
        let state = State::new(self.layout.parent().unwrap_or(&self.layout));
        run(skopeo(&state).args(["inspect", "--raw", &self.reference()]))
    }

    /// The digest of the image's config, `sha256:HEX`: what Docker calls the image's ID.
    #[track_caller]
    pub fn config_digest(&self) -> String {
        digests_in(&self.manifest(), "config", '}')
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no config in the manifest of {}", self.reference()))
    }

    /// The image's config, as stored.
    #[track_caller]
    pub fn config(&self) -> String {
        fs::read_to_string(self.blob(&self.config_digest())).expect("reading the image's config")
    }

    /// The blob files of the image's layers, bottom first.
    #[track_caller]
    pub fn layers(&self) -> Vec<PathBuf> {
        digests_in(&self.manifest(), "layers", ']')
            .iter()
            .map(|d| self.blob(d))
            .collect()
    }

    /// The file of the blob with this digest (`sha256:HEX`).
    pub fn blob(&self, digest: &str) -> PathBuf {
        let (algorithm, hex) = digest.split_once(':').expect("a digest is ALGORITHM:HEX");
        self.layout.join("blobs").join(algorithm).join(hex)
    }
}

/// A tarball of the root filesystem `rootfs`, made by GNU tar, compressed by gzip or zstd: what
/// `import` takes. Its entries are `./`, `./bin/`, `./bin/busybox`, ... as `tar -C DIR -c .`
/// writes them (Alpine's and Debian's root filesystem tarballs look the same), with numeric
/// owners. Written to `dir/rootfs.tar`, `.tar.gz` or `.tar.zst` (or `rootfs-2.tar`, ... when
/// taken).
#[track_caller]
pub fn rootfs_tar(rootfs: &Path, dir: &Path, compression: Compression) -> PathBuf {
    let out = fresh(dir, "rootfs", &format!(".tar{}", compression.suffix()));
    let state = State::new(dir);
    let mut tar = tool("tar", &state);
    tar.arg("--create")
        .arg("--file")
        .arg(&out)
        .arg("--directory")
        .arg(rootfs)
        .args(["--numeric-owner", "--sort=name"]);
    match compression {
        Compression::Plain => {}
        Compression::Gzip => {
            tar.arg("--gzip");
        }
        Compression::Zstd => {
            tar.arg("--zstd");
        }
    }
    run(tar.arg("."));
    out
}

/// An OCI image layout holding one image, tagged `tag`: one gzip layer with the whole of
/// `rootfs` (entries `bin/`, `bin/busybox`, ... without `./`, as image builders write them) and
/// a config with `config`'s settings, for the host's architecture and `linux`. Made by umoci in
/// `dir/oci` (or `dir/oci-2`, ...).
#[track_caller]
pub fn oci_layout(rootfs: &Path, dir: &Path, tag: &str, config: &ImageConfig) -> OciImage {
    let layout = fresh(dir, "oci", "");
    let state = State::new(dir);
    run(tool("umoci", &state)
        .arg("init")
        .arg("--layout")
        .arg(&layout));
    let image = OciImage {
        layout,
        tag: tag.to_string(),
    };
    run(tool("umoci", &state)
        .args(["new", "--image"])
        .arg(image.umoci()));
    let layer = state.dir.join("layer.tar");
    layer_of_rootfs(rootfs, &layer, &state);
    add_layer_in_place(&image, &layer, &state);
    let mut umoci = tool("umoci", &state);
    umoci.args(["config", "--image"]).arg(image.umoci());
    for arg in &config.entrypoint {
        umoci.arg(format!("--config.entrypoint={arg}"));
    }
    for arg in &config.cmd {
        umoci.arg(format!("--config.cmd={arg}"));
    }
    for var in &config.env {
        umoci.arg(format!("--config.env={var}"));
    }
    if let Some(cwd) = &config.working_dir {
        umoci.arg(format!("--config.workingdir={cwd}"));
    }
    if let Some(user) = &config.user {
        umoci.arg(format!("--config.user={user}"));
    }
    run(&mut umoci);
    gc(&image, &state);
    image
}

/// The image `image` with one more layer on top, the uncompressed tarball `layer` taken
/// verbatim (umoci gzips it and records its digests; it neither reads nor cleans its entries, so
/// a hostile [`Tar`] stays hostile). Tagged `tag` in the same layout, which then holds both.
#[track_caller]
pub fn add_layer(image: &OciImage, tag: &str, layer: &Path) -> OciImage {
    let state = State::new(image.layout.parent().unwrap_or(&image.layout));
    run(tool("umoci", &state)
        .args(["raw", "add-layer", "--image"])
        .arg(image.umoci())
        .args(["--tag", tag])
        .arg(layer));
    gc(image, &state);
    OciImage {
        layout: image.layout.clone(),
        tag: tag.to_string(),
    }
}

/// The image `base` with a second layer on top that removes the file (or directory) `delete`
/// with a whiteout, `DIR/.wh.NAME`, and replaces the directory `opaque_dir` with one that holds
/// only `files` (paths relative to it, and their contents), marked opaque by
/// `opaque_dir/.wh..wh..opq`. Tagged `tag` in `base`'s layout.
///
/// The layer's tar stream is GNU tar's, of a staging directory holding the marker files (empty
/// regular files, as the OCI image spec and Docker write them) and the new files, under
/// directories of mode 0755 owned by the caller; umoci adds it (its `repack` of a changed bundle
/// would write one `.wh.` per removed entry, never an opaque directory).
#[track_caller]
pub fn two_layer_oci(
    base: &OciImage,
    tag: &str,
    delete: &str,
    opaque_dir: &str,
    files: &[(&str, &str)],
) -> OciImage {
    let scratch = base.layout.parent().unwrap_or(&base.layout);
    let state = State::new(scratch);
    let stage = state.dir.join("layer");
    let delete = Path::new(delete.trim_start_matches('/'));
    let name = delete.file_name().expect("a file to delete");
    let parent = stage.join(delete.parent().unwrap_or(Path::new("")));
    fs::create_dir_all(&parent).unwrap();
    fs::write(parent.join(format!(".wh.{}", name.to_string_lossy())), b"").unwrap();
    let opaque = stage.join(opaque_dir.trim_start_matches('/'));
    fs::create_dir_all(&opaque).unwrap();
    fs::write(opaque.join(".wh..wh..opq"), b"").unwrap();
    for (path, content) in files {
        let file = opaque.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, content).unwrap();
    }
    let layer = state.dir.join("layer.tar");
    layer_of_rootfs(&stage, &layer, &state);
    add_layer(base, tag, &layer)
}

/// An image of `n` layers (at least 1), tagged `tag`, in a new layout in `dir`: the first holds
/// `rootfs`, and each layer `i` (1-based) holds `layers/i` (containing `i`) and a new
/// `layers/top` (containing `i` too). So `/layers/top` in a container says which layer was
/// stacked uppermost (`n` when the order is right), and `/layers/1` .. `/layers/N` that every
/// layer is there.
#[track_caller]
pub fn many_layers(rootfs: &Path, dir: &Path, tag: &str, n: usize) -> OciImage {
    assert!(n >= 1, "an image has at least one layer");
    let state = State::new(dir);
    let staged = state.dir.join("rootfs");
    // The first layer is the root filesystem with its own layers/1 and layers/top.
    run(tool("cp", &state).arg("-a").arg(rootfs).arg(&staged));
    fs::create_dir_all(staged.join("layers")).unwrap();
    fs::write(staged.join("layers/1"), "1\n").unwrap();
    fs::write(staged.join("layers/top"), "1\n").unwrap();
    let image = oci_layout(&staged, dir, tag, &ImageConfig::default());
    let layer = state.dir.join("layer.tar");
    for i in 2..=n {
        let mut tar = Tar::new();
        tar.dir("layers", 0o755)
            .file(&format!("layers/{i}"), 0o644, format!("{i}\n").as_bytes())
            .file("layers/top", 0o644, format!("{i}\n").as_bytes());
        fs::write(&layer, tar.finish()).unwrap();
        add_layer_in_place(&image, &layer, &state);
    }
    gc(&image, &state);
    image
}

/// A `docker save` archive of `image` (skopeo's `docker-archive:`): `manifest.json`,
/// `repositories`, the config as `HEX.json`, each layer **uncompressed** as `HEX.tar` (named by
/// its diff ID), and the legacy `ID/layer.tar` symlinks, `ID/json`, `ID/VERSION`. With a `name`
/// (`busybox:1.0`, or `busybox`, which means `busybox:latest`), `RepoTags` holds it normalized
/// the Docker way: `docker.io/library/busybox:1.0`. Without one, no `RepoTags` (an image saved
/// by ID). Written to `dir/docker.tar` (or `docker-2.tar`, ...).
#[track_caller]
pub fn docker_archive(image: &OciImage, dir: &Path, name: Option<&str>) -> PathBuf {
    archive(image, fresh(dir, "docker", ".tar"), "docker-archive", name)
}

/// Rewrites the names in a docker archive made by [`docker_archive`] the way `docker save` writes
/// them, short: `busybox:1.0` in `manifest.json`'s `RepoTags` and `busybox` in `repositories`,
/// where skopeo (and `podman save`) write `docker.io/library/busybox:1.0`; `docker.io/` goes
/// from other names (`docker.io/user/app:1` becomes `user/app:1`). The archive is unpacked by
/// GNU tar, rewritten and packed again with its entries in the same order.
#[track_caller]
pub fn familiar_names(archive: &Path) {
    rewrite_archive(archive, |unpacked| {
        for name in ["manifest.json", "repositories"] {
            let file = unpacked.join(name);
            let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {name}: {e}"));
            let short = text
                .replace("\"docker.io/library/", "\"")
                .replace("\"docker.io/", "\"");
            replace_file(&file, short.as_bytes());
        }
    });
}

/// Rewrites the tar archive `archive` (a docker or OCI archive): GNU tar unpacks it into a
/// directory, `change` changes files there, and tar packs it again with its entries in the same
/// order.
#[track_caller]
pub fn rewrite_archive(archive: &Path, change: impl FnOnce(&Path)) {
    let state = State::new(archive.parent().expect("an archive in a directory"));
    let unpacked = state.dir.join("archive");
    fs::create_dir(&unpacked).unwrap();
    let order = run(tool("tar", &state).arg("--list").arg("--file").arg(archive));
    run(tool("tar", &state)
        .arg("--extract")
        .arg("--file")
        .arg(archive)
        .arg("--directory")
        .arg(&unpacked));
    change(&unpacked);
    let list = state.dir.join("order");
    fs::write(&list, order).unwrap();
    let packed = state.dir.join("packed.tar");
    run(tool("tar", &state)
        .arg("--create")
        .arg("--file")
        .arg(&packed)
        .arg("--directory")
        .arg(&unpacked)
        .args(["--numeric-owner", "--no-recursion", "--files-from"])
        .arg(&list));
    fs::rename(&packed, archive).expect("replacing the archive");
}

/// Writes `content` over the file `path`, which skopeo or umoci may have made read-only; its
/// mode stays.
#[track_caller]
pub fn replace_file(path: &Path, content: &[u8]) {
    let mode = fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0o644);
    fs::remove_file(path).unwrap_or_else(|e| panic!("removing {}: {e}", path.display()));
    fs::write(path, content).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// `gzip` or `zstd` (with `args`) of `input`, or its decompression with `-d`: the program's
/// output.
#[track_caller]
pub fn compress(program: &str, args: &[&str], input: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", PATH)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {program}: {e}"));
    let mut stdin = child.stdin.take().expect("a pipe");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .expect("waiting for the compressor");
    writer
        .join()
        .expect("the writer")
        .expect("writing to the compressor");
    assert!(out.status.success(), "{program} {args:?} failed");
    out.stdout
}

/// An OCI archive of `image` (skopeo's `oci-archive:`): a tar of an OCI image layout
/// (`oci-layout`, `index.json`, `blobs/sha256/...`), layers compressed as in `image`. With a
/// `name`, `index.json`'s one entry has it, verbatim (`busybox:1.0` stays `busybox:1.0`), as its
/// `org.opencontainers.image.ref.name`; without one, no name. Written to `dir/oci-archive.tar`
/// (or `oci-archive-2.tar`, ...).
#[track_caller]
pub fn oci_archive(image: &OciImage, dir: &Path, name: Option<&str>) -> PathBuf {
    archive(
        image,
        fresh(dir, "oci-archive", ".tar"),
        "oci-archive",
        name,
    )
}

/// `image` copied by skopeo into the archive `out` of skopeo's `transport`, named `name` if given.
#[track_caller]
fn archive(image: &OciImage, out: PathBuf, transport: &str, name: Option<&str>) -> PathBuf {
    let destination = match name {
        Some(name) => format!("{transport}:{}:{name}", out.display()),
        None => format!("{transport}:{}", out.display()),
    };
    let dir = out.parent().expect("an archive in a directory");
    copy(dir, &image.reference(), &destination, &[]);
    out
}

/// `image` copied by skopeo into a new OCI layout in `dir`, same tag, its layers compressed as
/// asked: `Zstd` gives `application/vnd.oci.image.layer.v1.tar+zstd` layers, `Gzip` `tar+gzip`,
/// `Plain` uncompressed `application/vnd.oci.image.layer.v1.tar` ones. The config's diff IDs
/// stay the same; the layers' digests change (and for `Plain` the config's too: the docker
/// archive it goes through rewrites it).
///
/// For `Plain`, skopeo 1.9 only stores uncompressed layers it got uncompressed, from a
/// `docker-archive:`, and then labels them `tar+gzip` all the same: the image goes through a
/// docker archive, and the manifest's media types are corrected here (and so its digest, in
/// `index.json`).
#[track_caller]
pub fn recompress(image: &OciImage, dir: &Path, compression: Compression) -> OciImage {
    let layout = fresh(dir, "oci", "");
    let out = OciImage {
        layout: layout.clone(),
        tag: image.tag.clone(),
    };
    match compression {
        Compression::Gzip | Compression::Zstd => {
            let format = if compression == Compression::Gzip {
                "gzip"
            } else {
                "zstd"
            };
            copy(
                dir,
                &image.reference(),
                &out.reference(),
                &["--dest-compress-format", format],
            );
        }
        Compression::Plain => {
            let state = State::new(dir);
            let archive = format!("docker-archive:{}", state.dir.join("d.tar").display());
            copy(dir, &image.reference(), &archive, &[]);
            copy(
                dir,
                &archive,
                &out.reference(),
                &["--dest-oci-accept-uncompressed-layers"],
            );
            relabel_plain_layers(&out, &state);
        }
    }
    out
}

/// `image` with its layers compressed one by one as `layers` says (one entry per layer, bottom
/// first): say gzip, zstd and none in one image, each with its own media type. A new layout in
/// `dir`, same tag, made from [`recompress`]`(image, dir, Plain)` by compressing its layer blobs
/// with gzip (`-n`) and zstd and rewriting the manifest by hand: no tool here mixes them.
#[track_caller]
pub fn mixed_compression(image: &OciImage, dir: &Path, layers: &[Compression]) -> OciImage {
    let plain = recompress(image, dir, Compression::Plain);
    let blobs = plain.layers();
    assert_eq!(
        blobs.len(),
        layers.len(),
        "one compression per layer of {}",
        image.reference()
    );
    let state = State::new(dir);
    let mut manifest = read_manifest(&plain);
    for (blob, compression) in blobs.iter().zip(layers) {
        let Some(program) = compression.program() else {
            continue;
        };
        let packed = state.dir.join("layer");
        let out = fs::File::create(&packed).unwrap();
        let mut command = tool(program, &state);
        command.args(["-c", "-q"]);
        if *compression == Compression::Gzip {
            // No file name or date in the header: the same layer makes the same blob.
            command.arg("-n");
        }
        let status = command
            .arg(blob)
            .stdout(out)
            .status()
            .unwrap_or_else(|e| panic!("running {program}: {e}"));
        assert!(status.success(), "{program} {} failed", blob.display());
        let old_hex = blob.file_name().unwrap().to_string_lossy().into_owned();
        let new_hex = sha256(&packed);
        let before = format!(
            "{{\"mediaType\":\"{PLAIN_LAYER}\",\"digest\":\"sha256:{old_hex}\",\"size\":{}}}",
            fs::metadata(blob).unwrap().len()
        );
        let after =
            format!(
            "{{\"mediaType\":\"{PLAIN_LAYER}+{}\",\"digest\":\"sha256:{new_hex}\",\"size\":{}}}",
            if *compression == Compression::Gzip { "gzip" } else { "zstd" },
            fs::metadata(&packed).unwrap().len()
        );
        assert_eq!(
            manifest.matches(&before).count(),
            1,
            "{before} in {manifest}"
        );
        manifest = manifest.replace(&before, &after);
        fs::rename(&packed, plain.blob(&format!("sha256:{new_hex}"))).unwrap();
        fs::remove_file(blob).unwrap();
    }
    replace_manifest(&plain, &manifest, &state);
    plain
}

/// The media type of an uncompressed OCI layer; `+gzip` and `+zstd` follow it for the others.
const PLAIN_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";

/// Corrects the media types of the uncompressed layers skopeo labelled `tar+gzip`.
#[track_caller]
fn relabel_plain_layers(image: &OciImage, state: &State) {
    for layer in image.layers() {
        assert_eq!(
            Compression::of_file(&layer),
            Some(Compression::Plain),
            "skopeo compressed {}",
            layer.display()
        );
    }
    let manifest = read_manifest(image).replace(
        &format!("\"{PLAIN_LAYER}+gzip\""),
        &format!("\"{PLAIN_LAYER}\""),
    );
    replace_manifest(image, &manifest, state);
}

/// The manifest of the one image in a layout made by skopeo, as stored.
#[track_caller]
fn read_manifest(image: &OciImage) -> String {
    let index = fs::read_to_string(image.layout.join("index.json")).expect("reading index.json");
    let digests = digests_in(&index, "manifests", ']');
    assert_eq!(digests.len(), 1, "one manifest in {index}");
    fs::read_to_string(image.blob(&digests[0])).expect("reading the manifest")
}

/// Replaces the manifest of the one image in a layout made by skopeo: a new blob, and its
/// digest and size in `index.json` instead of the old one's.
#[track_caller]
fn replace_manifest(image: &OciImage, manifest: &str, state: &State) {
    let index_path = image.layout.join("index.json");
    let index = fs::read_to_string(&index_path).expect("reading index.json");
    let old = digests_in(&index, "manifests", ']');
    assert_eq!(old.len(), 1, "one manifest in {index}");
    let old_blob = image.blob(&old[0]);
    let old_size = fs::metadata(&old_blob).expect("the old manifest").len();
    let new_blob = state.dir.join("manifest");
    fs::write(&new_blob, manifest).unwrap();
    let digest = format!("sha256:{}", sha256(&new_blob));
    fs::remove_file(&old_blob).expect("removing the old manifest");
    fs::rename(&new_blob, image.blob(&digest)).expect("storing the new manifest");
    let before = format!("\"digest\":\"{}\",\"size\":{old_size}", old[0]);
    let after = format!("\"digest\":\"{digest}\",\"size\":{}", manifest.len());
    assert!(index.contains(&before), "{before} in {index}");
    fs::write(&index_path, index.replace(&before, &after)).expect("writing index.json");
}

/// What skopeo reads of the image `reference` (`docker-archive:PATH`, `oci-archive:PATH`...):
/// its config's digest (the image's ID) and its layers' digests, bottom first, from the manifest
/// `skopeo inspect --raw` gives. skopeo's state is kept in a directory under `dir`.
#[track_caller]
pub fn skopeo_manifest(dir: &Path, reference: &str) -> (String, Vec<String>) {
    let state = State::new(dir);
    let manifest = run(skopeo(&state).args(["inspect", "--raw", reference]));
    let config = digests_in(&manifest, "config", '}')
        .into_iter()
        .next()
        .unwrap_or_default();
    (config, digests_in(&manifest, "layers", ']'))
}

/// `skopeo copy FROM TO`, its state kept in a directory under `dir`.
#[track_caller]
fn copy(dir: &Path, from: &str, to: &str, options: &[&str]) {
    let state = State::new(dir);
    run(skopeo(&state)
        .args(["copy", "--quiet"])
        .args(options)
        .args([from, to]));
}

/// The uncompressed layer tarball of a directory, by GNU tar: its top-level entries by name
/// (`bin/`, `bin/sh`, ..., no `./`), sorted, with numeric owners.
#[track_caller]
fn layer_of_rootfs(rootfs: &Path, out: &Path, state: &State) {
    let mut names: Vec<_> = fs::read_dir(rootfs)
        .unwrap_or_else(|e| panic!("reading {}: {e}", rootfs.display()))
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    if names.is_empty() {
        // GNU tar refuses to write an empty archive.
        fs::write(out, Tar::new().finish()).unwrap();
        return;
    }
    run(tool("tar", state)
        .arg("--create")
        .arg("--file")
        .arg(out)
        .arg("--directory")
        .arg(rootfs)
        .args(["--numeric-owner", "--sort=name", "--"])
        .args(names));
}

/// Appends `layer` to `image`, under its own tag.
#[track_caller]
fn add_layer_in_place(image: &OciImage, layer: &Path, state: &State) {
    run(tool("umoci", state)
        .args(["raw", "add-layer", "--image"])
        .arg(image.umoci())
        .arg(layer));
}

/// Removes the blobs no tag needs any more (umoci leaves each replaced manifest and config).
#[track_caller]
fn gc(image: &OciImage, state: &State) {
    run(tool("umoci", state)
        .args(["gc", "--layout"])
        .arg(&image.layout));
}

impl OciImage {
    /// The image's name for umoci: `LAYOUT:TAG`.
    fn umoci(&self) -> String {
        format!("{}:{}", self.layout.display(), self.tag)
    }
}

/// The SHA-256 of a file, in hex, by `sha256sum`.
#[track_caller]
fn sha256(file: &Path) -> String {
    let out = run(Command::new("sha256sum")
        .env_clear()
        .env("PATH", PATH)
        .arg(file));
    out.split_whitespace()
        .next()
        .filter(|h| h.len() == 64)
        .unwrap_or_else(|| panic!("sha256sum printed {out:?}"))
        .to_string()
}

/// The `sha256:HEX` digests in the JSON value of `key` (up to the first `end` character after
/// it), as skopeo and umoci write them: enough for their manifests and indexes.
fn digests_in(json: &str, key: &str, end: char) -> Vec<String> {
    let Some(start) = json.find(&format!("\"{key}\"")) else {
        return Vec::new();
    };
    let rest = &json[start..];
    let value = &rest[..rest.find(end).unwrap_or(rest.len())];
    value
        .match_indices("sha256:")
        .filter_map(|(at, _)| {
            let hex = value.get(at + 7..at + 7 + 64)?;
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| format!("sha256:{hex}"))
        })
        .collect()
}

/// A private directory for one tool call's state and temporary files, inside the caller's
/// directory, removed when dropped.
struct State {
    dir: PathBuf,
}

impl State {
    #[track_caller]
    fn new(parent: &Path) -> State {
        use std::os::unix::fs::DirBuilderExt;
        // Another call may be making one in the same directory: take the first name it did not.
        let dir = (1..)
            .map(|i| parent.join(format!(".tools-{}-{i}", std::process::id())))
            .find(|dir| match fs::DirBuilder::new().mode(0o700).create(dir) {
                Ok(()) => true,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                Err(e) => panic!("creating {}: {e}", dir.display()),
            })
            .unwrap();
        for sub in ["home", "tmp", "data", "config", "run"] {
            fs::create_dir(dir.join(sub)).unwrap();
        }
        State { dir }
    }
}

impl Drop for State {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `program` with a clean environment whose home and temporary directory are in `state`.
fn tool(program: &str, state: &State) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", PATH)
        .env("LC_ALL", "C")
        .env("HOME", state.dir.join("home"))
        .env("TMPDIR", state.dir.join("tmp"))
        .stdin(Stdio::null());
    command
}

/// skopeo, with all its state in `state`.
fn skopeo(state: &State) -> Command {
    let mut command = tool("skopeo", state);
    // Run as root, skopeo keeps a cache of blob facts in /var/lib/containers/cache, and has no
    // option to move it. For any other user it keeps it in $XDG_DATA_HOME/containers/cache, and
    // the library it uses (containers/image) takes its idea of "root" from
    // _CONTAINERS_ROOTLESS_UID when that is set. Its other per-user files (auth.json, policy,
    // registries) follow XDG_RUNTIME_DIR and XDG_CONFIG_HOME.
    command
        .env("_CONTAINERS_ROOTLESS_UID", "1")
        .env("XDG_DATA_HOME", state.dir.join("data"))
        .env("XDG_CONFIG_HOME", state.dir.join("config"))
        .env("XDG_RUNTIME_DIR", state.dir.join("run"))
        // No trust policy to read (these images are the test's own), temporary files here.
        .arg("--insecure-policy")
        .arg("--tmpdir")
        .arg(state.dir.join("tmp"));
    command
}

/// Runs a command to the end; its stdout, or a panic that says what failed.
#[track_caller]
fn run(command: &mut Command) -> String {
    let shown = format!("{command:?}");
    let mut attempts = 0;
    let out = loop {
        let out = command.output().unwrap_or_else(|e| {
            panic!("running {shown}: {e} (./setup.sh installs the tools the tests use)")
        });
        // GNU tar compares a file's ctime before and after reading it. A sandbox's busybox and
        // probe are hard links to one cached file, and every sandbox made or removed meanwhile
        // changes its link count, so its ctime: tar then says "file changed as we read it" and
        // exits 1, though not a byte of it changed. The archive is made again.
        let changed = !out.status.success()
            && String::from_utf8_lossy(&out.stderr).contains("file changed as we read it");
        attempts += 1;
        if !changed || attempts == 5 {
            break out;
        }
    };
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `dir/STEMEXT`, or `dir/STEM-2EXT`, ...: the first that does not exist yet.
fn fresh(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    (1..)
        .map(|i| match i {
            1 => dir.join(format!("{stem}{ext}")),
            _ => dir.join(format!("{stem}-{i}{ext}")),
        })
        .find(|p| fs::symlink_metadata(p).is_err())
        .unwrap()
}

/// A tar archive written byte by byte, in the POSIX ustar format: whatever names, links and
/// modes a test asks for, also those no archiver would write (`../x`, `/x`, a file below a
/// symlink). Entries are owned by 0:0 (`root`), dated 2023-11-14.
#[derive(Clone, Debug, Default)]
pub struct Tar {
    bytes: Vec<u8>,
    /// The owner (uid, gid) of the entries added from now on: see [`Tar::owner`].
    owner: (u32, u32),
}

/// A fixed date for every entry, so that the same entries make the same bytes.
const MTIME: u64 = 1_700_000_000;

impl Tar {
    pub fn new() -> Tar {
        Tar::default()
    }

    /// Makes the entries added from now on owned by `uid`:`gid` (with no user or group name).
    pub fn owner(&mut self, uid: u32, gid: u32) -> &mut Tar {
        self.owner = (uid, gid);
        self
    }

    /// A directory (its name gets the trailing `/` ustar readers expect).
    pub fn dir(&mut self, name: &str, mode: u32) -> &mut Tar {
        let name = format!("{}/", name.trim_end_matches('/'));
        self.entry(&name, mode, b'5', "", 0, 0, b"")
    }

    /// A regular file; `mode` may have the setuid, setgid and sticky bits.
    pub fn file(&mut self, name: &str, mode: u32, content: &[u8]) -> &mut Tar {
        self.entry(name, mode, b'0', "", 0, 0, content)
    }

    /// A symbolic link `name` -> `target`.
    pub fn symlink(&mut self, name: &str, target: &str) -> &mut Tar {
        self.entry(name, 0o777, b'2', target, 0, 0, b"")
    }

    /// A hard link `name` to `target`, which in a tar archive names an earlier entry (an
    /// extractor that takes it as a path on the host links to a host file).
    pub fn hardlink(&mut self, name: &str, target: &str) -> &mut Tar {
        self.entry(name, 0o644, b'1', target, 0, 0, b"")
    }

    /// A character device node.
    pub fn char_device(&mut self, name: &str, mode: u32, major: u32, minor: u32) -> &mut Tar {
        self.entry(name, mode, b'3', "", major, minor, b"")
    }

    /// A block device node.
    pub fn block_device(&mut self, name: &str, mode: u32, major: u32, minor: u32) -> &mut Tar {
        self.entry(name, mode, b'4', "", major, minor, b"")
    }

    /// Extended attributes for the next entry: a PAX extended header (`x`) with a
    /// `SCHILY.xattr.NAME=VALUE` record for each, as GNU tar and docker write them.
    pub fn attributes(&mut self, attributes: &[(&str, &[u8])]) -> &mut Tar {
        let mut records = Vec::new();
        for (name, value) in attributes {
            // "LEN SCHILY.xattr.NAME=VALUE\n", LEN counting the whole record, itself included.
            let body = [b" SCHILY.xattr.", name.as_bytes(), b"=", value, b"\n"].concat();
            let mut len = body.len() + 1;
            while len != body.len() + len.to_string().len() {
                len = body.len() + len.to_string().len();
            }
            records.extend_from_slice(len.to_string().as_bytes());
            records.extend_from_slice(&body);
        }
        self.entry("PaxHeaders/next", 0o644, b'x', "", 0, 0, &records)
    }

    /// A named pipe.
    pub fn fifo(&mut self, name: &str, mode: u32) -> &mut Tar {
        self.entry(name, mode, b'6', "", 0, 0, b"")
    }

    /// Every file, directory and symbolic link below `root`, named relative to it, as an image's
    /// root filesystem (hard links are stored as the files they are; other kinds are left out).
    #[track_caller]
    pub fn tree(&mut self, root: &Path) -> &mut Tar {
        self.below(root, "")
    }

    #[track_caller]
    fn below(&mut self, dir: &Path, prefix: &str) -> &mut Tar {
        use std::os::unix::fs::PermissionsExt;
        let mut entries: Vec<fs::DirEntry> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let path = entry.path();
            let meta = fs::symlink_metadata(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let mode = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap();
                self.symlink(&name, &target.to_string_lossy());
            } else if meta.is_dir() {
                self.dir(&name, mode);
                self.below(&path, &format!("{name}/"));
            } else if meta.is_file() {
                let content =
                    fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                self.file(&name, mode, &content);
            }
        }
        self
    }

    /// The archive: the entries, then the two zero blocks that end it.
    pub fn finish(&self) -> Vec<u8> {
        let mut bytes = self.bytes.clone();
        bytes.resize(bytes.len() + 1024, 0);
        bytes
    }

    /// Writes the archive to `path`, compressed by gzip or zstd if asked; returns `path`.
    #[track_caller]
    pub fn write(&self, path: &Path, compression: Compression) -> PathBuf {
        match compression.program() {
            None => fs::write(path, self.finish())
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display())),
            Some(program) => {
                use std::io::Write;
                let out = fs::File::create(path)
                    .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
                let mut child = Command::new(program)
                    .env_clear()
                    .env("PATH", PATH)
                    .args(["-c", "-q"])
                    .stdin(Stdio::piped())
                    .stdout(out)
                    .spawn()
                    .unwrap_or_else(|e| panic!("running {program}: {e}"));
                let mut stdin = child.stdin.take().unwrap();
                stdin
                    .write_all(&self.finish())
                    .expect("compressing a tarball");
                drop(stdin);
                let status = child.wait().expect("waiting for the compressor");
                assert!(status.success(), "{program} failed ({status})");
            }
        }
        path.to_path_buf()
    }

    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        name: &str,
        mode: u32,
        kind: u8,
        link: &str,
        major: u32,
        minor: u32,
        content: &[u8],
    ) -> &mut Tar {
        let mut header = [0u8; 512];
        let (prefix, name) = split_name(name);
        let field = |header: &mut [u8; 512], at: usize, len: usize, value: &[u8]| {
            assert!(
                value.len() <= len,
                "{value:?} is too long for its tar field"
            );
            header[at..at + value.len()].copy_from_slice(value);
        };
        let octal = |header: &mut [u8; 512], at: usize, len: usize, value: u64| {
            let text = format!("{value:0width$o}", width = len - 1);
            field(header, at, len, text.as_bytes());
        };
        field(&mut header, 0, 100, name.as_bytes());
        octal(&mut header, 100, 8, u64::from(mode & 0o7777));
        octal(&mut header, 108, 8, u64::from(self.owner.0));
        octal(&mut header, 116, 8, u64::from(self.owner.1));
        octal(&mut header, 124, 12, content.len() as u64);
        octal(&mut header, 136, 12, MTIME);
        header[156] = kind;
        field(&mut header, 157, 100, link.as_bytes());
        field(&mut header, 257, 6, b"ustar\0");
        field(&mut header, 263, 2, b"00");
        if self.owner == (0, 0) {
            field(&mut header, 265, 32, b"root");
            field(&mut header, 297, 32, b"root");
        }
        octal(&mut header, 329, 8, u64::from(major));
        octal(&mut header, 337, 8, u64::from(minor));
        field(&mut header, 345, 155, prefix.as_bytes());
        // The checksum is the sum of the header's bytes with its own field read as spaces.
        header[148..156].fill(b' ');
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        field(&mut header, 148, 8, format!("{sum:06o}\0 ").as_bytes());
        self.bytes.extend_from_slice(&header);
        self.bytes.extend_from_slice(content);
        let padding = (512 - content.len() % 512) % 512;
        self.bytes.resize(self.bytes.len() + padding, 0);
        self
    }
}

/// Splits a name too long for ustar's 100-byte name field at a `/`, into a prefix (up to 155
/// bytes) and a name.
fn split_name(name: &str) -> (&str, &str) {
    if name.len() <= 100 {
        return ("", name);
    }
    let cut = name
        .char_indices()
        .filter(|&(at, c)| c == '/' && at <= 155 && name.len() - at - 1 <= 100 && at > 0)
        .map(|(at, _)| at)
        .next_back()
        .unwrap_or_else(|| panic!("{name:?} does not fit in a ustar header"));
    (&name[..cut], &name[cut + 1..])
}

/// How many `../` a climbing name starts with: more than any test's directory is deep, and `..`
/// of `/` is `/`, so the name lands at the same host path wherever it is extracted.
const CLIMB: usize = 24;

/// A tarball that a careless extractor would let out of its root, or that gives a container
/// more than it should have. Where an entry would land on the host is the test's choice
/// (`lands_at`, an absolute path in its sandbox), so it can check that nothing appeared there.
#[derive(Clone, Copy, Debug)]
pub enum Hostile<'a> {
    /// A file named `../../(...)/LANDS_AT`: [`CLIMB`] times `../`, then `lands_at` without its
    /// leading `/`.
    DotDot { lands_at: &'a Path },
    /// A file named by the absolute path `lands_at` (`Path::join` with it forgets the root).
    Absolute { lands_at: &'a Path },
    /// A symlink `link` -> the directory of `lands_at` (absolute), then a file `link/NAME`
    /// (NAME: the file name of `lands_at`).
    ThroughSymlink { lands_at: &'a Path },
    /// A directory `dir`, a symlink `dir/up` -> `../../(...)/PARENT` (relative, climbing), then
    /// a file `dir/up/NAME`: a symlinked parent directory.
    ThroughSymlinkedParent { lands_at: &'a Path },
    /// A hard link `hard` to `target` (a host file, by absolute path), then a regular file `hard`
    /// again (contents `overwritten`), which an extractor that made the link and then opens
    /// `hard` for writing writes into the host's file.
    HardlinkOutside { target: &'a Path },
    /// A character device `dev/evil`, mode 0666.
    DeviceNode { major: u32, minor: u32 },
    /// A setuid root executable `bin/suid` (mode 04755, a shell script).
    Setuid,
    /// A directory `dir` holding a whiteout of its parent, `dir/.wh..` (a layer entry only):
    /// removing `dir/..` removes the whole root filesystem.
    WhiteoutOfParent,
}

impl Hostile<'_> {
    /// The entries, after a harmless `etc/` and `etc/hostile` (contents `hostile`).
    pub fn tar(&self) -> Tar {
        let mut tar = Tar::new();
        tar.dir("etc", 0o755)
            .file("etc/hostile", 0o644, b"hostile\n");
        let relative = |p: &Path| p.to_string_lossy().trim_start_matches('/').to_string();
        let climb = "../".repeat(CLIMB);
        let split = |p: &Path| {
            let parent = p.parent().expect("an absolute path with a parent");
            let name = p.file_name().expect("a path with a file name");
            (parent.to_path_buf(), name.to_string_lossy().into_owned())
        };
        match *self {
            Hostile::DotDot { lands_at } => {
                tar.file(
                    &format!("{climb}{}", relative(lands_at)),
                    0o644,
                    b"escaped\n",
                );
            }
            Hostile::Absolute { lands_at } => {
                tar.file(&lands_at.to_string_lossy(), 0o644, b"escaped\n");
            }
            Hostile::ThroughSymlink { lands_at } => {
                let (parent, name) = split(lands_at);
                tar.symlink("link", &parent.to_string_lossy()).file(
                    &format!("link/{name}"),
                    0o644,
                    b"escaped\n",
                );
            }
            Hostile::ThroughSymlinkedParent { lands_at } => {
                let (parent, name) = split(lands_at);
                tar.dir("dir", 0o755)
                    .symlink("dir/up", &format!("{climb}{}", relative(&parent)))
                    .file(&format!("dir/up/{name}"), 0o644, b"escaped\n");
            }
            Hostile::HardlinkOutside { target } => {
                tar.hardlink("hard", &target.to_string_lossy()).file(
                    "hard",
                    0o644,
                    b"overwritten\n",
                );
            }
            Hostile::DeviceNode { major, minor } => {
                tar.dir("dev", 0o755)
                    .char_device("dev/evil", 0o666, major, minor);
            }
            Hostile::Setuid => {
                tar.dir("bin", 0o755)
                    .file("bin/suid", 0o4755, b"#!/bin/sh\nid\n");
            }
            Hostile::WhiteoutOfParent => {
                tar.dir("dir", 0o755).file("dir/.wh..", 0o644, b"");
            }
        }
        tar
    }

    /// A short name for the kind, for file names.
    pub fn kind(&self) -> &'static str {
        match self {
            Hostile::DotDot { .. } => "dotdot",
            Hostile::Absolute { .. } => "absolute",
            Hostile::ThroughSymlink { .. } => "symlink",
            Hostile::ThroughSymlinkedParent { .. } => "symlinked-parent",
            Hostile::HardlinkOutside { .. } => "hardlink",
            Hostile::DeviceNode { .. } => "device",
            Hostile::Setuid => "setuid",
            Hostile::WhiteoutOfParent => "whiteout-parent",
        }
    }
}

/// The hostile tarball `hostile` in `dir` (`hostile-KIND.tar`, plus `.gz` or `.zst`), ready for
/// `import`, or for [`add_layer`] (uncompressed) to make a hostile image for `load`.
#[track_caller]
pub fn hostile_tar(hostile: Hostile, dir: &Path, compression: Compression) -> PathBuf {
    let path = fresh(
        dir,
        &format!("hostile-{}", hostile.kind()),
        &format!(".tar{}", compression.suffix()),
    );
    hostile.tar().write(&path, compression)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Instant;

    /// A scratch directory for one test, removed when it ends.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("minidock-images-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir(&dir).unwrap();
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
            Scratch(dir)
        }

        /// A small root filesystem: a few files, a symlink, a sticky /tmp.
        fn rootfs(&self) -> PathBuf {
            let root = self.0.join("rootfs");
            for dir in ["bin", "etc", "tmp", "dir/sub"] {
                fs::create_dir_all(root.join(dir)).unwrap();
            }
            fs::set_permissions(root.join("tmp"), fs::Permissions::from_mode(0o1777)).unwrap();
            fs::write(root.join("bin/tool"), "#!/bin/sh\n").unwrap();
            fs::set_permissions(root.join("bin/tool"), fs::Permissions::from_mode(0o755)).unwrap();
            std::os::unix::fs::symlink("tool", root.join("bin/alias")).unwrap();
            fs::write(root.join("etc/hello"), "hello\n").unwrap();
            fs::write(root.join("dir/a"), "a\n").unwrap();
            fs::write(root.join("dir/sub/b"), "b\n").unwrap();
            root
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// `tar -tvPf FILE`: names as stored, `/` and `../` kept (GNU tar finds the compression).
    fn listing(file: &Path) -> String {
        run(Command::new("tar")
            .env("LC_ALL", "C")
            .arg("-tvPf")
            .arg(file))
    }

    /// The names in a listing, with symlinks' targets cut off.
    fn names(listing: &str) -> Vec<String> {
        listing
            .lines()
            .map(|l| {
                let name = l.split_whitespace().skip(5).collect::<Vec<_>>().join(" ");
                name.split(" -> ").next().unwrap().to_string()
            })
            .collect()
    }

    fn inspect(reference: &str) -> String {
        let state = State::new(&std::env::temp_dir());
        run(skopeo(&state).args(["inspect", reference]))
    }

    /// Everything in `dir` but the tools' state, which must be gone.
    fn assert_no_tool_state(dir: &Path) {
        for entry in fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name();
            assert!(
                !name.to_string_lossy().starts_with(".tools"),
                "{name:?} left in {}",
                dir.display()
            );
        }
    }

    #[test]
    fn rootfs_tarballs_in_every_compression() {
        let scratch = Scratch::new("rootfs-tar");
        let rootfs = scratch.rootfs();
        for compression in [Compression::Plain, Compression::Gzip, Compression::Zstd] {
            let tar = rootfs_tar(&rootfs, scratch.path(), compression);
            assert_eq!(Compression::of_file(&tar), Some(compression));
            let names = names(&listing(&tar));
            for name in [
                "./",
                "./bin/tool",
                "./bin/alias",
                "./etc/hello",
                "./dir/sub/b",
            ] {
                assert!(names.contains(&name.to_string()), "{name} in {names:?}");
            }
            let tmp = listing(&tar);
            assert!(tmp
                .lines()
                .any(|l| l.starts_with("drwxrwxrwt") && l.ends_with("./tmp/")));
        }
        assert!(scratch.path().join("rootfs.tar.zst").exists());
        assert_no_tool_state(scratch.path());
    }

    #[test]
    fn an_oci_layout_with_one_gzip_layer_and_its_config() {
        let scratch = Scratch::new("oci-layout");
        let config = ImageConfig {
            entrypoint: vec!["/bin/env".into()],
            cmd: vec!["/bin/sh".into(), "-c".into(), "echo \"a b\"".into()],
            env: vec!["PATH=/bin".into(), "GREETING=a b".into()],
            working_dir: Some("/tmp".into()),
            user: Some("0:0".into()),
        };
        let image = oci_layout(&scratch.rootfs(), scratch.path(), "v1", &config);
        assert_eq!(image.layout, scratch.path().join("oci"));
        let layers = image.layers();
        assert_eq!(layers.len(), 1);
        assert_eq!(Compression::of_file(&layers[0]), Some(Compression::Gzip));
        let names = names(&listing(&layers[0]));
        assert_eq!(names[0], "bin/", "no ./ entries: {names:?}");
        assert!(names.contains(&"etc/hello".to_string()), "{names:?}");
        let stored = image.config();
        for part in [
            r#""Entrypoint":["/bin/env"]"#,
            r#""Cmd":["/bin/sh","-c","echo \"a b\""]"#,
            r#""Env":["PATH=/bin","GREETING=a b"]"#,
            r#""WorkingDir":"/tmp""#,
            r#""User":"0:0""#,
            r#""os":"linux""#,
        ] {
            assert!(stored.contains(part), "{part} in {stored}");
        }
        // Only the blobs the image needs: manifest, config, layer.
        let blobs = fs::read_dir(image.layout.join("blobs/sha256"))
            .unwrap()
            .count();
        assert_eq!(blobs, 3);
        assert!(inspect(&image.reference()).contains("\"Layers\""));
        assert_no_tool_state(scratch.path());
    }

    #[test]
    fn a_second_layer_with_a_whiteout_and_an_opaque_directory() {
        let scratch = Scratch::new("two-layers");
        let base = oci_layout(
            &scratch.rootfs(),
            scratch.path(),
            "base",
            &ImageConfig::default(),
        );
        let image = two_layer_oci(&base, "two", "etc/hello", "dir", &[("new", "new\n")]);
        let layers = image.layers();
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[0], base.layers()[0], "the base layer is shared");
        let names = names(&listing(&layers[1]));
        for name in ["etc/.wh.hello", "dir/.wh..wh..opq", "dir/new"] {
            assert!(names.contains(&name.to_string()), "{name} in {names:?}");
        }
        // umoci applies the layers as the image spec says: the file is gone, and the directory
        // holds only the new layer's file.
        let bundle = scratch.path().join("bundle");
        run(Command::new("umoci")
            .args(["unpack", "--rootless", "--image"])
            .arg(image.umoci())
            .arg(&bundle));
        let rootfs = bundle.join("rootfs");
        assert!(!rootfs.join("etc/hello").exists());
        assert!(rootfs.join("etc").is_dir());
        let mut kept: Vec<_> = fs::read_dir(rootfs.join("dir"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        kept.sort();
        assert_eq!(kept, ["new"]);
        assert!(rootfs.join("bin/tool").exists());
        // Both tags are in the layout.
        assert!(inspect(&base.reference()).contains("\"Layers\""));
    }

    #[test]
    fn docker_and_oci_archives() {
        let scratch = Scratch::new("archives");
        let image = oci_layout(
            &scratch.rootfs(),
            scratch.path(),
            "v1",
            &ImageConfig::default(),
        );
        let docker = docker_archive(&image, scratch.path(), Some("example:1.0"));
        assert_eq!(docker, scratch.path().join("docker.tar"));
        assert!(inspect(&format!("docker-archive:{}", docker.display())).contains("\"Layers\""));
        let entries = names(&listing(&docker));
        assert!(
            entries.contains(&"manifest.json".to_string()),
            "{entries:?}"
        );
        let manifest = run(Command::new("tar")
            .arg("-xOf")
            .arg(&docker)
            .arg("manifest.json"));
        assert!(
            manifest.contains(r#""RepoTags":["docker.io/library/example:1.0"]"#),
            "{manifest}"
        );
        // As docker save names it.
        let entries_before = names(&listing(&docker));
        familiar_names(&docker);
        assert_eq!(names(&listing(&docker)), entries_before);
        let manifest = run(Command::new("tar")
            .arg("-xOf")
            .arg(&docker)
            .arg("manifest.json"));
        assert!(
            manifest.contains(r#""RepoTags":["example:1.0"]"#),
            "{manifest}"
        );
        let repositories = run(Command::new("tar")
            .arg("-xOf")
            .arg(&docker)
            .arg("repositories"));
        assert!(
            repositories.starts_with(r#"{"example":{"1.0":""#),
            "{repositories}"
        );
        assert!(inspect(&format!("docker-archive:{}", docker.display())).contains("\"Layers\""));
        let unnamed = docker_archive(&image, scratch.path(), None);
        assert_eq!(unnamed, scratch.path().join("docker-2.tar"));

        let oci = oci_archive(&image, scratch.path(), Some("example:1.0"));
        assert!(inspect(&format!("oci-archive:{}", oci.display())).contains("\"Layers\""));
        let index = run(Command::new("tar").arg("-xOf").arg(&oci).arg("index.json"));
        assert!(
            index.contains(r#""org.opencontainers.image.ref.name":"example:1.0""#),
            "{index}"
        );
        assert_no_tool_state(scratch.path());
    }

    #[test]
    fn zstd_and_uncompressed_layers() {
        let scratch = Scratch::new("recompress");
        let base = oci_layout(
            &scratch.rootfs(),
            scratch.path(),
            "base",
            &ImageConfig::default(),
        );
        let image = two_layer_oci(&base, "two", "etc/hello", "dir", &[("new", "new\n")]);
        for (compression, media_type) in [
            (
                Compression::Zstd,
                "application/vnd.oci.image.layer.v1.tar+zstd",
            ),
            (
                Compression::Plain,
                "application/vnd.oci.image.layer.v1.tar\"",
            ),
            (
                Compression::Gzip,
                "application/vnd.oci.image.layer.v1.tar+gzip",
            ),
        ] {
            let copy = recompress(&image, scratch.path(), compression);
            let manifest = copy.manifest();
            assert_eq!(manifest.matches(media_type).count(), 2, "{manifest}");
            for layer in copy.layers() {
                assert_eq!(Compression::of_file(&layer), Some(compression));
            }
            let diff_ids = |config: String| digests_in(&config, "diff_ids", ']');
            assert_eq!(diff_ids(copy.config()), diff_ids(image.config()));
            assert_eq!(diff_ids(copy.config()).len(), 2);
            // skopeo checks every blob's digest as it copies.
            let check = OciImage {
                layout: scratch.path().join("check"),
                tag: "t".into(),
            };
            copy_check(scratch.path(), &copy, &check);
            fs::remove_dir_all(&check.layout).unwrap();
        }
        assert_no_tool_state(scratch.path());
    }

    #[test]
    fn one_image_with_plain_gzip_and_zstd_layers() {
        let scratch = Scratch::new("mixed");
        let base = oci_layout(
            &scratch.rootfs(),
            scratch.path(),
            "base",
            &ImageConfig::default(),
        );
        let two = two_layer_oci(&base, "two", "etc/hello", "dir", &[("new", "new\n")]);
        let tar = hostile_tar(Hostile::Setuid, scratch.path(), Compression::Plain);
        let image = add_layer(&two, "three", &tar);
        let order = [Compression::Zstd, Compression::Plain, Compression::Gzip];
        let mixed = mixed_compression(&image, scratch.path(), &order);
        let manifest = mixed.manifest();
        let types: Vec<_> = manifest
            .match_indices(PLAIN_LAYER)
            .map(|(at, _)| manifest[at..].split('"').next().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "application/vnd.oci.image.layer.v1.tar+zstd",
                "application/vnd.oci.image.layer.v1.tar",
                "application/vnd.oci.image.layer.v1.tar+gzip"
            ]
        );
        let layers = mixed.layers();
        for (layer, compression) in layers.iter().zip(order) {
            assert_eq!(Compression::of_file(layer), Some(compression));
        }
        assert!(names(&listing(&layers[2])).contains(&"bin/suid".to_string()));
        // manifest, config, three layers: nothing else.
        let blobs = fs::read_dir(mixed.layout.join("blobs/sha256"))
            .unwrap()
            .count();
        assert_eq!(blobs, 5);
        let check = OciImage {
            layout: scratch.path().join("check"),
            tag: "t".into(),
        };
        copy_check(scratch.path(), &mixed, &check);
        assert_no_tool_state(scratch.path());
    }

    fn copy_check(dir: &Path, from: &OciImage, to: &OciImage) {
        copy(
            dir,
            &from.reference(),
            &to.reference(),
            &["--dest-oci-accept-uncompressed-layers"],
        );
    }

    #[test]
    fn an_image_of_120_layers_in_under_ten_seconds() {
        let scratch = Scratch::new("many-layers");
        let started = Instant::now();
        let image = many_layers(&scratch.rootfs(), scratch.path(), "many", 120);
        let took = started.elapsed();
        assert!(took.as_secs_f64() < 10.0, "took {took:?}");
        let layers = image.layers();
        assert_eq!(layers.len(), 120);
        let last = names(&listing(&layers[119]));
        assert_eq!(last, ["layers/", "layers/120", "layers/top"]);
        let first = names(&listing(&layers[0]));
        assert!(first.contains(&"layers/1".to_string()), "{first:?}");
        assert!(first.contains(&"etc/hello".to_string()), "{first:?}");
        // manifest, config, 120 layers: nothing left over from the 119 additions.
        let blobs = fs::read_dir(image.layout.join("blobs/sha256"))
            .unwrap()
            .count();
        assert_eq!(blobs, 122);
        eprintln!("120 layers in {took:?}");
    }

    #[test]
    fn hostile_tarballs_hold_what_they_say() {
        let scratch = Scratch::new("hostile");
        let outside = Path::new("/var/tmp/somewhere/outside");
        let host_file = Path::new("/etc/shadow");
        let climb = "../".repeat(CLIMB);
        let cases: [(Hostile, &[&str]); 8] = [
            (
                Hostile::DotDot { lands_at: outside },
                &[&format!(
                    "-rw-r--r-- root/root 8 {climb}var/tmp/somewhere/outside"
                )],
            ),
            (
                Hostile::Absolute { lands_at: outside },
                &["-rw-r--r-- root/root 8 /var/tmp/somewhere/outside"],
            ),
            (
                Hostile::ThroughSymlink { lands_at: outside },
                &[
                    "lrwxrwxrwx root/root 0 link -> /var/tmp/somewhere",
                    "-rw-r--r-- root/root 8 link/outside",
                ],
            ),
            (
                Hostile::ThroughSymlinkedParent { lands_at: outside },
                &[
                    &format!("lrwxrwxrwx root/root 0 dir/up -> {climb}var/tmp/somewhere"),
                    "-rw-r--r-- root/root 8 dir/up/outside",
                ],
            ),
            (
                Hostile::HardlinkOutside { target: host_file },
                &[
                    "hrw-r--r-- root/root 0 hard link to /etc/shadow",
                    "-rw-r--r-- root/root 12 hard",
                ],
            ),
            (
                Hostile::DeviceNode { major: 1, minor: 1 },
                &["crw-rw-rw- root/root 1,1 dev/evil"],
            ),
            (Hostile::Setuid, &["-rwsr-xr-x root/root 13 bin/suid"]),
            (
                Hostile::WhiteoutOfParent,
                &["-rw-r--r-- root/root 0 dir/.wh.."],
            ),
        ];
        for (hostile, expected) in cases {
            for compression in [Compression::Plain, Compression::Gzip, Compression::Zstd] {
                let tar = hostile_tar(hostile, scratch.path(), compression);
                assert_eq!(Compression::of_file(&tar), Some(compression));
                // GNU tar's verbose listing, without dates and with single spaces.
                let shown: Vec<String> = listing(&tar)
                    .lines()
                    .map(|l| {
                        let f: Vec<_> = l.split_whitespace().collect();
                        [&f[..3], &f[5..]].concat().join(" ")
                    })
                    .collect();
                assert_eq!(shown[1], "-rw-r--r-- root/root 8 etc/hostile");
                for line in expected {
                    assert!(shown.contains(&line.to_string()), "{line} in {shown:#?}");
                }
            }
        }
    }

    #[test]
    fn a_hostile_layer_in_an_image_and_its_archives() {
        let scratch = Scratch::new("hostile-layer");
        let base = oci_layout(
            &scratch.rootfs(),
            scratch.path(),
            "base",
            &ImageConfig::default(),
        );
        let outside = Path::new("/var/tmp/somewhere/outside");
        let tar = hostile_tar(
            Hostile::DotDot { lands_at: outside },
            scratch.path(),
            Compression::Plain,
        );
        let image = add_layer(&base, "evil", &tar);
        let layers = image.layers();
        assert_eq!(layers.len(), 2);
        assert_eq!(Compression::of_file(&layers[1]), Some(Compression::Gzip));
        let name = format!("{}var/tmp/somewhere/outside", "../".repeat(CLIMB));
        assert!(names(&listing(&layers[1])).contains(&name));
        // skopeo passes the layer through unread into both archives.
        let docker = docker_archive(&image, scratch.path(), Some("evil:1"));
        let manifest = run(Command::new("tar")
            .arg("-xOf")
            .arg(&docker)
            .arg("manifest.json"));
        // "Layers":["HEX.tar","HEX.tar"]: the last one is the hostile layer.
        let layers = manifest.split("\"Layers\":[").nth(1).unwrap();
        let layers = &layers[..layers.find(']').unwrap()];
        let last = layers
            .split(',')
            .next_back()
            .unwrap()
            .trim_matches('"')
            .to_string();
        let layer = run(Command::new("sh")
            .arg("-c")
            .arg("tar -xOf \"$1\" \"$2\" | tar -tf -")
            .args(["sh", &docker.to_string_lossy(), &last]));
        assert!(layer.lines().any(|l| l == name), "{layer}");
        let oci = oci_archive(&image, scratch.path(), Some("evil:1"));
        assert!(inspect(&format!("oci-archive:{}", oci.display())).contains("\"Layers\""));
    }

    #[test]
    fn long_names_go_to_the_ustar_prefix() {
        let long = format!("{}/{}", "d".repeat(120), "f".repeat(90));
        assert_eq!(split_name(&long), (&long[..120], &long[121..]));
        assert_eq!(split_name("short"), ("", "short"));
        let mut tar = Tar::new();
        tar.file(&long, 0o600, b"x");
        let bytes = tar.finish();
        assert_eq!(bytes.len(), 512 * 4);
        assert_eq!(Compression::detect(&bytes), Some(Compression::Plain));
    }

    #[test]
    fn digests_are_read_from_the_value_of_their_key() {
        let d1 = format!("sha256:{}", "a".repeat(64));
        let d2 = format!("sha256:{}", "b".repeat(64));
        let d3 = format!("sha256:{}", "c".repeat(64));
        let json = format!(
            r#"{{"config":{{"digest":"{d1}"}},"layers":[{{"digest":"{d2}"}},{{"digest":"{d3}"}}]}}"#
        );
        assert_eq!(digests_in(&json, "config", '}'), [d1]);
        assert_eq!(digests_in(&json, "layers", ']'), [d2, d3]);
        assert!(digests_in(&json, "annotations", '}').is_empty());
    }
}
