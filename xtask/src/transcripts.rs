//! `cargo xtask transcripts`: the console sessions the book shows, made by really running them.
//!
//! A transcript is a test run (of a starter, or of a chapter's reference state) or a
//! `minidock --explain` run, written to book/transcripts/chapter-NN/NAME.txt. They are
//! deterministic, so `verify` can regenerate and compare them: tests run one at a time with
//! seeded random values (MINIDOCK_TEST_SEED), and what varies from run to run anyway (timings,
//! thread ids) is taken out.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::chapters::{self, Chapter};
use crate::gen;

/// What a transcript shows.
enum Kind {
    /// `cargo test -p chapter-NN --test workshop -- FILTERS`, on the untouched starter or on the
    /// chapter solved (its reference state). Of the failures, only `show_failure` is kept in full.
    Tests {
        solved: bool,
        filters: &'static [&'static str],
        show_failure: Option<&'static str>,
    },
    /// Shell commands, run one after the other with the chapter solved, in a directory laid out
    /// like the workshop: the chapter's binary at ./target/debug/minidock-NN and a busybox root
    /// filesystem at ./target/rootfs/busybox. `echo $?` shows the previous command's status.
    Session { commands: &'static [&'static str] },
    /// A demo the book prints as commands only (NAME.sh, included in a `sh` block), since what
    /// it prints differs from machine to machine (namespace numbers, pids, sizes): run as one
    /// `sh -e` script in the same directory, it must succeed, so that no demo rots unseen.
    Demo { script: &'static str },
}

struct Spec {
    chapter: u32,
    name: &'static str,
    kind: Kind,
}

const SPECS: &[Spec] = &[
    Spec {
        chapter: 1,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_01::hostname_option_names_the_container"),
        },
    },
    Spec {
        chapter: 1,
        name: "failure",
        kind: Kind::Tests {
            solved: false,
            filters: &["hostname_option"],
            show_failure: Some("chapter_01::hostname_option_names_the_container"),
        },
    },
    Spec {
        chapter: 1,
        name: "hostname",
        kind: Kind::Tests {
            solved: true,
            filters: &["hostname"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 1,
        name: "chroot",
        kind: Kind::Tests {
            solved: true,
            filters: &["root", "host_files", "relative_image"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 1,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 1,
        name: "explain",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-01 --explain run --hostname box \
                         ./target/rootfs/busybox sh -c 'hostname; ls /'",
            ],
        },
    },
    Spec {
        chapter: 1,
        name: "errors",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-01 run ./target/rootfs/no-such-dir true",
                "sudo ./target/debug/minidock-01 run --detach-keys x ./target/rootfs/busybox true",
                "echo $?",
            ],
        },
    },
    Spec {
        chapter: 1,
        name: "environment",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-01 run -h box -e GREETING=hello \
                 ./target/rootfs/busybox env",
            ],
        },
    },
    Spec {
        chapter: 1,
        name: "uts-by-hand",
        kind: Kind::Session {
            commands: &["sudo unshare --uts sh -c 'hostname box; hostname'"],
        },
    },
    Spec {
        chapter: 1,
        name: "rootfs-by-hand",
        kind: Kind::Session {
            commands: &[
                "mkdir -p rootfs/bin",
                "cp \"$(command -v busybox)\" rootfs/bin/",
                "sudo chroot rootfs /bin/busybox --install -s /bin",
                "sudo chroot rootfs /bin/sh -c 'ls /; cd ..; pwd'",
            ],
        },
    },
    Spec {
        chapter: 1,
        name: "ns-links",
        kind: Kind::Demo {
            script: "\
ls -l /proc/$$/ns       # uts -> 'uts:[4026531838]': the number names the namespace
sudo lsns -t uts        # every UTS namespace, with one process in it
",
        },
    },
    Spec {
        chapter: 1,
        name: "nsenter",
        kind: Kind::Demo {
            script: "\
sudo unshare --uts sh -c 'hostname inner; echo $$ > inner.pid; exec sleep 100' &
sleep 1
PID=$(cat inner.pid)                           # the shell's pid, which is now \"sleep 100\"'s
sudo lsns -t uts                               # one line more: that pid, in a namespace of its own
sudo nsenter --target \"$PID\" --uts hostname    # prints: inner
sudo kill \"$PID\"; sudo rm inner.pid
",
        },
    },
    Spec {
        chapter: 1,
        name: "explain-clone",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-01 --explain run ./target/rootfs/busybox true 2>&1 | grep -E 'fork|clone'
",
        },
    },
    Spec {
        chapter: 1,
        name: "explain-true",
        kind: Kind::Demo {
            script: "sudo ./target/debug/minidock-01 --explain run ./target/rootfs/busybox true\n",
        },
    },
    Spec {
        chapter: 1,
        name: "rename-inside",
        kind: Kind::Demo {
            script: "\
sudo unshare --uts sh -c '
  ./target/debug/minidock-01 run ./target/rootfs/busybox sh -c \"hostname inner; hostname\"
  hostname      # the outer name: not \"inner\"
'
",
        },
    },
    Spec {
        chapter: 1,
        name: "hostname-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-01 run --hostname box ./target/rootfs/busybox hostname
hostname
",
        },
    },
    Spec {
        chapter: 1,
        name: "ps-without-pid-namespace",
        kind: Kind::Demo {
            script: "\
sudo unshare -m sh -c 'mount -t proc proc ./target/rootfs/busybox/proc && ./target/debug/minidock-01 run ./target/rootfs/busybox ps'
",
        },
    },
    Spec {
        chapter: 1,
        name: "statuses",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-01 run ./target/rootfs/busybox sh -c 'exit 3'; echo $?",
                "sudo ./target/debug/minidock-01 run ./target/rootfs/busybox sh -c 'kill -SEGV $$'; \
                 echo $?",
            ],
        },
    },
    Spec {
        chapter: 1,
        name: "pipes",
        kind: Kind::Session {
            commands: &[
                "echo hi | sudo ./target/debug/minidock-01 run ./target/rootfs/busybox cat",
                "sudo ./target/debug/minidock-01 run ./target/rootfs/busybox ls /etc | wc -l",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_02::pid_1_ignores_a_sigkill_from_inside"),
        },
    },
    Spec {
        chapter: 2,
        name: "pid",
        kind: Kind::Tests {
            solved: true,
            filters: &["pid", "host_processes"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "ipc",
        kind: Kind::Tests {
            solved: true,
            filters: &["ipc"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "session",
        kind: Kind::Tests {
            solved: true,
            filters: &["session"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "signals",
        kind: Kind::Tests {
            solved: true,
            filters: &["signals_sent"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "clean",
        kind: Kind::Tests {
            solved: true,
            filters: &["no_signal_blocked"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "death",
        kind: Kind::Tests {
            solved: true,
            filters: &["dies_with_minidock"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "init",
        kind: Kind::Tests {
            solved: true,
            filters: &["init", "orphans_that_end"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 2,
        name: "explain",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-02 --explain run --init --hostname box \
                 ./target/rootfs/busybox sh -c 'echo \"my pid: $$\"'",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "pid-1",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-02 run ./target/rootfs/busybox \
                 sh -c 'echo \"my pid: $$\"; kill -KILL $$; echo \"still here\"'",
                "sudo ./target/debug/minidock-02 run --init ./target/rootfs/busybox \
                 sh -c 'echo \"my pid: $$\"'",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "forward",
        kind: Kind::Session {
            commands: &[
                "sudo timeout --preserve-status 1 ./target/debug/minidock-02 run \
                 ./target/rootfs/busybox \
                 sh -c 'trap \"echo got SIGTERM; exit 3\" TERM; echo waiting; while :; do sleep 0.2; done'",
                "echo $?",
                "sudo timeout --preserve-status 1 ./target/debug/minidock-02 run \
                 ./target/rootfs/busybox sleep 3",
                "echo $?",
                "sudo timeout --preserve-status 1 ./target/debug/minidock-02 run --init \
                 ./target/rootfs/busybox sleep 3",
                "echo $?",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "parents",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-02 run ./target/rootfs/busybox \
                 sh -c 'echo \"pid $$, parent $PPID\"'",
                "sudo ./target/debug/minidock-02 run --init ./target/rootfs/busybox \
                 sh -c 'echo \"pid $$, parent $PPID\"'",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "unshare-pid",
        kind: Kind::Session {
            commands: &["sudo unshare --pid --fork --mount-proc sh -c 'echo $$; ps'"],
        },
    },
    Spec {
        chapter: 2,
        name: "pid-1-by-hand",
        kind: Kind::Session {
            commands: &[
                "sudo unshare --pid --fork sh -c 'kill -TERM 1; echo \"still here\"'",
                "sudo unshare --pid --fork sh -c 'trap \"echo got TERM\" TERM; kill -TERM 1; \
                 echo \"still here\"'",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "zombie-by-hand",
        kind: Kind::Session {
            commands: &[
                "sudo unshare --pid --fork sh -c 'sh -c \"sleep 1 &\"; exec sleep 4' & \
                 sleep 2; ps -o stat=,args= --ppid \"$(pgrep -n -x -f 'sleep 4')\"; wait",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "zombie",
        kind: Kind::Session {
            commands: &[
                "sudo mknod -m 666 ./target/rootfs/busybox/dev/null c 1 3",
                "sudo ./target/debug/minidock-02 run ./target/rootfs/busybox \
                 sh -c 'sh -c \"sleep 1 &\"; exec sleep 4' & \
                 sleep 2; ps -o stat=,args= --ppid \"$(pgrep -n -x -f 'sleep 4')\"; wait",
                "sudo ./target/debug/minidock-02 run --init ./target/rootfs/busybox \
                 sh -c 'sh -c \"sleep 1 &\"; exec sleep 4' & \
                 sleep 2; ps -o stat=,args= --ppid \"$(pgrep -n -x -f 'sleep 4')\" \
                 || echo \"no children\"; wait",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "orphans-die",
        kind: Kind::Session {
            commands: &[
                "sudo mknod -m 666 ./target/rootfs/busybox/dev/null c 1 3",
                "sudo ./target/debug/minidock-02 run ./target/rootfs/busybox \
                 sh -c 'sleep 100 & echo started'",
                "pgrep -x -f 'sleep 100' || echo \"no sleep 100\"",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "stop",
        kind: Kind::Session {
            commands: &[
                "sudo timeout --preserve-status -k 3 1 ./target/debug/minidock-02 run \
                 ./target/rootfs/busybox sleep 30; echo $?",
                "sudo timeout --preserve-status -k 3 1 ./target/debug/minidock-02 run --init \
                 ./target/rootfs/busybox sleep 30; echo $?",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "proc-inside",
        kind: Kind::Session {
            commands: &[
                "sudo unshare -m ./target/debug/minidock-02 run ./target/rootfs/busybox \
                 sh -c 'mount -t proc proc /proc; ps'",
                "grep -c busybox/proc /proc/mounts",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_03::mounts_made_inside_stay_inside"),
        },
    },
    Spec {
        chapter: 3,
        name: "private",
        kind: Kind::Tests {
            solved: true,
            filters: &["mounts_made"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "pivot",
        kind: Kind::Tests {
            solved: true,
            filters: &["chroot_escape", "twenty_containers", "needs_no_name"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "proc",
        kind: Kind::Tests {
            solved: true,
            filters: &["proc_"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "dev",
        kind: Kind::Tests {
            solved: true,
            filters: &["dev_is"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "nodes",
        kind: Kind::Tests {
            solved: true,
            filters: &["dev_has"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "pts",
        kind: Kind::Tests {
            solved: true,
            filters: &["dev_pts"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "ipc",
        kind: Kind::Tests {
            solved: true,
            filters: &["dev_shm"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "sys",
        kind: Kind::Tests {
            solved: true,
            filters: &["sys_is"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "tmp",
        kind: Kind::Tests {
            solved: true,
            filters: &["tmp_is"],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 3,
        name: "explain",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-03 --explain run --hostname box \
                 ./target/rootfs/busybox true",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "inside",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ps",
                "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls /dev",
                "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox \
                 sh -c 'mount | grep -v \" / \"'",
                "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox touch /sys/x",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "bind",
        kind: Kind::Session {
            commands: &[
                "mkdir -p demo/a demo/b; touch demo/a/hello",
                "sudo unshare -m sh -c 'mount --bind demo/a demo/b; ls demo/b; mountpoint demo/b'",
                "ls demo/b; mountpoint demo/b",
                "rm -r demo",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "namespace",
        kind: Kind::Session {
            commands: &[
                "mkdir demo",
                "sudo unshare --mount sh -c 'mount -t tmpfs demo demo; mountpoint demo'",
                "mountpoint demo",
                "rmdir demo",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "leak",
        kind: Kind::Session {
            commands: &[
                "mkdir demo",
                "sudo unshare --mount sh -c 'mount --make-rshared /; \
                   unshare --mount --propagation unchanged mount -t tmpfs leak demo; \
                   mountpoint demo; umount demo; \
                   unshare --mount --propagation private mount -t tmpfs leak demo; \
                   mountpoint demo'",
                "rmdir demo",
            ],
        },
    },
    Spec {
        chapter: 4,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_04::the_container_is_in_a_cgroup_of_its_own_in_every_tree"),
        },
    },
    Spec {
        chapter: 4,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 4,
        name: "explain",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-04 --explain run --hostname box -m 64m --cpus 0.5 \
                 --pids-limit 100 --cgroup-parent /minidock-book ./target/rootfs/busybox true",
                CLEAN_BOOK_CGROUP,
            ],
        },
    },
    Spec {
        chapter: 4,
        name: "oom",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-04 run -m 16m --cgroup-parent /minidock-book \
                 ./target/rootfs/busybox sh -c 'x=a; while :; do x=$x$x; done'",
                "echo $?",
                CLEAN_BOOK_CGROUP,
            ],
        },
    },
    Spec {
        chapter: 4,
        name: "errors",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-04 run --memory 10q ./target/rootfs/busybox true",
                "sudo ./target/debug/minidock-04 run --memory 1k ./target/rootfs/busybox true",
                "sudo ./target/debug/minidock-04 run --cpus 0.001 ./target/rootfs/busybox true",
                "sudo ./target/debug/minidock-04 run --cpuset-cpus 99 ./target/rootfs/busybox true",
                "echo $?",
            ],
        },
    },
];

/// The cgroup parent the chapter 4 sessions use stays after them, as docker's /docker does:
/// they remove it (in every v1 hierarchy, or from the v2 tree).
const CLEAN_BOOK_CGROUP: &str = "sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null \
                                 || rmdir /sys/fs/cgroup/minidock-book'";

/// The seed that makes test values repeatable.
const SEED: &str = "the-book";

/// Every transcript, path → text. Builds and runs what it needs.
pub fn render(root: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let reference = gen::Reference::load(root)?;
    let states = gen::reference_states(root, &reference)?;
    let target = crate::run::target_dir(root);
    let mut out = BTreeMap::new();
    for spec in SPECS {
        let chapter =
            chapters::find(spec.chapter).context("a transcript names an unknown chapter")?;
        let text = match &spec.kind {
            Kind::Tests {
                solved,
                filters,
                show_failure,
            } => tests(
                root,
                &states,
                &target,
                chapter,
                *solved,
                filters,
                *show_failure,
            )?,
            Kind::Session { commands } => session(&states, &target, chapter, commands)?,
            Kind::Demo { script } => demo(&states, &target, chapter, script)?,
        };
        let (text, extension) = match spec.kind {
            Kind::Demo { .. } => (text, "sh"),
            _ => (steady_pids(&steady_ids(&text)), "txt"),
        };
        let path = root
            .join("book/transcripts")
            .join(chapter.crate_name())
            .join(format!("{}.{extension}", spec.name));
        out.insert(path, text);
    }
    Ok(out)
}

/// Writes the transcripts, or with `check` compares them with what is committed.
pub fn run(root: &Path, check: bool) -> Result<()> {
    let transcripts = render(root)?;
    let mut stale = Vec::new();
    for (path, text) in &transcripts {
        let current = fs::read_to_string(path).ok();
        if current.as_deref() == Some(text.as_str()) {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        if check {
            stale.push(rel);
        } else {
            fs::create_dir_all(path.parent().unwrap())?;
            fs::write(path, text)?;
            println!("wrote {rel}");
        }
    }
    if !stale.is_empty() {
        bail!(
            "the book's transcripts are out of date; run `cargo xtask transcripts` and commit:\n  {}",
            stale.join("\n  ")
        );
    }
    println!("{} transcript(s) up to date", transcripts.len());
    Ok(())
}

fn tests(
    root: &Path,
    states: &Path,
    target: &Path,
    chapter: &Chapter,
    solved: bool,
    filters: &[&str],
    show_failure: Option<&str>,
) -> Result<String> {
    let mut command = Command::new("cargo");
    command.current_dir(root).env("CARGO_TARGET_DIR", target);
    if solved {
        command
            .args(["test", "--manifest-path"])
            .arg(states.join("Cargo.toml"))
            .args(["-p", &format!("reference-{:02}", chapter.number)]);
    } else {
        command.args(["test", "-p", &chapter.crate_name()]);
    }
    command
        .args(["--test", "workshop", "--", "--test-threads=1"])
        .args(filters)
        .env("MINIDOCK_TEST_SEED", SEED)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let output = command
        .output()
        .context("running cargo test for a transcript")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // A solved chapter's run must pass and a starter's must fail: a flaky run is no transcript.
    if output.status.success() != solved {
        bail!(
            "the {} transcript's run {} unexpectedly:\n{stdout}",
            chapter.crate_name(),
            if solved { "failed" } else { "passed" }
        );
    }
    if stdout.trim().is_empty() {
        bail!(
            "cargo test printed nothing for the {} transcript",
            chapter.crate_name()
        );
    }
    let mut shown = format!("$ cargo test -p {} --test workshop", chapter.crate_name());
    if !filters.is_empty() {
        shown += &format!(" -- {}", filters.join(" "));
    }
    Ok(format!(
        "{shown}\n{}",
        tidy_test_output(&stdout, show_failure)
    ))
}

/// Takes out what changes from run to run, and all failure details but the one to show.
fn tidy_test_output(stdout: &str, show_failure: Option<&str>) -> String {
    let mut lines = Vec::new();
    let mut keep_block = true;
    let (mut dropped, mut failures_headings) = (0, 0);
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            keep_block = Some(name) == show_failure;
            dropped += usize::from(!keep_block);
        } else if line == "failures:" {
            keep_block = true;
            failures_headings += 1;
            // The second "failures:" heads the list of names, after the reports.
            if failures_headings == 2 && dropped > 0 {
                lines.push(format!(
                    "(... and {dropped} more reports like this one, left out here)"
                ));
                lines.push(String::new());
            }
        }
        if !keep_block || line.starts_with("note: run with `RUST_BACKTRACE=1`") {
            continue;
        }
        lines.push(without_varying_parts(line));
    }
    let mut text = lines.join("\n").trim_start_matches('\n').to_string();
    // Blocks that were dropped leave runs of blank lines behind.
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim_end().to_string() + "\n"
}

fn without_varying_parts(line: &str) -> String {
    let mut line = line.to_string();
    // "; finished in 0.61s"
    if let Some(at) = line.find("; finished in ") {
        line.truncate(at);
    }
    // "thread 'name' (12345) panicked at": the thread id.
    if let (Some(start), Some(end)) = (line.find("' ("), line.find(") panicked at")) {
        if start < end && line[start + 3..end].chars().all(|c| c.is_ascii_digit()) {
            line.replace_range(start + 1..end + 1, "");
        }
    }
    line
}

fn session(states: &Path, target: &Path, chapter: &Chapter, commands: &[&str]) -> Result<String> {
    let (scratch, path) = workshop_dir(states, target, chapter)?;
    let mut text = String::new();
    let mut last_status = 0;
    for &shown in commands {
        // The line is shown as written (with its line continuation joined up).
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        text += &format!("$ {shown}\n");
        if shown == "echo $?" {
            text += &format!("{last_status}\n");
            continue;
        }
        let (status, output) = run_shell(&scratch, &path, &["-c", &shown])?;
        last_status = status.code().unwrap_or(-1);
        text += &output;
    }
    let _ = fs::remove_dir_all(&scratch);
    Ok(text)
}

/// Runs a demo script; its text is the transcript, once it has succeeded.
fn demo(states: &Path, target: &Path, chapter: &Chapter, script: &str) -> Result<String> {
    let (scratch, path) = workshop_dir(states, target, chapter)?;
    let (status, output) = run_shell(&scratch, &path, &["-e", "-c", script])?;
    let _ = fs::remove_dir_all(&scratch);
    if !status.success() {
        bail!(
            "a demo of chapter {} failed ({status}):\n{script}\n--- it printed:\n{output}",
            chapter.number
        );
    }
    Ok(script.to_string())
}

/// Runs `sh ARGS` in `dir` with `path` as PATH and no input; returns its status and its
/// standard output and error, in the order written.
fn run_shell(dir: &Path, path: &str, args: &[&str]) -> Result<(std::process::ExitStatus, String)> {
    let log = dir.join("output");
    let file = fs::File::create(&log)?;
    let status = Command::new("sh")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .stdin(Stdio::null())
        // One file for both streams keeps the order in which they were written.
        .stdout(file.try_clone()?)
        .stderr(file)
        .status()
        .context("running a transcript's command")?;
    Ok((status, fs::read_to_string(&log)?))
}

/// A directory laid out like the workshop, with the chapter solved, and the PATH to run its
/// commands with.
fn workshop_dir(states: &Path, target: &Path, chapter: &Chapter) -> Result<(PathBuf, String)> {
    let built = Command::new("cargo")
        .args(["build", "--quiet", "--manifest-path"])
        .arg(states.join("Cargo.toml"))
        .args(["-p", &format!("reference-{:02}", chapter.number)])
        .env("CARGO_TARGET_DIR", target)
        .status()?;
    if !built.success() {
        bail!(
            "building the reference state of chapter {} failed",
            chapter.number
        );
    }
    // A directory laid out like the workshop, so the commands and the paths minidock narrates
    // are the learner's.
    let scratch = target.join("transcript-scratch");
    let _ = fs::remove_dir_all(&scratch);
    crate::try_it::busybox_rootfs(&scratch.join("target"))?;
    fs::create_dir_all(scratch.join("target/debug"))?;
    fs::copy(
        target
            .join("debug")
            .join(format!("minidock-ref-{:02}", chapter.number)),
        scratch.join("target/debug").join(chapter.binary()),
    )?;
    // `sudo` anywhere in a line (after a pipe too) is a stand-in that never asks: as root it
    // only runs the command (sudo may not even be installed), otherwise it is `sudo -n`.
    let shim = scratch.join("shim");
    fs::create_dir_all(&shim)?;
    let sudo = if crate::try_it::is_root() {
        "#!/bin/sh\nexec \"$@\"\n"
    } else {
        "#!/bin/sh\nexec /usr/bin/sudo -n \"$@\"\n"
    };
    fs::write(shim.join("sudo"), sudo)?;
    fs::set_permissions(shim.join("sudo"), fs::Permissions::from_mode(0o755))?;
    let path = format!(
        "{}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        shim.display()
    );
    Ok((scratch, path))
}

/// The pid minidock writes to a cgroup's `cgroup.procs` (under `--explain`) is the container's,
/// on the host: it becomes an example pid too.
fn steady_pids(text: &str) -> String {
    const EXAMPLE: &str = "4321";
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let pid = line
            .split_once("cgroup.procs\", \"")
            .and_then(|(_, rest)| rest.split('"').next())
            .filter(|pid| !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()));
        match pid {
            Some(pid) => {
                out += &line
                    .replace(&format!("\"{pid}\""), &format!("\"{EXAMPLE}\""))
                    .replace(&format!("echo {pid} "), &format!("echo {EXAMPLE} "))
            }
            None => out += line,
        }
    }
    out
}

/// The one value of a session that is random by design: the id minidock gives each container's
/// cgroup (`minidock-` and 12 hex digits). Every id becomes the same example id.
fn steady_ids(text: &str) -> String {
    const PREFIX: &str = "minidock-";
    const EXAMPLE: &str = "4f1c0e2a9b3d";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let (before, after) = rest.split_at(at + PREFIX.len());
        out += before;
        let id: String = after.chars().take(12).collect();
        let is_id = id.len() == 12 && id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
        let ends = !after[id.len()..].starts_with(|c: char| c.is_ascii_alphanumeric());
        if is_id && ends {
            out += EXAMPLE;
            rest = &after[12..];
        } else {
            rest = after;
        }
    }
    out + rest
}

#[cfg(test)]
mod tests {
    #[test]
    fn container_pids_are_steadied() {
        assert_eq!(
            super::steady_pids("+ write(\"/c/cgroup.procs\", \"5056\") # like: echo 5056 > /c/cgroup.procs\nx 5056\n"),
            "+ write(\"/c/cgroup.procs\", \"4321\") # like: echo 4321 > /c/cgroup.procs\nx 5056\n"
        );
    }

    #[test]
    fn container_ids_are_steadied() {
        assert_eq!(
            super::steady_ids("at /m/minidock-0a1b2c3d4e5f/cpu and minidock-04 and minidock-xyz"),
            "at /m/minidock-4f1c0e2a9b3d/cpu and minidock-04 and minidock-xyz"
        );
    }

    use super::*;

    #[test]
    fn varying_parts_are_removed() {
        assert_eq!(
            without_varying_parts("test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 14 filtered out; finished in 0.35s"),
            "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 14 filtered out"
        );
        assert_eq!(
            without_varying_parts("thread 'chapter_01::x' (40512) panicked at a.rs:1:2:"),
            "thread 'chapter_01::x' panicked at a.rs:1:2:"
        );
    }

    #[test]
    fn only_the_chosen_failure_is_kept() {
        let out = "\nrunning 2 tests\ntest a ... FAILED\ntest b ... FAILED\n\nfailures:\n\n---- a stdout ----\nwhy a\n\n---- b stdout ----\nwhy b\n\nfailures:\n    a\n    b\n\ntest result: FAILED. 0 passed; 2 failed; finished in 1.00s\n";
        let tidy = tidy_test_output(out, Some("b"));
        assert!(tidy.contains("why b"));
        assert!(!tidy.contains("why a"));
        assert!(tidy.contains("(... and 1 more reports like this one, left out here)"));
        assert!(tidy.ends_with("2 failed\n"));
        assert!(!tidy.contains("\n\n\n"));
    }
}
