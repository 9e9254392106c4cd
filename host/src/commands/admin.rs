//! `exchange-host admin …`: the web console's administrator; `exchange-host backup`.

use super::Env;
use crate::cli::AdminCommand;
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
    println!(
        "{} copied to {} ({} bytes, schema version {}, mode 0600)",
        db.display(),
        file.display(),
        copied.bytes,
        copied.schema_version
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads the new password: asked twice without echo on a terminal, else the first line of
/// standard input.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New administrator password: ")?;
        password::check_new(&first).map_err(anyhow::Error::msg)?;
        let second = rpassword::prompt_password("Repeat it: ")?;
        if first != second {
            anyhow::bail!("the two passwords differ: nothing was changed; run the command again");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn set_password(env: &Env) -> anyhow::Result<ExitCode> {
    let new = read_password()?;
    password::check_new(&new).map_err(|e| anyhow::anyhow!("{e}; nothing was changed"))?;
    let hash = password::hash(&new)?;
    let mut store = env.store()?;
    store.set_admin_password_hash(&hash)?;
    println!(
        "The administrator password is set (stored as an Argon2 hash in {}).",
        store.path().display()
    );
    println!("The web console now asks for it: exchange-host serve --http ADDR, then log in at http://ADDR/login.");
    Ok(ExitCode::SUCCESS)
}
