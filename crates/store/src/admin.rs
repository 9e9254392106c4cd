//! The web console's administrator password, stored only as a password hash.

use super::{now_ms, Store};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Stores the administrator's password hash (a PHC string), replacing any earlier one.
    pub fn set_admin_password_hash(&mut self, hash: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO admin_password (id, hash, set_ms) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, set_ms = excluded.set_ms",
            params![hash, now_ms()],
        )?;
        Ok(())
    }

    /// The administrator's password hash, if a password was set.
    pub fn admin_password_hash(&self) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT hash FROM admin_password WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?)
    }
}
