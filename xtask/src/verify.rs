//! `cargo xtask verify`: the invariants of the workshop, checked for real.
//!
//! 1. Regenerating chapters, test entries and book listings changes nothing.
//! 2. The reference state at the end of chapter N passes the scaffold tests and chapters 1..=N.
//! 3. Starter N compiles without warnings and passes the scaffold tests and chapters 1..N.
//! 4. Every test of chapter N fails on starter N.
//! 5. The book builds; every include resolves to a non-empty region; relative links resolve;
//!    every exercise and every section a test names is a heading of its chapter; its transcripts
//!    are what really running them prints; in a real browser every page loads without errors,
//!    draws its diagrams and finds chapter 1 when searched for "sethostname".
//! 6. `cargo fmt --check`, `cargo clippy --workspace --all-targets -- -D warnings`.
//! 7. The provisioning script parses and runs; the Vagrantfile validates.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::chapters::{Chapter, CHAPTERS};
use crate::run::{self, Steps};
use crate::{book, gen};

/// Runs every step, or with `only`, the steps whose names contain one of its words (`cargo xtask
/// verify starter book`): a maintainer's quick check of what a change touches.
pub fn run(root: &Path, only: &[&str]) -> Result<()> {
    let mut steps = Steps::new();
    let mut failed = Vec::new();
    let mut step = |steps: &mut Steps, name: &str, f: &dyn Fn() -> Result<()>| {
        if !only.is_empty() && !only.iter().any(|word| name.contains(word)) {
            return;
        }
        if steps.step(name, f).is_err() {
            failed.push(name.to_string());
        }
    };

    step(
        &mut steps,
        "generated code is up to date (cargo xtask gen --check)",
        &|| crate::gen_check(root),
    );
    step(
        &mut steps,
        "chapters, markers, tests and book agree",
        &|| consistency(root),
    );
    step(&mut steps, "cargo fmt --check", &|| {
        run::cmd(root, "cargo", &["fmt", "--all", "--check"])?;
        // The probe is built by the harness with plain rustc, outside cargo's view.
        run::cmd(root, "rustfmt", &["--check", "tests/probe/probe.rs"])
    });
    step(
        &mut steps,
        "cargo clippy: no warnings anywhere, starters included",
        &|| {
            run::cmd(
                root,
                "cargo",
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--quiet",
                    "--",
                    "-D",
                    "warnings",
                ],
            )
        },
    );
    step(&mut steps, "build every test binary once", &|| {
        run::cmd(
            root,
            "cargo",
            &["test", "--workspace", "--no-run", "--quiet"],
        )
    });
    // CI runs the README's test command (`cargo test`) just before verify, on the same tree: it
    // says so, and only the tests that command leaves out are run again here.
    let tested = std::env::var_os("MINIDOCK_CI_TESTED").is_some();
    step(
        &mut steps,
        if tested {
            "the reference passes its stretch tests (the rest passed in the README's test command)"
        } else {
            "the reference passes every test (cargo test)"
        },
        // Stretch tests are `#[ignore]`d in a learner's run: the reference passes them too.
        &|| {
            let which = if tested {
                "--ignored"
            } else {
                "--include-ignored"
            };
            run::cmd(root, "cargo", &["test", "--quiet", "--", which])
        },
    );
    step(
        &mut steps,
        "the reference passes its tests in a pure cgroup v2 kernel (QEMU)",
        // See `V2_REFERENCE_RUN` for the tests left out.
        &|| crate::vm::run(root, &V2_REFERENCE_RUN),
    );
    step(
        &mut steps,
        "each chapter's reference state passes its chapters' tests",
        &|| reference_states(root),
    );
    step(
        &mut steps,
        "each mistake fixture fails the tests meant to catch it, and they name its section",
        &|| mistakes(root),
    );
    for chapter in CHAPTERS {
        let name = format!(
            "starter {:02} passes the scaffold and earlier chapters, fails each chapter {} test",
            chapter.number, chapter.number
        );
        step(&mut steps, &name, &|| starter(root, chapter));
    }
    // A chapter whose own tests depend on the host's cgroup version has its starter checked in the
    // pure v2 kernel too. The others' code runs there in the reference's run above; a guest boot
    // per chapter would cost CI a minute and a half each, and check nothing more.
    for chapter in CHAPTERS
        .iter()
        .filter(|c| CGROUP_CHAPTERS.contains(&c.number))
    {
        let name = format!(
            "starter {:02} in the cgroup v2 kernel: chapter 1 and the scaffold pass, chapter {} fails",
            chapter.number, chapter.number
        );
        step(&mut steps, &name, &|| {
            crate::vm::check_starter(
                root,
                &chapter.crate_name(),
                &format!("{}::", chapter.test_module()),
            )
        });
    }
    step(
        &mut steps,
        "the book's transcripts are current (real runs)",
        &|| crate::transcripts::run(root, true),
    );
    step(
        &mut steps,
        "the book builds and every include and link resolves",
        &|| {
            book::build(root)?;
            let n = book::check(root)?;
            println!("{n} includes resolved, none empty");
            Ok(())
        },
    );
    step(
        &mut steps,
        "the book in headless Chromium: no errors, diagrams drawn, search works",
        &|| book::browser_check(root, &crate::run::target_dir(root).join("book"), None),
    );
    step(&mut steps, "setup.sh parses and runs", &|| {
        run::cmd(root, "bash", &["-n", "setup.sh"])?;
        run::cmd(root, "bash", &["setup.sh", "--maintainer"])
    });
    step(
        &mut steps,
        "the Vagrantfile validates (vagrant validate -p)",
        &|| run::cmd(root, "vagrant", &["validate", "-p"]),
    );

    steps.summary();
    if failed.is_empty() {
        println!("\nverify: all invariants hold");
        Ok(())
    } else {
        bail!(
            "{} step(s) failed:\n  {}",
            failed.len(),
            failed.join("\n  ")
        )
    }
}

/// The chapters whose own tests depend on the host's cgroup version (cgroups, chapter 4).
const CGROUP_CHAPTERS: &[u32] = &[4];

/// Every chapter has exercises, a test file and a book page; every marker, exercise and test
/// section names something that exists.
fn consistency(root: &Path) -> Result<()> {
    let reference = gen::Reference::load(root)?;
    let mut problems = Vec::new();
    let known: BTreeSet<u32> = CHAPTERS.iter().map(|c| c.number).collect();
    for (path, source) in &reference.files {
        for c in source.chapters() {
            if !known.contains(&c) {
                problems.push(format!("solutions/{path}: a marker names ch{c:02}, which is not in xtask/src/chapters.rs"));
            }
        }
    }
    let exercises = reference.exercises();
    for chapter in CHAPTERS {
        let ours: Vec<_> = exercises
            .iter()
            .filter(|(_, e)| e.chapter == chapter.number)
            .collect();
        if ours.is_empty() {
            problems.push(format!(
                "chapter {} has no exercise marker in solutions/",
                chapter.number
            ));
        }
        let mut ids = BTreeSet::new();
        for (path, e) in &ours {
            if !ids.insert(&e.id) {
                problems.push(format!(
                    "solutions/{path}: exercise id `{}` is used twice in chapter {}",
                    e.id, chapter.number
                ));
            }
        }
        // Each must really be in the starter (not, say, inside a later chapter's region).
        let (_, located) = gen::chapter_crate(&reference, chapter, gen::Place::Starter)?;
        for (path, e) in &ours {
            if !located.iter().any(|l| l.id == e.id) {
                problems.push(format!(
                    "solutions/{path}: exercise `{}` of chapter {} does not appear in its starter",
                    e.id, chapter.number
                ));
            }
        }
        let test_file = root.join(format!("tests/suite/{}.rs", chapter.test_module()));
        if !test_file.exists() {
            problems.push(format!(
                "chapter {} has no test file {}",
                chapter.number,
                test_file.display()
            ));
        }
        if !root.join("book/src").join(chapter.page()).exists() {
            problems.push(format!(
                "chapter {} has no book page book/src/{}",
                chapter.number,
                chapter.page()
            ));
            continue;
        }
        let headings = book::chapter_headings(root, &chapter.page())?;
        let page = fs::read_to_string(root.join("book/src").join(chapter.page()))?;
        problems.extend(answers_shown_early(root, chapter, &page));
        for (path, e) in &ours {
            // The book's section says where the TODO is: a learner opens the file it names.
            let named = files_named(&section_text(&page, &e.title));
            let wanted = located
                .iter()
                .find(|l| l.id == e.id)
                .map(|l| l.path.as_str());
            if let Some(wanted) = wanted {
                if !named.iter().any(|n| n == wanted) {
                    problems.push(format!(
                        "book/src/{}: the section \"{}\" should name `{wanted}`, where its TODO is (it names {:?})",
                        chapter.page(),
                        e.title,
                        named
                    ));
                }
            }
            if !headings.contains(&e.title) {
                problems.push(format!(
                    "solutions/{path}: exercise `{}` is titled \"{}\", which is no heading of book/src/{}",
                    e.id,
                    e.title,
                    chapter.page()
                ));
            }
        }
    }
    // Each `Section::new(N, "Title")` in the tests or the harness must be a heading of chapter N.
    // A chapter's tests may be split into files of a directory beside it
    // (`tests/suite/chapter_05/*.rs`): those are read too.
    let mut files = Vec::new();
    let mut dirs = vec![root.join("tests/suite"), root.join("tests/src")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = fs::read_to_string(&path)?;
        for (chapter, title) in sections(&text) {
            let Some(c) = CHAPTERS.iter().find(|c| c.number == chapter) else {
                problems.push(format!(
                    "{}: Section::new({chapter}, ...) names no chapter",
                    path.display()
                ));
                continue;
            };
            if !book::chapter_headings(root, &c.page())?.contains(&title) {
                problems.push(format!(
                    "{}: the section \"{title}\" is no heading of book/src/{}",
                    path.strip_prefix(root).unwrap_or(&path).display(),
                    c.page()
                ));
            }
        }
    }
    if problems.is_empty() {
        println!(
            "{} chapter(s), {} exercise(s), all accounted for",
            CHAPTERS.len(),
            exercises.len()
        );
        marker_shares(root, &reference)?;
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// The text of the section headed `title` in a page, up to the next heading of its level or above.
fn section_text(page: &str, title: &str) -> String {
    let mut level = None;
    let mut text = String::new();
    for line in page.lines() {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        let heading = hashes > 0 && line[hashes..].starts_with(' ');
        match level {
            None if heading && line[hashes..].trim() == title => level = Some(hashes),
            Some(l) if heading && hashes <= l => break,
            Some(_) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    text
}

/// The source files a text names as `` `src/...rs` ``.
fn files_named(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| quoted.starts_with("src/") && quoted.ends_with(".rs"))
        .map(str::to_string)
        .collect()
}

/// Prints, per file of the reference, the share of its lines that are markers or code commented
/// out for earlier chapters: where the chapters make the reference harder to read.
fn marker_shares(root: &Path, reference: &gen::Reference) -> Result<()> {
    let mut rows = Vec::new();
    let mut all = crate::markers::MarkerLines::default();
    for path in reference.files.keys() {
        let text = fs::read_to_string(root.join("solutions").join(path))?;
        let Some(syntax) = crate::markers::Syntax::for_path(path) else {
            continue;
        };
        let lines = crate::markers::MarkerLines::count(&text, syntax);
        all.total += lines.total;
        all.markers += lines.markers;
        all.commented += lines.commented;
        all.fixtures += lines.fixtures;
        rows.push((path.clone(), lines));
    }
    rows.sort_by(|a, b| b.1.share().total_cmp(&a.1.share()));
    println!(
        "marker lines per file (markers + code commented out for other chapters, of all lines; \
         then the lines of mistake fixtures, apart):"
    );
    let fixtures = |l: &crate::markers::MarkerLines| match l.fixtures {
        0 => String::new(),
        n => format!("  (+ {n} of mistake fixtures)"),
    };
    for (path, lines) in rows
        .iter()
        .filter(|(_, l)| l.markers + l.commented + l.fixtures > 0)
    {
        println!(
            "  {:>5.1} %  {:>3} + {:>3} of {:>4}  solutions/{path}{}",
            lines.share(),
            lines.markers,
            lines.commented,
            lines.total,
            fixtures(lines)
        );
    }
    println!(
        "  {:>5.1} %  {:>3} + {:>3} of {:>4}  in all{}",
        all.share(),
        all.markers,
        all.commented,
        all.total,
        fixtures(&all)
    );
    Ok(())
}

/// `Section::new(1, "Exit statuses")` → (1, "Exit statuses").
fn sections(text: &str) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("Section::new(") {
        rest = &rest[i + "Section::new(".len()..];
        let Some((number, after)) = rest.split_once(',') else {
            break;
        };
        let Some(open) = after.find('"') else { break };
        let Some(len) = after[open + 1..].find('"') else {
            break;
        };
        if let Ok(n) = number.trim().parse() {
            found.push((n, after[open + 1..open + 1 + len].to_string()));
        }
    }
    found
}

/// The arguments of the reference's test run in the cgroup v2 guest, an emulated machine where
/// a test takes several times as long as here. Left out:
/// - chapters 1 to 3, namespaces and mounts, and the scaffold's tests: the same code runs them
///   in the guest in the check of starter 4 (`CGROUP_CHAPTERS`), which must pass them there;
/// - chapter 5's image formats and commands (load, save, tag, rmi...), and its import's and
///   command line's rules: the same on any kernel, and their tests need umoci, skopeo and GNU
///   tar, which the guest's busybox system has not (its overlay and vfs runs, the kernel's part,
///   are tested there);
/// - of chapter 6, all but the tests where a container's life meets its cgroup (a detached
///   start, its end and its record, a killed monitor's container swept, `exec` joining its
///   cgroup, `pause` freezing it): the rest (logs, signals, names, twenty at once, exec's
///   options, restart policies, create and start, rename, ps's filters, logs, diff,
///   commit and cp, `run -d` killed at every moment) is the same on any kernel, and each
///   minidock command takes a good part of a
///   second under emulation (`top` and `stats`, which read the cgroup, stay);
/// - of chapter 7, all but one terminal test (`run -it`, which shows the pair, the controlling
///   terminal and the monitor's attach socket work on that kernel), the log drivers (files
///   and sockets) and the events (a file appended to): the rest is the same there;
/// - of chapter 8, all but the tests that need the kernel's veth and bridge (a container's eth0,
///   two containers and the host reaching each other): the rest (modes, addresses, files) is
///   minidock's own bookkeeping, and some of it needs iproute2 on the host side;
/// - of chapter 9, all but the tests of the kernel's NAT and filter (a published port reached
///   from outside and from the host, the way out masqueraded, a user network's containers
///   reaching each other and the world past the rules that keep networks apart): the rest (port
///   specifications, the ports held, the rules' bookkeeping, a network's addresses, the tests'
///   runs with the iptables driver, which the guest has no tools for) is minidock's own, the
///   same on any kernel.
const V2_REFERENCE_RUN: [&str; 117] = [
    "--include-ignored",
    "--skip",
    "chapter_01::",
    "--skip",
    "chapter_02::",
    "--skip",
    "chapter_03::",
    "--skip",
    "chapter_05::load::",
    "--skip",
    "chapter_05::commands::",
    "--skip",
    "chapter_05::a_hostile_layer",
    "--skip",
    "chapter_05::an_imported_image",
    "--skip",
    "chapter_05::the_image_and_the_command_line",
    "--skip",
    "chapter_05::drivers::an_unknown_driver",
    "--skip",
    "chapter_05::drivers::info_shows",
    "--skip",
    "chapter_06::logs_",
    "--skip",
    "chapter_06::stop_",
    "--skip",
    "chapter_06::the_monitor_leads",
    "--skip",
    "chapter_06::lifecycle::twenty_parallel",
    "--skip",
    "chapter_06::lifecycle::kill_",
    "--skip",
    "chapter_06::lifecycle::names_",
    "--skip",
    "chapter_06::exec::exec_takes",
    "--skip",
    "chapter_06::restart::",
    "--skip",
    "chapter_06::commands::rename",
    "--skip",
    "chapter_06::commands::logs_since",
    "--skip",
    "chapter_06::commands::logs_follow",
    "--skip",
    "chapter_06::files::",
    "--skip",
    "chapter_06::lifecycle::run_d_killed",
    "--skip",
    "scaffold::",
    "--skip",
    "chapter_07::the_terminal_size",
    "--skip",
    "chapter_07::ctrl_c",
    "--skip",
    "chapter_07::detaching",
    "--skip",
    "chapter_07::custom_detach",
    "--skip",
    "chapter_07::run_t_",
    "--skip",
    "chapter_07::exec_it",
    "--skip",
    "chapter_07::attach_passes",
    "--skip",
    "chapter_07::start_ai",
    "--skip",
    "chapter_07::a_signal",
    "--skip",
    "chapter_08::none_has_only_lo",
    "--skip",
    "chapter_08::the_host_keeps",
    "--skip",
    "chapter_08::container_mode",
    "--skip",
    "chapter_08::host_mode",
    "--skip",
    "chapter_08::addresses_are",
    "--skip",
    "chapter_08::a_full_network",
    "--skip",
    "chapter_08::parallel_runs",
    "--skip",
    "chapter_08::nothing_is_left",
    "--skip",
    "chapter_08::loopback_name",
    "--skip",
    "chapter_08::the_resolver_files",
    "--skip",
    "chapter_08::inspect_shows",
    "--skip",
    "chapter_07::logging::",
    "--skip",
    "chapter_07::events::",
    "--skip",
    "chapter_09::a_port_published_on_one",
    "--skip",
    "chapter_09::a_port_the_kernel",
    "--skip",
    "chapter_09::port_specs",
    "--skip",
    "chapter_09::a_taken",
    "--skip",
    "chapter_09::the_rules_go",
    "--skip",
    "chapter_09::udp_ports",
    "--skip",
    "chapter_09::publish_all",
    "--skip",
    "chapter_09::stretch::",
    "--skip",
    "chapter_09::networks::stretch::",
    "--skip",
    "chapter_09::networks::networks_are_kept_apart",
    "--skip",
    "chapter_09::networks::an_address_asked_for",
    "--skip",
    "chapter_09::networks::network_create_checks",
];

/// Each mistake fixture is caught: the reference built with the mistake in place of its
/// exercise's solution fails every test named for it, and each of those failure reports sends the
/// learner to the exercise's section of the book.
fn mistakes(root: &Path) -> Result<()> {
    let writing = std::time::Instant::now();
    let reference = gen::Reference::load(root)?;
    let (base, mistakes) = gen::mistake_states(root, &reference)?;
    eprintln!(
        "mistakes: written in {:.1} s",
        writing.elapsed().as_secs_f64()
    );
    let target = crate::run::target_dir(root);
    // Each fixture is tested by its chapter's reference state's test binary, built first, once,
    // told which binary to run (harness::TEST_BINARY): the tests are black box, and building
    // them again for each fixture would cost CI minutes.
    let states = gen::reference_states(root, &reference)?;
    let mut test_binaries: Vec<(u32, PathBuf)> = Vec::new();
    for mistake in &mistakes {
        let chapter = mistake.exercise.chapter;
        if !test_binaries.iter().any(|(c, _)| *c == chapter) {
            test_binaries.push((chapter, state_test_binary(root, &states, chapter)?));
        }
    }
    // The fixtures' binaries, in one build that shares the work; each fixture's tests start as
    // soon as cargo says its binary is made, while the others build: the runs mostly wait (for a
    // timeout a fixture makes a test reach), a few at a time.
    let started = std::time::Instant::now();
    let mut build = Command::new("cargo")
        .args([
            "build",
            "--quiet",
            "--workspace",
            "--bins",
            "--message-format=json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(base.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("building the mistake fixtures")?;
    let messages = build.stdout.take().expect("piped");
    const AT_ONCE: usize = 3;
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<usize>();
    let ready_rx = std::sync::Mutex::new(ready_rx);
    let outputs: Vec<std::sync::Mutex<Option<Result<String>>>> = mistakes
        .iter()
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let built = std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| loop {
                let next = ready_rx.lock().unwrap().recv();
                let Ok(i) = next else {
                    break;
                };
                let mistake = &mistakes[i];
                let (_, tests) = test_binaries
                    .iter()
                    .find(|(c, _)| *c == mistake.exercise.chapter)
                    .expect("every chapter's test binary was built");
                let binary = target.join("debug").join(gen::mistake_binary(&mistake.id));
                let mut command = Command::new(tests);
                command
                    .args(["--include-ignored", "--exact"])
                    .args(&mistake.tests)
                    .env("MINIDOCK_TEST_BINARY", &binary)
                    // A few fixtures run at once, and cargo builds meanwhile: each one's tests
                    // one per core, whatever the caller asked for the suites.
                    .env_remove("RUST_TEST_THREADS")
                    .current_dir(root);
                let output = run::capture(&mut command).map(|(_, output)| output);
                *outputs[i].lock().unwrap() = Some(output);
            });
        }
        // cargo's messages, one JSON object a line: a binary made is
        // `{"reason":"compiler-artifact",...,"executable":"PATH",...}`.
        let mut announced = vec![false; mistakes.len()];
        for line in std::io::BufRead::lines(std::io::BufReader::new(messages)) {
            let Ok(line) = line else { break };
            if !line.contains("\"reason\":\"compiler-artifact\"") {
                continue;
            }
            let Some(path) = line
                .split_once("\"executable\":\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(path, _)| path)
            else {
                continue;
            };
            let path = Path::new(path);
            let name = path.file_name().unwrap_or_default();
            for (i, mistake) in mistakes.iter().enumerate() {
                if *name != *mistake.built_as || std::mem::replace(&mut announced[i], true) {
                    continue;
                }
                // A switch plays the mistake its name says: link it under the fixture's name.
                let played = path.with_file_name(gen::mistake_binary(&mistake.id));
                if played != path {
                    let _ = fs::remove_file(&played);
                    if let Err(e) = fs::hard_link(path, &played) {
                        eprintln!("mistakes: linking {}: {e}", played.display());
                        continue;
                    }
                }
                let _ = ready_tx.send(i);
            }
        }
        drop(ready_tx);
        build.wait()
    })?;
    if !built.success() {
        bail!("a mistake fixture does not build (see above)");
    }
    let crates: BTreeSet<&str> = mistakes.iter().map(|m| m.built_as.as_str()).collect();
    eprintln!(
        "mistakes: {} fixtures in {} crates, built and tested in {:.1} s, {AT_ONCE} at a time",
        mistakes.len(),
        crates.len(),
        started.elapsed().as_secs_f64()
    );
    if let Some(missed) = outputs.iter().position(|o| o.lock().unwrap().is_none()) {
        bail!(
            "cargo named no binary for mistake fixture `{}`",
            mistakes[missed].id
        );
    }
    let mut problems = Vec::new();
    for (mistake, output) in mistakes.iter().zip(outputs) {
        let output = output
            .into_inner()
            .unwrap()
            .expect("every fixture's tests ran")?;
        let section = format!(
            "chapter {}, \"{}\"",
            mistake.exercise.chapter, mistake.exercise.title
        );
        for test in &mistake.tests {
            match failure_report(&output, test) {
                None => problems.push(format!(
                    "mistake `{}` of \"{}\": {test} does not fail with it",
                    mistake.id, mistake.exercise.title
                )),
                Some(report) if !report.contains(&section) => problems.push(format!(
                    "mistake `{}`: {test} fails, but does not send the learner to {section}:\n{report}",
                    mistake.id
                )),
                Some(_) => {}
            }
        }
        println!(
            "mistake `{}` ({}): caught by {}",
            mistake.id,
            mistake.exercise.title,
            mistake.tests.join(", ")
        );
    }
    if problems.is_empty() {
        println!("{} mistake fixture(s), each caught", mistakes.len());
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// The test binary of chapter `chapter`'s reference state (in the workspace `states`), built if
/// need be.
fn state_test_binary(root: &Path, states: &Path, chapter: u32) -> Result<PathBuf> {
    let package = format!("reference-{chapter:02}");
    let (ok, output) = run::capture(
        Command::new("cargo")
            .args(["test", "--no-run", "--manifest-path"])
            .arg(states.join("Cargo.toml"))
            .args(["-p", &package, "--test", "workshop"])
            .env("CARGO_TARGET_DIR", crate::run::target_dir(root))
            .current_dir(root),
    )?;
    if !ok {
        bail!("building the tests of {package} failed:\n{output}");
    }
    // cargo says `Executable tests/workshop.rs (PATH)`.
    output
        .lines()
        .filter(|line| line.contains("Executable"))
        .find_map(|line| {
            let path = line.rsplit_once('(')?.1.strip_suffix(')')?;
            Some(PathBuf::from(path))
        })
        .with_context(|| format!("cargo named no test binary of {package}:\n{output}"))
}

/// The report libtest printed for failed test `test`, if it failed: the lines after its
/// `---- TEST stdout ----` header, up to the next header or the list of failures.
fn failure_report(output: &str, test: &str) -> Option<String> {
    let header = format!("---- {test} stdout ----");
    let start = output.find(&header)? + header.len();
    let rest = &output[start..];
    let end = rest
        .find("\n---- ")
        .into_iter()
        .chain(rest.find("\nfailures:"))
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

/// Listings included before a chapter's "Exercises" heading that print the answer of one of its
/// exercises: a listing that holds one has a starter version (NAME.starter.rs), which is the
/// one to show until the exercise's own section.
fn answers_shown_early(root: &Path, chapter: &Chapter, page: &str) -> Vec<String> {
    let dir = format!("../listings/{}/", chapter.crate_name());
    let before = page.split("\n## Exercises").next().unwrap_or(page);
    let mut problems = Vec::new();
    for line in before.lines() {
        let Some(name) = line
            .trim()
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
            .and_then(|path| path.strip_prefix(&dir))
            .and_then(|file| file.strip_suffix(".rs"))
        else {
            continue;
        };
        if name.ends_with(".starter") || name.ends_with(".solution") {
            continue;
        }
        let starter = format!("book/listings/{}/{name}.starter.rs", chapter.crate_name());
        if root.join(&starter).exists() {
            problems.push(format!(
                "book/src/{}: `{name}.rs`, included before the exercises, prints the answer of an exercise of the chapter: include {starter} there",
                chapter.page()
            ));
        }
    }
    problems
}

/// Invariant 2, for every chapter at once.
fn reference_states(root: &Path) -> Result<()> {
    let reference = gen::Reference::load(root)?;
    let base = gen::reference_states(root, &reference)?;
    let manifest = base.join("Cargo.toml");
    // The last chapter's state is the reference itself, whose tests ran already. Each other
    // state runs every test of its chapters, in the run its "solved" transcript shows (run once,
    // for both), then its chapter's stretch tests, which that run leaves out.
    let last = crate::chapters::last().number;
    let mut failed = Vec::new();
    for chapter in CHAPTERS.iter().filter(|c| c.number != last) {
        let package = format!("reference-{:02}", chapter.number);
        let (passed, output) = crate::transcripts::solved_run(root, &base, chapter)?;
        if !passed {
            eprintln!("{output}");
            failed.push(package.clone());
            continue;
        }
        let status = Command::new("cargo")
            .args(["test", "--quiet", "-p", &package, "--manifest-path"])
            .arg(&manifest)
            .args(["--test", "workshop", "--", "--ignored"])
            .arg(format!("{}::", chapter.test_module()))
            .env("CARGO_TARGET_DIR", crate::run::target_dir(root))
            .current_dir(root)
            .status()
            .context("running cargo test on the reference states")?;
        if !status.success() {
            failed.push(package);
        }
    }
    if !failed.is_empty() {
        bail!("reference states fail their tests (see above): {failed:?}");
    }
    Ok(())
}

/// Invariants 3 and 4 for one starter.
fn starter(root: &Path, chapter: &Chapter) -> Result<()> {
    let package = chapter.crate_name();
    let module = format!("{}::", chapter.test_module());
    // The crate's unit tests must pass.
    run::cmd(
        root,
        "cargo",
        &["test", "--quiet", "-p", &package, "--bins"],
    )?;
    // Then the workshop's tests, in the run the chapter's transcript shows: every earlier
    // chapter's test must pass, and each of this chapter's must fail with a report for the
    // learner (not a crash or a timeout). Each test has a sandbox of its own: run together,
    // each fails or passes as it would alone.
    let (_, output) = crate::transcripts::starter_run(root, chapter)?;
    let mut failing_before = Vec::new();
    let mut passing = Vec::new();
    let mut unexplained = Vec::new();
    let mut seen = 0;
    let report = format!("read:     the book, chapter {}", chapter.number);
    for line in output.lines() {
        let Some((test, result)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.split_once(" ... "))
        else {
            continue;
        };
        if !test.starts_with(&module) {
            if result != "ok" && !result.starts_with("ignored") {
                failing_before.push(test);
            }
            continue;
        }
        // Stretch tests check code the starter gives, which they may need the chapter's
        // exercises to reach: they pass on the reference state, and verify proves with the
        // stretch's fixture that they catch the given code's absence.
        if test.contains("::stretch::") {
            continue;
        }
        seen += 1;
        if result == "ok" {
            passing.push(test);
        } else if !failure_report(&output, test).is_some_and(|r| r.contains(&report)) {
            unexplained.push(test);
        } else {
            println!("  fails on the starter, as it should: {test}");
        }
    }
    if seen == 0 {
        bail!("{package} has no {module} tests:\n{output}");
    }
    if !failing_before.is_empty() {
        bail!(
            "these tests of earlier chapters fail on starter {}:\n  {}\n{output}",
            chapter.number,
            failing_before.join("\n  ")
        );
    }
    if !unexplained.is_empty() {
        bail!(
            "these chapter {} tests fail on the starter without a report naming a section of \
             chapter {}:\n  {}",
            chapter.number,
            chapter.number,
            unexplained.join("\n  ")
        );
    }
    if !passing.is_empty() {
        bail!(
            "these chapter {} tests pass on the starter, so they check nothing the learner writes:\n  {}",
            chapter.number,
            passing.join("\n  ")
        );
    }
    Ok(())
}
