//! Chapter 7: log drivers. `--log-driver syslog` sends each line to a syslog server as a message
//! of its own (a listener of the test's, on a Unix datagram socket or on UDP over loopback);
//! json-file rotates its log at `max-size`, keeping `max-file` files, and `logs` reads them all;
//! `none` keeps nothing, and `logs` says so; a bad option changes nothing.

use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use harness::{random, Failure, Output, Sandbox, Section};

const DRIVERS: Section = Section::new(7, "Where the output goes: log drivers");
const MESSAGE: Section = Section::new(7, "Format a syslog message");
const ROTATE: Section = Section::new(7, "Rotate the log");

/// How long a command that should return at once may take before it counts as hanging.
const PROMPT: Duration = Duration::from_secs(15);

/// How long the messages of a container that prints three lines at once may take to come.
const MESSAGES: Duration = Duration::from_secs(5);

/// syslog's facilities, by docker's names, with their numbers.
const FACILITIES: [(&str, u32); 12] = [
    ("user", 1),
    ("mail", 2),
    ("daemon", 3),
    ("auth", 4),
    ("lpr", 6),
    ("cron", 9),
    ("local0", 16),
    ("local1", 17),
    ("local3", 19),
    ("local4", 20),
    ("local6", 22),
    ("local7", 23),
];

/// `run -d [extra] IMAGE ARGS...`, which must start the container and print its id.
#[track_caller]
fn detached(sb: &Sandbox, extra: &[&str], args: &[&str]) -> String {
    let mut words = vec!["run", "-d"];
    words.extend_from_slice(extra);
    let image = sb.image();
    words.push(&image);
    words.extend_from_slice(args);
    let out = sb.minidock(&words).timeout(PROMPT).output();
    let id = out.stdout_trimmed().to_string();
    if out.status != Some(0) || id.len() != 64 {
        Failure::new(format!("minidock {}", words.join(" ")))
            .expected_text("exit status 0, and the container's id")
            .got_text(out.ending())
            .hint("run -d takes --log-driver and --log-opt, records them in the container's config, and its monitor opens the log as the driver says")
            .output(&out)
            .section(DRIVERS)
            .fail();
    }
    id
}

/// `run -d` with a bad log option: docker's error, exit status 125, and no container left.
#[track_caller]
fn refused(sb: &Sandbox, options: &[&str], error: &str, hint: &str) {
    let mut words = vec!["run", "-d"];
    words.extend_from_slice(options);
    let image = sb.image();
    words.extend_from_slice(&[&image, "true"]);
    let out = sb.minidock(&words).timeout(PROMPT).output();
    let left = sb.minidock(["ps", "-aq"]).output();
    if out.status != Some(125) || !out.stderr.contains(error) || !left.stdout.trim().is_empty() {
        Failure::new(format!("minidock {}, then ps -aq", words.join(" ")))
            .expected_text(format!(
                "exit status 125, {error:?} on standard error, and no container in ps -aq"
            ))
            .got_text(format!(
                "{}; ps -aq printed {:?}",
                out.ending(),
                left.stdout
            ))
            .hint(hint.to_string())
            .output(&out)
            .section(DRIVERS)
            .fail();
    }
}

/// `inspect -f '{{json .HostConfig.LogConfig}}'`, which must be `expected`.
#[track_caller]
fn log_config(sb: &Sandbox, id: &str, expected: &str) {
    let template = "{{json .HostConfig.LogConfig}}";
    let out = sb.minidock(["inspect", "-f", template, id]).output();
    if out.status != Some(0) || out.stdout_trimmed() != expected {
        Failure::new(format!("minidock inspect -f '{template}' {id}"))
            .expected_text(expected)
            .got_text(out.ending())
            .hint("inspect shows the driver and its options as given, in HostConfig.LogConfig: {\"Type\":DRIVER,\"Config\":{KEY:VALUE...}}")
            .output(&out)
            .section(DRIVERS)
            .fail();
    }
}

/// Receives messages with `receive` until `count` have come or `MESSAGES` has passed.
fn collect(
    mut receive: impl FnMut(&mut [u8]) -> std::io::Result<usize>,
    count: usize,
) -> Vec<String> {
    let deadline = Instant::now() + MESSAGES;
    let mut messages = Vec::new();
    let mut buf = vec![0u8; 65536];
    while messages.len() < count && Instant::now() < deadline {
        if let Ok(n) = receive(&mut buf) {
            messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }
    messages
}

/// A line the container printed, and the stream it went to.
struct Line {
    text: String,
    stderr: bool,
}

/// Fails the test: the messages that came do not carry `lines` as syslog messages should.
fn wrong_messages(what: &str, expected: String, messages: &[String], hint: &str) -> ! {
    Failure::new(what.to_string())
        .expected_text(expected)
        .got_text(format!("{messages:#?}"))
        .hint(hint.to_string())
        .section(MESSAGE)
        .fail()
}

/// Checks that each line came as one message: its priority (facility × 8 + severity: 6 for
/// standard output, 3 for standard error) and `header` checks the rest, after the priority, up
/// to the line; every message ends with a newline.
fn check_messages(
    what: &str,
    messages: &[String],
    lines: &[Line],
    facility: u32,
    shape: &str,
    header: impl Fn(&str) -> Result<(), String>,
) {
    if messages.len() != lines.len() {
        wrong_messages(
            what,
            format!("{} messages, one for each line the container printed", lines.len()),
            messages,
            "the monitor connects to the server when it starts the container, and sends one message for each line, as the json-file log writes one record",
        );
    }
    for line in lines {
        let severity = if line.stderr { 3 } else { 6 };
        let pri = facility * 8 + severity;
        let expected = format!("<{pri}>{shape}{}\n", line.text);
        let ending = format!(" {}\n", line.text);
        let Some(message) = messages.iter().find(|m| m.contains(&line.text)) else {
            wrong_messages(
                what,
                format!(
                    "a message with the line {:?}, shaped as {expected:?}",
                    line.text
                ),
                messages,
                "each line the container prints is one message",
            )
        };
        let Some((got_pri, rest)) = message.strip_prefix('<').and_then(|m| m.split_once('>'))
        else {
            wrong_messages(
                what,
                format!("the message of {:?} to begin with its priority, shaped as {expected:?}", line.text),
                messages,
                "a syslog message begins with its priority between angle brackets, <PRI>, then a header, then the line",
            )
        };
        if !message.ends_with(&ending) {
            wrong_messages(
                what,
                format!("the message of {:?} to end with a space, the line and one newline, shaped as {expected:?}", line.text),
                messages,
                "the message ends with the line, without its own newline, and one newline (a last line without its newline gets one)",
            );
        }
        if got_pri != pri.to_string() {
            let other = facility * 8 + (9 - severity);
            let hint = if got_pri == (facility + severity).to_string() {
                "the priority is the facility times 8, plus the severity: the severity takes the 3 low bits".to_string()
            } else if got_pri == other.to_string() {
                "standard output's lines are informational (severity 6), standard error's are errors (3)".to_string()
            } else {
                format!("the priority is the facility ({facility}) times 8, plus the severity: 6 for standard output, 3 for standard error")
            };
            wrong_messages(
                what,
                format!(
                    "the message of {:?} (standard {}) with the priority <{pri}>: {expected:?}",
                    line.text,
                    if line.stderr { "error" } else { "output" }
                ),
                messages,
                &hint,
            );
        }
        let head = &rest[..rest.len() - ending.len() + 1];
        if let Err(problem) = header(head) {
            wrong_messages(
                what,
                format!("messages shaped as {expected:?}"),
                messages,
                &format!("the message of {:?}: {problem}", line.text),
            );
        }
    }
}

/// `Mmm dd hh:mm:ss` (the day padded with a space), as RFC 3164 and `syslog(3)` write the time.
fn is_stamp(text: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = text.as_bytes();
    text.len() == 15
        && MONTHS.contains(&&text[..3])
        && b[3] == b' '
        && (b[4] == b' ' || b[4].is_ascii_digit())
        && b[5].is_ascii_digit()
        && b[6] == b' '
        && is_clock(&text[7..])
}

/// `hh:mm:ss`.
fn is_clock(text: &str) -> bool {
    let b = text.as_bytes();
    text.len() == 8
        && b.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b':'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// RFC 3339 in UTC, to the second (`digits` 0) or with `digits` digits of a fraction, within a
/// minute of now.
fn is_timestamp(text: &str, digits: usize) -> bool {
    let b = text.as_bytes();
    let whole = text.len() == 20 + if digits > 0 { digits + 1 } else { 0 }
        && text.ends_with('Z')
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && is_clock(&text[11..19])
        && (digits == 0
            || (b[19] == b'.' && text[20..20 + digits].bytes().all(|c| c.is_ascii_digit())));
    if !whole {
        return false;
    }
    // The date, as days since the epoch, against today's (a minute either side).
    let field = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap_or(-1);
    let (y, m, d) = (field(0..4), field(5..7), field(8..10));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + d - 719_469;
    let seconds = days * 86400 + field(11..13) * 3600 + field(14..16) * 60 + field(17..19);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    (now - seconds).abs() < 60
}

#[test]
fn syslog_lines_reach_a_unixgram_listener() {
    let sb = Sandbox::new();
    // A bad option first: refused, and nothing made.
    let word = random::word(6);
    let (option, error) = match random::number(0, 2) {
        0 => (
            format!("syslog-facility={word}"),
            "invalid syslog facility".to_string(),
        ),
        1 => (
            format!("syslog-format={word}"),
            "Invalid syslog format".to_string(),
        ),
        _ => (
            format!("{word}=1"),
            format!("unknown log opt '{word}' for syslog log driver"),
        ),
    };
    refused(
        &sb,
        &["--log-driver", "syslog", "--log-opt", &option],
        &error,        "the log options are checked when the config is made, before anything exists, with docker's words",
    );

    let socket = sb.dir().join("syslog.sock");
    let listener = UnixDatagram::bind(&socket).expect("binding the test's syslog socket");
    listener
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let (facility_name, facility) = random::pick(&FACILITIES);
    let format = random::pick(&["rfc5424", "rfc5424micro"]);
    let name = random::name("web-");
    let address = format!("unixgram://{}", socket.display());
    let options = [
        format!("syslog-address={address}"),
        format!("syslog-facility={facility_name}"),
        format!("syslog-format={format}"),
        "tag={{.Name}}-{{.ID}}".to_string(),
    ];
    let lines = [
        Line {
            text: random::word(10),
            stderr: false,
        },
        Line {
            text: random::word(10),
            stderr: true,
        },
        Line {
            text: random::word(10),
            stderr: false,
        },
    ];
    let script = format!(
        "echo {}; echo {} >&2; echo {}",
        lines[0].text, lines[1].text, lines[2].text
    );
    let mut extra = vec!["--name", &name, "--log-driver", "syslog"];
    for option in &options {
        extra.extend_from_slice(&["--log-opt", option]);
    }
    let id = detached(&sb, &extra, &["sh", "-c", &script]);
    let messages = collect(|buf| listener.recv(buf), lines.len());
    let tag = format!("{name}-{}", &id[..12]);
    let hostname = sb.original_hostname().to_string();
    let digits = if format == "rfc5424" { 0 } else { 6 };
    let shape = format!(
        "1 {} {hostname} {tag} PID {tag} - ",
        if digits == 0 {
            "2026-11-30T14:27:17Z"
        } else {
            "2026-11-30T14:27:17.256603Z"
        }
    );
    let what = format!(
        "messages at a listener on {address}, from run -d --log-driver syslog --log-opt syslog-facility={facility_name} --log-opt syslog-format={format} --log-opt tag={{{{.Name}}}}-{{{{.ID}}}}"
    );
    check_messages(&what, &messages, &lines, facility, &shape, |head| {
        let fields: Vec<&str> = head.splitn(7, ' ').collect();
        if fields.len() < 7 || fields[0] != "1" {
            return Err("RFC 5424's header begins with its version, 1, after the priority".into());
        }
        if !is_timestamp(fields[1], digits) {
            return Err(format!(
                "the time is RFC 3339 in UTC, {}: {:?}",
                if digits == 0 {
                    "to the second"
                } else {
                    "to the microsecond"
                },
                fields[1]
            ));
        }
        if fields[2] != hostname {
            return Err(format!("the host name is the host's, {hostname:?}"));
        }
        if fields[3] != tag || fields[5] != tag {
            return Err(format!(
                "the tag ({tag:?}) is both the application's name and the message's id"
            ));
        }
        if fields[4].is_empty() || !fields[4].bytes().all(|c| c.is_ascii_digit()) {
            return Err("the process id is the sender's, a number".into());
        }
        if fields[6] != "- " {
            return Err("there is no structured data: `-`".into());
        }
        Ok(())
    });
    let config = format!(
        "{{\"Type\":\"syslog\",\"Config\":{{\"syslog-address\":\"{address}\",\"syslog-facility\":\"{facility_name}\",\"syslog-format\":\"{format}\",\"tag\":\"{{{{.Name}}}}-{{{{.ID}}}}\"}}}}"
    );
    log_config(&sb, &id, &config);
    sb.minidock(["rm", "-f", &id]).output();
}

#[test]
fn syslog_lines_reach_a_udp_listener() {
    let sb = Sandbox::new();
    // `none` keeps nothing, and `logs` says it cannot read it.
    let id = detached(&sb, &["--log-driver", "none"], &["echo", &random::word(8)]);
    sb.minidock(["wait", &id]).timeout(PROMPT).output();
    let out = sb.minidock(["logs", &id]).output();
    let refusal = "configured logging driver does not support reading";
    if out.status != Some(1) || !out.stderr.contains(refusal) || !out.stdout.is_empty() {
        Failure::new(format!(
            "minidock logs {id}, of a container run with --log-driver none"
        ))
        .expected_text(format!("exit status 1, and {refusal:?} on standard error"))
        .got_text(out.ending())
        .hint("logs reads json-file's log only: for any other driver it says so, as docker does")
        .output(&out)
        .section(DRIVERS)
        .fail();
    }
    log_config(&sb, &id, "{\"Type\":\"none\",\"Config\":{}}");
    sb.minidock(["rm", &id]).output();

    // A server that is not there fails the start, as docker's does, and leaves nothing. (The
    // sandbox's host has a network of its own: its ports are found there.)
    let closed = sb
        .in_host_network(|| std::net::TcpListener::bind("127.0.0.1:0"))
        .and_then(|listener| listener.local_addr())
        .expect("finding a free port")
        .port();
    refused(
        &sb,
        &[
            "--log-driver",
            "syslog",
            "--log-opt",
            &format!("syslog-address=tcp://127.0.0.1:{closed}"),
        ],
        &format!("failed to initialize logging driver: dial tcp 127.0.0.1:{closed}: connect: connection refused"),        "the monitor connects to the syslog server when it starts the container, and a connection that fails fails the start: run -d reports the monitor's error, and the record goes",
    );

    let listener = sb
        .in_host_network(|| UdpSocket::bind("127.0.0.1:0"))
        .expect("binding the test's syslog socket");
    listener
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let address = format!("udp://127.0.0.1:{port}");
    let rfc3164 = random::number(0, 1) == 1;
    let (facility_name, facility) = random::pick(&FACILITIES);
    let mut extra = vec![
        "--log-driver".to_string(),
        "syslog".to_string(),
        "--log-opt".to_string(),
        format!("syslog-address={address}"),
        "--log-opt".to_string(),
        format!("syslog-facility={facility_name}"),
    ];
    if rfc3164 {
        extra.extend(["--log-opt".to_string(), "syslog-format=rfc3164".to_string()]);
    }
    let lines = [
        Line {
            text: random::word(10),
            stderr: false,
        },
        Line {
            text: random::word(10),
            stderr: true,
        },
    ];
    // The last line has no newline: it is sent when its stream ends.
    let script = format!("echo {}; printf {} >&2", lines[0].text, lines[1].text);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let id = detached(&sb, &extra, &["sh", "-c", &script]);
    let messages = collect(|buf| listener.recv(buf), lines.len());
    let tag = id[..12].to_string();
    let hostname = sb.original_hostname().to_string();
    let shape = if rfc3164 {
        format!("Nov 30 14:27:17 {hostname} {tag}[PID]: ")
    } else {
        format!("Nov 30 14:27:17 {tag}[PID]: ")
    };
    let what = format!(
        "messages at a listener on {address}, from run -d {}",
        extra.join(" ")
    );
    check_messages(&what, &messages, &lines, facility, &shape, |head| {
        let Some(stamp) = head.get(..15).filter(|s| is_stamp(s)) else {
            return Err(
                "RFC 3164's time comes first: `Mmm dd hh:mm:ss`, the day padded with a space"
                    .into(),
            );
        };
        let mut rest = &head[15..];
        if rfc3164 {
            let Some(after) = rest.strip_prefix(&format!(" {hostname} ")) else {
                return Err(format!(
                    "rfc3164 puts the host's name, {hostname:?}, after the time"
                ));
            };
            rest = after;
        } else {
            let Some(after) = rest.strip_prefix(' ') else {
                return Err(format!("a space after the time {stamp:?}"));
            };
            rest = after;
        }
        let tagged = rest
            .strip_prefix(&format!("{tag}["))
            .and_then(|r| r.strip_suffix("]: "))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|c| c.is_ascii_digit()));
        if !tagged {
            return Err(format!(
                "the tag, by default the first 12 digits of the id ({tag:?}), then the sender's process id in brackets, a colon and a space{}",
                if rfc3164 { "" } else { " (docker's default format has no host name)" }
            ));
        }
        Ok(())
    });
    sb.minidock(["rm", "-f", &id]).output();
}

/// The size of the file at `path`, if it is there.
fn size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

#[test]
fn json_file_rotates_at_max_size() {
    let sb = Sandbox::new();
    let word = random::word(5);
    refused(
        &sb,
        &["--log-opt", &format!("max-size={word}")],
        &format!("invalid size: '{word}'"),        "the log options are checked when the config is made, before anything exists, with docker's words",
    );

    // A size in bytes, or in docker's decimal kilobytes.
    let (max_size, max) = match random::number(0, 2) {
        0 => ("1k".to_string(), 1000),
        _ => {
            let bytes = random::number(600, 1500);
            (bytes.to_string(), bytes)
        }
    };
    let max_file = 3;
    // Each record is about 90 bytes: enough lines for the log to fill 5 times over.
    let lines = (max * 5 / 80) as usize;
    let word = random::word(8);
    let script = format!("i=0; while [ $i -lt {lines} ]; do echo $i-{word}; i=$((i+1)); done");
    let id = detached(
        &sb,
        &[
            "--log-opt",
            &format!("max-size={max_size}"),
            "--log-opt",
            &format!("max-file={max_file}"),
        ],
        &["sh", "-c", &script],
    );
    sb.minidock(["wait", &id]).timeout(PROMPT).output();
    let dir = sb.state_dir().join("containers").join(&id);
    let log = dir.join(format!("{id}-json.log"));
    let file = |n: u32| {
        if n == 0 {
            log.clone()
        } else {
            dir.join(format!("{id}-json.log.{n}"))
        }
    };
    let sizes: Vec<Option<u64>> = (0..=max_file).map(|n| size(&file(n))).collect();
    let shown = |sizes: &[Option<u64>]| {
        (0..=max_file)
            .map(|n| {
                format!(
                    "{}: {}",
                    file(n)
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .replace(&id, "ID"),
                    sizes[n as usize].map_or("none".to_string(), |s| format!("{s} bytes"))
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = format!(
        "the files of the log of run -d --log-opt max-size={max_size} --log-opt max-file={max_file}, after {lines} lines of about 90 bytes each"
    );
    let fail = |expected: String, hint: &str| -> ! {
        Failure::new(what.clone())
            .expected_text(expected)
            .got_text(shown(&sizes))
            .hint(hint.to_string())
            .section(ROTATE)
            .fail()
    };
    let count = sizes.iter().filter(|s| s.is_some()).count();
    if count != max_file as usize || sizes[max_file as usize].is_some() || sizes[0].is_none() {
        fail(
            format!("{max_file} files: ID-json.log, ID-json.log.1 and ID-json.log.2, no .3"),
            "once the log has reached max-size, rename its files from the oldest (.1 to .2, dropping the old .2, then the log to .1) and write on in a new log, opened again by its name",
        );
    }
    // The records of each file, the oldest file first.
    let mut records = Vec::new();
    let mut longest = 0u64;
    for n in (0..max_file).rev() {
        let text = std::fs::read_to_string(file(n)).unwrap_or_default();
        for line in text.lines() {
            longest = longest.max(line.len() as u64 + 1);
            let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            records.push(value["log"].as_str().unwrap_or("").to_string());
        }
    }
    for n in 1..max_file {
        let size = sizes[n as usize].unwrap_or(0);
        if size < max || size >= max + longest {
            fail(
                format!("each rotated file at least {max} bytes (max-size), and less than one record more"),
                "docker rotates the log before a record, once it has reached max-size: not before it would pass it, and not after the record",
            );
        }
    }
    // `logs` reads the kept files, the oldest first: the last lines, in order, to the last one.
    let out = sb.minidock(["logs", &id]).output();
    let kept: Vec<String> = records.iter().map(|r| r.trim_end().to_string()).collect();
    let first = kept
        .first()
        .and_then(|l| l.split('-').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let expected: String = (first..lines).map(|i| format!("{i}-{word}\n")).collect();
    if out.status != Some(0) || out.stdout != expected {
        fail_logs(&out, &id, first, lines, &word);
    }
    log_config(
        &sb,
        &id,
        &format!("{{\"Type\":\"json-file\",\"Config\":{{\"max-file\":\"{max_file}\",\"max-size\":\"{max_size}\"}}}}"),
    );
    sb.minidock(["rm", &id]).output();
}

fn fail_logs(out: &Output, id: &str, first: usize, lines: usize, word: &str) -> ! {
    Failure::new(format!("minidock logs {id}, of a log rotated at max-size"))
        .expected_text(format!(
            "the lines {first}-{word} to {}-{word}, in order: the records of ID-json.log.2, .1 and the log",
            lines - 1
        ))
        .got_text(out.ending())
        .hint("each rotated file keeps its records whole and in order: the lines the log held before each rotation are in .1, the older in .2")
        .output(out)
        .section(ROTATE)
        .fail()
}
