//! Saving and loading an emulator's state file (atomic replace: temporary file, then rename).

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Loads the state from `path`; `None` when the file does not exist yet.
pub fn load<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
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
pub fn save<T: Serialize>(path: &Path, state: &T) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(state)?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = fs::File::create(&tmp)?;
    file.write_all(&json)?;
    file.sync_all()?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_saved_state_loads_back_and_a_missing_file_is_none() {
        let dir = std::env::temp_dir().join(format!("emulator-kit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        assert_eq!(super::load::<Vec<u32>>(&path).unwrap(), None);
        super::save(&path, &vec![1u32, 2]).unwrap();
        assert_eq!(super::load::<Vec<u32>>(&path).unwrap(), Some(vec![1, 2]));
        std::fs::write(&path, "not json").unwrap();
        assert!(super::load::<Vec<u32>>(&path)
            .unwrap_err()
            .contains("fix or delete it"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
