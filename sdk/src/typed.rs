//! Typed task parameters: a run's values read with the plugin's schema, defaults applied.
//!
//! Parameters cross the ABI as text (a JSON map of strings). The host checks them against the
//! manifest before it saves them, and the SDK checks them again before `check` and `run`
//! (types, required keys, the rules of [`crate::Manifest::requires`]). So a plugin reads them
//! through [`crate::Context::params`] as the types it declared and checks nothing itself:
//!
//! ```
//! # use exchange_sdk::{Context, Manifest, ParamSpec, ParamType};
//! fn proxy(ctx: &Context<'_>) -> Option<(String, u16)> {
//!     let params = ctx.params();
//!     let server = params.text("proxy_server")?;
//!     // The manifest's rule "proxy_port is required with proxy_server" held before the run.
//!     Some((server.to_string(), params.port("proxy_port")?))
//! }
//! ```
//!
//! Asking for a key the manifest does not declare, or with an accessor of another type (a
//! `port` of a text parameter), is a mistake in the plugin: it panics, and the SDK turns the
//! panic into the run's error with that message.

use crate::manifest::{parse_duration, ParamSpec, ParamType, Params};
use std::time::Duration;

/// A run's parameters, typed by the plugin's schema (see the [module](self) documentation).
#[derive(Clone, Copy, Debug)]
pub struct TypedParams<'a> {
    specs: &'a [ParamSpec],
    values: &'a Params,
}

impl<'a> TypedParams<'a> {
    /// The values of `values` read with the schema `specs` (the manifest's `params`).
    pub fn new(specs: &'a [ParamSpec], values: &'a Params) -> Self {
        TypedParams { specs, values }
    }

    /// The value of `key` as text, trimmed, or its default; `None` when neither is set.
    /// The accessor of [`ParamType::String`] (and of any other type, as text).
    pub fn text(&self, key: &str) -> Option<&'a str> {
        self.raw(key, "text", |_| true)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// The value of a [`ParamType::Secret`] exactly as it was entered (not trimmed: a password
    /// may begin or end with a space); `None` when it is not set or empty.
    pub fn secret(&self, key: &str) -> Option<&'a str> {
        self.raw(key, "a secret", |kind| matches!(kind, ParamType::Secret))
            .filter(|v| !v.is_empty())
    }

    /// Whether a [`ParamType::Flag`] is 1 (its default when not set; `false` without one).
    pub fn flag(&self, key: &str) -> bool {
        self.raw(key, "a flag", |kind| matches!(kind, ParamType::Flag))
            .is_some_and(|v| v.trim() == "1")
    }

    /// The value of a [`ParamType::Port`].
    pub fn port(&self, key: &str) -> Option<u16> {
        self.parsed(key, "a port", |kind| matches!(kind, ParamType::Port))
    }

    /// The value of a [`ParamType::Integer`].
    pub fn integer(&self, key: &str) -> Option<i64> {
        self.parsed(key, "a whole number", |kind| {
            matches!(kind, ParamType::Integer { .. })
        })
    }

    /// The value of a [`ParamType::Duration`].
    pub fn duration(&self, key: &str) -> Option<Duration> {
        self.raw(key, "a duration", |kind| {
            matches!(kind, ParamType::Duration)
        })
        .and_then(|v| parse_duration(v).ok())
        .map(Duration::from_secs)
    }

    /// The value of a [`ParamType::Enum`], one of its listed values.
    pub fn choice(&self, key: &str) -> Option<&'a str> {
        self.raw(key, "a choice", |kind| {
            matches!(kind, ParamType::Enum { .. })
        })
        .map(str::trim)
        .filter(|v| !v.is_empty())
    }

    fn parsed<T: std::str::FromStr>(
        &self,
        key: &str,
        what: &str,
        fits: impl Fn(&ParamType) -> bool,
    ) -> Option<T> {
        self.raw(key, what, fits)
            .and_then(|v| v.trim().parse().ok())
    }

    /// The stored value of `key`, else its default; panics if the schema does not declare
    /// `key` with a type that `fits` (a mistake in the plugin, not in the input). Without a
    /// schema (a context built with [`crate::Context::new`] alone) values are read untyped.
    fn raw(&self, key: &str, what: &str, fits: impl Fn(&ParamType) -> bool) -> Option<&'a str> {
        let stored = self.values.get(key).map(String::as_str);
        if self.specs.is_empty() {
            return stored;
        }
        let Some(spec) = self.specs.iter().find(|s| s.key == key) else {
            panic!("the plugin reads the parameter {key:?}, which its manifest does not declare");
        };
        if what != "text" && !fits(&spec.kind) {
            panic!(
                "the plugin reads the parameter {key:?} as {what}, but its manifest declares {}",
                spec.kind.describe()
            );
        }
        stored
            .filter(|v| !v.trim().is_empty())
            .or(spec.default.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs() -> Vec<ParamSpec> {
        vec![
            ParamSpec::optional("server", ParamType::String, None, ""),
            ParamSpec::optional("port", ParamType::Port, Some("3128"), ""),
            ParamSpec::optional("auth", ParamType::Flag, Some("0"), ""),
            ParamSpec::optional(
                "pct",
                ParamType::Integer { min: 0, max: 100 },
                Some("20"),
                "",
            ),
            ParamSpec::optional("password", ParamType::Secret, None, ""),
            ParamSpec::optional("wait", ParamType::Duration, Some("1m"), ""),
            ParamSpec::optional(
                "mode",
                ParamType::Enum {
                    values: vec!["a".into(), "b".into()],
                },
                Some("a"),
                "",
            ),
        ]
    }

    fn values(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_and_values_are_typed() {
        let specs = specs();
        let none = values(&[]);
        let p = TypedParams::new(&specs, &none);
        assert_eq!(p.text("server"), None);
        assert_eq!(p.port("port"), Some(3128));
        assert!(!p.flag("auth"));
        assert_eq!(p.integer("pct"), Some(20));
        assert_eq!(p.secret("password"), None);
        assert_eq!(p.duration("wait"), Some(Duration::from_secs(60)));
        assert_eq!(p.choice("mode"), Some("a"));

        let set = values(&[
            ("server", " proxy.local "),
            ("port", "8080"),
            ("auth", "1"),
            ("pct", "0"),
            ("password", " pw "),
            ("wait", "1h30m"),
            ("mode", "b"),
        ]);
        let p = TypedParams::new(&specs, &set);
        assert_eq!(p.text("server"), Some("proxy.local"));
        assert_eq!(p.port("port"), Some(8080));
        assert!(p.flag("auth"));
        assert_eq!(p.integer("pct"), Some(0));
        assert_eq!(p.secret("password"), Some(" pw "));
        assert_eq!(p.duration("wait"), Some(Duration::from_secs(5400)));
        assert_eq!(p.choice("mode"), Some("b"));
        assert_eq!(p.text("port"), Some("8080"), "any value reads as text");
    }

    #[test]
    #[should_panic(
        expected = "reads the parameter \"server\" as a port, but its manifest declares text"
    )]
    fn reading_a_parameter_as_another_type_is_a_plugin_mistake() {
        let specs = specs();
        let none = values(&[]);
        TypedParams::new(&specs, &none).port("server");
    }

    #[test]
    #[should_panic(expected = "which its manifest does not declare")]
    fn reading_an_undeclared_parameter_is_a_plugin_mistake() {
        let specs = specs();
        let none = values(&[]);
        TypedParams::new(&specs, &none).text("proxy");
    }
}
