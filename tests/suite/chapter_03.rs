//! Chapter 3, "The mount namespace and the root filesystem": the container's mounts stay its own,
//! its root is the image for good (pivot_root, not chroot), and it gets its own /proc, /dev, /sys
//! and /tmp.

use std::time::Duration;

use harness::{check_eq, random, Failure, Output, Running, Sandbox, Section};

const PRIVATE: Section = Section::new(3, "Make every mount private");
const PIVOT: Section = Section::new(3, "Pivot to the new root");
const PROC: Section = Section::new(3, "Mount /proc");
const DEV: Section = Section::new(3, "Create the device nodes");
/// The filesystems come with the pivot: `mounts::prepare` runs once the root is the image.
const FILESYSTEMS: Section = PIVOT;

/// How long a command that should be running by now may take to say so.
const START: Duration = Duration::from_secs(10);

/// Why the chroot escape may find the host: the hint of every test that tries it.
const ESCAPED: &str = "chroot only moves `/`; pivot_root moves the whole mount namespace, and then the old root must be detached: pivot_root(\".\", \".\") leaves it on top of `/`, where `..` still leads";

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
        .hint(ESCAPED);
    // The climb ends at the container's `/`. The old root could still be mounted elsewhere,
    // under any name: look for it in the whole of the container's mount table.
    let (places, out) = host_root_in_container(&sb);
    if !places.is_empty() {
        let hint = if places.iter().any(|p| p == "/") {
            "pivot_root(\".\", \".\") stacks the old root on top of the new one, at `/`, where `/..` leads to it: detach it right after the pivot, with umount2(\".\", MNT_DETACH)"
        } else {
            "the old root is still mounted there: detach it after the pivot, with umount2 and MNT_DETACH"
        };
        Failure::new("the host's root filesystem, in the running container's mount table (read from the host, in /proc/PID/mountinfo)")
            .expected_text("nowhere: once the old root is detached, nothing of the host's tree is left in the container")
            .got_text(format!("mounted at {places:?}"))
            .hint(hint)
            .output(&out)
            .section(PIVOT)
            .fail();
    }
}

/// Where a running container of the sandbox's image has the host's root filesystem mounted, by
/// its mount table as the host reads it (`/proc/PID/mountinfo` shows the mount points as that
/// process sees them), with the run that was looked at.
#[track_caller]
fn host_root_in_container(sb: &Sandbox) -> (Vec<String>, Output) {
    // A line of a mount table names a mount by its device and the directory of that device it
    // shows (`/` for all of it), then gives its mount point.
    let identity = |line: &str| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        (fields.len() > 4).then(|| {
            (
                fields[2].to_string(),
                fields[3].to_string(),
                fields[4].to_string(),
            )
        })
    };
    // The host's root: whatever its table has at `/`.
    let host_roots: Vec<(String, String)> = sb
        .mounts()
        .lines()
        .filter_map(identity)
        .filter(|(_, _, point)| point == "/")
        .map(|(device, root, _)| (device, root))
        .collect();
    let script = r#"echo ready; exec "$0" hold"#;
    let mut running = sb
        .minidock(["run", &sb.image(), "sh", "-c", script, &sb.probe()])
        .spawn();
    running
        .expect_line("ready", START, PIVOT)
        .what("a container that holds still while its mount table is read")
        .hint("the container never started its command: its setup failed, or hangs");
    let first = running.children();
    let table = match first[..] {
        [pid] => std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).ok(),
        _ => None,
    };
    running.close_stdin();
    let out = running.finish();
    out.expect_status(0, PIVOT)
        .hint("the container ends when its command does, once its stdin is closed");
    let Some(table) = table else {
        Failure::new("the running container's mount table, read from the host")
            .expected_text("the mount table of minidock's one child, the container's first process")
            .got_text(format!("minidock's children: {first:?}"))
            .hint("without --init, the container's first process runs the command, and is minidock's only child")
            .output(&out)
            .section(PIVOT)
            .fail();
    };
    let places = table
        .lines()
        .filter_map(identity)
        .filter(|(device, root, _)| host_roots.contains(&(device.clone(), root.clone())))
        .map(|(_, _, point)| point)
        .collect();
    (places, out)
}

/// How many containers start at once on one image.
const AT_ONCE: usize = 20;

#[test]
fn twenty_containers_run_at_once_on_one_image() {
    let sb = Sandbox::new();
    let secret = sb.host_only_file();
    // All started before any is waited for, so that their setups overlap.
    let running: Vec<Running> = (0..AT_ONCE)
        .map(|_| {
            sb.minidock(["run", &sb.image(), &sb.probe(), "escape", &secret])
                .spawn()
        })
        .collect();
    let outs: Vec<Output> = running.into_iter().map(Running::finish).collect();
    let failed: Vec<&Output> = outs
        .iter()
        .filter(|out| out.status != Some(0) || out.stdout_trimmed() != "no")
        .collect();
    if let Some(first) = failed.first() {
        let hint = if first.status == Some(0) {
            ESCAPED
        } else {
            "every container of an image pivots in the same directory: a name the runtime makes and removes there for the old root is fought over by all of them. pivot_root(\".\", \".\") needs none"
        };
        Failure::new(format!(
            "{AT_ONCE} containers started at once on one image, each trying the chroot escape"
        ))
        .expected_text(format!(
            "all {AT_ONCE} exit 0, and none finds the host's file"
        ))
        .got_text(format!(
            "{} of {AT_ONCE} failed; the first of them below",
            failed.len()
        ))
        .hint(hint)
        .output(first)
        .section(PIVOT)
        .fail();
    }
}

#[test]
fn a_container_needs_no_name_in_its_image() {
    let sb = Sandbox::new();
    // The image has a directory `.old-root`, with a file in it: the image's, not minidock's.
    let (name, before, after) = (random::name("file-"), random::word(12), random::word(12));
    let dir = sb.rootfs().join(".old-root");
    std::fs::create_dir(&dir).expect("creating .old-root in the image");
    std::fs::write(dir.join(&name), &before).expect("writing a file in the image's .old-root");
    // The container reads it, then puts a file of its own in its place.
    let script = format!("cat /.old-root/{name} && rm -r /.old-root && echo {after} > /.old-root");
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", &script])
        .output();
    out.expect_stdout(&before, PIVOT)
        .what(format!(
            "a container of an image that has a directory /.old-root, reading /.old-root/{name} and then replacing the directory with a file"
        ))
        .hint("the image's own /.old-root, read and changed like any file: minidock must not need that name (or any other) in the image");
    // The next run of the image is a container like any other.
    let secret = sb.host_only_file();
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "escape", &secret])
        .output();
    let hint = if out.status == Some(0) {
        ESCAPED
    } else {
        "a file the previous container left at /.old-root must not stop the next one: pivot_root(\".\", \".\") puts the old root on top of the new one, under no name"
    };
    out.expect_stdout("no", PIVOT)
        .what(
            "the next run of that image, whose /.old-root is now a file, trying the chroot escape",
        )
        .expected_text("no such file: the container starts, and above its / there is nothing left")
        .hint(hint);
    let left = std::fs::read_to_string(sb.rootfs().join(".old-root")).unwrap_or_default();
    check_eq(
        "what the image has at .old-root, after both runs",
        format!("{after}\n"),
        left,
        &out,
        PIVOT,
    )
    .hint("the image's files are its containers' to change: minidock itself must make, remove or hide nothing in it");
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
fn proc_runs_no_programs_and_opens_no_devices() {
    let sb = Sandbox::new();
    let out = sb
        .minidock([
            "run",
            &sb.image(),
            &sb.probe(),
            "cat",
            "/proc/self/mountinfo",
        ])
        .output();
    // A mountinfo line: ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS ... - TYPE SOURCE ...
    let options: Vec<String> = out
        .stdout
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|fields| fields.get(4) == Some(&"/proc"))
        .filter_map(|fields| fields.get(5).map(|options| options.to_string()))
        .collect();
    let missing: Vec<&str> = ["nosuid", "nodev", "noexec"]
        .into_iter()
        .filter(|flag| {
            !options
                .last()
                .is_some_and(|o| o.split(',').any(|option| option == *flag))
        })
        .collect();
    if !missing.is_empty() {
        let (got, hint) = match options.last() {
            Some(options) => (
                format!("/proc mounted with {options}: no {}", missing.join(", ")),
                "proc holds no programs and no devices to run or open: mount it with MS_NOSUID | MS_NODEV | MS_NOEXEC, so that nothing in it can be used to gain privileges",
            ),
            None => (
                "nothing mounted at /proc".to_string(),
                "mount a procfs at /proc, with MS_NOSUID | MS_NODEV | MS_NOEXEC: it holds no programs and no devices",
            ),
        };
        Failure::new("the options of the container's /proc, in its /proc/self/mountinfo")
            .expected_text("nosuid, nodev and noexec among them")
            .got_text(got)
            .hint(hint)
            .output(&out)
            .section(PROC)
            .fail();
    }
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
    let hint = if out.stdout.contains(" 0000 ") {
        "mknod_char makes a node with no permission bits at all: chmod(2) gives it its mode"
    } else {
        "a tmpfs at /dev with these six character devices, mode 0666, and nothing of the host's"
    };
    out.expect_stdout(&want, DEV)
        .what("the device files in the container's /dev (c MAJOR:MINOR MODE NAME)")
        .hint(hint);
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
