//! Chapter markers: how one reference source becomes every chapter's code.
//!
//! The reference runtime in `solutions/` carries short comments that say which chapter each piece
//! of code belongs to. They are whole-line comments (`//` in Rust, `#` in TOML):
//!
//! ```text
//! // [ch01 exercise uts-namespace: A new UTS namespace]    an exercise point of chapter 1: the
//! CloneFlags::CLONE_NEWUTS                                 solution comes first,
//! // [ch01 before]                                         then the "before" version, commented
//! //~ CloneFlags::empty()                                   out with `//~` (it may hold markers
//! // [ch01 end]                                            of earlier chapters itself)
//!
//! // [ch04]                                                code a chapter adds without it being
//! mod cgroups;                                             an exercise (the scaffolding that
//! // [ch04 end]                                            chapter gives)
//!
//! mod cgroups; // [ch04]                                   the same, for one line
//!
//! // [ch02]                                                code a chapter changes without it
//! fn wait(child: Pid, signals: &mut Signals) {             being an exercise: the new version,
//! // [ch02 before]                                         then the one it replaces, commented
//! //~ fn wait(child: Pid) {                                 out with `//~`
//! // [ch02 end]
//!
//! // [ch04 file]                                           first line: the whole file is chapter 4's
//!
//! // [ch01 unsolved]                                       code only for as long as chapter 1's
//! //~ #[allow(dead_code)] // chapter 1 calls it             exercises are not done (commented out
//! // [ch01 end]                                            with `//~`, like a before version)
//!
//! // [listing handshake-ladder]                            a region the book shows as it stands
//! // [listing end]                                         at the end of each chapter
//! ```
//!
//! For a target chapter T, an exercise of chapter C renders as its solution when C < T, as its
//! before version when C > T, and when C = T as the before version with a `TODO(chapter T)`
//! comment in the starter, and as the solution in the reference state. Added code appears from
//! its chapter on (and changed code replaces its before version from its chapter on); unsolved code is there while the chapter's exercises are not done (before its
//! chapter, and in its chapter's starter). Markers never reach the generated code.

use std::collections::BTreeSet;
use std::fmt;

/// What to render: a chapter's starter, or the reference state at the end of that chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Starter,
    Reference,
}

/// A malformed marker, with where it is.
#[derive(Debug)]
pub struct Error {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for Error {}

/// The comment syntax of a file: `//` for Rust, `#` for TOML.
#[derive(Debug, Clone, Copy)]
pub struct Syntax {
    pub comment: &'static str,
}

impl Syntax {
    pub fn for_path(path: &str) -> Option<Syntax> {
        if path.ends_with(".rs") {
            Some(Syntax { comment: "//" })
        } else if path.ends_with(".toml") {
            Some(Syntax { comment: "#" })
        } else {
            None
        }
    }
}

/// One exercise point, as found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub chapter: u32,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone)]
enum Node {
    Line(String),
    /// A line that exists from `chapter` on.
    LineFrom(u32, String),
    /// Code from `chapter` on; `before`, if any, is what it replaced (shown before `chapter`).
    Added {
        chapter: u32,
        body: Vec<Node>,
        before: Vec<Node>,
    },
    Exercise {
        exercise: Exercise,
        indent: String,
        solution: Vec<Node>,
        before: Vec<Node>,
    },
    Listing {
        name: String,
        body: Vec<Node>,
    },
    Unsolved {
        chapter: u32,
        body: Vec<Node>,
    },
}

/// A parsed source file.
#[derive(Debug, Clone)]
pub struct Source {
    /// The chapter the whole file belongs to, if it is marked `[chNN file]`.
    pub from_chapter: Option<u32>,
    nodes: Vec<Node>,
    comment: &'static str,
}

#[derive(Debug)]
enum Marker {
    Exercise(u32, String, String),
    Before(u32),
    End(u32),
    Added(u32),
    Unsolved(u32),
    File(u32),
    Listing(String),
    ListingEnd,
}

/// Recognises a whole-line marker such as `// [ch01 before]`.
fn whole_line_marker(line: &str, syntax: Syntax) -> Option<Result<Marker, String>> {
    let rest = line.trim().strip_prefix(syntax.comment)?.trim();
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    if let Some(name) = inner.strip_prefix("listing ") {
        let name = name.trim();
        return Some(match name {
            "end" => Ok(Marker::ListingEnd),
            _ if valid_id(name) => Ok(Marker::Listing(name.to_string())),
            _ => Err(format!(
                "a listing's name is lowercase letters, digits and dashes, not `{name}`"
            )),
        });
    }
    let chapter_word = inner.split_whitespace().next()?;
    if !looks_like_chapter(chapter_word) {
        return None; // an ordinary comment that happens to start with `[`
    }
    let Some(chapter) = parse_chapter(chapter_word) else {
        return Some(Err(format!(
            "`{chapter_word}` is no chapter: markers name one as ch01, ch02, ..."
        )));
    };
    let after = inner[chapter_word.len()..].trim();
    Some(match after {
        "" => Ok(Marker::Added(chapter)),
        "before" => Ok(Marker::Before(chapter)),
        "end" => Ok(Marker::End(chapter)),
        "file" => Ok(Marker::File(chapter)),
        "unsolved" => Ok(Marker::Unsolved(chapter)),
        _ => match after.strip_prefix("exercise ") {
            Some(spec) => match spec.split_once(':') {
                Some((id, title)) if valid_id(id.trim()) && !title.trim().is_empty() => Ok(
                    Marker::Exercise(chapter, id.trim().to_string(), title.trim().to_string()),
                ),
                _ => Err(format!(
                    "an exercise marker reads `[ch{chapter:02} exercise some-id: Its title]`, not `[{inner}]`"
                )),
            },
            None => Err(format!("unknown marker `[{inner}]`")),
        },
    })
}

/// Whether a word was meant to name a chapter (`ch` and a digit), well written or not.
fn looks_like_chapter(word: &str) -> bool {
    word.strip_prefix("ch")
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_ascii_digit())
}

/// `chNN` → NN.
fn parse_chapter(word: &str) -> Option<u32> {
    let digits = word.strip_prefix("ch")?;
    (digits.len() == 2 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Recognises a one-line marker at the end of code: `mod cgroups; // [ch04]`.
fn trailing_marker(line: &str, syntax: Syntax) -> Option<(u32, String)> {
    let trimmed = line.trim_end();
    let body = trimmed.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let chapter = parse_chapter(&body[open + 1..])?;
    let before_bracket = body[..open].trim_end();
    let code = before_bracket.strip_suffix(syntax.comment)?.trim_end();
    (!code.trim().is_empty()).then(|| (chapter, code.to_string()))
}

/// A plain line that still carries something marker-like, which would otherwise reach every
/// chapter as it is: a misspelt trailing marker, or a `//~` line outside a before version.
fn stray_marker(line: &str, syntax: Syntax) -> Option<String> {
    let tilde = format!("{}~", syntax.comment);
    if line.trim_start().starts_with(&tilde) {
        return Some(format!(
            "a `{tilde}` line outside a before version (or an exercise's end marker is missing)"
        ));
    }
    let opening = format!("{} [ch", syntax.comment);
    let at = line.find(&opening)?;
    let word = line[at + syntax.comment.len() + 2..]
        .split([']', ' '])
        .next()?;
    looks_like_chapter(word).then(|| {
        format!(
            "a chapter marker that does not parse: `{}`",
            line[at..].trim()
        )
    })
}

/// Strips one level of `//~` from a before-version line.
fn uncomment(line: &str, syntax: Syntax) -> Option<String> {
    let indent_len = line.len() - line.trim_start().len();
    let (indent, rest) = line.split_at(indent_len);
    let tilde = format!("{}~", syntax.comment);
    let rest = rest.strip_prefix(tilde.as_str())?;
    Some(if rest.is_empty() {
        String::new()
    } else {
        format!("{indent}{}", rest.strip_prefix(' ').unwrap_or(rest))
    })
}

impl Source {
    pub fn parse(file: &str, text: &str, syntax: Syntax) -> Result<Source, Error> {
        let lines: Vec<&str> = text.lines().collect();
        let mut from_chapter = None;
        let mut parser = Parser {
            file,
            syntax,
            lines: &lines,
            offsets: (1..=lines.len()).collect(),
            pos: 0,
        };
        // A `[chNN file]` marker may only be the file's first marker line.
        if let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) {
            if let Some(Ok(Marker::File(chapter))) = whole_line_marker(lines[first], syntax) {
                from_chapter = Some(chapter);
                parser.pos = first + 1;
            }
        }
        let nodes = parser.nodes(None)?;
        Ok(Source {
            from_chapter,
            nodes,
            comment: syntax.comment,
        })
    }

    /// Every exercise in the file, outermost first.
    pub fn exercises(&self) -> Vec<Exercise> {
        let mut found = Vec::new();
        visit(&self.nodes, &mut |node| {
            if let Node::Exercise { exercise, .. } = node {
                found.push(exercise.clone());
            }
        });
        found
    }

    /// Every chapter any marker in the file names.
    pub fn chapters(&self) -> BTreeSet<u32> {
        let mut found = BTreeSet::new();
        found.extend(self.from_chapter);
        visit(&self.nodes, &mut |node| match node {
            Node::Exercise { exercise, .. } => {
                found.insert(exercise.chapter);
            }
            Node::Added { chapter, .. }
            | Node::Unsolved { chapter, .. }
            | Node::LineFrom(chapter, _) => {
                found.insert(*chapter);
            }
            Node::Listing { .. } | Node::Line(_) => {}
        });
        found
    }

    /// The file as it stands for `chapter` in `mode`, or `None` if it does not exist yet.
    pub fn render(&self, chapter: u32, mode: Mode) -> Option<Rendered> {
        if self.from_chapter.is_some_and(|c| c > chapter) {
            return None;
        }
        let mut out = Rendered::default();
        render(&self.nodes, chapter, mode, self.comment, &mut out);
        Some(out)
    }
}

struct Parser<'a> {
    file: &'a str,
    syntax: Syntax,
    lines: &'a [&'a str],
    /// The line number in the original file of each entry of `lines`.
    offsets: Vec<usize>,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> Error {
        Error {
            file: self.file.to_string(),
            line: self.offsets.get(at).copied().unwrap_or(0),
            message: message.into(),
        }
    }

    /// Parses nodes until the end marker of `closing` (a chapter region or a listing), or EOF.
    fn nodes(&mut self, closing: Option<Closing>) -> Result<Vec<Node>, Error> {
        let mut nodes = Vec::new();
        let start = self.pos.saturating_sub(1);
        while self.pos < self.lines.len() {
            let at = self.pos;
            let line = self.lines[at];
            self.pos += 1;
            let marker = match whole_line_marker(line, self.syntax) {
                Some(Ok(marker)) => marker,
                Some(Err(message)) => return Err(self.error(at, message)),
                None => {
                    nodes.push(match trailing_marker(line, self.syntax) {
                        Some((chapter, code)) => Node::LineFrom(chapter, code),
                        None => {
                            if let Some(problem) = stray_marker(line, self.syntax) {
                                return Err(self.error(at, problem));
                            }
                            Node::Line(line.to_string())
                        }
                    });
                    continue;
                }
            };
            match marker {
                Marker::End(c) | Marker::Before(c) if closing == Some(Closing::Chapter(c)) => {
                    self.pos -= 1; // the caller looks at it
                    return Ok(nodes);
                }
                Marker::ListingEnd if closing == Some(Closing::Listing) => return Ok(nodes),
                Marker::End(c) | Marker::Before(c) => {
                    return Err(self.error(
                        at,
                        format!("`[ch{c:02} ...]` closes a region that is not open here"),
                    ))
                }
                Marker::ListingEnd => {
                    return Err(self.error(at, "`[listing end]` without a listing"))
                }
                Marker::File(_) => {
                    return Err(self.error(at, "`[chNN file]` must be the first line of the file"))
                }
                Marker::Added(chapter) => {
                    let body = self.nodes(Some(Closing::Chapter(chapter)))?;
                    let before = match self
                        .lines
                        .get(self.pos)
                        .map(|l| whole_line_marker(l, self.syntax))
                    {
                        Some(Some(Ok(Marker::Before(c)))) if c == chapter => {
                            self.pos += 1;
                            self.before_block(chapter, at)?
                        }
                        _ => Vec::new(),
                    };
                    self.expect_end(chapter, at)?;
                    nodes.push(Node::Added {
                        chapter,
                        body,
                        before,
                    });
                }
                Marker::Unsolved(chapter) => {
                    let body = self.before_block(chapter, at)?;
                    self.expect_end(chapter, at)?;
                    nodes.push(Node::Unsolved { chapter, body });
                }
                Marker::Listing(name) => {
                    let body = self.nodes(Some(Closing::Listing))?;
                    nodes.push(Node::Listing { name, body });
                }
                Marker::Exercise(chapter, id, title) => {
                    let indent = line[..line.len() - line.trim_start().len()].to_string();
                    let solution = self.nodes(Some(Closing::Chapter(chapter)))?;
                    match self.lines.get(self.pos).map(|l| whole_line_marker(l, self.syntax)) {
                        Some(Some(Ok(Marker::Before(c)))) if c == chapter => self.pos += 1,
                        _ => {
                            return Err(self.error(
                                at,
                                format!("exercise `{id}` needs a `[ch{chapter:02} before]` line before its end"),
                            ))
                        }
                    }
                    let before = self.before_block(chapter, at)?;
                    self.expect_end(chapter, at)?;
                    nodes.push(Node::Exercise {
                        exercise: Exercise { chapter, id, title },
                        indent,
                        solution,
                        before,
                    });
                }
            }
        }
        match closing {
            None => Ok(nodes),
            Some(Closing::Chapter(c)) => Err(self.error(
                start,
                format!("region of ch{c:02} is never closed with `[ch{c:02} end]`"),
            )),
            Some(Closing::Listing) => {
                Err(self.error(start, "listing is never closed with `[listing end]`"))
            }
        }
    }

    /// The commented-out before version: every line up to the end marker starts with `//~`.
    fn before_block(&mut self, chapter: u32, at: usize) -> Result<Vec<Node>, Error> {
        let mut text = Vec::new();
        let mut offsets = Vec::new();
        while let Some(line) = self.lines.get(self.pos) {
            if let Some(Ok(Marker::End(c))) = whole_line_marker(line, self.syntax) {
                if c == chapter {
                    break;
                }
            }
            match uncomment(line, self.syntax) {
                Some(inner) => text.push(inner),
                None if line.trim().is_empty() => text.push(String::new()),
                None => {
                    return Err(self.error(
                        self.pos,
                        format!(
                            "lines of a before version start with `{}~`",
                            self.syntax.comment
                        ),
                    ))
                }
            }
            offsets.push(self.offsets[self.pos]);
            self.pos += 1;
        }
        if self.pos >= self.lines.len() {
            return Err(self.error(at, format!("exercise of ch{chapter:02} is never closed")));
        }
        let refs: Vec<&str> = text.iter().map(String::as_str).collect();
        let mut inner = Parser {
            file: self.file,
            syntax: self.syntax,
            lines: &refs,
            offsets,
            pos: 0,
        };
        inner.nodes(None)
    }

    fn expect_end(&mut self, chapter: u32, at: usize) -> Result<(), Error> {
        match self
            .lines
            .get(self.pos)
            .map(|l| whole_line_marker(l, self.syntax))
        {
            Some(Some(Ok(Marker::End(c)))) if c == chapter => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(self.error(
                at,
                format!("region of ch{chapter:02} is never closed with `[ch{chapter:02} end]`"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    Chapter(u32),
    Listing,
}

/// Visits every node, depth first, the nested ones (solutions, before versions, bodies) included.
fn visit(nodes: &[Node], f: &mut dyn FnMut(&Node)) {
    for node in nodes {
        f(node);
        match node {
            Node::Exercise {
                solution, before, ..
            } => {
                visit(solution, f);
                visit(before, f);
            }
            Node::Added { body, before, .. } => {
                visit(body, f);
                visit(before, f);
            }
            Node::Listing { body, .. } | Node::Unsolved { body, .. } => visit(body, f),
            Node::Line(_) | Node::LineFrom(..) => {}
        }
    }
}

/// A rendered file, with where its exercises and listings ended up.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub lines: Vec<String>,
    /// Exercises of the target chapter: (id, first line, one past the last line).
    pub exercises: Vec<(String, usize, usize)>,
    /// Listings: (name, first line, one past the last line).
    pub listings: Vec<(String, usize, usize)>,
}

impl Rendered {
    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

/// The `TODO(chapter N)` comment an exercise point shows in its chapter's starter.
pub fn todo_comment(exercise: &Exercise, indent: &str, comment: &str) -> Vec<String> {
    vec![
        format!(
            "{indent}{comment} TODO(chapter {}): {}",
            exercise.chapter, exercise.title
        ),
        format!(
            "{indent}{comment}   (the book: chapter {}, \"{}\")",
            exercise.chapter, exercise.title
        ),
    ]
}

fn render(nodes: &[Node], chapter: u32, mode: Mode, comment: &str, out: &mut Rendered) {
    for node in nodes {
        match node {
            Node::Line(line) => out.lines.push(line.clone()),
            Node::LineFrom(from, line) => {
                if *from <= chapter {
                    out.lines.push(line.clone());
                }
            }
            Node::Added {
                chapter: from,
                body,
                before,
            } => {
                if *from <= chapter {
                    render(body, chapter, mode, comment, out);
                } else {
                    render(before, chapter, mode, comment, out);
                }
            }
            Node::Unsolved { chapter: of, body } => {
                if *of > chapter || (*of == chapter && mode == Mode::Starter) {
                    render(body, chapter, mode, comment, out);
                }
            }
            Node::Listing { name, body } => {
                let start = out.lines.len();
                render(body, chapter, mode, comment, out);
                out.listings.push((name.clone(), start, out.lines.len()));
            }
            Node::Exercise {
                exercise,
                indent,
                solution,
                before,
            } => {
                let start = out.lines.len();
                let current = exercise.chapter == chapter;
                if exercise.chapter < chapter || (current && mode == Mode::Reference) {
                    render(solution, chapter, mode, comment, out);
                } else {
                    if current {
                        out.lines.extend(todo_comment(exercise, indent, comment));
                    }
                    render(before, chapter, mode, comment, out);
                }
                if current {
                    out.exercises
                        .push((exercise.id.clone(), start, out.lines.len()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RS: Syntax = Syntax { comment: "//" };

    const SOURCE: &str = "\
fn flags() -> u32 {
    // [ch01 exercise uts: A new UTS namespace]
    UTS
    // [ch01 before]
    //~ // hint
    //~ 0
    // [ch01 end]
}
mod cgroups; // [ch04]
// [ch03]
fn mounts() {}
// [ch03 end]
fn root() {
    // [ch03 exercise pivot: Pivot the root]
    pivot_root();
    // [ch03 before]
    //~ // [ch01 exercise chroot: Change the root directory]
    //~ chroot();
    //~ // [ch01 before]
    //~ //~ nothing();
    //~ // [ch01 end]
    // [ch03 end]
}
";

    fn render_text(chapter: u32, mode: Mode) -> String {
        Source::parse("t.rs", SOURCE, RS)
            .unwrap()
            .render(chapter, mode)
            .unwrap()
            .text()
    }

    #[test]
    fn starter_one_shows_before_versions_and_todos() {
        let text = render_text(1, Mode::Starter);
        assert!(text.contains("// TODO(chapter 1): A new UTS namespace\n"));
        assert!(text.contains("    // hint\n    0\n"));
        assert!(!text.contains("UTS\n"));
        assert!(!text.contains("cgroups"));
        assert!(!text.contains("mounts"));
        assert!(text.contains("    nothing();\n"));
        assert!(!text.contains("chroot();"));
        assert!(!text.contains('['), "no marker may remain:\n{text}");
    }

    #[test]
    fn reference_one_has_the_solutions_of_chapter_one() {
        let text = render_text(1, Mode::Reference);
        assert!(text.contains("    UTS\n"));
        assert!(!text.contains("TODO"));
        assert!(text.contains("    chroot();\n"));
        assert!(!text.contains("pivot_root"));
    }

    #[test]
    fn later_chapters_build_on_earlier_ones() {
        let starter3 = render_text(3, Mode::Starter);
        assert!(starter3.contains("    UTS\n"));
        assert!(starter3.contains("fn mounts() {}"));
        assert!(starter3.contains("// TODO(chapter 3): Pivot the root"));
        assert!(starter3.contains("    chroot();\n"));
        let reference4 = render_text(4, Mode::Reference);
        assert!(reference4.contains("mod cgroups;\n"));
        assert!(reference4.contains("pivot_root();"));
        assert!(!reference4.contains("chroot"));
    }

    #[test]
    fn exercises_and_chapters_are_listed() {
        let source = Source::parse("t.rs", SOURCE, RS).unwrap();
        let ids: Vec<String> = source.exercises().into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["uts", "pivot", "chroot"]);
        assert_eq!(source.chapters().into_iter().collect::<Vec<_>>(), [1, 3, 4]);
    }

    #[test]
    fn exercise_spans_cover_what_was_rendered() {
        let rendered = Source::parse("t.rs", SOURCE, RS)
            .unwrap()
            .render(1, Mode::Reference)
            .unwrap();
        let (id, start, end) = &rendered.exercises[0];
        assert_eq!(id, "uts");
        assert_eq!(rendered.lines[*start..*end], ["    UTS"]);
    }

    #[test]
    fn files_of_later_chapters_do_not_exist_yet() {
        let source = Source::parse("t.rs", "// [ch04 file]\nfn x() {}\n", RS).unwrap();
        assert!(source.render(3, Mode::Reference).is_none());
        assert_eq!(
            source.render(4, Mode::Starter).unwrap().text(),
            "fn x() {}\n"
        );
    }

    #[test]
    fn broken_markers_are_errors_with_a_line_number() {
        let unclosed = "// [ch01 exercise a: A]\nx\n// [ch01 before]\n//~ y\n";
        let err = Source::parse("t.rs", unclosed, RS).unwrap_err();
        assert_eq!(err.line, 1);
        let no_before = "// [ch01 exercise a: A]\nx\n// [ch01 end]\n";
        assert!(Source::parse("t.rs", no_before, RS).is_err());
        let unknown = "x\n// [ch01 frobnicate]\n";
        assert_eq!(Source::parse("t.rs", unknown, RS).unwrap_err().line, 2);
        for misspelt in [
            "// [ch1]\nx\n",
            "x; // [ch4]\n",
            "//~ stray\n",
            "// [listing ../x]\n",
        ] {
            assert!(Source::parse("t.rs", misspelt, RS).is_err(), "{misspelt:?}");
        }
        // Ordinary comments in brackets are left alone.
        assert!(Source::parse("t.rs", "// [chapter notes]\n// [1] see\n", RS).is_ok());
        let bare = "// [ch01 exercise a: A]\nx\n// [ch01 before]\nplain code\n// [ch01 end]\n";
        assert_eq!(Source::parse("t.rs", bare, RS).unwrap_err().line, 4);
    }

    #[test]
    fn unsolved_code_lasts_until_the_chapter_is_done() {
        let source = "// [ch02 unsolved]\n//~ #[allow(dead_code)]\n// [ch02 end]\nfn tool() {}\n";
        let source = Source::parse("t.rs", source, RS).unwrap();
        let text = |c, m| source.render(c, m).unwrap().text();
        assert_eq!(
            text(1, Mode::Reference),
            "#[allow(dead_code)]\nfn tool() {}\n"
        );
        assert_eq!(
            text(2, Mode::Starter),
            "#[allow(dead_code)]\nfn tool() {}\n"
        );
        assert_eq!(text(2, Mode::Reference), "fn tool() {}\n");
        assert_eq!(text(3, Mode::Starter), "fn tool() {}\n");
    }

    #[test]
    fn changed_code_replaces_its_before_version_from_its_chapter_on() {
        let source = "// [ch02]\nfn wait(signals: u8) {}\n// [ch02 before]\n//~ fn wait() {}\n// [ch02 end]\n";
        let source = Source::parse("t.rs", source, RS).unwrap();
        let text = |chapter, mode| source.render(chapter, mode).unwrap().text();
        assert_eq!(text(1, Mode::Reference), "fn wait() {}\n");
        assert_eq!(text(2, Mode::Starter), "fn wait(signals: u8) {}\n");
        assert_eq!(text(3, Mode::Starter), "fn wait(signals: u8) {}\n");
        assert_eq!(source.chapters().into_iter().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn toml_lines_can_be_chapter_tagged() {
        let toml = "[dependencies]\nclap = \"4\"\nipnetwork = \"0.20\"  # [ch07]\n";
        let source = Source::parse("Cargo.toml", toml, Syntax { comment: "#" }).unwrap();
        let six = source.render(6, Mode::Reference).unwrap().text();
        assert_eq!(six, "[dependencies]\nclap = \"4\"\n");
        let seven = source.render(7, Mode::Starter).unwrap().text();
        assert!(seven.contains("ipnetwork = \"0.20\"\n"));
    }
}
