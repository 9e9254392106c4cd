//! What a plugin declares about itself: its task type, its parameter schema (types,
//! defaults, descriptions) and the rules between parameters ([`Dependency`]).
//!
//! The host checks every task's parameters against this declaration before it saves them
//! (the CLI, the web console and the API alike), and the SDK checks them again before a run,
//! so a plugin reads typed values ([`crate::Context::params`]) and re-checks nothing.

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
///
/// Fields may be added in later SDK versions (with serde defaults, so hosts and plugins of
/// other versions still read each other): write `..Default::default()` after the fields you
/// set, so that your plugin keeps compiling against newer SDKs.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
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
    /// Rules between parameters (`proxy_port` required with `proxy_server`, …), checked by
    /// the host wherever parameters are entered and by the SDK before a run.
    #[serde(default)]
    pub requires: Vec<Dependency>,
}

impl Manifest {
    /// The parameter declared under `key`, if any.
    pub fn param(&self, key: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.key == key)
    }

    /// The problems of a task's parameters under the rules between them ([`Self::requires`]),
    /// one per parameter and rule, keyed by the parameter to change. `values` are the stored
    /// values with defaults filled in.
    pub fn dependency_problems(&self, values: &Params) -> Vec<ParamProblem> {
        self.dependency_problems_in(values, "en")
    }

    /// [`Manifest::dependency_problems`] worded in the language `lang` (`ru` for Russian,
    /// English otherwise), for a host that shows them to a person.
    pub fn dependency_problems_in(&self, values: &Params, lang: &str) -> Vec<ParamProblem> {
        let russian = lang.starts_with("ru");
        let mut problems = Vec::new();
        for rule in &self.requires {
            let holds = rule.when.holds(self, values);
            for key in &rule.keys {
                let set = is_set(self.param(key), values.get(key));
                let when = rule.when.describe(self);
                let message = match rule.rule {
                    Rule::RequiredWith if holds && !set && russian => {
                        format!("обязателен, когда задано {when}")
                    }
                    Rule::RequiredWith if holds && !set => format!("is required with {when}"),
                    Rule::OnlyWith if set && !holds && russian => format!(
                        "действует только вместе с {when}: задайте {when} или уберите этот параметр"
                    ),
                    Rule::OnlyWith if set && !holds => format!(
                        "is set but {}: set {when} too, or remove it",
                        rule.when.describe_unmet(self),
                    ),
                    _ => continue,
                };
                problems.push(ParamProblem {
                    key: Some(key.clone()),
                    message,
                });
            }
        }
        problems
    }

    /// `values` with the declared defaults filled in, as a run sees them.
    pub fn with_defaults(&self, values: &Params) -> Params {
        let mut all = values.clone();
        for spec in &self.params {
            if let Some(default) = &spec.default {
                all.entry(spec.key.clone())
                    .or_insert_with(|| default.clone());
            }
        }
        all
    }

    /// Every problem of a task's parameters: values that do not fit their types, required
    /// ones missing, and the rules between them (keys not declared are left alone: the host
    /// passes none, and a plugin cannot read them). `values` are the stored values with
    /// defaults filled in. The SDK refuses a run whose parameters have any.
    pub fn param_problems(&self, values: &Params) -> Vec<ParamProblem> {
        let mut problems = Vec::new();
        for (key, value) in values {
            let Some(spec) = self.param(key) else {
                continue;
            };
            if let Err(message) = spec.kind.check(value) {
                problems.push(ParamProblem {
                    key: Some(key.clone()),
                    message,
                });
            }
        }
        for spec in self.params.iter().filter(|s| s.required) {
            if values.get(&spec.key).is_none_or(|v| v.trim().is_empty()) {
                problems.push(ParamProblem {
                    key: Some(spec.key.clone()),
                    message: "is required".into(),
                });
            }
        }
        problems.extend(self.dependency_problems(values));
        problems
    }

    /// What is wrong with this declaration, one finding per problem (`exchange-host plugins
    /// verify` prints them all; the host refuses to load a plugin with a finding whose
    /// [`Check::refuses_load`] is true).
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut add = |check: Check, key: Option<&str>, message: String| {
            findings.push(Finding {
                check,
                key: key.map(Into::into),
                message,
            })
        };
        let id = &self.type_id;
        let well_formed = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !well_formed {
            add(
                Check::TypeId,
                None,
                format!("the task type id {id:?} is not a lowercase identifier (letters a-z, digits, '-', '_')"),
            );
        }
        if self.abi_version.trim().is_empty() {
            add(
                Check::AbiVersion,
                None,
                "the manifest states no ABI version (the SDK's export_plugin! fills it in: export the plugin with it)".into(),
            );
        }
        for (field, value) in [
            ("display_name", &self.display_name),
            ("description", &self.description),
            ("version", &self.version),
        ] {
            if value.trim().is_empty() {
                add(
                    Check::Described,
                    None,
                    format!("the manifest's {field} is empty: administrators see it when they choose a task type"),
                );
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for spec in self.params.iter().chain(&self.org_keys) {
            if spec.key.trim().is_empty() {
                add(
                    Check::UniqueKeys,
                    None,
                    "a parameter has an empty key".into(),
                );
            } else if !seen.insert(spec.key.as_str()) {
                add(
                    Check::UniqueKeys,
                    Some(&spec.key),
                    format!("the key {:?} is declared twice", spec.key),
                );
            }
            if let Some(default) = &spec.default {
                if let Err(message) = spec.kind.check(default) {
                    add(
                        Check::Defaults,
                        Some(&spec.key),
                        format!("its default does not fit its type: {message}"),
                    );
                }
            }
            if let ParamType::Integer { min, max } = spec.kind {
                if min > max {
                    add(
                        Check::Defaults,
                        Some(&spec.key),
                        format!("its range {min}-{max} is empty"),
                    );
                }
            }
            if !spec.kind.is_secret() && looks_secret(&spec.key) {
                add(
                    Check::SecretsMarked,
                    Some(&spec.key),
                    format!(
                        "its name suggests a secret, but its type is {}: declare it ParamType::Secret so that it is masked and scrubbed from logs",
                        spec.kind.describe()
                    ),
                );
            }
        }
        for rule in &self.requires {
            if rule.keys.is_empty() {
                add(
                    Check::Dependencies,
                    None,
                    format!("a rule with {} names no parameter", rule.when.key),
                );
            }
            for key in rule.keys.iter().chain([&rule.when.key]) {
                if self.param(key).is_none() {
                    add(
                        Check::Dependencies,
                        Some(key),
                        format!("a rule between parameters names {key:?}, which is not a declared parameter"),
                    );
                }
            }
            if let (Some(spec), Some(value)) = (self.param(&rule.when.key), &rule.when.equals) {
                if let Err(message) = spec.kind.check(value) {
                    add(
                        Check::Dependencies,
                        Some(&rule.when.key),
                        format!(
                            "a rule compares it with a value that does not fit its type: {message}"
                        ),
                    );
                }
            }
        }
        findings
    }
}

/// Whether a parameter counts as set: a value that is not blank; a flag only when it is 1.
fn is_set(spec: Option<&ParamSpec>, value: Option<&String>) -> bool {
    let Some(value) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return false;
    };
    match spec.map(|s| &s.kind) {
        Some(ParamType::Flag) => value == "1",
        _ => true,
    }
}

/// Whether a key's words name something secret (`proxy_password`, `api_key`, `sferum.access_token`).
fn looks_secret(key: &str) -> bool {
    const WORDS: [&str; 10] = [
        "password",
        "passwd",
        "pass",
        "pwd",
        "token",
        "secret",
        "key",
        "apikey",
        "credential",
        "credentials",
    ];
    key.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| WORDS.contains(&word))
}

/// A rule between parameters, declared in [`Manifest::requires`] (like the `dependents` of
/// Kafka Connect's `ConfigDef`, but checked): `keys` are required, or allowed only, when a
/// condition on another parameter holds.
///
/// ```
/// use exchange_sdk::manifest::{Condition, Dependency};
/// // proxy_port must be set when proxy_server is, and only then.
/// let rules = vec![
///     Dependency::required_with(&["proxy_port"], Condition::set("proxy_server")),
///     Dependency::only_with(&["proxy_port"], Condition::set("proxy_server")),
///     Dependency::required_with(&["proxy_username"], Condition::equals("proxy_auth", "1")),
/// ];
/// # assert_eq!(rules.len(), 3);
/// ```
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The parameters the rule is about; a problem is reported on each of them.
    pub keys: Vec<String>,
    /// What the rule demands of them.
    pub rule: Rule,
    /// The condition on another parameter.
    pub when: Condition,
}

impl Dependency {
    /// Each of `keys` must be set when `when` holds.
    pub fn required_with(keys: &[&str], when: Condition) -> Dependency {
        Dependency {
            keys: keys.iter().map(|k| k.to_string()).collect(),
            rule: Rule::RequiredWith,
            when,
        }
    }

    /// Each of `keys` may be set only when `when` holds.
    pub fn only_with(keys: &[&str], when: Condition) -> Dependency {
        Dependency {
            rule: Rule::OnlyWith,
            ..Dependency::required_with(keys, when)
        }
    }
}

/// What a [`Dependency`] demands of its parameters.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Set whenever the condition holds ("is required with proxy_server").
    RequiredWith,
    /// Set only when the condition holds ("is set but proxy_server is not").
    OnlyWith,
}

/// A condition on one parameter: that it is set (a flag: that it is 1), or that it has a value.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The parameter.
    pub key: String,
    /// The value it must have; `None`: any value (a flag: 1).
    #[serde(default)]
    pub equals: Option<String>,
}

impl Condition {
    /// Holds when `key` is set (not blank; a flag: 1).
    pub fn set(key: &str) -> Condition {
        Condition {
            key: key.into(),
            equals: None,
        }
    }

    /// Holds when `key` has the value `value`.
    pub fn equals(key: &str, value: &str) -> Condition {
        Condition {
            key: key.into(),
            equals: Some(value.into()),
        }
    }

    fn holds(&self, manifest: &Manifest, values: &Params) -> bool {
        let value = values.get(&self.key);
        match &self.equals {
            Some(expected) => value.is_some_and(|v| v.trim() == expected),
            None => is_set(manifest.param(&self.key), value),
        }
    }

    /// `proxy_server`, `proxy_auth=1`.
    fn describe(&self, manifest: &Manifest) -> String {
        let flag = manifest
            .param(&self.key)
            .is_some_and(|s| s.kind == ParamType::Flag);
        match &self.equals {
            Some(value) => format!("{}={value}", self.key),
            None if flag => format!("{}=1", self.key),
            None => self.key.clone(),
        }
    }

    /// `proxy_server is not`, `proxy_auth is not 1`.
    fn describe_unmet(&self, manifest: &Manifest) -> String {
        let flag = manifest
            .param(&self.key)
            .is_some_and(|s| s.kind == ParamType::Flag);
        match &self.equals {
            Some(value) => format!("{} is not {value}", self.key),
            None if flag => format!("{} is not 1", self.key),
            None => format!("{} is not", self.key),
        }
    }
}

/// One finding of [`Manifest::findings`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Which check found it.
    pub check: Check,
    /// The parameter or Links base key it concerns, if one.
    pub key: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.check.name())?;
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The checks of [`Manifest::findings`].
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The task type id is a lowercase identifier.
    TypeId,
    /// The manifest states the ABI it was built against.
    AbiVersion,
    /// The manifest gives a display name, a description and a version.
    Described,
    /// No key is declared twice (parameters and Links base keys).
    UniqueKeys,
    /// Every default fits its parameter's type (and every range has values).
    Defaults,
    /// Every parameter named like a password, token, secret or key is a secret.
    SecretsMarked,
    /// Every rule between parameters names declared parameters and values of their types.
    Dependencies,
}

impl Check {
    /// Its name in reports, e.g. `defaults`.
    pub fn name(self) -> &'static str {
        match self {
            Check::TypeId => "type-id",
            Check::AbiVersion => "abi-version",
            Check::Described => "described",
            Check::UniqueKeys => "unique-keys",
            Check::Defaults => "defaults",
            Check::SecretsMarked => "secrets-marked",
            Check::Dependencies => "dependencies",
        }
    }

    /// Whether the host refuses to load a plugin with such a finding. The ABI version, the
    /// description and the naming of secrets are advice that `plugins verify` reports; the
    /// others would make the host misread the plugin's parameters.
    pub fn refuses_load(self) -> bool {
        !matches!(
            self,
            Check::AbiVersion | Check::Described | Check::SecretsMarked
        )
    }
}

/// One task parameter (`key=value`). Build one with [`ParamSpec::optional`] or
/// [`ParamSpec::required`], or write `..Default::default()` after the fields you set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
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
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParamType {
    /// Any text.
    #[default]
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

    fn proxy_manifest() -> Manifest {
        Manifest {
            type_id: "proxied".into(),
            display_name: "Proxied".into(),
            description: "Reaches a service through a proxy.".into(),
            version: "1.0.0".into(),
            abi_version: "1.1.0".into(),
            params: vec![
                ParamSpec::optional("proxy_server", ParamType::String, None, ""),
                ParamSpec::optional("proxy_port", ParamType::Port, None, ""),
                ParamSpec::optional("proxy_auth", ParamType::Flag, Some("0"), ""),
                ParamSpec::optional("proxy_username", ParamType::String, None, ""),
                ParamSpec::optional("proxy_password", ParamType::Secret, None, ""),
            ],
            requires: vec![
                Dependency::only_with(
                    &[
                        "proxy_port",
                        "proxy_auth",
                        "proxy_username",
                        "proxy_password",
                    ],
                    Condition::set("proxy_server"),
                ),
                Dependency::required_with(&["proxy_port"], Condition::set("proxy_server")),
                Dependency::required_with(
                    &["proxy_username", "proxy_password"],
                    Condition::equals("proxy_auth", "1"),
                ),
            ],
            ..Default::default()
        }
    }

    fn problems(pairs: &[(&str, &str)]) -> Vec<String> {
        let m = proxy_manifest();
        let values: Params = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        m.dependency_problems(&m.with_defaults(&values))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn rules_between_parameters_name_the_field_to_change() {
        assert!(
            problems(&[]).is_empty(),
            "the default proxy_auth=0 is not set"
        );
        assert_eq!(
            problems(&[("proxy_port", "3128")]),
            ["proxy_port: is set but proxy_server is not: set proxy_server too, or remove it"]
        );
        assert_eq!(
            problems(&[("proxy_server", "p")]),
            ["proxy_port: is required with proxy_server"]
        );
        assert_eq!(
            problems(&[
                ("proxy_server", "p"),
                ("proxy_port", "1"),
                ("proxy_auth", "1")
            ]),
            [
                "proxy_username: is required with proxy_auth=1",
                "proxy_password: is required with proxy_auth=1"
            ]
        );
        assert_eq!(
            problems(&[("proxy_auth", "1"), ("proxy_username", "u"), ("proxy_password", " ")]),
            [
                "proxy_auth: is set but proxy_server is not: set proxy_server too, or remove it",
                "proxy_username: is set but proxy_server is not: set proxy_server too, or remove it",
                "proxy_password: is required with proxy_auth=1"
            ]
        );
    }

    #[test]
    fn rules_between_parameters_speak_russian_for_a_russian_host() {
        let m = Manifest {
            params: vec![
                ParamSpec::optional("proxy_server", ParamType::String, None, "server"),
                ParamSpec::optional("proxy_port", ParamType::Port, None, "port"),
            ],
            requires: vec![
                Dependency::required_with(&["proxy_port"], Condition::set("proxy_server")),
                Dependency::only_with(&["proxy_port"], Condition::set("proxy_server")),
            ],
            ..Default::default()
        };
        let said = |values: &[(&str, &str)]| -> Vec<String> {
            let values: Params = values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            m.dependency_problems_in(&values, "ru")
                .into_iter()
                .map(|p| p.message)
                .collect()
        };
        assert_eq!(
            said(&[("proxy_server", "proxy.school")]),
            ["обязателен, когда задано proxy_server"]
        );
        assert_eq!(
            said(&[("proxy_port", "3128")]),
            ["действует только вместе с proxy_server: задайте proxy_server или уберите этот параметр"]
        );
    }

    #[test]
    fn a_sound_manifest_has_no_findings_and_each_check_finds_its_problem() {
        assert_eq!(proxy_manifest().findings(), []);
        let mut m = proxy_manifest();
        m.type_id = "Proxied Task".into();
        m.abi_version.clear();
        m.description.clear();
        m.params[1].default = Some("80a".into());
        m.params.push(ParamSpec::optional(
            "api_token",
            ParamType::String,
            None,
            "",
        ));
        m.params
            .push(ParamSpec::optional("proxy_port", ParamType::Port, None, ""));
        m.requires.push(Dependency::required_with(
            &["proxy_pasword"],
            Condition::equals("proxy_auth", "yes"),
        ));
        let found: Vec<String> = m.findings().iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                "type-id: the task type id \"Proxied Task\" is not a lowercase identifier (letters a-z, digits, '-', '_')",
                "abi-version: the manifest states no ABI version (the SDK's export_plugin! fills it in: export the plugin with it)",
                "described: the manifest's description is empty: administrators see it when they choose a task type",
                "defaults: proxy_port: its default does not fit its type: expected a port 1-65535, got \"80a\"",
                "secrets-marked: api_token: its name suggests a secret, but its type is text: declare it ParamType::Secret so that it is masked and scrubbed from logs",
                "unique-keys: proxy_port: the key \"proxy_port\" is declared twice",
                "dependencies: proxy_pasword: a rule between parameters names \"proxy_pasword\", which is not a declared parameter",
                "dependencies: proxy_auth: a rule compares it with a value that does not fit its type: expected 0 or 1, got \"yes\"",
            ]
        );
        let advice = [Check::AbiVersion, Check::Described, Check::SecretsMarked];
        assert!(m
            .findings()
            .iter()
            .all(|f| f.check.refuses_load() != advice.contains(&f.check)));
    }

    #[test]
    fn a_manifest_of_an_older_sdk_reads_without_rules() {
        let m: Manifest = serde_json::from_str(
            r#"{"type_id":"old","display_name":"Old","description":"","version":"1","params":[]}"#,
        )
        .unwrap();
        assert!(m.requires.is_empty());
    }
}
