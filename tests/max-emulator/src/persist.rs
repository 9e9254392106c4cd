//! Saving and loading the state file (atomic replace: temporary file, then rename).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::state::State;

/// Loads the state from `path`; `None` when the file does not exist yet.
pub fn load(path: &Path) -> Result<Option<State>, String> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            format!(
                "state file {} is not a valid emulator state ({e}); fix or delete it",
                path.display()
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read state file {}: {e}", path.display())),
    }
}

/// Writes the state to `path` atomically.
pub fn save(path: &Path, state: &State) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(state)?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = fs::File::create(&tmp)?;
    file.write_all(&json)?;
    file.sync_all()?;
    fs::rename(&tmp, path)
}
