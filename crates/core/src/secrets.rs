//! Secret values kept out of the database: a secret parameter or Links base key may hold a
//! reference `@file:/absolute/path` instead of the secret itself (like Kafka Connect's config
//! providers). The host stores and shows the reference; a run reads the file when it starts
//! (the whole content, without one trailing newline), so a token can live in a file only the
//! host's user can read and be replaced without touching the host.
//!
//! A value that really starts with `@file:` cannot be stored as such: put it in a file and
//! refer to that.

use crate::i18n::Lang;
use crate::tr;
use exchange_sdk::manifest::{ParamProblem, Params};
use exchange_sdk::ParamSpec;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// How a value refers to a file holding the secret.
pub const FILE_PREFIX: &str = "@file:";

/// The file a value refers to, if it is a reference.
pub fn file_reference(value: &str) -> Option<&Path> {
    value.trim().strip_prefix(FILE_PREFIX).map(Path::new)
}

/// Checks a value before it is saved under `spec`: a reference must be to an absolute path
/// (a relative one would depend on the folder the host is started from), and only secret
/// keys take references. The file itself is read when a run starts. The problem is in `lang`.
pub fn check_reference(spec: &ParamSpec, value: &str, lang: Lang) -> Option<ParamProblem> {
    let path = file_reference(value)?;
    let id = if !spec.kind.is_secret() {
        "secret-reference-not-secret"
    } else if !path.is_absolute() {
        "secret-reference-relative"
    } else {
        return None;
    };
    Some(ParamProblem {
        key: Some(spec.key.clone()),
        message: tr!(lang, id, prefix = FILE_PREFIX, key = &spec.key),
    })
}

/// What the values a secret may be read for are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A task's parameter.
    Parameter,
    /// An organization's Links base key.
    OrgKey,
}

/// `values` with every secret given as a file reference replaced by the file's content.
/// An error (in `lang`) names the key, its `kind` and the file and says what to do, never
/// the content.
pub fn resolve(
    specs: &[ParamSpec],
    values: &Params,
    kind: SecretKind,
    lang: Lang,
) -> Result<Params, String> {
    let mut resolved = values.clone();
    for (key, value) in resolved.iter_mut() {
        let secret = specs.iter().any(|s| &s.key == key && s.kind.is_secret());
        if let Some(path) = file_reference(value).filter(|_| secret) {
            *value = read_secret_file(path).map_err(|problem| {
                let kind = match kind {
                    SecretKind::Parameter => "parameter",
                    SecretKind::OrgKey => "org-key",
                };
                let file = path.display().to_string();
                let problem = problem.message(lang, &file);
                tr!(
                    lang,
                    "secret-file",
                    kind = kind,
                    key = &*key,
                    file = &*file,
                    problem = problem
                )
            })?;
        }
    }
    Ok(resolved)
}

/// Why a file cannot hold a secret.
#[derive(Debug)]
enum FileProblem {
    /// It cannot be read: the system's error.
    Unreadable(std::io::Error),
    NotRegular,
    /// Users other than its owner and group can read or change it: its mode.
    Public(u32),
    NotUtf8,
    Empty,
}

impl FileProblem {
    /// What is wrong with the file `file`, in `lang`.
    fn message(&self, lang: Lang, file: &str) -> String {
        match self {
            FileProblem::Unreadable(e) => {
                tr!(lang, "secret-file-unreadable", error = e.to_string())
            }
            FileProblem::NotRegular => tr!(lang, "secret-file-not-regular"),
            FileProblem::Public(mode) => tr!(
                lang,
                "secret-file-public",
                mode = format!("{mode:04o}"),
                file = file
            ),
            FileProblem::NotUtf8 => tr!(lang, "secret-file-not-utf8"),
            FileProblem::Empty => tr!(lang, "secret-file-empty"),
        }
    }
}

/// The secret in `path`: refused unless only its owner and group can read it.
fn read_secret_file(path: &Path) -> Result<String, FileProblem> {
    let metadata = std::fs::metadata(path).map_err(FileProblem::Unreadable)?;
    if !metadata.is_file() {
        return Err(FileProblem::NotRegular);
    }
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o007 != 0 {
        return Err(FileProblem::Public(mode));
    }
    let bytes = std::fs::read(path).map_err(FileProblem::Unreadable)?;
    let text = String::from_utf8(bytes).map_err(|_| FileProblem::NotUtf8)?;
    let text = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if text.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::ParamType;

    fn specs() -> Vec<ParamSpec> {
        vec![
            ParamSpec::optional("token", ParamType::Secret, None, ""),
            ParamSpec::optional("server", ParamType::String, None, ""),
        ]
    }

    fn values(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn references_are_checked_before_they_are_saved() {
        let specs = specs();
        assert_eq!(check_reference(&specs[0], "plain-secret", Lang::En), None);
        assert_eq!(
            check_reference(&specs[0], "@file:/etc/token", Lang::En),
            None
        );
        let relative = check_reference(&specs[0], "@file:token", Lang::En).unwrap();
        assert!(relative.message.contains("absolute path"), "{relative}");
        let not_secret = check_reference(&specs[1], "@file:/etc/token", Lang::En).unwrap();
        assert!(
            not_secret.message.contains("only for secret keys"),
            "{not_secret}"
        );
    }

    #[test]
    fn a_referenced_secret_is_read_without_its_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "vk1.a.secret-token\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let reference = format!("@file:{}", file.display());
        let given = values(&[("token", &reference), ("server", "@file:/not/read")]);
        let resolved = resolve(&specs(), &given, SecretKind::Parameter, Lang::En).unwrap();
        assert_eq!(resolved["token"], "vk1.a.secret-token");
        assert_eq!(
            resolved["server"], "@file:/not/read",
            "only secrets are read"
        );
    }

    #[test]
    fn unreadable_empty_or_public_files_are_refused_naming_key_and_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        let reference = format!("@file:{}", file.display());
        let given = values(&[("token", &reference)]);

        let missing = resolve(&specs(), &given, SecretKind::Parameter, Lang::En).unwrap_err();
        assert!(
            missing.contains("the parameter token refers to the file"),
            "{missing}"
        );
        assert!(missing.contains("cannot be read"), "{missing}");
        assert!(
            missing.ends_with("check the path, and that the host's user can read the file"),
            "{missing}"
        );

        std::fs::write(&file, "top-secret-value").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let public = resolve(&specs(), &given, SecretKind::Parameter, Lang::En).unwrap_err();
        assert!(
            public.contains(&format!("chmod o-rwx {}", file.display())),
            "{public}"
        );
        assert!(!public.contains("top-secret-value"));

        std::fs::write(&file, "\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let empty = resolve(&specs(), &given, SecretKind::Parameter, Lang::En).unwrap_err();
        assert!(
            empty.ends_with("it is empty: write the secret into the file"),
            "{empty}"
        );

        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        let binary = resolve(&specs(), &given, SecretKind::Parameter, Lang::En).unwrap_err();
        assert!(
            binary.ends_with("it is not UTF-8 text: save the secret in the file as UTF-8 text"),
            "{binary}"
        );
    }

    #[test]
    fn the_refusals_read_in_russian() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "top-secret-value").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let given = values(&[("token", &format!("@file:{}", file.display()))]);
        let public = resolve(&specs(), &given, SecretKind::OrgKey, Lang::Ru).unwrap_err();
        assert_eq!(
            public,
            format!(
                "ключ базы ссылок token ссылается на файл {0}, но его могут читать или менять все пользователи компьютера (права 0644): закройте доступ командой chmod o-rwx {0}",
                file.display()
            )
        );
        let relative = check_reference(&specs()[0], "@file:token", Lang::Ru).unwrap();
        assert!(
            relative
                .message
                .starts_with("ссылка на файл должна содержать абсолютный путь"),
            "{relative}"
        );
    }
}
