//! Chapter 7: log drivers.
