//! Chapter 4, "cgroups": the container's processes are counted and limited by a cgroup of its
//! own (memory, CPU time, processes), see only their own cgroup, and leave no cgroup behind.
//!
//! The host runs cgroup v1 or v2; the tests read the files of whichever it has.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use harness::{cgroups, check_at_most, check_eq, random, Failure, Output, Sandbox, Section};

const MAKE_V1: Section = Section::new(4, "Make the cgroup: cgroup v1");
const MAKE_V2: Section = Section::new(4, "Make the cgroup: cgroup v2");
const JOIN: Section = Section::new(4, "Put the container in its cgroup");
const LIMITS_V2: Section = Section::new(4, "Write the limits: cgroup v2");
const LIMITS_V1: Section = Section::new(4, "Write the limits: cgroup v1");
const NAMESPACE: Section = Section::new(4, "A cgroup namespace");
const REMOVE: Section = Section::new(4, "Remove the cgroup");

/// The section that writes limits on this host's cgroup version.
fn limits() -> Section {
    if cgroups::is_v2() {
        LIMITS_V2
    } else {
        LIMITS_V1
    }
}

/// The section that makes the cgroup on this host's cgroup version.
fn make() -> Section {
    if cgroups::is_v2() {
        MAKE_V2
    } else {
        MAKE_V1
    }
}

/// Whether the container's first process, `pid` on the host, is in a container cgroup of its
/// own below the absolute cgroup `parent`, in every tree: if not, what the host sees, the
/// section that helps and the likely cause.
fn in_own_cgroup(pid: Option<u32>, parent: &str) -> Result<(), (String, Section, &'static str)> {
    let Some(pid) = pid else {
        return Err((
            "no first process of the container".to_string(),
            JOIN,
            "the container ended early",
        ));
    };
    let places = cgroups::places(pid);
    let own = format!("{}/minidock-", parent.trim_end_matches('/'));
    let outside: Vec<&str> = places
        .iter()
        .filter(|(_, path)| !path.starts_with(&own))
        .map(|(controllers, _)| match controllers.as_str() {
            "" => "the v2 tree",
            controllers => controllers,
        })
        .collect();
    if !places.is_empty() && outside.is_empty() {
        return Ok(());
    }
    if places.is_empty() {
        return Err((
            format!("no /proc/{pid}/cgroup to read: the process is gone"),
            JOIN,
            "the container ended early",
        ));
    }
    let got = format!(
        "outside it in {} of {} trees: {}",
        outside.len(),
        places.len(),
        outside.join(", ")
    );
    if cgroups::containers_below(parent).len() < cgroups::trees().len() {
        Err((
            got,
            make(),
            "the container's cgroup is missing from some cgroup tree: it is made in every one (on cgroup v1, one directory per hierarchy)",
        ))
    } else {
        Err((
            got,
            JOIN,
            "the container's cgroup exists, but its first process was not moved into it (in every tree)",
        ))
    }
}

/// Fails unless the run left no cgroup behind.
#[track_caller]
fn expect_no_leftover(sb: &Sandbox, after: &str, out: &Output) {
    expect_no_leftover_in(sb, after, out, REMOVE);
}

/// The same, reported with `section`.
#[track_caller]
fn expect_no_leftover_in(sb: &Sandbox, after: &str, out: &Output, section: Section) {
    check_eq(
        format!("cgroups left behind {after}"),
        Vec::<PathBuf>::new(),
        sb.leftover_cgroups(),
        out,
        section,
    )
    .expected_text("none: the container's cgroup is removed when it ends");
}

#[test]
fn a_fork_bomb_stops_at_the_pids_limit() {
    let sb = Sandbox::new();
    let limit = random::number(12, 30);
    // Far more processes than the limit allows.
    let mut running = sb
        .minidock([
            "run",
            "--init",
            "--pids-limit",
            &limit.to_string(),
            &sb.image(),
            &sb.probe(),
            "forks",
            "80",
        ])
        .spawn();
    running
        .expect_line("ready", Duration::from_secs(20), JOIN)
        .what("the fork bomb never finished forking");
    let cgroup = sb.container_cgroups("pids").first().cloned();
    let current = cgroup
        .as_ref()
        .and_then(|dir| cgroups::number(&dir.join("pids.current")));
    // The container can still be stopped: the init passes SIGTERM on to the probe.
    running.signal(libc::SIGTERM);
    let out = running.finish_within(Duration::from_secs(10));
    match current {
        Some(n) if n > 0 && n <= limit => {}
        Some(0) | None => Failure::new("the container's processes, as its cgroup counts them (pids.current)")
            .expected_text(format!("between 1 and the limit, {limit}"))
            .got_text(match &cgroup {
                Some(dir) => format!("0: its cgroup, {}, holds none of them", dir.display()),
                None => "no cgroup at all under the test's cgroup parent".to_string(),
            })
            .hint("minidock makes the container's cgroup, but the container's first process must be moved into it")
            .output(&out)
            .section(JOIN)
            .fail(),
        Some(n) => Failure::new("the container's processes, as its cgroup counts them (pids.current)")
            .expected_text(format!("at most the limit, {limit}"))
            .got(n)
            .hint("pids.max is not written, or not where the kernel reads it")
            .output(&out)
            .section(limits())
            .fail(),
    }
    out.expect_status(128 + libc::SIGTERM, JOIN)
        .what("a container at its pids limit, sent SIGTERM through minidock (with --init)");
}

#[test]
fn a_memory_hog_is_killed_and_minidock_says_so() {
    let sb = Sandbox::new();
    let limit = random::number(24, 48);
    let memory = format!("{limit}m");
    // Within the limit: nothing happens.
    let small = sb
        .minidock(["run", "-m", &memory, &sb.image(), &sb.probe(), "hog", "4"])
        .output();
    small.expect_status(0, limits());
    // Far beyond it, swap included (docker allows as much swap as memory): the kernel's OOM
    // killer ends the command.
    let hog = (limit * 4).to_string();
    let out = sb
        .minidock(["run", "-m", &memory, &sb.image(), &sb.probe(), "hog", &hog])
        .timeout(Duration::from_secs(60))
        .output();
    out.expect_status(137, limits())
        .what(format!(
            "a command that fills {hog} MiB of memory in a container limited to {memory}"
        ))
        .expected_text("exit status 137: the kernel's OOM killer ends it")
        .hint("the memory limit is not written, or the container is not in its cgroup");
    out.expect_stderr_contains("out of memory", limits())
        .what("minidock's report of an OOM kill")
        .expected_text("a line on stderr that says \"out of memory\"");
    expect_no_leftover(&sb, "after an OOM kill", &out);
}

#[test]
fn cpus_throttle_a_busy_loop() {
    // Measures CPU time: nothing else may run meanwhile.
    let sb = Sandbox::alone();
    let wall_ms = 1500;
    let mut running = sb
        .minidock([
            "run",
            "--cpus",
            "0.5",
            &sb.image(),
            &sb.probe(),
            "spin",
            &wall_ms.to_string(),
        ])
        .spawn();
    // Generous: a loaded machine, or the emulated v2 guest, may take seconds to start it. The
    // measurement below starts only once it runs.
    running
        .expect_line("ready", Duration::from_secs(60), JOIN)
        .what("the busy loop never started or never finished");
    let t0 = Instant::now();
    let dir_cpu = sb.container_cgroups("cpu").first().cloned();
    let dir_usage = sb
        .container_cgroups("cpuacct")
        .first()
        .cloned()
        .or(dir_cpu.clone());
    let usage = |dir: &Option<std::path::PathBuf>| -> Option<u64> {
        let dir = dir.as_ref()?;
        if cgroups::is_v2() {
            cgroups::keyed(&dir.join("cpu.stat"), "usage_usec")
        } else {
            cgroups::number(&dir.join("cpuacct.usage")).map(|ns| ns / 1000)
        }
    };
    let before = usage(&dir_usage);
    running
        .expect_line("done", Duration::from_secs(60), JOIN)
        .what("the busy loop never started or never finished");
    let wall = t0.elapsed();
    let after = usage(&dir_usage);
    let throttled = dir_cpu
        .as_ref()
        .and_then(|dir| cgroups::keyed(&dir.join("cpu.stat"), "nr_throttled"));
    running.close_stdin();
    let out = running.finish();
    let (Some(before), Some(after)) = (before, after) else {
        Failure::new("the container's CPU usage, as its cgroup counts it")
            .got_text(format!("no cgroup with a usage counter: {dir_usage:?}"))
            .output(&out)
            .section(JOIN)
            .fail()
    };
    let share = (after - before) as f64 / wall.as_micros() as f64;
    // Shown with `cargo test -- --show-output`: the measurement itself, pass or fail.
    println!(
        "--cpus 0.5: {share:.3} of {} ms of wall time on CPU, throttled {} times",
        wall.as_millis(),
        throttled.unwrap_or(0)
    );
    if after == before {
        Failure::new("the container's CPU usage, as its cgroup counts it")
            .expected_text("time spent by the busy loop")
            .got_text("nothing: the busy loop ran outside the container's cgroup")
            .output(&out)
            .section(JOIN)
            .fail();
    }
    if share > 0.6 || throttled.unwrap_or(0) == 0 {
        Failure::new("the CPU time of a busy loop in a container run with --cpus 0.5")
            .expected_text("at most 0.6 of the wall time, throttled by the kernel")
            .got_text(format!(
                "{share:.2} of {} ms, throttled {} times",
                wall.as_millis(),
                throttled.unwrap_or(0)
            ))
            .hint("the CPU quota is not written (cpu.max on v2, cpu.cfs_quota_us on v1)")
            .output(&out)
            .section(limits())
            .fail();
    }
    if share < 0.2 {
        Failure::new("the CPU time of a busy loop in a container run with --cpus 0.5")
            .expected_text("about half of the wall time")
            .got_text(format!("{share:.2} of {} ms", wall.as_millis()))
            .hint("a quota far below what was asked for")
            .output(&out)
            .section(limits())
            .fail();
    }
}

#[test]
fn the_container_sees_its_limits_and_its_own_cgroup_root() {
    let sb = Sandbox::new();
    let memory_mb = random::number(16, 256);
    let pids = random::number(10, 500);
    // Below one CPU: at exactly one, the quota equals its period, and a quota and period
    // written the wrong way round would look right.
    let cpus_hundredths = random::number(10, 99);
    let cpus = format!("{}.{:02}", cpus_hundredths / 100, cpus_hundredths % 100);
    let quota = cpus_hundredths * 1000;
    // Each limit's file, with what it should hold: on v1 the CPU quota and its period are two.
    let limits_expected: Vec<(&str, String)> = if cgroups::is_v2() {
        vec![
            ("memory.max", (memory_mb << 20).to_string()),
            ("pids.max", pids.to_string()),
            ("cpu.max", format!("{quota} 100000")),
        ]
    } else {
        vec![
            (
                "memory/memory.limit_in_bytes",
                (memory_mb << 20).to_string(),
            ),
            ("pids/pids.max", pids.to_string()),
            ("cpu/cpu.cfs_quota_us", quota.to_string()),
            ("cpu/cpu.cfs_period_us", "100000".to_string()),
        ]
    };
    // Each file's name, then its content (or the error), one per line; then /proc/self/cgroup.
    let files: Vec<&str> = limits_expected.iter().map(|(file, _)| *file).collect();
    let script = format!(
        "for f in {}; do printf '%s: ' $f; cat /sys/fs/cgroup/$f 2>&1; done; \
         readlink /proc/self/ns/cgroup; cat /proc/self/cgroup",
        files.join(" ")
    );
    let out = sb
        .minidock([
            "run",
            "-m",
            &format!("{memory_mb}m"),
            "--pids-limit",
            &pids.to_string(),
            "--cpus",
            &cpus,
            &sb.image(),
            "sh",
            "-c",
            &script,
        ])
        .output();
    out.expect_status(0, NAMESPACE);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (limit_lines, rest) = lines.split_at(files.len().min(lines.len()));
    let (namespace, cgroup_lines) = rest.split_first().unwrap_or((&"", &[]));
    // First the namespace: in its own, every line of /proc/self/cgroup ends in "/", the
    // container's cgroup being the root of what it sees.
    let paths: Vec<&str> = cgroup_lines
        .iter()
        .filter_map(|l| l.splitn(3, ':').nth(2))
        .collect();
    if paths.is_empty() || paths.iter().any(|p| *p != "/") {
        // Whether the container has a namespace of its own tells the two causes apart; what
        // the paths look like depends on where minidock runs.
        let host = std::fs::read_link("/proc/self/ns/cgroup")
            .map(|link| link.to_string_lossy().into_owned())
            .unwrap_or_default();
        let hint = if *namespace != host {
            "the container has a cgroup namespace of its own, rooted at another cgroup than its own: the root is the cgroup the child is in when it makes the namespace. Either minidock moved the child into its cgroup after the go-ahead, too late (chapter 4, \"Put the container in its cgroup\"), or the namespace was made before the move, at clone (chapter 4, \"A cgroup namespace\")"
        } else {
            "without a cgroup namespace of its own (unshare(2) with CLONE_NEWCGROUP), the container sees where it is in the host's tree"
        };
        Failure::new("/proc/self/cgroup in the container")
            .expected_text(
                "every cgroup path is \"/\": the container's cgroup is its namespace's root",
            )
            .got_text(cgroup_lines.join(" | "))
            .note("namespace", format!("{namespace} (the host's: {host})"))
            .hint(hint)
            .output(&out)
            .section(NAMESPACE)
            .fail();
    }
    let expected: Vec<String> = limits_expected
        .iter()
        .map(|(file, value)| format!("{file}: {value}"))
        .collect();
    // The quota is the CPU time allowed in each period: --cpus times the period.
    let swapped = [
        format!("cpu.max: 100000 {quota}"),
        "cpu/cpu.cfs_quota_us: 100000".to_string(),
        format!("cpu/cpu.cfs_period_us: {quota}"),
    ];
    let hint = if quota != 100000
        && limit_lines
            .iter()
            .any(|line| swapped.contains(&line.to_string()))
    {
        "the CPU quota and its period are swapped: the quota is --cpus times the period (100000 microseconds), the time allowed in each period"
    } else {
        "each limit is written to its own file of the container's cgroup, which the container sees as its cgroup root"
    };
    check_eq(
        format!(
            "the limits (-m {memory_mb}m --pids-limit {pids} --cpus {cpus}) as the container reads them in /sys/fs/cgroup"
        ),
        expected,
        limit_lines,
        &out,
        limits(),
    )
    .hint(hint);
}

#[test]
fn the_container_is_in_a_cgroup_of_its_own_in_every_tree() {
    let sb = Sandbox::new();
    // No limit at all: the container still gets a cgroup of its own, in every tree.
    let mut running = start_holding(&sb, &[]);
    let child = running.children().first().copied();
    let place = in_own_cgroup(child, sb.cgroup_parent());
    running.close_stdin();
    let out = running.finish();
    if let Err((got, section, hint)) = place {
        Failure::new("the cgroups of the container's first process, as the host sees them (/proc/PID/cgroup)")
            .expected_text(format!(
                "in every tree, a cgroup of its own below {}",
                sb.cgroup_parent()
            ))
            .got_text(got)
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    out.expect_status(0, REMOVE);
    expect_no_leftover(&sb, "after a container ended", &out);
}

#[test]
fn the_command_starts_in_its_cgroup_and_sees_it_as_its_root() {
    let sb = Sandbox::new();
    // The command waits for its stdin to close, while the test looks from outside; then it
    // shows its cgroup namespace and its cgroups as it sees them.
    let script = "echo ready; read line; readlink /proc/self/ns/cgroup; cat /proc/self/cgroup";
    let mut running = sb
        .minidock(["run", &sb.image(), "sh", "-c", script])
        .spawn();
    running
        .expect_line("ready", Duration::from_secs(20), JOIN)
        .what("a container whose command waits for its stdin never started");
    // A process put in its cgroup before the go-ahead is there at once; one put there later is
    // there a moment after its command started. Either way the test waits until it is.
    let child = running.children().first().copied();
    let deadline = Instant::now() + Duration::from_secs(5);
    let place = loop {
        let place = in_own_cgroup(child, sb.cgroup_parent());
        if place.is_ok() || Instant::now() >= deadline {
            break place;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    running.close_stdin();
    let out = running.finish();
    if let Err((got, section, hint)) = place {
        Failure::new("the cgroups of the container's first process, as the host sees them (/proc/PID/cgroup), once its command runs")
            .expected_text(format!(
                "in every tree, a cgroup of its own below {}",
                sb.cgroup_parent()
            ))
            .got_text(format!("{got}, 5 s after the command started"))
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    out.expect_status(0, JOIN);
    let mut lines = out
        .stdout
        .lines()
        .skip_while(|line| *line != "ready")
        .skip(1);
    let namespace = lines.next().unwrap_or("").to_string();
    let cgroup_lines: Vec<&str> = lines.collect();
    let paths: Vec<&str> = cgroup_lines
        .iter()
        .filter_map(|l| l.splitn(3, ':').nth(2))
        .collect();
    if paths.is_empty() || paths.iter().any(|p| *p != "/") {
        let host = std::fs::read_link("/proc/self/ns/cgroup")
            .map(|link| link.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (section, hint) = if namespace == host {
            (
                NAMESPACE,
                "the container shares the host's cgroup namespace: it needs one of its own (unshare(2) with CLONE_NEWCGROUP), made after it is in its cgroup",
            )
        } else {
            (
                JOIN,
                "the container has a cgroup namespace of its own, rooted at another cgroup than its own: the root is the cgroup the child is in when it makes the namespace. Either minidock moved the child into its cgroup after the go-ahead, too late (chapter 4, \"Put the container in its cgroup\"), or the namespace was made before the move, at clone (chapter 4, \"A cgroup namespace\")",
            )
        };
        Failure::new("/proc/self/cgroup in the container")
            .expected_text(
                "every cgroup path is \"/\": the container's cgroup is its namespace's root",
            )
            .got_text(cgroup_lines.join(" | "))
            .note("namespace", format!("{namespace} (the host's: {host})"))
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
}

#[test]
fn the_child_is_in_its_cgroup_before_the_go_ahead() {
    let sb = Sandbox::new();
    // Whether a move made too late shows in the container depends on who runs first, minidock
    // or the child, once the go-ahead is sent. minidock's own narration has no such race: its
    // calls come in the order it makes them.
    let code = random::number(1, 100);
    let script = format!("exit {code}");
    let out = sb
        .minidock(["--explain", "run", &sb.image(), "sh", "-c", &script])
        .output();
    let minidock: Vec<&str> = out
        .stderr
        .lines()
        .filter(|line| line.contains("[minidock]"))
        .collect();
    let go_ahead = minidock
        .iter()
        .position(|line| line.contains("send(channel, go-ahead)"));
    let moves: Vec<usize> = minidock
        .iter()
        .enumerate()
        .filter(|(_, line)| line.contains("cgroup.procs"))
        .map(|(i, _)| i)
        .collect();
    let shown = || {
        let calls: Vec<&str> = minidock
            .iter()
            .filter(|line| line.contains("cgroup.procs") || line.contains("channel"))
            .map(|line| line.trim_start_matches("+ "))
            .collect();
        calls.join(" | ")
    };
    let failure = || {
        Failure::new("the order of minidock's calls (`minidock --explain run ...`)")
            .expected_text(
                "the child's pid written to cgroup.procs (in every tree), then send(channel, go-ahead)",
            )
            .section(JOIN)
    };
    match (go_ahead, moves.last()) {
        (_, None) => failure()
            .got_text(format!("no write to any cgroup.procs: {}", shown()))
            .hint("minidock makes the container's cgroup, but never moves the child into it")
            .fail(),
        (Some(go_ahead), Some(&last)) if last > go_ahead => failure()
            .got_text(shown())
            .hint("minidock moves the child into its cgroup after giving it the go-ahead: from then on the child runs, and what it does first (its cgroup namespace, the command's first processes) can happen outside the cgroup. Whether that shows in the container depends on which process the kernel runs first, so another test can pass by luck: the move belongs in the setup from outside, before the go-ahead")
            .fail(),
        _ => {}
    }
    out.expect_status(code as i32, JOIN);
}

#[test]
fn no_cgroup_is_left_behind() {
    let sb = Sandbox::new();
    // --cpu-shares is written by the code the chapter starts with: the run fails unless the
    // container's cgroup exists, so there is something to leave behind.
    let out = sb
        .minidock(["run", "--cpu-shares", "512", &sb.image(), "true"])
        .output();
    out.expect_status(0, REMOVE);
    expect_no_leftover(&sb, "after a container ended", &out);
    let out = sb
        .minidock([
            "run",
            "--cpu-shares",
            "512",
            &sb.image(),
            "/no/such/command",
        ])
        .output();
    out.expect_status(127, REMOVE);
    check_eq(
        "cgroups left behind after a command that could not start",
        Vec::<PathBuf>::new(),
        sb.leftover_cgroups(),
        &out,
        REMOVE,
    )
    .expected_text("none: the container's cgroup is removed on every way out of run")
    .hint("a run that fails (here the command does not exist, and minidock exits with 127) removes its cgroup too: the removal belongs where it runs however run ends, not at the end of the success path");
}

#[test]
fn bad_limits_are_refused_before_anything_exists() {
    let sb = Sandbox::new();
    let cases: [(&[&str], &str); 5] = [
        (&["--memory", "10q"], "10q"),
        (&["--memory", "1k"], "6MB"),
        (&["--cpus", "-1"], "range of CPUs"),
        (&["--cpus", "999"], "range of CPUs"),
        (&["--memory-swap", "1g"], "memory limit"),
    ];
    for (options, says) in cases {
        let mut args: Vec<String> = vec!["run".into()];
        args.extend(options.iter().map(|o| o.to_string()));
        args.extend([sb.image(), "true".into()]);
        let out = sb.minidock(&args).output();
        if out.status != Some(125) || !out.stderr.contains(says) {
            Failure::new(format!("minidock run {}", options.join(" ")))
                .expected_text(format!(
                    "exit status 125 and an error that mentions {says:?}"
                ))
                .got_text(format!(
                    "{}, stderr {:?}",
                    out.ending(),
                    out.stderr.trim_end()
                ))
                .output(&out)
                .section(limits())
                .fail();
        }
        expect_no_leftover(
            &sb,
            &format!("after `run {}` was refused", options.join(" ")),
            &out,
        );
    }
    // And a good value is taken: the container's memory limit is there, in its cgroup.
    let script = r#"echo ready; exec "$0" hold"#;
    let mut running = sb
        .minidock([
            "run",
            "-m",
            "50m",
            &sb.image(),
            "sh",
            "-c",
            script,
            &sb.probe(),
        ])
        .spawn();
    running
        .expect_line("ready", Duration::from_secs(20), JOIN)
        .what("a container run with -m 50m never started");
    let file = if cgroups::is_v2() {
        "memory.max"
    } else {
        "memory.limit_in_bytes"
    };
    let limit = sb
        .container_cgroups("memory")
        .first()
        .and_then(|dir| cgroups::number(&dir.join(file)));
    running.close_stdin();
    let out = running.finish();
    if limit != Some(50 << 20) {
        Failure::new(format!(
            "the memory limit of a container run with -m 50m ({file})"
        ))
        .expected(50u64 << 20)
        .got_text(match limit {
            Some(n) => n.to_string(),
            None => "no container cgroup with that file under the test's parent".into(),
        })
        .hint("every bad value was refused, as it should be: what fails is the good one, whose memory limit is not written (yet)")
        .output(&out)
        .section(limits())
        .fail();
    }
}

#[test]
fn the_next_run_cleans_up_after_a_killed_minidock() {
    next_run_cleans_up_after_a_killed_minidock(REMOVE);
}

/// Kills a running minidock with SIGKILL, then checks that the next run removes the cgroup it
/// left; a failure of the next run, or a leftover, is reported with `section`.
#[track_caller]
fn next_run_cleans_up_after_a_killed_minidock(section: Section) {
    let sb = Sandbox::new();
    let mut running = sb
        .minidock(["run", "-m", "64m", &sb.image(), &sb.probe(), "orphan"])
        .spawn();
    running
        .expect_line("ready", Duration::from_secs(10), JOIN)
        .what("the container never started");
    let place = in_own_cgroup(running.children().first().copied(), sb.cgroup_parent());
    if let Err((got, section, hint)) = place {
        let out = running.stop();
        Failure::new("the cgroups of the container's first process, as the host sees them")
            .expected_text("a cgroup of its own, in every tree, for the next run to clean up")
            .got_text(got)
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    // SIGKILL cannot be caught: minidock gets no chance to remove anything. Its container dies
    // with it (chapter 2), and its empty cgroup stays.
    running.signal(libc::SIGKILL);
    running.finish_within(Duration::from_secs(5));
    let out = sb.minidock(["run", &sb.image(), "true"]).output();
    out.expect_status(0, section);
    expect_no_leftover_in(
        &sb,
        "by a killed minidock, once the next run is done",
        &out,
        section,
    );
}

#[test]
fn zero_limits_mean_none_and_bad_values_say_what_is_wrong() {
    let sb = Sandbox::new();
    // docker's "no limit": the container still has a cgroup of its own, with nothing in it
    // limited.
    let mut running = start_holding(&sb, &["-m", "0", "--cpus", "0"]);
    let place = in_own_cgroup(running.children().first().copied(), sb.cgroup_parent());
    running.close_stdin();
    let out = running.finish();
    if let Err((got, section, hint)) = place {
        Failure::new("the cgroups of a container run with -m 0 --cpus 0, as the host sees them")
            .expected_text("a cgroup of its own, in every tree, with no limit written")
            .got_text(got)
            .hint(hint)
            .output(&out)
            .section(section)
            .fail();
    }
    out.expect_status(0, limits());
    expect_no_leftover(&sb, "after a container ran with -m 0 --cpus 0", &out);
    let cases: [(&[&str], &[&str]); 4] = [
        (&["-m", "-1"], &["invalid size", "-1"]),
        (&["--cpuset-cpus", ""], &["cpuset", "\"\""]),
        (&["--cpuset-cpus", "0-4294967295"], &["not available"]),
        (&["--cpuset-cpus", "0-100000000"], &["not available"]),
    ];
    for (options, says) in cases {
        let mut args: Vec<String> = vec!["run".into()];
        args.extend(options.iter().map(|o| o.to_string()));
        args.extend([sb.image(), "true".into()]);
        // A list expanded CPU by CPU takes gigabytes, and far longer than this.
        let out = sb.minidock(&args).timeout(Duration::from_secs(10)).output();
        let shown: Vec<&str> = options
            .iter()
            .map(|o| if o.is_empty() { "\"\"" } else { o })
            .collect();
        if out.status != Some(125) || !says.iter().all(|s| out.stderr.contains(s)) {
            Failure::new(format!("minidock run {}", shown.join(" ")))
                .expected_text(format!(
                    "exit status 125 and an error that mentions {says:?}"
                ))
                .got_text(format!(
                    "{}, stderr {:?}",
                    out.ending(),
                    out.stderr.trim_end()
                ))
                .output(&out)
                .section(limits())
                .fail();
        }
    }
}

#[test]
fn an_empty_cpuset_level_above_the_container_is_filled_in() {
    let sb = Sandbox::new();
    // A level of the parent path that exists, but that its maker (another minidock, a moment
    // ago) has not filled in yet: on cgroup v1 its cpuset has no CPUs.
    let level = format!("{}/{}", sb.cgroup_parent(), random::name("level-"));
    let dir = cgroups::dir("cpuset", &level).or_else(|| cgroups::dir("memory", &level));
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
    }
    let parent = format!("{level}/{}", random::name("a-"));
    let mut running = start_holding(&sb, &["--cgroup-parent", &parent]);
    let place = in_own_cgroup(running.children().first().copied(), &parent);
    running.close_stdin();
    let out = running.finish();
    if let Err((got, section, hint)) = place {
        Failure::new(format!(
            "the cgroups of a container run with --cgroup-parent {parent}, where {level} exists with no CPUs in its cpuset"
        ))
        .expected_text(format!("in every tree, a cgroup of its own below {parent}"))
        .got_text(got)
        .hint(hint)
        .output(&out)
        .section(section)
        .fail();
    }
    out.expect_status(0, make())
        .what(format!(
            "a container run with --cgroup-parent {parent}, where {level} exists with no CPUs in its cpuset"
        ))
        .hint("on cgroup v1, every level of the path with an empty cpuset.cpus or cpuset.mems gets its parent's, from the top down");
    check_eq(
        format!("cgroups left below {level}"),
        Vec::<PathBuf>::new(),
        cgroups::containers_below(&level),
        &out,
        REMOVE,
    )
    .expected_text("none: the container's cgroup is removed when it ends");
}

/// A container that keeps running until its stdin closes, ready when it says so.
#[track_caller]
fn start_holding(sb: &Sandbox, extra: &[&str]) -> harness::Running {
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend([
        sb.image(),
        "sh".into(),
        "-c".into(),
        r#"echo ready; exec "$0" hold"#.into(),
        sb.probe(),
    ]);
    let mut running = sb.minidock(&args).spawn();
    running
        .expect_line("ready", Duration::from_secs(20), JOIN)
        .what("a container that waits for its stdin never started");
    running
}

#[test]
fn cgroups_made_below_the_containers_are_removed_with_it_and_their_processes_killed() {
    let sb = Sandbox::new();
    let mut running = start_holding(&sb, &["--pids-limit", "100"]);
    // From outside, as a tool in the container could: two levels of cgroups below the
    // container's, and a process in the deeper one.
    let own = sb.container_cgroups("pids").first().cloned();
    let sub = random::name("sub-");
    let deeper = own.as_ref().map(|dir| dir.join(&sub).join("deeper"));
    let made = deeper
        .as_ref()
        .is_some_and(|dir| std::fs::create_dir_all(dir).is_ok());
    let sleeper = sb.host_command("sleep", ["600"]).spawn();
    let moved = deeper.as_ref().is_some_and(|dir| {
        std::fs::write(dir.join("cgroup.procs"), sleeper.pid().to_string()).is_ok()
    });
    let t0 = Instant::now();
    running.close_stdin();
    let out = running.finish();
    let took = t0.elapsed();
    if !made || !moved {
        sleeper.signal(libc::SIGKILL);
        Failure::new("cgroups below the container's, with a process in them")
            .got_text(format!(
                "could not make {deeper:?} (made: {made}) or move a process into it (moved: {moved})"
            ))
            .hint("the container's first process must be in its cgroup, in every tree")
            .output(&out)
            .section(JOIN)
            .fail();
    }
    let slept = sleeper.finish_within(Duration::from_secs(5));
    out.expect_status(0, REMOVE);
    expect_no_leftover(&sb, "by a container that made cgroups below its own", &out);
    // Killed by minidock: the harness kills it with SIGKILL too, but only once it timed out.
    check_eq(
        "a process left in a cgroup below the container's, when the container ended",
        (Some(libc::SIGKILL), false),
        (slept.signal, slept.timed_out),
        &out,
        REMOVE,
    )
    .expected_text("killed (SIGKILL), as runc kills what is left in a container's cgroups")
    .got_text(slept.ending());
    check_at_most(
        "the time from the container's end to minidock's",
        Duration::from_millis(1500),
        took,
        &out,
        REMOVE,
    )
    .expected_text("well under 1.5 s: the cgroups below go first, then the container's")
    .got_text(format!("{} ms", took.as_millis()))
    .hint("rmdir(2) of a cgroup that still has cgroups below it fails with EBUSY at once: waiting does not help");
    check_eq(
        "the ledger in the state directory, once the container and its cgroup are gone",
        Vec::<String>::new(),
        sb.ledger_entries(),
        &out,
        REMOVE,
    )
    .expected_text("no entry");
}

#[test]
fn a_cgroup_that_cannot_be_removed_stays_in_the_ledger_for_the_next_run() {
    let sb = Sandbox::new();
    let mut running = start_holding(&sb, &["--pids-limit", "100"]);
    // A cgroup below the container's, with a directory mounted on it in the sandbox's host: no
    // rmdir(2) there succeeds until it is unmounted, however long minidock waits.
    let own = sb.container_cgroups("pids").first().cloned();
    let stuck = own.as_ref().map(|dir| dir.join(random::name("stuck-")));
    let cover = sb.dir().join("host").join("cover");
    let _ = std::fs::create_dir_all(&cover);
    let mounted = match &stuck {
        Some(dir) if std::fs::create_dir(dir).is_ok() => {
            let target = dir.to_string_lossy().to_string();
            let cover = cover.to_string_lossy().to_string();
            sb.host_command("mount", ["--bind", &cover, &target])
                .output()
                .status
                == Some(0)
        }
        _ => false,
    };
    running.close_stdin();
    let out = running.finish();
    if !mounted {
        Failure::new("a cgroup below the container's, with a directory mounted on it")
            .got_text(format!("could not make {stuck:?}"))
            .hint("the container's cgroup must exist while it runs")
            .output(&out)
            .section(JOIN)
            .fail();
    }
    let target = stuck.unwrap().to_string_lossy().to_string();
    let unmount = || sb.host_command("umount", [&target]).output();
    let entries = sb.ledger_entries();
    let left = sb.leftover_cgroups();
    let said = out
        .stderr
        .lines()
        .filter(|l| l.contains("minidock-"))
        .count();
    if out.status != Some(0) || said != 1 || entries.len() != 1 || left.is_empty() {
        unmount();
        let hint = if said == 0 {
            "minidock said nothing of the cgroup it could not remove: the removal's error is told on stderr, not dropped"
        } else {
            "the cgroup that could not be removed stays in the ledger, for the next run to remove"
        };
        Failure::new("a container whose cgroup cannot be removed (a cgroup below it is in use)")
            .expected_text(
                "the container's exit status (0), one line on stderr that names the cgroup left \
                 behind, and its entry kept in the ledger for the next run",
            )
            .got_text(format!(
                "{}; {said} line(s) naming it; ledger entries {entries:?}; cgroups left {left:?}",
                out.ending()
            ))
            .hint(hint)
            .output(&out)
            .section(REMOVE)
            .fail();
    }
    // Once nothing holds it any more, the next run removes it.
    let unmounted = unmount();
    let next = sb.minidock(["run", &sb.image(), "true"]).output();
    if unmounted.status != Some(0) {
        Failure::new(format!("umount {target}"))
            .output(&unmounted)
            .fail();
    }
    next.expect_status(0, REMOVE);
    expect_no_leftover(&sb, "once the next run swept the ledger", &next);
    check_eq(
        "the ledger, once the next run removed the cgroup that was left",
        Vec::<String>::new(),
        sb.ledger_entries(),
        &next,
        REMOVE,
    )
    .expected_text("no entry");
}

#[test]
fn a_relative_cgroup_parent_is_cleaned_up_by_a_run_from_another_cgroup() {
    let sb = Sandbox::new();
    if cgroups::is_v2() {
        // On cgroup v2 a relative parent works only for a minidock in the root cgroup (any
        // other cgroup of its own holds a process, and may not hand controllers down): there is
        // no second place to sweep from. The cleanup after a killed run is still checked.
        let out = sb
            .minidock(["run", "--cpu-shares", "512", &sb.image(), "true"])
            .output();
        out.expect_status(0, REMOVE);
        expect_no_leftover(&sb, "after a container ended", &out);
        return;
    }
    // The first minidock runs in a cgroup of its own below the sandbox's, in every tree, and
    // makes its container's cgroup relative to it; then it is killed.
    let home = format!("{}/{}", sb.cgroup_parent(), random::name("home-"));
    let procs: Vec<String> = cgroups::make_joinable(&home)
        .iter()
        .map(|dir| dir.join("cgroup.procs").to_string_lossy().to_string())
        .collect();
    let relative = random::name("rel-");
    let script = format!(
        r#"for f in {}; do echo $$ > $f; done; exec "$@""#,
        procs.join(" ")
    );
    let state = sb.state_dir().to_string_lossy().to_string();
    let mut first = sb
        .host_command(
            "sh",
            [
                "-c",
                &script,
                "sh",
                harness::binary(),
                "--root",
                &state,
                "run",
                "--cgroup-parent",
                &relative,
                &sb.image(),
                &sb.probe(),
                "orphan",
            ],
        )
        .spawn();
    let started = first.wait_for_line("ready", Duration::from_secs(20));
    let made = cgroups::containers_below(&home);
    first.signal(libc::SIGKILL);
    let killed = first.finish_within(Duration::from_secs(5));
    if started.is_none() || made.is_empty() {
        Failure::new(format!(
            "a container run with --cgroup-parent {relative} by a minidock in cgroup {home}"
        ))
        .expected_text(format!("its cgroup below {home}/{relative}"))
        .got_text(format!("started: {}; cgroups: {made:?}", started.is_some()))
        .output(&killed)
        .section(JOIN)
        .fail();
    }
    // The next run, from the test's own cgroup, sweeps the ledger.
    let out = sb.minidock(["run", &sb.image(), "true"]).output();
    out.expect_status(0, REMOVE);
    let left = cgroups::containers_below(sb.cgroup_parent());
    check_eq(
        format!(
            "the cgroup of a killed minidock, made with the relative --cgroup-parent {relative} \
             from cgroup {home}, once a run from another cgroup swept the ledger"
        ),
        Vec::<PathBuf>::new(),
        left.as_slice(),
        &out,
        REMOVE,
    )
    .expected_text("removed: the ledger records where the cgroup really is")
    .got_text(format!("left: {left:?}"))
    .hint("a relative parent means another place to a minidock in another cgroup");
}

#[test]
fn a_temporary_ledger_entry_of_a_killed_minidock_is_swept() {
    let sb = Sandbox::new();
    // What a minidock killed right after creating its entry leaves: the entry, under its
    // temporary name, empty and locked by no one.
    let ledger = sb.state_dir().join("cgroups");
    std::fs::create_dir_all(&ledger).unwrap();
    let name = format!(".{}", random::name("minidock-"));
    std::fs::write(ledger.join(&name), "").unwrap();
    let out = sb
        .minidock(["run", "--cpu-shares", "512", &sb.image(), "true"])
        .output();
    out.expect_status(0, REMOVE);
    expect_no_leftover(&sb, "after a container ended", &out);
    check_eq(
        format!("the ledger, with a temporary entry {name} no minidock holds, after a run"),
        Vec::<String>::new(),
        sb.ledger_entries(),
        &out,
        REMOVE,
    )
    .expected_text("no entry: the temporary one is swept like any other leftover");
}

/// The stretch exercises: parts chapter 4 gives, for the learner who deletes them and writes them
/// too. Left out of the chapter's run (they pass on the given code): `cargo test -p chapter-04 --
/// --ignored stretch` runs them.
mod stretch {
    use super::*;

    const SWEEP: Section = Section::new(4, "Sweep what a killed minidock left");

    #[test]
    #[ignore = "a stretch exercise: cargo test -p chapter-04 -- --ignored stretch"]
    fn the_next_run_sweeps_what_a_killed_minidock_left() {
        next_run_cleans_up_after_a_killed_minidock(SWEEP);
    }

    #[test]
    #[ignore = "a stretch exercise: cargo test -p chapter-04 -- --ignored stretch"]
    fn a_running_containers_cgroup_is_left_alone() {
        let sb = Sandbox::new();
        // A container that runs until its standard input closes; its minidock holds its entry.
        let mut running = start_holding(&sb, &["-m", "64m"]);
        let first = running.children().first().copied();
        let out = sb.minidock(["run", &sb.image(), "true"]).output();
        out.expect_status(0, SWEEP);
        let place = in_own_cgroup(first, sb.cgroup_parent());
        running.close_stdin();
        let held = running.finish();
        if let Err((got, _, _)) = place {
            Failure::new("the cgroup of a container that was still running when another run swept the ledger")
                .expected_text("still there, with the container in it")
                .got_text(got)
                .hint("the sweep removed an entry a running minidock holds: only an entry whose lock can be taken (flock with LOCK_NB) belongs to a minidock that is gone")
                .output(&out)
                .section(SWEEP)
                .fail();
        }
        held.expect_status(0, SWEEP)
            .what("the container that was running while another run swept the ledger");
    }
}
