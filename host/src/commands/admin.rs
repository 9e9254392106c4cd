//! `exchange-host admin …`: the web console's administrator; `exchange-host backup`.

use super::Env;
use crate::cli::AdminCommand;
use exchange_core::i18n::Lang;
use exchange_core::tr;
use exchange_web::password;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

/// Runs an `admin` subcommand.
pub fn run(env: &Env, command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::Password => set_password(env),
    }
}

/// Copies the database to `file` (see [`exchange_store::backup::backup`]).
pub fn backup(env: &Env, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let db = env.db_path();
    let copied = exchange_store::backup::backup(&db, file)?;
    let said = tr!(
        env.lang,
        "cli-backup-done",
        db = db.display().to_string(),
        file = file.display().to_string(),
        bytes = copied.bytes,
        version = copied.schema_version
    );
    println!("{said}");
    Ok(ExitCode::SUCCESS)
}

/// Reads the new password: asked twice without echo on a terminal, else the first line of
/// standard input.
fn read_password(lang: Lang) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let prompt = |id: &str| rpassword::prompt_password(format!("{} ", tr!(lang, id)));
        let first = prompt("cli-new-password")?;
        password::check_new(&first, lang).map_err(anyhow::Error::msg)?;
        let second = prompt("cli-repeat-password")?;
        if first != second {
            anyhow::bail!(tr!(lang, "cli-passwords-differ"));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn set_password(env: &Env) -> anyhow::Result<ExitCode> {
    let lang = env.lang;
    let new = read_password(lang)?;
    password::check_new(&new, lang)
        .map_err(|problem| anyhow::anyhow!(tr!(lang, "cli-password-refused", problem = problem)))?;
    let hash = password::hash(&new)?;
    let mut store = env.store()?;
    store.set_admin_password_hash(&hash)?;
    let db = store.path().display().to_string();
    println!("{}", tr!(lang, "cli-password-set", db = db));
    println!("{}", tr!(lang, "cli-password-next"));
    Ok(ExitCode::SUCCESS)
}
