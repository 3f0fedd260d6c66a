//! Where the audit database lives: `--db PATH`, else `$DOCEXAM_DB`, else `audit.sqlite` in the OS
//! data directory (`~/.local/share/docexam` on Linux). The signing key sits beside it.

use std::path::{Path, PathBuf};

use super::AuditError;

/// The environment variable that names the database.
pub const DB_ENV: &str = "DOCEXAM_DB";

/// The database path: `explicit`, else `$DOCEXAM_DB`, else the OS data directory.
pub fn database_path(explicit: Option<&Path>) -> Result<PathBuf, AuditError> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dirs = directories::ProjectDirs::from("org", "docexam", "docexam").ok_or_else(|| AuditError::Io {
        path: PathBuf::from("~"),
        action: "find the home folder for the audit log (set DOCEXAM_DB or pass --db)",
        source: std::io::Error::from(std::io::ErrorKind::NotFound),
    })?;
    Ok(dirs.data_dir().join("audit.sqlite"))
}

/// Creates the database's folder (private to the user) if it is missing.
pub fn ensure_parent(path: &Path) -> Result<(), AuditError> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else { return Ok(()) };
    if parent.is_dir() {
        return Ok(());
    }
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(parent).map_err(|source| AuditError::Io {
        path: parent.to_owned(),
        action: "create the audit log folder",
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_path_wins() {
        assert_eq!(database_path(Some(Path::new("/x/a.sqlite"))).unwrap(), PathBuf::from("/x/a.sqlite"));
    }
}
