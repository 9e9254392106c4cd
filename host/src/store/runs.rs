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
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    /// `running`, `ok`, `failed`, `partial`, `interrupted` or `killed`.
    pub status: String,
    pub dry_run: bool,
    /// What started it: `manual`, `schedule`, `import`, `catch-up`.
    pub trigger: String,
    pub message: String,
    pub counters: BTreeMap<String, u64>,
}

/// One log line of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogLine {
    pub seq: i64,
    pub at_ms: i64,
    pub level: String,
    pub message: String,
}

const RUN_COLUMNS: &str =
    "id, task_id, org_id, started_ms, ended_ms, status, dry_run, trigger, message, counters_json";

fn run_from_row(r: &Row) -> rusqlite::Result<RunRecord> {
    let counters: String = r.get(9)?;
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
        counters: serde_json::from_str(&counters).unwrap_or_default(),
    })
}

/// How many runs per task the history keeps by default.
pub const DEFAULT_HISTORY: i64 = 200;

impl Store {
    /// Records the start of a run; returns its id.
    pub fn start_run(
        &mut self,
        task_id: i64,
        org_id: &str,
        trigger: &str,
        dry_run: bool,
    ) -> anyhow::Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (task_id, org_id, started_ms, status, dry_run, trigger) VALUES (?1, ?2, ?3, 'running', ?4, ?5)",
            params![task_id, org_id, now_ms(), dry_run, trigger],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Appends log lines to a run, in one transaction.
    pub fn append_logs(
        &mut self,
        run_id: i64,
        lines: &[(i64, String, String)],
    ) -> anyhow::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let next: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM run_logs WHERE run_id = ?1", [run_id], |r| r.get(0))?;
            let mut stmt = tx.prepare("INSERT INTO run_logs (run_id, seq, at_ms, level, message) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for (i, (at_ms, level, message)) in lines.iter().enumerate() {
                stmt.execute(params![run_id, next + 1 + i as i64, at_ms, level, message])?;
            }
            Ok(())
        })
    }

    /// Records the end of a run and trims the task's history to `keep` runs.
    pub fn finish_run(
        &mut self,
        run_id: i64,
        status: &str,
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
                level: r.get(2)?,
                message: r.get(3)?,
            })
        })?;
        let mut lines = Vec::new();
        for line in rows {
            let line = line?;
            if level_rank(&line.level) >= min_level as u8 {
                lines.push(line);
            }
        }
        Ok(lines)
    }

    /// The task's run going on now, in this or another host process: its latest run, if that
    /// is `running` and younger than the task's max run time (older ones were left by a host
    /// that died).
    pub fn running_run(
        &self,
        task: &crate::store::tasks::Task,
    ) -> anyhow::Result<Option<RunRecord>> {
        let latest = self.runs(Some(task.id), 1)?.into_iter().next();
        Ok(latest.filter(|r| {
            r.status == "running" && now_ms() - r.started_ms < task.max_run_time_s * 1000
        }))
    }

    /// Marks runs left `running` by a host that died as `interrupted`.
    pub fn interrupt_stale_runs(&mut self, task_id: i64) -> anyhow::Result<usize> {
        Ok(self.conn.execute(
            "UPDATE runs SET status = 'interrupted', ended_ms = ?2, message = 'the host stopped during the run'
             WHERE task_id = ?1 AND status = 'running'",
            params![task_id, now_ms()],
        )?)
    }
}

fn level_rank(level: &str) -> u8 {
    match level {
        "debug" => 0,
        "info" => 1,
        "warn" => 2,
        _ => 3,
    }
}
