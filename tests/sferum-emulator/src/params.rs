//! Method parameters: parsing of the string values VK methods receive.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::ApiError;

/// The parameters of one API call, by name, as strings (as the form carries them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Parameters from form pairs; a later duplicate wins, as in VK.
    pub fn from_pairs<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// Parameters of an `execute` inner call, given as a JSON object. Numbers and strings
    /// become their text, booleans `1`/`0`, arrays comma-joined lists.
    pub fn from_json_object(object: &serde_json::Map<String, Value>) -> Result<Self, String> {
        let mut out = BTreeMap::new();
        for (key, value) in object {
            out.insert(key.clone(), json_to_param(key, value)?);
        }
        Ok(Self(out))
    }

    /// The raw value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Removes `name` and returns its value.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    /// All parameters in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A required integer parameter.
    pub fn int(&self, name: &str) -> Result<i64, ApiError> {
        match self.get(name) {
            None | Some("") => Err(ApiError::param(&format!("{name} is undefined"))),
            Some(raw) => parse_int(name, raw),
        }
    }

    /// An optional integer parameter with a default.
    pub fn int_or(&self, name: &str, default: i64) -> Result<i64, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(raw) => parse_int(name, raw),
        }
    }

    /// A required non-empty text parameter.
    pub fn text(&self, name: &str) -> Result<&str, ApiError> {
        match self.get(name) {
            Some(value) if !value.trim().is_empty() => Ok(value),
            _ => Err(ApiError::param(&format!("{name} is undefined"))),
        }
    }

    /// An optional comma-separated list of integers (empty when absent).
    pub fn int_list(&self, name: &str) -> Result<Vec<i64>, ApiError> {
        let Some(raw) = self.get(name) else {
            return Ok(Vec::new());
        };
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| parse_int(name, part))
            .collect()
    }
}

fn parse_int(name: &str, raw: &str) -> Result<i64, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::param(&format!("{name} not integer")))
}

fn json_to_param(key: &str, value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Array(_) | Value::Object(_) => {
                    Err(format!("parameter {key} holds a nested list or object"))
                }
                other => json_to_param(key, other),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|parts| parts.join(",")),
        Value::Object(_) => Err(format!("parameter {key} is an object")),
    }
}
