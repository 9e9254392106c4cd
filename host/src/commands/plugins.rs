//! `exchange-host plugins list|show|verify`.

use super::{report_skipped, Env};
use crate::cli::PluginsCommand;
use anyhow::bail;
use exchange_core::output::Table;
use exchange_core::plugins::discovery;
use exchange_core::plugins::scan::Scanner;
use exchange_sdk::manifest::Rule;
use exchange_sdk::negotiate::needs_newer_host;
use exchange_sdk::{AbiVersion, Dependency, Manifest, ParamSpec, ParamType};
use std::path::Path;
use std::process::ExitCode;

/// Runs a `plugins` subcommand.
pub fn run(env: &Env, command: PluginsCommand) -> anyhow::Result<ExitCode> {
    if let PluginsCommand::Verify { file, json } = &command {
        return verify(file, *json);
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
                report_skipped(&registry);
                if registry.plugins.is_empty() {
                    let dirs: Vec<String> = registry
                        .dirs
                        .iter()
                        .map(|d| d.display().to_string())
                        .collect();
                    println!("No plugins found in {}.", dirs.join(", "));
                    println!("Put plugin libraries there, or name their folder with --plugins DIR or EXCHANGE_PLUGINS.");
                } else {
                    let mut table = Table::new(["TYPE", "NAME", "VERSION", "FILE"]);
                    for p in registry.plugins.values() {
                        table.row([
                            p.manifest.type_id.clone(),
                            p.manifest.display_name.clone(),
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
                report_skipped(&registry);
                bail!(registry.not_found_message(&type_id));
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
            println!("Task type:        {}", m.type_id);
            println!("Name:             {}", m.display_name);
            println!("Description:      {}", m.description);
            println!(
                "Version:          {} (plugin ABI {})",
                m.version, m.abi_version
            );
            let caps = &plugin.capabilities;
            println!("Needs host ABI:   {} or newer", caps.min_host_abi);
            println!(
                "Extensions:       {}",
                if caps.entry_points.is_empty() {
                    "none (entry points of ABI 1.0 only)".to_string()
                } else {
                    caps.entry_points.join(", ")
                }
            );
            println!(
                "Default schedule: {}",
                m.default_schedule.as_deref().unwrap_or("manual")
            );
            println!("File:             {}", plugin.path.display());
            println!();
            if m.params.is_empty() {
                println!("Parameters: none");
            } else {
                println!("Parameters ({}):", m.params.len());
                for p in &m.params {
                    println!();
                    print_param(p);
                }
            }
            if !m.requires.is_empty() {
                println!();
                println!("Rules between parameters:");
                for rule in &m.requires {
                    println!("  {}", rule_text(m, rule));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PluginsCommand::Verify { .. } => unreachable!("answered above"),
    }
}

/// One finding of `plugins verify`: the check's name, the key it concerns, what is wrong.
#[derive(serde::Serialize)]
struct VerifyFinding {
    check: String,
    key: Option<String>,
    message: String,
}

/// `plugins verify FILE`: what a vendor runs before shipping a plugin.
fn verify(file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let canonical = match std::fs::canonicalize(file) {
        Ok(path) if path.is_file() => path,
        Ok(path) => {
            eprintln!("error: {} is not a file", path.display());
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            eprintln!("error: {} cannot be read: {e}", file.display());
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
        add("permissions", None, reason);
    }
    let exe = std::env::current_exe()?;
    let described = Scanner::new(exe, None).describe_unchecked(&canonical);
    let manifest = match described {
        Err(reason) => {
            add("loads", None, reason);
            None
        }
        Ok(described) => {
            for finding in described.manifest.findings() {
                add(finding.check.name(), finding.key, finding.message);
            }
            let (needed, host) = (described.capabilities.min_host_abi, AbiVersion::current());
            if needed > host {
                add(
                    "host-abi",
                    None,
                    format!("it {}", needs_newer_host(needed, host)),
                );
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
        println!(
            "{}: ok: task type {} version {}, plugin ABI {}",
            file.display(),
            m.type_id,
            m.version,
            m.abi_version
        );
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
fn rule_text(manifest: &Manifest, rule: &Dependency) -> String {
    let when = &rule.when;
    let flag = manifest
        .param(&when.key)
        .is_some_and(|p| p.kind == ParamType::Flag);
    let condition = match &when.equals {
        Some(value) => format!("{}={value}", when.key),
        None if flag => format!("{}=1", when.key),
        None => when.key.clone(),
    };
    let demand = match rule.rule {
        Rule::RequiredWith => "required with",
        Rule::OnlyWith => "only with",
    };
    format!("{}: {demand} {condition}", rule.keys.join(", "))
}

fn print_param(p: &ParamSpec) {
    let presence = if p.required {
        "required".to_string()
    } else {
        match &p.default {
            Some(d) if !p.kind.is_secret() => format!("optional, default {d}"),
            _ => "optional, no default".to_string(),
        }
    };
    println!("  {}", p.key);
    println!("    {}", p.description);
    println!("    Type:     {}", type_name(&p.kind));
    if let Some(range) = range(&p.kind) {
        println!("    Range:    {range}");
    }
    println!("    Presence: {presence}");
    if p.kind.is_secret() {
        println!("    Secret:   yes (stored, never shown)");
    }
}

fn type_name(kind: &ParamType) -> &'static str {
    match kind {
        ParamType::String => "string",
        ParamType::Integer { .. } => "integer",
        ParamType::Port => "port",
        ParamType::Flag => "flag",
        ParamType::Enum { .. } => "enum",
        ParamType::Duration => "duration",
        ParamType::Secret => "secret",
    }
}

fn range(kind: &ParamType) -> Option<String> {
    match kind {
        ParamType::Integer { min, max } => Some(format!("{min}-{max}")),
        ParamType::Port => Some("1-65535".into()),
        ParamType::Flag => Some("0 or 1".into()),
        ParamType::Enum { values } => Some(values.join(", ")),
        ParamType::Duration => Some("e.g. 90s, 30m, 1h30m".into()),
        _ => None,
    }
}
