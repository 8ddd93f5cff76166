//! Chapter 3, "The mount namespace and the root filesystem": the container's mounts stay its own,
//! its root is the image for good (pivot_root, not chroot), and it gets its own /proc, /dev, /sys
//! and /tmp.

use harness::{random, Failure, Sandbox, Section};

const PRIVATE: Section = Section::new(3, "Make every mount private");
const PIVOT: Section = Section::new(3, "Pivot to the new root");
const PROC: Section = Section::new(3, "Mount /proc");
const DEV: Section = Section::new(3, "Create the device nodes");
/// The filesystems come with the pivot: `mounts::prepare` runs once the root is the image.
const FILESYSTEMS: Section = PIVOT;

/// The mount points of a mount table (the fifth field of each line of a mountinfo file), sorted,
/// a point mounted twice listed twice.
fn mount_points(mountinfo: &str) -> Vec<String> {
    let mut points: Vec<String> = mountinfo
        .lines()
        .filter_map(|line| line.split_whitespace().nth(4))
        .map(str::to_string)
        .collect();
    points.sort();
    points
}

/// What is in `a` and not in `b`, counting repeats.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut rest = b.to_vec();
    a.iter()
        .filter(|point| match rest.iter().position(|p| p == *point) {
            Some(at) => {
                rest.remove(at);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

#[test]
fn mounts_made_inside_stay_inside() {
    let sb = Sandbox::new();
    let before = mount_points(&sb.mounts());
    let dir = format!("/{}", random::name("mnt-"));
    let script = format!("mkdir -p {dir} && mount -t tmpfs scratch {dir} && echo mounted");
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", &script])
        .output();
    out.expect_status(0, PRIVATE);
    let after = mount_points(&sb.mounts());
    let appeared = minus(&after, &before);
    let vanished = minus(&before, &after);
    if !appeared.is_empty() || !vanished.is_empty() {
        let hint = if vanished.is_empty() {
            "this test's host shares its mounts, as a systemd host does: the container's copy of them must be made private first"
        } else {
            "mounts vanished from the host: unmounting the old root spread to it. Making `/` private is not enough: every mount below it must be, too (MS_REC)"
        };
        Failure::new(format!(
            "the host's mount table, after a container ran and mounted a tmpfs at {dir}"
        ))
        .expected_text("unchanged: what the container mounts or unmounts is its own business")
        .got_text(format!(
            "new mount points on the host: {appeared:?}; gone from it: {vanished:?}"
        ))
        .hint(hint)
        .output(&out)
        .section(PRIVATE)
        .fail();
    }
}

#[test]
fn a_chroot_escape_finds_no_host() {
    let sb = Sandbox::new();
    let secret = sb.host_only_file();
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "escape", &secret])
        .output();
    out.expect_status(0, PIVOT);
    out.expect_stdout("no", PIVOT)
        .what(format!(
            "after the classic chroot escape inside the container, the host's file {secret}"
        ))
        .expected_text("no such file: above the container's / there is nothing left")
        .hint("chroot only moves `/`; pivot_root moves the whole mount namespace, and the old root must be detached");
    // The escape can only ever reach the image's `/`, detached old root or not: look for it.
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "exists", "/.old-root"])
        .output();
    out.expect_stdout("no", PIVOT)
        .what("the old root, after pivot_root, in the container: /.old-root")
        .expected_text("gone: detached (umount2 with MNT_DETACH), then its directory removed")
        .hint("until it is detached, the whole host is visible at /.old-root");
}

#[test]
fn proc_shows_only_the_containers_processes() {
    let sb = Sandbox::new();
    // The shell is pid 1 and runs the probe as its child, pid 2 (`; true` keeps it from
    // replacing itself with the probe).
    let out = sb
        .minidock([
            "run",
            &sb.image(),
            "sh",
            "-c",
            r#""$0" pids; true"#,
            &sb.probe(),
        ])
        .output();
    out.expect_status(0, PROC);
    out.expect_stdout("1 2", PROC)
        .what("the processes listed in the container's /proc")
        .hint("an empty answer: /proc is not mounted; many numbers: it is the host's");
}

#[test]
fn dev_has_the_standard_devices_and_no_disks() {
    let sb = Sandbox::new();
    let script = r#"echo discarded > /dev/null && "$0" devices"#;
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", script, &sb.probe()])
        .output();
    let expected = "\
c 5:0 0666 tty
c 1:7 0666 full
c 1:3 0666 null
c 1:8 0666 random
c 1:9 0666 urandom
c 1:5 0666 zero";
    let mut want: Vec<&str> = expected.lines().collect();
    want.sort_by_key(|l| l.rsplit(' ').next());
    let want = want.join("\n");
    out.expect_stdout(&want, DEV)
        .what("the device files in the container's /dev (c MAJOR:MINOR MODE NAME)")
        .hint("a tmpfs at /dev with these six character devices, mode 0666, and nothing of the host's");
}

#[test]
fn sys_is_read_only() {
    let sb = Sandbox::new();
    let path = format!("/sys/{}", random::name("probe-"));
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "write", &path])
        .output();
    out.expect_status(0, FILESYSTEMS);
    out.expect_stdout("EROFS", FILESYSTEMS)
        .what(format!("writing {path} inside the container"))
        .expected_text("EROFS: /sys is a read-only sysfs")
        .hint("sysfs is mounted at /sys once the root is pivoted (`mounts::prepare`)");
}

#[test]
fn tmp_is_scratch_space_outside_the_image() {
    let sb = Sandbox::new();
    let name = random::name("scratch-");
    let out = sb
        .minidock([
            "run",
            &sb.image(),
            &sb.probe(),
            "write",
            &format!("/tmp/{name}"),
        ])
        .output();
    out.expect_status(0, FILESYSTEMS);
    out.expect_stdout("ok", FILESYSTEMS)
        .what("writing a file in the container's /tmp");
    let in_image = sb.rootfs().join("tmp").join(&name);
    if in_image.exists() {
        Failure::new(format!(
            "the file the container wrote to /tmp/{name} ended up in the image"
        ))
        .expected_text("/tmp is a tmpfs of the container's own, gone when it ends")
        .got_text(format!("{} exists", in_image.display()))
        .hint("a tmpfs is mounted at /tmp once the root is pivoted (`mounts::prepare`)")
        .output(&out)
        .section(FILESYSTEMS)
        .fail();
    }
}
