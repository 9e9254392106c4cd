//! Secret values kept out of the database: a secret parameter or Links base key may hold a
//! reference `@file:/absolute/path` instead of the secret itself (like Kafka Connect's config
//! providers). The host stores and shows the reference; a run reads the file when it starts
//! (the whole content, without one trailing newline), so a token can live in a file only the
//! host's user can read and be replaced without touching the host.
//!
//! A value that really starts with `@file:` cannot be stored as such: put it in a file and
//! refer to that.

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
/// keys take references. The file itself is read when a run starts.
pub fn check_reference(spec: &ParamSpec, value: &str) -> Option<ParamProblem> {
    let path = file_reference(value)?;
    let message = if !spec.kind.is_secret() {
        format!(
            "file references ({FILE_PREFIX}/path) are only for secret keys, and {} is not one: give the value itself",
            spec.key
        )
    } else if !path.is_absolute() {
        format!(
            "the file reference must name an absolute path, e.g. {FILE_PREFIX}/etc/exchange-host/{}",
            spec.key
        )
    } else {
        return None;
    };
    Some(ParamProblem {
        key: Some(spec.key.clone()),
        message,
    })
}

/// `values` with every secret given as a file reference replaced by the file's content.
/// `kind` names the values in errors, e.g. `parameter` or `Links base key`; an error names
/// the key and the file and what to do, never the content.
pub fn resolve(specs: &[ParamSpec], values: &Params, kind: &str) -> Result<Params, String> {
    let mut resolved = values.clone();
    for (key, value) in resolved.iter_mut() {
        let secret = specs.iter().any(|s| &s.key == key && s.kind.is_secret());
        if let Some(path) = file_reference(value).filter(|_| secret) {
            *value = read_secret_file(path).map_err(|e| {
                format!(
                    "the {kind} {key} refers to the file {}, but {e}",
                    path.display()
                )
            })?;
        }
    }
    Ok(resolved)
}

/// The secret in `path`: refused unless only its owner and group can read it.
fn read_secret_file(path: &Path) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("it cannot be read ({e})"))?;
    if !metadata.is_file() {
        return Err("it is not a regular file".into());
    }
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o007 != 0 {
        return Err(format!(
            "every user of the computer can read or change it (mode {mode:04o}): make it private with: chmod o-rwx {}",
            path.display()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("it cannot be read ({e})"))?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let text = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if text.is_empty() {
        return Err("it is empty".into());
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
        assert_eq!(check_reference(&specs[0], "plain-secret"), None);
        assert_eq!(check_reference(&specs[0], "@file:/etc/token"), None);
        let relative = check_reference(&specs[0], "@file:token").unwrap();
        assert!(relative.message.contains("absolute path"), "{relative}");
        let not_secret = check_reference(&specs[1], "@file:/etc/token").unwrap();
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
        let resolved = resolve(&specs(), &given, "parameter").unwrap();
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

        let missing = resolve(&specs(), &given, "parameter").unwrap_err();
        assert!(
            missing.contains("the parameter token refers to the file"),
            "{missing}"
        );
        assert!(missing.contains("cannot be read"), "{missing}");

        std::fs::write(&file, "top-secret-value").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let public = resolve(&specs(), &given, "parameter").unwrap_err();
        assert!(
            public.contains(&format!("chmod o-rwx {}", file.display())),
            "{public}"
        );
        assert!(!public.contains("top-secret-value"));

        std::fs::write(&file, "\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let empty = resolve(&specs(), &given, "parameter").unwrap_err();
        assert!(empty.ends_with("it is empty"), "{empty}");
    }
}
