//! A container's files from outside it: `diff` lists its changes, `commit` makes an image of
//! them, `cp` copies files in and out, through the container's root and never out of it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use harness::images::{Compression, Tar};
use harness::{random, Failure, Output, Sandbox, Section, STORAGE_DRIVERS};

use super::wait_for_log_line;

const CHANGES: Section = Section::new(6, "Read the changes back");
const COMMIT: Section = Section::new(6, "Commit the changes");
const RESOLVE: Section = Section::new(6, "Resolve inside the container's root");

/// An image of the sandbox's root filesystem, imported; returns its name.
fn image(sb: &Sandbox) -> String {
    let tarball = Tar::new()
        .tree(&sb.rootfs())
        .write(&sb.dir().join("rootfs.tar"), Compression::Plain);
    let name = random::name("files-");
    let out = sb
        .minidock([
            "import",
            "--change",
            "ENV PATH=/bin",
            &tarball.display().to_string(),
            &name,
        ])
        .output();
    out.expect_status(0, CHANGES).hint(
        "import is chapter 5's: an image of the root filesystem, for the container to be made of",
    );
    name
}

/// `minidock cp FROM TO`, which must succeed.
#[track_caller]
fn cp(sb: &Sandbox, extra: &[&str], from: &str, to: &str) -> Output {
    let mut args = vec!["cp"];
    args.extend_from_slice(extra);
    args.extend([from, to]);
    let out = sb.minidock(&args).output();
    if out.status != Some(0) {
        Failure::new(format!("minidock {}", args.join(" ")))
            .expected_text("exit status 0")
            .got_text(out.ending())
            .hint("cp opens every path of the container from a descriptor of its root, with openat2(2) and RESOLVE_IN_ROOT; an error (ENOSYS, EXDEV...) there fails the copy")
            .output(&out)
            .section(RESOLVE)
            .fail();
    }
    out
}

/// A file of the host with `content`, at `name` in the sandbox's directory; its path.
fn host_file(sb: &Sandbox, name: &str, content: &str, mode: u32) -> String {
    let path = sb.dir().join(name);
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("({e})"))
}

#[test]
fn diff_lists_what_the_container_added_changed_and_deleted() {
    for driver in STORAGE_DRIVERS {
        diff_lists_the_changes(Sandbox::with_driver(driver));
    }
}

fn diff_lists_the_changes(sb: Sandbox) {
    let image = image(&sb);
    let name = random::name("changed-");
    let (added, made) = (random::name("added-"), random::name("made-"));
    // Changed: a file of the image written; deleted: another; added: a file copied in, and a
    // directory the command makes.
    let script = format!(
        "echo {} >> /etc/passwd; rm /etc/group; mkdir /{made}",
        random::word(8)
    );
    sb.minidock(["run", "--name", &name, &image, "sh", "-c", &script])
        .output()
        .expect_status(0, CHANGES);
    let file = host_file(&sb, &added, &random::word(12), 0o644);
    cp(&sb, &[], &file, &format!("{name}:/etc/{added}"));
    let out = sb.minidock(["diff", &name]).output();
    let expected = [
        format!("A /{made}"),
        "C /etc".to_string(),
        format!("A /etc/{added}"),
        "D /etc/group".to_string(),
        "C /etc/passwd".to_string(),
    ];
    let mut sorted = expected.to_vec();
    sorted.sort_by(|a, b| Path::new(&a[2..]).cmp(Path::new(&b[2..])));
    let lines: Vec<&str> = out.stdout.lines().collect();
    if out.status != Some(0) || lines != sorted {
        Failure::new(format!(
            "minidock diff {name} ({} driver), after `{script}` and a cp of /etc/{added}",
            sb.driver().unwrap_or("overlay")
        ))
        .expected_text(sorted.join("\n"))
        .got_text(format!("{}\n{}", out.ending(), out.stdout))
        .hint("on overlay, the upper directory is the changes: a character device 0/0 is a deletion, anything else is added unless the image's layers have its path; a directory that gained or lost a name is changed. On vfs, the copy is compared with the layers. Sorted by path, a directory before what it holds")
        .output(&out)
        .section(CHANGES)
        .fail();
    }
    sb.minidock(["rm", &name]).output();
}

#[test]
fn commit_makes_an_image_whose_containers_see_the_changes() {
    let sb = Sandbox::new();
    let image = image(&sb);
    let name = random::name("committed-");
    let content = random::word(16);
    let added = random::name("added-");
    sb.minidock(["run", "--name", &name, &image, "rm", "/etc/group"])
        .output()
        .expect_status(0, COMMIT);
    let file = host_file(&sb, &added, &format!("{content}\n"), 0o640);
    cp(&sb, &[], &file, &format!("{name}:/etc/{added}"));
    let tag = format!("{}:{}", random::name("snap-"), random::word(5));
    let command = format!(
        "CMD cat /etc/{added}; test -e /etc/group && echo group is back || echo group is gone"
    );
    let out = sb
        .minidock(["commit", "-m", "files", "-c", &command, &name, &tag])
        .output();
    let id = out.stdout_trimmed().to_string();
    if out.status != Some(0) || !id.starts_with("sha256:") {
        Failure::new(format!("minidock commit -c '{command}' {name} {tag}"))
            .expected_text("exit status 0 and the new image's id, sha256:...")
            .got_text(out.ending())
            .hint("the upper directory becomes a tar layer, its whiteouts written back as .wh. files, stored as the top layer of a new image whose config has the --change applied")
            .output(&out)
            .section(COMMIT)
            .fail();
    }
    let ran = sb.minidock(["run", "--rm", &tag]).output();
    let expected = format!("{content}\ngroup is gone");
    if ran.status != Some(0) || ran.stdout_trimmed() != expected {
        Failure::new(format!("minidock run --rm {tag}, the image committed"))
            .expected_text(&expected)
            .got_text(format!("{}\n{}", ran.ending(), ran.stdout))
            .hint("the new layer holds the file added, and /etc/.wh.group for the deletion, so that the deletion stays one once the layer is read again; the CMD of --change is the image's command")
            .output(&ran)
            .section(COMMIT)
            .fail();
    }
    sb.minidock(["rm", &name]).output();
}

#[test]
fn cp_never_follows_a_symbolic_link_out_of_the_container() {
    let sb = Sandbox::new();
    let image = image(&sb);
    // A directory of the host, with a secret; the container has its own at the same path, and
    // links to it.
    let outside = sb.dir().join(random::name("host-"));
    std::fs::create_dir_all(&outside).unwrap();
    let (host_secret, inside) = (random::word(12), random::word(12));
    let secret = outside.join("secret");
    std::fs::write(&secret, &host_secret).unwrap();
    let dir = outside.display().to_string();
    let script = format!(
        "mkdir -p {dir} && echo {inside} > {dir}/secret && ln -s {dir}/secret /root/link && ln -s {dir} /root/dirlink && echo ready && exec sleep 1000"
    );
    let run = sb
        .minidock(["run", "-d", &image, "sh", "-c", &script])
        .output();
    run.expect_status(0, RESOLVE)
        .hint("run -d of an image: chapter 5's image, chapter 6's detached container");
    let id = run.stdout_trimmed().to_string();
    wait_for_log_line(&sb, &id, "ready");
    let fail = |what: String, expected: String, got: String, hint: &str| {
        Failure::new(what)
            .expected_text(expected)
            .got_text(got)
            .hint(hint)
            .section(RESOLVE)
            .fail()
    };
    let out = |name: &str| sb.dir().join(name);
    // Out, through a link the container made to an absolute path, followed (-L)...
    cp(
        &sb,
        &["-L"],
        &format!("{id}:/root/link"),
        &out("followed").display().to_string(),
    );
    // ... and through a link on the way.
    cp(
        &sb,
        &[],
        &format!("{id}:/root/dirlink/secret"),
        &out("through").display().to_string(),
    );
    for name in ["followed", "through"] {
        let got = read(&out(name));
        if got.trim() != inside {
            fail(
                format!("the file minidock cp copied out of the container as {name}"),
                format!("the container's file: {inside:?}"),
                format!("{got:?}{}", if got.trim() == host_secret { ", the host's file" } else { "" }),
                "the kernel resolves an absolute link against the root of the process that follows it: minidock's is the host's. Resolved with RESOLVE_IN_ROOT from the container's root, a link means what it means in the container",
            );
        }
    }
    // In, through the same link: the container's file changes, the host's does not.
    let new = random::word(12);
    let file = host_file(&sb, "new", &new, 0o604);
    cp(&sb, &[], &file, &format!("{id}:/root/dirlink/secret"));
    if read(&secret) != host_secret {
        fail(
            format!("the host's {}, after a cp into the container's /root/dirlink/secret", secret.display()),
            format!("unchanged: {host_secret:?}"),
            format!("{:?}", read(&secret)),
            "the link /root/dirlink leads to the container's directory: resolved from the host's root, it led to the host's and cp wrote there",
        );
    }
    // A directory back out, what it holds only: the file copied in, its mode kept.
    let back = out("back");
    cp(
        &sb,
        &[],
        &format!("{id}:{dir}/."),
        &back.display().to_string(),
    );
    let mode = std::fs::metadata(back.join("secret")).map_or(0, |m| m.permissions().mode() & 0o777);
    if read(&back.join("secret")) != new || mode != 0o604 {
        fail(
            format!("minidock cp {id}:{dir}/. {}", back.display()),
            format!("the directory made, with secret in it: {new:?}, mode 604"),
            format!("{:?}, mode {mode:o}", read(&back.join("secret"))),
            "a directory's content is copied entry by entry, each with its mode; DIR/. copies what the directory holds, not the directory",
        );
    }
    sb.minidock(["rm", "-f", &id]).output();
}
