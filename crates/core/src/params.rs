//! Checking `key=value` settings against a declared schema, before anything is saved.
//!
//! Accepts keys typed with Cyrillic look-alike letters (the instruction prints `проху_server`)
//! and saves them under the Latin key, with a warning.

use crate::i18n::Lang;
use crate::tr;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::{ParamSpec, ParamType};

/// The outcome of checking a set of `key=value` assignments.
#[derive(Debug, Default)]
pub struct Checked {
    /// The values to store, by canonical key.
    pub values: Params,
    /// Notes for the user that are not errors (e.g. a key rewritten to Latin letters).
    pub warnings: Vec<String>,
    /// One problem per line; nothing may be saved while there is any.
    pub problems: Vec<ParamProblem>,
}

/// Splits `key=value` arguments; a malformed one is a problem (in `lang`).
pub fn split_assignments(
    args: &[String],
    lang: Lang,
) -> (Vec<(String, String)>, Vec<ParamProblem>) {
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => {
                pairs.push((key.trim().to_string(), value.to_string()))
            }
            _ => problems.push(ParamProblem {
                key: None,
                message: tr!(lang, "param-not-assignment", arg = arg),
            }),
        }
    }
    (pairs, problems)
}

/// The Latin letters a Cyrillic letter may stand for when a Latin key was typed on a Russian
/// keyboard or copied from a document that "Russified" it: by look (р as p, х as x) or by
/// sound (р as r, п as p). `проху_server` is how the instruction prints `proxy_server`.
fn latin_readings(c: char) -> &'static [char] {
    match c.to_lowercase().next().unwrap_or(c) {
        'а' => &['a'],
        'б' => &['b'],
        'в' => &['b', 'v'],
        'г' => &['g', 'r'],
        'д' => &['d'],
        'е' | 'э' => &['e'],
        'з' => &['z'],
        'и' | 'і' => &['i', 'u'],
        'й' => &['y', 'i'],
        'к' => &['k'],
        'л' => &['l'],
        'м' => &['m'],
        'н' => &['h', 'n'],
        'о' => &['o'],
        'п' => &['p', 'n'],
        'р' => &['p', 'r'],
        'с' => &['c', 's'],
        'т' => &['t'],
        'у' => &['y', 'u'],
        'ф' => &['f'],
        'х' => &['x', 'h'],
        'ј' => &['j'],
        _ => &[],
    }
}

/// Whether `typed` is `key` written partly or wholly with Cyrillic look-alike letters.
pub fn is_lookalike_of(typed: &str, key: &str) -> bool {
    typed.chars().count() == key.chars().count()
        && typed
            .chars()
            .zip(key.chars())
            .all(|(t, k)| t.to_ascii_lowercase() == k || latin_readings(t).contains(&k))
}

/// A best-effort Latin reading of a typed key, for "did you mean" suggestions.
fn latin_guess(typed: &str) -> String {
    typed
        .chars()
        .map(|c| {
            latin_readings(c)
                .first()
                .copied()
                .unwrap_or(c.to_ascii_lowercase())
        })
        .collect()
}

/// Edit distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

/// The closest declared key, if one is close enough to be a typo.
pub fn suggestion<'a>(key: &str, specs: &'a [ParamSpec]) -> Option<&'a str> {
    specs
        .iter()
        .map(|s| (distance(key, &s.key), s.key.as_str()))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

/// Resolves a typed key to a declared one: exact, or via Latin look-alikes (with a warning).
fn resolve_key(
    typed: &str,
    specs: &[ParamSpec],
    warnings: &mut Vec<String>,
    lang: Lang,
) -> Option<String> {
    if specs.iter().any(|s| s.key == typed) {
        return Some(typed.to_string());
    }
    let latin = specs.iter().find(|s| is_lookalike_of(typed, &s.key))?;
    warnings.push(tr!(
        lang,
        "param-cyrillic-key",
        typed = typed,
        key = &latin.key
    ));
    Some(latin.key.clone())
}

/// The problem with a value of type `kind`, in `lang` (a secret value is never repeated).
pub fn type_problem(kind: &ParamType, value: &str, lang: Lang) -> Option<String> {
    kind.check(value).err()?;
    Some(tr!(
        lang,
        "param-type-expected",
        expected = describe_type(kind, lang),
        value = format!("{value:?}")
    ))
}

/// What values a type accepts, in words of `lang`.
pub fn describe_type(kind: &ParamType, lang: Lang) -> String {
    match kind {
        ParamType::String => tr!(lang, "type-text"),
        ParamType::Integer { min, max } if *max == i64::MAX => {
            tr!(lang, "type-integer-from", min = *min)
        }
        ParamType::Integer { min, max } => tr!(lang, "type-integer-range", min = *min, max = *max),
        ParamType::Port => tr!(lang, "type-port"),
        ParamType::Flag => tr!(lang, "type-flag"),
        ParamType::Enum { values } => tr!(lang, "type-enum", values = values.join(", ")),
        ParamType::Duration => tr!(lang, "type-duration"),
        ParamType::Secret => tr!(lang, "type-secret"),
    }
}

/// The description of a parameter in `lang` (the plain one when it has none in `lang`).
pub fn description(spec: &ParamSpec, lang: Lang) -> &str {
    exchange_sdk::manifest::localized(&spec.description_i18n, lang.code(), &spec.description)
}

/// Checks assignments on top of `current` values: unknown keys (with "did you mean"), types
/// and ranges. Empty values remove a key. Required keys are checked on the result. Messages
/// are in `lang`.
pub fn check(
    specs: &[ParamSpec],
    current: &Params,
    assignments: &[(String, String)],
    unset: &[String],
    lang: Lang,
) -> Checked {
    let mut checked = Checked {
        values: current.clone(),
        ..Checked::default()
    };
    let known = || {
        specs
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unknown = |typed: &str| {
        let latin = latin_guess(typed);
        if latin == "force" {
            return ParamProblem {
                key: Some(typed.to_string()),
                message: tr!(lang, "param-force-not-stored"),
            };
        }
        let message = match suggestion(&latin, specs) {
            Some(s) => tr!(lang, "param-unknown-did-you-mean", typed = typed, key = s),
            None if specs.is_empty() => tr!(lang, "param-unknown-none", typed = typed),
            None => tr!(lang, "param-unknown-known", typed = typed, known = known()),
        };
        ParamProblem {
            key: Some(typed.to_string()),
            message,
        }
    };
    for typed in unset {
        match resolve_key(typed, specs, &mut checked.warnings, lang) {
            Some(key) => {
                checked.values.remove(&key);
            }
            // A stored key the plugin no longer declares can always be removed.
            None if checked.values.remove(typed.as_str()).is_some() => {}
            None => checked.problems.push(unknown(typed)),
        }
    }
    for (typed, value) in assignments {
        let Some(key) = resolve_key(typed, specs, &mut checked.warnings, lang) else {
            checked.problems.push(unknown(typed));
            continue;
        };
        let spec = specs
            .iter()
            .find(|s| s.key == key)
            .expect("resolved keys are declared");
        let value = value.trim();
        if value.is_empty() {
            checked.values.remove(&key);
            continue;
        }
        if crate::secrets::file_reference(value).is_some() {
            match crate::secrets::check_reference(spec, value, lang) {
                Some(problem) => checked.problems.push(problem),
                None => {
                    checked.values.insert(key, value.to_string());
                }
            }
            continue;
        }
        // Durations may be typed in Russian units (`1 ч 30 мин`): stored in seconds, as
        // every plugin reads them.
        if spec.kind == ParamType::Duration {
            if let Ok(secs) = crate::i18n::parse_duration(value) {
                checked.values.insert(key, format!("{secs}s"));
                continue;
            }
        }
        match type_problem(&spec.kind, value, lang) {
            None => {
                checked.values.insert(key, value.to_string());
            }
            Some(message) => checked.problems.push(ParamProblem {
                key: Some(key),
                message,
            }),
        }
    }
    for spec in specs.iter().filter(|s| s.required && s.default.is_none()) {
        if !checked.values.contains_key(&spec.key) {
            checked.problems.push(ParamProblem {
                key: Some(spec.key.clone()),
                message: tr!(
                    lang,
                    "param-required",
                    description = description(spec, lang),
                    key = &spec.key
                ),
            });
        }
    }
    checked
}

/// The values with declared defaults filled in, as a run sees them.
/// A plugin gets only the parameters its schema declares: a stored value of a key the
/// plugin no longer declares (after an upgrade) has no effect.
pub fn with_defaults(specs: &[ParamSpec], values: &Params) -> Params {
    let mut all: Params = values
        .iter()
        .filter(|(key, _)| specs.iter().any(|s| &s.key == *key))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for spec in specs {
        if let Some(default) = &spec.default {
            all.entry(spec.key.clone())
                .or_insert_with(|| default.clone());
        }
    }
    all
}

/// A value for display: secrets masked; a reference to a file holding a secret (see
/// [`crate::secrets`]) is not a secret and is shown as it is.
pub fn shown(specs: &[ParamSpec], key: &str, value: &str) -> String {
    match specs.iter().find(|s| s.key == key) {
        Some(spec) if !spec.kind.is_secret() => value.to_string(),
        _ if crate::secrets::file_reference(value).is_some() => value.to_string(),
        // Secret, or a stored key no longer declared: do not risk showing a secret.
        _ => crate::output::mask_secret(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(key: &str, kind: ParamType) -> ParamSpec {
        ParamSpec::optional(key, kind, None, "")
    }

    fn proxy_specs() -> Vec<ParamSpec> {
        vec![
            spec("proxy_server", ParamType::String),
            spec("proxy_port", ParamType::Port),
            spec("proxy_password", ParamType::Secret),
            spec("proxy_auth", ParamType::Flag),
        ]
    }

    fn assign(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn problems_are_in_russian_for_russian() {
        let c = check(
            &proxy_specs(),
            &Params::new(),
            &assign(&[("proxy_port", "80a"), ("proxy_sever", "x")]),
            &[],
            Lang::Ru,
        );
        let text: Vec<String> = c.problems.iter().map(|p| p.message.clone()).collect();
        assert_eq!(
            text,
            [
                "ожидается порт от 1 до 65535, введено \"80a\"",
                "неизвестный параметр «proxy_sever»: возможно, имелся в виду proxy_server?"
            ]
        );
    }

    #[test]
    fn bad_port_names_key_expected_and_given() {
        let c = check(
            &proxy_specs(),
            &Params::new(),
            &assign(&[("proxy_port", "80a")]),
            &[],
            Lang::En,
        );
        assert_eq!(
            c.problems[0].to_string(),
            "proxy_port: expected a port 1-65535, got \"80a\""
        );
    }

    #[test]
    fn unknown_key_suggests_the_close_one() {
        let c = check(
            &proxy_specs(),
            &Params::new(),
            &assign(&[("proxy_sever", "x")]),
            &[],
            Lang::En,
        );
        assert_eq!(
            c.problems[0].to_string(),
            "proxy_sever: unknown parameter \"proxy_sever\": did you mean proxy_server?"
        );
    }

    #[test]
    fn cyrillic_keys_are_saved_under_latin_keys_with_a_warning() {
        let c = check(
            &proxy_specs(),
            &Params::new(),
            &assign(&[("проху_server", "10.0.0.1"), ("проху_port", "3128")]),
            &[],
            Lang::En,
        );
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.values.get("proxy_server").unwrap(), "10.0.0.1");
        assert_eq!(c.values.get("proxy_port").unwrap(), "3128");
        assert_eq!(c.warnings.len(), 2);
        assert!(c.warnings[0].contains("Cyrillic"));
    }

    #[test]
    fn lookalikes_by_sight_and_by_sound() {
        assert!(is_lookalike_of("проху_auth", "proxy_auth"));
        assert!(is_lookalike_of("ргоху_port", "proxy_port"));
        assert!(!is_lookalike_of("проху_port", "proxy_auth"));
    }

    #[test]
    fn secret_values_are_never_echoed_in_problems() {
        let mut specs = proxy_specs();
        specs.push(spec("n", ParamType::Integer { min: 1, max: 5 }));
        let c = check(
            &specs,
            &Params::new(),
            &assign(&[("proxy_password", "hunter2-secret"), ("n", "9")]),
            &[],
            Lang::En,
        );
        assert!(c.problems.iter().all(|p| !p.message.contains("hunter2")));
    }

    #[test]
    fn missing_required_is_reported() {
        let mut specs = proxy_specs();
        specs[0].required = true;
        let c = check(&specs, &Params::new(), &[], &[], Lang::En);
        assert_eq!(c.problems[0].key.as_deref(), Some("proxy_server"));
        assert!(c.problems[0].message.contains("is required"));
    }

    #[test]
    fn unset_and_empty_value_remove_keys() {
        let current: Params = [
            ("proxy_server".to_string(), "p".to_string()),
            ("proxy_port".to_string(), "1".to_string()),
        ]
        .into();
        let c = check(
            &proxy_specs(),
            &current,
            &assign(&[("proxy_port", "")]),
            &["proxy_server".into()],
            Lang::En,
        );
        assert!(c.values.is_empty());
    }

    #[test]
    fn malformed_assignment_is_a_problem() {
        let (pairs, problems) = split_assignments(&["proxy_port".into(), "a=b".into()], Lang::En);
        assert_eq!(pairs.len(), 1);
        assert!(problems[0].message.contains("not a key=value"));
    }
}
