//! The two storage drivers, `overlay` and `vfs`: chosen with `--storage-driver` or
//! MINIDOCK_STORAGE_DRIVER, shown by `info`, and giving a container the same view of its image.
//!
//! The tests that need an image with more than one layer (a deletion and an opaque directory over
//! a lower layer) come with `load`: `import` makes one layer.

use std::path::PathBuf;
use std::time::Duration;

use harness::images::{Compression, Tar};
use harness::{random, Failure, Sandbox, Section};

use super::{import, stored_layers, why_no_command, ENTRY, MOUNT};

const DRIVERS: Section = Section::new(5, "Storage drivers");

/// How long a command that should be running by now may take to say so.
const START: Duration = Duration::from_secs(10);

/// Imports `tar` (written in the sandbox) as a new image, which must succeed; returns its name.
#[track_caller]
fn imported(sb: &Sandbox, tar: &Tar) -> String {
    let tarball = tar.write(&sb.dir().join(random::name("layer-")), Compression::Plain);
    let name = random::name("img-");
    let out = import(sb, &tarball, &name, &[]);
    if out.status != Some(0) {
        let (section, hint) = why_no_command(sb);
        Failure::new(format!("minidock import {} {name}", tarball.display()))
            .expected_text("exit status 0: the image is in the store")
            .got_text(out.ending())
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    name
}

/// The entries of the state directory's `containers/`: what runs left behind.
fn container_dirs(sb: &Sandbox) -> Vec<PathBuf> {
    std::fs::read_dir(sb.state_dir().join("containers"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect()
}

#[test]
fn vfs_gives_a_container_the_view_overlay_gives() {
    let sb = Sandbox::new();
    let dir = random::name("view-");
    let (uid, gid) = (
        random::number(1000, 60000) as u32,
        random::number(1000, 60000) as u32,
    );
    let mode = random::pick(&[0o640, 0o604, 0o751, 0o4755, 0o2711]);
    let (content, target) = (
        random::word(12),
        format!("/{dir}/{}", random::name("nowhere-")),
    );
    // An extended attribute, as a PAX header carries it: a file capability (one of the first
    // 32, permitted and effective, in the kernel's version 2 format), which every filesystem a
    // store may be on keeps (tmpfs keeps no `user.*` attribute before Linux 6.6).
    let mut capability = [0u8; 20];
    capability[..4].copy_from_slice(&0x0200_0001u32.to_le_bytes());
    capability[4..8].copy_from_slice(&(1u32 << random::number(0, 31)).to_le_bytes());
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut tar = Tar::new();
    tar.tree(&sb.rootfs())
        .dir(&dir, 0o755)
        .owner(uid, gid)
        .file(&format!("{dir}/owned"), mode, content.as_bytes())
        .owner(0, 0)
        .attributes(&[("security.capability", &capability)])
        .file(&format!("{dir}/one"), 0o644, content.as_bytes())
        .hardlink(&format!("{dir}/two"), &format!("{dir}/one"))
        .symlink(&format!("{dir}/link"), &target)
        .fifo(&format!("{dir}/pipe"), 0o620)
        .char_device(&format!("{dir}/null"), 0o666, 1, 3)
        // An opaque directory in the only layer: nothing below it to hide, and its marker
        // never shows. (Deletions are `deleted_files_stay_deleted`'s, with both drivers.)
        .dir(&format!("{dir}/opaque"), 0o700)
        .file(&format!("{dir}/opaque/.wh..wh..opq"), 0o644, b"")
        .file(&format!("{dir}/opaque/inside"), 0o600, b"");
    let name = imported(&sb, &tar);
    let script = format!(
        "cd /{dir} && ls -a . opaque && stat -c '%n %a %u %g %h %F %Y' * opaque/* && \
         readlink link && cat one two owned && [ one -ef two ] && echo one-and-two-are-one-file && \
         echo capability $({probe} xattr two security.capability)",
        probe = sb.probe()
    );
    let views: Vec<_> = ["overlay", "vfs"]
        .into_iter()
        .map(|driver| {
            let out = sb
                .minidock([
                    "--storage-driver",
                    driver,
                    "run",
                    "--rm",
                    &name,
                    "sh",
                    "-c",
                    &script,
                ])
                .output();
            (driver, out)
        })
        .collect();
    let (_, overlay) = &views[0];
    let expected = [
        format!("owned {mode:o} {uid} {gid} 1"),
        "one 644 0 0 2".to_string(),
        "two 644 0 0 2".to_string(),
        "pipe 620 0 0 1 fifo".to_string(),
        "null 666 0 0 1 character special file".to_string(),
        "opaque/inside 600 0 0 1".to_string(),
        target.clone(),
        "one-and-two-are-one-file".to_string(),
        format!("capability {}", hex(&capability)),
    ];
    for (driver, out) in &views {
        let missing: Vec<&String> = expected
            .iter()
            .filter(|line| !out.stdout.contains(line.as_str()))
            .collect();
        let markers = out.stdout.contains(".wh.");
        if out.status != Some(0) || !missing.is_empty() || markers {
            let (section, hint) = if out.status == Some(127) || out.status == Some(125) {
                why_no_command(&sb)
            } else {
                (
                    DRIVERS,
                    format!("the {driver} driver gives the container the image's files as the layer has them: owners, modes, links, devices, times, extended attributes (set after the owner: chown(2) clears a file capability); an opaque directory's marker never shows"),
                )
            };
            Failure::new(format!(
                "a container of {name} on the {driver} driver, listing /{dir} and its files' attributes"
            ))
            .expected_text(format!("exit status 0, and among the lines: {expected:?}; no .wh. name"))
            .got_text(if missing.is_empty() {
                "the opaque directory's marker shows".to_string()
            } else {
                format!("{} missing: {missing:?}", out.ending())
            })
            .hint(hint)
            .output(out)
            .section(section)
            .fail();
        }
    }
    let (_, vfs) = &views[1];
    if vfs.stdout != overlay.stdout {
        Failure::new(format!(
            "the view of /{dir} in a container of {name}, on the vfs driver and on the overlay driver"
        ))
        .expected_text("the same lines")
        .got_text(format!(
            "overlay:\n{}\n            vfs:\n{}",
            overlay.stdout, vfs.stdout
        ))
        .hint("vfs copies each layer, bottom up, as overlayfs would show it: every attribute the layer has, and hard links as links")
        .output(vfs)
        .section(DRIVERS)
        .fail();
    }
}

#[test]
fn writes_in_a_vfs_container_leave_the_image_untouched() {
    let sb = Sandbox::with_driver("vfs");
    let (file, new) = (random::name("file-"), random::name("new-"));
    let (before, added) = (random::word(10), random::word(10));
    let mut tar = Tar::new();
    tar.tree(&sb.rootfs()).file(
        &format!("etc/{file}"),
        0o644,
        format!("{before}\n").as_bytes(),
    );
    let name = imported(&sb, &tar);
    // Appending writes into the file the container sees: a copy shares nothing with the layer.
    let script = format!("echo {added} >> /etc/{file} && echo x > /etc/{new} && cat /etc/{file}");
    let out = sb
        .minidock(["run", "--rm", &name, "sh", "-c", &script])
        .output();
    if out.stdout.lines().collect::<Vec<_>>() != [before.as_str(), added.as_str()] {
        let (section, hint) = why_no_command(&sb);
        Failure::new(format!(
            "a container of {name} on the vfs driver, appending to /etc/{file}"
        ))
        .expected_text(format!("{before}, then {added}"))
        .got_text(out.ending())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
    let layers = stored_layers(&sb);
    let in_layer: Vec<String> = layers
        .iter()
        .map(|layer| std::fs::read_to_string(layer.join("etc").join(&file)).unwrap_or_default())
        .collect();
    let new_in_layer = layers
        .iter()
        .any(|layer| layer.join("etc").join(&new).exists());
    if in_layer != [format!("{before}\n")] || new_in_layer {
        Failure::new(format!(
            "the image's layer in the store, after a vfs container wrote /etc/{file} and /etc/{new}"
        ))
        .expected_text(format!("etc/{file} still reads {before}, and no etc/{new}"))
        .got_text(format!("etc/{file} reads {in_layer:?}; etc/{new} there: {new_in_layer}"))
        .hint("vfs gives each container a copy of its own, with no link (hard or symbolic) to the layers")
        .output(&out)
        .section(DRIVERS)
        .fail();
    }
    let again = sb
        .minidock([
            "run",
            "--rm",
            &name,
            "sh",
            "-c",
            &format!("cat /etc/{file}; test -e /etc/{new} || echo absent"),
        ])
        .output();
    again
        .expect_stdout(&format!("{before}\nabsent"), DRIVERS)
        .what(format!(
            "a second vfs container of {name}, reading /etc/{file} and /etc/{new}"
        ))
        .hint("each container starts from a fresh copy of the image, removed when it ends");
    let left = container_dirs(&sb);
    if !left.is_empty() {
        Failure::new("the containers' directories, once both vfs containers ended")
            .expected_text("none left")
            .got_text(format!("{left:?}"))
            .output(&again)
            .section(DRIVERS)
            .fail();
    }
}

#[test]
fn info_shows_the_chosen_driver_and_the_store() {
    let sb = Sandbox::new();
    let count = random::number(1, 3);
    let (made, word) = (random::name("etc/made-"), random::word(8));
    let mut last = String::new();
    for _ in 0..count {
        let mut tar = Tar::new();
        tar.tree(&sb.rootfs()).file(&made, 0o644, word.as_bytes());
        last = imported(&sb, &tar);
    }
    let state = sb.state_dir().display().to_string();
    let cases: [(&str, Vec<&str>, Option<&str>, &str); 4] = [
        ("no choice", vec!["info"], None, "overlay"),
        (
            "MINIDOCK_STORAGE_DRIVER=vfs",
            vec!["info"],
            Some("vfs"),
            "vfs",
        ),
        (
            "--storage-driver vfs",
            vec!["--storage-driver", "vfs", "info"],
            None,
            "vfs",
        ),
        (
            "MINIDOCK_STORAGE_DRIVER=vfs and --storage-driver overlay (the option wins)",
            vec!["--storage-driver", "overlay", "info"],
            Some("vfs"),
            "overlay",
        ),
    ];
    for (how, args, env, driver) in cases {
        let mut run = sb.minidock(&args);
        if let Some(env) = env {
            run = run.env("MINIDOCK_STORAGE_DRIVER", env);
        }
        let out = run.output();
        let lines: Vec<&str> = out.stdout.lines().collect();
        let expected = [
            "Server:".to_string(),
            format!(" Images: {count}"),
            format!(" Storage Driver: {driver}"),
            format!(" Docker Root Dir: {state}"),
        ];
        let missing: Vec<&String> = expected
            .iter()
            .filter(|line| !lines.contains(&line.as_str()))
            .collect();
        let backing = lines
            .iter()
            .any(|line| line.starts_with("  Backing Filesystem: "));
        if out.status != Some(0) || !missing.is_empty() || backing != (driver == "overlay") {
            Failure::new(format!("minidock info, with {how}, after {count} imports"))
                .expected_text(format!(
                    "exit status 0, and the lines {expected:?}{}",
                    if driver == "overlay" {
                        ", then the overlay's Backing Filesystem"
                    } else {
                        ""
                    }
                ))
                .got_text(if missing.is_empty() {
                    format!("a Backing Filesystem line: {backing}")
                } else {
                    format!("{} missing: {missing:?}", out.ending())
                })
                .hint(if count > 0 && out.stdout.contains(" Images: 0") {
                    "no image in the store: the imports failed".to_string()
                } else {
                    "info says which driver this command would use, and counts the store's images, as docker info does".to_string()
                })
                .output(&out)
                .section(if out.stdout.contains(" Images: 0") { ENTRY } else { DRIVERS })
                .fail();
        }
    }
    // The driver info names is the one a run uses: the container's directory records it.
    let mut running = sb
        .minidock([
            "run",
            "--rm",
            &last,
            "sh",
            "-c",
            &format!("cat /{made} && echo && echo ready; read line"),
        ])
        .env("MINIDOCK_STORAGE_DRIVER", "vfs")
        .spawn();
    let started = running.wait_for_line("ready", START);
    let records: Vec<String> = container_dirs(&sb)
        .iter()
        .map(|dir| std::fs::read_to_string(dir.join("driver")).unwrap_or_default())
        .collect();
    running.close_stdin();
    let out = running.finish();
    if started.is_none() || !out.stdout.contains(&word) {
        let (section, hint) = why_no_command(&sb);
        Failure::new(format!(
            "a container of {last} with MINIDOCK_STORAGE_DRIVER=vfs, printing /{made}"
        ))
        .expected_text(format!("{word}, then ready"))
        .got_text(out.ending())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
    if records != ["vfs"] {
        Failure::new(format!(
            "the driver recorded in the directory of a container of {last}, run with MINIDOCK_STORAGE_DRIVER=vfs"
        ))
        .expected_text("one container directory, whose driver file says vfs")
        .got_text(format!("{records:?}"))
        .hint("a container records the driver that made it, so that the same driver removes it")
        .output(&out)
        .section(DRIVERS)
        .fail();
    }
}

#[test]
fn an_unknown_driver_is_refused_before_anything_is_made() {
    let sb = Sandbox::new();
    let mut tar = Tar::new();
    tar.tree(&sb.rootfs());
    let name = imported(&sb, &tar);
    let unknown = random::name("fs-");
    let word = random::word(10);
    let by_option = sb
        .minidock([
            "--storage-driver",
            &unknown,
            "run",
            "--rm",
            &name,
            "echo",
            &word,
        ])
        .output();
    let by_env = sb
        .minidock(["run", "--rm", &name, "echo", &word])
        .env("MINIDOCK_STORAGE_DRIVER", &unknown)
        .output();
    for (how, out) in [
        ("--storage-driver", &by_option),
        ("MINIDOCK_STORAGE_DRIVER", &by_env),
    ] {
        let named = out.stderr.contains(&unknown)
            && out.stderr.contains("overlay")
            && out.stderr.contains("vfs");
        let left = container_dirs(&sb);
        let cgroups = sb.leftover_cgroups();
        if out.status != Some(125)
            || !named
            || out.stdout.contains(&word)
            || !left.is_empty()
            || !cgroups.is_empty()
        {
            Failure::new(format!("minidock run {name}, with the storage driver {unknown:?} given by {how}"))
                .expected_text("refused with exit status 125, naming the driver given and the ones there are (overlay, vfs); no container run, no directory nor cgroup made")
                .got_text(format!("{}; containers' directories {left:?}; cgroups {cgroups:?}", out.ending()))
                .hint("the driver is a value of the command line, checked with the rest of it, before anything is made")
                .output(out)
                .section(DRIVERS)
                .fail();
        }
    }
    // The same command with a driver minidock has runs.
    let out = sb
        .minidock([
            "--storage-driver",
            "vfs",
            "run",
            "--rm",
            &name,
            "echo",
            &word,
        ])
        .output();
    if out.stdout.trim() != word {
        let (section, hint) = why_no_command(&sb);
        Failure::new(format!(
            "minidock --storage-driver vfs run {name} echo {word}"
        ))
        .expected_text(&word)
        .got_text(out.ending())
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
}

#[test]
fn nothing_stays_mounted_on_the_host_after_an_overlay_run() {
    let sb = Sandbox::with_driver("overlay");
    let mut tar = Tar::new();
    tar.tree(&sb.rootfs());
    let name = imported(&sb, &tar);
    let state = sb.state_dir().display().to_string();
    let ours = |mounts: &str| -> Vec<String> {
        mounts
            .lines()
            .filter(|line| line.contains(&state) || line.contains(" - overlay "))
            .map(str::to_string)
            .collect()
    };
    let before = ours(&sb.mounts());
    let mut running = sb
        .minidock(["run", "--rm", &name, "sh", "-c", "echo ready; read line"])
        .spawn();
    let started = running.wait_for_line("ready", START);
    let during = ours(&sb.mounts());
    running.close_stdin();
    let out = running.finish();
    if started.is_none() {
        let (section, hint) = why_no_command(&sb);
        Failure::new(format!("a container of {name} on the overlay driver"))
            .expected_text("it starts and says ready")
            .got_text(out.ending())
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    let after = ours(&sb.mounts());
    for (when, now) in [("while it ran", &during), ("after it ended", &after)] {
        if *now != before {
            Failure::new(format!(
                "the host's mount table (/proc/PID/mountinfo), {when}: a container of {name} on the overlay driver"
            ))
            .expected_text("no mount of the state directory, no overlay: the container's overlay exists in its own mount namespace only")
            .got_text(now.join("\n            "))
            .hint("the overlay is mounted by the container's first process, once its mounts are private, so it never shows on the host and goes with the container")
            .output(&out)
            .section(MOUNT)
            .fail();
        }
    }
    let left = container_dirs(&sb);
    if !left.is_empty() {
        Failure::new("the container's directories, once it ended")
            .expected_text("none left")
            .got_text(format!("{left:?}"))
            .output(&out)
            .section(MOUNT)
            .fail();
    }
}

#[test]
fn overlay_on_an_overlayfs_state_directory_is_refused_and_vfs_runs() {
    let sb = Sandbox::new();
    // The state directory on an overlay, as inside a container: mounted in the sandbox's host,
    // gone with it.
    let base = sb.dir().join(random::name("overlayfs-"));
    for sub in ["lower", "upper", "work"] {
        std::fs::create_dir_all(base.join(sub)).unwrap();
    }
    let options = format!(
        "lowerdir={},upperdir={},workdir={}",
        base.join("lower").display(),
        base.join("upper").display(),
        base.join("work").display()
    );
    let state = sb.state_dir().display().to_string();
    let mounted = sb
        .host_command(
            "/bin/mount",
            ["-t", "overlay", "overlay", "-o", &options, &state],
        )
        .output();
    assert_eq!(
        mounted.status,
        Some(0),
        "mounting an overlay for the test:\n{}",
        mounted.describe()
    );
    let mut tar = Tar::new();
    tar.tree(&sb.rootfs());
    let name = imported(&sb, &tar);
    let word = random::word(10);
    let out = sb
        .minidock([
            "--storage-driver",
            "overlay",
            "run",
            "--rm",
            &name,
            "echo",
            &word,
        ])
        .output();
    let left = container_dirs(&sb);
    let cgroups = sb.leftover_cgroups();
    if out.status != Some(125)
        || !out.stderr.contains("--storage-driver vfs")
        || out.stderr.lines().count() != 1
        || !left.is_empty()
        || !cgroups.is_empty()
    {
        Failure::new(format!(
            "minidock --storage-driver overlay run {name}, with the state directory on overlayfs"
        ))
        .expected_text("refused in one line with exit status 125, suggesting --storage-driver vfs; no directory nor cgroup left")
        .got_text(format!("{}; containers' directories {left:?}; cgroups {cgroups:?}", out.ending()))
        .hint("overlayfs takes no upper directory on an overlayfs: the driver checks the state directory's filesystem (statfs(2)) before anything is made")
        .output(&out)
        .section(DRIVERS)
        .fail();
    }
    let out = sb
        .minidock([
            "--storage-driver",
            "vfs",
            "run",
            "--rm",
            &name,
            "echo",
            &word,
        ])
        .output();
    out.expect_stdout(&word, DRIVERS)
        .what(format!(
            "minidock --storage-driver vfs run {name} echo {word}, with the state directory on overlayfs"
        ))
        .hint("vfs copies the image into a plain directory: any filesystem will do");
}
