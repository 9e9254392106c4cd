//! A local emulator of the Sferum (VK) API described in `shared/spec/sferum-api.md`, for
//! end-to-end tests, demos and benchmarks.
//!
//! Start one in-process with [`Emulator::start`] and point a client at
//! [`EmulatorHandle::base_url`]; methods are served at `POST {base}/method/{METHOD}`.
//! Beside the API, `/_emulator/...` endpoints show the state, stats and request log and
//! let tests mark users, inject faults and edit chats by hand.

mod api;
mod control;
mod emulator;
mod error;
mod execute;
mod faults;
mod http;
mod methods;
mod params;
mod state;
mod stats;

pub use control::ManualEdit;
pub use emulator::{
    CommunityConfig, Emulator, EmulatorConfig, EmulatorHandle, StartError, DEFAULT_RATE_LIMIT,
};
pub use emulator_kit::faults::Trigger;
pub use faults::{FaultKind, FaultRule};
pub use methods::{METHODS, WRITES};
pub use state::{
    Call, Chat, Community, Conversation, Limits, Member, State, UserMark, CHAT_PEER_BASE,
};
pub use stats::{LogEntry, Stats};
