//! The book: building it with mdBook, and checking what mdBook does not.
//!
//! mdBook renders an include of an unknown anchor as empty text, and only logs a missing include
//! file while the build still succeeds. So every `{{#include}}` is resolved here, and must give a
//! non-empty region; every relative link must reach a file, and every `#fragment` a heading.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::run;

/// Builds the book into target/book and returns that directory.
pub fn build(root: &Path) -> Result<PathBuf> {
    which_mdbook()?;
    mermaid_scripts(root)?;
    let out = crate::run::target_dir(root).join("book");
    let status = std::process::Command::new("mdbook")
        .args(["build", "--dest-dir"])
        .arg(&out)
        .current_dir(root.join("book"))
        .status()
        .context("running mdbook")?;
    if !status.success() {
        bail!("mdbook build failed");
    }
    println!("the book: {}", out.join("index.html").display());
    Ok(out)
}

pub fn serve(root: &Path) -> Result<()> {
    which_mdbook()?;
    mermaid_scripts(root)?;
    println!("serving the book on http://127.0.0.1:3000 (Ctrl-C to stop)");
    run::cmd(
        &root.join("book"),
        "mdbook",
        &["serve", "--hostname", "127.0.0.1", "--port", "3000"],
    )
}

/// The scripts that draw the diagrams, as the installed mdbook-mermaid bundles them. They are
/// written next to book.toml, where its `additional-js` expects them.
fn mermaid_scripts(root: &Path) -> Result<()> {
    const SCRIPTS: [&str; 2] = ["mermaid.min.js", "mermaid-init.js"];
    let book = root.join("book");
    // `mdbook-mermaid install DIR` writes the scripts into DIR and edits DIR/book.toml: run it
    // on a scratch copy, and take only the scripts.
    let scratch = crate::run::target_dir(root).join("mermaid-install");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch)?;
    fs::write(scratch.join("book.toml"), "[book]\n")?;
    let ok = std::process::Command::new("mdbook-mermaid")
        .arg("install")
        .arg(&scratch)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        bail!(
            "mdbook-mermaid is not installed: run ./setup.sh (or `cargo install mdbook-mermaid`)"
        );
    }
    for script in SCRIPTS {
        let fresh = fs::read(scratch.join(script))?;
        if fs::read(book.join(script)).ok().as_deref() != Some(fresh.as_slice()) {
            fs::write(book.join(script), fresh)?;
        }
    }
    let _ = fs::remove_dir_all(&scratch);
    Ok(())
}

/// Opens every page of the built book in headless Chromium (book/tests/browser.mjs) and saves a
/// screenshot of each under the target directory.
pub fn browser_check(root: &Path, built: &Path, screenshots: Option<&Path>) -> Result<()> {
    let tests = root.join("book/tests");
    let installed = tests
        .join("node_modules/playwright-core/package.json")
        .exists();
    if !installed {
        run::cmd(&tests, "npm", &["ci", "--no-audit", "--no-fund"])?;
    }
    let mut command = std::process::Command::new("node");
    command.arg("browser.mjs").arg(built);
    if let Some(dir) = screenshots {
        command.arg(dir);
    }
    let status = command
        .current_dir(&tests)
        .status()
        .context("running node (./setup.sh --maintainer installs it)")?;
    if !status.success() {
        bail!("the book failed its browser check (see above)");
    }
    Ok(())
}

fn which_mdbook() -> Result<()> {
    let found = std::process::Command::new("mdbook")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        bail!("mdbook is not installed: run ./setup.sh (or `cargo install mdbook`)");
    }
    Ok(())
}

/// Every page of the book (markdown files under book/src).
pub fn pages(root: &Path) -> Result<Vec<PathBuf>> {
    let mut pages = Vec::new();
    let mut stack = vec![root.join("book/src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    Ok(pages)
}

/// The headings of a page, as their text.
pub fn headings(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code {
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            found.push(line[hashes..].trim().to_string());
        }
    }
    found
}

/// The id mdBook gives a heading: lowercase, spaces to dashes, other punctuation dropped.
pub fn heading_id(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".into())
            } else {
                None
            }
        })
        .collect()
}

/// The pages of one chapter: book/src/chapter-NN.md and anything under book/src/chapter-NN/.
pub fn chapter_headings(root: &Path, page: &str) -> Result<Vec<String>> {
    let src = root.join("book/src");
    let main = src.join(page);
    let dir = src.join(page.trim_end_matches(".md"));
    let mut found = Vec::new();
    for path in pages(root)? {
        if path == main || path.starts_with(&dir) {
            found.extend(headings(&fs::read_to_string(&path)?));
        }
    }
    Ok(found)
}

/// Checks every include and every relative link of every page.
pub fn check(root: &Path) -> Result<usize> {
    let mut problems = Vec::new();
    let mut includes = 0;
    for page in pages(root)? {
        let text = fs::read_to_string(&page)?;
        let dir = page.parent().unwrap();
        let name = page
            .strip_prefix(root)
            .unwrap_or(&page)
            .display()
            .to_string();
        for directive in directives(&text) {
            includes += 1;
            if let Err(err) = resolve_include(dir, &directive) {
                problems.push(format!("{name}: {{{{#{directive}}}}}: {err}"));
            }
        }
        for link in links(&text) {
            if let Err(err) = resolve_link(dir, &link) {
                problems.push(format!("{name}: link ({link}): {err}"));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "the book has broken includes or links:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(includes)
}

/// `include path[:anchor]`-style directives (`{{#include ...}}`, `{{#rustdoc_include ...}}`).
fn directives(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = after[..end].trim();
        if directive.starts_with("include ") || directive.starts_with("rustdoc_include ") {
            found.push(directive.to_string());
        }
        rest = &after[end + 2..];
    }
    found
}

fn resolve_include(dir: &Path, directive: &str) -> Result<()> {
    let spec = directive
        .split_once(' ')
        .map(|(_, s)| s.trim())
        .unwrap_or_default();
    let (file, selector) = match spec.split_once(':') {
        Some((file, selector)) => (file, Some(selector)),
        None => (spec, None),
    };
    let path = dir.join(file);
    let text = fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let region: String = match selector {
        None => text,
        Some(sel) if sel.chars().next().is_some_and(|c| c.is_ascii_digit()) => {
            // A line range: N, N:M, N: or :M (1-based, inclusive).
            let (from, to) = sel.split_once(':').unwrap_or((sel, sel));
            let from: usize = from.parse().unwrap_or(1).max(1);
            let to: usize = to.parse().unwrap_or(usize::MAX);
            text.lines()
                .skip(from - 1)
                .take(to.saturating_sub(from - 1))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Some(anchor) => {
            let start = format!("ANCHOR: {anchor}");
            let end = format!("ANCHOR_END: {anchor}");
            let lines: Vec<&str> = text.lines().collect();
            let Some(a) = lines.iter().position(|l| l.contains(&start)) else {
                bail!("no anchor {anchor:?} in {}", path.display());
            };
            let b = lines[a..]
                .iter()
                .position(|l| l.contains(&end))
                .map(|i| a + i)
                .unwrap_or(lines.len());
            lines[a + 1..b].join("\n")
        }
    };
    if region.trim().is_empty() {
        bail!("includes nothing");
    }
    Ok(())
}

/// Relative link targets of markdown links `[text](target)`, outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].trim();
            if !target.contains("://") && !target.starts_with("mailto:") && !target.is_empty() {
                found.push(target.to_string());
            }
            rest = &after[end + 1..];
        }
    }
    found
}

fn resolve_link(dir: &Path, link: &str) -> Result<()> {
    let (file, fragment) = match link.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (link, None),
    };
    let target = if file.is_empty() {
        None
    } else {
        Some(dir.join(file))
    };
    if let Some(path) = &target {
        if !path.exists() {
            bail!("no such file {}", path.display());
        }
    }
    if let Some(fragment) = fragment {
        let Some(path) = target.filter(|p| p.extension().is_some_and(|e| e == "md")) else {
            return Ok(()); // same-page fragments are checked by the browser test
        };
        let ids: BTreeSet<String> = headings(&fs::read_to_string(&path)?)
            .iter()
            .map(|h| heading_id(h))
            .collect();
        if !ids.contains(fragment) {
            bail!("no heading with id #{fragment} in {}", path.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_follow_mdbook() {
        assert_eq!(heading_id("Set the host name"), "set-the-host-name");
        assert_eq!(
            heading_id("The command's environment"),
            "the-commands-environment"
        );
        assert_eq!(heading_id("`clone(2)` and flags"), "clone2-and-flags");
    }

    #[test]
    fn headings_skip_code_blocks() {
        let text = "# Title\n```sh\n# not a heading\n```\n## Sub section\n#hashtag\n";
        assert_eq!(headings(text), ["Title", "Sub section"]);
    }

    #[test]
    fn directives_and_links_are_found() {
        let text = "{{#include ../listings/a.rs}}\n[x](other.md#part) [y](https://e.org)\n";
        assert_eq!(directives(text), ["include ../listings/a.rs"]);
        assert_eq!(links(text), ["other.md#part"]);
    }
}
