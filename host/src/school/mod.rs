//! School data on the host's side: the summary of what an import changed, the guard against an
//! import that shrinks the school, and the views administrators see (staff files, Sferum
//! coverage). The `school-data/1` model and its validator live in `exchange_sdk`, the sample
//! school generator in the crate `sample-school`.

pub mod coverage;
pub mod diff;
pub mod problems;
pub mod shrink;
pub mod staff;
