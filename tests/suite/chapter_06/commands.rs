//! The commands around a container's life that read the store and the kernel for it: `top`,
//! `stats`, `rename`, `port`, `ps`'s filters and templates, `logs --since`, the stop signal,
//! `container prune`.

use harness::{random, Failure, Output, Sandbox, Section};

use super::{detached, ended_within, inspect, wait_for_log_line};

const OTHERS: Section = Section::new(6, "The other commands");

#[track_caller]
fn fail(what: String, expected: String, got: String, out: &Output) -> ! {
    Failure::new(what)
        .expected_text(expected)
        .got_text(got)
        .output(out)
        .section(OTHERS)
        .fail()
}

#[test]
fn top_and_stats_read_the_containers_processes_and_cgroup() {
    let sb = Sandbox::new();
    let seconds = random::number(500, 900).to_string();
    let script = format!("sleep {seconds} & echo ready; exec sleep 999");
    let id = detached(&sb, &["--memory", "64m"], &["sh", "-c", &script]);
    wait_for_log_line(&sb, &id, "ready");
    let first = inspect(&sb, "{{.State.Pid}}", &id);
    let out = sb.minidock(["top", &id]).output();
    // The PID column where the host's ps puts it (procps: second; busybox: first).
    let column = out
        .stdout
        .lines()
        .next()
        .and_then(|heading| heading.split_whitespace().position(|field| field == "PID"));
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    let shows = |needle: &str| rows.iter().any(|row| row.contains(needle));
    if out.status != Some(0)
        || rows.len() != 2
        || !shows(&format!("sleep {seconds}"))
        || !shows("sleep 999")
        || !rows
            .iter()
            .any(|row| column.and_then(|c| row.split_whitespace().nth(c)) == Some(first.as_str()))
    {
        fail(
            format!("minidock top {id}"),
            format!("ps's heading, and two rows: pid {first} (sleep 999) and its sleep {seconds}"),
            out.ending(),
            &out,
        );
    }
    let out = sb.minidock(["stats", "--no-stream", &id]).output();
    let row = out.stdout.lines().nth(1).unwrap_or("");
    if out.status != Some(0)
        || !row.starts_with(&id[..12])
        || !row.contains(" / 64MiB")
        || row.split_whitespace().last() != Some("2")
    {
        fail(
            format!("minidock stats --no-stream {id}"),
            "a row of the container: its short id, its memory out of the 64MiB limit, 2 pids"
                .to_string(),
            format!("{:?}", row),
            &out,
        );
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn rename_ps_filters_and_prune() {
    let sb = Sandbox::new();
    let (old, new) = (random::name("old-"), random::name("new-"));
    let running = detached(&sb, &["--name", &old], &["sleep", "600"]);
    let out = sb.minidock(["rename", &old, &new]).output();
    let by_new = sb.minidock(["inspect", "-f", "{{.Id}}", &new]).output();
    let by_old = sb.minidock(["inspect", &old]).output();
    if out.status != Some(0) || by_new.stdout_trimmed() != running || by_old.status == Some(0) {
        fail(
            format!("minidock rename {old} {new}"),
            format!("the container found by {new}, and {old} free"),
            format!(
                "{}; by the new name: {}; by the old: {}",
                out.ending(),
                by_new.ending(),
                by_old.ending()
            ),
            &out,
        );
    }
    let exited = detached(&sb, &[], &["sh", "-c", "exit 3"]);
    ended_within(&sb, &exited, std::time::Duration::from_secs(10));
    let listed = |args: &[&str]| {
        let mut words = vec!["ps"];
        words.extend_from_slice(args);
        sb.minidock(&words).output().stdout
    };
    let only_exited = listed(&[
        "-a",
        "-f",
        "status=exited",
        "--format",
        "{{.ID}} {{.State}}",
    ]);
    let by_name = listed(&[
        "-f",
        &format!("name={}", &new[4..]),
        "--format",
        "{{.Names}}",
    ]);
    let expected_exited = format!("{} exited\n", &exited[..12]);
    if only_exited != expected_exited || by_name != format!("{new}\n") {
        fail(
            "minidock ps -a -f status=exited --format '{{.ID}} {{.State}}', and ps -f name=PART --format '{{.Names}}'".to_string(),
            format!("{expected_exited:?}, then {:?}", format!("{new}\n")),
            format!("{only_exited:?}, then {by_name:?}"),
            &out,
        );
    }
    let out = sb.minidock(["container", "prune", "-f"]).output();
    let left = listed(&["-a", "-q", "--no-trunc"]);
    if out.status != Some(0) || !out.stdout.contains(&exited) || left != format!("{running}\n") {
        fail(
            "minidock container prune -f".to_string(),
            format!(
                "the exited container deleted, the running one ({}) left",
                &running[..12]
            ),
            format!("{}; left: {left:?}", out.ending()),
            &out,
        );
    }
    let out = sb.minidock(["port", &new, "80"]).output();
    if out.status != Some(1) || !out.stderr.contains("No public port '80/tcp' published") {
        fail(
            format!("minidock port {new} 80"),
            "exit status 1: no port is published before chapter 8".to_string(),
            out.ending(),
            &out,
        );
    }
    sb.minidock(["rm", "-f", &running]).output();
}

#[test]
fn logs_since_a_time_and_stop_with_the_containers_signal() {
    let sb = Sandbox::new();
    let code = random::number(2, 100);
    let script = format!(
        "trap 'exit {code}' USR1; echo early; sleep 0.1; echo late; while :; do sleep 0.05; done"
    );
    let id = detached(&sb, &["--stop-signal", "USR1"], &["sh", "-c", &script]);
    wait_for_log_line(&sb, &id, "late");
    let stamped = sb.minidock(["logs", "-t", &id]).output();
    let since = stamped
        .stdout
        .lines()
        .find(|line| line.ends_with(" late"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or("")
        .to_string();
    let out = sb.minidock(["logs", "--since", &since, &id]).output();
    if out.status != Some(0) || out.stdout != "late\n" {
        fail(
            format!("minidock logs --since {since} {id} (the time of the line \"late\")"),
            "\"late\\n\" alone".to_string(),
            format!("{}: {:?}", out.ending(), out.stdout),
            &out,
        );
    }
    let out = sb.minidock(["stop", "-t", "10", &id]).output();
    let ended = inspect(&sb, "{{.State.Status}} {{.State.ExitCode}}", &id);
    if out.status != Some(0) || ended != format!("exited {code}") {
        fail(
            format!("minidock stop {id}, of a container run with --stop-signal USR1 whose shell exits {code} on USR1"),
            format!("exit status 0, and the container exited {code}, at once"),
            format!("{}; the container: {ended}", out.ending()),
            &out,
        );
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn logs_follow_a_container_as_it_writes_and_end_with_it() {
    let sb = Sandbox::new();
    let (first, second, third) = (random::word(8), random::word(8), random::word(8));
    // The container goes on only once the test has seen its first line through `logs -f`.
    let script = format!(
        "echo {first}; while [ ! -e /tmp/go ]; do sleep 0.02; done; echo {second} >&2; echo {third}"
    );
    let id = detached(&sb, &[], &["sh", "-c", &script]);
    let mut follow = sb.minidock(["logs", "-f", &id]).spawn();
    let early = follow.wait_for_line(&first, std::time::Duration::from_secs(10));
    let running_then = inspect(&sb, "{{.State.Status}}", &id);
    let pid = inspect(&sb, "{{.State.Pid}}", &id);
    let _ = std::fs::write(format!("/proc/{pid}/root/tmp/go"), "");
    let out = follow.finish_within(std::time::Duration::from_secs(10));
    if early.is_none()
        || running_then != "running"
        || out.status != Some(0)
        || out.stdout != format!("{first}\n{third}\n")
        || out.stderr != format!("{second}\n")
    {
        fail(
            format!("minidock logs -f {id}, from the container's start to its end"),
            format!(
                "{first:?} while the container runs, then {third:?} on stdout and {second:?} on stderr, and an end with the container's"
            ),
            format!(
                "the first line {} (the container {running_then}); then {}: stdout {:?}, stderr {:?}",
                if early.is_some() { "came" } else { "never came" },
                out.ending(),
                out.stdout,
                out.stderr
            ),
            &out,
        );
    }
    sb.minidock(["rm", "-f", &id]).output();
}
