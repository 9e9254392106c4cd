//! Task schedules as administrators type them (English or Russian), with errors in their
//! language. The value itself, [`Schedule`], is the store's; pure: no I/O.

use crate::i18n::Lang;
use crate::tr;

pub use exchange_store::Schedule;

/// The longest period of `every …`: 31 days.
pub const MAX_PERIOD_S: u64 = 31 * 86_400;

/// Why a text is not a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    Empty,
    NotSchedule,
    NoPeriod,
    NotNumber(String),
    NotUnit(String),
    /// A period that does not read as a duration: as typed, and the parser's error.
    NotPeriod {
        typed: String,
        error: String,
    },
    TooShort,
    TooLong,
    NotTime(String),
}

impl Refusal {
    /// What is wrong with `text` and what to write instead, in `lang`.
    fn message(&self, text: &str, lang: Lang) -> String {
        match self {
            Refusal::Empty => tr!(lang, "schedule-empty"),
            Refusal::NotSchedule => tr!(lang, "schedule-not-schedule", text = text),
            Refusal::NoPeriod => tr!(lang, "schedule-no-period"),
            Refusal::NotNumber(n) => tr!(lang, "schedule-not-number", value = n),
            Refusal::NotUnit(u) => tr!(lang, "schedule-not-unit", value = u),
            Refusal::NotPeriod { typed, error } => {
                tr!(lang, "schedule-not-period", value = typed, error = error)
            }
            Refusal::TooShort => tr!(lang, "schedule-too-short"),
            Refusal::TooLong => tr!(lang, "schedule-too-long"),
            Refusal::NotTime(t) => tr!(lang, "schedule-not-time", value = t),
        }
    }
}

/// Seconds in a Russian or English unit word (минута, минут, часа, hours, …).
fn unit_seconds(word: &str) -> Option<u64> {
    let w = word.trim_end_matches('.');
    if w.starts_with("сек") || w.starts_with("sec") || w == "s" {
        Some(1)
    } else if w.starts_with("мин") || w.starts_with("min") || w == "m" {
        Some(60)
    } else if w.starts_with("час") || w.starts_with("hour") || w == "h" {
        Some(3600)
    } else if w.starts_with("дн") || w.starts_with("день") || w.starts_with("day") || w == "d"
    {
        Some(86400)
    } else {
        None
    }
}

fn parse_every(rest: &str) -> Result<u64, Refusal> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let secs = match words.as_slice() {
        [] => return Err(Refusal::NoPeriod),
        [one] => match unit_seconds(one) {
            Some(unit) if !one.chars().next().unwrap().is_ascii_digit() => unit,
            _ => {
                exchange_sdk::manifest::parse_duration(one).map_err(|error| Refusal::NotPeriod {
                    typed: one.to_string(),
                    error,
                })?
            }
        },
        [number, unit] => {
            let n: u64 = number
                .parse()
                .map_err(|_| Refusal::NotNumber(number.to_string()))?;
            let unit = unit_seconds(unit).ok_or_else(|| Refusal::NotUnit(unit.to_string()))?;
            n.saturating_mul(unit)
        }
        _ => return Err(Refusal::NotSchedule),
    };
    if secs < 60 {
        return Err(Refusal::TooShort);
    }
    if secs > MAX_PERIOD_S {
        return Err(Refusal::TooLong);
    }
    Ok(secs)
}

fn parse_time(text: &str) -> Result<(u32, u32), Refusal> {
    let refused = || Refusal::NotTime(text.to_string());
    let (h, m) = text.split_once(':').ok_or_else(refused)?;
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h < 24 && m < 60 => Ok((h, m)),
        _ => Err(refused()),
    }
}

fn parse(text: &str) -> Result<Schedule, Refusal> {
    let lower = text.trim().to_lowercase();
    let lower = lower.trim_matches(|c| c == '"' || c == '«' || c == '»');
    let (head, rest) = lower.split_once(char::is_whitespace).unwrap_or((lower, ""));
    match head {
        "constantly" | "постоянно" => Ok(Schedule::Constantly),
        "manual" | "manually" | "вручную" => Ok(Schedule::Manual),
        "every" | "каждые" | "каждый" | "каждую" | "каждое" => {
            parse_every(rest).map(Schedule::Every)
        }
        "daily" | "ежедневно" => {
            let time = rest
                .trim()
                .trim_start_matches("в ")
                .trim_start_matches("at ")
                .trim();
            parse_time(time).map(|(h, m)| Schedule::Daily(h, m))
        }
        "" => Err(Refusal::Empty),
        _ => Err(Refusal::NotSchedule),
    }
}

/// Reads a schedule as people write it, in English or Russian («каждые 30 минут»,
/// `every 30m`, `daily 07:30`); the error, in `lang`, says what to write.
pub fn parse_in(text: &str, lang: Lang) -> Result<Schedule, String> {
    parse(text).map_err(|refusal| refusal.message(text, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Schedule, String> {
        parse_in(text, Lang::En)
    }

    #[test]
    fn english_forms() {
        assert_eq!(parse("every 30m"), Ok(Schedule::Every(1800)));
        assert_eq!(parse("every 30 minutes"), Ok(Schedule::Every(1800)));
        assert_eq!(parse("every 1h30m"), Ok(Schedule::Every(5400)));
        assert_eq!(parse("every hour"), Ok(Schedule::Every(3600)));
        assert_eq!(parse("constantly"), Ok(Schedule::Constantly));
        assert_eq!(parse("daily 07:30"), Ok(Schedule::Daily(7, 30)));
        assert_eq!(parse("manual"), Ok(Schedule::Manual));
    }

    #[test]
    fn russian_forms() {
        assert_eq!(parse("каждые 30 минут"), Ok(Schedule::Every(1800)));
        assert_eq!(parse("Каждые 30 минут"), Ok(Schedule::Every(1800)));
        assert_eq!(parse("каждый час"), Ok(Schedule::Every(3600)));
        assert_eq!(parse("каждые 2 часа"), Ok(Schedule::Every(7200)));
        assert_eq!(parse("каждую минуту"), Ok(Schedule::Every(60)));
        assert_eq!(parse("постоянно"), Ok(Schedule::Constantly));
        assert_eq!(parse("«Постоянно»"), Ok(Schedule::Constantly));
        assert_eq!(parse("ежедневно 08:00"), Ok(Schedule::Daily(8, 0)));
        assert_eq!(parse("вручную"), Ok(Schedule::Manual));
    }

    #[test]
    fn refuses_short_periods_and_nonsense() {
        assert!(parse("every 30s")
            .unwrap_err()
            .contains("at least 1 minute"));
        assert!(parse("sometimes")
            .unwrap_err()
            .contains("is not a schedule"));
        assert!(parse("daily 25:00").is_err());
        assert!(parse("every").is_err());
    }

    #[test]
    fn refusals_read_in_the_persons_language() {
        assert_eq!(
            parse_in("каждые 5x", Lang::Ru).unwrap_err(),
            "«5x» — не период. Пишите так: «каждые 30 минут» (от 1 минуты до 31 дня), «постоянно», «ежедневно 07:30» или «вручную»."
        );
        let english = parse("every 5x").unwrap_err();
        assert!(
            english.ends_with("; use one of: \"every 30m\" (any period from 1 minute to 31 days), \"constantly\", \"daily 07:30\", \"manual\"; in Russian: «каждые 30 минут», «постоянно», «ежедневно 07:30», «вручную»"),
            "{english}"
        );
    }

    #[test]
    fn refuses_periods_beyond_31_days_without_overflowing() {
        assert_eq!(parse("every 31d").unwrap(), Schedule::Every(31 * 86_400));
        for text in [
            "every 32d",
            "every 999999999999999999m",
            "каждые 999999999999999999 минут",
            "every 18446744073709551615s",
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains("at most 31 days"), "{text}: {error}");
        }
    }

    #[test]
    fn canonical_text_round_trips() {
        for text in [
            "every 30m",
            "every 2h",
            "every 90m",
            "constantly",
            "daily 07:05",
            "manual",
        ] {
            assert_eq!(parse(text).unwrap().to_string(), text);
        }
    }
}
