//! Chapter 7: terminals, attaching and watching. `-t` gives the command a real terminal, held
//! by the container's monitor; `attach` connects a terminal to it and the detach keys leave it
//! running; the output goes where the log driver says; `events` tells a container's life.

#[path = "chapter_07/events.rs"]
mod events;
#[path = "chapter_07/logging.rs"]
mod logging;
