//! School data snapshots and the video-call links tasks write back.

use super::{now_ms, Store};
use exchange_sdk::school::SchoolData;
use rusqlite::{params, OptionalExtension};

/// The stored school data of an organization.
#[derive(Debug, Clone)]
pub struct StoredSchool {
    /// The data, with the call links the host holds applied.
    pub data: SchoolData,
    pub imported_ms: i64,
    pub imports: i64,
}

impl Store {
    /// Replaces the organization's school data and makes its enabled tasks due at once,
    /// in one transaction.
    pub fn import_school(&mut self, org_id: &str, data: &SchoolData) -> anyhow::Result<()> {
        let json = serde_json::to_string(data)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO school_data (org_id, json, imported_ms, imports) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT (org_id) DO UPDATE SET json = excluded.json,
                     imported_ms = excluded.imported_ms, imports = imports + 1",
                params![org_id, json, now_ms()],
            )?;
            // Links given by the import itself become the host's links too.
            for call in &data.video_calls {
                if let Some(link) = call.join_link.as_deref().filter(|l| !l.is_empty()) {
                    tx.execute(
                        "INSERT INTO call_links (org_id, call_id, link, set_ms) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (org_id, call_id) DO NOTHING",
                        params![org_id, call.id, link, now_ms()],
                    )?;
                }
            }
            tx.execute("UPDATE tasks SET due_now = 1 WHERE org_id = ?1 AND enabled = 1", [org_id])?;
            Ok(())
        })
    }

    /// When the organization's school data was last imported (ms since the epoch), without
    /// reading the data itself; `None` before the first import.
    pub fn school_imported_ms(&self, org_id: &str) -> anyhow::Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT imported_ms FROM school_data WHERE org_id = ?1",
                [org_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The organization's school data, with call links applied to published calls.
    pub fn school(&self, org_id: &str) -> anyhow::Result<Option<StoredSchool>> {
        let row = self
            .conn
            .query_row(
                "SELECT json, imported_ms, imports FROM school_data WHERE org_id = ?1",
                [org_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((json, imported_ms, imports)) = row else {
            return Ok(None);
        };
        let mut data: SchoolData = serde_json::from_str(&json)?;
        let links = self.call_links(org_id)?;
        for call in &mut data.video_calls {
            call.join_link = if call.published {
                links.get(&call.id).cloned()
            } else {
                None
            };
        }
        Ok(Some(StoredSchool {
            data,
            imported_ms,
            imports,
        }))
    }

    /// The join links the host holds, by call id.
    pub fn call_links(
        &self,
        org_id: &str,
    ) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT call_id, link FROM call_links WHERE org_id = ?1")?;
        let rows = stmt.query_map([org_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a call's join link (written back by a task); it survives later imports.
    pub fn set_call_link(&mut self, org_id: &str, call_id: &str, link: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO call_links (org_id, call_id, link, set_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (org_id, call_id) DO UPDATE SET link = excluded.link, set_ms = excluded.set_ms",
            params![org_id, call_id, link, now_ms()],
        )?;
        Ok(())
    }
}
