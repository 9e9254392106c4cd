//! School data on the host's side: the sample school generator and the summary of what an
//! import changed. The `school-data/1` model and its validator live in `exchange_sdk`.

pub mod diff;
pub mod sample;
