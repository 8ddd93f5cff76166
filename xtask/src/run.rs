//! Running commands and timing them, and where cargo puts what they build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// Runs `program args...` in `dir`, streaming its output, and fails if it fails.
pub fn cmd(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("running {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Runs a command and returns whether it succeeded, with its combined output.
pub fn capture(command: &mut Command) -> Result<(bool, String)> {
    let out = command
        .output()
        .with_context(|| format!("running {:?}", command.get_program()))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text += &String::from_utf8_lossy(&out.stderr);
    Ok((out.status.success(), text))
}

/// Times named steps and prints a summary at the end.
pub struct Steps {
    started: Instant,
    done: Vec<(String, f64, bool)>,
}

impl Steps {
    pub fn new() -> Steps {
        Steps {
            started: Instant::now(),
            done: Vec::new(),
        }
    }

    /// Runs one step, printing its name first and its time after.
    pub fn step(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = f();
        let secs = start.elapsed().as_secs_f64();
        self.done.push((name.to_string(), secs, result.is_ok()));
        match &result {
            Ok(()) => println!("<== {name}: ok in {secs:.1} s"),
            Err(err) => println!("<== {name}: FAILED in {secs:.1} s\n{err:#}"),
        }
        result
    }

    pub fn summary(&self) {
        println!("\nverify: steps and times");
        for (name, secs, ok) in &self.done {
            println!(
                "  {:>7.1} s  {}  {name}",
                secs,
                if *ok { "ok  " } else { "FAIL" }
            );
        }
        println!("  {:>7.1} s  total", self.started.elapsed().as_secs_f64());
    }
}

/// Cargo's target directory: CARGO_TARGET_DIR if set (the workshop's VM sets it), else target/.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}
