//! The languages of what people read: Project Fluent resources per language
//! (`crates/core/locales/{ru,en}/*.ftl`, compiled in), the [`Lang`] a process speaks, and the
//! phrases shared by the CLI and the web console (schedules, durations, counters, roles).
//!
//! The web console speaks the language of `serve --lang` (Russian by default); the CLI
//! follows the environment's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `ru…` is Russian,
//! anything else English). Plugins get the language with each run request
//! (`RunRequest::locale`) and carry their labels per language in their manifests.

use crate::schedule::Schedule;
use exchange_store::runs::{RunStatus, Trigger};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// A language of the host's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Russian, the default of the web console.
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// The language code (`ru`, `en`), as manifests and run requests carry it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language of a locale name such as `ru_RU.UTF-8` or `en`: Russian for `ru…`,
    /// English otherwise.
    pub fn of_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    /// The language of the environment, as the C library picks the messages' locale: the
    /// first set of `LC_ALL`, `LC_MESSAGES`, `LANG`; English when none is.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |locale| Lang::of_locale(&locale))
    }
}

/// The resource files of each language, compiled in: `host.ftl` (phrases shared by the CLI
/// and the console, and the console's messages), `console.ftl` (the web console's pages),
/// `cli.ftl` (the command line's own texts). A message id is unique across the files.
const RESOURCES: [(&str, [(&str, &str); 3]); 2] = [
    (
        "ru",
        [
            ("host.ftl", include_str!("../locales/ru/host.ftl")),
            ("console.ftl", include_str!("../locales/ru/console.ftl")),
            ("cli.ftl", include_str!("../locales/ru/cli.ftl")),
        ],
    ),
    (
        "en",
        [
            ("host.ftl", include_str!("../locales/en/host.ftl")),
            ("console.ftl", include_str!("../locales/en/console.ftl")),
            ("cli.ftl", include_str!("../locales/en/cli.ftl")),
        ],
    ),
];

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static BUNDLES: OnceLock<Vec<FluentBundle<FluentResource>>> = OnceLock::new();
    let make = |(code, files): &(&str, [(&str, &str); 3])| {
        let id: unic_langid::LanguageIdentifier = code.parse().expect("a language code");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Plain text: no Unicode isolation marks around the values.
        bundle.set_use_isolating(false);
        for (name, source) in files {
            let resource = FluentResource::try_new(source.to_string())
                .unwrap_or_else(|(_, errors)| panic!("{code}/{name} does not parse: {errors:?}"));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{code}/{name} repeats messages: {errors:?}"));
        }
        bundle
    };
    let bundles = BUNDLES.get_or_init(|| RESOURCES.iter().map(make).collect());
    match lang {
        Lang::Ru => &bundles[0],
        Lang::En => &bundles[1],
    }
}

/// A value for a message's variable.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text, inserted as it is.
    Text(String),
    /// A number, which also picks the plural form.
    Number(f64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_string())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Arg {
        Arg::Text(text.clone())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
number_args!(i64, u64, usize, u32, i32, f64);

/// The message `id` in `lang` with its variables. A message missing from the resources
/// (which the tests rule out) comes back as its id.
pub fn text(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::error!("no message {id} in the {} resources", lang.code());
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.clone()),
            Arg::Number(n) => FluentValue::from(*n),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::error!("message {id} in {}: {errors:?}", lang.code());
    }
    out.into_owned()
}

/// `tr!(lang, "message-id", name = value, …)`: the message in that language.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text(
            $lang,
            $id,
            &[$((stringify!($name), $crate::i18n::Arg::from($value))),*],
        )
    };
}

/// A schedule as a phrase («каждые 30 минут», `every 30 minutes`).
pub fn schedule_phrase(lang: Lang, schedule: Schedule) -> String {
    match schedule {
        Schedule::Every(secs) => {
            let (n, unit) = largest_unit(secs);
            tr!(lang, "schedule-every", n = n, unit = unit)
        }
        Schedule::Constantly => tr!(lang, "schedule-constantly"),
        Schedule::Daily(h, m) => tr!(lang, "schedule-daily", time = format!("{h:02}:{m:02}")),
        Schedule::Manual => tr!(lang, "schedule-manual"),
    }
}

/// A run's status in words («успешно», `succeeded`).
pub fn status_phrase(lang: Lang, status: RunStatus) -> String {
    text(lang, &format!("run-status-{}", status.as_str()), &[])
}

/// What started a run, in words («по расписанию», `on schedule`).
pub fn trigger_phrase(lang: Lang, trigger: Trigger) -> String {
    text(lang, &format!("run-trigger-{}", trigger.as_str()), &[])
}

/// The largest unit that divides `secs`: (count, `day`/`hour`/`minute`/`second`).
fn largest_unit(secs: u64) -> (u64, &'static str) {
    match secs {
        s if s > 0 && s % 86_400 == 0 => (s / 86_400, "day"),
        s if s > 0 && s % 3600 == 0 => (s / 3600, "hour"),
        s if s > 0 && s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    }
}

/// A duration in short units («1 ч 30 мин», `1h30m`), which [`parse_duration`] reads back.
pub fn duration_phrase(lang: Lang, secs: u64) -> String {
    if secs == 0 {
        return tr!(lang, "duration-seconds", n = 0);
    }
    let parts = [
        (secs / 86_400, "duration-days"),
        (secs % 86_400 / 3600, "duration-hours"),
        (secs % 3600 / 60, "duration-minutes"),
        (secs % 60, "duration-seconds"),
    ];
    let words: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, id)| tr!(lang, id, n = *n))
        .collect();
    words.join(&tr!(lang, "duration-joiner"))
}

/// A signal that ends a crashing process, by name and in words of `lang`
/// (`SIGSEGV, invalid memory access`).
pub fn signal_phrase(lang: Lang, signal: i32) -> String {
    let name = match signal {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        _ => "other",
    };
    tr!(lang, "signal-meaning", name = name)
}

/// Reads a duration in English units (`90s`, `1h30m`) or Russian ones (`1 ч 30 мин`,
/// `90 с`, `2 дн`, `30 минут`) into seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let lower = text.trim().to_lowercase();
    let mut english = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, english: &mut String| -> Result<(), String> {
        if word.is_empty() {
            return Ok(());
        }
        let w = word.trim_end_matches('.');
        let unit = if w.starts_with("дн") || w.starts_with("ден") || w == "д" || w == "сут"
        {
            'd'
        } else if w.starts_with('ч') {
            'h'
        } else if w.starts_with("мин") || w == "м" {
            'm'
        } else if w.starts_with("сек") || w == "с" {
            's'
        } else {
            return Err(format!("unknown duration unit {word:?} in {text:?}"));
        };
        english.push(unit);
        word.clear();
        Ok(())
    };
    for c in lower.chars() {
        if c.is_alphabetic() && !c.is_ascii() {
            word.push(c);
        } else {
            flush(&mut word, &mut english)?;
            english.push(c);
        }
    }
    flush(&mut word, &mut english)?;
    exchange_sdk::manifest::parse_duration(&english.replace(' ', ""))
}

/// A run counter's human name: the plugin's label in `lang`, else the host's name for the
/// known counters, else the counter's key as it is.
pub fn counter_label(
    lang: Lang,
    key: &str,
    labels: &std::collections::BTreeMap<String, exchange_sdk::manifest::Texts>,
) -> String {
    if let Some(label) = labels.get(key).and_then(|t| t.get(lang.code())) {
        return label.clone();
    }
    // `skipped.privacy` and the like: the reason after the dot.
    let id = format!("counter-{}", key.replace(['.', '_'], "-"));
    if bundle(lang).has_message(&id) {
        return text(lang, &id, &[]);
    }
    key.to_string()
}

/// A staff role or position code of the school data (`head`, `deputy`) in words; other text
/// is returned as it is.
pub fn role_label(lang: Lang, role: &str) -> String {
    let id = format!("role-{}", role.to_lowercase().replace(['_', ' '], "-"));
    if bundle(lang).has_message(&id) {
        text(lang, &id, &[])
    } else {
        role.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_string()))
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_messages_and_parse() {
        let [(_, ru), (_, en)] = &RESOURCES;
        for ((file, ru), (_, en)) in ru.iter().zip(en) {
            assert_eq!(
                ids(ru),
                ids(en),
                "{file}: the messages differ between ru and en"
            );
        }
        bundle(Lang::Ru);
        bundle(Lang::En);
    }

    #[test]
    fn the_environment_picks_russian_only_for_ru_locales() {
        assert_eq!(Lang::of_locale("ru_RU.UTF-8"), Lang::Ru);
        assert_eq!(Lang::of_locale("C.UTF-8"), Lang::En);
        assert_eq!(Lang::of_locale("en_US"), Lang::En);
    }

    #[test]
    fn schedules_read_as_phrases() {
        let phrase = |lang, stored: &str| schedule_phrase(lang, stored.parse().unwrap());
        assert_eq!(phrase(Lang::Ru, "every 30m"), "каждые 30 минут");
        assert_eq!(phrase(Lang::Ru, "every 1h"), "каждый час");
        assert_eq!(phrase(Lang::Ru, "every 2h"), "каждые 2 часа");
        assert_eq!(phrase(Lang::Ru, "every 1m"), "каждую минуту");
        assert_eq!(phrase(Lang::Ru, "daily 07:30"), "ежедневно в 07:30");
        assert_eq!(phrase(Lang::Ru, "manual"), "вручную");
        assert_eq!(phrase(Lang::En, "every 30m"), "every 30 minutes");
        for text in [
            "каждые 30 минут",
            "каждый час",
            "каждые 2 часа",
            "каждую минуту",
        ] {
            let schedule = crate::schedule::parse_in(text, Lang::Ru).unwrap();
            assert_eq!(schedule_phrase(Lang::Ru, schedule), text);
        }
    }

    #[test]
    fn durations_read_short_and_parse_back() {
        assert_eq!(duration_phrase(Lang::Ru, 3600), "1 ч");
        assert_eq!(duration_phrase(Lang::Ru, 5400), "1 ч 30 мин");
        assert_eq!(duration_phrase(Lang::Ru, 0), "0 с");
        assert_eq!(duration_phrase(Lang::En, 5400), "1h30m");
        for secs in [0, 45, 60, 3600, 5400, 86_400, 90_061] {
            for lang in [Lang::Ru, Lang::En] {
                assert_eq!(parse_duration(&duration_phrase(lang, secs)), Ok(secs));
            }
        }
        assert_eq!(parse_duration("30 минут"), Ok(1800));
        assert!(parse_duration("5 лет").is_err());
    }

    #[test]
    fn counters_and_roles_have_names() {
        let none = Default::default();
        assert_eq!(counter_label(Lang::Ru, "api_calls", &none), "вызовов API");
        assert_eq!(
            counter_label(Lang::Ru, "no_such_counter", &none),
            "no_such_counter"
        );
        assert_eq!(role_label(Lang::Ru, "deputy"), "заместитель руководителя");
        assert_eq!(role_label(Lang::Ru, "Учитель"), "Учитель");
    }
}
