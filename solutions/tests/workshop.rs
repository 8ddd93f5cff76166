harness::setup!("minidock");
#[path = "../../tests/suite/chapter_01.rs"]
mod chapter_01;
#[path = "../../tests/suite/scaffold.rs"]
mod scaffold;
