//! When tasks are due: the pure timing rules of `serve`, modelled on systemd timers and
//! Kubernetes CronJobs. No I/O and no clock: the current time is passed in, so the rules are
//! tested with any time line.
//!
//! - A task never runs twice at once: a running task is never due.
//! - Missed runs collapse: however long the host was down, an overdue task runs once.
//! - `constantly` runs back to back, with a floor between runs and an exponential backoff
//!   after failures (capped, reset by a success).
//! - An optional random delay per task spreads many schools' runs.
//! - When more tasks are due than may run at once, the one waiting longest goes first, so
//!   every task gets its turn.

use crate::schedule::Schedule;
use chrono::{Local, TimeZone};

/// What the scheduler knows of a task's recent runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    /// The start of the latest run, if any (ms since the epoch).
    pub last_start_ms: Option<i64>,
    /// The end of the latest finished run.
    pub last_end_ms: Option<i64>,
    /// Failed runs in a row since the last success.
    pub failures: u32,
    /// Whether a run is going on now.
    pub running: bool,
}

/// Tuning of the timing rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// The shortest pause between two runs of a `constantly` task.
    pub constantly_floor_ms: i64,
    /// The longest backoff after failures.
    pub backoff_cap_ms: i64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            constantly_floor_ms: 5_000,
            backoff_cap_ms: 10 * 60_000,
        }
    }
}

/// The pause after `failures` failed runs in a row: floor × 2^failures, capped. A floor
/// under one second (even 0) still backs off from one second, so failures never spin.
pub fn backoff_ms(rules: &Rules, failures: u32) -> i64 {
    let base = rules.constantly_floor_ms.max(1_000);
    base.saturating_mul(1i64 << failures.min(20))
        .min(rules.backoff_cap_ms.max(base))
}

/// A stable pseudo-random delay in `0..=max_ms` for a task and a due time.
pub fn random_delay_ms(task_id: i64, due_ms: i64, max_ms: i64) -> i64 {
    if max_ms <= 0 {
        return 0;
    }
    let mut x = (task_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (due_ms as u64);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x % (max_ms as u64 + 1)) as i64
}

/// The next local `hh:mm` strictly after `after_ms`.
fn next_daily_ms(hour: u32, minute: u32, after_ms: i64) -> i64 {
    let after = Local
        .timestamp_millis_opt(after_ms)
        .single()
        .unwrap_or_else(Local::now);
    let mut day = after.date_naive();
    for _ in 0..3 {
        if let Some(at) = day
            .and_hms_opt(hour, minute, 0)
            .and_then(|t| Local.from_local_datetime(&t).earliest())
        {
            if at.timestamp_millis() > after_ms {
                return at.timestamp_millis();
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    after_ms + 86_400_000
}

/// When the task is next due (ms since the epoch), or `None` if only a person or an import
/// can start it. A value at or before `now` means "start now". `created_ms` anchors tasks
/// that never ran: periodic ones run at once, daily ones at the next time of day.
pub fn next_due_ms(
    schedule: Schedule,
    due_now: bool,
    timing: &Timing,
    rules: &Rules,
    created_ms: i64,
) -> Option<i64> {
    if timing.running {
        return None;
    }
    if due_now {
        return Some(i64::MIN);
    }
    match schedule {
        Schedule::Manual => None,
        Schedule::Every(period_s) => Some(match timing.last_start_ms {
            None => i64::MIN,
            Some(start) => start + period_s as i64 * 1000,
        }),
        Schedule::Constantly => Some(match timing.last_end_ms.or(timing.last_start_ms) {
            None => i64::MIN,
            Some(end) => {
                end + if timing.failures == 0 {
                    rules.constantly_floor_ms
                } else {
                    backoff_ms(rules, timing.failures)
                }
            }
        }),
        Schedule::Daily(hour, minute) => Some(next_daily_ms(
            hour,
            minute,
            timing.last_start_ms.unwrap_or(created_ms),
        )),
    }
}

/// A task that is due: since when (ms since the epoch, the random delay included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub task_id: i64,
    pub since_ms: i64,
}

/// The due tasks that start now, at most `slots` of them: the longest waiting first (the
/// earliest due time, then the lowest id), so that no task is starved by others that are
/// due again and again.
pub fn pick_fairly(mut due: Vec<Due>, slots: usize) -> Vec<i64> {
    due.sort_by_key(|d| (d.since_ms, d.task_id));
    due.into_iter().take(slots).map(|d| d.task_id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;
    const T0: i64 = 1_800_000_000_000;

    fn rules() -> Rules {
        Rules {
            constantly_floor_ms: 5_000,
            backoff_cap_ms: 10 * MIN,
        }
    }

    fn after(start: i64, end: i64, failures: u32) -> Timing {
        Timing {
            last_start_ms: Some(start),
            last_end_ms: Some(end),
            failures,
            running: false,
        }
    }

    #[test]
    fn a_running_task_is_never_due() {
        let timing = Timing {
            running: true,
            ..after(T0 - 60 * MIN, T0 - 59 * MIN, 0)
        };
        assert_eq!(
            next_due_ms(Schedule::Every(60), true, &timing, &rules(), T0),
            None
        );
    }

    #[test]
    fn a_new_periodic_task_runs_at_once() {
        let due = next_due_ms(
            Schedule::Every(1800),
            false,
            &Timing::default(),
            &rules(),
            T0,
        )
        .unwrap();
        assert!(due <= T0);
    }

    #[test]
    fn periodic_runs_count_from_the_previous_start() {
        let due = next_due_ms(
            Schedule::Every(1800),
            false,
            &after(T0, T0 + 40_000, 0),
            &rules(),
            T0,
        )
        .unwrap();
        assert_eq!(due, T0 + 30 * MIN);
    }

    #[test]
    fn missed_runs_while_down_collapse_into_one() {
        // The host was down for ten periods: the task is due once now ...
        let down = after(T0 - 10 * 30 * MIN, T0 - 10 * 30 * MIN + 1000, 0);
        let due = next_due_ms(Schedule::Every(1800), false, &down, &rules(), T0).unwrap();
        assert!(due <= T0);
        // ... and after that one run, the next is a full period later, not another catch-up.
        let caught_up = after(T0, T0 + 1000, 0);
        assert_eq!(
            next_due_ms(Schedule::Every(1800), false, &caught_up, &rules(), T0).unwrap(),
            T0 + 30 * MIN
        );
    }

    #[test]
    fn constantly_runs_back_to_back_after_the_floor() {
        let due = next_due_ms(
            Schedule::Constantly,
            false,
            &after(T0, T0 + 2000, 0),
            &rules(),
            T0,
        )
        .unwrap();
        assert_eq!(due, T0 + 2000 + 5000);
    }

    #[test]
    fn constantly_backs_off_exponentially_after_failures_capped_and_reset() {
        let pauses: Vec<i64> = (1..=10)
            .map(|f| {
                next_due_ms(Schedule::Constantly, false, &after(T0, T0, f), &rules(), T0).unwrap()
                    - T0
            })
            .collect();
        assert_eq!(&pauses[..4], &[10_000, 20_000, 40_000, 80_000]);
        assert!(pauses.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*pauses.last().unwrap(), 10 * MIN, "capped");
        let reset =
            next_due_ms(Schedule::Constantly, false, &after(T0, T0, 0), &rules(), T0).unwrap() - T0;
        assert_eq!(reset, 5000);
    }

    #[test]
    fn manual_tasks_run_only_when_made_due() {
        assert_eq!(
            next_due_ms(Schedule::Manual, false, &Timing::default(), &rules(), T0),
            None
        );
        assert!(
            next_due_ms(Schedule::Manual, true, &Timing::default(), &rules(), T0).unwrap() <= T0
        );
    }

    #[test]
    fn an_import_makes_a_periodic_task_due_at_once() {
        let recent = after(T0 - MIN, T0 - MIN + 1000, 0);
        assert!(next_due_ms(Schedule::Every(1800), true, &recent, &rules(), T0).unwrap() <= T0);
    }

    #[test]
    fn daily_runs_at_the_next_time_of_day_and_catch_up_once() {
        let start = Local
            .with_ymd_and_hms(2026, 11, 28, 8, 0, 0)
            .unwrap()
            .timestamp_millis();
        let due = next_due_ms(
            Schedule::Daily(7, 30),
            false,
            &after(start, start + 1000, 0),
            &rules(),
            start,
        )
        .unwrap();
        let expected = Local
            .with_ymd_and_hms(2026, 11, 29, 7, 30, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(due, expected);
        // Down for three days: due (in the past) once.
        let old = start - 3 * 86_400_000;
        let due = next_due_ms(
            Schedule::Daily(7, 30),
            false,
            &after(old, old, 0),
            &rules(),
            old,
        )
        .unwrap();
        assert!(due < start);
    }

    /// Simulates `serve` with injected time: tasks with `schedules`, at most `slots` runs at
    /// once, each run taking `run_ms`, ticking every 250 ms for `span_ms`. Returns how many
    /// runs each task had and when each first started.
    fn simulate(
        schedules: &[Schedule],
        slots: usize,
        run_ms: i64,
        span_ms: i64,
    ) -> (Vec<u32>, Vec<Option<i64>>) {
        let rules = rules();
        let mut timings = vec![Timing::default(); schedules.len()];
        let mut ends: Vec<Option<i64>> = vec![None; schedules.len()];
        let mut runs = vec![0u32; schedules.len()];
        let mut first = vec![None; schedules.len()];
        let mut now = T0;
        while now < T0 + span_ms {
            for (i, end) in ends.iter_mut().enumerate() {
                if end.is_some_and(|e| e <= now) {
                    *end = None;
                    timings[i].running = false;
                    timings[i].last_end_ms = Some(now);
                }
            }
            let busy = ends.iter().filter(|e| e.is_some()).count();
            let due: Vec<Due> = schedules
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let since = next_due_ms(*s, false, &timings[i], &rules, T0)?;
                    (since <= now).then_some(Due {
                        task_id: i as i64,
                        since_ms: since,
                    })
                })
                .collect();
            for id in pick_fairly(due, slots - busy) {
                let i = id as usize;
                timings[i].running = true;
                timings[i].last_start_ms = Some(now);
                ends[i] = Some(now + run_ms);
                runs[i] += 1;
                first[i].get_or_insert(now);
            }
            now += 250;
        }
        (runs, first)
    }

    #[test]
    fn every_one_of_200_constant_tasks_gets_its_turn_under_the_cap() {
        // 200 schools syncing `constantly`, 8 runs at once, 4 s per run: ids do not decide.
        let (runs, first) = simulate(&[Schedule::Constantly; 200], 8, 4_000, 120_000);
        assert!(runs.iter().all(|&n| n >= 1), "starved: {runs:?}");
        let latest_first = first.iter().map(|f| f.unwrap() - T0).max().unwrap();
        assert!(
            latest_first <= 101_000,
            "the last task waited {latest_first} ms"
        );
        let (min, max) = (runs.iter().min().unwrap(), runs.iter().max().unwrap());
        assert!(max - min <= 1, "turns are shared evenly: {min}..{max}");
    }

    #[test]
    fn a_periodic_task_with_a_high_id_is_not_starved_by_constant_ones() {
        let mut schedules = vec![Schedule::Constantly; 40];
        schedules.push(Schedule::Every(1800));
        let (runs, first) = simulate(&schedules, 4, 2_000, 60_000);
        assert_eq!(runs[40], 1, "the periodic task ran once in its period");
        assert!(
            first[40].unwrap() - T0 <= 30_000,
            "it waited at most one round of the others"
        );
    }

    #[test]
    fn picking_prefers_the_longest_waiting_then_the_lowest_id() {
        let due = |task_id, since_ms| Due { task_id, since_ms };
        let picked = pick_fairly(
            vec![due(1, 50), due(2, i64::MIN), due(3, 10), due(4, 10)],
            3,
        );
        assert_eq!(picked, vec![2, 3, 4]);
        assert!(pick_fairly(vec![due(1, 0)], 0).is_empty());
    }

    #[test]
    fn random_delay_is_stable_and_bounded() {
        let a = random_delay_ms(7, T0, 300_000);
        assert_eq!(a, random_delay_ms(7, T0, 300_000));
        assert!((0..=300_000).contains(&a));
        assert_eq!(random_delay_ms(7, T0, 0), 0);
        let spread: std::collections::BTreeSet<i64> = (0..50)
            .map(|t| random_delay_ms(t, T0, 300_000) / 10_000)
            .collect();
        assert!(spread.len() > 10, "delays spread tasks out");
    }
}
