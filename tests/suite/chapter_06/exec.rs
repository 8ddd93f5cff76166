//! `exec`: one more process in a running container, in each of its namespaces and its cgroup,
//! and not its pid 1.

use harness::{random, Failure, Sandbox, Section};

use super::{detached, inspect, wait_for_log_line};

const PID: Section = Section::new(6, "Born in its PID namespace");
const ENTER: Section = Section::new(6, "Join the cgroup and the namespaces");

/// The namespaces `exec` must put its process in, as /proc/PID/ns names them.
const KINDS: [&str; 5] = ["pid", "ipc", "uts", "mnt", "cgroup"];

/// A container that wrote `token` to its own /tmp and sleeps; returns its id and its first
/// process's pid on the host.
fn sleeping_container(sb: &Sandbox, hostname: &str, token: &str) -> (String, u32) {
    let script = format!("echo {token} > /tmp/token; echo ready; exec sleep 1000");
    let id = detached(sb, &["--hostname", hostname], &["sh", "-c", &script]);
    wait_for_log_line(sb, &id, "ready");
    let pid = inspect(sb, "{{.State.Pid}}", &id).parse().unwrap_or(0);
    (id, pid)
}

#[test]
fn exec_joins_the_containers_namespaces_and_cgroup() {
    let sb = Sandbox::new();
    let hostname = random::name("exec-");
    let token = random::word(12);
    let (id, pid) = sleeping_container(&sb, &hostname, &token);
    let script = "hostname; cat /tmp/token; echo \"me $$\"; \
                  for n in pid ipc uts mnt cgroup; do echo \"$n $(readlink /proc/self/ns/$n)\"; done; \
                  echo \"self $(cat /proc/self/cgroup | tr '\\n' ' ')\"; \
                  echo \"first $(cat /proc/1/cgroup | tr '\\n' ' ')\"";
    let out = sb.minidock(["exec", &id, "sh", "-c", script]).output();
    let said = |key: &str| {
        out.stdout
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{key} ")))
            .unwrap_or("")
            .to_string()
    };
    let fail = |what: &str, expected: String, got: String, hint: &str, section: Section| {
        Failure::new(format!("minidock exec {id} sh -c '...', {what}"))
            .expected_text(expected)
            .got_text(got)
            .hint(hint)
            .output(&out)
            .section(section)
            .fail()
    };
    let lines: Vec<&str> = out.stdout.lines().collect();
    if out.status != Some(0) || lines.len() < 2 {
        fail(
            "a shell in the container",
            "exit status 0, and the shell's answers".into(),
            out.ending(),
            "the new process joins the container's cgroup, enters each namespace of the container's from the descriptors Target::open made, and only then executes the command",
            ENTER,
        );
    }
    if lines[0] != hostname {
        fail(
            "the host name it sees",
            format!("the container's, {hostname:?}"),
            format!("{:?}", lines[0]),
            "the host name is the UTS namespace's: enter the container's (CLONE_NEWUTS)",
            ENTER,
        );
    }
    if lines[1] != token {
        fail(
            "/tmp/token, which the container wrote to its own /tmp",
            format!("{token:?}"),
            format!("{:?}", lines[1]),
            "the container's files are its mount namespace's: enter it (CLONE_NEWNS, the oldest namespace, named before there were others), last, since that also moves the process's root into the container",
            ENTER,
        );
    }
    let theirs = |kind: &str| {
        std::fs::read_link(format!("/proc/{pid}/ns/{kind}"))
            .map(|link| link.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let own_pid = said("me");
    if said("pid") != theirs("pid") || own_pid == "1" {
        fail(
            "its PID namespace (readlink /proc/self/ns/pid)",
            format!("{}, the container's, and a pid other than 1", theirs("pid")),
            format!("{:?}; $$ is {own_pid}", said("pid")),
            "setns(2) into a PID namespace changes where the caller's children are born, never the caller: minidock enters it before it forks. A process outside the container's PID namespace has no /proc/self in the container's /proc.",
            PID,
        );
    }
    for kind in KINDS {
        if said(kind) != theirs(kind) {
            fail(
                &format!("its {kind} namespace (readlink /proc/self/ns/{kind})"),
                format!("{}, the container's first process's", theirs(kind)),
                format!("{:?}", said(kind)),
                "enter every namespace the container has of its own, with setns(2) on the descriptors opened before any was entered",
                ENTER,
            );
        }
    }
    if said("self") != said("first") || said("self").is_empty() {
        fail(
            "its cgroup, against the container's pid 1's (/proc/self/cgroup, /proc/1/cgroup)",
            format!("the same: {:?}", said("first")),
            format!("{:?}", said("self")),
            "join the container's cgroup: write 0 (\"this process\") to each of its cgroup.procs files, opened on the host, before entering the cgroup namespace",
            ENTER,
        );
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn exec_takes_the_options_and_gives_the_commands_status() {
    let sb = Sandbox::new();
    let token = random::word(12);
    let (id, _) = sleeping_container(&sb, &random::name("exec-"), &token);
    let value = random::word(8);
    let status = random::number(2, 120).to_string();
    let uid = random::number(1000, 60000).to_string();
    let script = format!("echo $KEY; pwd; id -u; id -g; cat /tmp/token; exit {status}");
    let user = format!("{uid}:{uid}");
    let key = format!("KEY={value}");
    let args = [
        "exec", "-e", &key, "-w", "/tmp", "-u", &user, &id, "sh", "-c", &script,
    ];
    let out = sb.minidock(args).output();
    let expected = format!("{value}\n/tmp\n{uid}\n{uid}\n{token}\n");
    if out.status.map(|s| s.to_string()) != Some(status.clone()) || out.stdout != expected {
        Failure::new(format!("minidock {}", args.join(" ")))
            .expected_text(format!("exit status {status}, and {expected:?}"))
            .got_text(format!("{}: {:?}", out.ending(), out.stdout))
            .hint("the options are the scaffold's; what they need is a process inside the container: its /tmp holds the token")
            .output(&out)
            .section(ENTER)
            .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
}
