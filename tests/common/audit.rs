//! Shared helpers of the audit log reliability tests (`audit_crash`, `audit_tamper`,
//! `audit_faults`): scratch folders, the fixture record, raw SQLite access and the checks every
//! test ends with.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use docexam_audit::{AuditLog, OpenOptions, verify_database};
use docexam_exam::inspection::Inspection;
use rusqlite::Connection;

/// The docexam binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_docexam"))
}

/// The fixture inspection record (see tests/fixtures/audit/README.md).
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit/inspection.json")
}

/// The fixture record as JSON.
pub fn fixture_json() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(fixture()).expect("read the fixture")).expect("fixture JSON")
}

/// The fixture record.
pub fn inspection() -> Inspection {
    serde_json::from_slice(&std::fs::read(fixture()).expect("read the fixture")).expect("fixture record")
}

/// A scratch folder (tempfile), removed on drop, but kept when the test failed, so the database
/// can be looked at.
pub struct Scratch(Option<tempfile::TempDir>);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(&format!("docexam-test-{name}-")).tempdir();
        Self(Some(dir.expect("create the scratch folder")))
    }

    pub fn path(&self) -> &Path {
        self.0.as_ref().map(tempfile::TempDir::path).expect("the folder lives until drop")
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// `audit.sqlite` in this folder.
    pub fn db(&self) -> PathBuf {
        self.join("audit.sqlite")
    }

    /// Writes `content` to `name` in this folder; its path as text, for command lines.
    pub fn file(&self, name: &str, content: &str) -> String {
        let path = self.join(name);
        std::fs::write(&path, content).expect("write a scratch file");
        path.display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(dir) = self.0.take()
        {
            eprintln!("kept {} for inspection", dir.keep().display());
        }
    }
}

/// The key file beside `db`.
pub fn key_path(db: &Path) -> PathBuf {
    docexam_audit::signing::key_path_for(db)
}

/// Opens the log for writing with a short busy timeout.
pub fn open_log(db: &Path) -> AuditLog {
    AuditLog::open(db, &OpenOptions { busy_timeout: Duration::from_secs(2), ..OpenOptions::default() })
        .expect("open the audit log")
}

/// A log at `db` with record 0 and `inspections` copies of the fixture inspection.
pub fn new_log(db: &Path, inspections: usize) -> AuditLog {
    let mut log = open_log(db);
    let inspection = inspection();
    for _ in 0..inspections {
        log.record_inspection(&inspection).expect("record the fixture");
    }
    log
}

/// Runs `tamper` on `db` with the delete-refusing triggers dropped, then puts them back exactly
/// as they were, as a careful tamperer would (so the schema still matches docexam's).
pub fn without_delete_triggers(db: &Path, tamper: impl FnOnce(&Connection)) {
    let conn = Connection::open(db).expect("open the database raw");
    let triggers: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_schema WHERE name IN ('log_no_delete', 'checkpoint_no_delete')")
        .expect("read the triggers")
        .query_map([], |row| row.get(0))
        .expect("read the triggers")
        .collect::<Result<_, _>>()
        .expect("read the triggers");
    conn.execute_batch("DROP TRIGGER log_no_delete; DROP TRIGGER checkpoint_no_delete;").expect("drop the triggers");
    tamper(&conn);
    for trigger in triggers {
        conn.execute_batch(&trigger).expect("put a trigger back");
    }
}

/// A plain SQLite connection: no defensive mode, no audit checks (the tamperer's view).
pub fn raw(db: &Path) -> Connection {
    let conn = Connection::open(db).expect("raw open");
    conn.busy_timeout(Duration::from_secs(5)).expect("busy timeout");
    conn
}

/// `(count(*), max(seq))` of the log table (max is -1 when empty or when there is no log table
/// yet: a file created but not yet given its schema).
pub fn count_and_max(db: &Path) -> (u64, i64) {
    let conn = raw(db);
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'log'", [], |row| row.get(0))
        .expect("read the schema");
    if tables == 0 {
        return (0, -1);
    }
    conn.query_row("SELECT count(*), coalesce(max(seq), -1) FROM log", [], |row| {
        Ok((row.get::<_, i64>(0)?.try_into().unwrap_or(u64::MAX), row.get(1)?))
    })
    .expect("count the records")
}

/// Number of records.
pub fn record_count(db: &Path) -> u64 {
    count_and_max(db).0
}

/// `PRAGMA integrity_check`, all lines joined (`ok` when the file is sound; SQLite's error when
/// it cannot even run the check).
pub fn integrity_check(db: &Path) -> String {
    let conn = raw(db);
    let lines: Result<Vec<String>, rusqlite::Error> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect());
    lines.map_or_else(|e| format!("error: {e}"), |lines| lines.join("\n"))
}

/// Moves everything from the WAL into the main file and empties the WAL.
pub fn checkpoint_wal(db: &Path) {
    let conn = raw(db);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0)).expect("wal checkpoint");
}

/// Panics with the findings unless the library verifier reports `db` intact.
pub fn assert_intact(db: &Path) {
    let report = verify_database(db).unwrap_or_else(|e| panic!("cannot verify {}: {e}", db.display()));
    assert!(report.intact(), "{} not intact: {:?}", db.display(), report.findings);
}

/// A value exactly (text as its bytes, so a flip that leaves invalid UTF-8 is still a value).
fn value_text(value: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => format!("{i}"),
        ValueRef::Real(r) => format!("{r:?}"),
        ValueRef::Text(t) => format!("'{}'", t.escape_ascii()),
        ValueRef::Blob(b) => format!("x'{}'", docexam_exam::digest::to_hex(b)),
    }
}

/// One row as text: `table: v1 | v2 | ...`.
fn row_text(table: &str, row: &rusqlite::Row<'_>, columns: usize) -> Result<String, rusqlite::Error> {
    let values: Vec<String> = (0..columns).map(|i| row.get_ref(i).map(value_text)).collect::<Result<_, _>>()?;
    Ok(format!("{table}: {}", values.join(" | ")))
}

/// Every row of every table and the schema, as text, in a fixed order: the database's logical
/// content. Two files with equal content hold the same log, whatever their bytes. Schema lines
/// start with `schema: `, rows with their table's name.
pub fn logical_content(db: &Path) -> Result<Vec<String>, rusqlite::Error> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut out = Vec::new();
    for pragma in ["application_id", "user_version", "journal_mode", "page_size"] {
        let value: rusqlite::types::Value = conn.pragma_query_value(None, pragma, |row| row.get(0))?;
        out.push(format!("pragma {pragma} = {value:?}"));
    }
    let mut tables = Vec::new();
    let mut statement = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        out.push(row_text("schema", row, 4)?);
        if let (Ok("table"), Ok(name)) = (row.get_ref(0)?.as_str(), row.get_ref(1)?.as_str()) {
            tables.push(name.to_owned());
        }
    }
    drop(rows);
    for name in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{name}\""))?;
        let columns = statement.column_count();
        let mut rows = statement.query([])?;
        let mut table_rows = Vec::new();
        while let Some(row) = rows.next()? {
            table_rows.push(row_text(&name, row, columns)?);
        }
        table_rows.sort();
        out.extend(table_rows);
    }
    Ok(out)
}

/// Runs `docexam audit --db DB ARGS...`, with `stdin` if given.
pub fn audit(db: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(bin());
    command.arg("audit").arg("--db").arg(db).args(args);
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn docexam");
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write as _;
        // A refusal may close the pipe before everything was written; the exit status says why.
        let _ = pipe.write_all(input);
    }
    child.wait_with_output().expect("wait for docexam")
}

/// Standard error of a run, as text.
pub fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output of a run, as text.
pub fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A small deterministic PRNG (SplitMix64): the tests print their seed, so a failure replays.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }
}

/// The seed: `$DOCEXAM_TEST_SEED` when set (to replay a failure), else `default`.
pub fn seed(default: u64) -> u64 {
    std::env::var("DOCEXAM_TEST_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}
