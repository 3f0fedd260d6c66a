//! What can go wrong with the audit log, in words an officer or a supervisor can act on.

use std::path::PathBuf;

use rusqlite::ErrorCode;

/// An audit log operation that did not happen. Whatever was committed before stays committed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// No database at the path (read-only operations never create one).
    #[error("no audit log at {path}")]
    Missing {
        /// The path tried.
        path: PathBuf,
    },
    /// Another process holds the write lock longer than the busy timeout.
    #[error("the audit log {path} is locked by another process (waited {waited_ms} ms); NOT recorded, try again")]
    Locked {
        /// The database.
        path: PathBuf,
        /// How long we waited.
        waited_ms: u64,
    },
    /// The disk (or the file size limit) is full.
    #[error(
        "cannot write the audit log {path}: the disk is full or over a size limit; NOT recorded: free space, then try again"
    )]
    DiskFull {
        /// The database.
        path: PathBuf,
    },
    /// The file or its folder cannot be written.
    #[error("the audit log {path} is read-only (file, folder or disk); NOT recorded")]
    ReadOnly {
        /// The database.
        path: PathBuf,
    },
    /// SQLite reports the file damaged or not a database at all.
    #[error("the audit log {path} is damaged: {detail}")]
    Damaged {
        /// The database.
        path: PathBuf,
        /// SQLite's words.
        detail: String,
    },
    /// A SQLite file, but not a docexam audit log.
    #[error("{path} is not a docexam audit log (another program's SQLite file)")]
    NotAnAuditLog {
        /// The file.
        path: PathBuf,
    },
    /// Written by a newer docexam.
    #[error("the audit log {path} has schema version {found}; this docexam reads up to {supported}: update docexam")]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// Ours.
        supported: i64,
    },
    /// Needs a migration that a read-only open cannot run.
    #[error(
        "the audit log {path} has schema version {found} (current {supported}); open it once for writing to upgrade"
    )]
    OlderSchema {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// Ours.
        supported: i64,
    },
    /// A connection setting the durability promise rests on did not take.
    #[error("the audit log {path} refused setting {setting} (found {found})")]
    Setting {
        /// The file.
        path: PathBuf,
        /// The pragma.
        setting: &'static str,
        /// What it reads back as.
        found: String,
    },
    /// Any other SQLite failure.
    #[error("audit log {path}: cannot {action}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What we were doing.
        action: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// File system trouble outside SQLite (the key file, an export, a folder).
    #[error("{path}: {action}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What we were doing.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// The desk's signing key is missing, unreadable, or not the key the log was started with.
    #[error("signing key {path}: {problem}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The log's own records are inconsistent (found while appending, not by `verify`).
    #[error("the audit log {path} is inconsistent: {detail}; run `docexam audit verify`")]
    Inconsistent {
        /// The file.
        path: PathBuf,
        /// What.
        detail: String,
    },
    /// A record refused before anything was written.
    #[error("record refused: {}", reasons.join("; "))]
    Rejected {
        /// Every reason.
        reasons: Vec<String>,
    },
    /// The supervisor passphrase was wrong, missing, or not set up yet.
    #[error("{0}")]
    Auth(String),
    /// A record asked for by desk and number that the log does not hold.
    #[error("the audit log {path} has no record #{seq} of desk {desk}")]
    NoSuchRecord {
        /// The database.
        path: PathBuf,
        /// The desk asked for.
        desk: String,
        /// The record number asked for.
        seq: u64,
    },
    /// An export or proof file that is not what it claims to be (malformed, not verifiable).
    #[error("{path}: {detail}")]
    BadExport {
        /// The file.
        path: PathBuf,
        /// What.
        detail: String,
    },
}

impl AuditError {
    /// Classifies a SQLite error: lock, full disk, read-only and damage get their own variants.
    pub fn sqlite(path: &std::path::Path, action: &'static str, source: rusqlite::Error) -> Self {
        let exists = path.exists();
        let path = path.to_owned();
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => AuditError::Locked { path, waited_ms: 0 },
            Some(ErrorCode::DiskFull) => AuditError::DiskFull { path },
            Some(ErrorCode::ReadOnly) => AuditError::ReadOnly { path },
            // The file is there but SQLite cannot open it (or its -wal/-shm) for writing: a
            // read-only folder or mount.
            Some(ErrorCode::CannotOpen) if exists => AuditError::ReadOnly { path },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                AuditError::Damaged { path, detail: source.to_string() }
            }
            // A write past the file size limit (EFBIG) or a failing disk: for the officer the same
            // as a full disk (SQLite reports ENOSPC itself as SQLITE_FULL).
            Some(ErrorCode::SystemIoFailure) if is_write_failure(&source) => AuditError::DiskFull { path },
            _ => AuditError::Sqlite { path, action, source },
        }
    }

    /// Adds the busy timeout to a lock error, so the message says how long we waited.
    pub(crate) fn with_wait(self, waited: std::time::Duration) -> Self {
        match self {
            AuditError::Locked { path, .. } => {
                AuditError::Locked { path, waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX) }
            }
            other => other,
        }
    }

    /// True when nothing is wrong with the log itself: the caller may retry later.
    pub fn is_transient(&self) -> bool {
        matches!(self, AuditError::Locked { .. } | AuditError::DiskFull { .. } | AuditError::ReadOnly { .. })
    }
}

fn is_write_failure(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(failure, _)
        if failure.extended_code == rusqlite::ffi::SQLITE_IOERR_WRITE
            || failure.extended_code == rusqlite::ffi::SQLITE_IOERR_FSYNC
            || failure.extended_code == rusqlite::ffi::SQLITE_IOERR_TRUNCATE)
}
