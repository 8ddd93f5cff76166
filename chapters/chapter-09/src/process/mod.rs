//! The container's processes: its first process, from `clone(2)` to `execve(2)`; the init that
//! `--init` puts in front of the command; how minidock and the first process keep in step; the
//! signals minidock passes on; and the exit statuses that come out of it all.

pub mod child;
pub mod exec;
pub mod exit;
pub mod handshake;
pub mod init;
pub mod signals;
