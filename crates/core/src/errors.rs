//! Errors as people read them, in their language: the store's refusals
//! ([`exchange_store::StoreError`]) and a run that is going on ([`AlreadyRunning`]) are said
//! from the message files; any other cause (its text made in the reader's language already,
//! or a library's) as it is.

use crate::i18n::Lang;
use crate::runs::runner::AlreadyRunning;
use crate::tr;
use exchange_store::StoreError;

/// `error` with its causes, `: `-separated like `{error:#}`, each typed one in `lang`.
pub fn message(lang: Lang, error: &anyhow::Error) -> String {
    let causes: Vec<String> = error
        .chain()
        .map(|cause| cause_message(lang, cause))
        .collect();
    causes.join(": ")
}

/// One cause of an error in `lang`.
fn cause_message(lang: Lang, cause: &(dyn std::error::Error + 'static)) -> String {
    if let Some(refusal) = cause.downcast_ref::<StoreError>() {
        store_message(lang, refusal)
    } else if let Some(busy) = cause.downcast_ref::<AlreadyRunning>() {
        busy.message(lang)
    } else {
        cause.to_string()
    }
}

/// A refusal of the store in `lang`: what is wrong and what to do.
pub fn store_message(lang: Lang, refusal: &StoreError) -> String {
    let shown = |path: &std::path::Path| path.display().to_string();
    match refusal {
        StoreError::CannotCreateFolder { dir, error } => {
            tr!(
                lang,
                "store-cannot-create-folder",
                dir = shown(dir),
                error = error
            )
        }
        StoreError::CannotCreate { db, error } => {
            tr!(lang, "store-cannot-create", db = shown(db), error = error)
        }
        StoreError::CannotOpen { db, error } => {
            tr!(lang, "store-cannot-open", db = shown(db), error = error)
        }
        StoreError::MigrationFailed { db, error } => {
            tr!(
                lang,
                "store-migration-failed",
                db = shown(db),
                error = error
            )
        }
        StoreError::Exposed { db, files } => {
            let modes: Vec<String> = files
                .iter()
                .map(|(file, mode)| {
                    let mode = format!("{mode:04o}");
                    tr!(lang, "store-file-mode", file = shown(file), mode = mode)
                })
                .collect();
            tr!(
                lang,
                "store-exposed",
                db = shown(db),
                modes = modes.join(", "),
                files = StoreError::exposed_files(files)
            )
        }
        StoreError::NewerSchema { found, known } => {
            tr!(lang, "store-newer-schema", found = *found, known = *known)
        }
        StoreError::NoDatabase { db } => tr!(lang, "store-no-database", db = shown(db)),
        StoreError::BackupIsDatabase { dest } => {
            tr!(lang, "store-backup-is-database", dest = shown(dest))
        }
        StoreError::BackupExists { dest } => tr!(lang, "store-backup-exists", dest = shown(dest)),
        StoreError::NotAFileName { dest } => tr!(lang, "store-not-a-file-name", dest = shown(dest)),
        StoreError::BackupFailed { dest, error } => {
            tr!(
                lang,
                "store-backup-failed",
                dest = shown(dest),
                error = error
            )
        }
        StoreError::NoTask { id } => tr!(lang, "store-no-task", task = *id),
        StoreError::OrgExists { id } => tr!(lang, "store-org-exists", org = id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn the_stores_refusals_read_in_both_languages() {
        let exists = StoreError::BackupExists {
            dest: PathBuf::from("/backups/copy.db"),
        };
        assert_eq!(
            store_message(Lang::Ru, &exists),
            "файл /backups/copy.db уже есть: выберите новое имя файла (резервная копия никогда не перезаписывает файл)"
        );
        let exposed = StoreError::Exposed {
            db: PathBuf::from("/var/lib/exchange.db"),
            files: vec![
                (PathBuf::from("/var/lib/exchange.db"), 0o644),
                (PathBuf::from("/var/lib/exchange.db-wal"), 0o640),
            ],
        };
        let ru = store_message(Lang::Ru, &exposed);
        assert!(
            ru.contains("/var/lib/exchange.db-wal: права 0640")
                && ru.ends_with("chmod 600 /var/lib/exchange.db /var/lib/exchange.db-wal"),
            "{ru}"
        );
        let db = || PathBuf::from("/var/lib/exchange.db");
        let error = || "disk I/O error".to_string();
        for refusal in [
            exists,
            exposed,
            StoreError::NewerSchema {
                found: 99,
                known: 5,
            },
            StoreError::NoDatabase { db: db() },
            StoreError::BackupIsDatabase { dest: db() },
            StoreError::NotAFileName { dest: db() },
            StoreError::BackupFailed {
                dest: db(),
                error: error(),
            },
            StoreError::CannotCreateFolder {
                dir: db(),
                error: error(),
            },
            StoreError::CannotCreate {
                db: db(),
                error: error(),
            },
            StoreError::CannotOpen {
                db: db(),
                error: error(),
            },
            StoreError::MigrationFailed {
                db: db(),
                error: error(),
            },
            StoreError::NoTask { id: 7 },
            StoreError::OrgExists {
                id: "school-239".into(),
            },
        ] {
            assert_eq!(
                store_message(Lang::En, &refusal),
                refusal.to_string(),
                "the English message files say what the store's Display says"
            );
            let ru = store_message(Lang::Ru, &refusal);
            assert!(exchange_sdk::testing::latin_sentence(&ru).is_none(), "{ru}");
        }
    }

    #[test]
    fn an_errors_typed_causes_are_said_in_the_language_and_the_rest_as_it_is() {
        let error = anyhow::Error::from(StoreError::NoTask { id: 7 }).context("run 3");
        assert_eq!(
            message(Lang::Ru, &error),
            "run 3: задачи № 7 нет (список задач: exchange-host task list)"
        );
        assert_eq!(message(Lang::En, &error), format!("{error:#}"));
    }
}
