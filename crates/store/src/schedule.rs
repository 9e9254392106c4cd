//! A task's schedule as a value: what the store keeps and every layer above passes on. The
//! stored text is the canonical form ([`Schedule`]'s `Display`: `every 30m`, `constantly`,
//! `daily 07:30`, `manual`), and only that form is read back here; reading what people type
//! (Russian phrases, bounds, errors in their language) is the core crate's job.

use std::fmt;
use std::str::FromStr;

/// When a task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every so many seconds, counted from the previous run's start.
    Every(u64),
    /// Back to back: the next run starts right after the previous one ends.
    Constantly,
    /// Once a day at this local time (hour, minute).
    Daily(u32, u32),
    /// Only when started by hand or by an import.
    Manual,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Every(secs) => {
                let text = if secs % 86400 == 0 {
                    format!("{}d", secs / 86400)
                } else if secs % 3600 == 0 {
                    format!("{}h", secs / 3600)
                } else if secs % 60 == 0 {
                    format!("{}m", secs / 60)
                } else {
                    format!("{secs}s")
                };
                write!(f, "every {text}")
            }
            Schedule::Constantly => f.write_str("constantly"),
            Schedule::Daily(h, m) => write!(f, "daily {h:02}:{m:02}"),
            Schedule::Manual => f.write_str("manual"),
        }
    }
}

/// Reads the canonical form only (as stored, and as manifests declare their default).
impl FromStr for Schedule {
    type Err = String;

    fn from_str(text: &str) -> Result<Schedule, String> {
        let refused = || {
            format!("{text:?} is not a schedule in the stored form (\"every 30m\", \"constantly\", \"daily 07:30\", \"manual\")")
        };
        match text.split_once(' ') {
            None if text == "constantly" => Ok(Schedule::Constantly),
            None if text == "manual" => Ok(Schedule::Manual),
            Some(("every", period)) => exchange_sdk::manifest::parse_duration(period)
                .ok()
                .filter(|secs| *secs > 0)
                .map(Schedule::Every)
                .ok_or_else(refused),
            Some(("daily", time)) => {
                let (h, m) = time.split_once(':').ok_or_else(refused)?;
                match (h.parse::<u32>(), m.parse::<u32>()) {
                    (Ok(h), Ok(m)) if h < 24 && m < 60 && h_m_digits(time) => {
                        Ok(Schedule::Daily(h, m))
                    }
                    _ => Err(refused()),
                }
            }
            _ => Err(refused()),
        }
    }
}

/// Whether `time` is exactly `HH:MM`.
fn h_m_digits(time: &str) -> bool {
    time.len() == 5
        && time.bytes().enumerate().all(|(i, b)| match i {
            2 => b == b':',
            _ => b.is_ascii_digit(),
        })
}

impl serde::Serialize for Schedule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl rusqlite::types::ToSql for Schedule {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.to_string().into())
    }
}

impl rusqlite::types::FromSql for Schedule {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_round_trips() {
        for text in [
            "every 30m",
            "every 2h",
            "every 90m",
            "every 45s",
            "every 31d",
            "constantly",
            "daily 07:05",
            "manual",
        ] {
            assert_eq!(text.parse::<Schedule>().unwrap().to_string(), text);
        }
        assert_eq!("every 1h30m".parse(), Ok(Schedule::Every(5400)));
    }

    #[test]
    fn other_text_is_refused() {
        for text in [
            "",
            "каждые 30 минут",
            "every",
            "every 0s",
            "every often",
            "daily 7:30",
            "daily +7:30",
            "daily 24:00",
            "Manual",
            "constantly now",
        ] {
            assert!(text.parse::<Schedule>().is_err(), "{text:?}");
        }
    }
}
