//! Scrubbing secrets (tokens, passwords) out of free text that plugins write: run messages,
//! log lines, validation answers. Masking shown values is `params::shown`; this catches the
//! same values when they appear inside other text.

use crate::params;
use exchange_sdk::ParamSpec;
use std::collections::BTreeMap;

/// Secret values to scrub from free text.
pub struct Redactor {
    secrets: Vec<String>,
}

/// Secrets shorter than this are not scrubbed from text (they would mangle ordinary words).
const MIN_SCRUBBED: usize = 4;

impl Redactor {
    /// The secrets among `values`: those [`params::shown`] masks under `specs`.
    pub fn of(specs: &[ParamSpec], values: &BTreeMap<String, String>) -> Redactor {
        let mut redactor = Redactor {
            secrets: Vec::new(),
        };
        redactor.add(specs, values);
        redactor
    }

    /// Adds the secrets among more `values`.
    pub fn add(&mut self, specs: &[ParamSpec], values: &BTreeMap<String, String>) {
        self.secrets.extend(
            values
                .iter()
                .filter(|(k, v)| params::shown(specs, k, v) != **v)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| v.chars().count() >= MIN_SCRUBBED),
        );
    }

    /// `text` with every secret replaced by `••••`.
    pub fn clean(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "••••");
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::ParamType;

    #[test]
    fn redactor_scrubs_secret_and_undeclared_values_only() {
        let specs = vec![
            ParamSpec::optional("server", ParamType::String, None, ""),
            ParamSpec::optional("password", ParamType::Secret, None, ""),
        ];
        let values: BTreeMap<String, String> = [
            ("server", "proxy.local"),
            ("password", "hunter2-secret"),
            ("old_token", "legacy-token-value"),
            ("pin", "123"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let r = Redactor::of(&specs, &values);
        assert_eq!(
            r.clean("http://u:hunter2-secret@proxy.local uses legacy-token-value"),
            "http://u:••••@proxy.local uses ••••"
        );
    }
}
