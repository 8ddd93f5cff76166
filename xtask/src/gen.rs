//! `cargo xtask gen`: every chapter's starter, the reference states and the book's listings,
//! generated from the one reference source in `solutions/` (see `markers` for how).
//!
//! | output                                  | what                                       | kept in git |
//! |-----------------------------------------|--------------------------------------------|-------------|
//! | chapters/chapter-NN/                    | the starter of chapter NN                  | yes         |
//! | solutions/tests/workshop.rs             | the reference's test entry (all chapters)  | yes         |
//! | book/listings/chapter-NN/               | code the book includes                     | yes         |
//! | target/reference/chapter-NN/            | the reference state at the end of NN       | no: `cargo xtask reference NN` |

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::chapters::{self, Chapter, CHAPTERS};
use crate::markers::{Exercise, Fixture, Mistake, Mode, Rendered, Source, Syntax};

/// The reference source: every file of `solutions/` that chapters are made from.
pub struct Reference {
    /// Relative path inside the crate (`src/run.rs`, `Cargo.toml`) → parsed source.
    pub files: BTreeMap<String, Source>,
}

impl Reference {
    pub fn load(root: &Path) -> Result<Reference> {
        let crate_dir = root.join("solutions");
        let mut paths = vec!["Cargo.toml".to_string()];
        collect(&crate_dir, &crate_dir.join("src"), &mut paths)?;
        let mut files = BTreeMap::new();
        for path in paths {
            let syntax = Syntax::for_path(&path).with_context(|| {
                format!("solutions/{path}: no marker syntax for this kind of file")
            })?;
            let text = fs::read_to_string(crate_dir.join(&path))
                .with_context(|| format!("reading solutions/{path}"))?;
            let source = Source::parse(&format!("solutions/{path}"), &text, syntax)?;
            files.insert(path, source);
        }
        Ok(Reference { files })
    }

    /// Every mistake fixture, with its exercise and the file it is in.
    pub fn mistakes(&self) -> Vec<(String, Exercise, Mistake)> {
        self.files
            .iter()
            .flat_map(|(path, source)| {
                source
                    .mistakes()
                    .into_iter()
                    .map(move |(e, m)| (path.clone(), e, m))
            })
            .collect()
    }

    /// Every exercise, with the file it is in, in source order.
    pub fn exercises(&self) -> Vec<(String, Exercise)> {
        self.files
            .iter()
            .flat_map(|(path, source)| {
                source
                    .exercises()
                    .into_iter()
                    .map(move |e| (path.clone(), e))
            })
            .collect()
    }
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out)?;
        } else {
            out.push(path.strip_prefix(base).unwrap().display().to_string());
        }
    }
    Ok(())
}

/// Where a generated crate lives, which decides its names and relative paths.
#[derive(Clone, Copy)]
pub enum Place<'a> {
    /// chapters/chapter-NN: the starter.
    Starter,
    /// <target>/reference/chapter-NN: the reference state. The target directory may be anywhere
    /// (CARGO_TARGET_DIR), so it refers to the workspace by its absolute path.
    ReferenceState(&'a Path),
    /// <target>/mistakes/ID: the reference state at the end of the mistake's chapter, with the
    /// mistake in place of its exercise's solution.
    Mistake(&'a Path, &'a str),
    /// <target>/mistakes/mistakes-NN: the reference state at the end of chapter NN, each of its
    /// exercises a switch among its switchable mistakes and its solution. Its binary plays the
    /// mistake its name says: it is run through links named as fixture crates' binaries.
    Mistakes(&'a Path),
}

impl Place<'_> {
    fn mode(self) -> Mode {
        match self {
            Place::Starter => Mode::Starter,
            Place::ReferenceState(_) | Place::Mistake(..) | Place::Mistakes(_) => Mode::Reference,
        }
    }

    /// How the crate's files reach the workspace root: `../../`, or its absolute path.
    fn up(self) -> String {
        match self {
            Place::Starter => "../../".into(),
            Place::ReferenceState(root) | Place::Mistake(root, _) | Place::Mistakes(root) => {
                format!("{}/", root.display())
            }
        }
    }

    fn package(self, chapter: &Chapter) -> String {
        match self {
            Place::Starter => chapter.crate_name(),
            Place::ReferenceState(_) => format!("reference-{:02}", chapter.number),
            Place::Mistake(_, id) => format!("mistake-{id}"),
            Place::Mistakes(_) => format!("mistakes-{:02}", chapter.number),
        }
    }

    pub fn binary(self, chapter: &Chapter) -> String {
        match self {
            Place::Starter => chapter.binary(),
            Place::ReferenceState(_) => format!("minidock-ref-{:02}", chapter.number),
            Place::Mistake(_, id) => mistake_binary(id),
            Place::Mistakes(_) => format!("minidock-mistakes-{:02}", chapter.number),
        }
    }
}

/// A set of files to write, and the directories whose other files are stale.
#[derive(Default)]
pub struct Plan {
    pub files: BTreeMap<PathBuf, String>,
    pub owned_dirs: Vec<PathBuf>,
}

/// The header of every generated Rust file.
fn generated_header(what: &str) -> String {
    format!("// Generated by `cargo xtask gen` from {what}: edit that, not this file.\n")
}

/// The files of one chapter's crate at `place`, relative to the crate directory, and the book
/// listings of its exercises.
pub fn chapter_crate(
    reference: &Reference,
    chapter: &Chapter,
    place: Place,
) -> Result<(BTreeMap<String, String>, Vec<Located>)> {
    let mode = place.mode();
    let mut files = BTreeMap::new();
    let mut rendered_rs = BTreeMap::new();
    for (path, source) in &reference.files {
        let fixture = match place {
            Place::Mistake(_, id) => Fixture::One(id),
            Place::Mistakes(_) => Fixture::Switch(SWITCH),
            _ => Fixture::None,
        };
        let Some(mut rendered) = source.render_with(chapter.number, mode, fixture) else {
            continue;
        };
        if let (Place::Mistakes(_), "src/main.rs") = (place, path.as_str()) {
            rendered
                .lines
                .push(SWITCH_MODULE.replace("@PREFIX@", &mistake_binary("")));
        }
        if path == "Cargo.toml" {
            files.insert(path.clone(), cargo_toml(&rendered.text(), chapter, place)?);
        } else {
            rendered_rs.insert(path.clone(), rendered);
        }
    }
    let formatted = rustfmt_all(
        rendered_rs
            .iter()
            .map(|(p, r)| (p.clone(), r.text()))
            .collect(),
    )?;
    let mut located = Vec::new();
    for (path, rendered) in &rendered_rs {
        let text = &formatted[path];
        for (id, start, end) in &rendered.exercises {
            located.push(Located {
                id: id.clone(),
                path: path.clone(),
                listing: enclosing_item(rendered, *start, *end, text),
                line: todo_line(text, *start, rendered),
            });
        }
        files.insert(path.clone(), text.clone());
    }
    let tests = test_entry(chapter.number, &place.binary(chapter), &place.up())?;
    files.insert("tests/workshop.rs".into(), tests);
    Ok((files, located))
}

/// An exercise as it came out in a generated crate.
pub struct Located {
    pub id: String,
    /// The file it is in, relative to the crate.
    pub path: String,
    /// The line of its TODO in the formatted file (1-based; meaningful in starters).
    pub line: usize,
    /// The code the book shows: the function around the exercise point.
    pub listing: String,
}

fn todo_line(formatted: &str, start: usize, rendered: &Rendered) -> usize {
    // Formatting only moves lines a little; look for the TODO nearest to where it was rendered.
    let wanted = rendered
        .lines
        .get(start)
        .map(|l| l.trim())
        .unwrap_or_default();
    formatted
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == wanted)
        .min_by_key(|(i, _)| i.abs_diff(start))
        .map(|(i, _)| i + 1)
        .unwrap_or(start + 1)
}

/// The function around lines `start..end` of a rendered file, taken from its formatted text, with
/// its doc comment, dedented. Falls back to the lines themselves when they are not in a function.
fn enclosing_item(rendered: &Rendered, start: usize, end: usize, formatted: &str) -> String {
    let lines = &rendered.lines;
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let inner = lines.get(start).map(|l| indent_of(l)).unwrap_or(0);
    let signature = (0..start).rev().find(|&i| {
        let l = &lines[i];
        !l.trim().is_empty() && indent_of(l) < inner && l.contains("fn ")
    });
    let name = signature.and_then(|at| {
        let after = lines[at].split("fn ").nth(1)?;
        Some((at, after.split(['(', '<']).next()?.trim().to_string()))
    });
    let from_formatted = name.and_then(|(rendered_at, name)| {
        let f: Vec<&str> = formatted.lines().collect();
        // Several functions may share the name (`send` of two types): take the one nearest to
        // where the exercise's function was rendered; formatting moves lines only a little.
        let at = (0..f.len())
            .filter(|&i| {
                f[i].contains(&format!("fn {name}(")) || f[i].contains(&format!("fn {name}<"))
            })
            .min_by_key(|&i| i.abs_diff(rendered_at))?;
        let indent = indent_of(f[at]);
        let close = " ".repeat(indent) + "}";
        let last = (at..f.len()).find(|&i| f[i] == close)?;
        let mut first = at;
        while first > 0 && {
            let t = f[first - 1].trim_start();
            t.starts_with("///") || t.starts_with("#[")
        } {
            first -= 1;
        }
        Some(dedent(&f[first..=last]))
    });
    from_formatted.unwrap_or_else(|| {
        let span: Vec<&str> = lines[start..end].iter().map(String::as_str).collect();
        dedent(&span)
    })
}

fn dedent(lines: &[&str]) -> String {
    let cut = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut text: String = lines
        .iter()
        .map(|l| l.get(cut..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    text.push('\n');
    text
}

/// solutions/Cargo.toml, renamed and re-pathed for a chapter crate.
fn cargo_toml(text: &str, chapter: &Chapter, place: Place) -> Result<String> {
    let (package, binary) = (place.package(chapter), place.binary(chapter));
    let mut names = 0;
    let mut out = String::from(
        "# Generated by `cargo xtask gen` from solutions/Cargo.toml: edit that, not this file.\n",
    );
    for line in text.lines() {
        let line = if line.trim() == r#"name = "minidock""# {
            names += 1;
            match names {
                1 => format!(r#"name = "{package}""#),
                _ => format!(r#"name = "{binary}""#),
            }
        } else if line.starts_with("description = ") {
            let what = match place {
                Place::Starter => "the starter",
                Place::ReferenceState(_) => "the reference state at its end",
                Place::Mistake(..) => "the reference state at its end, with a mistake",
                Place::Mistakes(_) => "the reference state at its end, with its mistakes",
            };
            format!(
                r#"description = "minidock workshop, chapter {} ({}): {what}""#,
                chapter.number, chapter.title
            )
        } else {
            line.replace(r#"path = "../"#, &format!(r#"path = "{}"#, place.up()))
        };
        out.push_str(&line);
        out.push('\n');
    }
    if names != 2 {
        bail!("solutions/Cargo.toml: expected the package and the binary both named \"minidock\"");
    }
    Ok(out)
}

/// A crate's test entry: the harness pointed at the crate's binary, and the test files of the
/// scaffold and of chapters 1..=`chapter`.
pub fn test_entry(chapter: u32, binary: &str, up: &str) -> Result<String> {
    let mut text = generated_header("the chapter list in xtask/src/chapters.rs");
    let chapters = match chapter {
        1 => "chapter 1".to_string(),
        n => format!("chapters 1 to {n}"),
    };
    text += &format!(
        "//! The workshop's tests, run against `{binary}`: the scaffold, and {chapters}.\n\n"
    );
    text += &format!("harness::setup!(\"{binary}\", chapter: {chapter});\n\n");
    // `#[path]` is relative to the entry file's directory, tests/, one below the crate.
    let up = if up.starts_with('/') {
        up.to_string()
    } else {
        format!("../{up}")
    };
    text += &format!("#[path = \"{up}tests/suite/scaffold.rs\"]\nmod scaffold;\n");
    for c in CHAPTERS.iter().filter(|c| c.number <= chapter) {
        let module = c.test_module();
        text += &format!("#[path = \"{up}tests/suite/{module}.rs\"]\nmod {module};\n");
    }
    let formatted = rustfmt_all(BTreeMap::from([("tests/workshop.rs".to_string(), text)]))?;
    Ok(formatted.into_values().next().unwrap_or_default())
}

/// Formats Rust files with rustfmt, so generated code is as tidy as the source it came from.
///
/// Most files come out the same for many crates (a mistake fixture differs from its chapter's
/// reference state in one file): each text is formatted once per run, and remembered.
fn rustfmt_all(files: BTreeMap<String, String>) -> Result<BTreeMap<String, String>> {
    static FORMATTED: std::sync::Mutex<BTreeMap<String, String>> =
        std::sync::Mutex::new(BTreeMap::new());
    let mut out = BTreeMap::new();
    for (path, text) in files {
        if let Some(known) = FORMATTED.lock().unwrap().get(&text) {
            out.insert(path, known.clone());
            continue;
        }
        // Run from the workspace, so rustfmt takes the workspace's rustfmt.toml (and never a
        // user's own configuration): the output must be the same on every machine.
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives in the workspace");
        let mut child = Command::new("rustfmt")
            .current_dir(workspace)
            .args(["--emit", "stdout", "--quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running rustfmt (rustup component add rustfmt)")?;
        let mut stdin = child.stdin.take().unwrap();
        let input = text.clone();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output()?;
        writer.join().expect("rustfmt writer")?;
        if !output.status.success() {
            bail!(
                "rustfmt rejected the generated {path}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let formatted = String::from_utf8(output.stdout)?;
        FORMATTED.lock().unwrap().insert(text, formatted.clone());
        out.insert(path, formatted);
    }
    Ok(out)
}

/// Everything `cargo xtask gen` keeps in git.
pub fn plan(root: &Path, reference: &Reference) -> Result<Plan> {
    let mut plan = Plan {
        owned_dirs: vec![root.join("chapters"), root.join("book/listings")],
        ..Plan::default()
    };
    for chapter in CHAPTERS {
        let dir = root.join("chapters").join(chapter.crate_name());
        let (files, located) = chapter_crate(reference, chapter, Place::Starter)?;
        let (_, solved) = chapter_crate(reference, chapter, Place::ReferenceState(root))?;
        for (path, text) in files {
            plan.files.insert(dir.join(path), text);
        }
        plan.files.insert(
            dir.join("README.md"),
            chapter_readme(root, chapter, reference, &located),
        );
        let listings = root.join("book/listings").join(chapter.crate_name());
        for exercise in &located {
            plan.files.insert(
                listings.join(format!("{}.starter.rs", exercise.id)),
                exercise.listing.clone(),
            );
        }
        for exercise in &solved {
            plan.files.insert(
                listings.join(format!("{}.solution.rs", exercise.id)),
                exercise.listing.clone(),
            );
        }
        for (file, text) in named_listings(reference, chapter)? {
            if plan.files.insert(listings.join(&file), text).is_some() {
                bail!(
                    "two regions of solutions/ are both `[listing {file}]`: names must be unique"
                );
            }
        }
    }
    plan.files.insert(
        root.join("solutions/tests/workshop.rs"),
        test_entry(chapters::last().number, "minidock", "../")?,
    );
    add_manifest(root, &mut plan);
    Ok(plan)
}

/// A named listing as the book shows it: code as it is (NAME.rs), or, when the region is part of
/// a doc comment, the text of that comment without its `//!`/`///` and code fences (NAME.txt).
fn listing_text(name: &str, span: &[&str]) -> (String, String) {
    let doc = |l: &str| {
        let t = l.trim_start();
        t.starts_with("//!") || t.starts_with("///")
    };
    if !span.iter().all(|l| doc(l)) {
        return (format!("{name}.rs"), dedent(span));
    }
    let text: Vec<&str> = span
        .iter()
        .map(|l| {
            let t = &l.trim_start()[3..];
            t.strip_prefix(' ').unwrap_or(t)
        })
        .filter(|l| !l.starts_with("```"))
        .collect();
    (format!("{name}.txt"), dedent(&text))
}

/// The `[listing NAME]` regions as they stand at the end of `chapter`; and, for a region that
/// holds an exercise of `chapter`, as it stands in the starter too (NAME.starter.rs), so that the
/// book can show the code around an exercise before the exercise is done.
fn named_listings(reference: &Reference, chapter: &Chapter) -> Result<Vec<(String, String)>> {
    // A stretch exercise's code is given in the starter, and is its answer: the starter's
    // listing keeps its note and leaves the code out.
    let stretches: BTreeSet<String> = reference
        .files
        .values()
        .flat_map(|source| source.exercises())
        .filter(|exercise| exercise.stretch && exercise.chapter == chapter.number)
        .map(|exercise| exercise.id)
        .collect();
    let spans = |mode: Mode| -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for source in reference.files.values() {
            if let Some(rendered) = source.render(chapter.number, mode) {
                for (name, start, end) in &rendered.listings {
                    let mut lines = Vec::new();
                    let mut i = *start;
                    while i < *end {
                        let stretch = rendered.exercises.iter().find(|(id, from, to)| {
                            mode == Mode::Starter
                                && *from == i
                                && *to <= *end
                                && stretches.contains(id)
                        });
                        match stretch {
                            Some((_, from, to)) => {
                                let note = &rendered.lines[*from..(*from + 2).min(*to)];
                                let indent: String =
                                    note[0].chars().take_while(|c| c.is_whitespace()).collect();
                                lines.extend(note.iter().cloned());
                                lines.push(format!(
                                    "{indent}// (its code, given in the starter, is left out here)"
                                ));
                                i = *to;
                            }
                            None => {
                                lines.push(rendered.lines[i].clone());
                                i += 1;
                            }
                        }
                    }
                    out.push((name.clone(), lines));
                }
            }
        }
        out
    };
    let starters: BTreeMap<String, Vec<String>> = spans(Mode::Starter).into_iter().collect();
    let mut out = Vec::new();
    for (name, span) in spans(Mode::Reference) {
        let span: Vec<&str> = span.iter().map(String::as_str).collect();
        let (file, text) = listing_text(&name, &span);
        if let Some(starter) = starters.get(&name) {
            let starter: Vec<&str> = starter.iter().map(String::as_str).collect();
            let (starter_file, starter_text) = listing_text(&name, &starter);
            if starter_text.contains(&format!("TODO(chapter {})", chapter.number)) {
                let (stem, ext) = starter_file
                    .rsplit_once('.')
                    .unwrap_or((&starter_file, "rs"));
                out.push((format!("{stem}.starter.{ext}"), starter_text));
            }
        }
        out.push((file, text));
    }
    Ok(out)
}

/// The short README in a chapter's crate: what to do and where.
fn chapter_readme(
    root: &Path,
    chapter: &Chapter,
    reference: &Reference,
    located: &[Located],
) -> String {
    let n = chapter.number;
    let start = if n == 1 {
        "This crate is minidock's scaffold (the command line, exit statuses, the setup handshake, \
         the system call wrappers), with the exercise points of chapter 1 left for you."
            .to_string()
    } else {
        format!(
            "This crate is the reference runtime as it stands at the end of chapter {}: the \
             reference's code of the chapters before, not yours (your own stays in their \
             crates), with the exercise points of chapter {n} left for you.",
            n - 1
        )
    };
    let mut text = format!(
        "# Chapter {n}: {title}\n\n\
         <!-- Generated by `cargo xtask gen`: edit the reference source, not this file. -->\n\n\
         {start} Read the chapter in the rendered book, where its hints stay folded until you \
         open them (`cargo xtask book --serve`, then http://127.0.0.1:3000/{html}; or \
         `cargo xtask book`, then `target/book/{html}`), and fill in each \
         `TODO(chapter {n})`, in this order:\n\n",
        title = chapter.title,
        html = chapter.page().replace(".md", ".html"),
    );
    let exercises: BTreeMap<String, Exercise> = reference
        .exercises()
        .into_iter()
        .filter(|(_, e)| e.chapter == n)
        .map(|(_, e)| (e.id.clone(), e))
        .collect();
    let title = |id: &str| {
        exercises
            .get(id)
            .map_or_else(|| id.to_string(), |e| e.title.clone())
    };
    let stretch = |id: &str| exercises.get(id).is_some_and(|e| e.stretch);
    // In the order the book presents them.
    let headings = crate::book::chapter_headings(root, &chapter.page()).unwrap_or_default();
    let mut ordered: Vec<&Located> = located.iter().collect();
    ordered.sort_by_key(|e| {
        headings
            .iter()
            .position(|h| *h == title(&e.id))
            .unwrap_or(usize::MAX)
    });
    let item = |exercise: &Located| {
        format!(
            "1. **{}**: `src/{}` line {}\n",
            title(&exercise.id),
            exercise.path.trim_start_matches("src/"),
            exercise.line
        )
    };
    for exercise in ordered.iter().filter(|e| !stretch(&e.id)) {
        text += &item(exercise);
    }
    text += &format!(
        "\nCheck your work (the tests of earlier chapters must stay green):\n\n\
         ```sh\ncargo test -p {name}\n```\n\n\
         Compare with the reference at the end of this chapter: `cargo xtask reference {n}`.\n",
        name = chapter.crate_name()
    );
    let stretches: Vec<&&Located> = ordered.iter().filter(|e| stretch(&e.id)).collect();
    if !stretches.is_empty() {
        text += &format!(
            "\nWhen you are done, and if you want more: the stretch exercises. Each is a part this \
             crate gives (marked `STRETCH(chapter {n})`) that you may delete and write yourself, \
             from its section of the book; their own tests, left out of the chapter's run, \
             check it (`cargo test -p {name} -- --ignored stretch`):\n\n",
            name = chapter.crate_name()
        );
        for exercise in stretches {
            text += &item(exercise);
        }
    }
    text
}

/// The record of what was generated into chapters/, so that `gen` can tell a learner's edits from
/// its own output and refuse to overwrite them.
const MANIFEST: &str = "chapters/.generated";

/// FNV-1a: a stable fingerprint of a file's text.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

/// Adds the manifest of chapters/ to the plan: one line per generated file, its fingerprint and
/// path.
fn add_manifest(root: &Path, plan: &mut Plan) {
    let chapters = root.join("chapters");
    let mut text = String::from(
        "# Written by `cargo xtask gen`: a fingerprint of each file it generated here, so that it\n\
         # never overwrites a file you changed (see `cargo xtask gen --force`).\n",
    );
    for (path, content) in &plan.files {
        if let Ok(rel) = path.strip_prefix(&chapters) {
            text += &format!("{:016x} {}\n", fingerprint(content), rel.display());
        }
    }
    plan.files.insert(root.join(MANIFEST), text);
}

/// Files under chapters/ that are neither what `gen` last wrote nor what it would write now, and
/// files there that it never wrote: a learner's work.
fn edited_by_hand(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    let recorded: BTreeMap<String, String> = fs::read_to_string(root.join(MANIFEST))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect();
    let chapters = root.join("chapters");
    let rel = |path: &Path| {
        path.strip_prefix(&chapters)
            .map(|r| r.display().to_string())
            .ok()
    };
    let mut edited: Vec<PathBuf> = plan
        .files
        .iter()
        .filter_map(|(path, planned)| {
            let current = fs::read_to_string(path).ok()?;
            let last = recorded.get(&rel(path)?)?;
            let changed = current != *planned && format!("{:016x}", fingerprint(&current)) != *last;
            changed.then(|| path.clone())
        })
        .collect();
    // Stale files under chapters/ that gen never wrote are someone's new files.
    let manifest_exists = root.join(MANIFEST).exists();
    for stale in stale_files(plan)? {
        let known = rel(&stale).is_some_and(|r| recorded.contains_key(&r));
        if rel(&stale).is_some() && manifest_exists && !known {
            edited.push(stale);
        }
    }
    Ok(edited)
}

/// Writes the plan: changed files are rewritten, stale generated files removed. Files of
/// chapters/ changed by hand are kept, unless `force`.
pub fn write(root: &Path, plan: &Plan, force: bool) -> Result<usize> {
    let edited = edited_by_hand(root, plan)?;
    if !edited.is_empty() && !force {
        let list: Vec<String> = edited
            .iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        bail!(
            "these generated files were changed by hand, and regenerating would overwrite them:\n  \
             {}\nsave your work elsewhere (or commit it), then run `cargo xtask gen --force`",
            list.join("\n  ")
        );
    }
    let mut changed = 0;
    for (path, text) in &plan.files {
        if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            fs::create_dir_all(path.parent().unwrap())?;
            fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            changed += 1;
        }
    }
    for stale in stale_files(plan)? {
        fs::remove_file(&stale)?;
        changed += 1;
    }
    Ok(changed)
}

/// What regenerating would change: files that differ, are missing, or should not be there.
pub fn differences(plan: &Plan, root: &Path) -> Result<Vec<String>> {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let mut diffs = Vec::new();
    for (path, text) in &plan.files {
        match fs::read_to_string(path) {
            Ok(current) if current == *text => {}
            Ok(_) => diffs.push(format!("{} differs", rel(path))),
            Err(_) => diffs.push(format!("{} is missing", rel(path))),
        }
    }
    for stale in stale_files(plan)? {
        diffs.push(format!("{} should not exist", rel(&stale)));
    }
    Ok(diffs)
}

fn stale_files(plan: &Plan) -> Result<Vec<PathBuf>> {
    let mut stale = Vec::new();
    for dir in &plan.owned_dirs {
        if dir.exists() {
            walk(dir, &mut |path| {
                if !plan.files.contains_key(path) && !ignored(path) {
                    stale.push(path.to_path_buf());
                }
            })?;
        }
    }
    Ok(stale)
}

/// Files a learner's tools may leave in a chapter crate, which are not ours to judge.
fn ignored(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "target")
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, f)?;
        } else {
            f(&path);
        }
    }
    Ok(())
}

/// Writes the reference state at the end of every chapter under target/reference/, as one cargo
/// workspace. Build it with `CARGO_TARGET_DIR` set to the main target directory to share its
/// build.
pub fn reference_states(root: &Path, reference: &Reference) -> Result<PathBuf> {
    let base = crate::run::target_dir(root).join("reference");
    let crates: Vec<(String, &Chapter, Place)> = CHAPTERS
        .iter()
        .map(|chapter| (chapter.crate_name(), chapter, Place::ReferenceState(root)))
        .collect();
    write_workspace(root, reference, &base, &crates)?;
    Ok(base)
}

/// A mistake fixture as built: what `cargo xtask verify` runs the tests of.
pub struct MistakeCrate {
    pub id: String,
    pub exercise: Exercise,
    pub tests: Vec<String>,
    /// The binary cargo builds that plays it: its chapter's switch (`minidock-mistakes-NN`), run
    /// through a link named `mistake_binary(id)`, or a crate of its own with that name.
    pub built_as: String,
}

/// The name of the binary that plays mistake `id`.
pub fn mistake_binary(id: &str) -> String {
    format!("minidock-mistake-{id}")
}

/// The function a switch crate's exercises ask which mistake they play.
const SWITCH: &str = "crate::mistake_switch::plays";

/// What a switch crate's main.rs is given: the function `SWITCH` (`@PREFIX@` stands for the
/// start of `mistake_binary`'s names).
const SWITCH_MODULE: &str = r#"
/// Which mistake fixture this binary plays: the one its name says, `minidock-mistake-ID` (links
/// to it), read once as the process starts: before main, and before a pivot_root can hide the
/// path. A re-exec of /proc/self/exe keeps the name; under any other name it is the reference.
mod mistake_switch {
    static PLAYED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

    #[used]
    #[link_section = ".init_array"]
    static READ_AT_START: extern "C" fn() = read;

    extern "C" fn read() {
        let exe = std::fs::read_link("/proc/self/exe").unwrap_or_default();
        let name = exe.file_name().unwrap_or_default().to_string_lossy();
        let id = name.strip_prefix("@PREFIX@").unwrap_or_default();
        let _ = PLAYED.set(id.to_string());
    }

    pub fn plays(id: &str) -> bool {
        PLAYED.get().is_some_and(|played| played == id)
    }
}"#;

/// Writes the crates that play every mistake fixture to `<target>/mistakes/`: the reference at the
/// end of the mistake's chapter, with the mistake in place of its exercise's solution. The
/// switchable mistakes of a chapter share one crate (its build costs as much as one fixture's);
/// each other mistake has a crate of its own.
pub fn mistake_states(root: &Path, reference: &Reference) -> Result<(PathBuf, Vec<MistakeCrate>)> {
    let base = crate::run::target_dir(root).join("mistakes");
    let mistakes = reference.mistakes();
    let mut crates: Vec<(String, &Chapter, Place)> = Vec::new();
    let mut found = Vec::new();
    for (path, exercise, mistake) in &mistakes {
        let chapter = chapters::find(exercise.chapter).with_context(|| {
            format!(
                "solutions/{path}: mistake `{}` is of no chapter",
                mistake.id
            )
        })?;
        if found.iter().any(|m: &MistakeCrate| m.id == mistake.id) {
            bail!("solutions/{path}: two mistakes are called `{}`", mistake.id);
        }
        let place = if mistake.switchable {
            Place::Mistakes(root)
        } else {
            Place::Mistake(root, &mistake.id)
        };
        let name = place.package(chapter);
        if !crates.iter().any(|(n, ..)| *n == name) {
            crates.push((name, chapter, place));
        }
        found.push(MistakeCrate {
            id: mistake.id.clone(),
            exercise: exercise.clone(),
            tests: mistake.tests.clone(),
            built_as: place.binary(chapter),
        });
    }
    write_workspace(root, reference, &base, &crates)?;
    Ok((base, found))
}

/// Writes crates (directory name, chapter, place) under `base`, as one workspace that shares the
/// root's dependency versions and build.
fn write_workspace(
    root: &Path,
    reference: &Reference,
    base: &Path,
    crates: &[(String, &Chapter, Place)],
) -> Result<()> {
    // Written again by every step that needs it: a file whose text is the same keeps its time,
    // or cargo would build every crate again each time.
    let mut files = BTreeMap::new();
    let mut members = Vec::new();
    for (name, chapter, place) in crates {
        let dir = base.join(name);
        let (crate_files, _) = chapter_crate(reference, chapter, *place)?;
        for (path, text) in crate_files {
            files.insert(dir.join(path), text);
        }
        members.push(name.clone());
    }
    // The workspace: the root's shared package fields and dependency versions, these members.
    let root_toml = fs::read_to_string(root.join("Cargo.toml"))?;
    let mut toml = String::from("# Generated by `cargo xtask reference`.\n");
    for line in root_toml.lines() {
        if line.starts_with("members") {
            toml += &format!("members = {members:?}\n");
        } else if !line.starts_with("default-members") {
            toml += line;
            toml.push('\n');
        }
    }
    // Mistake fixtures are built only to be run by tests, a hundred and more of them at once: no
    // debug information and no incremental cache for them (a third of their build time, and
    // gigabytes), and none of the checks of debug builds, code to generate that no test needs;
    // their dependencies keep the profile the root's build already made.
    for (_, chapter, place) in crates {
        if let Place::Mistake(..) | Place::Mistakes(_) = place {
            toml += &format!(
                "\n[profile.dev.package.{}]\ndebug = 0\nincremental = false\n\
                 debug-assertions = false\noverflow-checks = false\n",
                place.package(chapter)
            );
        }
    }
    files.insert(base.join("Cargo.toml"), toml);
    // The same dependency versions as the workspace, so the shared build is reused.
    files.insert(
        base.join("Cargo.lock"),
        fs::read_to_string(root.join("Cargo.lock"))?,
    );
    write_changed(base, &files)
}

/// Makes the directory `base` hold `files` (absolute paths under it) and nothing else (beside
/// cargo's own), writing only those whose text differs.
fn write_changed(base: &Path, files: &BTreeMap<PathBuf, String>) -> Result<()> {
    let mut present = Vec::new();
    if base.exists() {
        let mut found = Vec::new();
        collect(base, base, &mut found)?;
        present = found.into_iter().map(|rel| base.join(rel)).collect();
    }
    for path in &present {
        if !files.contains_key(path) {
            fs::remove_file(path)?;
        }
    }
    for (path, text) in files {
        if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            fs::create_dir_all(path.parent().unwrap())?;
            fs::write(path, text)?;
        }
    }
    Ok(())
}
