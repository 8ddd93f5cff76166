//! A detached container's life, seen from outside as a user sees it: its id and name, the store
//! that `ps`, `inspect` and `rm` read, a monitor killed with -9 and found out, signals through
//! `kill`, and `rm` that leaves nothing behind.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use harness::{random, Failure, Output, Running, Sandbox, Section};

const IDENTITY: Section = Section::new(6, "A container's identity");
const STORE: Section = Section::new(6, "The state store");
const RECOVERY: Section = Section::new(6, "Recovering after kill -9");
const MONITOR: Section = Section::new(6, "The monitor");
const LOGS: Section = Section::new(6, "Logs");
const STOPPING: Section = Section::new(6, "Stopping from outside");

/// How long something that should happen at once may take before the test calls it a hang.
const PATIENCE: Duration = Duration::from_secs(30);

/// Whether `text` is a container's full id: 64 lowercase hex digits.
fn is_full_id(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The hint for a `run -d` that did not print an id and return.
const DETACH_HINT: &str = "run -d forks a monitor that starts a session of its own (setsid), points its stdin and stdout at /dev/null, executes minidock again as `minidock-monitor ID`, and tells the waiting run -d over a pipe that the command started: run -d then prints the full id and exits 0";

/// Checks that `out`, a `run -d`, succeeded and printed a full id; returns the id.
#[track_caller]
fn detached_id(out: &Output) -> String {
    let id = out.stdout_trimmed().to_string();
    if out.status != Some(0) || out.timed_out || !is_full_id(&id) {
        Failure::new("minidock run -d: a container started in the background")
            .expected_text("exit status 0, and the container's full id on stdout: 64 hex digits")
            .got_text(format!("{}, stdout {:?}", out.ending(), out.stdout))
            .hint(DETACH_HINT)
            .output(out)
            .section(MONITOR)
            .fail();
    }
    id
}

/// `minidock run -d ARGS...`, which must succeed; returns the container's id.
#[track_caller]
fn run_detached(sb: &Sandbox, args: &[&str]) -> String {
    let mut all = vec!["run", "-d"];
    all.extend_from_slice(args);
    detached_id(&sb.minidock(all).output())
}

/// `minidock inspect -f TEMPLATE REFERENCE`, which must succeed; returns what it printed.
#[track_caller]
fn inspect(sb: &Sandbox, reference: &str, template: &str, section: Section) -> String {
    let out = sb.minidock(["inspect", "-f", template, reference]).output();
    if out.status != Some(0) || out.timed_out {
        Failure::new(format!("minidock inspect -f '{template}' {reference}"))
            .expected_text("exit status 0: the container is in the store")
            .got_text(out.ending())
            .hint("inspect finds a container by its full id, its name (names/NAME, a symbolic link to the id) or a unique prefix of its id, and reads its config.json and state.json")
            .output(&out)
            .section(section)
            .fail();
    }
    out.stdout_trimmed().to_string()
}

/// The container's first process, as `inspect` tells its pid, which must be a running process.
#[track_caller]
fn first_process(sb: &Sandbox, id: &str) -> (i32, Stat) {
    let text = inspect(sb, id, "{{.State.Pid}}", STORE);
    let pid: i32 = text.parse().unwrap_or(0);
    match stat(pid) {
        Some(stat) if pid > 0 && stat.state != 'Z' => (pid, stat),
        _ => Failure::new(format!(
            "the pid of the running container {id}, as `inspect -f '{{{{.State.Pid}}}}'` tells it"
        ))
        .expected_text("the pid on the host of the container's first process, which runs")
        .got_text(format!("{text:?}, which is no running process"))
        .hint("once the command has started, state.json records the first process's pid on the host (what clone(2) returned) and the status running")
        .section(STORE)
        .fail(),
    }
}

/// What the test reads of a process in /proc/PID/stat.
#[derive(Debug, Clone, Copy)]
struct Stat {
    /// Field 3: `R`, `S`, `Z`...
    state: char,
    /// Field 4.
    ppid: i32,
    /// Field 22: when it started, in clock ticks since boot.
    start: u64,
}

fn stat(pid: i32) -> Option<Stat> {
    if pid <= 0 {
        return None;
    }
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name, in parentheses, may hold anything: the fields count from the last `)`.
    let fields: Vec<&str> = text[text.rfind(')')? + 1..].split_whitespace().collect();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

/// Whether the process `pid` that started at `start` has ended: no such pid, another process
/// with it, or its zombie, waiting for a parent to reap it.
fn ended(pid: i32, start: u64) -> bool {
    stat(pid).is_none_or(|s| s.start != start || s.state == 'Z' || s.state == 'X')
}

/// Asks `done` again and again until it says yes, for at most `within`; whether it did.
fn eventually(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The process's arguments, from /proc/PID/cmdline.
fn arguments(pid: i32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|raw| {
            raw.split(|&b| b == 0)
                .filter(|arg| !arg.is_empty())
                .map(|arg| String::from_utf8_lossy(arg).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Sends SIGKILL to `pid` if it is the monitor of the container `id`, through a pidfd opened
/// before the check, so that the signal reaches the process checked; whether it was sent.
fn kill_monitor(pid: i32, id: &str) -> bool {
    // SAFETY: pidfd_open(2) takes a pid and flags, and returns a new descriptor or -1.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as libc::c_int;
    if pidfd < 0 {
        return false;
    }
    let sent = arguments(pid) == ["minidock-monitor", id]
        // SAFETY: pidfd_send_signal(2) on the descriptor just opened, with no siginfo.
        && unsafe {
            libc::syscall(
                libc::SYS_pidfd_send_signal,
                pidfd,
                libc::SIGKILL,
                std::ptr::null::<libc::siginfo_t>(),
                0,
            )
        } == 0;
    // SAFETY: closing the descriptor opened above, used no more.
    unsafe { libc::close(pidfd) };
    sent
}

/// The entries of the state directory under `containers/` and `names/`: what the store still
/// holds of containers.
fn stored_containers(sb: &Sandbox) -> Vec<String> {
    sb.state_entries()
        .into_iter()
        .filter(|e| e.starts_with("containers/") || e.starts_with("names/"))
        .collect()
}

/// `rm -f` of the containers, at the end of a test: nothing may stay running.
fn remove(sb: &Sandbox, references: &[&str]) {
    let mut args = vec!["rm", "-f"];
    args.extend_from_slice(references);
    let out = sb.minidock(args).output();
    if out.status != Some(0) || out.timed_out {
        Failure::new(format!("minidock rm -f {}", references.join(" ")))
            .expected_text("exit status 0: the containers are removed")
            .got_text(out.ending())
            .hint("rm -f kills a running container (SIGKILL through a pidfd), waits until its end is recorded, then removes its files, state, log and name")
            .output(&out)
            .section(STOPPING)
            .fail();
    }
}

#[test]
fn a_killed_monitor_is_found_out() {
    let sb = Sandbox::new();
    let image = sb.image();
    let name = random::name("doomed-");
    let seconds = random::number(300, 600).to_string();
    let id = run_detached(&sb, &["--name", &name, &image, "sleep", &seconds]);
    let (pid, first) = first_process(&sb, &id);
    let monitor = first.ppid;
    // The monitor is the container's parent, and nothing else is killed: it must say it is
    // this container's monitor.
    if !kill_monitor(monitor, &id) {
        Failure::new(format!(
            "the parent of the container's first process (pid {pid}), its monitor"
        ))
        .expected_text(format!(
            "a process whose arguments are [\"minidock-monitor\", \"{id}\"]"
        ))
        .got_text(format!(
            "pid {monitor}, with arguments {:?}",
            arguments(monitor)
        ))
        .hint("run -d's child executes /proc/self/exe with the arguments `minidock-monitor ID`, and the monitor is the container's parent: it clones the first process itself")
        .section(MONITOR)
        .fail();
    }
    // Now nobody will record the container's end: the next command that reads it must see that
    // its monitor is gone. (The monitor's zombie waits for init to reap it; that takes a while.)
    let template = "{{.State.Status}} {{.State.ExitCode}}";
    let mut seen = String::new();
    let found_out = eventually(PATIENCE, || {
        seen = inspect(&sb, &id, template, RECOVERY);
        seen == "exited 137"
    });
    if !found_out {
        Failure::new(format!(
            "inspect -f '{template}' of a running container whose monitor (pid {monitor}) was killed with SIGKILL"
        ))
        .expected_text(format!("\"exited 137\", within {PATIENCE:?}"))
        .got(&seen)
        .hint("a command that reads a container checks its state against the kernel: a running container whose monitor (its pid and start time, /proc/PID/stat field 22, in state.json) no longer exists has died with it, killed by SIGKILL: exited, exit code 137")
        .section(RECOVERY)
        .fail();
    }
    let out = sb.minidock(["ps", "-a"]).output();
    let short = &id[..12];
    let line = out
        .stdout
        .lines()
        .find(|line| line.starts_with(short))
        .unwrap_or_default();
    if out.status != Some(0) || !line.contains("Exited (137)") {
        Failure::new("minidock ps -a, after the container's monitor was killed")
            .expected_text(format!(
                "exit status 0, and a line for {short} with the status Exited (137) ..."
            ))
            .got_text(format!("{}, line {line:?}", out.ending()))
            .hint("ps reads every container through the same check as inspect: a running container without its monitor is shown as it is, exited with 137")
            .output(&out)
            .section(RECOVERY)
            .fail();
    }
    let out = sb.minidock(["ps", "-q"]).output();
    if out.status != Some(0) || out.stdout.lines().any(|line| line == short) {
        Failure::new(
            "minidock ps -q (running containers only), after the container's monitor was killed",
        )
        .expected_text(format!("exit status 0, and no line {short}"))
        .got_text(format!("{}, stdout {:?}", out.ending(), out.stdout))
        .hint("a container whose monitor is gone runs no more: ps without -a leaves it out")
        .output(&out)
        .section(RECOVERY)
        .fail();
    }
    if !eventually(PATIENCE, || ended(pid, first.start)) {
        Failure::new(format!(
            "the container's first process (pid {pid}), after its monitor was killed"
        ))
        .expected_text(format!("gone, within {PATIENCE:?}"))
        .got_text(format!("still running: {:?}", stat(pid)))
        .hint("the container's first process is the monitor's child, with PR_SET_PDEATHSIG = SIGKILL (chapter 2): the kernel kills it when its parent dies")
        .section(RECOVERY)
        .fail();
    }
    let out = sb.minidock(["rm", &id]).output();
    out.expect_stdout(&id, RECOVERY)
        .what("minidock rm of the container whose monitor was killed, now exited")
        .hint("a container found exited is removed as any other: its files, state, log and name");
    // A run sweeps the cgroups that killed minidocks left (chapter 4's ledger); with --rm it
    // leaves nothing of its own.
    let out = sb.minidock(["run", "--rm", &image, "true"]).output();
    out.expect_status(0, RECOVERY)
        .what(
            "minidock run --rm IMAGE true, after the monitor was killed and its container removed",
        )
        .hint("a foreground run works as before; --rm removes its container when it ends");
    let cgroups = sb.leftover_cgroups();
    if !cgroups.is_empty() {
        Failure::new("the containers' cgroups, after the killed monitor's container was removed and another run ended")
            .expected_text("none")
            .got(&cgroups)
            .hint("the monitor's container's cgroup is in chapter 4's ledger, owned by the monitor: the next run removes the cgroups whose owners are gone")
            .output(&out)
            .section(RECOVERY)
            .fail();
    }
    let left = stored_containers(&sb);
    if !left.is_empty() {
        Failure::new("the state directory's containers/ and names/, after rm and a run --rm")
            .expected_text("empty")
            .got(&left)
            .hint("rm removes the container's directory and its name's link, names/NAME; a run --rm leaves nothing either")
            .output(&out)
            .section(STORE)
            .fail();
    }
}

#[test]
fn twenty_parallel_detached_runs_get_twenty_ids_and_names() {
    const RUNS: usize = 20;
    let sb = Sandbox::new();
    let image = sb.image();
    let seconds = random::number(300, 600).to_string();
    let running: Vec<Running> = (0..RUNS)
        .map(|_| {
            sb.minidock(["run", "-d", &image, "sleep", &seconds])
                .timeout(Duration::from_secs(180))
                .spawn()
        })
        .collect();
    let outputs: Vec<Output> = running.into_iter().map(Running::finish).collect();
    let mut ids = Vec::new();
    for out in &outputs {
        ids.push(detached_id(out));
    }
    let distinct: HashSet<&String> = ids.iter().collect();
    if distinct.len() != RUNS {
        Failure::new(format!("the ids of {RUNS} containers started at once with run -d"))
            .expected_text(format!("{RUNS} different ids"))
            .got_text(format!("{} different ones: {ids:?}", distinct.len()))
            .hint("an id is 32 random bytes (from /dev/urandom or getrandom(2)), written as 64 hex digits: never a counter or a clock reading")
            .section(IDENTITY)
            .fail();
    }
    let shorts: HashSet<String> = ids.iter().map(|id| id[..12].to_string()).collect();
    let out = sb.minidock(["ps", "-q"]).output();
    let listed: HashSet<String> = out.stdout.lines().map(str::to_string).collect();
    if out.status != Some(0) || listed != shorts || out.stdout.lines().count() != RUNS {
        let missing: Vec<&String> = shorts.difference(&listed).collect();
        Failure::new(format!("minidock ps -q, with {RUNS} containers running"))
            .expected_text(format!(
                "exit status 0, and the {RUNS} ids, short (their first 12 digits), one a line"
            ))
            .got_text(format!(
                "{}; {} lines, missing {missing:?}",
                out.ending(),
                out.stdout.lines().count()
            ))
            .hint("ps lists every directory under containers/ whose state.json says running; each file is written whole to a temporary name then renamed, so that no reader sees half of one")
            .output(&out)
            .section(STORE)
            .fail();
    }
    let mut args = vec!["inspect", "-f", "{{.Name}}"];
    args.extend(ids.iter().map(String::as_str));
    let out = sb.minidock(args).output();
    let names: Vec<&str> = out.stdout.lines().collect();
    let distinct: HashSet<&&str> = names.iter().collect();
    let named = names
        .iter()
        .all(|name| name.len() > 1 && name.starts_with('/'));
    if out.status != Some(0) || names.len() != RUNS || distinct.len() != RUNS || !named {
        Failure::new(format!(
            "the names of {RUNS} containers started at once without --name"
        ))
        .expected_text(format!(
            "exit status 0, and {RUNS} different names, each shown as /NAME"
        ))
        .got_text(format!("{}, names {names:?}", out.ending()))
        .hint("a made-up name is taken by creating the symbolic link names/NAME -> ID with symlink(2), which fails with EEXIST when another container has it, even one taking it at the same moment: then make up another")
        .output(&out)
        .section(IDENTITY)
        .fail();
    }
    let mut args = vec!["rm", "-f"];
    args.extend(ids.iter().map(String::as_str));
    let out = sb.minidock(args).timeout(Duration::from_secs(120)).output();
    let removed: Vec<&str> = out.stdout.lines().collect();
    if out.status != Some(0) || removed != ids {
        Failure::new(format!("minidock rm -f of the {RUNS} containers, running"))
            .expected_text("exit status 0, and each id given, one a line, in order")
            .got_text(format!("{}, stdout {:?}", out.ending(), out.stdout))
            .hint("rm -f kills each running container (SIGKILL through a pidfd), waits until its end is recorded, then removes it, and prints what it was given")
            .output(&out)
            .section(STOPPING)
            .fail();
    }
    let out = sb.minidock(["ps", "-aq"]).output();
    out.expect_stdout("", STORE)
        .what(format!(
            "minidock ps -aq, once the {RUNS} containers were removed"
        ))
        .hint("rm removes the container's directory under containers/: ps lists nothing of it");
}

#[test]
fn rm_refuses_a_running_container_and_rm_f_leaves_nothing() {
    let sb = Sandbox::new();
    let image = sb.image();
    let name = random::name("busy-");
    let seconds = random::number(300, 600).to_string();
    let id = run_detached(&sb, &["--name", &name, &image, "sleep", &seconds]);
    let (pid, first) = first_process(&sb, &id);
    let out = sb.minidock(["rm", &name]).output();
    let message = format!(
        "You cannot remove a running container {id}. Stop the container before attempting removal or force remove"
    );
    if out.status != Some(1) || !out.stderr.contains(&message) {
        Failure::new(format!("minidock rm {name}, a container that runs"))
            .expected_text(format!("exit status 1, and on stderr: {message}"))
            .got_text(format!("{}, stderr {:?}", out.ending(), out.stderr))
            .hint("rm without -f refuses a running container, with docker's message, and leaves it as it is")
            .output(&out)
            .section(STOPPING)
            .fail();
    }
    let status = inspect(&sb, &name, "{{.State.Status}}", STORE);
    if status != "running" || ended(pid, first.start) {
        Failure::new(format!("the container {name}, after a refused rm"))
            .expected_text(format!(
                "status running, and its first process (pid {pid}) still there"
            ))
            .got_text(format!(
                "status {status:?}, first process {}",
                if ended(pid, first.start) {
                    "gone"
                } else {
                    "there"
                }
            ))
            .hint("rm without -f touches nothing of a running container: no signal, no file")
            .output(&out)
            .section(STOPPING)
            .fail();
    }
    let out = sb.minidock(["rm", "-f", &name]).output();
    out.expect_stdout(&name, STOPPING)
        .what(format!("minidock rm -f {name}, a container that runs"))
        .hint("rm -f kills the container (SIGKILL through a pidfd), waits until its end is recorded, removes it, and prints the name it was given");
    let left = sb.leftover_cgroups();
    let dir = sb.state_dir().join("containers").join(&id);
    let link = sb.state_dir().join("names").join(&name);
    let exists = |path: &Path| path.symlink_metadata().is_ok();
    let mut found = Vec::new();
    if !ended(pid, first.start) {
        found.push(format!("the first process, pid {pid}"));
    }
    found.extend(
        left.iter()
            .map(|cgroup| format!("the cgroup {}", cgroup.display())),
    );
    for path in [&dir, &link] {
        if exists(path) {
            found.push(path.display().to_string());
        }
    }
    if !found.is_empty() {
        Failure::new(format!("what is left of {name} once rm -f has returned"))
            .expected_text("nothing: no process, no cgroup, no containers/ID, no names/NAME")
            .got(&found)
            .hint("rm -f returns only once the container has ended and its monitor has recorded it and removed its cgroup; then its directory and its name's link go")
            .output(&out)
            .section(STOPPING)
            .fail();
    }
}

#[test]
fn kill_sends_the_signal_asked_for() {
    let sb = Sandbox::new();
    let image = sb.image();
    let name = random::name("signalled-");
    let code = random::number(1, 100);
    let ready = random::name("ready-");
    let script = format!("trap 'exit {code}' USR1; echo {ready}; while :; do sleep 0.1; done");
    run_detached(&sb, &["--name", &name, &image, "sh", "-c", &script]);
    let mut logs = None;
    let said = eventually(PATIENCE, || {
        let out = sb.minidock(["logs", &name]).output();
        let said = out.stdout.lines().any(|line| line == ready);
        logs = Some(out);
        said
    });
    if !said {
        let out = logs.expect("logs ran at least once");
        Failure::new(format!(
            "minidock logs {name}, a container whose command printed {ready:?}"
        ))
        .expected_text(format!("the line {ready:?} on stdout, within {PATIENCE:?}"))
        .got_text(format!("{}, stdout {:?}", out.ending(), out.stdout))
        .hint("the monitor reads the container's stdout and stderr pipes and writes each line to the json-file log as a record; logs prints each record's text to its stream")
        .output(&out)
        .section(LOGS)
        .fail();
    }
    let out = sb.minidock(["kill", "-s", "USR1", &name]).output();
    out.expect_stdout(&name, STOPPING)
        .what(format!("minidock kill -s USR1 {name}"))
        .hint("kill sends the signal it is asked for (a name as TERM, SIGTERM or a number) to the container's first process, through a pidfd, and prints the name it was given");
    let out = sb.minidock(["wait", &name]).output();
    out.expect_stdout(&code.to_string(), STOPPING)
        .what(format!(
            "minidock wait {name}, a container whose command exits {code} on SIGUSR1, after kill -s USR1"
        ))
        .hint("the signal must be SIGUSR1 itself: a container's first process is pid 1 of its PID namespace, which gets only the signals it has a handler for; wait then prints the recorded exit code");
    let out = sb.minidock(["kill", &name]).output();
    if out.status != Some(1) || !out.stderr.contains("is not running") {
        Failure::new(format!("minidock kill {name}, a container that has exited"))
            .expected_text("exit status 1, and on stderr: Container ... is not running")
            .got_text(format!("{}, stderr {:?}", out.ending(), out.stderr))
            .hint("kill sends nothing to a container that does not run: its recorded pid may be another process's by now")
            .output(&out)
            .section(STOPPING)
            .fail();
    }
    let nosuch = random::name("nosuch-");
    let out = sb.minidock(["kill", &nosuch]).output();
    let message = format!("No such container: {nosuch}");
    if out.status != Some(1) || !out.stderr.contains(&message) {
        Failure::new(format!("minidock kill {nosuch}, a container that never existed"))
            .expected_text(format!("exit status 1, and on stderr: {message}"))
            .got_text(format!("{}, stderr {:?}", out.ending(), out.stderr))
            .hint("a reference that is no full id, no name and no prefix of an id is docker's No such container")
            .output(&out)
            .section(IDENTITY)
            .fail();
    }
    remove(&sb, &[&name]);
}

#[test]
fn names_and_id_prefixes_find_a_container() {
    let sb = Sandbox::new();
    let image = sb.image();
    let name = random::name("named-");
    let seconds = random::number(300, 600).to_string();
    let id = run_detached(&sb, &["--name", &name, &image, "sleep", &seconds]);
    let out = sb
        .minidock(["run", "-d", "--name", &name, &image, "sleep", &seconds])
        .output();
    let conflict =
        format!("Conflict. The container name \"/{name}\" is already in use by container \"{id}\"");
    if out.status != Some(125) || !out.stderr.contains(&conflict) {
        Failure::new(format!(
            "a second minidock run -d --name {name}, while the first container has that name"
        ))
        .expected_text(format!("exit status 125, and on stderr: {conflict}"))
        .got_text(format!("{}, stderr {:?}", out.ending(), out.stderr))
        .hint("a name is taken by creating the symbolic link names/NAME -> ID; symlink(2) fails with EEXIST if it exists, and the link tells whose it is")
        .output(&out)
        .section(IDENTITY)
        .fail();
    }
    let out = sb.minidock(["ps", "-aq"]).output();
    out.expect_stdout(&id[..12], IDENTITY)
        .what("minidock ps -aq, after a second run with a name in use failed")
        .hint("the name is taken before anything of the container is made: a run that cannot have its name leaves no container");
    let prefix_len = random::number(4, 16) as usize;
    for reference in [name.as_str(), &id[..prefix_len], id.as_str()] {
        let got = inspect(&sb, reference, "{{.Id}}", IDENTITY);
        if got != id {
            Failure::new(format!("minidock inspect -f '{{{{.Id}}}}' {reference}"))
                .expected(&id)
                .got(&got)
                .hint("a container is found by its full id, then by its name (names/NAME), then by a prefix of its id that no other id has")
                .section(IDENTITY)
                .fail();
        }
    }
    let bad = format!(
        "{}{}{}",
        random::word(5),
        random::pick(&["!", " ", ":", "@", "+", "$"]),
        random::word(5)
    );
    let out = sb
        .minidock(["run", "--name", &bad, &image, "true"])
        .output();
    if out.status != Some(125) || !out.stderr.contains("Invalid container name") {
        Failure::new(format!("minidock run --name '{bad}' IMAGE true"))
            .expected_text("exit status 125, and on stderr: Invalid container name ...")
            .got_text(format!("{}, stderr {:?}", out.ending(), out.stderr))
            .hint("a name is docker's [a-zA-Z0-9][a-zA-Z0-9_.-]+, checked before anything is made (the name becomes a file name under names/)")
            .output(&out)
            .section(IDENTITY)
            .fail();
    }
    let out = sb.minidock(["ps", "-aq"]).output();
    out.expect_stdout(&id[..12], IDENTITY)
        .what("minidock ps -aq, after a run with an invalid name failed")
        .hint("a run whose name is refused leaves no container");
    remove(&sb, &[&name]);
}

#[test]
fn run_d_killed_at_any_moment_leaves_what_the_next_commands_sweep() {
    let sb = Sandbox::new();
    let image = sb.image();
    // One that runs to its end, for a start.
    let whole = run_detached(&sb, &[&image, "sleep", "600"]);
    // kill -9 of `run -d` at moments spread over its few milliseconds: before its record is
    // whole, while its monitor starts the container, after it has printed the id.
    let delays: Vec<u64> = (0..8).map(|i| i * 4 + random::number(0, 3)).collect();
    for delay in &delays {
        let run = sb.minidock(["run", "-d", &image, "sleep", "600"]).spawn();
        std::thread::sleep(Duration::from_millis(*delay));
        run.signal(libc::SIGKILL);
        let _ = run.finish_within(PATIENCE);
    }
    // The next commands: `ps -a` reads every record, and repairs what it must; `rm -f` of what
    // it lists; a run, which sweeps the cgroups killed commands left.
    let listed = sb.minidock(["ps", "-aq", "--no-trunc"]).output();
    let ids: Vec<&str> = listed.stdout.lines().collect();
    if !ids.contains(&whole.as_str()) {
        Failure::new("minidock ps -aq --no-trunc, after run -d was killed with -9 several times")
            .expected_text(format!("the container that started whole, {whole}, among those listed"))
            .got_text(format!("{ids:?}"))
            .hint("a reader repairs what a killed command left, and lists every container whose record is whole")
            .output(&listed)
            .section(RECOVERY)
            .fail();
    }
    remove(&sb, &ids);
    sb.minidock(["run", "--rm", &image, "true"]).output();
    let monitors_gone = eventually(Duration::from_secs(5), || sb.monitors().is_empty());
    let mut found: Vec<String> = stored_containers(&sb);
    found.extend(
        sb.leftover_cgroups()
            .iter()
            .map(|cgroup| format!("the cgroup {}", cgroup.display())),
    );
    if !monitors_gone {
        found.extend(
            sb.monitors()
                .iter()
                .map(|pid| format!("the monitor, pid {pid}")),
        );
    }
    let state = sb.state_dir().display().to_string();
    found.extend(
        sb.mounts()
            .lines()
            .filter(|line| line.contains(&state))
            .map(|line| format!("the mount {line}")),
    );
    if !found.is_empty() {
        Failure::new(format!(
            "run -d killed with -9 after {delays:?} ms, then ps -a, rm -f of what it listed, and one run"
        ))
        .expected_text("nothing left: no record, no name, no cgroup, no monitor, no mount")
        .got(&found)
        .hint("a record whose creator died before it was whole goes at the next read; a container whose monitor was started runs on, and rm -f removes it; a cgroup a killed command left is in the ledger, for the next run to sweep")
        .output(&listed)
        .section(RECOVERY)
        .fail();
    }
}
