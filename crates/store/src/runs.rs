//! Run records and their log lines.

use super::{now_ms, Store};
use rusqlite::{params, OptionalExtension, Row};
use std::collections::BTreeMap;

/// One run of a task.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub task_id: i64,
    pub org_id: String,
    /// The task type (empty for runs recorded before types were).
    pub type_id: String,
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    pub status: RunStatus,
    pub dry_run: bool,
    /// What started it.
    pub trigger: Trigger,
    pub message: String,
    pub counters: BTreeMap<String, u64>,
    /// The host process that drives the run (the host's `runs::liveness::ProcessId`),
    /// empty for runs recorded before owners were.
    #[serde(skip)]
    pub owner: String,
    /// The worker process of the run, once started.
    #[serde(skip)]
    pub worker: String,
    /// Until when the owner's lease holds (ms since the epoch); the owner renews it.
    #[serde(skip)]
    pub lease_until_ms: i64,
}

/// Where a run stands: going on, or how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Going on (at most one run per task type and organization).
    Running,
    /// Did its job.
    Ok,
    /// Did part of its job.
    Partial,
    /// Did not do its job: the plugin failed, or its worker could not start or crashed.
    Failed,
    /// Stopped on request, after its grace period, or because its host process went away.
    Interrupted,
    /// Stopped because it took longer than its max run time.
    Killed,
}

impl RunStatus {
    /// As recorded (and shown by the CLI and the JSON API): `running`, `ok`, `partial`,
    /// `failed`, `interrupted`, `killed`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Ok => "ok",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Killed => "killed",
        }
    }

    fn parse(text: &str) -> Option<RunStatus> {
        [
            RunStatus::Running,
            RunStatus::Ok,
            RunStatus::Partial,
            RunStatus::Failed,
            RunStatus::Interrupted,
            RunStatus::Killed,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// How a plugin's summary says its run ended.
impl From<exchange_sdk::RunStatus> for RunStatus {
    fn from(status: exchange_sdk::RunStatus) -> RunStatus {
        match status {
            exchange_sdk::RunStatus::Ok => RunStatus::Ok,
            exchange_sdk::RunStatus::Partial => RunStatus::Partial,
            exchange_sdk::RunStatus::Failed => RunStatus::Failed,
        }
    }
}

impl rusqlite::types::ToSql for RunStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for RunStatus {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        RunStatus::parse(text).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown run status {text:?}").into())
        })
    }
}

/// One log line of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogLine {
    pub seq: i64,
    pub at_ms: i64,
    pub level: exchange_sdk::LogLevel,
    pub message: String,
}

/// The last successful run of a task (see [`Store::last_successes`]).
#[derive(Debug, Clone)]
pub struct LastSuccess {
    pub task_id: i64,
    pub org_id: String,
    pub type_id: String,
    /// When it ended (ms since the epoch).
    pub ended_ms: i64,
}

const RUN_COLUMNS: &str = "id, task_id, org_id, started_ms, ended_ms, status, dry_run, trigger, message, counters_json, owner, worker, lease_until_ms, type_id";

fn run_from_row(r: &Row) -> rusqlite::Result<RunRecord> {
    let counters: String = r.get(9)?;
    let counters = serde_json::from_str(&counters).map_err(|e| {
        let error = format!("unreadable run counters {counters:?}: {e}");
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, error.into())
    })?;
    Ok(RunRecord {
        id: r.get(0)?,
        task_id: r.get(1)?,
        org_id: r.get(2)?,
        started_ms: r.get(3)?,
        ended_ms: r.get(4)?,
        status: r.get(5)?,
        dry_run: r.get(6)?,
        trigger: r.get(7)?,
        message: r.get(8)?,
        counters,
        owner: r.get(10)?,
        worker: r.get(11)?,
        lease_until_ms: r.get(12)?,
        type_id: r.get(13)?,
    })
}

/// What [`Store::acquire_run`] found.
#[derive(Debug)]
pub enum Acquired {
    /// The run is recorded as `running` under this id.
    Started(i64),
    /// A run of the same task type for the same organization is going on.
    Busy(Box<RunRecord>),
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// `run`, the demo, or the web console.
    Manual,
    /// `serve`, when the schedule says so.
    Schedule,
    /// `serve`, right after a school data import.
    Import,
    /// `serve`, for a run the schedule missed while no host ran.
    CatchUp,
}

impl Trigger {
    /// As recorded (and shown by the CLI and the JSON API): `manual`, `schedule`, `import`,
    /// `catch-up`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Manual => "manual",
            Trigger::Schedule => "schedule",
            Trigger::Import => "import",
            Trigger::CatchUp => "catch-up",
        }
    }
    fn parse(text: &str) -> Option<Trigger> {
        [
            Trigger::Manual,
            Trigger::Schedule,
            Trigger::Import,
            Trigger::CatchUp,
        ]
        .into_iter()
        .find(|trigger| trigger.as_str() == text)
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl rusqlite::types::ToSql for Trigger {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for Trigger {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        Trigger::parse(text).ok_or_else(|| {
            rusqlite::types::FromSqlError::Other(format!("unknown run trigger {text:?}").into())
        })
    }
}

/// A new run's facts.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub task: &'a crate::tasks::Task,
    pub trigger: Trigger,
    pub dry_run: bool,
    /// The host process that will drive it.
    pub owner: &'a str,
    pub lease_until_ms: i64,
}

/// How many runs per task the history keeps by default.
pub const DEFAULT_HISTORY: i64 = 200;

impl Store {
    /// Records the start of a run unless a run of the same task type for the same
    /// organization is going on. In one write transaction it first ends, as `interrupted`,
    /// the running records whose owner `gone` says is gone, with the message it gives; the
    /// database's unique index keeps a second `running` record out whatever process tries.
    pub fn acquire_run(
        &mut self,
        run: &NewRun,
        gone: &dyn Fn(&RunRecord) -> Option<String>,
    ) -> anyhow::Result<Acquired> {
        let task = run.task;
        self.write(|tx| {
            let sql = format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE status = 'running' AND org_id = ?1 AND type_id = ?2"
            );
            let running: Vec<RunRecord> = tx
                .prepare(&sql)?
                .query_map(params![task.org_id, task.type_id], run_from_row)?
                .collect::<Result<_, _>>()?;
            for record in running {
                let Some(message) = gone(&record) else {
                    return Ok(Acquired::Busy(Box::new(record)));
                };
                interrupt(tx, record.id, &message)?;
            }
            tx.execute(
                "INSERT INTO runs (task_id, org_id, type_id, started_ms, status, dry_run, trigger, owner, lease_until_ms)
                 VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8)",
                params![task.id, task.org_id, task.type_id, now_ms(), run.dry_run, run.trigger, run.owner, run.lease_until_ms],
            )?;
            Ok(Acquired::Started(tx.last_insert_rowid()))
        })
    }

    /// Names the worker process of a running run.
    pub fn set_run_worker(&mut self, run_id: i64, worker: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE runs SET worker = ?2 WHERE id = ?1",
            params![run_id, worker],
        )?;
        Ok(())
    }

    /// Renews the owner's lease on a running run; `false` when the run is no longer running
    /// under this owner (another host process judged it gone).
    pub fn renew_lease(&mut self, run_id: i64, owner: &str, until_ms: i64) -> anyhow::Result<bool> {
        Ok(self.conn.execute(
            "UPDATE runs SET lease_until_ms = ?3 WHERE id = ?1 AND owner = ?2 AND status = 'running'",
            params![run_id, owner, until_ms],
        )? == 1)
    }

    /// Asks the host process that owns a running run to stop it; `false` when the run is not
    /// running.
    pub fn request_cancel(&mut self, run_id: i64) -> anyhow::Result<bool> {
        Ok(self.conn.execute(
            "UPDATE runs SET cancel_requested = 1 WHERE id = ?1 AND status = 'running'",
            params![run_id],
        )? == 1)
    }

    /// Whether someone asked to stop the run (see [`Store::request_cancel`]).
    pub fn cancel_requested(&self, run_id: i64) -> anyhow::Result<bool> {
        Ok(self.conn.query_row(
            "SELECT cancel_requested FROM runs WHERE id = ?1",
            params![run_id],
            |row| row.get::<_, i64>(0),
        )? != 0)
    }

    /// Every run marked `running`, in this or another host process.
    pub fn running_runs(&self) -> anyhow::Result<Vec<RunRecord>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE status = 'running'");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], run_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Ends as `interrupted` each running run whose owner `gone` says is gone, with the
    /// message it gives; returns their ids.
    pub fn interrupt_orphaned_runs(
        &mut self,
        gone: &dyn Fn(&RunRecord) -> Option<String>,
    ) -> anyhow::Result<Vec<i64>> {
        if self.running_runs()?.iter().all(|r| gone(r).is_none()) {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE status = 'running'");
            let running: Vec<RunRecord> = tx
                .prepare(&sql)?
                .query_map([], run_from_row)?
                .collect::<Result<_, _>>()?;
            let mut ended = Vec::new();
            for record in &running {
                if let Some(message) = gone(record) {
                    interrupt(tx, record.id, &message)?;
                    ended.push(record.id);
                }
            }
            Ok(ended)
        })
    }

    /// Appends log lines to a run, in one transaction.
    pub fn append_logs(
        &mut self,
        run_id: i64,
        lines: &[(i64, exchange_sdk::LogLevel, String)],
    ) -> anyhow::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let next: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM run_logs WHERE run_id = ?1", [run_id], |r| r.get(0))?;
            let mut stmt = tx.prepare("INSERT INTO run_logs (run_id, seq, at_ms, level, message) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for (i, (at_ms, level, message)) in lines.iter().enumerate() {
                stmt.execute(params![run_id, next + 1 + i as i64, at_ms, level.as_str(), message])?;
            }
            Ok(())
        })
    }

    /// Records the end of a run and trims the task's history to `keep` runs.
    pub fn finish_run(
        &mut self,
        run_id: i64,
        status: RunStatus,
        message: &str,
        counters: &BTreeMap<String, u64>,
        keep: i64,
    ) -> anyhow::Result<()> {
        let counters = serde_json::to_string(counters)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE runs SET ended_ms = ?2, status = ?3, message = ?4, counters_json = ?5 WHERE id = ?1",
                params![run_id, now_ms(), status, message, counters],
            )?;
            tx.execute(
                "DELETE FROM runs WHERE task_id = (SELECT task_id FROM runs WHERE id = ?1)
                 AND id NOT IN (SELECT id FROM runs WHERE task_id = (SELECT task_id FROM runs WHERE id = ?1) ORDER BY id DESC LIMIT ?2)",
                params![run_id, keep],
            )?;
            Ok(())
        })
    }

    /// The run with this id.
    pub fn run_record(&self, id: i64) -> anyhow::Result<Option<RunRecord>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], run_from_row).optional()?)
    }

    /// When each task's last successful run (status `ok`, not a dry run) ended, among the
    /// runs kept, by task id.
    pub fn last_successes(&self) -> anyhow::Result<Vec<LastSuccess>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.task_id, t.org_id, t.type_id, MAX(r.ended_ms) FROM runs r
               JOIN tasks t ON t.id = r.task_id
              WHERE r.status = 'ok' AND r.dry_run = 0 AND r.ended_ms IS NOT NULL
              GROUP BY r.task_id ORDER BY r.task_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LastSuccess {
                task_id: r.get(0)?,
                org_id: r.get(1)?,
                type_id: r.get(2)?,
                ended_ms: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest `last` runs, of one task or of all, newest first.
    pub fn runs(&self, task_id: Option<i64>, last: i64) -> anyhow::Result<Vec<RunRecord>> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE (?1 IS NULL OR task_id = ?1) ORDER BY id DESC LIMIT ?2");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![task_id, last], run_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The log lines of a run after line `after` (0: from the start) at `min_level` or
    /// above, in order. Following a running run asks only for the lines it has not seen.
    pub fn run_logs(
        &self,
        run_id: i64,
        min_level: exchange_sdk::LogLevel,
        after: i64,
    ) -> anyhow::Result<Vec<LogLine>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at_ms, level, message FROM run_logs WHERE run_id = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(rusqlite::params![run_id, after], |r| {
            Ok(LogLine {
                seq: r.get(0)?,
                at_ms: r.get(1)?,
                level: level_from_text(&r.get::<_, String>(2)?)?,
                message: r.get(3)?,
            })
        })?;
        let mut lines = Vec::new();
        for line in rows {
            let line = line?;
            if line.level >= min_level {
                lines.push(line);
            }
        }
        Ok(lines)
    }

    /// The run going on now, in this or another host process, that keeps task `task` from
    /// starting: a `running` run of its type for its organization.
    pub fn running_run(&self, task: &crate::tasks::Task) -> anyhow::Result<Option<RunRecord>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE status = 'running' AND org_id = ?1 AND type_id = ?2"
        );
        Ok(self
            .conn
            .query_row(&sql, params![task.org_id, task.type_id], run_from_row)
            .optional()?)
    }
}

fn interrupt(tx: &rusqlite::Transaction, run_id: i64, message: &str) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE runs SET status = 'interrupted', ended_ms = ?2, message = ?3 WHERE id = ?1 AND status = 'running'",
        params![run_id, now_ms(), message],
    )
}

/// A recorded log level (column 2 of the log query); an unknown name is an error naming it.
fn level_from_text(level: &str) -> rusqlite::Result<exchange_sdk::LogLevel> {
    use exchange_sdk::LogLevel;
    [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ]
    .into_iter()
    .find(|known| known.as_str() == level)
    .ok_or_else(|| {
        let error = format!("unknown log level {level:?}");
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, error.into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schedule;

    #[test]
    fn a_task_and_its_run_come_back_typed_and_unknown_stored_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("exchange.db")).unwrap();
        store.add_org("school", "Школа").unwrap();
        let schedule = Schedule::Daily(7, 30);
        let id = store
            .add_task(
                "school",
                "t",
                schedule,
                &Default::default(),
                &Default::default(),
            )
            .unwrap();
        let task = store.require_task(id).unwrap();
        assert_eq!(task.schedule, schedule);
        let run = NewRun {
            task: &task,
            trigger: Trigger::CatchUp,
            dry_run: false,
            owner: "me",
            lease_until_ms: now_ms() + 30_000,
        };
        let Acquired::Started(run_id) = store.acquire_run(&run, &|_| None).unwrap() else {
            panic!("nothing else runs");
        };
        let record = store.run_record(run_id).unwrap().unwrap();
        assert_eq!(
            (record.trigger, record.status),
            (Trigger::CatchUp, RunStatus::Running)
        );
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["trigger"], "catch-up");

        store
            .conn()
            .execute("UPDATE tasks SET schedule = 'sometimes'", [])
            .unwrap();
        let error = format!("{:#}", store.require_task(id).unwrap_err());
        assert!(error.contains("\"sometimes\" is not a schedule"), "{error}");
        store
            .conn()
            .execute("UPDATE runs SET trigger = 'cron'", [])
            .unwrap();
        let error = format!("{:#}", store.run_record(run_id).unwrap_err());
        assert!(error.contains("unknown run trigger \"cron\""), "{error}");
        store
            .conn()
            .execute(
                "UPDATE runs SET trigger = 'manual', counters_json = '{oops'",
                [],
            )
            .unwrap();
        let error = format!("{:#}", store.run_record(run_id).unwrap_err());
        assert!(
            error.contains("unreadable run counters \"{oops\""),
            "{error}"
        );

        let line = (now_ms(), exchange_sdk::LogLevel::Warn, "w".to_string());
        store.append_logs(run_id, &[line]).unwrap();
        let lines = store
            .run_logs(run_id, exchange_sdk::LogLevel::Debug, 0)
            .unwrap();
        assert_eq!(lines[0].level, exchange_sdk::LogLevel::Warn);
        store
            .conn()
            .execute("UPDATE run_logs SET level = 'loud'", [])
            .unwrap();
        let error = format!(
            "{:#}",
            store
                .run_logs(run_id, exchange_sdk::LogLevel::Debug, 0)
                .unwrap_err()
        );
        assert!(error.contains("unknown log level \"loud\""), "{error}");
    }
}
