//! Form fields generated from parameter schemas: the input fits the type (a password field
//! for secrets, a choice for flags and enums), the default is the placeholder, and the
//! problems found on the server are shown beside the field.

use crate::actions::Scalar;
use crate::error::ApiError;
use crate::views::ParamView;
use axum::extract::FromRequest;
use exchange_core::i18n::Lang;
use exchange_core::tr;
use exchange_sdk::ParamType;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// The fields of a submitted form, in order; a malformed form body is a 4xx [`ApiError`].
#[derive(serde::Deserialize, FromRequest)]
#[serde(transparent)]
#[from_request(via(axum::extract::Form), rejection(ApiError))]
pub struct Submitted(pub Vec<(String, String)>);

impl Submitted {
    /// A field's value; `None` when it was not sent or is blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// The values of the schema's fields named `{prefix}{key}`: a blank field removes a
    /// value, except a blank secret, which keeps it (its box «удалить» removes it).
    /// Returns the values to set and the keys to remove.
    pub fn params(
        &self,
        prefix: &str,
        specs: &[ParamView],
    ) -> (BTreeMap<String, Option<Scalar>>, Vec<String>) {
        let mut values = BTreeMap::new();
        let mut unset = Vec::new();
        for spec in specs {
            if self.get(&format!("clear.{}", spec.key)) == Some("1") {
                unset.push(spec.key.clone());
                continue;
            }
            let Some((_, value)) = self
                .0
                .iter()
                .find(|(k, _)| *k == format!("{prefix}{}", spec.key))
            else {
                continue;
            };
            if spec.secret && value.is_empty() {
                continue;
            }
            values.insert(spec.key.clone(), Some(Scalar::Text(value.clone())));
        }
        (values, unset)
    }

    /// What to show again in a field after the form was refused (never a secret).
    pub fn echo(&self, prefix: &str, spec: &ParamView) -> Option<&str> {
        if spec.secret {
            return None;
        }
        let name = format!("{prefix}{}", spec.key);
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The messages beside a field, with the id tests and screen readers find them by.
fn errors(id: &str, messages: &[String]) -> Markup {
    html! {
        @if !messages.is_empty() {
            div class="error" id={ "error-" (id) } role="alert" {
                @for message in messages { div { (message) } }
            }
        }
    }
}

/// A plain text field (host settings such as the schedule).
pub struct TextField<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub placeholder: &'a str,
    pub hint: &'a str,
    pub errors: &'a [String],
}

impl TextField<'_> {
    /// The field's markup.
    pub fn render(&self) -> Markup {
        html! {
            div class={ "field" @if !self.errors.is_empty() { " invalid" } } {
                label for={ "f-" (self.name) } { (self.label) }
                input id={ "f-" (self.name) } name=(self.name) type="text" value=(self.value)
                    placeholder=(self.placeholder) aria-invalid=[(!self.errors.is_empty()).then_some("true")];
                div class="hint" { (self.hint) }
                (errors(self.name, self.errors))
            }
        }
    }
}

/// A field for a declared parameter (or Links base key), named `{prefix}{key}`.
pub struct ParamField<'a> {
    pub spec: &'a ParamView,
    pub prefix: &'a str,
    /// The value to show (never given for secrets).
    pub value: Option<&'a str>,
    /// For a secret that is set: its masked value, e.g. `••••1234`.
    pub secret_set: Option<&'a str>,
    pub errors: &'a [String],
}

impl ParamField<'_> {
    /// The field's markup, its words in `lang`.
    pub fn render(&self, lang: Lang) -> Markup {
        let spec = self.spec;
        let id = spec.key.clone();
        let name = format!("{}{}", self.prefix, spec.key);
        let value = self.value.unwrap_or("");
        let invalid = !self.errors.is_empty();
        let default_text = spec
            .default
            .as_deref()
            .map(|d| tr!(lang, "field-default", value = d))
            .unwrap_or_default();
        html! {
            div class={ "field" @if invalid { " invalid" } } {
                label for={ "f-" (id) } {
                    (spec.label) " "
                    code class="key" { (spec.key) }
                    @if spec.required { " " span class="required" title=(tr!(lang, "field-required")) { "*" } }
                }
                @match &spec.kind {
                    ParamType::Flag | ParamType::Enum { .. } => {
                        select id={ "f-" (id) } name=(name) aria-invalid=[invalid.then_some("true")] {
                            option value="" selected[value.is_empty()] {
                                @if default_text.is_empty() { (tr!(lang, "field-unset")) } @else { (default_text) }
                            }
                            @for (option, label) in choices(lang, &spec.kind) {
                                option value=(option) selected[value == option] { (label) }
                            }
                        }
                    }
                    ParamType::Secret => {
                        input id={ "f-" (id) } name=(name) type="password" autocomplete="new-password"
                            placeholder=(match self.secret_set {
                                Some(masked) => tr!(lang, "field-secret-set", masked = masked),
                                None => default_text.clone(),
                            })
                            aria-invalid=[invalid.then_some("true")];
                        @if self.secret_set.is_some() {
                            label class="inline" {
                                input type="checkbox" name={ "clear." (spec.key) } value="1";
                                " " (tr!(lang, "field-secret-clear"))
                            }
                        }
                    }
                    ParamType::Integer { .. } | ParamType::Port => {
                        input id={ "f-" (id) } name=(name) type="text" inputmode="numeric" value=(value)
                            placeholder=(default_text) aria-invalid=[invalid.then_some("true")];
                    }
                    _ => {
                        input id={ "f-" (id) } name=(name) type="text" value=(value)
                            placeholder=(default_text) aria-invalid=[invalid.then_some("true")];
                    }
                }
                div class="hint" {
                    (spec.description)
                    @if !spec.description.is_empty() { " · " }
                    (spec.hint)
                }
                (errors(&id, self.errors))
            }
        }
    }
}

/// The choices of a flag or enum: value and label.
fn choices(lang: Lang, kind: &ParamType) -> Vec<(String, String)> {
    match kind {
        ParamType::Flag => vec![
            ("0".into(), tr!(lang, "field-flag-off")),
            ("1".into(), tr!(lang, "field-flag-on")),
        ],
        ParamType::Enum { values } => values.iter().map(|v| (v.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

/// Problems of the input as a whole (not of one field).
pub fn general_errors(messages: &[String]) -> Markup {
    errors("form", messages)
}
