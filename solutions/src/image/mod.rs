// [ch05 file]
//! Images: what a container starts from, stored once, shared by every container made of it.

pub mod config;
pub mod digest;
pub mod import;
pub mod layer;
pub mod store;
