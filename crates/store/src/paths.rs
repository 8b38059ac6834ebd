//! Where Rampart keeps its state: `--data-dir DIR`, else `RAMPART_DATA_DIR`, else the platform
//! data dir (`~/.local/share/rampart` on Linux). Tests always pass an explicit temp dir.

use crate::{Result, StoreError};
use std::path::{Path, PathBuf};

/// Environment variable that overrides the data dir.
pub const DATA_DIR_ENV: &str = "RAMPART_DATA_DIR";

/// Resolves the data dir from an explicit flag, the environment, or the platform default.
pub fn resolve_data_dir(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir.to_owned());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    platform_data_dir()
}

/// The platform's default data dir for Rampart.
pub fn platform_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("dev", "rampart", "rampart")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or(StoreError::NoHome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_flag_wins() {
        let dir = resolve_data_dir(Some(Path::new("/tmp/x"))).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn the_platform_default_ends_in_rampart() {
        let dir = platform_data_dir().unwrap();
        assert!(dir.ends_with("rampart"), "{}", dir.display());
    }
}
