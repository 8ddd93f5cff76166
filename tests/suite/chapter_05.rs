//! Chapter 5, "Images on overlayfs": a root filesystem tarball becomes an image in minidock's
//! store, its layer extracted safely; a container of it runs on an overlay of its own, sees the
//! image's config applied, and leaves the image as it found it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::images::{Compression, Tar};
use harness::{random, Failure, Output, Sandbox, Section, STORAGE_DRIVERS};

const MOUNT: Section = Section::new(5, "Mount the image");
const IMAGE: Section = Section::new(5, "What an image is");
const ENTRY: Section = Section::new(5, "Find the entry's directory");
const WHITEOUT: Section = Section::new(5, "Turn whiteouts into overlayfs's");

/// How long a command that should be running by now may take to say so.
const START: Duration = Duration::from_secs(10);

/// A tarball of the sandbox's root filesystem, at `name` in the sandbox's directory.
fn rootfs_tarball(sb: &Sandbox, name: &str) -> PathBuf {
    Tar::new()
        .tree(&sb.rootfs())
        .write(&sb.dir().join(name), Compression::Plain)
}

/// `minidock import` of `tarball` as `name`, with `changes` (`--change`), which must succeed.
#[track_caller]
fn import(sb: &Sandbox, tarball: &Path, name: &str, changes: &[String]) -> Output {
    let mut args = vec!["import".to_string()];
    for change in changes {
        args.push("--change".into());
        args.push(change.clone());
    }
    args.push(tarball.display().to_string());
    args.push(name.to_string());
    sb.minidock(args).output()
}

/// The directories of the layers in the sandbox's store, extracted (each layer's `diff`).
fn stored_layers(sb: &Sandbox) -> Vec<PathBuf> {
    std::fs::read_dir(sb.state_dir().join("image/layers"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("diff"))
        .collect()
}

/// Why a container of an image does not run its command: the layer was extracted wrong, or it
/// was not mounted.
fn why_no_command(sb: &Sandbox) -> (Section, String) {
    let layers = stored_layers(sb);
    let extracted = layers.iter().any(|layer| layer.join("bin/sh").exists());
    if layers.is_empty() {
        (ENTRY, "the store holds no layer: the import failed".into())
    } else if !extracted {
        (
            ENTRY,
            format!(
                "the layer in the store, {}, has no bin/sh: its entries were not made in their directories",
                layers[0].display()
            ),
        )
    } else {
        (
            MOUNT,
            "the layer is in the store, but the container's root is empty: its overlay is not mounted at the root's path before the pivot".into(),
        )
    }
}

// The tests that run a container of an image run it with each storage driver, in a sandbox of
// its own: a report names the driver.

#[test]
fn an_imported_image_runs_with_its_config() {
    for driver in STORAGE_DRIVERS {
        runs_with_its_config(Sandbox::with_driver(driver));
    }
}

fn runs_with_its_config(sb: Sandbox) {
    let tarball = rootfs_tarball(&sb, "rootfs.tgz");
    let (name, value, dir) = (
        format!("{}:{}", random::name("img-"), random::word(5)),
        random::word(10),
        format!("/{}", random::name("work-")),
    );
    let changes = [
        format!("ENV GREETING={value}"),
        format!("WORKDIR {dir}"),
        r#"CMD ["sh", "-c", "echo $GREETING; pwd"]"#.to_string(),
    ];
    let out = import(&sb, &tarball, &name, &changes);
    let id = out.stdout.trim().to_string();
    if out.status != Some(0) || !id.starts_with("sha256:") || id.len() != 71 {
        let (section, hint) = why_no_command(&sb);
        Failure::new(format!("minidock import {} {name}", tarball.display()))
            .expected_text(
                "exit status 0, and the new image's id on stdout: sha256: and 64 hex digits",
            )
            .got_text(out.ending())
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    let out = sb.minidock(["run", "--rm", &name]).output();
    if out.stdout.lines().collect::<Vec<_>>() != [value.as_str(), dir.as_str()] {
        let (section, hint) = if out.status == Some(127) || out.status == Some(125) {
            why_no_command(&sb)
        } else {
            (
                MOUNT,
                "the image's CMD, ENV and WORKDIR apply when the command line gives none".into(),
            )
        };
        Failure::new(format!(
            "minidock run {name}, an image whose CMD prints $GREETING and the working directory"
        ))
        .expected_text(format!("{value}, then {dir}"))
        .got_text(out.ending())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
}

#[test]
fn the_image_and_the_command_line_combine_as_docker_combines_them() {
    let sb = Sandbox::new();
    let tarball = rootfs_tarball(&sb, "rootfs.tgz");
    let (name, default, given, image_value, cli_value) = (
        random::name("img-"),
        random::word(8),
        random::word(8),
        random::word(8),
        random::word(8),
    );
    let dir = format!("/{}", random::name("work-"));
    // The entrypoint prints its first argument (the command, or the image's CMD), $VALUE and
    // the working directory.
    let changes = [
        format!("ENV VALUE={image_value}"),
        format!("WORKDIR {dir}"),
        r#"ENTRYPOINT ["sh", "-c", "echo $0 $VALUE $(pwd)"]"#.to_string(),
        format!(r#"CMD ["{default}"]"#),
    ];
    import(&sb, &tarball, &name, &changes).expect_status(0, ENTRY);
    let env = format!("VALUE={cli_value}");
    let cases: [(Vec<&str>, String, &str); 4] = [
        (
            vec![],
            format!("{default} {image_value} {dir}"),
            "with nothing on the command line, the image's ENTRYPOINT runs with its CMD",
        ),
        (
            vec![&given],
            format!("{given} {image_value} {dir}"),
            "a command after the image replaces its CMD, and is given to its ENTRYPOINT",
        ),
        (
            vec!["-e", &env, "-w", "/tmp", "--"],
            format!("{default} {cli_value} /tmp"),
            "-e overrides the image's variable of the same name; -w its WORKDIR",
        ),
        (
            vec!["--entrypoint", "echo", "--", &given],
            given.clone(),
            "--entrypoint replaces the image's ENTRYPOINT, and drops its CMD",
        ),
    ];
    for (options, expected, hint) in cases {
        // Options go before the image; what follows it is the command.
        let (before, after): (Vec<&str>, Vec<&str>) = match options.iter().position(|o| *o == "--")
        {
            Some(at) => (options[..at].to_vec(), options[at + 1..].to_vec()),
            None => (Vec::new(), options.clone()),
        };
        let mut args = vec!["run", "--rm"];
        args.extend(&before);
        args.push(&name);
        args.extend(&after);
        let out = sb.minidock(&args).output();
        if out.stdout.trim() != expected {
            let (section, hint) = if out.status == Some(127) || out.status == Some(125) {
                why_no_command(&sb)
            } else {
                (IMAGE, hint.to_string())
            };
            Failure::new(format!(
                "minidock {}, an image with ENTRYPOINT [\"sh\", \"-c\", \"echo $0 $VALUE $(pwd)\"], CMD [\"{default}\"], ENV VALUE={image_value}, WORKDIR {dir}",
                args.join(" ")
            ))
            .expected_text(&expected)
            .got_text(out.ending())
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
        }
    }
}

#[test]
fn writes_land_in_the_container_not_in_the_image() {
    for driver in STORAGE_DRIVERS {
        writes_land_in_the_container(Sandbox::with_driver(driver));
    }
}

/// The directory of a container (under ROOT/containers/ID/) that holds what it writes: overlay's
/// upper, or vfs's copy.
fn writable_dir(sb: &Sandbox) -> &'static str {
    match sb.driver() {
        Some("vfs") => "rootfs",
        _ => "diff",
    }
}

fn writes_land_in_the_container(sb: Sandbox) {
    let tarball = rootfs_tarball(&sb, "rootfs.tgz");
    let name = random::name("img-");
    import(&sb, &tarball, &name, &[]).expect_status(0, ENTRY);
    let file = format!("/etc/{}", random::name("written-"));
    // The command writes a file, says so, and waits for its stdin to close.
    let script = format!("echo mine > {file} && echo ready; read line; cat {file}");
    let mut running = sb
        .minidock(["run", "--rm", &name, "sh", "-c", &script])
        .spawn();
    let started = running.wait_for_line("ready", START);
    let containers = sb.state_dir().join("containers");
    let uppers: Vec<PathBuf> = std::fs::read_dir(&containers)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join(writable_dir(&sb)))
        .collect();
    let in_upper = uppers
        .iter()
        .any(|upper| upper.join(file.trim_start_matches('/')).exists());
    let in_layer = stored_layers(&sb)
        .iter()
        .any(|layer| layer.join(file.trim_start_matches('/')).exists());
    running.close_stdin();
    let out = running.finish();
    if started.is_none() {
        let (section, hint) = if out.stderr.contains("Read-only file system") {
            (
                MOUNT,
                "the container's root is read-only: an overlay takes writes only with an upperdir (and its workdir)".to_string(),
            )
        } else {
            why_no_command(&sb)
        };
        Failure::new(format!("a container of {name} writing {file}"))
            .expected_text("the write succeeds and the command says ready")
            .got_text(out.ending())
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    if in_layer || !in_upper {
        Failure::new(format!(
            "where {file}, written by a running container, is on the host"
        ))
        .expected_text(format!(
            "in the container's own directory ({}/ID/{}), not in the image's layer",
            containers.display(),
            writable_dir(&sb)
        ))
        .got_text(match (in_layer, in_upper) {
            (true, _) => "in the image's layer: every container of the image would see it",
            _ => "in no container's upper directory",
        })
        .hint("lowerdir is the image's layers, read-only; upperdir is the container's own directory, where overlayfs puts every file the container writes")
        .output(&out)
        .section(MOUNT)
        .fail();
    }
    // The next container of the image starts from the image, not from the last one's changes.
    let again = sb
        .minidock([
            "run",
            "--rm",
            &name,
            "sh",
            "-c",
            &format!("cat {file} || echo absent"),
        ])
        .output();
    again
        .expect_stdout("absent", MOUNT)
        .what(format!("a second container of {name}, reading {file}"))
        .hint("each container gets an upper directory of its own, empty at its start, removed at its end");
    let left: Vec<PathBuf> = std::fs::read_dir(&containers)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    if !left.is_empty() {
        Failure::new("the containers' directories, once both ended")
            .expected_text("none left")
            .got_text(format!("{left:?}"))
            .output(&again)
            .section(MOUNT)
            .fail();
    }
}

#[test]
fn a_hostile_layer_writes_nothing_outside_it() {
    let sb = Sandbox::new();
    let outside = sb.dir().join(random::name("outside-"));
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret");
    std::fs::write(&secret, "the host's").unwrap();
    let planted = random::name("planted-");
    let link = random::name("link-");
    let up = "../".repeat(24);
    let cases: [(&str, Tar); 4] = [
        (
            "a symbolic link to a directory of the host, then a file below it",
            Tar::new()
                .symlink(&link, &outside.display().to_string())
                .file(&format!("{link}/{planted}"), 0o644, b"planted")
                .clone(),
        ),
        (
            "a name that climbs out with ..",
            Tar::new()
                .file(
                    &format!(
                        "{up}{}/{planted}",
                        outside.display().to_string().trim_start_matches('/')
                    ),
                    0o644,
                    b"planted",
                )
                .clone(),
        ),
        (
            "a symbolic link to a directory of the layer itself, then a file below it",
            Tar::new()
                .dir("usr", 0o755)
                .symlink(&link, "usr")
                .file(&format!("{link}/{planted}"), 0o644, b"planted")
                .clone(),
        ),
        (
            "a hard link to a file of the host",
            Tar::new()
                .hardlink(&planted, &secret.display().to_string())
                .clone(),
        ),
    ];
    for (what, archive) in cases {
        let tarball = archive.write(&sb.dir().join(random::name("hostile-")), Compression::Plain);
        let name = random::name("hostile-");
        let out = import(&sb, &tarball, &name, &[]);
        let written: Vec<String> = std::fs::read_dir(&outside)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "secret")
            .collect();
        let linked =
            std::os::unix::fs::MetadataExt::nlink(&std::fs::metadata(&secret).unwrap()) > 1;
        if !written.is_empty() || linked {
            Failure::new(format!("importing a layer with {what}"))
                .expected_text(format!("nothing written in {}", outside.display()))
                .got_text(if linked {
                    "the host's file got a second name, in the layer".to_string()
                } else {
                    format!("{written:?} written there")
                })
                .hint("every entry is made relative to a descriptor of its directory, found inside the layer by openat2(2) with RESOLVE_IN_ROOT and RESOLVE_NO_SYMLINKS: never through a path the host resolves, which follows the layer's links out")
                .output(&out)
                .section(ENTRY)
                .fail();
        }
        if out.status != Some(1) || out.stderr.lines().count() != 1 {
            Failure::new(format!("importing a layer with {what}"))
                .expected_text("refused: exit status 1, as docker import's, and one line saying which entry")
                .got_text(out.ending())
                .hint("a symbolic link on the way to an entry is refused, not followed, wherever it points; a hard link must name a file of the layer")
                .output(&out)
                .section(ENTRY)
                .fail();
        }
        let left = stored_layers(&sb);
        let tmp: Vec<PathBuf> = std::fs::read_dir(sb.state_dir().join("image/tmp"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        if !left.is_empty() || !tmp.is_empty() {
            Failure::new(format!("the image store after a refused import of {what}"))
                .expected_text("no layer, and nothing in its tmp directory")
                .got_text(format!("layers {left:?}, tmp {tmp:?}"))
                .output(&out)
                .section(ENTRY)
                .fail();
        }
    }
}

#[test]
fn deleted_files_stay_deleted() {
    for driver in STORAGE_DRIVERS {
        deletions_apply(Sandbox::with_driver(driver));
    }
}

fn deletions_apply(sb: Sandbox) {
    // The sandbox's root filesystem, with a layer's deletions added to it: a file and a
    // directory's whole content.
    let (kept, gone, dir) = (
        random::name("kept-"),
        random::name("gone-"),
        random::name("opaque-"),
    );
    let tarball = Tar::new()
        .tree(&sb.rootfs())
        .file(&format!("etc/{kept}"), 0o644, b"")
        .file(&format!("etc/.wh.{gone}"), 0o644, b"")
        .dir(&dir, 0o755)
        .file(&format!("{dir}/.wh..wh..opq"), 0o644, b"")
        .write(&sb.dir().join("layer.tar"), Compression::Plain);
    let name = random::name("img-");
    import(&sb, &tarball, &name, &[]).expect_status(0, WHITEOUT);
    let script = format!("ls -a /etc /{dir}; test -e /etc/{gone} && echo {gone} is there");
    let out = sb
        .minidock(["run", "--rm", &name, "sh", "-c", &script])
        .output();
    let shown: Vec<&str> = out
        .stdout
        .split_whitespace()
        .filter(|word| word.contains(".wh.") || word.contains(&gone))
        .collect();
    if !out.stdout.contains(&kept) {
        let (section, hint) = why_no_command(&sb);
        Failure::new(format!(
            "ls of the container's /etc, in an image with /etc/{kept}"
        ))
        .expected_text(format!("{kept} among the files"))
        .got_text(out.ending())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
    // With one layer, an opaque directory hides nothing the container could see: the mark itself
    // is looked for in the stored layer.
    let opaque = stored_layers(&sb).iter().any(|layer| {
        xattr(&layer.join(&dir), "trusted.overlay.opaque").as_deref() == Some(&b"y"[..])
    });
    if shown.is_empty() && !opaque {
        Failure::new(format!("the attributes of /{dir} in the stored layer, made opaque by .wh..wh..opq"))
            .expected_text("trusted.overlay.opaque = y, which tells overlayfs to show nothing of the layers below it")
            .got_text("no such attribute")
            .hint("the opaque marker is no file to keep nor to drop: it becomes an attribute of its directory, set with fsetxattr(2) on a descriptor of the directory itself (not an O_PATH one)")
            .output(&out)
            .section(WHITEOUT)
            .fail();
    }
    if !shown.is_empty() {
        Failure::new(format!(
            "a container of a layer that deletes /etc/{gone} (.wh.{gone}) and empties /{dir} (.wh..wh..opq)"
        ))
        .expected_text(format!("neither {gone} nor a .wh. name in the container"))
        .got_text(shown.join(" "))
        .hint("a .wh.NAME entry becomes a character device 0/0 named NAME, which overlayfs reads as \"deleted\"; .wh..wh..opq becomes the attribute trusted.overlay.opaque=y of its directory; neither marker is kept as a file")
        .output(&out)
        .section(WHITEOUT)
        .fail();
    }
}

/// The value of the extended attribute `name` of `path`, not following a last symbolic link.
fn xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let name = std::ffi::CString::new(name).ok()?;
    let mut value = [0u8; 64];
    // SAFETY: NUL-terminated path and name, and a buffer of the length given.
    let n = unsafe {
        libc::lgetxattr(
            path.as_ptr(),
            name.as_ptr(),
            value.as_mut_ptr().cast(),
            value.len(),
        )
    };
    (n >= 0).then(|| value[..n as usize].to_vec())
}

#[path = "chapter_05/commands.rs"]
mod commands;
#[path = "chapter_05/drivers.rs"]
mod drivers;
#[path = "chapter_05/load.rs"]
mod load;
