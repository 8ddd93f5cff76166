//! Chapter 5's image commands, as docker has them: `tag` gives an image one more name, `rmi`
//! removes names, then images, then the layers no image uses, and refuses an image a container
//! uses; `image inspect` and `history` tell what the store knows; `image prune` removes the
//! images without a name.

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::images::{Compression, Tar};
use harness::{random, Failure, Output, Sandbox, Section};

const NAMES: Section = Section::new(5, "Naming, inspecting and removing images");
const ENTRY: Section = Section::new(5, "Find the entry's directory");

/// How long a container that should be running by now may take to say so.
const START: Duration = Duration::from_secs(10);

/// A tarball of the sandbox's root filesystem with one file of random content more (so that
/// each call makes another layer), at `name` in the sandbox's directory; and its digest, which
/// is the layer's diff id.
fn tarball(sb: &Sandbox, name: &str) -> (PathBuf, String) {
    let path = Tar::new()
        .tree(&sb.rootfs())
        .file(
            &random::name("etc/marker-"),
            0o644,
            random::word(16).as_bytes(),
        )
        .write(&sb.dir().join(name), Compression::Plain);
    let out = std::process::Command::new("sha256sum")
        .arg(&path)
        .output()
        .expect("running sha256sum");
    let hex = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("sha256sum prints the digest")
        .to_string();
    (path, format!("sha256:{hex}"))
}

/// `minidock import [--change C]... TARBALL [NAME]`, which must succeed and make a layer whose
/// files are in their directories; returns the image's id.
#[track_caller]
fn import(sb: &Sandbox, tarball: &Path, name: Option<&str>, changes: &[&str]) -> String {
    let mut options = Vec::new();
    for change in changes {
        options.extend(["--change", change]);
    }
    import_with(sb, &options, tarball, name)
}

/// `minidock import OPTIONS... TARBALL [NAME]`, as `import`.
#[track_caller]
fn import_with(sb: &Sandbox, options: &[&str], tarball: &Path, name: Option<&str>) -> String {
    let mut args: Vec<String> = std::iter::once("import")
        .chain(options.iter().copied())
        .map(str::to_string)
        .collect();
    args.push(tarball.display().to_string());
    args.extend(name.map(str::to_string));
    let out = sb.minidock(&args).output();
    let id = out.stdout.trim().to_string();
    let layers = stored_layers(sb);
    let whole = layers
        .iter()
        .any(|l| sb.state_dir().join(l).join("diff/bin/sh").exists());
    if out.status != Some(0) || !whole {
        Failure::new(format!("minidock {}", args.join(" ")))
            .expected_text("exit status 0, and a layer in the store with bin/sh in its place")
            .got_text(format!("{}; layers: {layers:?}", out.ending()))
            .hint("the image commands need images: the layer's entries must be made in their directories first")
            .output(&out)
            .section(ENTRY)
            .fail();
    }
    id
}

/// The layers in the store, as `image/layers/<hex>` relative to the state directory.
fn stored_layers(sb: &Sandbox) -> Vec<String> {
    let mut layers: Vec<String> = std::fs::read_dir(sb.state_dir().join("image/layers"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| format!("image/layers/{}", e.file_name().to_string_lossy()))
        .collect();
    layers.sort();
    layers
}

/// Whether the store holds the layer `diff_id` (`sha256:HEX`).
fn has_layer(sb: &Sandbox, diff_id: &str) -> bool {
    let hex = diff_id.trim_start_matches("sha256:");
    sb.state_dir().join("image/layers").join(hex).exists()
}

/// `minidock image inspect -f TEMPLATE IMAGE`.
fn inspect(sb: &Sandbox, template: &str, image: &str) -> Output {
    sb.minidock(["image", "inspect", "-f", template, image])
        .output()
}

/// Fails, with `out`, unless `met`.
#[track_caller]
fn check(met: bool, what: &str, expected: &str, out: &Output, hint: &str) {
    if !met {
        Failure::new(what)
            .expected_text(expected)
            .got_text(out.ending())
            .hint(hint)
            .output(out)
            .section(NAMES)
            .fail();
    }
}

#[test]
fn a_tag_is_one_more_name_for_the_same_image() {
    let sb = Sandbox::new();
    let (tar, _) = tarball(&sb, "rootfs.tar");
    let word = random::word(10);
    let (first, second) = (
        random::name("img-"),
        format!("{}:{}", random::name("other-"), random::word(4)),
    );
    let cmd = format!(r#"CMD ["echo", "{word}"]"#);
    let id = import(&sb, &tar, Some(&first), &[&cmd]);
    let out = sb.minidock(["tag", &first, &second]).output();
    out.expect_status(0, NAMES);
    let out = sb.minidock(["run", "--rm", &second]).output();
    out.expect_stdout(&word, NAMES).what(format!(
        "minidock run {second}, the image's new name: its CMD echoes {word}"
    ));
    let out = inspect(&sb, "{{.Id}}", &second);
    out.expect_stdout(&id, NAMES)
        .what("the id of the image the new name points at")
        .hint("a tag is a pointer to the same image, not a copy");
    let out = sb
        .minidock(["tag", &random::name("nosuch-"), &random::name("x-")])
        .output();
    check(
        out.status == Some(1) && out.stderr.contains("No such image"),
        "minidock tag NOSUCH X",
        "exit status 1, and docker's \"No such image: NOSUCH:latest\"",
        &out,
        "tag names an image that exists",
    );
}

#[test]
fn rmi_of_one_name_keeps_the_image_for_the_other() {
    let sb = Sandbox::new();
    let (tar, layer) = tarball(&sb, "rootfs.tar");
    let (first, second) = (random::name("img-"), random::name("img-"));
    import(&sb, &tar, Some(&first), &[]);
    sb.minidock(["tag", &first, &second])
        .output()
        .expect_status(0, NAMES);
    let out = sb.minidock(["rmi", &first]).output();
    out.expect_stdout(&format!("Untagged: {first}:latest"), NAMES)
        .what(format!("minidock rmi {first}, while {second} names the same image"))
        .hint("only the name goes while another name points at the image: docker prints `Untagged: NAME:TAG`");
    let out = sb.minidock(["run", "--rm", &second, "true"]).output();
    check(
        out.status == Some(0) && has_layer(&sb, &layer),
        &format!("minidock run {second} true, after rmi {first}"),
        "exit status 0: the image and its layer are still there",
        &out,
        "an image goes with its last name, not its first",
    );
    let out = sb.minidock(["rmi", &first]).output();
    check(
        out.status == Some(1) && out.stderr.contains(&format!("No such image: {first}")),
        &format!("minidock rmi {first}, a second time"),
        &format!("exit status 1, and docker's \"No such image: {first}\""),
        &out,
        "a name removed is no more",
    );
}

#[test]
fn rmi_removes_the_layers_no_image_uses_and_keeps_a_shared_one() {
    let sb = Sandbox::new();
    let (shared_tar, shared) = tarball(&sb, "shared.tar");
    let (own_tar, own) = tarball(&sb, "own.tar");
    let (a, b, c) = (random::name("a-"), random::name("b-"), random::name("c-"));
    // Two images of one tarball (they differ by their config) share its layer.
    import(&sb, &shared_tar, Some(&a), &["ENV WHO=a"]);
    import(&sb, &shared_tar, Some(&b), &["ENV WHO=b"]);
    let c_id = import(&sb, &own_tar, Some(&c), &[]);
    let out = sb.minidock(["rmi", &c]).output();
    let expected = [
        format!("Untagged: {c}:latest"),
        format!("Deleted: {c_id}"),
        format!("Deleted: {own}"),
    ];
    check(
        out.status == Some(0)
            && out.stdout.lines().collect::<Vec<_>>() == expected
            && !has_layer(&sb, &own),
        &format!("minidock rmi {c}, the only image of its layer"),
        &format!("exit status 0, the lines {expected:?}, and the layer {own} gone from the store"),
        &out,
        "an image's last name gone, the image goes, and with it the layers no other image lists",
    );
    let out = sb.minidock(["rmi", &a]).output();
    check(
        out.status == Some(0) && has_layer(&sb, &shared) && !out.stdout.contains(&shared),
        &format!("minidock rmi {a}, whose layer {b} uses too"),
        "exit status 0, and the shared layer still in the store",
        &out,
        "a layer is shared: it goes with the last image that lists it, not the first",
    );
    sb.minidock(["run", "--rm", &b, "true"])
        .output()
        .expect_status(0, NAMES)
        .what(format!(
            "minidock run {b} true, after rmi {a}: the shared layer must still be whole"
        ));
    let out = sb.minidock(["rmi", &b]).output();
    check(
        out.status == Some(0) && !has_layer(&sb, &shared) && stored_layers(&sb).is_empty(),
        &format!("minidock rmi {b}, the last image of the shared layer"),
        "exit status 0, and no layer left in the store",
        &out,
        "the last image of a layer takes it along",
    );
    let leftovers: Vec<_> = std::fs::read_dir(sb.state_dir().join("image/tmp"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    check(
        leftovers.is_empty(),
        "the store's tmp/ after the removals",
        "empty: a layer is renamed there, then deleted",
        &out,
        "what is moved into a work directory to be deleted must be deleted",
    );
}

#[test]
fn rmi_refuses_an_image_a_running_container_uses() {
    let sb = Sandbox::new();
    let (tar, layer) = tarball(&sb, "rootfs.tar");
    let name = random::name("img-");
    let id = import(&sb, &tar, Some(&name), &[]);
    let short: String = id.chars().skip("sha256:".len()).take(12).collect();
    let mut running = sb
        .minidock([
            "run",
            "--rm",
            &name,
            "sh",
            "-c",
            "echo ready; read line; exit 0",
        ])
        .spawn();
    running
        .expect_line("ready", START, NAMES)
        .what(format!("a container of {name}, started to use it"));
    let out = sb.minidock(["rmi", &name]).output();
    check(
        out.status == Some(1)
            && out.stderr.contains(&format!("conflict: unable to remove repository reference \"{name}\" (must force)"))
            && has_layer(&sb, &layer),
        &format!("minidock rmi {name}, while a container of it runs"),
        "exit status 1, docker's \"conflict: unable to remove repository reference ... (must force)\", and the image kept",
        &out,
        "a container records its image in its directory; rmi reads those records before it removes",
    );
    let out = sb.minidock(["rmi", "-f", &id]).output();
    check(
        out.status == Some(1)
            && out.stderr.contains(&format!("conflict: unable to delete {short} (cannot be forced) - image is being used by running container")),
        &format!("minidock rmi -f {id}, while a container of it runs"),
        "exit status 1, and docker's \"conflict: unable to delete ID (cannot be forced) - image is being used by running container ...\"",
        &out,
        "even -f does not remove an image a running container uses",
    );
    let out = sb.minidock(["rmi", "-f", &name]).output();
    check(
        out.status == Some(0)
            && out.stdout.trim() == format!("Untagged: {name}:latest")
            && has_layer(&sb, &layer),
        &format!("minidock rmi -f {name}, while a container of it runs"),
        &format!("exit status 0, \"Untagged: {name}:latest\" only: the name goes, the image stays (without a name)"),
        &out,
        "with -f, docker removes the name, and keeps the image the running container uses",
    );
    running.close_stdin();
    running.finish_within(START).expect_status(0, NAMES);
    let out = sb.minidock(["rmi", &id]).output();
    check(
        out.status == Some(0)
            && out.stdout.lines().any(|l| l == format!("Deleted: {id}"))
            && !has_layer(&sb, &layer),
        &format!("minidock rmi {id}, once the container has ended"),
        &format!("exit status 0, \"Deleted: {id}\", and its layer gone"),
        &out,
        "a container's record goes with its directory when it ends",
    );
}

#[test]
fn image_inspect_shows_dockers_fields() {
    let sb = Sandbox::new();
    let (tar, layer) = tarball(&sb, "rootfs.tar");
    let name = format!("{}:{}", random::name("img-"), random::word(5));
    let (word, dir) = (random::word(8), format!("/{}", random::name("dir-")));
    let cmd = format!(r#"CMD ["echo", "{word}"]"#);
    let workdir = format!("WORKDIR {dir}");
    let id = import(&sb, &tar, Some(&name), &[&cmd, &workdir]);
    let out = sb.minidock(["image", "inspect", &name]).output();
    let wanted = [
        format!("        \"Id\": \"{id}\","),
        format!("            \"{name}\""),
        "        \"RepoDigests\": [],".to_string(),
        "        \"RootFS\": {".to_string(),
        "            \"Type\": \"layers\",".to_string(),
        format!("                \"{layer}\""),
    ];
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|line| !out.stdout.lines().any(|l| l == line.as_str()))
        .collect();
    check(
        out.status == Some(0) && out.stdout.starts_with("[\n    {\n") && missing.is_empty(),
        &format!("minidock image inspect {name}"),
        &format!("exit status 0, docker's JSON array indented by 4 spaces, with the lines {missing:?}"),
        &out,
        "Id is the config's digest, RepoTags its names, RootFS.Layers the diff ids (the digests of the uncompressed tarballs)",
    );
    for (template, expected) in [
        ("{{.Id}}", id.clone()),
        ("{{json .Config.Cmd}}", format!(r#"["echo","{word}"]"#)),
        ("{{.Config.Cmd}}", format!("[echo {word}]")),
        ("{{.Config.WorkingDir}}", dir.clone()),
        ("{{.RootFS.Layers}}", format!("[{layer}]")),
    ] {
        inspect(&sb, template, &name)
            .expect_stdout(&expected, NAMES)
            .what(format!("minidock image inspect -f '{template}' {name}"))
            .hint("-f applies a Go template to the JSON: a field path prints as Go prints it, json as JSON");
    }
    let nosuch = random::name("nosuch-");
    let out = sb.minidock(["image", "inspect", &nosuch]).output();
    check(
        out.status == Some(1)
            && out.stdout.trim() == "[]"
            && out.stderr.contains(&format!("No such image: {nosuch}")),
        &format!("minidock image inspect {nosuch}"),
        &format!("exit status 1, [] on stdout, and docker's \"No such image: {nosuch}\""),
        &out,
        "an image that is not there is told after the array, as docker does",
    );
}

#[test]
fn history_shows_a_row_per_step() {
    let sb = Sandbox::new();
    let (tar, _) = tarball(&sb, "rootfs.tar");
    let name = random::name("img-");
    let message = random::name("msg-");
    let id = import_with(&sb, &["-m", &message], &tar, Some(&name));
    let short: String = id.chars().skip("sha256:".len()).take(12).collect();
    let out = sb.minidock(["history", &name]).output();
    let lines: Vec<&str> = out.stdout.lines().collect();
    let columns = |line: &str| -> Vec<String> {
        line.split("   ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(String::from)
            .collect()
    };
    let header = lines.first().map(|l| columns(l)).unwrap_or_default();
    let row = lines.get(1).map(|l| columns(l)).unwrap_or_default();
    check(
        out.status == Some(0)
            && header == ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]
            && lines.len() == 2
            && row.first() == Some(&short)
            && row.last() == Some(&message),
        &format!("minidock history {name}, an image imported with -m {message}"),
        &format!("exit status 0, docker's header (IMAGE, CREATED, CREATED BY, SIZE, COMMENT), then one row: {short}, ..., {message}"),
        &out,
        "one row per entry of the config's history, newest first; the image's own id on the newest",
    );
    sb.minidock(["history", "-q", "--no-trunc", &name])
        .output()
        .expect_stdout(&id, NAMES)
        .what(format!("minidock history -q --no-trunc {name}"));
}

#[test]
fn image_prune_removes_an_image_without_a_name_and_not_a_named_one() {
    let sb = Sandbox::new();
    let (dangling_tar, dangling_layer) = tarball(&sb, "dangling.tar");
    let (named_tar, named_layer) = tarball(&sb, "named.tar");
    let dangling = import(&sb, &dangling_tar, None, &[]);
    let name = random::name("img-");
    let named = import(&sb, &named_tar, Some(&name), &[]);
    let out = sb.minidock(["image", "prune"]).stdin("n\n").output();
    check(
        out.status == Some(0) && has_layer(&sb, &dangling_layer) && out.stdout.contains("[y/N]"),
        "minidock image prune, answered n",
        "docker's question ([y/N]), then nothing removed",
        &out,
        "without -f, prune asks first, and only y means yes",
    );
    let out = sb.minidock(["image", "prune", "-f"]).output();
    check(
        out.status == Some(0)
            && out.stdout.lines().any(|l| l == format!("deleted: {dangling}"))
            && out.stdout.contains("Total reclaimed space:")
            && !has_layer(&sb, &dangling_layer),
        "minidock image prune -f, with an image imported without a name",
        &format!("exit status 0, the line \"deleted: {dangling}\", its layer gone, and \"Total reclaimed space: ...\""),
        &out,
        "an image without a name (dangling) is what prune removes",
    );
    let out = inspect(&sb, "{{.Id}}", &name);
    check(
        out.status == Some(0) && out.stdout.trim() == named && has_layer(&sb, &named_layer),
        &format!("minidock image inspect -f '{{{{.Id}}}}' {name}, after image prune -f"),
        &format!("exit status 0 and {named}: a named image stays (without -a)"),
        &out,
        "prune without -a removes only the images without a name",
    );
    let out = sb.minidock(["image", "prune", "-a", "-f"]).output();
    check(
        out.status == Some(0)
            && out.stdout.lines().any(|l| l == format!("untagged: {name}:latest"))
            && out.stdout.lines().any(|l| l == format!("deleted: {named}"))
            && stored_layers(&sb).is_empty(),
        "minidock image prune -a -f, with a named image no container uses",
        &format!("exit status 0, the lines \"untagged: {name}:latest\" and \"deleted: {named}\", and no layer left"),
        &out,
        "with -a, prune removes every image no container uses, names first",
    );
}
