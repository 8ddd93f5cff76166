//! The scaffold: what minidock does from chapter 1 on without it being an exercise. Exit statuses,
//! standard input and output, the command's environment and working directory, and errors on
//! the command line. Every chapter's starter passes these; if one fails, something that used to
//! work is broken.

use harness::{check_eq, random, Failure, Sandbox, Section};

const EXIT: Section = Section::new(1, "Exit statuses");
const STDIO: Section = Section::new(1, "Standard input and output");
const ENV: Section = Section::new(1, "The command's environment");
const CLI: Section = Section::new(1, "The command line");

#[test]
fn the_commands_exit_status_is_minidocks() {
    let sb = Sandbox::new();
    let code = random::number(1, 124);
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", &format!("exit {code}")])
        .output();
    out.expect_status(code as i32, EXIT);
    let out = sb.minidock(["run", &sb.image(), "true"]).output();
    out.expect_status(0, EXIT);
}

#[test]
fn statuses_docker_uses_itself_pass_through_too() {
    let sb = Sandbox::new();
    // A command may exit with 125..=255 on its own; like docker, minidock passes that on.
    let code = random::number(125, 255);
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", &format!("exit {code}")])
        .output();
    out.expect_status(code as i32, EXIT);
}

#[test]
fn a_command_killed_by_signal_n_gives_128_plus_n() {
    let sb = Sandbox::new();
    // Faults the kernel signals itself: they kill even a pid 1 that has no handler for them.
    for (kind, signal) in [("segv", libc::SIGSEGV), ("bus", libc::SIGBUS)] {
        let out = sb
            .minidock(["run", &sb.image(), &sb.probe(), "crash", kind])
            .output();
        out.expect_status(128 + signal, EXIT);
    }
}

#[test]
fn a_missing_command_gives_127() {
    let sb = Sandbox::new();
    for command in [
        random::name("/no-such-file-"),
        random::name("no-such-command-"),
    ] {
        let out = sb.minidock(["run", &sb.image(), &command]).output();
        out.expect_status(127, EXIT);
        out.expect_stderr_contains(&command, EXIT)
            .what("the error message should name the missing command")
            .expected_text(format!("a line on stderr naming {command:?}"));
    }
}

#[test]
fn a_command_that_cannot_be_executed_gives_126() {
    let sb = Sandbox::new();
    // /etc/passwd exists in every root filesystem (and on the host) and is not executable.
    let out = sb.minidock(["run", &sb.image(), "/etc/passwd"]).output();
    out.expect_status(126, EXIT);
}

#[test]
fn stdout_and_stderr_are_passed_through() {
    let sb = Sandbox::new();
    let (to_out, to_err) = (random::word(12), random::word(12));
    let script = format!("echo {to_out}; echo {to_err} >&2");
    let out = sb
        .minidock(["run", &sb.image(), "sh", "-c", &script])
        .output();
    out.expect_status(0, STDIO);
    out.expect_stdout_exactly(&format!("{to_out}\n"), STDIO);
    out.expect_stderr_line(&to_err, STDIO)
        .what("what the command wrote to stderr should reach minidock's stderr");
}

#[test]
fn stdin_is_passed_through() {
    let sb = Sandbox::new();
    let input = format!("{}\n{}\n", random::word(20), random::word(20));
    let out = sb
        .minidock(["run", &sb.image(), "cat"])
        .stdin(input.clone())
        .output();
    out.expect_status(0, STDIO);
    out.expect_stdout_exactly(&input, STDIO)
        .what("what cat echoed from its stdin");
}

#[test]
fn env_options_set_variables() {
    let sb = Sandbox::new();
    let (key, value) = (random::name("VAR_").to_uppercase(), random::word(10));
    let pair = format!("{key}={value}");
    let out = sb
        .minidock([
            "run",
            "-e",
            &pair,
            "--env",
            "HOME=/somewhere",
            &sb.image(),
            "env",
        ])
        .output();
    out.expect_status(0, ENV);
    for wanted in [pair.as_str(), "HOME=/somewhere"] {
        out.expect_stdout_line(wanted, ENV)
            .what("a variable set with -e is missing from the command's environment");
    }
}

#[test]
fn the_environment_is_clean() {
    let sb = Sandbox::new();
    let leak = random::name("LEAK_").to_uppercase();
    let out = sb
        .minidock(["run", &sb.image(), "env"])
        .env(&leak, "from-minidocks-own-environment")
        .output();
    out.expect_status(0, ENV);
    let vars: Vec<&str> = out.stdout.lines().collect();
    if vars.iter().any(|v| v.starts_with(&format!("{leak}="))) {
        Failure::new("the command inherited a variable from minidock's own environment")
            .expected_text("only PATH, HOSTNAME, HOME and what -e sets")
            .got(&vars)
            .output(&out)
            .section(ENV)
            .fail();
    }
    for prefix in ["PATH=", "HOSTNAME=", "HOME=/root"] {
        if !vars.iter().any(|v| v.starts_with(prefix)) {
            Failure::new(format!("the command's environment lacks {prefix}..."))
                .got(&vars)
                .output(&out)
                .section(ENV)
                .fail();
        }
    }
}

#[test]
fn a_missing_image_directory_gives_125_and_changes_nothing() {
    let sb = Sandbox::new();
    let mounts = sb.mounts();
    let image = sb
        .host_path(&random::name("no-such-image-"))
        .display()
        .to_string();
    let out = sb.minidock(["run", &image, "true"]).output();
    out.expect_status(125, CLI);
    out.expect_stderr_one_line(&image, CLI)
        .what("the error should be one line naming the missing image directory");
    check_eq(
        "files left in minidock's state directory",
        Vec::<String>::new(),
        sb.state_entries(),
        &out,
        CLI,
    );
    check_eq("the host's mount table", mounts, sb.mounts(), &out, CLI);
}

#[test]
fn an_unknown_option_gives_125() {
    let sb = Sandbox::new();
    let flag = format!("--{}", random::name("no-such-option-"));
    let out = sb.minidock(["run", &flag, &sb.image(), "true"]).output();
    out.expect_status(125, CLI);
    out.expect_stderr_contains(&flag, CLI)
        .what("the error should name the unknown option")
        .expected_text(format!("stderr mentioning {flag}"));
}

#[test]
fn the_host_itself_is_no_image() {
    let sb = Sandbox::new();
    // However it is written: a container whose root is the host's `/` would be no container.
    let image = random::pick(&["/", "/.", "//", "/etc/.."]);
    let mounts = sb.mounts();
    let out = sb.minidock(["run", image, "true"]).output();
    if out.status != Some(125) || out.stderr.lines().count() != 1 {
        Failure::new(format!("IMAGE {image:?} is the host's own root directory"))
            .expected_text("refused: exit status 125, and one line on stderr saying why")
            .got_text(out.ending())
            .hint("check that IMAGE, once resolved, is not `/`, before anything is created")
            .output(&out)
            .section(CLI)
            .fail();
    }
    check_eq("the host's mount table", mounts, sb.mounts(), &out, CLI);
}
