//! The workshop's maintenance tasks, run as `cargo xtask TASK`:
//!
//! ```text
//! gen [--check]      generate the chapter starters, test entries and book listings from solutions/
//!                    (--force: also overwrite files of chapters/ that were changed by hand)
//! reference [N]      write the reference state at the end of each chapter to target/reference/
//! try [--dir] [-- CMD...]  build minidock and run it, explained, on the busybox image (imported
//!                    once into its state root) or, with --dir, on the root filesystem directory
//! rootfs             make that busybox root filesystem (target/rootfs/busybox), and nothing else
//! transcripts [--check]  run the book's console sessions and write them to book/transcripts/
//! book [--serve | --screenshots]  build the book (or serve it on http://127.0.0.1:3000, or
//!                    check it in Chromium as verify does, saving each page's screenshot to
//!                    target/book-screenshots)
//! verify [WORDS...]  check every invariant of the workshop (what CI runs), or the steps named so
//! ```

mod bench;
mod book;
mod chapters;
mod gen;
mod markers;
mod run;
mod transcripts;
mod try_it;
mod verify;
mod vm;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

fn main() {
    if let Err(err) = dispatch() {
        eprintln!("xtask: {err:#}");
        std::process::exit(1);
    }
}

fn usage() -> &'static str {
    "usage: cargo xtask <gen [--check | --force] | reference [N] | try [--dir] [-- CMD...] | rootfs | transcripts [--check] \
     | book [--serve | --screenshots] | verify [STEP WORDS...] | cgroup-v2 [-p PACKAGE] [TEST FILTERS...] \
     | bench [--quick]>"
}

fn dispatch() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root()?;
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    match args.first().map(String::as_str) {
        Some("gen") => match rest.as_slice() {
            [] | ["--force"] => {
                let reference = gen::Reference::load(&root)?;
                let plan = gen::plan(&root, &reference)?;
                let changed = gen::write(&root, &plan, rest == ["--force"])?;
                println!("xtask gen: {changed} file(s) written");
                Ok(())
            }
            ["--check"] => gen_check(&root),
            _ => bail!("{}", usage()),
        },
        Some("reference") => {
            let reference = gen::Reference::load(&root)?;
            let base = gen::reference_states(&root, &reference)?;
            let chapter = match rest.as_slice() {
                [] => chapters::last(),
                [n] => {
                    let n: u32 = n
                        .parse()
                        .with_context(|| format!("not a chapter number: {n}"))?;
                    chapters::find(n).with_context(|| format!("there is no chapter {n}"))?
                }
                _ => bail!("{}", usage()),
            };
            let dir = base.join(chapter.crate_name());
            let rel = dir
                .strip_prefix(&root)
                .unwrap_or(&dir)
                .display()
                .to_string();
            println!(
                "The reference at the end of chapter {}: {rel}",
                chapter.number
            );
            println!(
                "Compare:  diff -ru chapters/{}/src {rel}/src",
                chapter.crate_name()
            );
            let target = crate::run::target_dir(&root);
            println!(
                "Test it:  CARGO_TARGET_DIR={} cargo test --manifest-path {rel}/Cargo.toml",
                target.display()
            );
            Ok(())
        }
        Some("try") => try_it::run(&root, &rest),
        Some("rootfs") => {
            let rootfs = try_it::busybox_rootfs(&run::target_dir(&root))?;
            println!("the busybox root filesystem: {}", rootfs.display());
            Ok(())
        }
        Some("transcripts") => match rest.as_slice() {
            [] => transcripts::run(&root, false),
            ["--check"] => transcripts::run(&root, true),
            _ => bail!("{}", usage()),
        },
        Some("book") => match rest.as_slice() {
            [] => book::build(&root).map(drop),
            ["--serve"] => book::serve(&root),
            ["--screenshots"] => {
                let built = book::build(&root)?;
                let shots = run::target_dir(&root).join("book-screenshots");
                book::browser_check(&root, &built, Some(&shots))
            }
            _ => bail!("{}", usage()),
        },
        Some("verify") => verify::run(&root, &rest),
        Some("cgroup-v2") => vm::run(&root, &rest),
        Some("bench") => bench::run(&root, &rest),
        Some("-h" | "--help" | "help") | None => {
            println!("{}", usage());
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n{}", usage()),
    }
}

pub fn gen_check(root: &std::path::Path) -> Result<()> {
    let reference = gen::Reference::load(root)?;
    let diffs = gen::differences(&gen::plan(root, &reference)?, root)?;
    if diffs.is_empty() {
        println!("xtask gen --check: everything generated is up to date");
        Ok(())
    } else {
        bail!(
            "generated files are out of date; run `cargo xtask gen` and commit the result:\n  {}",
            diffs.join("\n  ")
        )
    }
}

/// The workspace root: xtask lives in <root>/xtask.
fn workspace_root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(manifest
        .parent()
        .context("xtask has a parent directory")?
        .to_path_buf())
}
