//! Chapter 2, "PID and IPC namespaces": the command is pid 1 of its own PID namespace and has
//! its own IPC objects; minidock passes signals on; `--init` reaps orphans.

use std::time::{Duration, Instant};

use harness::{check_eq, procs, random, Failure, Sandbox, Section};

const PID: Section = Section::new(2, "A new PID namespace");
const PID_1: Section = Section::new(2, "Pid 1 is special");
const IPC: Section = Section::new(2, "A new IPC namespace");
const SESSION: Section = Section::new(2, "A session of its own");
const FORWARD: Section = Section::new(2, "Forward signals");
const REAP: Section = Section::new(2, "Reap orphans");

/// How long a command that should be running by now may take to say so.
const START: Duration = Duration::from_secs(10);
/// How long a signalled container may take to end.
const STOP: Duration = Duration::from_secs(5);

/// The signals minidock passes on, with their names.
const FORWARDED: [(libc::c_int, &str); 7] = [
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGINT, "SIGINT"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGUSR1, "SIGUSR1"),
    (libc::SIGUSR2, "SIGUSR2"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGWINCH, "SIGWINCH"),
];

#[test]
fn the_command_is_pid_1() {
    let sb = Sandbox::new();
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "pid"])
        .output();
    out.expect_status(0, PID);
    out.expect_stdout("1", PID)
        .what("the command's own pid, as it sees it")
        .hint("a process born in a new PID namespace is pid 1 there");
}

#[test]
fn host_processes_are_out_of_reach() {
    let sb = Sandbox::new();
    // A process of the host that is certainly alive: the sandbox's own holder.
    let host_pid = sb.holder_pid().to_string();
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "kill", &host_pid, "0"])
        .output();
    out.expect_status(0, PID);
    out.expect_stdout("ESRCH", PID)
        .what(format!(
            "kill({host_pid}, 0) inside the container, where {host_pid} is a process of the host"
        ))
        .expected_text("ESRCH: no such process, in the container's PID namespace")
        .hint("in a PID namespace of its own, the container sees none of the host's processes");
}

#[test]
fn pid_1_ignores_a_sigkill_from_inside() {
    let sb = Sandbox::new();
    let word = random::word(10);
    let script = format!("kill -KILL $$; echo {word}");
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", &script])
        .output();
    out.expect_stdout(&word, PID)
        .what("a shell that sends SIGKILL to itself, as pid 1, should survive it")
        .expected_text(format!("it prints {word:?} and exits 0"))
        .hint("as pid 1 of its own PID namespace, the kernel would deliver it only the signals it handles, SIGKILL from inside included (see \"Pid 1 is special\")");
}

#[test]
fn the_host_can_kill_pid_1() {
    let sb = Sandbox::new();
    let script = r#"echo $$; echo ready; exec "$0" hold"#;
    let mut running = sb
        .minidock(["run", &sb.image(), "sh", "-c", script, &sb.probe()])
        .spawn();
    running.expect_line("ready", START, PID);
    let first = running.children();
    if let [pid] = first[..] {
        // SAFETY: kill(2) to the container's first process, a child of our own minidock.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    let out = running.finish();
    let own_pid = out.stdout.lines().next().unwrap_or_default();
    check_eq(
        "the command's own pid, as it sees it",
        "1",
        own_pid,
        &out,
        PID,
    );
    if first.len() != 1 || out.status != Some(137) {
        Failure::new("SIGKILL sent from the host to the container's pid 1")
            .expected_text("minidock exits with 137 (128 + SIGKILL)")
            .got_text(format!(
                "{} (minidock had {} child process(es))",
                out.ending(),
                first.len()
            ))
            .hint("from outside its namespace, pid 1 can be killed like any process")
            .output(&out)
            .section(PID_1)
            .fail();
    }
}

#[test]
fn signals_sent_to_minidock_reach_the_command() {
    let sb = Sandbox::new();
    let (signal, name) = random::pick(&FORWARDED);
    let code = random::number(1, 100) as i32;
    let mut running = sb
        .minidock([
            "run",
            &sb.image(),
            &sb.probe(),
            "trap",
            &signal.to_string(),
            &code.to_string(),
        ])
        .spawn();
    running.expect_line("ready", START, FORWARD);
    running.signal(signal);
    let out = running.finish_within(STOP);
    if out.timed_out {
        Failure::new(format!(
            "minidock was sent {name}, and the command, which handles it, never got it"
        ))
        .expected_text(format!("the command ends, exit status {code}"))
        .got_text(out.ending())
        .hint("minidock must pass the signals it receives on to the container's first process: `child`, its pid on the host (pid 1 is its number only inside its PID namespace)")
        .output(&out)
        .section(FORWARD)
        .fail();
    }
    out.expect_status(code, FORWARD)
        .what(format!(
            "minidock was sent {name}; the command exits with {code} when it gets it"
        ))
        .hint("the signal must reach the command, and minidock must not die of it itself");
}

#[test]
fn the_container_leads_its_own_session() {
    let sb = Sandbox::new();
    let out = sb
        .minidock(["run", &sb.image(), &sb.probe(), "session"])
        .output();
    out.expect_status(0, SESSION);
    let ids: Vec<&str> = out.stdout.split_whitespace().collect();
    if let [sid, pgid, pid] = ids[..] {
        if sid == pid && pgid == pid {
            return;
        }
    }
    let mut failure =
        Failure::new("the command's session id, process group id and pid (SID PGID PID)")
            .expected_text(
                "three times the same number: the command leads its own session and group",
            )
            .got(out.stdout_trimmed());
    if ids.first() == Some(&"0") {
        failure = failure.hint(
            "0 means a session led by a process outside the container's PID namespace: minidock's",
        );
    }
    failure.output(&out).section(SESSION).fail();
}

#[test]
fn init_reaps_orphans() {
    let sb = Sandbox::new();
    let mut running = sb
        .minidock(["run", "--init", &sb.image(), &sb.probe(), "orphan"])
        .spawn();
    running.expect_line("ready", START, REAP);
    let init = running.children().first().copied();
    let namespace = init.and_then(procs::pid_namespace);
    if namespace.is_none() || namespace == procs::pid_namespace(running.pid()) {
        let out = running.stop();
        Failure::new("with --init, the container's init should be pid 1 of a new PID namespace")
            .got_text("minidock's child is in minidock's own PID namespace")
            .output(&out)
            .section(PID)
            .fail();
    }
    // The orphan has ended; its new parent, the init, has a moment to collect it.
    let mut zombies = Vec::new();
    for _ in 0..100 {
        zombies = procs::in_pid_namespace_of(init.unwrap_or_default())
            .into_iter()
            .filter(|p| p.state == 'Z')
            .collect();
        if zombies.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    running.close_stdin();
    let out = running.finish();
    if !zombies.is_empty() {
        let list: Vec<String> = zombies
            .iter()
            .map(|p| format!("host pid {} ({})", p.pid, p.name))
            .collect();
        Failure::new("with --init, an orphan that ended should be collected by the init")
            .expected_text("no zombie in the container")
            .got_text(format!("zombies: {}", list.join(", ")))
            .note(
                "orphan",
                format!(
                    "pid {} in the container, as the command said",
                    out.stdout
                        .lines()
                        .next()
                        .and_then(|line| line.strip_prefix("orphaned "))
                        .unwrap_or("unknown")
                ),
            )
            .hint("the init must collect every child that ends, the orphans the kernel hands it included: waitpid(-1, ...), not only for the command's pid")
            .output(&out)
            .section(REAP)
            .fail();
    }
    out.expect_status(0, REAP);
}

#[test]
fn orphans_that_end_together_are_all_reaped() {
    let sb = Sandbox::new();
    let n = random::number(8, 16) as usize;
    let mut running = sb
        .minidock([
            "run",
            "--init",
            &sb.image(),
            &sb.probe(),
            "orphans",
            &n.to_string(),
        ])
        .spawn();
    running.expect_line("ready", START, REAP);
    let init = running.children().first().copied().unwrap_or_default();
    let zombies = || {
        procs::in_pid_namespace_of(init)
            .into_iter()
            .filter(|p| p.state == 'Z')
            .count()
    };
    // The init is held still while the orphans end, as it would be when busy: their SIGCHLDs,
    // which do not queue, become one pending SIGCHLD for all of them.
    // SAFETY: kill(2) of this test's own container's init, a host pid above 1.
    unsafe { libc::kill(init as libc::pid_t, libc::SIGSTOP) };
    running.close_stdin();
    running.expect_line("ended", START, REAP);
    let deadline = Instant::now() + START;
    while zombies() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: as above.
    unsafe { libc::kill(init as libc::pid_t, libc::SIGCONT) };
    let mut left = zombies();
    for _ in 0..100 {
        if left == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
        left = zombies();
    }
    running.signal(libc::SIGTERM);
    let out = running.finish_within(STOP);
    if left > 0 {
        Failure::new(format!(
            "{n} orphans of the container ended at the same moment, announced by one SIGCHLD"
        ))
        .expected_text("no zombie left: the init collects every child that has ended")
        .got_text(format!("{left} zombie(s) left"))
        .hint("standard signals do not queue, so one SIGCHLD can stand for many children: call waitpid until no ended child is left, not once per SIGCHLD")
        .output(&out)
        .section(REAP)
        .fail();
    }
    out.expect_status(0, REAP);
}

#[test]
fn with_init_a_command_without_handlers_still_stops() {
    let sb = Sandbox::new();
    // No SIGQUIT: its default action dumps a core.
    let choices: Vec<_> = FORWARDED
        .into_iter()
        .filter(|(s, _)| ![libc::SIGQUIT, libc::SIGWINCH].contains(s))
        .collect();
    let (signal, name) = random::pick(&choices);
    let script = r#"echo $$; echo ready; exec "$0" hold"#;
    let mut running = sb
        .minidock([
            "run",
            "--init",
            &sb.image(),
            "sh",
            "-c",
            script,
            &sb.probe(),
        ])
        .spawn();
    running.expect_line("ready", START, FORWARD);
    running.signal(signal);
    let out = running.finish_within(STOP);
    let expected = 128 + signal;
    out.expect_status(expected, FORWARD)
        .what(format!(
            "with --init, minidock was sent {name}; the command has no handler for it"
        ))
        .expected_text(format!("exit status {expected} (128 + {name})"))
        .hint("minidock passes the signal to the init, the init to the command, which dies of it");
    if out.stdout.lines().next() == Some("1") {
        Failure::new("with --init, the command should not be pid 1: the init is")
            .got("1")
            .output(&out)
            .section(REAP)
            .fail();
    }
}

#[test]
fn ipc_objects_stay_in_the_container() {
    let sb = Sandbox::new();
    let key = random::number(1, 1 << 30).to_string();
    let script = r#""$0" msgget "$1" create && "$0" msgget "$1" find"#;
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", script, &sb.probe(), &key])
        .output();
    out.expect_status(0, IPC);
    out.expect_stdout("created\nfound", IPC)
        .what("a message queue made in the container, then looked up there");
    let host = sb
        .host_command(&sb.probe(), ["msgget", &key, "find"])
        .output();
    check_eq(
        format!("the container made System V message queue {key}; the host looked it up"),
        "ENOENT",
        host.stdout_trimmed(),
        &out,
        IPC,
    )
    .expected_text("ENOENT: the host does not see it")
    .hint("System V IPC objects belong to an IPC namespace: the container needs its own");
}

/// Signals beyond the usual seven, which docker's sig-proxy passes on too: every one minidock can
/// catch but SIGCHLD, SIGPIPE and SIGURG, the real-time ones included.
fn unusual_signal() -> (libc::c_int, String) {
    let rt = random::number(0, 8) as libc::c_int;
    let (signal, name) = random::pick(&[
        (libc::SIGALRM, "SIGALRM"),
        (libc::SIGXCPU, "SIGXCPU"),
        (libc::SIGVTALRM, "SIGVTALRM"),
        (libc::SIGPROF, "SIGPROF"),
        (libc::SIGRTMIN() + rt, "SIGRTMIN+"),
    ]);
    match name {
        "SIGRTMIN+" => (signal, format!("SIGRTMIN+{rt}")),
        _ => (signal, name.to_string()),
    }
}

#[test]
fn any_signal_minidock_can_catch_reaches_the_command() {
    let sb = Sandbox::new();
    let (signal, name) = unusual_signal();
    let code = random::number(1, 100).to_string();
    let mut running = sb
        .minidock([
            "run",
            &sb.image(),
            &sb.probe(),
            "trap",
            &signal.to_string(),
            &code,
        ])
        .spawn();
    running.expect_line("ready", START, FORWARD);
    running.signal(signal);
    let out = running.finish_within(STOP);
    if out.status != code.parse().ok() {
        Failure::new(format!(
            "minidock was sent {name}; the command exits with {code} when it gets it"
        ))
        .expected_text(format!("exit status {code}"))
        .got_text(out.ending())
        .hint("minidock passes on every signal it can catch but SIGCHLD, SIGPIPE and SIGURG, as docker does: none may kill minidock itself")
        .output(&out)
        .section(FORWARD)
        .fail();
    }
}
