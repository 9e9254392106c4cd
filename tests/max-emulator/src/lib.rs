//! A local emulator of the MAX Bot API, built from the published OpenAPI schema snapshot
//! of 2026-07-01 (`shared/spec/max-bot-api.md` names the sources), for end-to-end tests
//! and demos of a bot that keeps school chats in step.
//!
//! Start one in-process with [`Emulator::start`] and point a client at
//! [`EmulatorHandle::base_url`] instead of `https://platform-api2.max.ru`. Beside the API,
//! `/_emulator/...` endpoints show the state, stats and request log, inject faults, and
//! play people ([`Act`]): create a chat, add the bot, open its deep link.

mod api;
mod control;
mod emulator;
mod error;
mod faults;
mod http;
mod ops;
mod state;
mod stats;
mod updates;

pub use control::Act;
pub use emulator::{
    BotConfig, Emulator, EmulatorConfig, EmulatorHandle, StartError, DEFAULT_RATE_LIMIT,
};
pub use emulator_kit::faults::Trigger;
pub use faults::{FaultKind, FaultRule};
pub use ops::OPERATIONS;
pub use state::{
    Bot, Chat, ChatStatus, Dialog, Member, Permission, Person, SentMessage, State, Update,
    UpdateQueue, CHAT_ID_BASE, DIALOG_ID_BASE, MAX_ADMINS,
};
pub use stats::{LogEntry, Stats};
