//! Chapter 6: containers with a life of their own.
