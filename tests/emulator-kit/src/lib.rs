//! What the local service emulators (`sferum-emulator`, `max-emulator`) share, so that each
//! keeps only what is particular to its service: the HTTP server loop whose handlers can
//! drop a connection without answering ([`server`]), the state, counters, log and faults
//! behind one lock with the `/_emulator` endpoints that show them ([`shared`]), the
//! per-token rate limit ([`ratelimit`]), the bounded request log ([`log`]), the atomic state
//! file ([`persist`]), the rules that pick which requests a fault hits ([`faults`]) and
//! what the binaries share ([`cli`]).

pub mod cli;
pub mod faults;
pub mod log;
pub mod persist;
pub mod ratelimit;
pub mod server;
pub mod shared;
