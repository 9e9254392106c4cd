//! School data files checked and waiting for the administrator's confirmation: state the
//! application holds (the handlers are in `organizations`).

use exchange_sdk::school::SchoolData;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a checked file waits for its confirmation.
pub(crate) const PENDING_FOR: Duration = Duration::from_secs(30 * 60);
/// At most this many checked files wait at once (the oldest go first).
pub(crate) const MAX_PENDING: usize = 20;
/// A checked file waiting for its confirmation.
pub(crate) struct Pending {
    pub(crate) org: String,
    pub(crate) data: SchoolData,
    /// How many imports the organization had when the file was checked.
    pub(crate) base: i64,
    pub(crate) at: Instant,
}

/// The checked files waiting for confirmation, by token.
#[derive(Default)]
pub struct PendingImports {
    map: Mutex<HashMap<String, Pending>>,
}

impl PendingImports {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
