//! Tasks, their parameters and their persistent state.

use super::{now_ms, Schedule, Store, StoreError};
use exchange_sdk::manifest::Params;
use rusqlite::{params, OptionalExtension, Row};

/// A configured task.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Task {
    pub id: i64,
    pub org_id: String,
    pub type_id: String,
    /// When it runs.
    pub schedule: Schedule,
    pub enabled: bool,
    pub max_run_time_s: i64,
    pub random_delay_s: i64,
    /// Set by an import: run at the next chance, whatever the schedule.
    pub due_now: bool,
    pub created_ms: i64,
    /// Parameters as stored (secrets included: never print them unmasked).
    pub params: Params,
}

/// A new task's longest run when none is given: an hour.
pub const DEFAULT_MAX_RUN_TIME_S: i64 = 3600;

/// What [`Store::remove_task`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The task is gone, with this many recorded runs.
    Removed { runs: i64 },
    /// Nothing changed: this run of the task is going on.
    Running { run: i64 },
}

/// Host-level settings of a task (not plugin parameters).
#[derive(Debug, Clone, Default)]
pub struct TaskSettings {
    pub schedule: Option<Schedule>,
    pub enabled: Option<bool>,
    pub max_run_time_s: Option<i64>,
    pub random_delay_s: Option<i64>,
}

const TASK_COLUMNS: &str =
    "id, org_id, type_id, schedule, enabled, max_run_time_s, random_delay_s, due_now, created_ms";

fn task_from_row(r: &Row) -> rusqlite::Result<Task> {
    Ok(Task {
        id: r.get(0)?,
        org_id: r.get(1)?,
        type_id: r.get(2)?,
        schedule: r.get(3)?,
        enabled: r.get(4)?,
        max_run_time_s: r.get(5)?,
        random_delay_s: r.get(6)?,
        due_now: r.get(7)?,
        created_ms: r.get(8)?,
        params: Params::new(),
    })
}

impl Store {
    /// Adds a task with its parameters; returns its id.
    pub fn add_task(
        &mut self,
        org_id: &str,
        type_id: &str,
        schedule: Schedule,
        params_in: &Params,
        settings: &TaskSettings,
    ) -> anyhow::Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO tasks (org_id, type_id, schedule, enabled, max_run_time_s, random_delay_s, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    org_id,
                    type_id,
                    schedule,
                    settings.enabled.unwrap_or(true),
                    settings.max_run_time_s.unwrap_or(DEFAULT_MAX_RUN_TIME_S),
                    settings.random_delay_s.unwrap_or(0),
                    now_ms()
                ],
            )?;
            let id = tx.last_insert_rowid();
            for (key, value) in params_in {
                tx.execute("INSERT INTO task_params (task_id, key, value) VALUES (?1, ?2, ?3)", params![id, key, value])?;
            }
            Ok(id)
        })
    }

    /// Replaces a task's parameters and updates the given settings, in one transaction.
    pub fn update_task(
        &mut self,
        id: i64,
        params_new: &Params,
        settings: &TaskSettings,
    ) -> anyhow::Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM task_params WHERE task_id = ?1", [id])?;
            for (key, value) in params_new {
                tx.execute(
                    "INSERT INTO task_params (task_id, key, value) VALUES (?1, ?2, ?3)",
                    params![id, key, value],
                )?;
            }
            if let Some(schedule) = &settings.schedule {
                tx.execute(
                    "UPDATE tasks SET schedule = ?2 WHERE id = ?1",
                    params![id, schedule],
                )?;
            }
            if let Some(enabled) = settings.enabled {
                tx.execute(
                    "UPDATE tasks SET enabled = ?2 WHERE id = ?1",
                    params![id, enabled],
                )?;
            }
            if let Some(secs) = settings.max_run_time_s {
                tx.execute(
                    "UPDATE tasks SET max_run_time_s = ?2 WHERE id = ?1",
                    params![id, secs],
                )?;
            }
            if let Some(secs) = settings.random_delay_s {
                tx.execute(
                    "UPDATE tasks SET random_delay_s = ?2 WHERE id = ?1",
                    params![id, secs],
                )?;
            }
            Ok(())
        })
    }

    /// Removes a task with its state and run history, in one transaction. A task with a run
    /// going on is not removed: its run's record and log would vanish while the run still
    /// changes things outside.
    pub fn remove_task(&mut self, id: i64) -> anyhow::Result<Removal> {
        self.require_task(id)?;
        self.write(|tx| {
            let running: Option<i64> = tx
                .query_row(
                    "SELECT id FROM runs WHERE task_id = ?1 AND status = 'running'",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(run) = running {
                return Ok(Removal::Running { run });
            }
            let runs: i64 =
                tx.query_row("SELECT COUNT(*) FROM runs WHERE task_id = ?1", [id], |r| {
                    r.get(0)
                })?;
            tx.execute("DELETE FROM tasks WHERE id = ?1", [id])?;
            Ok(Removal::Removed { runs })
        })
    }

    /// The task with this id, parameters included.
    pub fn task(&self, id: i64) -> anyhow::Result<Option<Task>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?1");
        let Some(mut task) = self.conn.query_row(&sql, [id], task_from_row).optional()? else {
            return Ok(None);
        };
        task.params = self.task_params(id)?;
        Ok(Some(task))
    }

    /// The task with this id, or [`StoreError::NoTask`].
    pub fn require_task(&self, id: i64) -> anyhow::Result<Task> {
        match self.task(id)? {
            Some(task) => Ok(task),
            None => Err(StoreError::NoTask { id }.into()),
        }
    }

    /// All tasks, or those of one organization, by id.
    pub fn tasks(&self, org_id: Option<&str>) -> anyhow::Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE (?1 IS NULL OR org_id = ?1) ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut tasks: Vec<Task> = stmt
            .query_map([org_id], task_from_row)?
            .collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT p.task_id, p.key, p.value FROM task_params p JOIN tasks t ON t.id = p.task_id
                  WHERE (?1 IS NULL OR t.org_id = ?1) ORDER BY p.task_id, p.key",
        )?;
        let rows = stmt.query_map([org_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut by_task: std::collections::HashMap<i64, Params> = std::collections::HashMap::new();
        for row in rows {
            let (task_id, key, value) = row?;
            by_task.entry(task_id).or_default().insert(key, value);
        }
        for task in &mut tasks {
            task.params = by_task.remove(&task.id).unwrap_or_default();
        }
        Ok(tasks)
    }

    fn task_params(&self, id: i64) -> anyhow::Result<Params> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM task_params WHERE task_id = ?1")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Clears the "due now" mark of a task (its run has started).
    pub fn clear_due_now(&mut self, id: i64) -> anyhow::Result<()> {
        self.conn
            .execute("UPDATE tasks SET due_now = 0 WHERE id = ?1", [id])?;
        Ok(())
    }

    /// A value of the task's persistent state.
    pub fn state_get(&self, task_id: i64, key: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM task_state WHERE task_id = ?1 AND key = ?2",
                params![task_id, key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Writes (or with `None` deletes) a value of the task's persistent state.
    pub fn state_set(
        &mut self,
        task_id: i64,
        key: &str,
        value: Option<&str>,
    ) -> anyhow::Result<()> {
        match value {
            Some(value) => self.conn.execute(
                "INSERT INTO task_state (task_id, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (task_id, key) DO UPDATE SET value = excluded.value",
                params![task_id, key, value],
            )?,
            None => self.conn.execute(
                "DELETE FROM task_state WHERE task_id = ?1 AND key = ?2",
                params![task_id, key],
            )?,
        };
        Ok(())
    }
}
