//! Chapter 5, loading and saving: images from the archives the container world writes (docker
//! save, OCI archives and layouts, layers plain, gzip or zstd), every layer checked against its
//! digests, and archives written back that docker, podman and skopeo read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::images::{self, Compression, ImageConfig, OciImage, Tar};
use harness::{random, Failure, Output, Sandbox, Section, STORAGE_DRIVERS};

const CHECK: Section = Section::new(5, "Check the digests");
const ARCHIVES: Section = Section::new(5, "Archives: docker save and the OCI layout");
const MOUNT: Section = Section::new(5, "Mount the image");
const WHITEOUT: Section = Section::new(5, "Turn whiteouts into overlayfs's");
const ENTRY: Section = Section::new(5, "Find the entry's directory");

/// A three-layer image and what a container of it must print.
struct Layered {
    image: OciImage,
    expected: Vec<String>,
}

/// The sandbox's root filesystem, then a layer that adds `/etc/GONE` and `/DIR/old-*`, then a
/// layer that deletes `/etc/GONE` and makes `/DIR` opaque with one new file in it. Its CMD
/// prints `$VALUE` (from its ENV), its working directory (its WORKDIR), what `/DIR` holds, and
/// whether `/etc/GONE` is there.
fn layered(sb: &Sandbox) -> Layered {
    let (value, workdir) = (random::word(12), format!("/{}", random::name("work-")));
    let (gone, dir, new) = (
        random::name("gone-"),
        random::name("dir-"),
        random::name("new-"),
    );
    let script =
        format!("echo $VALUE; pwd; ls /{dir}; test -e /etc/{gone} && echo {gone} is back; true");
    let config = ImageConfig {
        cmd: vec!["sh".into(), "-c".into(), script],
        env: vec![format!("VALUE={value}"), "PATH=/bin:/usr/bin".into()],
        working_dir: Some(workdir.clone()),
        ..ImageConfig::default()
    };
    let base = images::oci_layout(&sb.rootfs(), sb.dir(), "base", &config);
    let layer = Tar::new()
        .dir("etc", 0o755)
        .file(&format!("etc/{gone}"), 0o644, b"deleted above\n")
        .dir(&dir, 0o755)
        .file(&format!("{dir}/old-1"), 0o644, b"1\n")
        .file(&format!("{dir}/old-2"), 0o644, b"2\n")
        .write(&sb.dir().join("middle.tar"), Compression::Plain);
    let middle = images::add_layer(&base, "middle", &layer);
    let image = images::two_layer_oci(
        &middle,
        "top",
        &format!("etc/{gone}"),
        &dir,
        &[(&new, "n\n")],
    );
    Layered {
        image,
        expected: vec![value, workdir, new],
    }
}

/// `minidock load -i ARCHIVE`, into a store emptied first.
fn load(sb: &Sandbox, archive: &Path) -> Output {
    let _ = std::fs::remove_dir_all(sb.state_dir().join("image"));
    sb.minidock(["load", "-i", &archive.display().to_string()])
        .output()
}

/// The name `load` says it gave, from its `Loaded image: NAME` line.
fn loaded_name(out: &Output) -> Option<String> {
    out.stdout
        .lines()
        .find_map(|line| line.strip_prefix("Loaded image: "))
        .map(str::to_string)
}

/// The layers in the sandbox's store, and what is left in its work directory.
fn store_contents(sb: &Sandbox) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let list = |dir: &str| -> Vec<PathBuf> {
        std::fs::read_dir(sb.state_dir().join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect()
    };
    (list("image/layers"), list("image/tmp"))
}

#[test]
fn an_image_loads_from_every_kind_of_archive() {
    let sb = Sandbox::new();
    let layered = layered(&sb);
    let name = format!("{}:{}", random::name("img-"), random::word(4));
    let kinds: Vec<(&str, PathBuf)> = vec![
        (
            "a docker save archive (plain layers)",
            images::docker_archive(&layered.image, sb.dir(), Some(&name)),
        ),
        (
            "an OCI archive (gzip layers)",
            images::oci_archive(&layered.image, sb.dir(), Some(&name)),
        ),
        (
            "an OCI layout directory (zstd layers)",
            images::recompress(&layered.image, sb.dir(), Compression::Zstd).layout,
        ),
        (
            "an OCI layout directory (gzip, zstd and plain layers)",
            images::mixed_compression(
                &layered.image,
                sb.dir(),
                &[Compression::Gzip, Compression::Zstd, Compression::Plain],
            )
            .layout,
        ),
    ];
    for (kind, archive) in kinds {
        let out = load(&sb, &archive);
        if out.status != Some(0) {
            let mismatch = out.stderr.contains("digest");
            Failure::new(format!("minidock load -i {}: {kind}", archive.display()))
                .expected_text("exit status 0, and Loaded image: NAME")
                .got_text(out.ending())
                .hint(if mismatch {
                    "a layer was refused for its digest: the blob digest is over the bytes as shipped (compressed), the diff id over the tar stream inside them; hash each where it is"
                } else {
                    "read the archive's index (manifest.json or index.json), then each layer, plain, gzip or zstd"
                })
                .output(&out)
                .section(if mismatch { CHECK } else { ARCHIVES })
                .fail();
        }
        // An OCI layout names its image by its tag in index.json.
        let loaded = loaded_name(&out).unwrap_or_else(|| layered.image.tag.clone());
        for driver in STORAGE_DRIVERS {
            let run = sb
                .minidock(["--storage-driver", driver, "run", "--rm", &loaded])
                .output();
            check_run(
                &run,
                &layered,
                &format!("{loaded}, loaded from {kind}, on the {driver} driver"),
            );
        }
    }
}

/// Checks that a container of the image `layered` printed what the image says.
fn check_run(run: &Output, layered: &Layered, what: &str) {
    let lines: Vec<&str> = run.stdout.lines().collect();
    if lines != layered.expected {
        let (section, hint) = if run.stdout.contains("is back") || run.stdout.contains("old-") {
            (WHITEOUT, "a deletion in an upper layer hides the lower file; an opaque directory hides everything the lower layers have in it")
        } else if run.status == Some(0) {
            (MOUNT, "the image's three layers are stacked, the topmost first in lowerdir: the top layer's changes win")
        } else {
            (
                ENTRY,
                "the container did not run the image's command: look at its output",
            )
        };
        Failure::new(format!("minidock run {what}"))
            .expected_text(layered.expected.join(", "))
            .got_text(lines.join(", "))
            .hint(hint)
            .output(run)
            .section(section)
            .fail();
    }
}

#[test]
fn a_doctored_archive_is_refused() {
    let sb = Sandbox::new();
    let image = images::oci_layout(&sb.rootfs(), sb.dir(), "doctored", &ImageConfig::default());
    // The same layer, compressed again: the same tar stream (the diff id holds), other bytes
    // than the manifest's digest says.
    let blob = image.layers().remove(0);
    let original = std::fs::read(&blob).unwrap();
    let tar = images::compress("gzip", &["-d", "-c"], &original);
    let mut again = images::compress("gzip", &["-1", "-n", "-c"], &tar);
    if again == original {
        again = images::compress("gzip", &["-9", "-n", "-c"], &tar);
    }
    images::replace_file(&blob, &again);
    // A docker archive whose layer was swapped for another one, with one more file.
    let sneaked = random::name("sneaked-");
    let healthy = images::oci_layout(&sb.rootfs(), sb.dir(), "healthy", &ImageConfig::default());
    let archive = images::docker_archive(&healthy, sb.dir(), Some("swapped"));
    let other = Tar::new()
        .tree(&sb.rootfs())
        .file(&format!("etc/{sneaked}"), 0o644, b"not from the image\n")
        .finish();
    images::rewrite_archive(&archive, |dir| {
        let layer = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "tar"))
            .expect("a layer in the docker archive");
        images::replace_file(&layer, &other);
    });
    let cases = [
        (
            image.layout.clone(),
            "an OCI layout whose layer blob was recompressed: the same files, other bytes than its digest in the manifest",
            "the bytes as shipped are hashed too, before decompressing, and compared with the manifest's digest of the layer",
        ),
        (
            archive,
            "a docker archive whose layer was swapped for another tar stream (docker archives give no blob digest)",
            "the uncompressed tar stream is hashed as it is extracted and compared with the config's rootfs.diff_ids entry",
        ),
    ];
    for (path, what, hint) in cases {
        let out = load(&sb, &path);
        let (layers, tmp) = store_contents(&sb);
        let listed = sb.minidock(["images", "-q"]).output();
        if out.status == Some(0)
            || !layers.is_empty()
            || !tmp.is_empty()
            || !listed.stdout.trim().is_empty()
        {
            Failure::new(format!("minidock load -i {}: {what}", path.display()))
                .expected_text("refused with one line naming the layer and its digests; no layer, no image, nothing in the store's tmp/")
                .got_text(format!(
                    "{}; layers {layers:?}; tmp {tmp:?}; images {:?}",
                    out.ending(),
                    listed.stdout.trim()
                ))
                .hint(hint)
                .output(&out)
                .section(CHECK)
                .fail();
        }
    }
    let sneaked_anywhere = walk(&sb.state_dir())
        .into_iter()
        .any(|p| p.ends_with(&sneaked));
    if sneaked_anywhere {
        Failure::new("the store after refusing a swapped layer")
            .expected_text(format!("no etc/{sneaked} anywhere under the state root"))
            .got_text("the swapped layer's file is there")
            .hint("a refused layer is extracted into the store's tmp/ only, and removed with it")
            .section(CHECK)
            .fail();
    }
}

/// Every path under `dir`, not following links.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                todo.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

#[test]
fn an_image_of_120_layers_runs_with_its_layers_in_order() {
    let sb = Sandbox::new();
    let n = 120;
    let image = images::many_layers(&sb.rootfs(), sb.dir(), &random::name("many-"), n);
    let out = load(&sb, &image.layout);
    out.expect_status(0, ARCHIVES).what(format!(
        "minidock load -i {} ({n} layers)",
        image.layout.display()
    ));
    let run = sb
        .minidock([
            "run",
            "--rm",
            &image.tag,
            "sh",
            "-c",
            "cat /layers/top; ls /layers | wc -l",
        ])
        .output();
    let lines: Vec<&str> = run.stdout.split_whitespace().collect();
    let expected = [n.to_string(), (n + 1).to_string()];
    if lines != expected {
        let hint = if lines.first() == Some(&"1") {
            "/layers/top comes from the bottom layer: lowerdir lists the topmost layer first"
        } else if run.stderr.contains("mount") {
            "the mount's options must fit in one page (4096 bytes): the layers' short names, relative to the store's directory, keep them short"
        } else {
            "every layer is a lower directory of the overlay, the topmost first"
        };
        Failure::new(format!(
            "minidock run {}: cat /layers/top (each layer i writes i there) and the count of /layers",
            image.tag
        ))
        .expected_text(format!("{n} (the top layer's), and {} entries", n + 1))
        .got_text(run.ending())
        .hint(hint)
        .output(&run)
        .section(MOUNT)
        .fail();
    }
}

#[test]
fn two_loads_of_one_archive_at_once_leave_one_image() {
    let sb = Sandbox::new();
    let name = format!("{}:{}", random::name("par-"), random::word(3));
    let image = images::oci_layout(&sb.rootfs(), sb.dir(), "par", &ImageConfig::default());
    let archive = images::docker_archive(&image, sb.dir(), Some(&name));
    let path = archive.display().to_string();
    let loads: Vec<_> = (0..2)
        .map(|_| sb.minidock(["load", "-i", &path]).spawn())
        .collect();
    for running in loads {
        let out = running.finish_within(Duration::from_secs(60));
        out.expect_status(0, ARCHIVES)
            .what(format!("one of two minidock load -i {path} at once"));
    }
    let (layers, tmp) = store_contents(&sb);
    let ids = sb.minidock(["images", "-q", "--no-trunc"]).output();
    let ids: Vec<&str> = ids.stdout.lines().collect();
    if layers.len() != 1 || !tmp.is_empty() || ids.len() != 1 {
        Failure::new(format!("the store after two loads at once of {path}"))
            .expected_text("one layer, one image, nothing left in tmp/")
            .got_text(format!("layers {layers:?}, images {ids:?}, tmp {tmp:?}"))
            .hint("each load extracts into its own work directory; the store takes a layer (a rename) and names an image under its lock, and a layer it has already is not taken twice")
            .section(ARCHIVES)
            .fail();
    }
    let out = sb.minidock(["run", "--rm", &name, "true"]).output();
    out.expect_status(0, MOUNT)
        .what(format!("minidock run {name} true, after the two loads"));
}

#[test]
fn a_saved_image_is_what_skopeo_reads_and_loads_back_the_same() {
    let sb = Sandbox::new();
    let layered = layered(&sb);
    let name = format!("{}:{}", random::name("saved-"), random::word(4));
    let out = load(
        &sb,
        &images::oci_archive(&layered.image, sb.dir(), Some(&name)),
    );
    out.expect_status(0, ARCHIVES)
        .what("minidock load of a three-layer OCI archive");
    // The store holds this one image.
    let id = sb.minidock(["images", "-q", "--no-trunc"]).output();
    let id = id.stdout.trim().to_string();
    let saved = sb.dir().join(format!("{}.tar", random::name("saved-")));
    let out = sb
        .minidock(["save", "-o", &saved.display().to_string(), &name])
        .output();
    out.expect_status(0, ARCHIVES)
        .what(format!("minidock save -o {} {name}", saved.display()));
    let reference = format!("docker-archive:{}", saved.display());
    let (config, layers) = images::skopeo_manifest(sb.dir(), &reference);
    if layers.len() != 3 || config != id {
        Failure::new(format!("skopeo inspect --raw {reference}"))
            .expected_text(format!("the image {id}, with 3 layers"))
            .got_text(format!("the config {config:?}, layers {layers:?}"))
            .hint("save writes each image's config as stored (its digest is the id), and each layer's tar stream as it came")
            .section(ARCHIVES)
            .fail();
    }
    let out = load(&sb, &saved);
    let again = sb.minidock(["images", "-q", "--no-trunc"]).output();
    if out.status != Some(0) || again.stdout.trim() != id {
        Failure::new(format!("minidock load -i {} of what save wrote", saved.display()))
            .expected_text(format!("{name} again, with the same id {id}"))
            .got_text(format!("{}; id {:?}", out.ending(), again.stdout.trim()))
            .hint("an image that goes out through save and back through load is the same image: same config bytes, same layers")
            .output(&out)
            .section(ARCHIVES)
            .fail();
    }
    let run = sb.minidock(["run", "--rm", &name]).output();
    let lines: Vec<&str> = run.stdout.lines().collect();
    if lines != layered.expected {
        Failure::new(format!("minidock run {name}, saved and loaded back"))
            .expected_text(layered.expected.join(", "))
            .got_text(lines.join(", "))
            .output(&run)
            .section(ARCHIVES)
            .fail();
    }
}
