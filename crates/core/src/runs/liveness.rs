//! Who runs a run, and whether they still live.
//!
//! A run record names its owner (the host process that drives it) and its worker. Both are
//! named by [`ProcessId`]: the machine's boot, the pid and the process's start time, so a
//! reused pid is never taken for the process that died. On the same machine a process's
//! life is read from `/proc` at once; a run owned on another machine is judged by its lease.

use std::fmt;
use std::str::FromStr;

/// A process, named so that a later process with the same pid is a different one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessId {
    /// The machine and its boot (`/proc/sys/kernel/random/boot_id`).
    pub boot: String,
    pub pid: u32,
    /// The process's start time in clock ticks since boot (`/proc/PID/stat`, field 22).
    pub start: u64,
}

impl fmt::Display for ProcessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.boot, self.pid, self.start)
    }
}

impl FromStr for ProcessId {
    type Err = String;

    fn from_str(text: &str) -> Result<ProcessId, String> {
        let mut parts = text.rsplitn(3, '/');
        let (Some(start), Some(pid), Some(boot)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("{text:?} does not name a process"));
        };
        Ok(ProcessId {
            boot: boot.to_string(),
            pid: pid.parse().map_err(|_| format!("bad pid in {text:?}"))?,
            start: start
                .parse()
                .map_err(|_| format!("bad start time in {text:?}"))?,
        })
    }
}

/// This machine's boot: the same for every process until the machine restarts, so it is
/// read once per process.
fn boot_id() -> String {
    static BOOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BOOT.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| "unknown-boot".into())
    })
    .clone()
}

/// The start time of process `pid`, if it exists (and is not a zombie).
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: read after it.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace();
    let state = fields.next()?;
    if state == "Z" || state == "X" {
        return None;
    }
    // Fields 3.. follow; the start time is field 22, the 19th after the state.
    fields.nth(18)?.parse().ok()
}

impl ProcessId {
    /// This process.
    pub fn current() -> ProcessId {
        ProcessId::of(std::process::id()).unwrap_or(ProcessId {
            boot: boot_id(),
            pid: std::process::id(),
            start: 0,
        })
    }

    /// Process `pid` of this machine, if it runs.
    pub fn of(pid: u32) -> Option<ProcessId> {
        Some(ProcessId {
            boot: boot_id(),
            pid,
            start: start_time(pid)?,
        })
    }

    /// Whether this process runs on this machine's current boot.
    pub fn is_local(&self) -> bool {
        self.boot == boot_id()
    }

    /// Whether the process still runs: `None` when that cannot be told from here (another
    /// machine; then its lease decides).
    pub fn alive(&self) -> Option<bool> {
        self.is_local()
            .then(|| start_time(self.pid) == Some(self.start))
    }

    /// Kills the process if it is still this one, and waits (up to two seconds) until it is
    /// gone. Returns whether it was running.
    pub fn kill(&self) -> bool {
        if self.alive() != Some(true) {
            return false;
        }
        // SAFETY: kill(2) with a pid we just saw alive with the same start time.
        unsafe {
            libc::kill(self.pid as libc::pid_t, libc::SIGKILL);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while self.alive() == Some(true) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        true
    }
}

/// Whether a run owned by `owner` with a lease until `lease_until_ms` has lost its owner at
/// `now_ms`: a local owner is gone when its process is; a remote one when its lease ran out.
pub fn owner_gone(owner: Option<&ProcessId>, lease_until_ms: i64, now_ms: i64) -> bool {
    match owner.and_then(ProcessId::alive) {
        Some(alive) => !alive,
        None => lease_until_ms < now_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_round_trips_through_text() {
        let me = ProcessId::current();
        assert!(me.start > 0);
        assert_eq!(me.alive(), Some(true));
        assert_eq!(me.to_string().parse::<ProcessId>().unwrap(), me);
    }

    #[test]
    fn a_reused_pid_is_another_process() {
        let me = ProcessId::current();
        let earlier = ProcessId {
            start: me.start - 1,
            ..me.clone()
        };
        assert_eq!(earlier.alive(), Some(false));
        assert!(
            owner_gone(Some(&earlier), i64::MAX, 0),
            "a lease does not save a dead local owner"
        );
    }

    #[test]
    fn a_remote_owner_is_judged_by_its_lease() {
        let remote = ProcessId {
            boot: "another-machine".into(),
            pid: 1,
            start: 1,
        };
        assert_eq!(remote.alive(), None);
        assert!(!owner_gone(Some(&remote), 2_000, 1_000));
        assert!(owner_gone(Some(&remote), 1_000, 2_000));
        assert!(owner_gone(None, 0, 1), "runs from before leases are gone");
    }

    #[test]
    fn a_finished_child_is_dead_and_kill_stops_a_live_one() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let id = ProcessId::of(child.id()).unwrap();
        assert_eq!(id.alive(), Some(true));
        assert!(id.kill());
        let _ = child.wait();
        assert_eq!(id.alive(), Some(false));
        assert!(!id.kill());
    }
}
