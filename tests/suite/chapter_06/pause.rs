//! `pause` and `unpause`: every process of the container frozen, children included, then let go.

use std::time::{Duration, Instant};

use harness::{cgroups, Failure, Sandbox, Section};

use super::{detached, inspect, wait_for_log_line};

fn freeze() -> Section {
    if cgroups::is_v2() {
        Section::new(6, "Freeze the cgroup: cgroup v2")
    } else {
        Section::new(6, "Freeze the cgroup: cgroup v1")
    }
}

/// How many ticks the container's counter has written, read through its root on the host.
fn ticks(pid: &str) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/root/tmp/ticks"))
        .map(|text| text.lines().count())
        .unwrap_or(0)
}

#[test]
fn pause_stops_every_process_and_unpause_lets_them_go() {
    let sb = Sandbox::new();
    // The counter is a child of the first process: a SIGSTOP to that one would not stop it.
    let script =
        "(while :; do echo x >> /tmp/ticks; sleep 0.02; done) & echo ready; exec sleep 1000";
    let id = detached(&sb, &[], &["sh", "-c", script]);
    wait_for_log_line(&sb, &id, "ready");
    let pid = inspect(&sb, "{{.State.Pid}}", &id);
    let out = sb.minidock(["pause", &id]).output();
    let status = inspect(&sb, "{{.State.Status}}", &id);
    let fail = |what: String, expected: &str, got: String, hint: &str| {
        Failure::new(what)
            .expected_text(expected)
            .got_text(got)
            .hint(hint)
            .output(&out)
            .section(freeze())
            .fail()
    };
    if out.status != Some(0) || status != "paused" {
        fail(
            format!("minidock pause {id}"),
            "exit status 0, and the container paused",
            format!("{}; the container: {status}", out.ending()),
            "write the state the freezer knows (cgroup v1: FROZEN or THAWED to freezer.state; v2: 1 or 0 to cgroup.freeze), then read until the kernel says it is done",
        );
    }
    let before = ticks(&pid);
    std::thread::sleep(Duration::from_millis(300));
    let after = ticks(&pid);
    if after != before {
        fail(
            format!("minidock pause {id}, then 300 ms"),
            "a counter in the container that stands still",
            format!("it went on, from {before} to {after}"),
            "every process of the cgroup stops when it is frozen: the freezer must be written, and read back until it says frozen (FREEZING is not yet)",
        );
    }
    let out = sb.minidock(["unpause", &id]).output();
    let deadline = Instant::now() + Duration::from_secs(5);
    while ticks(&pid) == after && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = inspect(&sb, "{{.State.Status}}", &id);
    if out.status != Some(0) || status != "running" || ticks(&pid) == after {
        fail(
            format!("minidock unpause {id}"),
            "exit status 0, the container running, and its counter going on",
            format!("{}; the container: {status}; the counter at {}", out.ending(), ticks(&pid)),
            "thawing is the same write with the other state (THAWED, or 0), read back until it is done",
        );
    }
    sb.minidock(["rm", "-f", &id]).output();
}
