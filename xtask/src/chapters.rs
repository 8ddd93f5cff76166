//! The chapters of the workshop, in order. A chapter listed here gets a starter crate, a book
//! page, a test file and a reference state; `cargo xtask verify` checks that they all exist and
//! that every chapter marker in the source names one of them.
//!
//! # Adding chapter NN
//!
//! 1. **The list.** Add it to [`CHAPTERS`] below, with its title as the book's heading says it.
//! 2. **The reference.** Write the chapter's code in `solutions/`, marked (see `markers`): a new
//!    concept is a folder of its own (`src/image/`, `src/network/`), its files `// [chNN file]`;
//!    the command line gets its options in `src/cli/` and a new command a file in
//!    `src/commands/`; the configuration gets fields in `src/config/`, shaped after the OCI
//!    runtime spec; the container gets fields and steps in its phases (`src/container/`), not new
//!    parameters. Code an earlier chapter wrote and this one replaces is an interval
//!    (`[chAA..chNN]`), never a before version holding markers. Dependencies go in
//!    `solutions/Cargo.toml` with a `# [chNN]` marker, and a word on why in the commit. No import
//!    may point up the layers drawn in `src/main.rs`.
//! 3. **Exercises.** At least one `[chNN exercise id: Title]`, each titled as a heading of the
//!    book page, whose section names the file the TODO is in (`` In `src/...rs`, write ... ``).
//!    The mistakes a learner plausibly makes in it stay in the source as fixtures, `[chNN mistake
//!    id: chapter_NN::a_test]` between solution and before version: verify builds the reference
//!    with each and proves the named tests fail and send the learner to the exercise's section.
//! 4. **Tests.** `tests/suite/chapter_NN.rs`, testing only what the chapter's exercises add
//!    (each test must fail on starter NN), with `Section::new(NN, "...")` naming the book's
//!    headings; `cargo xtask gen` adds the file to every test entry from chapter NN on.
//! 5. **The book.** `book/src/chapter-NN.md`, listed in `book/src/SUMMARY.md`; code comes from
//!    listings (`book/listings/chapter-NN/`, written by `cargo xtask gen`), console sessions from
//!    transcripts (add them to `xtask/src/transcripts.rs`, then `cargo xtask transcripts`).
//! 6. **Setup-call sections.** A new system call whose failure a learner may cause gets its book
//!    section in the harness's list of setup calls (`SETUP_CALLS`, in `tests/src/`), so that a
//!    failed run points there.
//! 7. **Verify.** Every chapter's reference passes its tests in the cgroup v2 guest too; a chapter
//!    whose own tests depend on the host's cgroup version also has its starter checked there
//!    (`CGROUP_CHAPTERS` in `verify.rs`). A chapter that needs a new tool on the machine gets it in
//!    `setup.sh` (and so in CI and the Vagrant VM); one that needs a kernel module in the guest
//!    gets it in `vm.rs` (`MODULES`).
//! 8. `cargo xtask gen`, then `cargo xtask verify` (it prints the share of marker lines per file:
//!    watch it), and commit the generated files with the source.

pub struct Chapter {
    pub number: u32,
    pub title: &'static str,
}

pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        number: 1,
        title: "A process in a box",
    },
    Chapter {
        number: 2,
        title: "PID and IPC namespaces",
    },
    Chapter {
        number: 3,
        title: "The mount namespace and the root filesystem",
    },
    Chapter {
        number: 4,
        title: "cgroups",
    },
    Chapter {
        number: 5,
        title: "Images on overlayfs",
    },
    Chapter {
        number: 6,
        title: "Containers with a life of their own",
    },
    Chapter {
        number: 7,
        title: "Terminals, attaching and watching",
    },
    Chapter {
        number: 8,
        title: "The network namespace, veth, bridge and IPAM",
    },
    Chapter {
        number: 9,
        title: "NAT, published ports and networks of your own",
    },
];

impl Chapter {
    /// `chapter-01`: the crate's directory and package name.
    pub fn crate_name(&self) -> String {
        format!("chapter-{:02}", self.number)
    }

    /// `minidock-01`: every crate's binary has its own name, as they share one target directory.
    pub fn binary(&self) -> String {
        format!("minidock-{:02}", self.number)
    }

    /// `chapter_01`: the chapter's test file (tests/suite/chapter_01.rs) and test module.
    pub fn test_module(&self) -> String {
        format!("chapter_{:02}", self.number)
    }

    /// The chapter's page in the book, relative to book/src.
    pub fn page(&self) -> String {
        format!("chapter-{:02}.md", self.number)
    }
}

pub fn last() -> &'static Chapter {
    CHAPTERS.last().expect("at least one chapter")
}

pub fn find(number: u32) -> Option<&'static Chapter> {
    CHAPTERS.iter().find(|c| c.number == number)
}
