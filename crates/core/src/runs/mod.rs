//! Task runs: the worker child process, the host side that drives it, and the protocol
//! between the two.

pub mod liveness;
pub mod protocol;
pub mod runner;
pub mod worker;
