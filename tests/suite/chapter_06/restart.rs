//! Restart policies, `create` and `start`: a container's life goes on after its command ends.

use std::time::{Duration, Instant};

use harness::{random, Failure, Sandbox, Section};

use super::{detached, inspect, DETACH};

const RESTART: Section = Section::new(6, "Decide on a restart");

/// The lines the container `id` has written to its log's standard output.
fn log_lines(sb: &Sandbox, id: &str) -> Vec<String> {
    let out = sb.minidock(["logs", id]).output();
    out.stdout.lines().map(str::to_string).collect()
}

/// Polls `inspect -f TEMPLATE` until `done` says yes or `within` has passed; the last answer.
fn inspect_until(
    sb: &Sandbox,
    id: &str,
    template: &str,
    within: Duration,
    done: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + within;
    loop {
        let now = inspect(sb, template, id);
        if done(&now) || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn on_failure_runs_a_failing_command_once_more_per_retry() {
    let sb = Sandbox::new();
    let retries = random::number(1, 3);
    let code = random::number(1, 100);
    let policy = format!("on-failure:{retries}");
    let script = format!("echo run; exit {code}");
    let id = detached(&sb, &["--restart", &policy], &["sh", "-c", &script]);
    let template = "{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}";
    let expected = format!("exited {code} {retries}");
    let got = inspect_until(&sb, &id, template, Duration::from_secs(10), |now| {
        now == expected
    });
    // And nothing more: the monitor has decided for the last time.
    std::thread::sleep(Duration::from_millis(500));
    let runs = log_lines(&sb, &id).len() as u64;
    let after = inspect(&sb, template, &id);
    if got != expected || after != expected || runs != retries + 1 {
        Failure::new(format!(
            "minidock run -d --restart {policy} IMAGE sh -c '{script}'"
        ))
        .expected_text(format!(
            "{} runs (the first and {retries} restarts), then status, exit code and restart count {expected:?}",
            retries + 1
        ))
        .got_text(format!("{runs} runs; then {after:?}"))
        .hint("on-failure:N counts the restarts, not the runs, and starts again only a command that exited with a status other than 0")
        .section(RESTART)
        .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn stop_ends_a_restart_loop() {
    let sb = Sandbox::new();
    let script = "echo run; sleep 0.3";
    let id = detached(&sb, &["--restart", "always"], &["sh", "-c", script]);
    let template = "{{.State.Status}} {{.RestartCount}}";
    let once = inspect_until(&sb, &id, template, Duration::from_secs(10), |now| {
        now.starts_with("running") && !now.ends_with(" 0")
    });
    if !once.starts_with("running") || once.ends_with(" 0") {
        Failure::new(format!(
            "minidock run -d --restart always IMAGE sh -c '{script}', for ten seconds"
        ))
        .expected_text("the command started again once it ended: running, restart count 1 or more")
        .got_text(format!("{once:?}"))
        .hint("always starts the command again, whatever its status, unless someone stopped it")
        .section(RESTART)
        .fail();
    }
    let out = sb.minidock(["stop", "-t", "5", &id]).output();
    std::thread::sleep(Duration::from_millis(900));
    let after = inspect(&sb, template, &id);
    if out.status != Some(0) || !after.starts_with("exited") {
        Failure::new(format!("minidock stop {id}, of a container restarted by --restart always, then 900 ms"))
            .expected_text("exit status 0, and the container exited for good")
            .got_text(format!("{}; the container: {after:?}", out.ending()))
            .hint("a container someone stopped stays stopped, whatever its policy: stop records it (`stopped`), and the decision must look at it")
            .output(&out)
            .section(RESTART)
            .fail();
    }
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn create_then_start_and_start_again_with_the_same_files() {
    let sb = Sandbox::new();
    let name = random::name("made-");
    let code = random::number(1, 100);
    let script = format!("echo x >> /count; wc -l < /count; exit {code}");
    let image = sb.image();
    let out = sb
        .minidock(["create", "--name", &name, &image, "sh", "-c", &script])
        .output();
    let status = if out.status == Some(0) {
        inspect(&sb, "{{.State.Status}}", &name)
    } else {
        String::new()
    };
    if out.status != Some(0) || status != "created" {
        Failure::new(format!(
            "minidock create --name {name} IMAGE sh -c '{script}'"
        ))
        .expected_text("exit status 0, its id, and the container created")
        .got_text(format!("{}; the container: {status:?}", out.ending()))
        .output(&out)
        .section(DETACH)
        .fail();
    }
    let first = sb.minidock(["start", &name]).output();
    let ended = inspect_until(
        &sb,
        &name,
        "{{.State.Status}}",
        Duration::from_secs(10),
        |now| now == "exited",
    );
    let again = sb.minidock(["start", "-a", &name]).output();
    let lines = log_lines(&sb, &name);
    let expected_code = i32::try_from(code).unwrap_or(0);
    if first.status != Some(0)
        || first.stdout.trim() != name
        || ended != "exited"
        || again.status != Some(expected_code)
        || again.stdout != "2\n"
        || lines != ["1", "2"]
    {
        Failure::new(format!("minidock start {name}, then, once it has exited, minidock start -a {name}"))
            .expected_text(format!(
                "the name printed; the first run writes 1; start -a prints 2 (the same files), and exits {code}"
            ))
            .got_text(format!(
                "start: {} {:?}; then {ended}; start -a: {} {:?}; the log: {lines:?}",
                first.ending(),
                first.stdout.trim(),
                again.ending(),
                again.stdout
            ))
            .hint("start hands the container to a monitor, as run -d does: the monitor is what the exercise \"Detach the monitor\" makes")
            .output(&again)
            .section(DETACH)
            .fail();
    }
    sb.minidock(["rm", "-f", &name]).output();
}
