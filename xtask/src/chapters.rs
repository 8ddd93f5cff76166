//! The chapters of the workshop, in order. A chapter listed here gets a starter crate, a book
//! page, a test file and a reference state; `cargo xtask verify` checks that they all exist and
//! that every chapter marker in the source names one of them.

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
