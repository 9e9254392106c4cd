//! What the local service emulators (`sferum-emulator`, `max-emulator`) share, so that each
//! keeps only what is particular to its service: the HTTP server loop whose handlers can
//! drop a connection without answering ([`server`]), the per-token rate limit
//! ([`ratelimit`]), the bounded request log ([`log`]), the atomic state file
//! ([`persist`]) and the rules that pick which requests a fault hits ([`faults`]).

pub mod faults;
pub mod log;
pub mod persist;
pub mod ratelimit;
pub mod server;
