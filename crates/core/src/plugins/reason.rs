//! Why a plugin library is not used, with the facts: found by a discovery or a scan (and
//! remembered in the scan cache) once, and said in the reader's language only when it is
//! shown ([`Reason::message`]), so `plugins list`, the worker and the web console each read
//! it in their own.

use crate::i18n::{duration_phrase, signal_phrase, Lang};
use crate::tr;
use exchange_sdk::AbiVersion;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Why a plugin library is skipped, refused, or could not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The file is a symlink whose target cannot be reached.
    LinkUnreachable { link: PathBuf, error: String },
    /// The file cannot be read.
    Unreadable { error: String },
    /// The file (a symlink's target) is not a regular file.
    NotRegularFile { target: PathBuf },
    /// Someone other than the host's user or root could change the code it runs.
    Exposed {
        place: Place,
        /// The file or folder that is exposed.
        path: PathBuf,
        exposure: Exposure,
    },
    /// The file is no shared library the system can load.
    NotLibrary { error: String },
    /// The library exports no plugin.
    NoPluginExport,
    /// Built against another major ABI.
    AbiVersion { built: String, host: String },
    /// Built with an incompatible abi_stable.
    AbiStable,
    /// The library's layout differs from the host's: the report's error lines.
    AbiLayout { detail: String },
    /// The plugin's root module failed to start.
    StartFailed { error: String },
    /// Any other loading error.
    CannotLoad { error: String },
    /// The plugin's manifest is not JSON the host reads.
    ManifestUnreadable { error: String },
    /// The plugin's capabilities are not JSON the host reads.
    CapabilitiesUnreadable { error: String },
    /// The manifest breaks rules that refuse loading: the findings (the SDK's words).
    ManifestNotSound { findings: Vec<String> },
    /// The plugin needs a newer host.
    NeedsNewerHost {
        needed: AbiVersion,
        host: AbiVersion,
    },
    /// The plugin itself answered an error (e.g. a panic it caught), in its own words.
    Plugin { message: String },
    /// The child process that loaded the library ended without an answer.
    Crashed { stage: Stage, exit: Exit },
    /// The child process that loaded the library did not answer in time and was killed.
    Hung { stage: Stage, seconds: u64 },
    /// A scanner child answered something else than a manifest.
    NotAManifest,
    /// A scanner child answered something else than the parameters' problems.
    NotProblems,
    /// No scanner child could be started.
    ScannerNotStarted { exe: PathBuf, error: String },
    /// The parameters to check did not reach the scanner child intact.
    ParamsUnreadable { error: String },
    /// The file now provides another task type than the one asked for.
    TypeChanged { now: String, expected: String },
    /// The plugin's answer to a validation is not JSON the host reads.
    ValidationUnreadable { error: String },
    /// Several libraries declare the same task type: each one's file and version.
    DuplicateType {
        type_id: String,
        declared_by: Vec<(PathBuf, String)>,
    },
}

/// Where a plugin is exposed to others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The library file itself.
    File,
    /// The target of the symlink the library is listed as.
    LinkTarget,
    /// The folder holding (or listing) the library.
    Folder,
    /// A folder above that one.
    FolderAbove,
}

/// How someone other than the host's user (or root) could change a file or folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    /// It belongs to another user.
    Owner {
        owner: u32,
        host_user: u32,
    },
    WorldWritable,
    GroupWritable,
}

/// What a child process was asked when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading the description for discovery: remembered until the file changes.
    Scan,
    /// Reading the description for `plugins verify`.
    Verify,
    /// Checking parameters.
    Validate,
}

/// How a child process ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exit {
    /// The signal that ended it.
    pub signal: Option<i32>,
    /// Its exit code.
    pub code: Option<i32>,
    /// The last line it wrote to stderr, as it is.
    pub output: Option<String>,
}

impl Exposure {
    /// The command that fixes it for `path`.
    fn fix(self, path: &str) -> String {
        match self {
            Exposure::Owner { host_user, .. } => format!("chown {host_user} {path}"),
            Exposure::WorldWritable => format!("chmod o-w {path}"),
            Exposure::GroupWritable => format!("chmod g-w {path}"),
        }
    }

    /// What the exposure is and who could use it, in `lang`.
    fn phrases(self, lang: Lang) -> (String, String) {
        let (kind, owner, host) = match self {
            Exposure::Owner { owner, host_user } => {
                ("owner", owner.to_string(), host_user.to_string())
            }
            Exposure::WorldWritable => ("world", String::new(), String::new()),
            Exposure::GroupWritable => ("group", String::new(), String::new()),
        };
        let state = tr!(
            lang,
            "plugin-exposure-state",
            exposure = kind,
            owner = owner,
            host = host
        );
        (state, tr!(lang, "plugin-exposure-who", exposure = kind))
    }
}

impl Exit {
    /// How the child ended, in `lang`.
    fn message(&self, lang: Lang) -> String {
        let how = match (self.signal, self.code) {
            (Some(signal), _) => tr!(
                lang,
                "plugin-exit-signal",
                signal = signal,
                meaning = signal_phrase(lang, signal)
            ),
            (None, Some(code)) => tr!(lang, "plugin-exit-code", code = code),
            _ => tr!(lang, "plugin-exit-unknown"),
        };
        match &self.output {
            Some(output) => tr!(lang, "plugin-exit-output", how = how, output = output),
            None => how,
        }
    }
}

/// The message id of a child's failure: when reading a description or checking parameters.
fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Validate => "validate",
        Stage::Scan | Stage::Verify => "describe",
    }
}

impl Reason {
    /// One line in `lang`: what is wrong and what to do. The facts (paths, errors of the
    /// system or of libraries, the plugin's own words) are quoted as they are.
    pub fn message(&self, lang: Lang) -> String {
        let shown = |path: &PathBuf| path.display().to_string();
        match self {
            Reason::LinkUnreachable { link, error } => tr!(
                lang,
                "plugin-link-unreachable",
                link = shown(link),
                error = error
            ),
            Reason::Unreadable { error } => tr!(lang, "plugin-unreadable", error = error),
            Reason::NotRegularFile { target } => {
                tr!(lang, "plugin-not-regular-file", target = shown(target))
            }
            Reason::Exposed {
                place,
                path,
                exposure,
            } => exposed(lang, *place, &shown(path), *exposure),
            Reason::NotLibrary { error } => tr!(lang, "plugin-not-library", error = error),
            Reason::NoPluginExport => tr!(lang, "plugin-no-export"),
            Reason::AbiVersion { built, host } => {
                tr!(lang, "plugin-abi-version", built = built, host = host)
            }
            Reason::AbiStable => tr!(lang, "plugin-abi-stable"),
            Reason::AbiLayout { detail } => tr!(lang, "plugin-abi-layout", detail = detail),
            Reason::StartFailed { error } => tr!(lang, "plugin-start-failed", error = error),
            Reason::CannotLoad { error } => tr!(lang, "plugin-cannot-load", error = error),
            Reason::ManifestUnreadable { error } => {
                tr!(lang, "plugin-manifest-unreadable", error = error)
            }
            Reason::CapabilitiesUnreadable { error } => {
                tr!(lang, "plugin-capabilities-unreadable", error = error)
            }
            Reason::ManifestNotSound { findings } => tr!(
                lang,
                "plugin-manifest-not-sound",
                findings = findings.join("; ")
            ),
            Reason::NeedsNewerHost { needed, host } => tr!(
                lang,
                "plugin-needs-newer-host",
                needed = needed.to_string(),
                host = host.to_string()
            ),
            Reason::Plugin { message } => message.clone(),
            Reason::Crashed { stage, exit } => remembered(
                lang,
                *stage,
                tr!(
                    lang,
                    "plugin-crashed",
                    stage = stage_name(*stage),
                    how = exit.message(lang)
                ),
            ),
            Reason::Hung { stage, seconds } => remembered(
                lang,
                *stage,
                tr!(
                    lang,
                    "plugin-hung",
                    stage = stage_name(*stage),
                    limit = duration_phrase(lang, *seconds)
                ),
            ),
            Reason::NotAManifest => tr!(lang, "plugin-not-a-manifest"),
            Reason::NotProblems => tr!(lang, "plugin-not-problems"),
            Reason::ScannerNotStarted { exe, error } => tr!(
                lang,
                "plugin-scanner-not-started",
                exe = shown(exe),
                error = error
            ),
            Reason::ParamsUnreadable { error } => {
                tr!(lang, "plugin-params-unreadable", error = error)
            }
            Reason::TypeChanged { now, expected } => {
                tr!(lang, "plugin-type-changed", now = now, type = expected)
            }
            Reason::ValidationUnreadable { error } => {
                tr!(lang, "plugin-validation-unreadable", error = error)
            }
            Reason::DuplicateType {
                type_id,
                declared_by,
            } => {
                let files: Vec<String> = declared_by
                    .iter()
                    .map(|(file, version)| {
                        let file = shown(file);
                        tr!(
                            lang,
                            "plugin-duplicate-file",
                            file = file,
                            version = version
                        )
                    })
                    .collect();
                let and = format!(" {} ", tr!(lang, "plugin-and"));
                let files = files.join(&and);
                tr!(lang, "plugin-duplicate-type", type = type_id, files = files)
            }
        }
    }

    /// Whether the reason is that several libraries declare the task type `type_id`.
    pub fn is_duplicate_of(&self, type_id: &str) -> bool {
        matches!(self, Reason::DuplicateType { type_id: t, .. } if t == type_id)
    }
}

/// The refusal of a library exposed at `place` (`path`) in `lang`, with the command that
/// fixes it.
fn exposed(lang: Lang, place: Place, path: &str, exposure: Exposure) -> String {
    let (state, who) = exposure.phrases(lang);
    let fix = exposure.fix(path);
    let id = match place {
        Place::File => "plugin-exposed-file",
        Place::LinkTarget => "plugin-exposed-link-target",
        Place::Folder => "plugin-exposed-folder",
        Place::FolderAbove => "plugin-exposed-folder-above",
    };
    tr!(lang, id, path = path, state = state, who = who, fix = fix)
}

/// `reason`, and for a failure remembered by the scan cache, until when.
fn remembered(lang: Lang, stage: Stage, reason: String) -> String {
    match stage {
        Stage::Scan => tr!(lang, "plugin-remembered", reason = reason),
        Stage::Verify | Stage::Validate => reason,
    }
}

/// Serializes a reason as its English line (what JSON output carries).
pub fn in_english<S: serde::Serializer>(reason: &Reason, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&reason.message(Lang::En))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_in_both_languages_with_its_fix() {
        let reason = Reason::Exposed {
            place: Place::FolderAbove,
            path: PathBuf::from("/opt/plugins"),
            exposure: Exposure::WorldWritable,
        };
        assert_eq!(
            reason.message(Lang::En),
            "refused: the folder /opt/plugins above it is world-writable, so anyone could swap the folders below it and the plugin with them (fix: chmod o-w /opt/plugins, or move the plugin)"
        );
        assert_eq!(
            reason.message(Lang::Ru),
            "отклонён: папка /opt/plugins выше него разрешает запись всем, поэтому любой пользователь может подменить папки ниже и модуль вместе с ними (исправить: chmod o-w /opt/plugins или переместите модуль)"
        );
    }

    #[test]
    fn a_skipped_file_says_what_to_do() {
        let reason = Reason::NotLibrary {
            error: "invalid ELF header".into(),
        };
        assert_eq!(
            reason.message(Lang::En),
            "not a loadable shared library (invalid ELF header); if it is a plugin, install what the error names or rebuild it, else remove it from the plugin folder"
        );
        for reason in [
            reason,
            Reason::Unreadable {
                error: "Permission denied".into(),
            },
            Reason::NotRegularFile {
                target: PathBuf::from("/opt/plugins/dir.so"),
            },
        ] {
            assert!(reason.message(Lang::En).contains("remove"), "{reason:?}");
            assert!(reason.message(Lang::Ru).contains("уберите"), "{reason:?}");
        }
    }

    #[test]
    fn a_crash_while_scanning_reads_in_both_languages_and_is_remembered() {
        let reason = Reason::Crashed {
            stage: Stage::Scan,
            exit: Exit {
                signal: Some(libc::SIGSEGV),
                code: None,
                output: None,
            },
        };
        assert_eq!(
            reason.message(Lang::En),
            "the plugin crashed while the host read its description (signal 11: SIGSEGV, invalid memory access); it is not loaded until the file changes (rebuild or replace the plugin; `touch` the file to try again)"
        );
        let ru = reason.message(Lang::Ru);
        assert!(
            ru.starts_with("модуль аварийно завершился, пока программа читала его описание (сигнал 11: SIGSEGV, обращение к недопустимой памяти); он не загружается, пока файл не изменится"),
            "{ru}"
        );
        let validating = Reason::Hung {
            stage: Stage::Validate,
            seconds: 10,
        };
        assert_eq!(
            validating.message(Lang::En),
            "the plugin did not answer within 10s"
        );
        assert_eq!(validating.message(Lang::Ru), "модуль не ответил за 10 с");
    }

    #[test]
    fn reasons_survive_the_scan_cache() {
        let reason = Reason::DuplicateType {
            type_id: "test".into(),
            declared_by: vec![
                (PathBuf::from("/a/liba.so"), "1.0".into()),
                (PathBuf::from("/b/libb.so"), "1.1".into()),
            ],
        };
        let json = serde_json::to_string(&reason).unwrap();
        assert_eq!(serde_json::from_str::<Reason>(&json).unwrap(), reason);
        assert!(reason.is_duplicate_of("test"));
        assert_eq!(
            reason.message(Lang::En),
            "task type \"test\" is declared by /a/liba.so (version 1.0) and /b/libb.so (version 1.1); neither is loaded: remove one of them"
        );
    }
}
