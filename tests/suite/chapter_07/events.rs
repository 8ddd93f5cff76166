//! Chapter 7: events.
