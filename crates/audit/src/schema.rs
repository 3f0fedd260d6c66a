//! The database file: connection settings (read back and enforced), the application id, and the
//! schema migrations.
//!
//! Migrations are a list of SQL scripts; `PRAGMA user_version` is the number applied. They run in
//! one `BEGIN IMMEDIATE` transaction, so a file is at the old or the new version, never between.
//! (rusqlite_migration does the same, but has no release for rusqlite 0.42 yet; the runner is 20
//! lines.) A migration never rewrites a logged row: the leaf bytes are what the chain covers.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::AuditError;

/// `PRAGMA application_id`: "DXAM", so `file(1)` and docexam can tell an audit log from any other
/// SQLite file.
pub const APPLICATION_ID: i32 = 0x4458_414d;

/// The schema scripts, in order. Index `i` takes the file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the desk's own log, its checkpoints, personal data apart, purge ranges, imported desks.
    r"
    CREATE TABLE log (
        seq   INTEGER PRIMARY KEY CHECK (seq >= 0),
        kind  TEXT    NOT NULL,
        at    TEXT    NOT NULL,
        leaf  BLOB    NOT NULL,
        chain BLOB    NOT NULL CHECK (length(chain) = 32)
    ) STRICT;
    CREATE INDEX log_kind ON log(kind, seq);
    CREATE TRIGGER log_no_update BEFORE UPDATE ON log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER log_no_delete BEFORE DELETE ON log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE checkpoint (
        size      INTEGER PRIMARY KEY CHECK (size > 0),
        head      BLOB NOT NULL CHECK (length(head) = 32),
        signed_at TEXT NOT NULL,
        signature BLOB NOT NULL CHECK (length(signature) = 64)
    ) STRICT;
    CREATE TRIGGER checkpoint_no_update BEFORE UPDATE ON checkpoint BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
    CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;

    CREATE TABLE purge_range (
        purge_seq INTEGER NOT NULL REFERENCES log(seq),
        from_seq  INTEGER NOT NULL,
        to_seq    INTEGER NOT NULL,
        CHECK (from_seq <= to_seq)
    ) STRICT;
    CREATE TRIGGER purge_range_no_update BEFORE UPDATE ON purge_range BEGIN SELECT RAISE(ABORT, 'purge ranges are append-only'); END;
    CREATE TRIGGER purge_range_no_delete BEFORE DELETE ON purge_range BEGIN SELECT RAISE(ABORT, 'purge ranges are append-only'); END;

    CREATE TABLE personal_data (
        seq  INTEGER PRIMARY KEY REFERENCES log(seq),
        salt BLOB NOT NULL CHECK (length(salt) = 32),
        data BLOB NOT NULL
    ) STRICT;
    CREATE TRIGGER personal_data_no_update BEFORE UPDATE ON personal_data BEGIN SELECT RAISE(ABORT, 'personal data is never edited'); END;
    CREATE TRIGGER personal_data_purge_only BEFORE DELETE ON personal_data
        WHEN NOT EXISTS (SELECT 1 FROM purge_range p WHERE OLD.seq BETWEEN p.from_seq AND p.to_seq)
        BEGIN SELECT RAISE(ABORT, 'personal data is deleted only by a logged purge'); END;

    CREATE TABLE imported_record (
        desk  TEXT    NOT NULL,
        seq   INTEGER NOT NULL CHECK (seq >= 0),
        kind  TEXT    NOT NULL,
        at    TEXT    NOT NULL,
        leaf  BLOB    NOT NULL,
        chain BLOB    NOT NULL CHECK (length(chain) = 32),
        PRIMARY KEY (desk, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER imported_record_no_update BEFORE UPDATE ON imported_record BEGIN SELECT RAISE(ABORT, 'imported records are append-only'); END;
    CREATE TRIGGER imported_record_no_delete BEFORE DELETE ON imported_record BEGIN SELECT RAISE(ABORT, 'imported records are append-only'); END;

    CREATE TABLE imported_checkpoint (
        desk       TEXT    NOT NULL,
        size       INTEGER NOT NULL CHECK (size > 0),
        head       BLOB    NOT NULL CHECK (length(head) = 32),
        signed_at  TEXT    NOT NULL,
        signature  BLOB    NOT NULL CHECK (length(signature) = 64),
        public_key BLOB    NOT NULL CHECK (length(public_key) = 32),
        PRIMARY KEY (desk, size)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER imported_checkpoint_no_update BEFORE UPDATE ON imported_checkpoint BEGIN SELECT RAISE(ABORT, 'imported checkpoints are append-only'); END;
    CREATE TRIGGER imported_checkpoint_no_delete BEFORE DELETE ON imported_checkpoint BEGIN SELECT RAISE(ABORT, 'imported checkpoints are append-only'); END;
    ",
    // 2: training sessions and their attempts (`audit::training`). Apart from the log: no leaf, no
    // chain, never listed, counted or exported. A session's fields never change; it is finished
    // once; its attempts may be replaced only while it is unfinished; nothing is deleted.
    r"
    CREATE TABLE training_session (
        id          INTEGER PRIMARY KEY,
        pack_id     TEXT    NOT NULL,
        pack_title  TEXT    NOT NULL,
        key_sha256  TEXT    NOT NULL CHECK (length(key_sha256) = 64),
        manual_id   TEXT    NOT NULL,
        trainee     TEXT    NOT NULL CHECK (length(trainee) > 0),
        manual_only INTEGER NOT NULL CHECK (manual_only IN (0, 1)),
        started_at  TEXT    NOT NULL,
        finished_at TEXT
    ) STRICT;
    CREATE INDEX training_session_pack ON training_session(pack_id, trainee, id);
    CREATE TRIGGER training_session_fixed BEFORE UPDATE OF id, pack_id, pack_title, key_sha256, manual_id, trainee, manual_only, started_at ON training_session
        BEGIN SELECT RAISE(ABORT, 'a training session is never edited'); END;
    CREATE TRIGGER training_session_finished_once BEFORE UPDATE OF finished_at ON training_session WHEN OLD.finished_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'the training session is already finished'); END;
    CREATE TRIGGER training_session_no_delete BEFORE DELETE ON training_session BEGIN SELECT RAISE(ABORT, 'training sessions are kept'); END;

    CREATE TABLE training_attempt (
        session_id      INTEGER NOT NULL REFERENCES training_session(id),
        document_index  INTEGER NOT NULL CHECK (document_index >= 0),
        image           TEXT    NOT NULL,
        inspection_json TEXT    NOT NULL,
        seconds         INTEGER NOT NULL CHECK (seconds >= 0),
        PRIMARY KEY (session_id, document_index)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER training_attempt_open_insert BEFORE INSERT ON training_attempt
        WHEN (SELECT finished_at FROM training_session WHERE id = NEW.session_id) IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'the training session is finished: its attempts are final'); END;
    CREATE TRIGGER training_attempt_open_update BEFORE UPDATE ON training_attempt
        WHEN (SELECT finished_at FROM training_session WHERE id = OLD.session_id) IS NOT NULL
            OR NEW.session_id IS NOT OLD.session_id OR NEW.document_index IS NOT OLD.document_index
        BEGIN SELECT RAISE(ABORT, 'an attempt is replaced only while its session is unfinished, and never moved'); END;
    CREATE TRIGGER training_attempt_no_delete BEFORE DELETE ON training_attempt BEGIN SELECT RAISE(ABORT, 'training attempts are replaced, never deleted'); END;
    ",
];

/// The schema scripts (tests build files at an earlier version from them).
#[cfg(test)]
pub(crate) fn migrations() -> &'static [&'static str] {
    MIGRATIONS
}

/// The schema version this build writes and reads.
pub fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// How a connection is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create the file if missing, migrate it, write to it.
    ReadWrite,
    /// Read only; the file must exist and be at the latest schema version.
    ReadOnly,
}

/// Opens `path` with the audit settings, checks it is an audit log this build understands, and
/// (read-write) brings its schema up to date.
///
/// A lock held by another process is waited for up to `busy_timeout`, also in the moments SQLite
/// itself does not wait (two processes creating the same new file, or switching it to WAL). A
/// read-only open of a log on read-only media (where SQLite cannot create the `-shm` file) falls
/// back to an immutable open.
pub fn open(path: &Path, access: Access, busy_timeout: Duration) -> Result<Connection, AuditError> {
    if access == Access::ReadOnly && !path.exists() {
        return Err(AuditError::Missing { path: path.to_owned() });
    }
    let started = Instant::now();
    loop {
        match open_once(path, access, busy_timeout, false) {
            Err(AuditError::Locked { .. }) if started.elapsed() < busy_timeout => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(AuditError::Locked { path, .. }) => {
                let waited_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                return Err(AuditError::Locked { path, waited_ms });
            }
            Err(AuditError::ReadOnly { .. }) if access == Access::ReadOnly => {
                return open_once(path, access, busy_timeout, true);
            }
            other => return other,
        }
    }
}

fn open_once(path: &Path, access: Access, busy_timeout: Duration, immutable: bool) -> Result<Connection, AuditError> {
    let flags = match access {
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = if immutable {
        // `immutable=1`: no locks and no -shm, for files on media nobody can write.
        let uri = format!("file:{}?mode=ro&immutable=1", uri_path(path));
        Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
    } else {
        Connection::open_with_flags(path, flags)
    }
    .map_err(|e| AuditError::sqlite(path, "open", e))?;
    conn.busy_timeout(busy_timeout).map_err(|e| AuditError::sqlite(path, "set the busy timeout", e))?;
    // Identity first: a foreign SQLite file is refused before anything (WAL mode) is written to it.
    check_identity(&conn, path, access)?;
    configure(&conn, path, access)?;
    if access == Access::ReadWrite {
        migrate(&mut conn, path)?;
    }
    Ok(conn)
}

/// A path as the path part of a `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '?' => escaped.push_str("%3f"),
            '#' => escaped.push_str("%23"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The schema SQL of a freshly migrated database: a verifier compares the file's schema with it,
/// so an edited trigger or table definition does not go unnoticed.
pub fn expected_schema() -> Result<Vec<(String, String, String)>, rusqlite::Error> {
    let mut conn = Connection::open_in_memory()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for script in MIGRATIONS {
        tx.execute_batch(script)?;
    }
    tx.commit()?;
    schema_of(&conn)
}

/// `(type, name, sql)` of every schema object, sorted.
pub fn schema_of(conn: &Connection) -> Result<Vec<(String, String, String)>, rusqlite::Error> {
    let mut statement = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect()
}

/// Sets and reads back the settings the durability and integrity promises rest on.
fn configure(conn: &Connection, path: &Path, access: Access) -> Result<(), AuditError> {
    use rusqlite::config::DbConfig;
    let err = |what: &'static str| move |e| AuditError::sqlite(path, what, e);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true).map_err(err("enable defensive mode"))?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false).map_err(err("distrust the schema"))?;
    conn.pragma_update(None, "foreign_keys", true).map_err(err("enable foreign keys"))?;
    conn.pragma_update(None, "secure_delete", true).map_err(err("enable secure delete"))?;
    if access == Access::ReadWrite {
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))
            .map_err(err("switch to WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(AuditError::Setting { path: path.to_owned(), setting: "journal_mode", found: mode });
        }
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(err("set synchronous=FULL"))?;
    let synchronous: i64 =
        conn.pragma_query_value(None, "synchronous", |row| row.get(0)).map_err(err("read synchronous"))?;
    if synchronous != 2 {
        return Err(AuditError::Setting {
            path: path.to_owned(),
            setting: "synchronous",
            found: synchronous.to_string(),
        });
    }
    let foreign_keys: i64 =
        conn.pragma_query_value(None, "foreign_keys", |row| row.get(0)).map_err(err("read foreign_keys"))?;
    if foreign_keys != 1 {
        return Err(AuditError::Setting {
            path: path.to_owned(),
            setting: "foreign_keys",
            found: foreign_keys.to_string(),
        });
    }
    Ok(())
}

/// Refuses files that are not docexam audit logs, or were written by a newer docexam.
fn check_identity(conn: &Connection, path: &Path, access: Access) -> Result<(), AuditError> {
    let err = |e| AuditError::sqlite(path, "read the file header", e);
    // One snapshot for all three reads: another process may be creating the log right now.
    let _snapshot = conn.unchecked_transaction().map_err(err)?; // read-only snapshot
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(err)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(err)?;
    let fresh = application_id == 0 && version == 0 && {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0)).map_err(err)?;
        tables == 0
    };
    if fresh {
        return match access {
            Access::ReadWrite => Ok(()),
            Access::ReadOnly => Err(AuditError::Missing { path: path.to_owned() }),
        };
    }
    if application_id != APPLICATION_ID {
        return Err(AuditError::NotAnAuditLog { path: path.to_owned() });
    }
    if version > latest_version() {
        return Err(AuditError::NewerSchema { path: path.to_owned(), found: version, supported: latest_version() });
    }
    if access == Access::ReadOnly && version < latest_version() {
        return Err(AuditError::OlderSchema { path: path.to_owned(), found: version, supported: latest_version() });
    }
    Ok(())
}

/// Applies the pending migrations in one immediate transaction.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), AuditError> {
    let err = |what: &'static str| move |e| AuditError::sqlite(path, what, e);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("begin the migration"))?;
    let version: i64 =
        tx.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(err("read user_version"))?;
    let applied = usize::try_from(version).unwrap_or(usize::MAX);
    if applied >= MIGRATIONS.len() {
        return Ok(()); // Dropping `tx` rolls back the empty transaction.
    }
    for script in MIGRATIONS.iter().skip(applied) {
        tx.execute_batch(script).map_err(err("apply a schema migration"))?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(err("write application_id"))?;
    tx.pragma_update(None, "user_version", latest_version()).map_err(err("write user_version"))?;
    tx.commit().map_err(err("commit the migration"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database path in a fresh folder, removed with the returned guard.
    fn temp_db(name: &str) -> (std::path::PathBuf, tempfile::TempDir) {
        let dir = tempfile::Builder::new().prefix(&format!("docexam-schema-{name}-")).tempdir().unwrap();
        (dir.path().join("audit.sqlite"), dir)
    }

    #[test]
    fn every_migration_applies_to_a_fresh_file_and_settings_read_back() {
        let (path, _cleanup) = temp_db("fresh");
        let conn = open(&path, Access::ReadWrite, Duration::from_secs(1)).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, latest_version());
        let id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
        assert_eq!(id, APPLICATION_ID);
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
        assert_eq!(sync, 2);
        let secure: i64 = conn.pragma_query_value(None, "secure_delete", |r| r.get(0)).unwrap();
        assert_eq!(secure, 1);
        let defensive = conn.db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE).unwrap();
        assert!(defensive);
        drop(conn);
        // Opening again is a no-op migration, and read-only opens work.
        let again = open(&path, Access::ReadWrite, Duration::from_secs(1)).unwrap();
        drop(again);
        let read_only = open(&path, Access::ReadOnly, Duration::from_secs(1)).unwrap();
        let tables: i64 =
            read_only.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 8, "the log's six tables and the two training tables");
    }

    #[test]
    fn foreign_and_newer_files_are_refused() {
        let (path, _cleanup) = temp_db("foreign");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE notes (x TEXT);").unwrap();
        }
        assert!(matches!(
            open(&path, Access::ReadWrite, Duration::from_secs(1)),
            Err(AuditError::NotAnAuditLog { .. })
        ));
        std::fs::remove_file(&path).unwrap();
        {
            let conn = open(&path, Access::ReadWrite, Duration::from_secs(1)).unwrap();
            conn.pragma_update(None, "user_version", latest_version() + 1).unwrap();
        }
        let refused = open(&path, Access::ReadWrite, Duration::from_secs(1));
        assert!(matches!(refused, Err(AuditError::NewerSchema { found, .. }) if found == latest_version() + 1));
    }

    #[test]
    fn a_missing_file_is_not_created_by_a_read_only_open() {
        let (path, _cleanup) = temp_db("missing");
        assert!(matches!(open(&path, Access::ReadOnly, Duration::from_secs(1)), Err(AuditError::Missing { .. })));
        assert!(!path.exists());
    }

    #[test]
    fn triggers_refuse_edits_and_deletes_from_the_app_connection() {
        let (path, _cleanup) = temp_db("triggers");
        let conn = open(&path, Access::ReadWrite, Duration::from_secs(1)).unwrap();
        conn.execute("INSERT INTO log VALUES (0, 'x', 't', x'00', zeroblob(32))", []).unwrap();
        conn.execute("INSERT INTO personal_data VALUES (0, zeroblob(32), x'01')", []).unwrap();
        for sql in [
            "UPDATE log SET kind = 'y'",
            "DELETE FROM log",
            "UPDATE personal_data SET data = x'02'",
            "DELETE FROM personal_data",
        ] {
            let err = conn.execute(sql, []).unwrap_err().to_string();
            assert!(
                err.contains("append-only") || err.contains("never edited") || err.contains("logged purge"),
                "{sql}: {err}"
            );
        }
        // A logged purge range lets exactly its rows go.
        conn.execute("INSERT INTO purge_range VALUES (0, 0, 0)", []).unwrap();
        assert_eq!(conn.execute("DELETE FROM personal_data WHERE seq = 0", []).unwrap(), 1);
    }
}
