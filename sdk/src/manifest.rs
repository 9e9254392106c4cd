//! What a plugin declares about itself: its task type and its parameter schema.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Texts of one message in several languages: language code (`ru`, `en`) to text.
pub type Texts = BTreeMap<String, String>;

/// The text for `lang` among `texts`, else `fallback` (the field without a language).
pub fn localized<'a>(texts: &'a Texts, lang: &str, fallback: &'a str) -> &'a str {
    texts.get(lang).map(String::as_str).unwrap_or(fallback)
}

/// A plugin's self-description, returned by its `manifest` entry point.
///
/// The `*_i18n` fields and the labels carry texts per language; a host shows the one of its
/// language, else the plain field. A host that does not know them ignores them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Manifest {
    /// Stable, lowercase task type id, e.g. `sferum-sync`.
    pub type_id: String,
    /// The name shown to administrators (Russian for Russian services).
    pub display_name: String,
    /// One or two sentences on what the task does.
    pub description: String,
    /// The plugin's own version.
    pub version: String,
    /// The ABI version the plugin was built against (filled in by the SDK).
    #[serde(default)]
    pub abi_version: String,
    /// The schedule a new task of this type gets when none is given, e.g. `every 30m`.
    #[serde(default)]
    pub default_schedule: Option<String>,
    /// The task parameters, in the order they are shown.
    #[serde(default)]
    pub params: Vec<ParamSpec>,
    /// The organization Links base keys the plugin reads (e.g. `sferum.access_token`), so the
    /// host can check `org set` values and mask the secret ones.
    #[serde(default)]
    pub org_keys: Vec<ParamSpec>,
    /// Whether an organization may have more than one task of this type. A type that keeps
    /// one outside service in step with the school (one messenger community) may not: two
    /// such tasks would fight over the same chats. Runs of one type for one organization
    /// never overlap either way.
    #[serde(default)]
    pub several_tasks_per_org: bool,
    /// [`Manifest::display_name`] per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub display_name_i18n: Texts,
    /// [`Manifest::description`] per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub description_i18n: Texts,
    /// Human names of the counters a run reports (`chats_created` → «создано чатов»), per
    /// language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counter_labels: BTreeMap<String, Texts>,
}

impl Manifest {
    /// The parameter declared under `key`, if any.
    pub fn param(&self, key: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.key == key)
    }
}

/// One task parameter (`key=value`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ParamSpec {
    /// The key administrators type, e.g. `proxy_port`.
    pub key: String,
    /// Its type, which decides what values are accepted.
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// Whether a task must set it.
    #[serde(default)]
    pub required: bool,
    /// The value used when the task does not set it.
    #[serde(default)]
    pub default: Option<String>,
    /// What it means, in one line.
    #[serde(default)]
    pub description: String,
    /// A short name for forms, per language (the key is shown when there is none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub label: Texts,
    /// [`ParamSpec::description`] per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub description_i18n: Texts,
}

impl ParamSpec {
    /// An optional parameter with an optional default.
    pub fn optional(
        key: &str,
        kind: ParamType,
        default: Option<&str>,
        description: &str,
    ) -> ParamSpec {
        ParamSpec {
            key: key.into(),
            kind,
            required: false,
            default: default.map(Into::into),
            description: description.into(),
            label: Texts::new(),
            description_i18n: Texts::new(),
        }
    }

    /// Adds the short name for forms in language `lang`.
    pub fn with_label(mut self, lang: &str, label: &str) -> ParamSpec {
        self.label.insert(lang.into(), label.into());
        self
    }

    /// Adds the description in language `lang`.
    pub fn with_description(mut self, lang: &str, description: &str) -> ParamSpec {
        self.description_i18n
            .insert(lang.into(), description.into());
        self
    }

    /// A parameter every task of the type must set.
    pub fn required(key: &str, kind: ParamType, description: &str) -> ParamSpec {
        ParamSpec {
            required: true,
            ..ParamSpec::optional(key, kind, None, description)
        }
    }
}

/// The type of a parameter value.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamType {
    /// Any text.
    String,
    /// A whole number within `min..=max`.
    Integer { min: i64, max: i64 },
    /// A TCP port, 1-65535.
    Port,
    /// `0` or `1`.
    Flag,
    /// One of the listed values.
    Enum { values: Vec<String> },
    /// A duration such as `90s`, `30m`, `1h30m`.
    Duration,
    /// Text that is stored but never shown (passwords, tokens).
    Secret,
}

impl ParamType {
    /// A short human description, e.g. `a port 1-65535`.
    pub fn describe(&self) -> String {
        match self {
            ParamType::String => "text".into(),
            ParamType::Integer { min, max } if *max == i64::MAX => match min {
                1 => "a positive whole number".into(),
                _ => format!("a whole number of at least {min}"),
            },
            ParamType::Integer { min, max } => format!("a whole number {min}-{max}"),
            ParamType::Port => "a port 1-65535".into(),
            ParamType::Flag => "0 or 1".into(),
            ParamType::Enum { values } => format!("one of {}", values.join(", ")),
            ParamType::Duration => "a duration such as 90s, 30m or 1h30m".into(),
            ParamType::Secret => "secret text".into(),
        }
    }

    /// Whether values of this type must never be shown.
    pub fn is_secret(&self) -> bool {
        matches!(self, ParamType::Secret)
    }

    /// Checks one value; the error says what was expected and what was given
    /// (a secret value is never repeated).
    pub fn check(&self, value: &str) -> Result<(), String> {
        let ok = match self {
            ParamType::String | ParamType::Secret => true,
            ParamType::Integer { min, max } => value
                .trim()
                .parse::<i64>()
                .is_ok_and(|n| (*min..=*max).contains(&n)),
            ParamType::Port => value
                .trim()
                .parse::<u32>()
                .is_ok_and(|n| (1..=65535).contains(&n)),
            ParamType::Flag => matches!(value.trim(), "0" | "1"),
            ParamType::Enum { values } => values.iter().any(|v| v == value.trim()),
            ParamType::Duration => parse_duration(value).is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected {}, got {value:?}", self.describe()))
        }
    }
}

/// Parses `90s`, `30m`, `1h30m`, `2d`, or a bare number of seconds, into seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(seconds);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            number.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            ' ' if number.is_empty() => continue,
            _ => return Err(format!("unknown duration unit {ch:?} in {text:?}")),
        };
        let n: u64 = number
            .parse()
            .map_err(|_| format!("a number must come before {ch:?} in {text:?}"))?;
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() {
        return Err(format!("{text:?} ends without a unit (s, m, h or d)"));
    }
    Ok(total)
}

/// A problem with a task's parameters; `key` is `None` for a problem of the whole set.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ParamProblem {
    /// The parameter it concerns.
    pub key: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Some(key) => write!(f, "{key}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Task parameters as the host stores them: key to text value.
pub type Params = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_check_names_expected_and_given() {
        assert_eq!(
            ParamType::Port.check("80a").unwrap_err(),
            "expected a port 1-65535, got \"80a\""
        );
        assert!(ParamType::Port.check("0").is_err());
        assert!(ParamType::Port.check("65536").is_err());
        assert!(ParamType::Port.check("3128").is_ok());
    }

    #[test]
    fn flag_and_integer_ranges() {
        assert!(ParamType::Flag.check("1").is_ok());
        assert!(ParamType::Flag.check("2").is_err());
        let pct = ParamType::Integer { min: 0, max: 100 };
        assert!(pct.check("20").is_ok());
        assert!(pct.check("101").is_err());
        assert!(pct.check("-1").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("2d"), Ok(172800));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("10m5").is_err());
    }
}
