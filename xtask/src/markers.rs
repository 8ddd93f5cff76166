//! Chapter markers: how one reference source becomes every chapter's code.
//!
//! The reference runtime in `solutions/` carries short comments that say which chapter each piece
//! of code belongs to. They are whole-line comments (`//` in Rust, `#` in TOML):
//!
//! ```text
//! // [ch01 exercise uts-namespace: A new UTS namespace]    an exercise point of chapter 1: the
//! CloneFlags::CLONE_NEWUTS                                 solution comes first, then the
//! // [ch01 before]                                         "before" version, commented out
//! //~ CloneFlags::empty()                                   with `//~`
//! // [ch01 end]
//!
//! // [ch02 exercise reap: Reap orphans]                    an exercise may keep the mistakes a
//! while let Some(..) = sys::reap_any()? { .. }             learner plausibly makes, between its
//! // [ch02 mistake reap-once: chapter_02::a_test]          solution and its before version:
//! //~ if let Some(..) = sys::reap_any()? { .. }            never rendered, but verify builds
//! // [ch02 before]                                         the reference with each in turn and
//! //~ ...                                                   checks the named tests catch it
//! // [ch02 end]
//!
//! // [ch01 stretch find: Find the command | chapter_01::stretch::a_test]
//! resolve_in_path(..)                                      a stretch exercise: code the starter
//! // [ch01 before]                                         gives (with a STRETCH note), for the
//! //~ None                                                  learner who writes it too; verify
//! // [ch01 end]                                            proves the tests named catch its
//!                                                          before version
//!
//! // [ch04]                                                code a chapter adds (the scaffolding
//! mod cgroups;                                             that chapter gives)
//! // [ch04 end]
//!
//! mod cgroups; // [ch04]                                   the same, for one line
//!
//! // [ch01..ch02]                                          code of chapter 1 up to (not
//! //~ let ended = sys::waitpid(child)?;                     including) chapter 2, which replaces
//! // [ch01..ch02 end]                                      it: commented out with `//~`, as the
//!                                                          finished runtime has it no more
//! // [ch01..ch03 exercise chroot: Change the root]         an exercise of such code: solution and
//! //~ sys::chroot(rootfs)?;                                 before version are both commented
//! // [ch01..ch03 before]
//! //~ Ok(())
//! // [ch01..ch03 end]
//!
//! // [ch04 file]                                           first line: the whole file is chapter 4's
//!
//! // [ch03 unsolved]                                       code only for as long as chapter 3's
//! //~ pub fn chroot(path: &Path) -> Result<()> { ... }      exercises are not done (commented out
//! // [ch03 end]                                            with `//~`)
//!
//! // [ch02 unsolved allow(dead_code)]                      the same for the one line
//!                                                          `#[allow(dead_code)] // until your code
//!                                                          uses it, in chapter 2`
//!
//! // [listing handshake-ladder]                            a region the book shows as it stands
//! // [listing end]                                         at the end of each chapter (and, if it
//!                                                          holds one of that chapter's exercises,
//!                                                          as it stands in the starter too:
//!                                                          NAME.starter.rs)
//! ```
//!
//! For a target chapter T, an exercise of chapter C renders as its solution when C < T, as its
//! before version when C > T, and when C = T as the before version with a `TODO(chapter T)`
//! comment in the starter, and as the solution in the reference state. Added code appears from
//! its chapter on, and code of an interval `chA..chB` in chapters A to B-1 only; unsolved code is
//! there while the chapter's exercises are not done (before its chapter, and in its chapter's
//! starter). Markers never reach the generated code.
//!
//! Markers are flat: nothing is ever commented out twice. A before version holds code only; code
//! a later chapter replaces is an interval beside its replacement, not a before version holding
//! markers of its own. A commented region (an interval, unsolved code) may hold markers, written
//! as plain lines among its `//~` lines.

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

/// A mistake a learner plausibly makes in an exercise, kept in the source as a fixture: the
/// reference built with it instead of the exercise's solution must fail `tests`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    pub id: String,
    /// Test names as libtest prints them, e.g. `chapter_02::init_reaps_orphans`.
    pub tests: Vec<String>,
    /// Whether the fixture can be one arm of a switch among its exercise's versions (see
    /// `Fixture::Switch`): its exercise is at the end of its block, or binds no name the code
    /// after it could use.
    pub switchable: bool,
}

/// One exercise point, as found in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    pub chapter: u32,
    pub id: String,
    pub title: String,
    /// An optional exercise: its code is given in the starter, for the learner who wants to
    /// write that part too.
    pub stretch: bool,
}

/// The chapters a region exists in: from `from` on, and before `until` if it has an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: u32,
    pub until: Option<u32>,
}

impl Span {
    const fn from(chapter: u32) -> Span {
        Span {
            from: chapter,
            until: None,
        }
    }

    /// Whether the region's code is there in `chapter`.
    fn contains(self, chapter: u32) -> bool {
        self.from <= chapter && self.until.is_none_or(|until| chapter < until)
    }

    /// Its code is commented out in the source: the finished runtime does not have it.
    fn commented(self) -> bool {
        self.until.is_some()
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until {
            Some(until) => write!(f, "ch{:02}..ch{until:02}", self.from),
            None => write!(f, "ch{:02}", self.from),
        }
    }
}

#[derive(Debug, Clone)]
enum Node {
    Line(String),
    /// A line that exists from `chapter` on.
    LineFrom(u32, String),
    /// Code of `span`; `before`, if any, is what it replaced (shown before its chapter).
    Added {
        span: Span,
        body: Vec<Node>,
        before: Vec<Node>,
    },
    Exercise {
        exercise: Exercise,
        /// Exercises of code a later chapter replaces end with it.
        until: Option<u32>,
        indent: String,
        solution: Vec<Node>,
        /// Wrong solutions, each with the tests that must catch it.
        mistakes: Vec<(Mistake, Vec<Node>)>,
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
    Exercise(Span, String, String),
    /// `[chNN stretch id: Title | chapter_NN::stretch::a_test, ...]`: the tests that must fail
    /// when the given code is taken out again.
    Stretch(Span, String, String, Vec<String>),
    Before(Span),
    End(Span),
    Added(Span),
    Mistake(Span, Mistake),
    Unsolved(u32),
    /// `[chNN unsolved allow(LINT)]`: one `#[allow(LINT)]` line while chapter NN is unsolved.
    UnsolvedAllow(u32, String),
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
    let span = match parse_span(chapter_word) {
        Ok(span) => span,
        Err(message) => return Some(Err(message)),
    };
    let after = inner[chapter_word.len()..].trim();
    let single = |marker: fn(u32) -> Marker| match span.until {
        None => Ok(marker(span.from)),
        Some(_) => Err(format!(
            "`[{inner}]`: only code regions and exercises take an interval"
        )),
    };
    Some(match after {
        "" => Ok(Marker::Added(span)),
        "before" => Ok(Marker::Before(span)),
        "end" => Ok(Marker::End(span)),
        "file" => single(Marker::File),
        "unsolved" => single(Marker::Unsolved),
        _ => {
            if let Some(lint) = after
                .strip_prefix("unsolved allow(")
                .and_then(|l| l.strip_suffix(')'))
            {
                return Some(match span.until {
                    None if valid_lint(lint) => {
                        Ok(Marker::UnsolvedAllow(span.from, lint.to_string()))
                    }
                    _ => Err(format!(
                        "an unsolved allow reads `[ch{:02} unsolved allow(dead_code)]`, not `[{inner}]`",
                        span.from
                    )),
                });
            }
            if let Some(spec) = after.strip_prefix("mistake ") {
                let parsed = spec.split_once(':').and_then(|(id, tests)| {
                    let tests: Vec<String> = tests
                        .split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect();
                    (valid_id(id.trim()) && !tests.is_empty()).then(|| Mistake {
                        id: id.trim().to_string(),
                        tests,
                        switchable: false,
                    })
                });
                return Some(parsed.map(|m| Marker::Mistake(span, m)).ok_or_else(|| {
                    format!(
                        "a mistake marker reads `[ch{:02} mistake some-id: chapter_NN::a_test, ...]`, not `[{inner}]`",
                        span.from
                    )
                }));
            }
            if let Some(spec) = after.strip_prefix("stretch ") {
                let parsed = spec.split_once(':').and_then(|(id, rest)| {
                    let (title, tests) = rest.split_once('|')?;
                    let tests: Vec<String> = tests
                        .split(',')
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect();
                    (valid_id(id.trim()) && !title.trim().is_empty() && !tests.is_empty()).then(
                        || {
                            Marker::Stretch(
                                span,
                                id.trim().to_string(),
                                title.trim().to_string(),
                                tests,
                            )
                        },
                    )
                });
                return Some(parsed.ok_or_else(|| {
                    format!(
                        "a stretch marker reads `[ch{:02} stretch some-id: Its title | chapter_NN::stretch::a_test, ...]`, not `[{inner}]`",
                        span.from
                    )
                }));
            }
            match after.strip_prefix("exercise ") {
                Some(spec) => match spec.split_once(':') {
                    Some((id, title)) if valid_id(id.trim()) && !title.trim().is_empty() => {
                        Ok(Marker::Exercise(
                            span,
                            id.trim().to_string(),
                            title.trim().to_string(),
                        ))
                    }
                    _ => Err(format!(
                        "an exercise marker reads `[ch{:02} exercise some-id: Its title]`, not `[{inner}]`",
                        span.from
                    )),
                },
                None => Err(format!("unknown marker `[{inner}]`")),
            }
        }
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

/// `chNN` or `chAA..chBB`.
fn parse_span(word: &str) -> Result<Span, String> {
    let bad = || {
        format!("`{word}` is no chapter: markers name one as ch01, ch02, ..., or an interval as ch01..ch03")
    };
    match word.split_once("..") {
        None => parse_chapter(word).map(Span::from).ok_or_else(bad),
        Some((from, until)) => {
            let (Some(from), Some(until)) = (parse_chapter(from), parse_chapter(until)) else {
                return Err(bad());
            };
            if until <= from {
                return Err(format!(
                    "`{word}`: an interval ends after it starts (ch01..ch03 is chapters 1 and 2)"
                ));
            }
            Ok(Span {
                from,
                until: Some(until),
            })
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn valid_lint(lint: &str) -> bool {
    !lint.is_empty() && lint.chars().all(|c| c.is_ascii_lowercase() || c == '_')
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
/// chapter as it is: a misspelt trailing marker, or a `//~` line outside a commented region.
fn stray_marker(line: &str, syntax: Syntax) -> Option<String> {
    let tilde = format!("{}~", syntax.comment);
    if line.trim_start().starts_with(&tilde) {
        return Some(format!(
            "a `{tilde}` line outside a before version or interval (or its end marker is missing, \
             or it is commented out twice: markers are flat)"
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

/// Strips one level of `//~` from a commented line.
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

/// How many lines of a source are markers, how many are code commented out with `//~` for other
/// chapters, and how many are mistake fixtures: what the chapters cost the reader of the
/// reference.
#[derive(Debug, Default, Clone, Copy)]
pub struct MarkerLines {
    pub total: usize,
    pub markers: usize,
    pub commented: usize,
    /// The commented lines of mistake fixtures, apart: they are kept on purpose, for verify.
    pub fixtures: usize,
}

impl MarkerLines {
    pub fn count(text: &str, syntax: Syntax) -> MarkerLines {
        let tilde = format!("{}~", syntax.comment);
        let mut lines = MarkerLines::default();
        let mut in_mistake = false;
        for line in text.lines() {
            lines.total += 1;
            if line.trim_start().starts_with(&tilde) {
                if in_mistake {
                    lines.fixtures += 1;
                } else {
                    lines.commented += 1;
                }
            } else if let Some(marker) = whole_line_marker(line, syntax) {
                lines.markers += 1;
                in_mistake = matches!(marker, Ok(Marker::Mistake(..)));
            } else if trailing_marker(line, syntax).is_some() {
                lines.markers += 1;
            }
        }
        lines
    }

    /// The share of lines that are markers or code commented out for other chapters (mistake
    /// fixtures left out), in percent.
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        100.0 * (self.markers + self.commented) as f64 / self.total as f64
    }
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
            Node::Exercise {
                exercise, until, ..
            } => {
                found.insert(exercise.chapter);
                found.extend(*until);
            }
            Node::Added { span, .. } => {
                found.insert(span.from);
                found.extend(span.until);
            }
            Node::Unsolved { chapter, .. } | Node::LineFrom(chapter, _) => {
                found.insert(*chapter);
            }
            Node::Listing { .. } | Node::Line(_) => {}
        });
        found
    }

    /// The file as it stands for `chapter` in `mode`, or `None` if it does not exist yet.
    pub fn render(&self, chapter: u32, mode: Mode) -> Option<Rendered> {
        self.render_with(chapter, mode, Fixture::None)
    }

    /// The same, with mistake fixtures (those of this file) in place of their exercise's solution.
    pub fn render_with(&self, chapter: u32, mode: Mode, fixture: Fixture) -> Option<Rendered> {
        if self.from_chapter.is_some_and(|c| c > chapter) {
            return None;
        }
        let mut out = Rendered::default();
        let target = Target {
            chapter,
            mode,
            comment: self.comment,
            fixture,
        };
        render(&self.nodes, &target, &mut out);
        Some(out)
    }

    /// Every mistake fixture in the file, with the exercise it belongs to.
    pub fn mistakes(&self) -> Vec<(Exercise, Mistake)> {
        let mut found = Vec::new();
        visit(&self.nodes, &mut |node| {
            if let Node::Exercise {
                exercise, mistakes, ..
            } = node
            {
                for (mistake, _) in mistakes {
                    found.push((exercise.clone(), mistake.clone()));
                }
            }
        });
        found
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

/// What a commented block may hold besides its `//~` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inside {
    /// A before version: code only.
    CodeOnly,
    /// An interval or unsolved code: markers too, as plain lines.
    Markers,
}

impl Parser<'_> {
    fn error(&self, at: usize, message: impl Into<String>) -> Error {
        Error {
            file: self.file.to_string(),
            line: self.offsets.get(at).copied().unwrap_or(0),
            message: message.into(),
        }
    }

    /// The marker on the line at `at`, if it is one that closes a region of `span`.
    fn closes(&self, at: usize, span: Span) -> bool {
        matches!(
            self.lines.get(at).map(|l| whole_line_marker(l, self.syntax)),
            Some(Some(Ok(Marker::End(s) | Marker::Before(s) | Marker::Mistake(s, _)))) if s == span
        )
    }

    /// The mistake at the current line, if there is one for `span`.
    fn at_mistake(&self, span: Span) -> Option<Mistake> {
        match self
            .lines
            .get(self.pos)
            .map(|l| whole_line_marker(l, self.syntax))
        {
            Some(Some(Ok(Marker::Mistake(s, mistake)))) if s == span => Some(mistake),
            _ => None,
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
                Marker::End(s) | Marker::Before(s) | Marker::Mistake(s, _)
                    if closing == Some(Closing::Region(s)) =>
                {
                    self.pos -= 1; // the caller looks at it
                    return Ok(nodes);
                }
                Marker::ListingEnd if closing == Some(Closing::Listing) => return Ok(nodes),
                Marker::End(s) | Marker::Before(s) => {
                    return Err(self.error(
                        at,
                        format!("`[{s} ...]` closes a region that is not open here"),
                    ))
                }
                Marker::Mistake(s, _) => {
                    return Err(self.error(
                        at,
                        format!(
                            "`[{s} mistake ...]` belongs in an exercise of {s}, after its solution"
                        ),
                    ))
                }
                Marker::ListingEnd => {
                    return Err(self.error(at, "`[listing end]` without a listing"))
                }
                Marker::File(_) => {
                    return Err(self.error(at, "`[chNN file]` must be the first line of the file"))
                }
                Marker::Added(span) => {
                    let body = self.region_body(span, at)?;
                    let before = if self.at_before(span) {
                        self.pos += 1;
                        self.commented_block(span, at, Inside::CodeOnly)?
                    } else {
                        Vec::new()
                    };
                    self.expect_end(span, at)?;
                    nodes.push(Node::Added { span, body, before });
                }
                Marker::Unsolved(chapter) => {
                    let span = Span::from(chapter);
                    let body = self.commented_block(span, at, Inside::Markers)?;
                    self.expect_end(span, at)?;
                    nodes.push(Node::Unsolved { chapter, body });
                }
                Marker::UnsolvedAllow(chapter, lint) => {
                    let indent = &line[..line.len() - line.trim_start().len()];
                    nodes.push(Node::Unsolved {
                        chapter,
                        body: vec![Node::Line(format!(
                            "{indent}#[allow({lint})] // until your code uses it, in chapter {chapter}"
                        ))],
                    });
                }
                Marker::Listing(name) => {
                    let body = self.nodes(Some(Closing::Listing))?;
                    nodes.push(Node::Listing { name, body });
                }
                Marker::Exercise(..) | Marker::Stretch(..) => {
                    let (span, id, title, stretch) = match marker {
                        Marker::Exercise(span, id, title) => (span, id, title, None),
                        Marker::Stretch(span, id, title, tests) => (span, id, title, Some(tests)),
                        _ => unreachable!(),
                    };
                    let indent = line[..line.len() - line.trim_start().len()].to_string();
                    let solution = self.region_body(span, at)?;
                    let mut mistakes = Vec::new();
                    while let Some(mistake) = self.at_mistake(span) {
                        self.pos += 1;
                        let body = self.commented_block(span, at, Inside::CodeOnly)?;
                        mistakes.push((mistake, body));
                    }
                    if !self.at_before(span) {
                        return Err(self.error(
                            at,
                            format!(
                                "exercise `{id}` needs a `[{span} before]` line before its end"
                            ),
                        ));
                    }
                    self.pos += 1;
                    let before = self.commented_block(span, at, Inside::CodeOnly)?;
                    self.expect_end(span, at)?;
                    let ends_its_block = self.lines.get(self.pos).is_some_and(|next| {
                        next.trim() == "}" && next.len() - next.trim_start().len() < indent.len()
                    });
                    // A stretch exercise's code is given; verify proves its tests catch the
                    // code's absence as it proves a mistake is caught: the before version is a
                    // fixture of its own.
                    if let Some(tests) = &stretch {
                        if span.until.is_some() {
                            return Err(self.error(
                                at,
                                "a stretch exercise is code the runtime keeps: no interval",
                            ));
                        }
                        let undone = Mistake {
                            id: format!("{id}-undone"),
                            tests: tests.clone(),
                            switchable: false,
                        };
                        mistakes.push((undone, before.clone()));
                    }
                    // A version that binds a name at the exercise's level may bind it for the
                    // code after the exercise, which an arm of a switch would hide.
                    let binds = |nodes: &[Node]| {
                        let mut found = false;
                        visit(nodes, &mut |node| {
                            if let Node::Line(line) | Node::LineFrom(_, line) = node {
                                let level = line.len() - line.trim_start().len() == indent.len();
                                found |= level && line.trim_start().starts_with("let ");
                            }
                        });
                        found
                    };
                    let switchable = ends_its_block
                        || !(binds(&solution) || mistakes.iter().any(|(_, body)| binds(body)));
                    for (mistake, _) in &mut mistakes {
                        mistake.switchable = switchable;
                    }
                    nodes.push(Node::Exercise {
                        exercise: Exercise {
                            chapter: span.from,
                            id,
                            title,
                            stretch: stretch.is_some(),
                        },
                        until: span.until,
                        indent,
                        solution,
                        mistakes,
                        before,
                    });
                }
            }
        }
        match closing {
            None => Ok(nodes),
            Some(Closing::Region(s)) => Err(self.error(
                start,
                format!("region of {s} is never closed with `[{s} end]`"),
            )),
            Some(Closing::Listing) => {
                Err(self.error(start, "listing is never closed with `[listing end]`"))
            }
        }
    }

    /// The code of a region up to its `before` or `end` line: plain code, or, for an interval,
    /// commented code (the finished runtime does not have it).
    fn region_body(&mut self, span: Span, at: usize) -> Result<Vec<Node>, Error> {
        if span.commented() {
            self.commented_block(span, at, Inside::Markers)
        } else {
            self.nodes(Some(Closing::Region(span)))
        }
    }

    fn at_before(&self, span: Span) -> bool {
        matches!(
            self.lines.get(self.pos).map(|l| whole_line_marker(l, self.syntax)),
            Some(Some(Ok(Marker::Before(s)))) if s == span
        )
    }

    /// Lines commented out with `//~`, up to the region's `before` or `end` line, parsed as the
    /// code they hold. Markers in it are plain lines, never commented ones.
    fn commented_block(
        &mut self,
        span: Span,
        at: usize,
        inside: Inside,
    ) -> Result<Vec<Node>, Error> {
        let mut text = Vec::new();
        let mut offsets = Vec::new();
        while let Some(line) = self.lines.get(self.pos) {
            if self.closes(self.pos, span) {
                break;
            }
            let kept = if whole_line_marker(line, self.syntax).is_some() {
                if inside == Inside::CodeOnly {
                    return Err(self.error(
                        self.pos,
                        "a marker inside a before version: a before version holds code only \
                         (code a later chapter replaces is an interval, `[chAA..chBB]`)",
                    ));
                }
                line.to_string()
            } else if let Some(code) = uncomment(line, self.syntax) {
                let tilde = format!("{}~", self.syntax.comment);
                let nested = code.trim_start().starts_with(&tilde)
                    || whole_line_marker(&code, self.syntax).is_some()
                    || trailing_marker(&code, self.syntax).is_some();
                if nested {
                    return Err(self.error(
                        self.pos,
                        "a marker commented out inside another region: markers are flat \
                         (write a region's markers as plain lines, and code a later chapter \
                         replaces as an interval, `[chAA..chBB]`)",
                    ));
                }
                code
            } else if line.trim().is_empty() {
                String::new()
            } else {
                return Err(self.error(
                    self.pos,
                    format!(
                        "lines of a before version or an interval start with `{}~`",
                        self.syntax.comment
                    ),
                ));
            };
            text.push(kept);
            offsets.push(self.offsets[self.pos]);
            self.pos += 1;
        }
        if self.pos >= self.lines.len() {
            return Err(self.error(at, format!("region of {span} is never closed")));
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

    fn expect_end(&mut self, span: Span, at: usize) -> Result<(), Error> {
        match self
            .lines
            .get(self.pos)
            .map(|l| whole_line_marker(l, self.syntax))
        {
            Some(Some(Ok(Marker::End(s)))) if s == span => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(self.error(
                at,
                format!("region of {span} is never closed with `[{span} end]`"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
    Region(Span),
    Listing,
}

/// Visits every node, depth first, the nested ones (solutions, before versions, bodies) included.
fn visit(nodes: &[Node], f: &mut dyn FnMut(&Node)) {
    for node in nodes {
        f(node);
        match node {
            Node::Exercise {
                solution,
                mistakes,
                before,
                ..
            } => {
                visit(solution, f);
                for (_, body) in mistakes {
                    visit(body, f);
                }
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

/// The note a stretch exercise shows in its chapter's starter, above the code it gives.
pub fn stretch_comment(exercise: &Exercise, indent: &str, comment: &str) -> Vec<String> {
    vec![
        format!(
            "{indent}{comment} STRETCH(chapter {}): {}",
            exercise.chapter, exercise.title
        ),
        format!(
            "{indent}{comment}   (optional, given: the book, chapter {}, \"{}\")",
            exercise.chapter, exercise.title
        ),
    ]
}

/// The mistake fixtures a reference state is rendered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixture<'a> {
    /// None: the reference.
    None,
    /// This one, in place of its exercise's solution.
    One(&'a str),
    /// Every switchable mistake of the chapter, each exercise with them as a switch: `if
    /// SWITCH("id") { the mistake } else if ... else { the solution }`, one binary that plays
    /// each fixture (`SWITCH` is a function the crate is given).
    Switch(&'a str),
}

/// What a file is rendered for.
struct Target<'a> {
    chapter: u32,
    mode: Mode,
    comment: &'a str,
    fixture: Fixture<'a>,
}

fn render(nodes: &[Node], target: &Target, out: &mut Rendered) {
    let chapter = target.chapter;
    for node in nodes {
        match node {
            Node::Line(line) => out.lines.push(line.clone()),
            Node::LineFrom(from, line) => {
                if *from <= chapter {
                    out.lines.push(line.clone());
                }
            }
            Node::Added { span, body, before } => {
                if span.contains(chapter) {
                    render(body, target, out);
                } else if chapter < span.from {
                    render(before, target, out);
                }
            }
            Node::Unsolved { chapter: of, body } => {
                if *of > chapter || (*of == chapter && target.mode == Mode::Starter) {
                    render(body, target, out);
                }
            }
            Node::Listing { name, body } => {
                let start = out.lines.len();
                render(body, target, out);
                out.listings.push((name.clone(), start, out.lines.len()));
            }
            Node::Exercise {
                exercise,
                until,
                indent,
                solution,
                mistakes,
                before,
            } => {
                if until.is_some_and(|until| chapter >= until) {
                    continue;
                }
                let start = out.lines.len();
                let current = exercise.chapter == chapter;
                if current && exercise.stretch && target.mode == Mode::Starter {
                    out.lines
                        .extend(stretch_comment(exercise, indent, target.comment));
                }
                let given = exercise.stretch && exercise.chapter <= chapter;
                if given
                    || exercise.chapter < chapter
                    || (current && target.mode == Mode::Reference)
                {
                    match target.fixture {
                        Fixture::One(id) => {
                            match mistakes.iter().find(|(mistake, _)| mistake.id == id) {
                                Some((_, body)) => render(body, target, out),
                                None => render(solution, target, out),
                            }
                        }
                        Fixture::Switch(switch) if current => {
                            let arms: Vec<_> =
                                mistakes.iter().filter(|(m, _)| m.switchable).collect();
                            for (i, (mistake, body)) in arms.iter().enumerate() {
                                let keyword = if i == 0 { "if" } else { "} else if" };
                                out.lines.push(format!(
                                    "{indent}{keyword} {switch}({:?}) {{",
                                    mistake.id
                                ));
                                render(body, target, out);
                            }
                            if !arms.is_empty() {
                                out.lines.push(format!("{indent}}} else {{"));
                            }
                            render(solution, target, out);
                            if !arms.is_empty() {
                                out.lines.push(format!("{indent}}}"));
                            }
                        }
                        _ => render(solution, target, out),
                    }
                } else if current {
                    out.lines
                        .extend(todo_comment(exercise, indent, target.comment));
                    render(before, target, out);
                } else {
                    // Before its chapter, a before version is only the code that stands in: its
                    // comments say what to do, which is the business of its chapter's starter.
                    let code: Vec<Node> = before
                        .iter()
                        .filter(|node| {
                            !matches!(node, Node::Line(line) if line.trim_start().starts_with(target.comment))
                        })
                        .cloned()
                        .collect();
                    render(&code, target, out);
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
    // [ch01..ch03 exercise chroot: Change the root directory]
    //~ chroot();
    // [ch01..ch03 before]
    //~ nothing();
    // [ch01..ch03 end]
    // [ch03]
    // [ch03 exercise pivot: Pivot the root]
    pivot_root();
    // [ch03 before]
    //~ chroot();
    // [ch03 end]
    // [ch03 end]
}
";

    #[test]
    fn a_stretch_is_given_with_a_note_and_its_before_version_is_a_fixture() {
        let text = "fn f() -> u32 {\n    // [ch02 stretch given: A given part | chapter_02::stretch::t]\n    2\n    // [ch02 before]\n    //~ 0\n    // [ch02 end]\n}\n";
        let source = Source::parse("t.rs", text, RS).unwrap();
        let starter = source.render(2, Mode::Starter).unwrap().text();
        assert!(
            starter.contains("STRETCH(chapter 2): A given part"),
            "{starter}"
        );
        assert!(
            starter.contains("    2\n") && !starter.contains("TODO"),
            "{starter}"
        );
        assert!(source
            .render(1, Mode::Reference)
            .unwrap()
            .text()
            .contains("    0\n"));
        let reference = source.render(3, Mode::Reference).unwrap().text();
        assert!(reference.contains("    2\n") && !reference.contains("STRETCH"));
        let mistakes = source.mistakes();
        assert_eq!(mistakes.len(), 1);
        assert_eq!(mistakes[0].1.id, "given-undone");
        assert_eq!(mistakes[0].1.tests, ["chapter_02::stretch::t"]);
        let undone = source.render_with(2, Mode::Reference, Fixture::One("given-undone"));
        assert!(undone.unwrap().text().contains("    0\n"));
        assert!(source.exercises()[0].stretch);
    }

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
        assert_eq!(ids, ["uts", "chroot", "pivot"]);
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
        for backwards in [
            "// [ch03..ch01]\n//~ x\n// [ch03..ch01 end]\n",
            "// [ch01..ch02 file]\n",
        ] {
            assert!(
                Source::parse("t.rs", backwards, RS).is_err(),
                "{backwards:?}"
            );
        }
    }

    #[test]
    fn markers_are_flat() {
        // A marker inside a before version, commented out or not, is an error where it is.
        let nested = "// [ch03]\nnew();\n// [ch03 before]\n//~ // [ch02]\n//~ old();\n//~ // [ch02 end]\n// [ch03 end]\n";
        let err = Source::parse("t.rs", nested, RS).unwrap_err();
        assert_eq!(err.line, 4);
        assert!(err.message.contains("flat"), "{}", err.message);
        let plain = "// [ch03]\nnew();\n// [ch03 before]\n// [ch02 unsolved allow(dead_code)]\n//~ old();\n// [ch03 end]\n";
        let err = Source::parse("t.rs", plain, RS).unwrap_err();
        assert_eq!(err.line, 4);
        assert!(
            err.message.contains("before version holds code only"),
            "{}",
            err.message
        );
        let twice = "// [ch01..ch02]\n//~ //~ x\n// [ch01..ch02 end]\n";
        assert_eq!(Source::parse("t.rs", twice, RS).unwrap_err().line, 2);
        // In an interval, markers are plain lines.
        let inside = "// [ch01..ch03]\n//~ fn old() {}\n// [ch02 unsolved allow(dead_code)]\n//~ fn tool() {}\n// [ch01..ch03 end]\n";
        let source = Source::parse("t.rs", inside, RS).unwrap();
        let text = |c, m| source.render(c, m).unwrap().text();
        assert_eq!(
            text(2, Mode::Starter),
            "fn old() {}\n#[allow(dead_code)] // until your code uses it, in chapter 2\nfn tool() {}\n"
        );
        assert_eq!(text(2, Mode::Reference), "fn old() {}\nfn tool() {}\n");
        assert_eq!(text(3, Mode::Starter), "\n");
    }

    #[test]
    fn a_chapters_switchable_mistakes_become_a_switch() {
        let text = "\
fn reap() -> u8 {
    // [ch02 exercise reap: Reap orphans]
    let n = 2;
    n
    // [ch02 mistake reap-once: chapter_02::t]
    //~ 1
    // [ch02 before]
    //~ 0
    // [ch02 end]
}
fn wait() {
    // [ch02 exercise wait: Wait]
    let status = 0;
    // [ch02 mistake wait-none: chapter_02::t]
    //~ let status = 1;
    // [ch02 before]
    //~ let status = 2;
    // [ch02 end]
    report(status);
}
fn signal() {
    // [ch02 exercise signal: Signal]
    kill();
    // [ch02 mistake signal-none: chapter_02::t]
    //~ nothing();
    // [ch02 before]
    //~ todo();
    // [ch02 end]
    report();
}
";
        let source = Source::parse("t.rs", text, RS).unwrap();
        let switchable: Vec<(String, bool)> = source
            .mistakes()
            .into_iter()
            .map(|(_, m)| (m.id, m.switchable))
            .collect();
        // At the end of its block, or binding nothing for the code after it: switchable.
        assert_eq!(
            switchable,
            [
                ("reap-once".to_string(), true),
                ("wait-none".to_string(), false),
                ("signal-none".to_string(), true)
            ]
        );
        let rendered = source
            .render_with(2, Mode::Reference, Fixture::Switch("plays"))
            .unwrap()
            .text();
        assert!(rendered.contains(
            "    if plays(\"reap-once\") {\n    1\n    } else {\n    let n = 2;\n    n\n    }\n}"
        ));
        assert!(rendered.contains("    let status = 0;\n    report(status);"));
        assert!(rendered.contains(
            "    if plays(\"signal-none\") {\n    nothing();\n    } else {\n    kill();\n    }\n    report();"
        ));
        // A later chapter's state has no switch.
        let later = source.render_with(3, Mode::Reference, Fixture::Switch("plays"));
        assert!(!later.unwrap().text().contains("plays"));
    }

    #[test]
    fn mistakes_render_only_when_asked_for() {
        let text = "\
// [ch02 exercise reap: Reap orphans]
while reap() {}
// [ch02 mistake reap-once: chapter_02::orphans_end_together, chapter_02::init_reaps_orphans]
//~ reap();
// [ch02 mistake reap-none: chapter_02::init_reaps_orphans]
//~ // nothing
// [ch02 before]
//~ todo();
// [ch02 end]
";
        let source = Source::parse("t.rs", text, RS).unwrap();
        let found: Vec<(String, Vec<String>)> = source
            .mistakes()
            .into_iter()
            .map(|(e, m)| (format!("{}/{}", e.id, m.id), m.tests))
            .collect();
        assert_eq!(found[0].0, "reap/reap-once");
        assert_eq!(
            found[0].1,
            [
                "chapter_02::orphans_end_together",
                "chapter_02::init_reaps_orphans"
            ]
        );
        assert_eq!(found[1].0, "reap/reap-none");
        let render = |chapter, mode, mistake: Option<&str>| {
            let fixture = mistake.map_or(Fixture::None, Fixture::One);
            source.render_with(chapter, mode, fixture).unwrap().text()
        };
        assert_eq!(render(2, Mode::Reference, None), "while reap() {}\n");
        assert_eq!(render(3, Mode::Reference, Some("reap-once")), "reap();\n");
        assert_eq!(
            render(2, Mode::Reference, Some("reap-none")),
            "// nothing\n"
        );
        assert!(render(2, Mode::Starter, Some("reap-once")).contains("todo();"));
        // A mistake holds code only, and comes before the before version.
        let late = "// [ch02 exercise a: A]\nx\n// [ch02 before]\n//~ y\n// [ch02 mistake m: t]\n//~ z\n// [ch02 end]\n";
        assert!(Source::parse("t.rs", late, RS).is_err());
        let stray = "// [ch02 mistake m: t]\n//~ z\n";
        assert!(Source::parse("t.rs", stray, RS).is_err());
    }

    #[test]
    fn intervals_last_until_the_chapter_that_replaces_them() {
        let source = "// [ch01..ch02]\n//~ wait(child);\n// [ch01..ch02 end]\n// [ch02]\nloop_on_signals();\n// [ch02 end]\n";
        let source = Source::parse("t.rs", source, RS).unwrap();
        let text = |chapter, mode| source.render(chapter, mode).unwrap().text();
        assert_eq!(text(1, Mode::Starter), "wait(child);\n");
        assert_eq!(text(1, Mode::Reference), "wait(child);\n");
        assert_eq!(text(2, Mode::Starter), "loop_on_signals();\n");
        assert_eq!(text(5, Mode::Reference), "loop_on_signals();\n");
        assert_eq!(source.chapters().into_iter().collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn marker_lines_are_counted() {
        let lines = MarkerLines::count(SOURCE, RS);
        assert_eq!(lines.total, SOURCE.lines().count());
        assert_eq!(lines.markers, 14);
        assert_eq!(lines.commented, 5);
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
