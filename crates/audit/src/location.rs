//! The audit database's folder. Which file is the database is `docexam_files`' rule
//! (`--db`, `$DOCEXAM_DB`, the user's data folder); the signing key sits beside it.

use std::path::Path;

use super::AuditError;

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
