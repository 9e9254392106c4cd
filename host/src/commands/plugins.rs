//! `exchange-host plugins list|show|verify`.

use super::{print_error, print_fields, report_skipped, table, Env};
use crate::cli::PluginsCommand;
use anyhow::bail;
use exchange_core::i18n::{schedule_phrase, Lang};
use exchange_core::plugins::scan::Scanner;
use exchange_core::plugins::{discovery, Reason};
use exchange_core::tr;
use exchange_sdk::manifest::{localized, Rule};
use exchange_sdk::{AbiVersion, Dependency, Manifest, ParamSpec, ParamType};
use std::path::Path;
use std::process::ExitCode;

/// Runs a `plugins` subcommand.
pub fn run(env: &Env, command: PluginsCommand) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    if let PluginsCommand::Verify { file, json } = &command {
        return verify(lang, file, *json);
    }
    let registry = env.registry();
    match command {
        PluginsCommand::List { json } => {
            if json {
                let plugins: Vec<_> = registry
                    .plugins
                    .values()
                    .map(|p| {
                        serde_json::json!({
                            "type": p.manifest.type_id,
                            "name": p.manifest.display_name,
                            "version": p.manifest.version,
                            "abi_version": p.manifest.abi_version,
                            "capabilities": p.capabilities,
                            "file": p.path,
                        })
                    })
                    .collect();
                let out = serde_json::json!({ "plugins": plugins, "skipped": registry.skipped });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                report_skipped(&registry, lang);
                if registry.plugins.is_empty() {
                    let dirs: Vec<String> = registry
                        .dirs
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect();
                    println!("{}", tr!(lang, "cli-no-plugins", dirs = dirs.join(", ")));
                    println!("{}", tr!(lang, "cli-no-plugins-hint"));
                } else {
                    let columns = [
                        "cli-col-type",
                        "cli-col-name",
                        "cli-col-version",
                        "cli-col-file",
                    ];
                    let mut table = table(lang, &columns);
                    for p in registry.plugins.values() {
                        table.row([
                            p.manifest.type_id.clone(),
                            display_name(lang, &p.manifest),
                            p.manifest.version.clone(),
                            p.path.display().to_string(),
                        ]);
                    }
                    print!("{table}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PluginsCommand::Show { type_id, json } => {
            let Some(plugin) = registry.get(&type_id) else {
                report_skipped(&registry, lang);
                bail!(registry.not_found_message(&type_id, lang));
            };
            let m = &plugin.manifest;
            if json {
                let out = serde_json::json!({
                    "type": m.type_id, "name": m.display_name, "description": m.description,
                    "version": m.version, "abi_version": m.abi_version,
                    "capabilities": plugin.capabilities,
                    "default_schedule": m.default_schedule, "file": plugin.path,
                    "params": m.params, "requires": m.requires,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(ExitCode::SUCCESS);
            }
            show(lang, plugin);
            Ok(ExitCode::SUCCESS)
        }
        PluginsCommand::Verify { .. } => unreachable!("answered above"),
    }
}

/// `plugins show TYPE` as text: the plugin, its parameters and the rules between them.
fn show(lang: Lang, plugin: &exchange_core::plugins::Plugin) {
    let m = &plugin.manifest;
    let text = |texts, fallback| localized(texts, lang.code(), fallback).to_string();
    let caps = &plugin.capabilities;
    let extensions = match caps.entry_points.is_empty() {
        true => tr!(lang, "cli-extensions-none"),
        false => caps.entry_points.join(", "),
    };
    let schedule = exchange_core::task_config::default_schedule(plugin);
    let fields = [
        ("cli-field-task-type", m.type_id.clone()),
        ("cli-field-name", display_name(lang, m)),
        (
            "cli-field-description",
            text(&m.description_i18n, &m.description),
        ),
        (
            "cli-field-version",
            tr!(
                lang,
                "cli-version-abi",
                version = &m.version,
                abi = m.abi_version.to_string()
            ),
        ),
        (
            "cli-field-host-abi",
            tr!(lang, "cli-or-newer", abi = caps.min_host_abi.to_string()),
        ),
        ("cli-field-extensions", extensions),
        (
            "cli-field-default-schedule",
            schedule_phrase(lang, schedule),
        ),
        ("cli-field-file", plugin.path.display().to_string()),
    ];
    print_fields(lang, "", 1, &fields);
    println!();
    if m.params.is_empty() {
        println!("{}", tr!(lang, "cli-plugin-params-none"));
    } else {
        println!("{}", tr!(lang, "cli-plugin-params", count = m.params.len()));
        for p in &m.params {
            println!();
            print_param(lang, p);
        }
    }
    if !m.requires.is_empty() {
        println!();
        println!("{}", tr!(lang, "cli-rules"));
        for rule in &m.requires {
            println!("  {}", rule_text(lang, m, rule));
        }
    }
}

/// A task type's name in `lang`.
pub fn display_name(lang: Lang, manifest: &Manifest) -> String {
    localized(
        &manifest.display_name_i18n,
        lang.code(),
        &manifest.display_name,
    )
    .to_string()
}

/// One finding of `plugins verify`: the check's name, the key it concerns, what is wrong.
#[derive(serde::Serialize)]
struct VerifyFinding {
    check: String,
    key: Option<String>,
    message: String,
}

/// `plugins verify FILE`: what a vendor runs before shipping a plugin.
fn verify(lang: Lang, file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let canonical = match std::fs::canonicalize(file) {
        Ok(path) if path.is_file() => path,
        Ok(path) => {
            let path = path.display().to_string();
            print_error(lang, tr!(lang, "cli-not-a-file", file = path));
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            let (file, error) = (file.display().to_string(), e.to_string());
            print_error(
                lang,
                tr!(lang, "cli-cannot-be-read", file = file, error = error),
            );
            return Ok(ExitCode::from(2));
        }
    };
    let mut findings = Vec::new();
    let mut add = |check: &str, key: Option<String>, message: String| {
        findings.push(VerifyFinding {
            check: check.into(),
            key,
            message,
        })
    };
    if let Some(reason) = discovery::permission_problem(file) {
        add("permissions", None, reason.message(lang));
    }
    let exe = std::env::current_exe()?;
    let described = Scanner::new(exe, None).describe_unchecked(&canonical);
    let manifest = match described {
        Err(reason) => {
            add("loads", None, reason.message(lang));
            None
        }
        Ok(described) => {
            for finding in described.manifest.findings() {
                add(finding.check.name(), finding.key, finding.message);
            }
            let (needed, host) = (described.capabilities.min_host_abi, AbiVersion::current());
            if needed > host {
                let reason = Reason::NeedsNewerHost { needed, host };
                add("host-abi", None, reason.message(lang));
            }
            Some(described.manifest)
        }
    };
    if json {
        let out = serde_json::json!({
            "file": file,
            "ok": findings.is_empty(),
            "type": manifest.as_ref().map(|m| &m.type_id),
            "version": manifest.as_ref().map(|m| &m.version),
            "abi_version": manifest.as_ref().map(|m| &m.abi_version),
            "findings": findings,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else if findings.is_empty() {
        let m = manifest.as_ref().expect("a plugin without findings loaded");
        let verified = tr!(
            lang,
            "cli-verified",
            file = file.display().to_string(),
            type = &m.type_id,
            version = &m.version,
            abi = m.abi_version.to_string()
        );
        println!("{verified}");
    } else {
        for f in &findings {
            let key = f.key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default();
            println!("{}: {}: {key}{}", file.display(), f.check, f.message);
        }
    }
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A rule between parameters in words, e.g. `proxy_port: required with proxy_server`.
fn rule_text(lang: Lang, manifest: &Manifest, rule: &Dependency) -> String {
    let when = &rule.when;
    let flag = manifest
        .param(&when.key)
        .is_some_and(|p| p.kind == ParamType::Flag);
    let condition = match &when.equals {
        Some(value) => format!("{}={value}", when.key),
        None if flag => format!("{}=1", when.key),
        None => when.key.clone(),
    };
    let demand = tr!(
        lang,
        match rule.rule {
            Rule::RequiredWith => "cli-rule-required-with",
            Rule::OnlyWith => "cli-rule-only-with",
        }
    );
    format!("{}: {demand} {condition}", rule.keys.join(", "))
}

fn print_param(lang: Lang, p: &ParamSpec) {
    let presence = match &p.default {
        _ if p.required => tr!(lang, "cli-required"),
        Some(d) if !p.kind.is_secret() => tr!(lang, "cli-optional-default", default = d),
        _ => tr!(lang, "cli-optional"),
    };
    println!("  {}", p.key);
    println!(
        "    {}",
        localized(&p.description_i18n, lang.code(), &p.description)
    );
    let mut fields = vec![("cli-field-type", tr!(lang, type_name(&p.kind)))];
    if let Some(range) = range(lang, &p.kind) {
        fields.push(("cli-field-range", range));
    }
    fields.push(("cli-field-presence", presence));
    if p.kind.is_secret() {
        fields.push(("cli-field-secret", tr!(lang, "cli-secret-yes")));
    }
    print_fields(lang, "    ", 1, &fields);
}

/// The message id of a parameter type's name.
fn type_name(kind: &ParamType) -> &'static str {
    match kind {
        ParamType::String => "cli-type-string",
        ParamType::Integer { .. } => "cli-type-integer",
        ParamType::Port => "cli-type-port",
        ParamType::Flag => "cli-type-flag",
        ParamType::Enum { .. } => "cli-type-enum",
        ParamType::Duration => "cli-type-duration",
        ParamType::Secret => "cli-type-secret",
    }
}

fn range(lang: Lang, kind: &ParamType) -> Option<String> {
    match kind {
        ParamType::Integer { min, max } => Some(format!("{min}-{max}")),
        ParamType::Port => Some("1-65535".into()),
        ParamType::Flag => Some(tr!(lang, "cli-range-flag")),
        ParamType::Enum { values } => Some(values.join(", ")),
        ParamType::Duration => Some(tr!(lang, "cli-range-duration")),
        _ => None,
    }
}
