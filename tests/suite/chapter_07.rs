//! Chapter 7: terminals, attaching and watching. `-t` gives the command a real terminal, held
//! by the container's monitor; `attach` connects a terminal to it and the detach keys leave it
//! running; the output goes where the log driver says; `events` tells a container's life.

use std::time::Duration;

use harness::{random, Failure, Sandbox, Section, Terminal};

const PAIR: Section = Section::new(7, "Allocate the pair");
const CONTROLLING: Section = Section::new(7, "Make it the command's terminal");
const RAW: Section = Section::new(7, "Raw mode");
const KEYS: Section = Section::new(7, "Detach keys");
const ATTACHING: Section = Section::new(7, "Attaching and detaching");

/// How long a shell in a container may take to answer what is typed.
const ANSWER: Duration = Duration::from_secs(5);

/// Fails the test with what the terminal showed.
#[track_caller]
fn fail(t: &Terminal, what: &str, expected: String, hint: &str, section: Section) -> ! {
    Failure::new(format!("{what}, in `{}` on a terminal", t.shown()))
        .expected_text(expected)
        .got_text(format!("the screen showed:\n{}", t.screen()))
        .hint(hint)
        .section(section)
        .fail()
}

/// Waits for `text` on the screen after `mark`, or fails.
#[track_caller]
fn expect(t: &mut Terminal, text: &str, mark: usize, hint: &str, section: Section) {
    if !t.wait_for(text, mark, ANSWER) {
        fail(t, "the screen", format!("{text:?} on it"), hint, section);
    }
}

/// Starts `run -it ... IMAGE sh` on a terminal and waits for the shell's prompt.
#[track_caller]
fn shell(sb: &Sandbox, options: &[&str], rows: u16, cols: u16) -> Terminal {
    let image = sb.image();
    let mut args = vec!["run", "-it"];
    args.extend_from_slice(options);
    args.extend([image.as_str(), "sh"]);
    let mut t = sb.minidock_on_terminal(&args, rows, cols);
    if !t.wait_for("# ", 0, ANSWER) {
        if t.wait_exit(Duration::ZERO) == Some(0) {
            fail(&t, "the shell's prompt", "\"# \" on the screen".into(), "the shell ended at once, as an interactive shell does whose standard input is at its end: its standard input must be the terminal too, as its output and error are", CONTROLLING);
        }
        fail(&t, "the shell's prompt", "\"# \" on the screen".into(), "run -it starts the container under its monitor with a terminal of the container's own: its first process opens a new pair in /dev/pts (the container's devpts), makes the slave its terminal and hands the master over; without a terminal `run -t` fails", PAIR);
    }
    t
}

/// Types `line` and Enter; returns the mark from which to look for its output.
fn enter(t: &mut Terminal, line: &str) -> usize {
    let mark = t.mark();
    t.type_text(&format!("{line}\r"));
    mark
}

#[test]
fn run_it_gives_a_shell_its_own_terminal() {
    let sb = Sandbox::new();
    let (rows, cols) = (
        random::number(20, 60) as u16,
        random::number(70, 200) as u16,
    );
    let mut t = shell(&sb, &[], rows, cols);
    let (a, b) = (random::number(100, 999), random::number(100, 999));
    let mark = enter(
        &mut t,
        &format!("tty; echo sum-$(({a}+{b})); stty size; echo $TERM"),
    );
    let hint = "the command's standard input, output and error are all the terminal's slave: what is typed reaches the shell, and `tty` names the container's own /dev/pts/0";
    expect(&mut t, &format!("sum-{}", a + b), mark, hint, CONTROLLING);
    expect(&mut t, "/dev/pts/0", mark, hint, PAIR);
    expect(&mut t, &format!("{rows} {cols}"), mark, "the monitor sets the terminal's size to the caller's (TIOCSWINSZ on the master) as soon as a client attaches", CONTROLLING);
    expect(
        &mut t,
        "xterm",
        mark,
        "docker sets TERM=xterm for a container with a terminal",
        CONTROLLING,
    );
    let status = random::number(2, 120) as i32;
    enter(&mut t, &format!("exit {status}"));
    let got = t.wait_exit(ANSWER);
    if got != Some(status) {
        fail(&t, "minidock's exit status", format!("{status}, the shell's"), "run -it exits with the container's status, which the monitor sends the attached client when the container ends", ATTACHING);
    }
}

#[test]
fn the_terminal_size_follows_a_resize() {
    let sb = Sandbox::new();
    let mut t = shell(&sb, &[], 24, 80);
    let (rows, cols) = (
        random::number(30, 70) as u16,
        random::number(90, 250) as u16,
    );
    t.resize(rows, cols);
    // The resize reaches the container through minidock (SIGWINCH) and the monitor: the shell
    // asks again until it has.
    let mark = enter(
        &mut t,
        &format!("for i in $(seq 100); do [ \"$(stty size)\" = '{rows} {cols}' ] && break; sleep 0.05; done; echo size-$(stty size | tr ' ' x)"),
    );
    expect(
        &mut t,
        &format!("size-{rows}x{cols}"),
        mark,
        "on SIGWINCH, the client reads its terminal's new size and sends it to the monitor, which sets it on the container's terminal (TIOCSWINSZ on the master): the kernel then signals the container's foreground process group",
        ATTACHING,
    );
    enter(&mut t, "exit 0");
    t.wait_exit(ANSWER);
}

#[test]
fn ctrl_c_interrupts_the_command_in_the_foreground() {
    let sb = Sandbox::new();
    let mut t = shell(&sb, &[], 24, 80);
    let n = random::number(10, 99);
    let mark = enter(&mut t, &format!("echo started-$(({n}*2)); sleep 1000"));
    expect(
        &mut t,
        &format!("started-{}", n * 2),
        mark,
        "the shell runs what is typed",
        CONTROLLING,
    );
    std::thread::sleep(Duration::from_millis(100));
    t.type_text("\x03");
    let mark = enter(&mut t, &format!("echo status-$?-{n}"));
    if !t.wait_for(&format!("status-130-{n}"), mark, Duration::from_secs(3)) {
        fail(
            &t,
            "Ctrl-C typed while `sleep 1000` ran",
            "sleep ended by SIGINT (status 130), and the shell's prompt back".into(),
            "Ctrl-C is a byte the container's terminal's line discipline turns into SIGINT for its foreground process group, which only a controlling terminal has: the slave must become the controlling terminal of the first process's new session (TIOCSCTTY)",
            CONTROLLING,
        );
    }
    enter(&mut t, "exit 0");
    t.wait_exit(ANSWER);
}

#[test]
fn detaching_leaves_the_container_running_and_the_terminal_as_it_was() {
    let sb = Sandbox::new();
    let name = random::name("tty-");
    let (rows, cols) = (
        random::number(20, 60) as u16,
        random::number(70, 200) as u16,
    );
    let before = sb.minidock_on_terminal(["--help"], rows, cols).modes();
    let mut t = shell(&sb, &["--name", &name], rows, cols);
    let value = random::word(10);
    let mark = enter(&mut t, &format!("X={value}; echo set-$((1+1))"));
    expect(
        &mut t,
        "set-2",
        mark,
        "the shell runs what is typed",
        CONTROLLING,
    );
    t.type_text("\x10\x11");
    if t.wait_exit(ANSWER) != Some(0) {
        fail(&t, "Ctrl-P Ctrl-Q typed", "minidock run to return with status 0, the container left running".into(), "the client watches what is typed for the detach keys and, once they are complete, returns without passing them on; in cooked mode they would wait in the caller's terminal for Enter", KEYS);
    }
    let after = t.modes();
    let same = before.local_flags == after.local_flags
        && before.input_flags == after.input_flags
        && before.output_flags == after.output_flags;
    if !same {
        Failure::new("the caller's terminal's modes after a detach")
            .expected(&before)
            .got(&after)
            .hint("raw mode is the client's while it is attached: the modes kept before it was entered are given back on every way out, a detach included")
            .section(RAW)
            .fail();
    }
    let status = sb
        .minidock(["inspect", "-f", "{{.State.Status}}", &name])
        .output();
    if status.stdout_trimmed() != "running" {
        Failure::new(format!("minidock inspect -f '{{{{.State.Status}}}}' {name}, after the detach"))
            .expected_text("running")
            .got_text(status.ending())
            .hint("the monitor holds the terminal's master: the container keeps its terminal while nobody is attached")
            .output(&status)
            .section(ATTACHING)
            .fail();
    }
    // Two terminals attached at once see the same shell, and the same output.
    let mut first = sb.minidock_on_terminal(["attach", &name], rows, cols);
    let mut second = sb.minidock_on_terminal(["attach", &name], rows, cols);
    let (m1, m2) = (first.mark(), second.mark());
    // Typed into the first; said until both have seen it (the second may connect later).
    first.type_text("while [ ! -e /tmp/seen ]; do echo again-$X-$((2+3)); sleep 0.05; done\r");
    let seen = format!("again-{value}-5");
    for (t, mark) in [(&mut first, m1), (&mut second, m2)] {
        expect(t, &seen, mark, "attach connects to the monitor's socket; the monitor sends what the container writes to every client, and writes what any client types to the terminal's master", ATTACHING);
    }
    sb.minidock(["exec", &name, "touch", "/tmp/seen"]).output();
    let status = random::number(2, 120) as i32;
    first.type_text(&format!("exit {status}\r"));
    for t in [&mut first, &mut second] {
        if t.wait_exit(ANSWER) != Some(status) {
            fail(
                t,
                "attach's exit status",
                format!("{status}, the container's"),
                "attach ends with the container, with its status",
                ATTACHING,
            );
        }
    }
}

#[test]
fn custom_detach_keys_detach_and_a_lone_first_key_reaches_the_program() {
    let sb = Sandbox::new();
    let name = random::name("keys-");
    // Keys the line discipline lets through as they are.
    let first = random::pick(&['b', 'e', 'f', 'k', 'n', 't', 'x']);
    let second = random::pick(&['a', 'g', 'h', 'j', 'm', 'v', 'w']);
    let keys = format!("ctrl-{first},{second}");
    let mut t = shell(&sb, &["--name", &name, "--detach-keys", &keys], 24, 80);
    let code = first as u8 - b'a' + 1;
    // The first key alone, then a byte that is not the second: both reach the program.
    let mark = enter(&mut t, "od -An -tx1");
    std::thread::sleep(Duration::from_millis(200));
    t.type_text(&format!("{}Z\r\x04", code as char));
    expect(
        &mut t,
        &format!("{code:02x} 5a 0a"),
        mark,
        "a first detach key that the next byte does not follow is given back: the bytes held reach the container, then the one that broke the sequence",
        KEYS,
    );
    t.type_text(&format!("{}{second}", code as char));
    if t.wait_exit(ANSWER) != Some(0) {
        fail(
            &t,
            &format!("the detach keys {keys} typed"),
            "minidock to return with status 0".into(),
            "--detach-keys in docker's syntax replaces Ctrl-P Ctrl-Q",
            KEYS,
        );
    }
    sb.minidock(["rm", "-f", &name]).output();
}

#[test]
fn run_t_gives_a_terminal_without_one_on_the_callers_side() {
    let sb = Sandbox::new();
    let token = random::word(8);
    let image = sb.image();
    let script = format!("tty; echo {token}");
    let out = sb
        .minidock(["run", "-t", &image, "sh", "-c", &script])
        .output();
    // A terminal's line discipline ends lines with CR LF.
    let expected = format!("/dev/pts/0\r\n{token}\r\n");
    if out.status != Some(0) || out.stdout != expected {
        Failure::new(format!("minidock run -t IMAGE sh -c '{script}'"))
            .expected_text(format!("exit status 0, and {expected:?}"))
            .got_text(format!("{}: {:?}", out.ending(), out.stdout))
            .hint("-t alone gives the command a terminal, and shows its output: the caller's own stdin need not be one")
            .output(&out)
            .section(PAIR)
            .fail();
    }
}

#[test]
fn exec_it_gets_a_terminal_of_its_own() {
    let sb = Sandbox::new();
    let name = random::name("exec-tty-");
    let image = sb.image();
    let out = sb
        .minidock(["run", "-dit", "--name", &name, &image, "sh"])
        .output();
    if out.status != Some(0) {
        Failure::new(format!("minidock run -dit --name {name} IMAGE sh"))
            .expected_text("exit status 0: a detached container with a terminal")
            .got_text(out.ending())
            .hint("-d with -t: the monitor holds the terminal's master, with nobody attached")
            .output(&out)
            .section(PAIR)
            .fail();
    }
    let mut t = sb.minidock_on_terminal(["exec", "-it", &name, "sh"], 24, 80);
    expect(&mut t, "# ", 0, "exec -t makes a new pair in the container, in the new process, once it has entered the container's mount namespace: its /dev/ptmx is the container's", PAIR);
    let n = random::number(10, 99);
    let mark = enter(&mut t, &format!("tty; echo exec-$(({n}+1))"));
    expect(
        &mut t,
        &format!("exec-{}", n + 1),
        mark,
        "the exec'd shell reads what is typed from its terminal",
        CONTROLLING,
    );
    expect(
        &mut t,
        "/dev/pts/1",
        mark,
        "the container's first process has /dev/pts/0; exec's gets a pair of its own, the next one",
        PAIR,
    );
    let status = random::number(2, 120) as i32;
    enter(&mut t, &format!("exit {status}"));
    if t.wait_exit(ANSWER) != Some(status) {
        fail(
            &t,
            "exec -it's exit status",
            format!("{status}, the shell's"),
            "exec waits for its process once its terminal is closed, and exits with its status",
            CONTROLLING,
        );
    }
    sb.minidock(["rm", "-f", &name]).output();
}

#[test]
fn attach_passes_input_to_a_container_run_with_i_and_detaches() {
    let sb = Sandbox::new();
    let name = random::name("stdin-");
    let image = sb.image();
    let script = "read line; echo got-$line; sleep 1000";
    let out = sb
        .minidock(["run", "-di", "--name", &name, &image, "sh", "-c", script])
        .output();
    if out.status != Some(0) {
        Failure::new(format!(
            "minidock run -di --name {name} IMAGE sh -c '{script}'"
        ))
        .expected_text("exit status 0")
        .got_text(out.ending())
        .output(&out)
        .section(ATTACHING)
        .fail();
    }
    let word = random::word(10);
    let out = sb
        .minidock(["attach", &name])
        .stdin(format!("{word}\n\x10\x11"))
        .timeout(Duration::from_secs(5))
        .output();
    if out.status != Some(1) || !out.stderr.contains("read escape sequence") {
        Failure::new(format!(
            "minidock attach {name}, given \"{word}\\n\" and Ctrl-P Ctrl-Q on its standard input"
        ))
        .expected_text("once the detach keys are read, docker's \"read escape sequence\" and exit status 1, the container left running")
        .got_text(out.ending())
        .hint("the detach keys are watched for in whatever attach reads, a terminal or not")
        .output(&out)
        .section(KEYS)
        .fail();
    }
    let deadline = std::time::Instant::now() + ANSWER;
    loop {
        let logs = sb.minidock(["logs", &name]).output();
        if logs.stdout.contains(&format!("got-{word}")) {
            break;
        }
        if std::time::Instant::now() > deadline {
            Failure::new(format!("minidock logs {name}"))
                .expected_text(format!("got-{word}: the line attach gave the container's standard input"))
                .got_text(format!("{:?}", logs.stdout))
                .hint("with -i, the container's standard input is a pipe the monitor keeps, and writes what clients type to")
                .output(&logs)
                .section(ATTACHING)
                .fail();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    sb.minidock(["rm", "-f", &name]).output();
}

#[test]
fn start_ai_attaches_a_terminal_to_a_created_container() {
    let sb = Sandbox::new();
    let name = random::name("start-ai-");
    let image = sb.image();
    let out = sb
        .minidock(["create", "-it", "--name", &name, &image, "sh"])
        .output();
    if out.status != Some(0) {
        Failure::new(format!("minidock create -it --name {name} IMAGE sh"))
            .expected_text("exit status 0")
            .got_text(out.ending())
            .output(&out)
            .section(ATTACHING)
            .fail();
    }
    let mut t = sb.minidock_on_terminal(["start", "-ai", &name], 24, 80);
    expect(&mut t, "# ", 0, "start -ai starts the container under its monitor, with this command attached from the start, as run -it does", ATTACHING);
    let n = random::number(10, 99);
    let mark = enter(&mut t, &format!("echo started-$(({n}+2))"));
    expect(
        &mut t,
        &format!("started-{}", n + 2),
        mark,
        "what is typed reaches the container's terminal through the monitor",
        CONTROLLING,
    );
    let status = random::number(2, 120) as i32;
    enter(&mut t, &format!("exit {status}"));
    if t.wait_exit(ANSWER) != Some(status) {
        fail(
            &t,
            "start -ai's exit status",
            format!("{status}, the container's"),
            "start -ai ends with the container, with its status",
            ATTACHING,
        );
    }
}

#[test]
fn a_signal_that_ends_run_it_gives_the_terminal_back_as_it_was() {
    let sb = Sandbox::new();
    let before = sb.minidock_on_terminal(["--help"], 24, 80).modes();
    let mut t = shell(&sb, &[], 24, 80);
    let signal = random::pick(&[libc::SIGTERM, libc::SIGHUP, libc::SIGINT]);
    // SAFETY: kill(2) of the minidock this test started, still running.
    unsafe { libc::kill(t.pid() as libc::pid_t, signal) };
    if t.wait_exit(ANSWER).is_none() {
        fail(
            &t,
            &format!("signal {signal} sent to minidock run -it"),
            "minidock to end".into(),
            "a signal the client catches ends its session, and its terminal is given back",
            RAW,
        );
    }
    let after = t.modes();
    let same = before.local_flags == after.local_flags
        && before.input_flags == after.input_flags
        && before.output_flags == after.output_flags;
    if !same {
        Failure::new(format!("the terminal's modes after signal {signal} ended minidock run -it"))
            .expected(&before)
            .got(&after)
            .hint("the modes are given back on every way out the client can see: a signal it can catch is one (it reads it from a signalfd and returns, and the raw mode's guard is dropped)")
            .section(RAW)
            .fail();
    }
}

#[path = "chapter_07/events.rs"]
mod events;
#[path = "chapter_07/logging.rs"]
mod logging;
