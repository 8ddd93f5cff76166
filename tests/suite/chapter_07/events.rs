//! Chapter 7: events. Every step of a container's life is appended, by the minidock process
//! that made it happen, to the state root's events file; `events` reads them back as docker
//! shows them, between two times, filtered, or as they come.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use harness::{random, Failure, Output, Running, Sandbox, Section};

const EVENTS: Section = Section::new(7, "Watching: events");
const JSON: Section = Section::new(7, "Docker's JSON, dissected");
const FOLLOWING: Section = Section::new(7, "Following");
const APPEND: Section = Section::new(7, "Append an event");
const TIMES: Section = Section::new(7, "Read Docker's times");

/// The hint for events that never reached the file.
const NOT_WRITTEN: &str = "each step writes its event through `events::emit`, which appends it to ROOT/events/events.log with `append`: an `append` that writes nothing leaves `events` nothing to show";

/// Now, as docker's `--since` and `--until` take it: seconds since 1970, with nanoseconds.
fn now() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!("{}.{:09}", now.as_secs(), now.subsec_nanos())
}

/// One event, as `--format '{{json .}}'` prints it.
#[derive(Debug, Clone)]
struct Event {
    action: String,
    id: String,
    attributes: BTreeMap<String, String>,
    time_nano: i64,
    kind: String,
}

impl Event {
    fn parse(line: &str) -> Option<Event> {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        let actor = value.get("Actor")?;
        let attributes = actor
            .get("Attributes")?
            .as_object()?
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect::<Option<_>>()?;
        Some(Event {
            action: value.get("Action")?.as_str()?.to_string(),
            id: actor.get("ID")?.as_str()?.to_string(),
            attributes,
            time_nano: value.get("timeNano")?.as_i64()?,
            kind: value.get("Type")?.as_str()?.to_string(),
        })
    }

    fn attribute(&self, key: &str) -> &str {
        self.attributes.get(key).map_or("", String::as_str)
    }
}

/// `minidock ARGS...`, which must succeed; its output.
#[track_caller]
fn ok(sb: &Sandbox, args: &[&str], section: Section) -> Output {
    let out = sb.minidock(args).timeout(Duration::from_secs(30)).output();
    if out.status != Some(0) || out.timed_out {
        Failure::new(format!("minidock {}", args.join(" ")))
            .expected_text("exit status 0")
            .got_text(out.ending())
            .output(&out)
            .section(section)
            .fail();
    }
    out
}

/// `events --since SINCE --until UNTIL --format '{{json .}}' FILTERS...`: the events it prints,
/// each line of which must be one.
#[track_caller]
fn events_between(
    sb: &Sandbox,
    since: &str,
    until: &str,
    filters: &[&str],
) -> (Vec<Event>, Output) {
    let mut args = vec![
        "events",
        "--since",
        since,
        "--until",
        until,
        "--format",
        "{{json .}}",
    ];
    args.extend_from_slice(filters);
    let out = ok(sb, &args, EVENTS);
    let mut events = Vec::new();
    for line in out.stdout.lines() {
        match Event::parse(line) {
            Some(event) => events.push(event),
            None => Failure::new(format!("minidock {}", args.join(" ")))
                .expected_text("one event per line, docker's JSON: {\"status\":...,\"Actor\":{\"ID\":...,\"Attributes\":{...}},...,\"timeNano\":...}")
                .got_text(format!("the line {line:?}"))
                .output(&out)
                .section(JSON)
                .fail(),
        }
    }
    (events, out)
}

/// The actions of the events of the container `id`, in their order.
fn actions_of(events: &[Event], id: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.id == id)
        .map(|e| e.action.clone())
        .collect()
}

#[test]
fn events_since_until_tell_a_containers_life_in_order_with_its_exit_code() {
    let sb = Sandbox::new();
    let code = random::number(1, 120).to_string();
    let name = random::name("ev");
    let since = now();
    let image = sb.image();
    let script = format!("exit {code}");
    let id = ok(
        &sb,
        &["run", "-d", "--name", &name, &image, "sh", "-c", &script],
        EVENTS,
    )
    .stdout_trimmed()
    .to_string();
    ok(&sb, &["wait", &id], EVENTS);
    ok(&sb, &["rm", &id], EVENTS);
    let until = now();
    let (events, out) = events_between(&sb, &since, &until, &[]);
    let got = actions_of(&events, &id);
    let expected = ["create", "start", "die", "destroy"];
    if got != expected {
        Failure::new(format!("run -d --name {name} IMAGE sh -c '{script}', wait, rm; then events --since T --until T2 --format '{{{{json .}}}}'"))
            .expected(expected)
            .got(&got)
            .hint(if got.is_empty() {
                NOT_WRITTEN
            } else {
                "each event is written once, by the process that makes the step happen, and `events` prints them in the order of the file"
            })
            .output(&out)
            .section(EVENTS)
            .fail();
    }
    let mine: Vec<&Event> = events.iter().filter(|e| e.id == id).collect();
    let die = mine[2];
    let wrong = mine.iter().find(|e| {
        e.kind != "container" || e.attribute("name") != name || e.attribute("image") != image
    });
    if die.attribute("exitCode") != code || wrong.is_some() {
        Failure::new("the events of a container that exited with a random code")
            .expected_text(format!("Type container, attributes name={name} and image={image} on each, exitCode={code} on die"))
            .got_text(format!("{:?}", wrong.unwrap_or(&die)))
            .hint("the attributes are the container's image and name, and the event's own: the die's exitCode is the status the container ended with, as a string")
            .output(&out)
            .section(JSON)
            .fail();
    }
    if mine.windows(2).any(|w| w[0].time_nano > w[1].time_nano) {
        Failure::new("the times of a container's events")
            .expected_text("each event's timeNano no earlier than the one before it")
            .got_text(format!(
                "{:?}",
                mine.iter().map(|e| e.time_nano).collect::<Vec<_>>()
            ))
            .output(&out)
            .section(JSON)
            .fail();
    }
    // Docker's line, without --format.
    let out = ok(
        &sb,
        &[
            "events",
            "--since",
            &since,
            "--until",
            &until,
            "-f",
            "event=die",
        ],
        EVENTS,
    );
    let expected = format!("container die {id} (exitCode={code}, image={image}, name={name})");
    let line = out.stdout.lines().next().unwrap_or_default().to_string();
    let (time, rest) = line.split_once(' ').unwrap_or_default();
    let time_ok = time.len() == 30 && time.ends_with('Z') && time.as_bytes()[10] == b'T';
    if rest != expected || !time_ok || out.stdout.lines().count() != 1 {
        Failure::new("minidock events --since T --until T2 -f event=die")
            .expected_text(format!("one line: 2026-11-30T20:00:00.123456789Z {expected}"))
            .got_text(format!("{:?}", out.stdout))
            .hint("docker's line: the time in RFC 3339 with nine digits of nanoseconds, the type, the action, the id, and the attributes in parentheses, sorted by key, `key=value` separated by `, `")
            .output(&out)
            .section(JSON)
            .fail();
    }
}

#[test]
fn events_filters_pick_a_container_and_an_action() {
    let sb = Sandbox::new();
    let image = sb.image();
    let (first, second) = (random::name("one"), random::name("two"));
    let since = now();
    for name in [&first, &second] {
        ok(&sb, &["run", "--name", name, &image, "true"], EVENTS);
    }
    let until = now();
    let (all, _) = events_between(
        &sb,
        &since,
        &until,
        &["-f", "event=start", "-f", "event=die"],
    );
    let got: Vec<(String, String)> = all
        .iter()
        .map(|e| (e.attribute("name").to_string(), e.action.clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        (&first, "start"),
        (&first, "die"),
        (&second, "start"),
        (&second, "die"),
    ]
    .iter()
    .map(|(n, a)| (n.to_string(), a.to_string()))
    .collect();
    if got != expected {
        Failure::new("two containers run one after the other; events -f event=start -f event=die")
            .expected(&expected)
            .got(&got)
            .hint(if got.is_empty() {
                NOT_WRITTEN
            } else {
                "values of the same filter are alternatives: the starts and the dies, and nothing else (not create, attach, destroy)"
            })
            .section(EVENTS)
            .fail();
    }
    let filters = ["-f", "event=die"];
    let by_name = format!("container={second}");
    let (one, out) = events_between(
        &sb,
        &since,
        &until,
        &[&filters[..], &["-f", &by_name]].concat(),
    );
    let got: Vec<(String, String)> = one
        .iter()
        .map(|e| (e.attribute("name").to_string(), e.action.clone()))
        .collect();
    if got != [(second.clone(), "die".to_string())] {
        Failure::new(format!("events -f event=die -f container={second}"))
            .expected(vec![(second.clone(), "die")])
            .got(&got)
            .hint("filters of different keys must all match: the events of that container that are a die")
            .output(&out)
            .section(EVENTS)
            .fail();
    }
}

#[test]
fn events_without_until_follow_new_events_as_they_come() {
    let sb = Sandbox::new();
    let image = sb.image();
    let code = random::number(1, 120).to_string();
    let name = random::name("follow");
    let mut watching: Running = sb
        .minidock([
            "events",
            "--since",
            &now(),
            "--format",
            "{{.Action}} {{.Actor.Attributes.name}}",
        ])
        .timeout(Duration::from_secs(30))
        .spawn();
    let script = format!("exit {code}");
    ok(
        &sb,
        &["run", "-d", "--name", &name, &image, "sh", "-c", &script],
        EVENTS,
    );
    let within = Duration::from_secs(10);
    for action in ["create", "start", "die"] {
        let line = format!("{action} {name}");
        if watching.wait_for_line(&line, within).is_none() {
            Failure::new("minidock events --since NOW, left running; then run -d a container")
                .expected_text(format!("the line {line:?} while events still runs, within {within:?}"))
                .hint("without --until, events prints what the file has, then reads it again and again for what is new (a short sleep between two reads), from where it stopped")
                .output(&watching.stop())
                .section(FOLLOWING)
                .fail();
        }
    }
    let asked = Instant::now();
    watching.signal(libc::SIGTERM);
    let out = watching.finish_within(Duration::from_secs(5));
    if out.timed_out || out.status != Some(0) {
        Failure::new("minidock events, following, then SIGTERM")
            .expected_text("exit status 0, within a second or so")
            .got_text(format!("{} after {:?}", out.ending(), asked.elapsed()))
            .hint("the follow loop waits on a signalfd of SIGINT and SIGTERM, with a timeout that is its sleep: a signal ends it cleanly")
            .output(&out)
            .section(FOLLOWING)
            .fail();
    }
}

#[test]
fn events_written_at_once_are_all_there_and_whole() {
    let sb = Sandbox::new();
    let image = sb.image();
    let count = random::number(16, 20) as usize;
    let since = now();
    // Many run -d at once: each writes its create and start, its monitor its die later.
    let starting: Vec<Running> = (0..count)
        .map(|_| {
            sb.minidock(["run", "-d", &image, "sleep", "1000"])
                .timeout(Duration::from_secs(30))
                .spawn()
        })
        .collect();
    let ids: Vec<String> = starting
        .into_iter()
        .map(|run| {
            let out = run.finish();
            if out.status != Some(0) {
                Failure::new("minidock run -d IMAGE sleep 1000, many at once")
                    .expected_text("exit status 0")
                    .got_text(out.ending())
                    .output(&out)
                    .section(EVENTS)
                    .fail();
            }
            out.stdout_trimmed().to_string()
        })
        .collect();
    // Meanwhile, a few `kill`s at once, each of every container again and again: many
    // processes appending, each many times, in the same few milliseconds. (SIGWINCH: `sleep`
    // ignores it.)
    let (killers, rounds) = (8, 10);
    let mut args = vec!["kill", "-s", "WINCH"];
    for _ in 0..rounds {
        args.extend(ids.iter().map(String::as_str));
    }
    let killing: Vec<Running> = (0..killers)
        .map(|_| sb.minidock(&args).timeout(Duration::from_secs(30)).spawn())
        .collect();
    for run in killing {
        let out = run.finish();
        if out.status != Some(0) {
            Failure::new(format!(
                "minidock kill -s WINCH ID... ({} containers, {rounds} times each)",
                ids.len()
            ))
            .expected_text("exit status 0")
            .got_text(out.ending())
            .output(&out)
            .section(EVENTS)
            .fail();
        }
    }
    let mut args = vec!["inspect", "-f", "{{.State.Pid}}"];
    args.extend(ids.iter().map(String::as_str));
    let pids: Vec<i32> = ok(&sb, &args, EVENTS)
        .stdout
        .lines()
        .filter_map(|pid| pid.trim().parse().ok())
        .collect();
    // Every container killed in the same few microseconds: their monitors wake together, and
    // write their die at the same moment.
    for pid in &pids {
        // SAFETY: kill(2) of the container's first process, a child of its monitor that
        // cannot have been reaped: it is sleeping.
        unsafe { libc::kill(*pid, libc::SIGKILL) };
    }
    let mut args = vec!["wait"];
    args.extend(ids.iter().map(String::as_str));
    ok(&sb, &args, EVENTS);
    // The monitors write the die before the state says exited: `wait` has seen them all.
    let until = now();
    let file = sb.state_dir().join("events/events.log");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let broken: Vec<&str> = text
        .lines()
        .filter(|line| Event::parse(line).is_none())
        .collect();
    if !broken.is_empty() {
        Failure::new(format!("{count} run -d at once, {killers} kill of them all at once, then their containers killed at once"))
            .expected_text(format!("every line of {} a whole event", file.display()))
            .got_text(format!(
                "{} broken lines, the first {:?}",
                broken.len(),
                broken[0].chars().take(300).collect::<String>()
            ))
            .hint("records mixed up: a record written in several write(2)s (serde_json::to_writer on the file, or the newline after the JSON) lets another process's record come between its pieces; a writer that seeks to the end and then writes can be overtaken in between, and write over another's record. Build the whole line, newline included, and write it in one write(2) on a descriptor opened with O_APPEND")
            .section(APPEND)
            .fail();
    }
    let (events, out) = events_between(&sb, &since, &until, &[]);
    let kills = killers * rounds;
    let missing: Vec<String> = ids
        .iter()
        .filter_map(|id| {
            let got = actions_of(&events, id);
            let killed = got.iter().filter(|a| *a == "kill").count();
            let life: Vec<&String> = got.iter().filter(|a| *a != "kill").collect();
            (life != ["create", "start", "die"] || killed != kills)
                .then(|| format!("{}: {life:?} and {killed} kill", &id[..12]))
        })
        .collect();
    if !missing.is_empty() {
        Failure::new(format!("{count} run -d at once, {killers} kill of them all at once, then their containers killed at once"))
            .expected_text(format!("each container's create, start, die, in this order, and {kills} kill"))
            .got_text(format!("{} of {count} containers otherwise: {}", missing.len(), missing.join("; ")))
            .hint(if events.is_empty() {
                NOT_WRITTEN
            } else {
                "records that overwrite each other: a writer that seeks to the end and then writes can lose the processor in between, and write over another's record; one that rewrites the whole file (read, add, rename) loses what others added meanwhile. Open the file with O_APPEND: the kernel finds the end and writes there as one step"
            })
            .output(&out)
            .section(APPEND)
            .fail();
    }
}

/// `nanos` since 1970 as RFC 3339, in the zone `offset` minutes east of UTC, with `digits`
/// digits of fraction.
fn rfc3339_at(nanos: i128, offset: i128, digits: usize) -> String {
    let local = nanos.div_euclid(1_000_000_000) + offset * 60;
    let fraction = format!("{:09}", nanos.rem_euclid(1_000_000_000));
    let (days, clock) = (local.div_euclid(86400), local.rem_euclid(86400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    let zone = match offset {
        0 => "Z".to_string(),
        _ => format!(
            "{}{:02}:{:02}",
            if offset < 0 { '-' } else { '+' },
            offset.abs() / 60,
            offset.abs() % 60
        ),
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{}{zone}",
        clock / 3600,
        clock / 60 % 60,
        clock % 60,
        &fraction[..digits]
    )
}

#[test]
fn events_since_and_until_read_docker_times() {
    let sb = Sandbox::new();
    let image = sb.image();
    let (first, second) = (random::name("early"), random::name("late"));
    let since = now();
    ok(&sb, &["run", "--name", &first, &image, "true"], EVENTS);
    std::thread::sleep(Duration::from_millis(30));
    ok(&sb, &["run", "--name", &second, &image, "true"], EVENTS);
    let until = now();
    // The events as the file has them: what `events` should print of them depends on the times
    // alone.
    let file = sb.state_dir().join("events/events.log");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let all: Vec<Event> = text.lines().filter_map(Event::parse).collect();
    let of = |name: &str| -> Vec<Event> {
        all.iter()
            .filter(|e| e.attribute("name") == name)
            .cloned()
            .collect()
    };
    let (early, late) = (of(&first), of(&second));
    if early.is_empty() || late.is_empty() {
        Failure::new(format!("run --name {first}, then --name {second}"))
            .expected_text(format!(
                "the events of both containers in {}",
                file.display()
            ))
            .got_text(format!("{} and {} events", early.len(), late.len()))
            .hint(NOT_WRITTEN)
            .section(APPEND)
            .fail();
    }
    let names = |events: &[Event]| -> Vec<String> {
        events
            .iter()
            .map(|e| format!("{} {}", e.attribute("name"), e.action))
            .collect()
    };
    let check = |since: &str, until: &str, expected: &[Event], hint: &str| {
        let args = [
            "events",
            "--since",
            since,
            "--until",
            until,
            "--format",
            "{{.Actor.Attributes.name}} {{.Action}}",
        ];
        let out = sb.minidock(args).timeout(Duration::from_secs(30)).output();
        let got: Vec<String> = out.stdout.lines().map(str::to_string).collect();
        if out.status != Some(0) || got != names(expected) {
            Failure::new(format!("minidock {}", args.join(" ")))
                .expected(names(expected))
                .got_text(format!("{}, {got:?}", out.ending()))
                .hint(hint)
                .output(&out)
                .section(TIMES)
                .fail();
        }
    };
    // Up to the first container's last event, in milliseconds (or microseconds): a fraction
    // of a second is its first digits.
    let digits = random::pick(&[3usize, 6]);
    let unit = 10i128.pow(9 - digits as u32);
    let last = i128::from(early.last().unwrap().time_nano);
    let up_to = (last / unit + 1) * unit;
    let up_to = format!(
        "{}.{:0width$}",
        up_to / 1_000_000_000,
        (up_to % 1_000_000_000) / unit,
        width = digits
    );
    check(&since, &up_to, &early, "seconds since 1970 with a fraction: the fraction's digits are the first of nine, so `.5` is half a second (500000000 ns), not 5 ns; and the fraction counts: the events of that second up to it are in, the others out");
    // From the second container's first event, in RFC 3339 in a zone of some hours east or
    // west of UTC.
    let first_late = i128::from(late[0].time_nano);
    let offset = random::pick(&[-300i128, -60, 60, 330, 540]);
    let from = rfc3339_at(first_late, offset, 9);
    check(
        &from,
        &until,
        &late,
        "a time with a `-` in it is RFC 3339 (or a date): given to `rfc3339`, which reads its zone",
    );
    // Durations back from now: both containers happened within the last ten minutes.
    let both: Vec<Event> = all.clone();
    check("10m", &until, &both, "a duration (`10m`, `1h30m`: `duration` reads it) is that long before now, in whole seconds");
}
