//! Chapter 6: containers with a life of their own.
#[path = "chapter_06/lifecycle.rs"]
mod lifecycle;
