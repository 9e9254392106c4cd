//! The built host and its plugin libraries, and throw-away worlds to run it in: a database
//! and a plugins folder in a temporary directory.

use anyhow::{bail, Context as _};
use exchange_store::Store;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;

/// The plugin library of the Sferum sync task type (crate name).
pub const SFERUM_SYNC: &str = "sferum_sync";
/// The plugin library of the template task type `example` (crate name; `plugins/example`).
pub const EXAMPLE: &str = "example_plugin";

/// Where the built `exchange-host` and the plugin libraries are.
pub struct Build {
    dir: PathBuf,
}

impl Build {
    /// The build in `dir`, or else in this program's own folder; fails, saying how to build,
    /// when the host or a plugin library is missing.
    pub fn locate(dir: Option<PathBuf>) -> anyhow::Result<Build> {
        let dir = match dir {
            Some(d) => d,
            None => std::env::current_exe()?
                .parent()
                .context("the benchmark's folder")?
                .to_path_buf(),
        };
        let build = Build { dir };
        for file in [
            build.host(),
            build.library(SFERUM_SYNC),
            build.library(EXAMPLE),
        ] {
            if !file.exists() {
                bail!(
                    "{} is missing: build the workspace first (cargo build --release --workspace)",
                    file.display()
                );
            }
        }
        Ok(build)
    }

    /// The `exchange-host` executable.
    pub fn host(&self) -> PathBuf {
        self.dir.join("exchange-host")
    }

    /// A plugin library by crate name, e.g. [`SFERUM_SYNC`].
    pub fn library(&self, crate_name: &str) -> PathBuf {
        self.dir.join(format!(
            "lib{crate_name}.{}",
            std::env::consts::DLL_EXTENSION
        ))
    }
}

/// A database and a plugins folder in a temporary directory, removed when dropped.
pub struct World {
    _dir: tempfile::TempDir,
    /// The database file.
    pub db: PathBuf,
    /// The plugins folder.
    pub plugins: PathBuf,
    host: PathBuf,
}

impl World {
    /// An empty world for the host of `build`.
    pub fn new(build: &Build) -> anyhow::Result<World> {
        let dir = tempfile::Builder::new()
            .prefix("exchange-bench")
            .tempdir()?;
        let plugins = dir.path().join("plugins");
        std::fs::create_dir(&plugins)?;
        Ok(World {
            db: dir.path().join("exchange.db"),
            plugins,
            host: build.host(),
            _dir: dir,
        })
    }

    /// Copies a built plugin library into the plugins folder as `file_name` (mode 0644).
    pub fn install(&self, build: &Build, crate_name: &str, file_name: &str) -> anyhow::Result<()> {
        let target = self.plugins.join(file_name);
        std::fs::copy(build.library(crate_name), &target)
            .with_context(|| format!("cannot copy a plugin to {}", target.display()))?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644))?;
        Ok(())
    }

    /// Opens the world's database.
    pub fn store(&self) -> anyhow::Result<Store> {
        Store::open(&self.db)
    }

    /// `exchange-host --db … --plugins …` with the given arguments.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.host);
        command
            .arg("--db")
            .arg(&self.db)
            .arg("--plugins")
            .arg(&self.plugins)
            .args(args);
        command
    }
}

/// Adds an organization whose Links base opens `community` with `token`.
pub fn add_org(store: &mut Store, org: &str, community: u64, token: &str) -> anyhow::Result<()> {
    store.add_org(org, org)?;
    let values = [
        ("sferum.community_id".to_string(), community.to_string()),
        ("sferum.access_token".to_string(), token.to_string()),
    ];
    store.update_org_values(org, &values.into_iter().collect(), &[])
}

/// The one number a query gives, e.g. `SELECT COUNT(*) FROM runs`.
pub fn number(store: &Store, sql: &str) -> anyhow::Result<i64> {
    Ok(store.conn().query_row(sql, [], |r| r.get(0))?)
}
