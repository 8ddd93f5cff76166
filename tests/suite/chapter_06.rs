//! Chapter 6: containers with a life of their own. A detached container outlives the command
//! that started it, under a monitor of its own; the store says where each container is in its
//! life; its output is kept in its log; `stop` ends it from another process.

use std::time::{Duration, Instant};

use harness::{random, Failure, Output, Sandbox, Section};

const STORE: Section = Section::new(6, "The state store");
const MONITOR: Section = Section::new(6, "The monitor");
const DETACH: Section = Section::new(6, "Detach the monitor");
const KEEP_LOG: Section = Section::new(6, "Keep the log");
const STOP: Section = Section::new(6, "Stop a container");

/// How long a command that should return at once may take before it counts as hanging.
const PROMPT: Duration = Duration::from_secs(15);

/// `run -d IMAGE ARGS...` (with `extra` options before IMAGE), which must start the container
/// and print its id; returns the id.
#[track_caller]
fn detached(sb: &Sandbox, extra: &[&str], args: &[&str]) -> String {
    let mut words = vec!["run", "-d"];
    words.extend_from_slice(extra);
    let image = sb.image();
    words.push(&image);
    words.extend_from_slice(args);
    let out = sb.minidock(&words).timeout(PROMPT).output();
    let id = out.stdout_trimmed().to_string();
    let is_id = id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
    if out.status != Some(0) || !is_id {
        Failure::new(format!("minidock {}", words.join(" ")))
            .expected_text("exit status 0, and the container's id on standard output: 64 hex digits")
            .got_text(out.ending())
            .hint(if out.status == Some(0) {
                "run -d prints the id the monitor was started for, once the monitor has said that the command started"
            } else {
                "run -d forks, and the child, in a session of its own with its input and output let go of, executes minidock again as the monitor (`minidock-monitor ID`); the parent reads the monitor's report until the pipe ends. A starter that forks nothing reads an empty report."
            })
            .output(&out)
            .section(DETACH)
            .fail();
    }
    id
}

/// `inspect -f TEMPLATE REFERENCE`, which must succeed; its output, trimmed.
#[track_caller]
fn inspect(sb: &Sandbox, template: &str, reference: &str) -> String {
    let out = sb.minidock(["inspect", "-f", template, reference]).output();
    if out.status != Some(0) {
        Failure::new(format!("minidock inspect -f '{template}' {reference}"))
            .expected_text("exit status 0")
            .got_text(out.ending())
            .hint("inspect finds a container by its id, its name or a prefix of its id, and reads its record from the store")
            .output(&out)
            .section(STORE)
            .fail();
    }
    out.stdout_trimmed().to_string()
}

/// Waits until the container's status is no longer `running` (at most `within`); its status and
/// exit code then.
fn ended_within(sb: &Sandbox, id: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let now = inspect(sb, "{{.State.Status}} {{.State.ExitCode}}", id);
        if !now.starts_with("running") || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until the container's log has the line `line` on standard output.
#[track_caller]
fn wait_for_log_line(sb: &Sandbox, id: &str, line: &str) {
    let deadline = Instant::now() + PROMPT;
    loop {
        let out = sb.minidock(["logs", id]).output();
        if out.stdout.lines().any(|l| l == line) {
            return;
        }
        if Instant::now() > deadline {
            Failure::new(format!("minidock logs {id}, until the container has written {line:?}"))
                .expected_text(format!("the line {line:?} on standard output"))
                .got_text(out.ending())
                .hint("the monitor copies what the container writes into its log, line by line, as it comes")
                .output(&out)
                .section(KEEP_LOG)
                .fail();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The fields of /proc/PID/stat after the command's name: state, ppid, pgrp, session...
fn stat_fields(pid: u32) -> Vec<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rfind(')').map_or("", |at| &stat[at + 1..]);
    after.split_whitespace().map(str::to_string).collect()
}

#[test]
fn run_d_prints_the_id_and_returns() {
    let sb = Sandbox::new();
    let name = random::name("detached-");
    // The whole output, read to its end: a monitor that kept minidock's standard output would
    // keep it from ending as long as the container runs.
    let id = detached(&sb, &["--name", &name], &["sleep", "60"]);
    let listed = sb.minidock(["ps", "-q"]).output();
    if !listed.stdout.lines().any(|line| line == &id[..12]) {
        Failure::new("minidock ps -q, after run -d")
            .expected_text(format!("the container's short id {} among the lines", &id[..12]))
            .got_text(listed.ending())
            .hint("the container runs on under its monitor once run -d has returned: the monitor left the caller's process group and session, which the caller's end (or a terminal's) would signal")
            .output(&listed)
            .section(DETACH)
            .fail();
    }
    let status = inspect(&sb, "{{.State.Status}} {{.Name}}", &id);
    if status != format!("running /{name}") {
        Failure::new(format!("the state of {name}, just after run -d"))
            .expected_text(format!("running /{name}"))
            .got_text(&status)
            .hint("the monitor records the container as running before it tells run -d that the command started")
            .section(STORE)
            .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn the_monitor_leads_a_session_of_its_own_holding_nothing_of_the_callers() {
    let sb = Sandbox::new();
    let id = detached(&sb, &[], &["sleep", "60"]);
    let pid: u32 = inspect(&sb, "{{.State.Pid}}", &id).parse().unwrap_or(0);
    let monitor: u32 = stat_fields(pid)
        .get(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let fields = stat_fields(monitor);
    let (pgrp, session) = (
        fields.get(2).cloned().unwrap_or_default(),
        fields.get(3).cloned().unwrap_or_default(),
    );
    let cmdline = std::fs::read(format!("/proc/{monitor}/cmdline")).unwrap_or_default();
    let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
    let fd = |n: u32| {
        std::fs::read_link(format!("/proc/{monitor}/fd/{n}"))
            .map(|target| target.display().to_string())
            .unwrap_or_else(|e| format!("({e})"))
    };
    let (stdin, stdout) = (fd(0), fd(1));
    let expected_cmdline = format!("minidock-monitor {id}");
    let ok = pgrp == monitor.to_string()
        && session == monitor.to_string()
        && cmdline.trim() == expected_cmdline
        && stdin == "/dev/null"
        && stdout == "/dev/null";
    if !ok {
        Failure::new(format!(
            "the parent of the container's first process (pid {pid}): its monitor, pid {monitor}"
        ))
        .expected_text(format!(
            "the leader of its own process group and session ({monitor} {monitor}), its command line {expected_cmdline:?}, its standard input and output /dev/null"
        ))
        .got_text(format!(
            "process group {pgrp:?}, session {session:?}, command line {:?}, standard input {stdin}, standard output {stdout}",
            cmdline.trim()
        ))
        .hint("in the child of the fork: setsid(2) first (the child of a fork is no group leader, so it may), then /dev/null as standard input and output, the report pipe at fd 3, and execve of /proc/self/exe with the arguments minidock-monitor and the id")
        .section(DETACH)
        .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn ps_and_wait_follow_a_container_to_its_exit_code() {
    let sb = Sandbox::new();
    let code = random::number(1, 120);
    let name = random::name("short-");
    let gate = format!("/{}", random::name("gate-"));
    // It ends when the test says so: once the gate exists.
    let script = format!("while [ ! -e {gate} ]; do sleep 0.05; done; exit {code}");
    let id = detached(&sb, &["--name", &name], &["sh", "-c", &script]);
    let running = sb.minidock(["ps"]).output();
    let row = running
        .stdout
        .lines()
        .find(|l| l.ends_with(&name))
        .unwrap_or("");
    if !row.starts_with(&id[..12]) || !row.contains(" Up ") {
        Failure::new("minidock ps, while the container runs")
            .expected_text(format!("a row that starts with {} and says Up, for {name}", &id[..12]))
            .got_text(running.ending())
            .hint("ps reads every container's record and state from the store: running, with the time since it started")
            .output(&running)
            .section(STORE)
            .fail();
    }
    let waiting = sb.minidock(["wait", &name]).timeout(PROMPT).spawn();
    let rootfs_gate = sb.rootfs().join(gate.trim_start_matches('/'));
    std::fs::write(&rootfs_gate, b"").unwrap();
    let waited = waiting.finish();
    let _ = std::fs::remove_file(&rootfs_gate);
    if waited.status != Some(0) || waited.stdout_trimmed() != code.to_string() {
        Failure::new(format!("minidock wait {name}, for a command that exits with {code}"))
            .expected_text(format!("exit status 0, and {code} on standard output"))
            .got_text(waited.ending())
            .hint("the monitor reaps the container and records its exit code; wait returns once it is recorded")
            .output(&waited)
            .section(MONITOR)
            .fail();
    }
    let all = sb.minidock(["ps", "-a"]).output();
    let row = all
        .stdout
        .lines()
        .find(|l| l.ends_with(&name))
        .unwrap_or("");
    if !row.contains(&format!("Exited ({code})")) {
        Failure::new("minidock ps -a, once the container has ended")
            .expected_text(format!("the row of {name} says Exited ({code})"))
            .got_text(all.ending())
            .hint("an ended container stays in the store, exited with its code, until rm")
            .output(&all)
            .section(STORE)
            .fail();
    }
    // A foreground run stays too, unless --rm says otherwise.
    let (kept, gone) = (random::name("kept-"), random::name("gone-"));
    let image = sb.image();
    sb.minidock(["run", "--name", &kept, &image, "true"])
        .output();
    sb.minidock(["run", "--rm", "--name", &gone, &image, "true"])
        .output();
    let names = sb.minidock(["ps", "-a"]).output();
    let has = |n: &str| names.stdout.lines().any(|l| l.ends_with(n));
    if !has(&kept) || has(&gone) {
        Failure::new("minidock ps -a, after `run --name NAME IMAGE true`, with --rm and without")
            .expected_text(format!("{kept} listed (exited), {gone} not"))
            .got_text(names.ending())
            .hint("a foreground run records its container too; when it ends it stays, exited, unless --rm asked for it to go")
            .output(&names)
            .section(STORE)
            .fail();
    }
    sb.minidock(["rm", &name, &kept]).output();
}

#[test]
fn logs_keep_each_line_with_its_stream() {
    let sb = Sandbox::new();
    let words: Vec<String> = (0..5).map(|_| random::word(8)).collect();
    // Three lines in one write(2); a line in two writes; a line on standard error; a last line
    // without its newline.
    let script = format!(
        "printf '{0}\\n{1}\\n{2}\\n'; printf '{3}'; sleep 0.2; printf '-{3}\\n'; \
         echo {4} >&2; printf 'end'",
        words[0], words[1], words[2], words[3], words[4]
    );
    let id = detached(&sb, &[], &["sh", "-c", &script]);
    sb.minidock(["wait", &id]).timeout(PROMPT).output();
    let expected_out = format!(
        "{}\n{}\n{}\n{}-{}\nend",
        words[0], words[1], words[2], words[3], words[3]
    );
    let expected_err = format!("{}\n", words[4]);
    let all = sb.minidock(["logs", &id]).output();
    let fail = |what: &str, expected: String, out: &Output, hint: &str| {
        Failure::new(what.to_string())
            .expected_text(expected)
            .got_text(out.ending())
            .hint(hint.to_string())
            .output(out)
            .section(KEEP_LOG)
            .fail()
    };
    if all.stdout != expected_out || all.stderr != expected_err {
        fail(
            &format!("minidock logs {id}"),
            format!("standard output {expected_out:?}, standard error {expected_err:?}"),
            &all,
            "each record keeps the stream its line came from, and logs prints it to that stream; a last line without a newline is written when its stream ends",
        );
    }
    let tail = sb.minidock(["logs", "--tail", "2", &id]).output();
    if tail.stdout.lines().count() + tail.stderr.lines().count() != 2 {
        fail(
            &format!("minidock logs --tail 2 {id}"),
            "the last 2 lines of the log".to_string(),
            &tail,
            "a record is one line: three lines that came in one read are three records, and a line that came in two reads is one",
        );
    }
    let stamped = sb.minidock(["logs", "-t", &id]).output();
    let unstamped: Vec<&str> = stamped
        .stdout
        .lines()
        .filter(|l| {
            !l.split_once(' ').is_some_and(|(time, _)| {
                time.len() >= 20 && time.as_bytes()[4] == b'-' && time.ends_with('Z')
            })
        })
        .collect();
    if stamped.stdout.lines().count() != 5 || !unstamped.is_empty() {
        fail(
            &format!("minidock logs -t {id}"),
            "5 lines on standard output, each after its time (2026-11-30T14:27:17.256603949Z)".to_string(),
            &stamped,
            "every line is a record of its own, with the time it was read: one record per line, not per read",
        );
    }
    sb.minidock(["rm", &id]).output();
}

#[test]
fn stop_gives_the_command_time_to_exit() {
    let sb = Sandbox::new();
    let code = random::number(1, 120);
    let script = format!("trap 'exit {code}' TERM; echo ready; while :; do sleep 0.05; done");
    let id = detached(&sb, &[], &["sh", "-c", &script]);
    wait_for_log_line(&sb, &id, "ready");
    let out = sb.minidock(["stop", &id]).timeout(PROMPT).output();
    let ended = inspect(&sb, "{{.State.Status}} {{.State.ExitCode}}", &id);
    if out.status != Some(0) || out.stdout_trimmed() != id || ended != format!("exited {code}") {
        Failure::new(format!("minidock stop {id}, of a shell that exits with {code} on SIGTERM"))
            .expected_text(format!("exit status 0, the id printed, and the container exited {code}"))
            .got_text(format!("{}; the container: {ended}", out.ending()))
            .hint(if ended == "exited 137" {
                "SIGTERM first, and SIGKILL only once the timeout has passed: a command that handles SIGTERM gets to exit as it wants"
            } else {
                "stop sends SIGTERM through a pidfd of the container's first process, then waits on the pidfd for it to end"
            })
            .output(&out)
            .section(STOP)
            .fail();
    }
    sb.minidock(["rm", &id]).output();
}

#[test]
fn stop_kills_a_command_that_ignores_sigterm() {
    let sb = Sandbox::new();
    let id = detached(
        &sb,
        &[],
        &[
            "sh",
            "-c",
            "trap '' TERM; echo ready; while :; do sleep 0.05; done",
        ],
    );
    wait_for_log_line(&sb, &id, "ready");
    // One second's timeout, then SIGKILL: eight seconds is plenty, and a stop that never sends
    // it is told apart without waiting for the harness's usual patience.
    let out = sb
        .minidock(["stop", "-t", "1", &id])
        .timeout(Duration::from_secs(8))
        .output();
    let ended = match out.status {
        Some(_) => ended_within(&sb, &id, Duration::from_secs(5)),
        None => inspect(&sb, "{{.State.Status}} {{.State.ExitCode}}", &id),
    };
    if out.status != Some(0) || ended != "exited 137" {
        Failure::new(format!("minidock stop -t 1 {id}, of a shell that ignores SIGTERM"))
            .expected_text("exit status 0, and the container exited 137 (128 + SIGKILL)")
            .got_text(format!("{}; the container: {ended}", out.ending()))
            .hint("once the timeout has passed with the command still there, SIGKILL, which nothing can ignore, through the same pidfd; then wait for it to end")
            .output(&out)
            .section(STOP)
            .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[path = "chapter_06/commands.rs"]
mod commands;
#[path = "chapter_06/exec.rs"]
mod exec;
#[path = "chapter_06/files.rs"]
mod files;
#[path = "chapter_06/lifecycle.rs"]
mod lifecycle;
#[path = "chapter_06/pause.rs"]
mod pause;
#[path = "chapter_06/restart.rs"]
mod restart;
