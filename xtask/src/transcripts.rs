//! `cargo xtask transcripts`: the console sessions the book shows, made by really running them.
//!
//! A transcript is a test run (of a starter, or of a chapter's reference state) or a
//! `minidock --explain` run, written to book/transcripts/chapter-NN/NAME.txt. They are
//! deterministic, so `verify` can regenerate and compare them: tests run with seeded random
//! values (MINIDOCK_TEST_SEED, mixed with each test's name), their result lines are put in name
//! order (libtest's order when it runs one test at a time), and what varies from run to run
//! anyway (timings, thread ids) is taken out.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

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
    /// `sh -e` script in the same directory, it must succeed, so that no demo rots unseen. A
    /// demo for one cgroup version only runs where the host has that version; elsewhere its
    /// script is still written, and checked as text.
    Demo { script: &'static str, on: Hosts },
}

/// The hosts a demo runs on.
#[derive(Clone, Copy, PartialEq)]
enum Hosts {
    All,
    /// cgroup v1, or the hybrid layout, whose controllers are v1's.
    CgroupV1,
    /// cgroup v2 alone: a `cgroup2` filesystem at /sys/fs/cgroup.
    CgroupV2,
}

impl Hosts {
    fn include_this_one(self) -> bool {
        match self {
            Hosts::All => true,
            Hosts::CgroupV1 => !cgroup_v2(),
            Hosts::CgroupV2 => cgroup_v2(),
        }
    }
}

/// Whether this host's /sys/fs/cgroup is a cgroup2 filesystem, as minidock decides.
fn cgroup_v2() -> bool {
    let mounts = fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    mounts.lines().any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.get(1) == Some(&"/sys/fs/cgroup") && fields.get(2) == Some(&"cgroup2")
    })
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
            on: Hosts::All,
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
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 1,
        name: "explain-clone",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-01 --explain run ./target/rootfs/busybox true 2>&1 | grep -E 'fork|clone'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 1,
        name: "explain-true",
        kind: Kind::Demo {
            script: "sudo ./target/debug/minidock-01 --explain run ./target/rootfs/busybox true\n",
            on: Hosts::All,
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
            on: Hosts::All,
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
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 1,
        name: "ps-without-pid-namespace",
        kind: Kind::Demo {
            script: "\
sudo unshare -m sh -c 'mount -t proc proc ./target/rootfs/busybox/proc && ./target/debug/minidock-01 run ./target/rootfs/busybox ps'
",
            on: Hosts::All,
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
                 sh -c 'sleep 1000 & echo started'",
                "pgrep -x -f 'sleep 1000' || echo \"no sleep 1000\"",
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
        chapter: 2,
        name: "pid-namespace-from-host",
        kind: Kind::Demo {
            script: "\
sudo unshare --pid --fork --mount-proc sleep 100 &
sleep 1
sudo lsns -t pid                     # the new namespace, and the host pid of its first process
PID=$(sudo lsns -t pid -n -o PID,COMMAND | awk '$2 == \"sleep\" && $3 == \"100\" { print $1 }')
grep NSpid /proc/$PID/status         # that process's pids: on the host, then inside
ls -l /proc/$$/ns/pid /proc/$$/ns/pid_for_children
sudo kill -KILL \"$PID\"               # pid 1 of its namespace: see below why -KILL
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 2,
        name: "pid-1-from-host",
        kind: Kind::Demo {
            script: "\
sudo unshare --pid --fork sleep 100 &
sleep 1
sudo lsns -t pid                  # one line more: the namespace of \"sleep 100\"
PID=$(sudo lsns -t pid -n -o PID,COMMAND | awk '$2 == \"sleep\" && $3 == \"100\" { print $1 }')
sudo kill -TERM \"$PID\"            # nothing happens
sleep 1; ps -o stat=,args= -p \"$PID\"   # still there
sudo kill -KILL \"$PID\"            # this one works
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 2,
        name: "signal-state",
        kind: Kind::Demo {
            script: "\
grep -E 'SigBlk|SigIgn' /proc/self/status      # your shell's grep
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 2,
        name: "message-queues",
        kind: Kind::Demo {
            script: "\
ID=$(ipcmk -Q | sed 's/.*: //')               # Message queue id: ID
ipcs -q                                       # listed, with its key
sudo unshare --ipc ipcs -q                    # a new IPC namespace: empty
sudo unshare --ipc sh -c 'ipcmk -Q; ipcs -q'  # one queue, gone with the namespace
ipcs -q                                       # only your first one
ipcrm -q \"$ID\"
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 2,
        name: "pid-and-parent",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-02 run ./target/rootfs/busybox sh -c 'echo \"pid $$, parent $PPID\"'",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "ipc-by-hand",
        kind: Kind::Demo {
            script: "\
ID=$(ipcmk -Q | sed 's/.*: //')                # Message queue id: ID
sudo ./target/debug/minidock-02 run ./target/rootfs/busybox sleep 60 &
sleep 1
sudo lsns -t ipc                               # one line more: the namespace of \"sleep 60\"
PID=$(sudo lsns -t ipc -n -o PID,COMMAND | awk '$2 == \"sleep\" && $3 == \"60\" { print $1 }')
sudo nsenter --target \"$PID\" --ipc ipcs -q     # no queue
sudo kill -KILL \"$PID\"
ipcrm -q \"$ID\"
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 2,
        name: "sleep-ignores-term",
        kind: Kind::Session {
            commands: &[
                "sudo timeout --preserve-status 1 ./target/debug/minidock-02 run ./target/rootfs/busybox sleep 3; echo $?",
            ],
        },
    },
    Spec {
        chapter: 2,
        name: "sleep-with-init",
        kind: Kind::Session {
            commands: &[
                "sudo timeout --preserve-status 1 ./target/debug/minidock-02 run --init ./target/rootfs/busybox sleep 3; echo $?",
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
            filters: &["tmp_is", "without_mount_points"],
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
                 sh -c 'mount | grep -v \" / \" | cut -d\" \" -f1-5'",
                "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox touch /sys/x",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "mount-table",
        kind: Kind::Session {
            commands: &["sudo ./target/debug/minidock-03 run ./target/rootfs/busybox \
                 sh -c 'mount | grep -v \" / \"'"],
        },
    },
    Spec {
        chapter: 3,
        name: "tmpfs",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-03 run --tmpfs /tmp/cache:size=64k,mode=700 \
                 ./target/rootfs/busybox sh -c 'grep cache /proc/mounts; stat -c %a /tmp/cache'",
                "sudo ./target/debug/minidock-03 run --tmpfs /tmp/cache:exec,bogus=1 \
                 ./target/rootfs/busybox true",
                "sudo ./target/debug/minidock-03 run --tmpfs /tmp/cache:size=1x \
                 ./target/rootfs/busybox true",
                "echo $?",
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
        chapter: 3,
        name: "mount-table",
        kind: Kind::Demo {
            script: "\
findmnt                                  # the whole table, as a tree
findmnt -o TARGET,SOURCE,FSTYPE,OPTIONS /proc
head -3 /proc/self/mountinfo
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "ns-numbers",
        kind: Kind::Demo {
            script: "\
sudo unshare --mount sh -c 'ls -l /proc/$$/ns/mnt'   # the new namespace's number
ls -l /proc/$$/ns/mnt                                # your shell's: another number
sudo lsns -t mnt                                     # services with mount namespaces of their own
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "propagation",
        kind: Kind::Demo {
            script: "\
findmnt -o TARGET,PROPAGATION     # on a systemd machine: \"shared\" almost everywhere
grep shared: /proc/self/mountinfo | wc -l
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "private-by-hand",
        kind: Kind::Session {
            commands: &[
                "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox \
                 sh -c 'mkdir -p /scratch && mount -t tmpfs scratch /scratch && echo mounted'",
                "findmnt ./target/rootfs/busybox/scratch",
                "echo $?",
                "sudo rmdir ./target/rootfs/busybox/scratch",
            ],
        },
    },
    Spec {
        chapter: 3,
        name: "pivot-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls /..     # the image's /, nothing above
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls /proc   # empty
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "proc-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ps
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox mount
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "dev-by-hand",
        kind: Kind::Demo {
            script: "sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls -l /dev\n",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "nodes-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox ls -l /dev
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox sh -c 'head -c 16 /dev/urandom | od -x'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "pts-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-03 run ./target/rootfs/busybox sh -c 'exec 3<>/dev/ptmx; ls -l /dev/pts'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "escape",
        kind: Kind::Demo {
            script: r#"cat > escape.c <<'EOF'
/* escape.c: the classic way out of a chroot. Only root can do it. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    mkdir("hatch", 0700);             /* a directory below the current root */
    if (chroot("hatch") != 0) {       /* the root moves down, the working directory stays */
        perror("chroot");
        return 1;
    }
    for (int i = 0; i < 64; i++)
        chdir("..");                  /* climb: the root is never met */
    chroot(".");                      /* wherever the climb ended becomes the root */
    execl("/bin/sh", "sh", (char *)0);
    perror("execl");
    return 1;
}
EOF
gcc -static -o escape escape.c
sudo cp escape ./target/rootfs/busybox/escape
echo 'ls /home' | sudo chroot ./target/rootfs/busybox /escape     # the host's shell: its /home
echo 'ls /' | sudo ./target/debug/minidock-03 run ./target/rootfs/busybox /escape   # the image's /
sudo rm -r ./target/rootfs/busybox/escape ./target/rootfs/busybox/hatch escape escape.c
"#,
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "pivot-classic",
        kind: Kind::Demo {
            script: "\
sudo unshare --mount sh -e <<'EOF'   # every mount of the new namespace is private
mount --bind target/rootfs/busybox target/rootfs/busybox
cd target/rootfs/busybox
mkdir -p .old-root
pivot_root . .old-root               # the old root goes into the image's .old-root
cd /
ls /.old-root                        # the host's whole tree, still there
umount -l /.old-root && rmdir /.old-root
ls -a /                              # the image, and nothing above it
EOF
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 3,
        name: "pivot-in-place",
        kind: Kind::Demo {
            script: "\
sudo unshare --mount sh -e <<'EOF'
mount --bind target/rootfs/busybox target/rootfs/busybox
cd target/rootfs/busybox
pivot_root . .                       # the old root goes on top of the new one, at /
ls /                                 # the image: a path from / starts below the stack
ls /..                               # the host's whole tree: .. goes up onto the old root
umount -l .                          # the topmost mount at . goes: the old root
cd /
ls /..                               # the image again: there is nothing above it any more
EOF
",
            on: Hosts::All,
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
    Spec {
        chapter: 4,
        name: "cgroup-by-hand-v2",
        kind: Kind::Demo {
            script: "\
cd /sys/fs/cgroup
cat cgroup.controllers cgroup.subtree_control   # available here, and handed down
home=$(sed -n 's/^0:://p' /proc/$$/cgroup)      # where this shell is now
mkdir demo; ls demo                             # the kernel filled it in
echo $$ > demo/cgroup.procs                     # the shell joins demo
cat /proc/$$/cgroup                             # 0::/demo
cat demo/cgroup.procs                           # the shell, and cat itself: born in demo
echo 4 > demo/pids.max
sh -c 'for i in 1 2 3 4 5; do sleep 2 & done; wait' || echo \"sh gave up\"   # only two sleeps start
cat demo/pids.current demo/pids.events          # what runs now; how often a fork was refused
echo $$ > \"/sys/fs/cgroup$home/cgroup.procs\"    # back where it was
sleep 2; rmdir demo                             # once the sleeps are over
exit

",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "cgroup-by-hand-v1",
        kind: Kind::Demo {
            script: "\
cd /sys/fs/cgroup/pids
home=$(sed -n 's/^[0-9]*:pids://p' /proc/$$/cgroup)
mkdir demo
echo $$ > demo/cgroup.procs
cat /proc/$$/cgroup                             # pids:/demo; every other line unchanged
echo 4 > demo/pids.max
sh -c 'for i in 1 2 3 4 5; do sleep 2 & done; wait' || echo \"sh gave up\"
cat demo/pids.current demo/pids.events
echo $$ > \"/sys/fs/cgroup/pids$home/cgroup.procs\"
sleep 2; rmdir demo
exit
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 4,
        name: "find-cgroups",
        kind: Kind::Demo {
            script: "\
stat -fc %T /sys/fs/cgroup        # cgroup2fs: v2; tmpfs: v1 or hybrid
ls /sys/fs/cgroup                 # v2: the root's files; v1: one directory per hierarchy
findmnt -t cgroup,cgroup2         # the cgroup filesystems, with their options
cat /proc/self/cgroup             # where cat is: the place it was born in, its shell's
systemd-cgls --no-pager | head -30
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 4,
        name: "cgroupns-v2",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/demo
cat /proc/self/cgroup                                        # 0::/user.slice/...
sudo unshare --cgroup cat /proc/self/cgroup                  # 0::/
sudo unshare --cgroup sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs; cat /proc/self/cgroup'
sudo sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs; exec unshare --cgroup cat /proc/self/cgroup'
sudo rmdir /sys/fs/cgroup/demo
",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "cgroupns-v1",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/pids/demo
cat /proc/self/cgroup                                        # one line per hierarchy
sudo unshare --cgroup cat /proc/self/cgroup                  # every path is /
sudo unshare --cgroup sh -c 'echo $$ > /sys/fs/cgroup/pids/demo/cgroup.procs; grep pids /proc/self/cgroup'
sudo sh -c 'echo $$ > /sys/fs/cgroup/pids/demo/cgroup.procs; exec unshare --cgroup grep pids /proc/self/cgroup'
sudo rmdir /sys/fs/cgroup/pids/demo
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 4,
        name: "make-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-04 --explain run --cgroup-parent /minidock-book ./target/rootfs/busybox true 2>&1 | grep -E 'mkdir|subtree'
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 4,
        name: "move-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-04 run --cgroup-parent /minidock-book ./target/rootfs/busybox cat /proc/self/cgroup
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 4,
        name: "limits-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-04 run -m 16m --cgroup-parent /minidock-book ./target/rootfs/busybox sh -c 'x=a; while :; do x=$x$x; done' || echo $?
sudo ./target/debug/minidock-04 --explain run --pids-limit 50 --cpus 0.5 --cgroup-parent /minidock-book ./target/rootfs/busybox true 2>&1 | grep echo
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 4,
        name: "root-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-04 run -m 64m --cgroup-parent /minidock-book ./target/rootfs/busybox cat /proc/self/cgroup
sudo ./target/debug/minidock-04 run -m 64m --cgroup-parent /minidock-book ./target/rootfs/busybox ls /sys/fs/cgroup
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 4,
        name: "remove-by-hand",
        kind: Kind::Demo {
            script: "\
sudo ./target/debug/minidock-04 run -m 64m --cgroup-parent /minidock-book ./target/rootfs/busybox true
ls /sys/fs/cgroup/minidock-book/ 2>/dev/null | grep minidock- || echo nothing      # v2
ls /sys/fs/cgroup/memory/minidock-book/ 2>/dev/null | grep minidock- || echo nothing   # v1
sudo sh -c 'rmdir /sys/fs/cgroup/*/minidock-book 2>/dev/null || rmdir /sys/fs/cgroup/minidock-book'
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 4,
        name: "no-process-v2",
        kind: Kind::Demo {
            script: "\
sudo mkdir -p /sys/fs/cgroup/outer/inner
cat /sys/fs/cgroup/outer/cgroup.controllers       # what the root hands down to outer
ls /sys/fs/cgroup/outer/inner | grep memory.max || echo nothing   # outer hands nothing down yet
echo +memory | sudo tee /sys/fs/cgroup/outer/cgroup.subtree_control
ls /sys/fs/cgroup/outer/inner | grep memory.max   # there now, with the other memory files
sudo sh -c 'echo $$ > /sys/fs/cgroup/outer/cgroup.procs' || echo refused   # Device or resource busy
sudo rmdir /sys/fs/cgroup/outer/inner /sys/fs/cgroup/outer
",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "cpuset-v1",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/cpuset/empty
cat /sys/fs/cgroup/cpuset/empty/cpuset.cpus       # an empty line
sudo sh -c 'echo $$ > /sys/fs/cgroup/cpuset/empty/cgroup.procs' || echo refused   # No space left on device
cat /sys/fs/cgroup/cpuset/cpuset.cpus | sudo tee /sys/fs/cgroup/cpuset/empty/cpuset.cpus
cat /sys/fs/cgroup/cpuset/cpuset.mems | sudo tee /sys/fs/cgroup/cpuset/empty/cpuset.mems
sudo sh -c 'echo $$ > /sys/fs/cgroup/cpuset/empty/cgroup.procs; grep cpuset /proc/self/cgroup'
sudo rmdir /sys/fs/cgroup/cpuset/empty
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 4,
        name: "hog-v2",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/hog
echo 32M | sudo tee /sys/fs/cgroup/hog/memory.max
[ -e /sys/fs/cgroup/hog/memory.swap.max ] &&        # if the file exists
  echo 0 | sudo tee /sys/fs/cgroup/hog/memory.swap.max
sudo sh -c 'echo $$ > /sys/fs/cgroup/hog/cgroup.procs; x=a; while :; do x=$x$x; done' || echo $?
cat /sys/fs/cgroup/hog/memory.events
sudo rmdir /sys/fs/cgroup/hog
",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "hog-v1",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/memory/hog
echo 32M | sudo tee /sys/fs/cgroup/memory/hog/memory.limit_in_bytes
[ -e /sys/fs/cgroup/memory/hog/memory.memsw.limit_in_bytes ] &&    # if the file exists
  echo 32M | sudo tee /sys/fs/cgroup/memory/hog/memory.memsw.limit_in_bytes
sudo sh -c 'echo $$ > /sys/fs/cgroup/memory/hog/cgroup.procs; x=a; while :; do x=$x$x; done' || echo $?
cat /sys/fs/cgroup/memory/hog/memory.max_usage_in_bytes /sys/fs/cgroup/memory/hog/memory.failcnt
grep oom_kill /sys/fs/cgroup/memory/hog/memory.oom_control     # on kernels since 4.13
sudo rmdir /sys/fs/cgroup/memory/hog
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 4,
        name: "slow-v2",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/slow
echo '20000 100000' | sudo tee /sys/fs/cgroup/slow/cpu.max
sudo sh -c 'echo $$ > /sys/fs/cgroup/slow/cgroup.procs; exec timeout 5 sh -c \"while :; do :; done\"' || echo $?
cat /sys/fs/cgroup/slow/cpu.stat
sudo rmdir /sys/fs/cgroup/slow
",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "slow-v1",
        kind: Kind::Demo {
            script: "\
sudo mkdir -p /sys/fs/cgroup/cpu/slow /sys/fs/cgroup/cpuacct/slow
echo 20000 | sudo tee /sys/fs/cgroup/cpu/slow/cpu.cfs_quota_us
sudo sh -c 'echo $$ > /sys/fs/cgroup/cpu/slow/cgroup.procs; echo $$ > /sys/fs/cgroup/cpuacct/slow/cgroup.procs
            exec timeout 5 sh -c \"while :; do :; done\"' || echo $?
cat /sys/fs/cgroup/cpu/slow/cpu.stat /sys/fs/cgroup/cpuacct/slow/cpuacct.usage
sudo rmdir /sys/fs/cgroup/cpu/slow
[ ! -d /sys/fs/cgroup/cpuacct/slow ] || sudo rmdir /sys/fs/cgroup/cpuacct/slow
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 4,
        name: "freeze-v2",
        kind: Kind::Demo {
            script: "\
sudo timeout 10 ./target/debug/minidock-04 run --init --cgroup-parent /minidock-book ./target/rootfs/busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 1; done' &
sleep 2
echo 1 | sudo tee /sys/fs/cgroup/minidock-book/minidock-*/cgroup.freeze     # the counting stops
sleep 3
cat /sys/fs/cgroup/minidock-book/minidock-*/cgroup.events                    # frozen 1
echo 0 | sudo tee /sys/fs/cgroup/minidock-book/minidock-*/cgroup.freeze     # it goes on
wait                                                       # until timeout stops it
sudo rmdir /sys/fs/cgroup/minidock-book
",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "freeze-v1",
        kind: Kind::Demo {
            script: "\
sudo timeout 10 ./target/debug/minidock-04 run --init --cgroup-parent /minidock-book ./target/rootfs/busybox sh -c 'i=0; while :; do i=$((i+1)); echo $i; sleep 1; done' &
sleep 2
echo FROZEN | sudo tee /sys/fs/cgroup/freezer/minidock-book/minidock-*/freezer.state   # it stops
sleep 3
cat /sys/fs/cgroup/freezer/minidock-book/minidock-*/freezer.state                      # FROZEN
echo THAWED | sudo tee /sys/fs/cgroup/freezer/minidock-book/minidock-*/freezer.state   # it goes on
wait                                                                 # until timeout stops it
sudo rmdir /sys/fs/cgroup/*/minidock-book
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 4,
        name: "team-v2",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/team
echo 100M | sudo tee /sys/fs/cgroup/team/memory.max
sudo ./target/debug/minidock-04 run --cgroup-parent /team ./target/rootfs/busybox cat /sys/fs/cgroup/memory.max
sudo rmdir /sys/fs/cgroup/team
",
            on: Hosts::CgroupV2,
        },
    },
    Spec {
        chapter: 4,
        name: "team-v1",
        kind: Kind::Demo {
            script: "\
sudo mkdir /sys/fs/cgroup/memory/team
echo 100M | sudo tee /sys/fs/cgroup/memory/team/memory.limit_in_bytes
sudo ./target/debug/minidock-04 run --cgroup-parent /team ./target/rootfs/busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes
sudo rmdir /sys/fs/cgroup/*/team
",
            on: Hosts::CgroupV1,
        },
    },
    Spec {
        chapter: 5,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_05::an_imported_image_runs_with_its_config"),
        },
    },
    Spec {
        chapter: 5,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 5,
        name: "import",
        kind: Kind::Session {
            commands: &[
                IMPORT_BUSYBOX,
                "sudo ./target/debug/minidock-05 --root ./target/state images",
                "sudo ./target/debug/minidock-05 --root ./target/state run busybox ls /",
                "sudo ./target/debug/minidock-05 --root ./target/state run busybox",
                "echo $?",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "config",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-05 \
                 --root ./target/state import -c 'ENV GREETING=hello' -c 'WORKDIR /home/guest' \
                 -c 'CMD [\"sh\", \"-c\", \"echo $GREETING from $PWD\"]' - greeter",
                "sudo ./target/debug/minidock-05 --root ./target/state run greeter",
                "sudo ./target/debug/minidock-05 --root ./target/state run -e GREETING=bonjour \
                 -w /tmp greeter",
                "sudo ./target/debug/minidock-05 --root ./target/state run -h box greeter env",
                "sudo ./target/debug/minidock-05 --root ./target/state run --entrypoint echo \
                 greeter hello from the command line",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "store",
        kind: Kind::Session {
            commands: &[
                IMPORT_BUSYBOX,
                "sudo find ./target/state/image -maxdepth 3 | sort",
                "sudo cat ./target/state/image/repositories.json; echo",
                "sudo cat ./target/state/image/blobs/sha256/*; echo",
                "sudo sha256sum ./target/state/image/blobs/sha256/*",
                "sudo tar -C ./target/rootfs/busybox -c . | sha256sum",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "share",
        kind: Kind::Session {
            commands: &[
                IMPORT_BUSYBOX,
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-05 \
                 --root ./target/state import -c 'CMD [\"sh\"]' - box-shell",
                "sudo ./target/debug/minidock-05 --root ./target/state images",
                "sudo ls ./target/state/image/blobs/sha256 | wc -l",
                "sudo ls ./target/state/image/layers | wc -l",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "load-save",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-05 \
                 --root ./target/state import -c 'CMD [\"sh\"]' - busybox > /dev/null",
                "sudo ./target/debug/minidock-05 --root ./target/state save -o busybox.tar busybox",
                "tar -tvf busybox.tar",
                "sudo ./target/debug/minidock-05 --root ./target/other load -i busybox.tar",
                "sudo ./target/debug/minidock-05 --root ./target/other images --no-trunc",
                "sudo ./target/debug/minidock-05 --root ./target/state images --no-trunc",
                "sudo ./target/debug/minidock-05 --root ./target/other run busybox echo loaded",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "names",
        kind: Kind::Session {
            commands: &[
                IMPORT_BUSYBOX,
                "sudo ./target/debug/minidock-05 --root ./target/state tag busybox bb:v1",
                "sudo ./target/debug/minidock-05 --root ./target/state images",
                "sudo ./target/debug/minidock-05 --root ./target/state rmi busybox",
                "sudo ./target/debug/minidock-05 --root ./target/state image inspect \
                 -f '{{.Id}} {{json .RootFS.Layers}}' bb:v1",
                "sudo sh -c './target/debug/minidock-05 --root ./target/state run bb:v1 sh -c \
                 \"echo up; sleep 2\" > run.out & until grep -qs up run.out; do sleep 0.05; done; \
                 ./target/debug/minidock-05 --root ./target/state rmi bb:v1; echo $?; wait'",
                "sudo ./target/debug/minidock-05 --root ./target/state rmi bb:v1",
                "sudo ls ./target/state/image/layers | wc -l",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "writes",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-05 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-05 --root ./target/state run busybox sh -c \
                 'echo mine > /etc/motd; rm /etc/group; ls /etc; cat /etc/motd'",
                "sudo ./target/debug/minidock-05 --root ./target/state run busybox ls /etc",
                "sudo ls ./target/state/containers",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "explain",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-05 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-05 --root ./target/state --explain run --hostname box \
                 busybox true 2>&1 | sed -n '/MS_PRIVATE/,/umount2/p'",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "hostile",
        kind: Kind::Session {
            commands: &[
                "mkdir outside && ln -s \"$PWD/outside\" evil && tar -cf hostile.tar evil && rm evil",
                "mkdir evil && echo gotcha > evil/planted && tar -rf hostile.tar evil/planted \
                 && rm -r evil",
                "tar -tf hostile.tar",
                "sudo ./target/debug/minidock-05 --root ./target/state import hostile.tar evil",
                "echo $?",
                "echo gotcha > outside/planted && tar -C outside -P -cf climb.tar \
                 ../outside/planted && rm outside/planted",
                "tar -P -tf climb.tar",
                "sudo ./target/debug/minidock-05 --root ./target/state import climb.tar climb",
                "ls outside ./target/state/image/layers ./target/state/image/tmp",
            ],
        },
    },
    Spec {
        chapter: 5,
        name: "whiteout-layer",
        kind: Kind::Demo {
            script: "\
mkdir -p deletions/etc deletions/var/cache
touch deletions/etc/.wh.group deletions/var/cache/.wh..wh..opq
sudo tar -C deletions -c . | sudo ./target/debug/minidock-05 --root ./target/wh-state import - deletions
sudo ls -la ./target/wh-state/image/layers/*/diff/etc ./target/wh-state/image/layers/*/diff/var/cache
sudo rm -r deletions ./target/wh-state
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 5,
        name: "overlay-by-hand",
        kind: Kind::Demo {
            script: "\
mkdir -p /tmp/ovl/base/etc /tmp/ovl/top/etc /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
echo from base > /tmp/ovl/base/etc/motd
echo from top > /tmp/ovl/top/etc/motd
echo only in base > /tmp/ovl/base/etc/hostname
sudo unshare --mount sh -e <<'EOF'     # the mount lives and dies with this namespace
  cd /tmp/ovl
  mount -t overlay overlay -o lowerdir=top:base,upperdir=upper,workdir=work merged
  ls merged/etc                        # hostname motd: the union of both layers
  cat merged/etc/motd                  # from top: the leftmost lower layer wins
  echo a note > merged/etc/note        # a new file...
  ls upper/etc                         # ...lands in upper, and only there
  findmnt -o TARGET,SOURCE,FSTYPE merged
EOF
ls /tmp/ovl/merged                     # empty: the mount went with the namespace
sudo rm -r /tmp/ovl
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 5,
        name: "whiteouts-by-hand",
        kind: Kind::Demo {
            script: "\
mkdir -p /tmp/ovl/lower/etc/skel /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
touch /tmp/ovl/lower/etc/hosts /tmp/ovl/lower/etc/skel/.profile
sudo unshare --mount sh -e <<'EOF'
  cd /tmp/ovl
  mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged
  rm merged/etc/hosts
  ls -l upper/etc                      # c--------- ... 0, 0 hosts: a whiteout
  ls merged/etc lower/etc              # gone above, still there below
  rm -r merged/etc/skel && mkdir merged/etc/skel
  ls -a merged/etc/skel lower/etc/skel # empty above: upper/etc/skel is opaque
EOF
sudo rm -r /tmp/ovl
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 5,
        name: "copy-up-by-hand",
        kind: Kind::Demo {
            script: "\
mkdir -p /tmp/ovl/lower /tmp/ovl/upper /tmp/ovl/work /tmp/ovl/merged
head -c 1000000 /dev/zero > /tmp/ovl/lower/big
sudo unshare --mount sh -e <<'EOF'
  cd /tmp/ovl
  mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged
  stat -c '%i %s %n' lower/big merged/big   # one inode: merged shows the lower file
  echo >> merged/big                        # one byte appended...
  stat -c '%i %s %n' lower/big upper/big merged/big   # ...and the whole file copied up first
EOF
sudo rm -r /tmp/ovl
",
            on: Hosts::All,
        },
    },
    Spec {
        chapter: 6,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_06::run_d_prints_the_id_and_returns"),
        },
    },
    Spec {
        chapter: 6,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 6,
        name: "detached",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-06 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-06 --root ./target/state run -d --name web busybox \
                 sh -c 'echo hello; echo oops >&2; trap \"exit 3\" TERM; \
                 while :; do sleep 0.1; done'",
                "sudo ./target/debug/minidock-06 --root ./target/state ps",
                "until sudo ./target/debug/minidock-06 --root ./target/state logs web 2>&1 \
                 | grep -q oops; do sleep 0.1; done",
                "sudo ./target/debug/minidock-06 --root ./target/state logs web",
                "sudo ./target/debug/minidock-06 --root ./target/state stop web",
                "sudo ./target/debug/minidock-06 --root ./target/state ps -a",
                "sudo ./target/debug/minidock-06 --root ./target/state inspect \
                 -f '{{.State.Status}} {{.State.ExitCode}} {{.Name}}' web",
                "sudo ./target/debug/minidock-06 --root ./target/state rm web",
                "sudo ./target/debug/minidock-06 --root ./target/state ps -a",
            ],
        },
    },
    Spec {
        chapter: 7,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_07::run_it_gives_a_shell_its_own_terminal"),
        },
    },
    Spec {
        chapter: 7,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 7,
        name: "terminal",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-07 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-07 --root ./target/state run -t --rm busybox \
                 sh -c 'tty; echo $TERM; ls /dev/pts' | od -c | head -4",
                "sudo ./target/debug/minidock-07 --root ./target/state run -dit --name shell \
                 busybox sh > /dev/null",
                "sudo ./target/debug/minidock-07 --root ./target/state exec shell \
                 stat -c '%A %t,%T %n' /dev/pts/0 /dev/pts/ptmx",
                "sudo ./target/debug/minidock-07 --root ./target/state exec shell ps -o pid,tty,args",
                "sudo ./target/debug/minidock-07 --root ./target/state rm -f shell",
            ],
        },
    },
    Spec {
        chapter: 8,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_08::bridge_gives_eth0_an_address_and_a_default_route"),
        },
    },
    Spec {
        chapter: 8,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 8,
        name: "network",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-08 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-08 --root ./target/state run -d --name web busybox \
                 httpd -f -p 80 -h /etc",
                "sudo ./target/debug/minidock-08 --root ./target/state inspect \
                 -f '{{.NetworkSettings.IPAddress}} {{.NetworkSettings.MacAddress}}' web",
                // On the host while only the server runs: a container that has just ended leaves
                // its pair to the kernel, which deletes it a moment later.
                "ip -4 -o addr | awk '{print $2, $4}'",
                "ip -o link show master minidock0 | cut -d' ' -f2",
                "sudo ./target/debug/minidock-08 --root ./target/state run --rm busybox \
                 sh -c 'ip -f inet addr; ip route; wget -qO- http://172.17.0.2/hostname'",
                "sudo ./target/debug/minidock-08 --root ./target/state run --rm --network none \
                 busybox ip -f inet addr",
                "sudo ./target/debug/minidock-08 --root ./target/state rm -f web",
            ],
        },
    },
    Spec {
        chapter: 9,
        name: "starter",
        kind: Kind::Tests {
            solved: false,
            filters: &[],
            show_failure: Some("chapter_09::a_published_port_answers_from_outside_and_from_the_host"),
        },
    },
    Spec {
        chapter: 9,
        name: "solved",
        kind: Kind::Tests {
            solved: true,
            filters: &[],
            show_failure: None,
        },
    },
    Spec {
        chapter: 9,
        name: "published",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-09 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-09 --root ./target/state run -d --name web \
                 -p 8080:80 busybox httpd -f -p 80 -h /etc",
                "sudo ./target/debug/minidock-09 --root ./target/state port web",
                "busybox wget -qO- http://127.0.0.1:8080/hostname",
                "sudo nft list table ip minidock",
                "sudo ./target/debug/minidock-09 --root ./target/state run --rm --name web2 \
                 -p 8080:80 busybox true",
                "echo $?",
                "sudo ./target/debug/minidock-09 --root ./target/state rm -f web",
                "sudo nft list chain ip minidock ports",
            ],
        },
    },
    Spec {
        chapter: 9,
        name: "networks",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-09 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-09 --root ./target/state network create \
                 --subnet 10.1.0.0/24 front",
                "sudo ./target/debug/minidock-09 --root ./target/state network create back",
                "sudo ./target/debug/minidock-09 --root ./target/state network ls",
                "sudo ./target/debug/minidock-09 --root ./target/state run -d --name web \
                 --network front --ip 10.1.0.10 busybox httpd -f -p 80 -h /etc",
                "sudo ./target/debug/minidock-09 --root ./target/state run --rm --network front \
                 busybox wget -qO- http://10.1.0.10/hostname",
                "sudo ./target/debug/minidock-09 --root ./target/state run --rm --network back \
                 busybox nc -w 2 10.1.0.10 80",
                "echo $?",
                "sudo nft list chain ip minidock forward",
                "sudo nft list chain ip minidock isolate",
                "sudo ./target/debug/minidock-09 --root ./target/state network rm front",
                "sudo ./target/debug/minidock-09 --root ./target/state rm -f web",
                "sudo ./target/debug/minidock-09 --root ./target/state network rm front back",
            ],
        },
    },
    Spec {
        chapter: 9,
        name: "explain",
        kind: Kind::Session {
            commands: &[
                "sudo tar -C ./target/rootfs/busybox -c . | sudo ./target/debug/minidock-09 \
                 --root ./target/state import - busybox > /dev/null",
                "sudo ./target/debug/minidock-09 --root ./target/state run --rm busybox true",
                "sudo ./target/debug/minidock-09 --root ./target/state --explain run --rm \
                 -p 127.0.0.1:8080:80 busybox true 2>&1 | sed -n '/socket(/,/^EOF/p'",
            ],
        },
    },
];

/// The command that puts the busybox root filesystem into a chapter 5 session's image store, as
/// the image `busybox`.
const IMPORT_BUSYBOX: &str = "sudo tar -C ./target/rootfs/busybox -c . | sudo \
                              ./target/debug/minidock-05 --root ./target/state import - busybox";

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
    // Each transcript's path and text, or what went wrong, once made.
    type Made = Mutex<Option<Result<(PathBuf, String)>>>;
    let rendered: Vec<Made> = SPECS.iter().map(|_| Mutex::new(None)).collect();
    let one = |i: usize| {
        let result = render_one(root, &states, &target, &SPECS[i]);
        *rendered[i].lock().unwrap() = Some(result);
    };
    // Test runs first, one at a time: each is a whole suite, as many tests at once as it likes.
    for (i, spec) in SPECS.iter().enumerate() {
        if let Kind::Tests { .. } = spec.kind {
            one(i);
        }
    }
    // Then the sessions and demos, which mostly wait (for the `sleep`s that show what a process
    // does meanwhile): a chapter's in order in a directory of its own, a few chapters at once.
    const AT_ONCE: usize = 4;
    let mut chapters: Vec<u32> = SPECS.iter().map(|s| s.chapter).collect();
    chapters.dedup();
    let queue = Mutex::new(chapters.into_iter());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| loop {
                let Some(chapter) = queue.lock().unwrap().next() else {
                    break;
                };
                for (i, spec) in SPECS.iter().enumerate() {
                    if spec.chapter == chapter && !matches!(spec.kind, Kind::Tests { .. }) {
                        one(i);
                    }
                }
            });
        }
    });
    let mut out = BTreeMap::new();
    for result in rendered {
        let (path, text) = result
            .into_inner()
            .unwrap()
            .expect("every transcript was made")?;
        out.insert(path, text);
    }
    Ok(out)
}

/// One transcript: its path and its text.
fn render_one(root: &Path, states: &Path, target: &Path, spec: &Spec) -> Result<(PathBuf, String)> {
    let started = std::time::Instant::now();
    let chapter = chapters::find(spec.chapter).context("a transcript names an unknown chapter")?;
    let text = match &spec.kind {
        Kind::Tests {
            solved,
            filters,
            show_failure,
        } => tests(
            root,
            states,
            target,
            chapter,
            *solved,
            filters,
            *show_failure,
        )?,
        Kind::Session { commands } => session(states, target, chapter, commands)?,
        Kind::Demo { script, on } => {
            // The script runs as the reader sees it: in a list item, the book shows it
            // without the item's indentation (which would hide a here-document's end).
            if on.include_this_one() {
                demo(states, target, chapter, script)?;
            }
            as_included(root, chapter, spec.name, script)?
        }
    };
    let (text, extension) = match spec.kind {
        Kind::Demo { .. } => (text, "sh"),
        _ => (
            steady_links(&steady_tables(&steady_times(&steady_digests(
                &steady_pids(&steady_ids(&text)),
                spec.name,
            )))),
            "txt",
        ),
    };
    let path = root
        .join("book/transcripts")
        .join(chapter.crate_name())
        .join(format!("{}.{extension}", spec.name));
    if std::env::var_os("MINIDOCK_TRANSCRIPT_TIMES").is_some() {
        eprintln!(
            "transcripts: {} {} in {:.1} s",
            chapter.crate_name(),
            spec.name,
            started.elapsed().as_secs_f64()
        );
    }
    Ok((path, text))
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
            // What differs, for a run whose output is all one has (CI): the
            // rendered text beside the committed one, compared by diff(1).
            let got = crate::run::target_dir(root)
                .join("transcripts-got")
                .join(&rel);
            fs::create_dir_all(got.parent().unwrap())?;
            fs::write(&got, text)?;
            let _ = Command::new("diff").arg("-u").arg(path).arg(&got).status();
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
    let (passed, stdout) = if solved && filters.is_empty() {
        solved_run(root, states, chapter)?
    } else if solved {
        let mut command = Command::new("cargo");
        command
            .current_dir(root)
            .env("CARGO_TARGET_DIR", target)
            .args(["test", "--manifest-path"])
            .arg(states.join("Cargo.toml"))
            .args(["-p", &format!("reference-{:02}", chapter.number)]);
        workshop_tests(&mut command, filters)?
    } else if filters.is_empty() {
        starter_run(root, chapter)?
    } else {
        let mut command = Command::new("cargo");
        command
            .current_dir(root)
            .env("CARGO_TARGET_DIR", target)
            .args(["test", "-p", &chapter.crate_name()]);
        workshop_tests(&mut command, filters)?
    };
    // A solved chapter's run must pass and a starter's must fail: a flaky run is no transcript.
    if passed != solved {
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

/// Runs `command` (a `cargo test` naming its package) on the `workshop` tests, as a transcript
/// shows them: the book's seed, in parallel as a learner runs them (the result lines are sorted
/// afterwards). Returns whether they passed, and what libtest printed.
fn workshop_tests(command: &mut Command, filters: &[&str]) -> Result<(bool, String)> {
    command
        .args(["--test", "workshop", "--"])
        .args(filters)
        .env("MINIDOCK_TEST_SEED", SEED)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let output = command
        .output()
        .context("running cargo test for a transcript")?;
    Ok((
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    ))
}

/// The workshop's tests of chapter `chapter`'s reference state (in the reference states'
/// workspace `states`), as its "solved" transcript runs them; run once, and shared with verify's
/// step of the reference states, which also needs them.
pub fn solved_run(root: &Path, states: &Path, chapter: &Chapter) -> Result<(bool, String)> {
    let package = format!("reference-{:02}", chapter.number);
    if let Some(run) = SOLVED_RUNS.lock().unwrap().get(&package) {
        return Ok(run.clone());
    }
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", crate::run::target_dir(root))
        .args(["test", "--manifest-path"])
        .arg(states.join("Cargo.toml"))
        .args(["-p", &package]);
    let run = workshop_tests(&mut command, &[])?;
    SOLVED_RUNS.lock().unwrap().insert(package, run.clone());
    Ok(run)
}

static SOLVED_RUNS: Mutex<BTreeMap<String, (bool, String)>> = Mutex::new(BTreeMap::new());

/// The runs of the starters' tests made by this process, by package.
static STARTER_RUNS: Mutex<BTreeMap<String, (bool, String)>> = Mutex::new(BTreeMap::new());

/// `cargo test -p chapter-NN --test workshop` on the starter, as the chapter's transcript shows
/// it: made once per process, so verify's starter check and the transcripts share one run.
pub fn starter_run(root: &Path, chapter: &Chapter) -> Result<(bool, String)> {
    let package = chapter.crate_name();
    if let Some(run) = STARTER_RUNS.lock().unwrap().get(&package) {
        return Ok(run.clone());
    }
    let mut command = Command::new("cargo");
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", crate::run::target_dir(root))
        .args(["test", "-p", &package]);
    let run = workshop_tests(&mut command, &[])?;
    STARTER_RUNS.lock().unwrap().insert(package, run.clone());
    Ok(run)
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
        if !keep_block
            || line.starts_with("note: run with `RUST_BACKTRACE=1`")
            || line.ends_with("has been running for over 60 seconds")
        {
            continue;
        }
        lines.push(without_varying_parts(line));
    }
    sort_results(&mut lines);
    let mut text = lines.join("\n").trim_start_matches('\n').to_string();
    // Blocks that were dropped leave runs of blank lines behind.
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim_end().to_string() + "\n"
}

/// Puts each run of `test NAME ... RESULT` lines in name order: tests that run in parallel
/// report in the order they end.
fn sort_results(lines: &mut [String]) {
    let is_result = |line: &String| line.starts_with("test ") && line.contains(" ... ");
    let mut start = 0;
    while start < lines.len() {
        if !is_result(&lines[start]) {
            start += 1;
            continue;
        }
        let end = start + lines[start..].iter().take_while(|l| is_result(l)).count();
        // A name is followed by a space, which sorts before every character a name has.
        lines[start..end].sort();
        start = end;
    }
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
    in_scratch_network(|| session_here(states, target, chapter, commands))
}

/// Runs `f` with this thread, and every process it starts, in a new network namespace of its
/// own, with lo up: a session's bridges and veths (chapter 8 on) are made there, never on the
/// machine's own network, and go with the namespace when `f` returns.
fn in_scratch_network<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    let own = fs::File::open("/proc/thread-self/ns/net")
        .context("opening this thread's network namespace")?;
    // SAFETY: unshare(2) moves only the calling thread into a new network namespace.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        bail!("unshare(CLONE_NEWNET): {}", std::io::Error::last_os_error());
    }
    let up = Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status();
    let result = match up {
        Ok(status) if status.success() => f(),
        _ => Err(anyhow::anyhow!(
            "bringing lo up in a scratch network namespace (ip, from iproute2)"
        )),
    };
    // SAFETY: setns(2) back to the namespace this thread was in, by a descriptor held here.
    if unsafe { libc::setns(std::os::fd::AsRawFd::as_raw_fd(&own), libc::CLONE_NEWNET) } != 0 {
        bail!(
            "setns back to this thread's network namespace: {}",
            std::io::Error::last_os_error()
        );
    }
    result
}

fn session_here(
    states: &Path,
    target: &Path,
    chapter: &Chapter,
    commands: &[&str],
) -> Result<String> {
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

/// A demo's script as its file must read where the chapter includes it: mdBook pastes the file
/// in as it is, so in an indented block (a list item's) every line after the first needs the
/// indentation of the include line, or the block ends at the first line without it.
fn as_included(root: &Path, chapter: &Chapter, name: &str, script: &str) -> Result<String> {
    let page = root
        .join("book/src")
        .join(format!("chapter-{:02}.md", chapter.number));
    let page = fs::read_to_string(&page).with_context(|| format!("reading {}", page.display()))?;
    let include = format!(
        "{{{{#include ../transcripts/{}/{name}.sh}}}}",
        chapter.crate_name()
    );
    let indent = page
        .lines()
        .find_map(|line| line.strip_suffix(include.as_str()))
        .filter(|before| before.chars().all(|c| c == ' '))
        .unwrap_or("");
    Ok(indented(script, indent))
}

/// `text` with `indent` before every line but the first and the empty ones.
fn indented(text: &str, indent: &str) -> String {
    let mut lines = text.split_inclusive('\n');
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        if line != "\n" {
            out += indent;
        }
        out += line;
    }
    out
}

/// Runs a demo script, which must succeed.
fn demo(states: &Path, target: &Path, chapter: &Chapter, script: &str) -> Result<()> {
    let (scratch, path) = workshop_dir(states, target, chapter)?;
    let (status, output) =
        in_scratch_network(|| run_shell(&scratch, &path, &["-e", "-c", script]))?;
    let _ = fs::remove_dir_all(&scratch);
    if !status.success() {
        bail!(
            "a demo of chapter {} failed ({status}):\n{script}\n--- it printed:\n{output}",
            chapter.number
        );
    }
    Ok(())
}

/// Runs `sh ARGS` in `dir` with `path` as PATH and no input; returns its status and its
/// standard output and error, in the order written.
fn run_shell(dir: &Path, path: &str, args: &[&str]) -> Result<(std::process::ExitStatus, String)> {
    let log = dir.join("output");
    let file = fs::File::create(&log)?;
    let mut command = Command::new("sh");
    // The session starts with its three standard streams alone, whatever this process was given
    // (flock(1)'s lock, a CI runner's pipes): what minidock narrates of its own descriptors
    // (`bind(11, ...)`) is then the same on every machine.
    // SAFETY: close_range(2) is async-signal-safe, and closes only what the child inherited.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
            Ok(())
        });
    }
    let status = command
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
    // are the learner's; one per chapter, whose sessions run beside other chapters'.
    let scratch = target.join("transcript-scratch").join(chapter.crate_name());
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

/// The one value of a session that is random by design: the id minidock gives each container
/// (12 hex digits), seen in its cgroup's name (`minidock-ID`) and in its directory
/// (`containers/ID`), in `rmi`'s refusal (`container ID is using ...`), and wherever else it
/// shows (its default host name). Every id becomes the same example id.
fn steady_ids(text: &str) -> String {
    const PREFIXES: [&str; 3] = ["minidock-", "containers/", "container "];
    const EXAMPLE: &str = "4f1c0e2a9b3d";
    let mut ids = Vec::new();
    for prefix in PREFIXES {
        for (at, _) in text.match_indices(prefix) {
            let start = at + prefix.len();
            let run = hex_run(&text[start..]);
            if run.len() == 12
                && !text[start + 12..].starts_with(|c: char| c.is_ascii_alphanumeric())
            {
                ids.push(run.to_string());
            }
        }
    }
    // A full id (64 digits) whose short form is steadied starts the same way, as it did.
    replace_hex_runs(text, |run| {
        let short = run
            .get(..12)
            .filter(|_| run.len() == 12 || run.len() == 64)?;
        ids.iter()
            .any(|id| id == short)
            .then(|| format!("{EXAMPLE}{}", &run[12..]))
    })
}

/// The leading lowercase hex digits of `text`.
fn hex_run(text: &str) -> &str {
    let end = text
        .find(|c: char| !matches!(c, '0'..='9' | 'a'..='f'))
        .unwrap_or(text.len());
    &text[..end]
}

/// `text` with every whole run of hex digits (one with no letter or digit on either side) that
/// `map` knows replaced by what it says.
fn replace_hex_runs(text: &str, mut map: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut after_word = false;
    while let Some(c) = rest.chars().next() {
        if matches!(c, '0'..='9' | 'a'..='f') && !after_word {
            let run = hex_run(rest);
            let whole = !rest[run.len()..].starts_with(|c: char| c.is_ascii_alphanumeric());
            match map(run).filter(|_| whole) {
                Some(new) => out += &new,
                None => out += run,
            }
            after_word = true;
            rest = &rest[run.len()..];
            continue;
        }
        after_word = c.is_ascii_alphanumeric();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Digests change from run to run: an image's id is the digest of its config, which holds the
/// time it was made, and a layer's diff id the digest of its tar stream, which holds its files'
/// times. Each distinct digest (64 hex digits) becomes an example one, numbered apart for layers
/// (a digest seen in a `layers/` path) and images, and its first 12 digits, a short id, follow.
/// A layer made of the same files has the same diff id in every session, and so the same example;
/// an image imported in another session is another image, with another id: the images' examples
/// depend on the session's `name` too.
fn steady_digests(text: &str, name: &str) -> String {
    // FNV-1a: a number of the session's name.
    let session = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut found: Vec<String> = Vec::new();
    replace_hex_runs(text, |run| {
        if run.len() == 64 && !found.iter().any(|f| f == run) {
            found.push(run.to_string());
        }
        None
    });
    // A short id in a table's first column (`network ls`) whose whole id the session never
    // printed (the predefined networks'): an example of its own too.
    for line in text.lines() {
        let run = hex_run(line);
        let first_column = run.len() == 12 && line[12..].starts_with("   ");
        if first_column && !found.iter().any(|f| f.starts_with(run)) {
            found.push(run.to_string());
        }
    }
    let (mut layers, mut images) = (0, 0);
    let examples: Vec<(String, String)> = found
        .into_iter()
        .map(|digest| {
            let counter = if text.contains(&format!("layers/{digest}")) {
                layers += 1;
                (1, layers)
            } else {
                images += 1;
                (session | 2, images)
            };
            (digest, example_digest(counter.0, counter.1))
        })
        .collect();
    // A container's veth on the host is named after its id (chapter 8): `veth` and 11 digits.
    let mut text = text.to_string();
    for (digest, example) in examples.iter().filter(|(digest, _)| digest.len() == 64) {
        text = text.replace(
            &format!("veth{}", &digest[..11]),
            &format!("veth{}", &example[..11]),
        );
    }
    replace_hex_runs(&text, |run| {
        examples.iter().find_map(|(digest, example)| {
            if run == digest {
                // As long as what it stands for: a short id's example is short too.
                Some(example[..digest.len()].to_string())
            } else if run.len() == 12 && digest.starts_with(run) {
                Some(example[..12].to_string())
            } else {
                None
            }
        })
    })
}

/// A layer's short name, `l/` and 16 random letters of base 32, changes with every store: each
/// distinct one becomes an example name, always the same.
fn steady_links(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let is_name = |s: &str| s.len() == 16 && s.bytes().all(|b| ALPHABET.contains(&b));
    let mut found: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("l/") {
        let (before, after) = rest.split_at(at + 2);
        out += before;
        rest = after;
        let Some(name) = rest.get(..16).filter(|name| is_name(name)) else {
            continue;
        };
        if rest[16..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let n = match found.iter().position(|f| f == name) {
            Some(n) => n,
            None => {
                found.push(name.to_string());
                found.len() - 1
            }
        };
        let example = example_digest(7, n as u64);
        out.extend(
            example
                .bytes()
                .take(16)
                .map(|b| ALPHABET[usize::from(b) * 7 % 32] as char),
        );
        rest = &rest[16..];
    }
    out + rest
}

/// The `n`th example digest of a kind: 64 hex digits that look like a digest, always the same.
fn example_digest(kind: u64, n: u64) -> String {
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ kind.rotate_left(32) ^ n;
    (0..4)
        .map(|_| {
            // xorshift64*: enough to look random, and repeatable.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            format!("{:016x}", state.wrapping_mul(0x2545_f491_4f6c_dd1d))
        })
        .collect()
}

/// The times an image's config records (`"created":"2026-11-30T09:18:27Z"`): each becomes one
/// example time.
fn steady_times(text: &str) -> String {
    const EXAMPLE: &str = "2026-11-30T09:00:00Z";
    let shape = "dddd-dd-ddTdd:dd:ddZ";
    let fits = |s: &str| {
        s.len() == shape.len()
            && s.bytes().zip(shape.bytes()).all(|(c, p)| match p {
                b'd' => c.is_ascii_digit(),
                p => c == p,
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if rest.len() >= shape.len()
            && rest.is_char_boundary(shape.len())
            && fits(&rest[..shape.len()])
        {
            out += EXAMPLE;
            rest = &rest[shape.len()..];
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `minidock images` says how long ago each image was made: an image made a moment before is
/// "Less than a second ago", or "1 second ago" when the second turned meanwhile. Such cells
/// become the first, and the table is laid out again as docker lays it out: each column as wide
/// as its widest cell, then three spaces.
fn steady_tables(text: &str) -> String {
    let mut out = Vec::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let flush = |table: &mut Option<Vec<Vec<String>>>, out: &mut Vec<String>| {
        let Some(rows) = table.take() else { return };
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    line += cell;
                } else {
                    line += &format!("{cell:<width$}   ", width = widths[c]);
                }
            }
            out.push(line.trim_end().to_string());
        }
    };
    let mut containers: Option<(Vec<usize>, Vec<Vec<String>>)> = None;
    for line in text.split('\n') {
        if line.starts_with("CONTAINER ID ") && line.contains("STATUS") {
            flush(&mut table, &mut out);
            containers = Some((column_starts(line), Vec::new()));
        } else if containers.is_some() && (line.is_empty() || line.starts_with("$ ")) {
            let (_, rows) = containers.take().expect("a table");
            out.extend(docker_table(&rows));
        }
        if let Some((starts, rows)) = containers.as_mut() {
            rows.push(container_row(line, starts));
            continue;
        }
        if line.starts_with("REPOSITORY ") && line.contains("CREATED") {
            flush(&mut table, &mut out);
            table = Some(Vec::new());
        } else if table.is_some() && (line.is_empty() || line.starts_with("$ ")) {
            flush(&mut table, &mut out);
        }
        match table.as_mut() {
            Some(rows) => rows.push(
                line.split("   ")
                    .map(str::trim)
                    .filter(|cell| !cell.is_empty())
                    .map(|cell| {
                        let recent = cell == "1 second ago"
                            || cell
                                .strip_suffix(" seconds ago")
                                .is_some_and(|n| n.parse::<u32>().is_ok());
                        if recent {
                            "Less than a second ago".to_string()
                        } else {
                            cell.to_string()
                        }
                    })
                    .collect(),
            ),
            None => out.push(line.to_string()),
        }
    }
    flush(&mut table, &mut out);
    if let Some((_, rows)) = containers.take() {
        out.extend(docker_table(&rows));
    }
    out.join("\n")
}

/// Where each column of a `ps` table starts, from its heading: each heading is one or two words
/// (`CONTAINER ID`) followed by at least three spaces.
fn column_starts(heading: &str) -> Vec<usize> {
    let chars: Vec<char> = heading.chars().collect();
    let mut starts = vec![0];
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            let spaces = chars[i..].iter().take_while(|&&c| c == ' ').count();
            if spaces >= 3 && i + spaces < chars.len() {
                starts.push(i + spaces);
            }
            i += spaces;
        } else {
            i += 1;
        }
    }
    starts
}

/// A row of a `ps` table, cut where its heading's columns start, its times steadied as
/// `steady_tables` steadies them.
fn container_row(line: &str, starts: &[usize]) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let cell = |c: usize| -> String {
        let from = starts[c].min(chars.len());
        let to = starts
            .get(c + 1)
            .map_or(chars.len(), |&s| s.min(chars.len()));
        chars[from..to]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    };
    (0..starts.len())
        .map(|c| {
            let text = cell(c);
            if text.ends_with(" ago") && text.starts_with("Exited (") {
                let code = text.split(')').next().unwrap_or("Exited (0");
                format!("{code}) Less than a second ago")
            } else if text.ends_with(" ago") {
                "Less than a second ago".to_string()
            } else if text.starts_with("Up ") {
                "Up Less than a second".to_string()
            } else {
                text
            }
        })
        .collect()
}

/// Rows laid out as docker's tabwriter lays them out: each column as wide as its widest cell and
/// three spaces, ten at least; the last one as it is.
fn docker_table(rows: &[Vec<String>]) -> Vec<String> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == row.len() {
                    line += cell;
                } else {
                    let width = (widths[c] + 3).max(10);
                    line += &format!("{cell:<width$}");
                }
            }
            line.trim_end().to_string()
        })
        .collect()
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
    fn container_ids_are_steadied_wherever_they_show() {
        assert_eq!(
            super::steady_ids(
                "hostname 0a1b2c3d4e5f at ./s/containers/0a1b2c3d4e5f/diff, 0a1b2c3d4e5f0"
            ),
            "hostname 4f1c0e2a9b3d at ./s/containers/4f1c0e2a9b3d/diff, 0a1b2c3d4e5f0"
        );
        let rest = "9".repeat(52);
        assert_eq!(
            super::steady_ids(&format!("container 0a1b2c3d4e5f is 0a1b2c3d4e5f{rest}")),
            format!("container 4f1c0e2a9b3d is 4f1c0e2a9b3d{rest}")
        );
    }

    #[test]
    fn short_layer_names_are_steadied() {
        let text = "lowerdir=image/l/TANSACHJZP3TUSDQ:image/l/ABCDEFGHIJKLMNOP,upperdir=x\nimage/l/TANSACHJZP3TUSDQ\nl/SHORT\n";
        let steady = steady_links(text);
        assert_eq!(
            steady,
            steady_links(&text.replace("TANSACHJZP3TUSDQ", "QQQQQQQQQQQQQQQQ"))
        );
        assert!(!steady.contains("TANSACHJZP3TUSDQ") && steady.ends_with("l/SHORT\n"));
        let names: Vec<&str> = steady
            .split("l/")
            .skip(1)
            .map(|r| &r[..16])
            .take(3)
            .collect();
        assert_eq!(names[0], names[2]);
        assert_ne!(names[0], names[1]);
    }

    #[test]
    fn digests_short_ids_and_times_are_steadied() {
        let (image, layer) = ("ab".repeat(32), "cd".repeat(32));
        let text = format!(
            "sha256:{image}\nbusybox latest {} x\nlowerdir=./s/image/layers/{layer}\n{layer}  -\n\"created\":\"2026-12-01T10:11:12Z\"\n",
            &image[..12]
        );
        let steady = super::steady_times(&super::steady_digests(&text, "a-session"));
        let other = super::steady_digests(&text, "another");
        let (i, l) = (steady[7..71].to_string(), super::example_digest(1, 1));
        assert!(!other.contains(&i) && other.contains(&l));
        assert_eq!(
            steady,
            format!(
                "sha256:{i}\nbusybox latest {} x\nlowerdir=./s/image/layers/{l}\n{l}  -\n\"created\":\"2026-11-30T09:00:00Z\"\n",
                &i[..12]
            )
        );
        assert_ne!(i, l);
        assert_eq!(i.len(), 64);
    }

    #[test]
    fn short_ids_first_in_a_table_are_steadied_whole_or_not() {
        let whole = "ef".repeat(32);
        let table = |unknown: &str| {
            format!(
                "{whole}\nNETWORK ID     NAME\n{unknown}   bridge\n{}   front\n",
                &whole[..12]
            )
        };
        let (one, two) = (
            super::steady_digests(&table("0a1b2c3d4e5f"), "s"),
            super::steady_digests(&table("9f8e7d6c5b4a"), "s"),
        );
        assert_eq!(one, two);
        let example = one.lines().next().unwrap();
        assert!(
            one.ends_with("   front\n") && one.contains(&format!("\n{}   front", &example[..12]))
        );
        assert!(!one.contains("0a1b2c3d4e5f"));
    }

    #[test]
    fn how_long_ago_is_steadied_and_the_table_laid_out_again() {
        let text = "$ images\nREPOSITORY   TAG      IMAGE ID       CREATED        SIZE\nbusybox      latest   0123456789ab   1 second ago   1.98MB\n$ next\n";
        assert_eq!(
            super::steady_tables(text),
            "$ images\nREPOSITORY   TAG      IMAGE ID       CREATED                  SIZE\nbusybox      latest   0123456789ab   Less than a second ago   1.98MB\n$ next\n"
        );
        let untouched = "no table here\n\n  a   b\n";
        assert_eq!(super::steady_tables(untouched), untouched);
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
    fn a_demo_in_a_list_item_is_indented_after_its_first_line() {
        assert_eq!(indented("a\nb\n\nc\n", "  "), "a\n  b\n\n  c\n");
        assert_eq!(indented("a\n", "  "), "a\n");
    }

    #[test]
    fn a_container_table_keeps_its_empty_columns() {
        let row = format!(
            "{:<15}{:<10}{:<10}{:<16}{:<15}{:<10}web",
            "ab12", "busybox", "\"sh\"", "2 seconds ago", "Up 2 seconds", ""
        );
        let text = format!("$ ps\nCONTAINER ID   IMAGE     COMMAND   CREATED         STATUS         PORTS     NAMES\n{row}\n");
        let steady = super::steady_tables(&text);
        let row = steady.lines().nth(2).unwrap();
        assert!(row.starts_with("ab12           busybox   \"sh\"      Less than a second ago   Up Less than a second"), "{steady}");
        assert!(row.ends_with("   web"), "{steady}");
        let heading = steady.lines().nth(1).unwrap();
        assert_eq!(heading.find("NAMES"), row.find("web"), "{steady}");
    }

    #[test]
    fn results_are_put_in_name_order() {
        let out = "\nrunning 3 tests\ntest b::c ... ok\ntest a ... FAILED\ntest a_b has been running for over 60 seconds\ntest a_b ... ok\n\nfailures:\n\n---- a stdout ----\nwhy a\n\nfailures:\n    a\n\ntest result: FAILED. 2 passed; 1 failed; finished in 1.00s\n";
        let tidy = tidy_test_output(out, Some("a"));
        assert!(
            tidy.starts_with(
                "running 3 tests\ntest a ... FAILED\ntest a_b ... ok\ntest b::c ... ok\n"
            ),
            "{tidy}"
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
