//! Organizations, their Links base values, and their published links tables.

use super::{now_ms, Store, StoreError};
use exchange_sdk::plugin::LinksTable;
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;

/// An organization (a school).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub created_ms: i64,
}

/// A published links table with its origin.
#[derive(Debug, Clone)]
pub struct PublishedLinks {
    pub table: LinksTable,
    pub task_id: Option<i64>,
    pub published_ms: i64,
}

impl Store {
    /// Adds an organization; its id must be new ([`StoreError::OrgExists`]).
    pub fn add_org(&mut self, id: &str, name: &str) -> anyhow::Result<()> {
        // One statement, so a second process adding the same id meanwhile is refused the same.
        let added = self.conn.execute(
            "INSERT INTO orgs (id, name, created_ms) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING",
            params![id, name, now_ms()],
        )?;
        match added {
            0 => Err(StoreError::OrgExists { id: id.to_string() }.into()),
            _ => Ok(()),
        }
    }

    /// Renames an organization.
    pub fn rename_org(&mut self, id: &str, name: &str) -> anyhow::Result<()> {
        self.conn
            .execute("UPDATE orgs SET name = ?2 WHERE id = ?1", params![id, name])?;
        Ok(())
    }

    /// Removes an organization with its Links base, school data, tasks and their runs,
    /// unless one of its runs is going on (then nothing is removed). Returns the running
    /// run that prevented it.
    pub fn remove_org(&mut self, id: &str) -> anyhow::Result<Option<i64>> {
        self.write(|tx| {
            let running: Option<i64> = tx
                .query_row(
                    "SELECT id FROM runs WHERE org_id = ?1 AND status = 'running'",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            if running.is_none() {
                tx.execute("DELETE FROM runs WHERE org_id = ?1", [id])?;
                tx.execute("DELETE FROM orgs WHERE id = ?1", [id])?;
            }
            Ok(running)
        })
    }

    /// The organization with this id.
    pub fn org(&self, id: &str) -> anyhow::Result<Option<Org>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, created_ms FROM orgs WHERE id = ?1",
                [id],
                |r| {
                    Ok(Org {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_ms: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// All organizations by id.
    pub fn orgs(&self) -> anyhow::Result<Vec<Org>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, created_ms FROM orgs ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Org {
                id: r.get(0)?,
                name: r.get(1)?,
                created_ms: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The organization's Links base values (secrets included: never print them unmasked).
    pub fn org_values(&self, org_id: &str) -> anyhow::Result<BTreeMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM org_values WHERE org_id = ?1 ORDER BY key")?;
        let rows = stmt.query_map([org_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets and removes Links base values in one transaction.
    pub fn update_org_values(
        &mut self,
        org_id: &str,
        set: &BTreeMap<String, String>,
        unset: &[String],
    ) -> anyhow::Result<()> {
        self.write(|tx| {
            for (key, value) in set {
                tx.execute(
                    "INSERT INTO org_values (org_id, key, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (org_id, key) DO UPDATE SET value = excluded.value",
                    params![org_id, key, value],
                )?;
            }
            for key in unset {
                tx.execute(
                    "DELETE FROM org_values WHERE org_id = ?1 AND key = ?2",
                    params![org_id, key],
                )?;
            }
            Ok(())
        })
    }

    /// Makes `values` the organization's whole Links base: keys not in it are removed.
    pub fn replace_org_values(
        &mut self,
        org_id: &str,
        values: &BTreeMap<String, String>,
    ) -> anyhow::Result<()> {
        let removed: Vec<String> = self
            .org_values(org_id)?
            .into_keys()
            .filter(|k| !values.contains_key(k))
            .collect();
        self.update_org_values(org_id, values, &removed)
    }

    /// Replaces the links table a task type published for the organization.
    pub fn publish_links(
        &mut self,
        org_id: &str,
        type_id: &str,
        task_id: i64,
        table: &LinksTable,
    ) -> anyhow::Result<()> {
        let json = serde_json::to_string(table)?;
        self.conn.execute(
            "INSERT INTO org_links (org_id, type_id, table_json, task_id, published_ms) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (org_id, type_id) DO UPDATE SET table_json = excluded.table_json,
                 task_id = excluded.task_id, published_ms = excluded.published_ms",
            params![org_id, type_id, json, task_id, now_ms()],
        )?;
        Ok(())
    }

    /// The links tables published for the organization, by task type.
    pub fn published_links(
        &self,
        org_id: &str,
    ) -> anyhow::Result<BTreeMap<String, PublishedLinks>> {
        let mut stmt = self.conn.prepare(
            "SELECT type_id, table_json, task_id, published_ms FROM org_links WHERE org_id = ?1 ORDER BY type_id",
        )?;
        let rows = stmt.query_map([org_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (type_id, json, task_id, published_ms) = row?;
            let table = serde_json::from_str(&json)?;
            out.insert(
                type_id,
                PublishedLinks {
                    table,
                    task_id,
                    published_ms,
                },
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schedule;

    #[test]
    fn an_org_id_is_added_once_and_its_tasks_come_with_their_own_params() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("exchange.db")).unwrap();
        store.add_org("a", "Школа А").unwrap();
        let again = store.add_org("a", "Другая").unwrap_err();
        assert_eq!(
            again.downcast_ref::<StoreError>(),
            Some(&StoreError::OrgExists { id: "a".into() })
        );
        assert_eq!(store.org("a").unwrap().unwrap().name, "Школа А");

        store.add_org("b", "Школа Б").unwrap();
        for (org, value) in [("a", "1"), ("b", "2")] {
            let params = [("k".to_string(), value.to_string())].into();
            store
                .add_task(org, "t", Schedule::Manual, &params, &Default::default())
                .unwrap();
        }
        let tasks = store.tasks(Some("b")).unwrap();
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].params["k"], "2");
        let all: Vec<String> = store
            .tasks(None)
            .unwrap()
            .into_iter()
            .map(|t| t.params["k"].clone())
            .collect();
        assert_eq!(all, ["1", "2"]);
    }
}
