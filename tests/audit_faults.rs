#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.
//! The audit log under faults: a full disk, a read-only disk, a lock held by another process,
//! bad input to `audit record`, and a file that is not an audit log. In every case the officer
//! gets a clear message saying the record was NOT recorded, nothing acknowledged is lost, and the
//! log still verifies.
//!
//! Some variants need `mount` (a tmpfs, a read-only bind mount) or `chattr`, so root with
//! CAP_SYS_ADMIN and CAP_LINUX_IMMUTABLE, as CI has: where they cannot run they fail saying so
//! (a test that passes without testing would hide a lost check).

#[path = "common/audit.rs"]
mod audit_common;

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use audit_common::{
    Rng, Scratch, assert_intact, audit, bin, count_and_max, fixture, fixture_json, inspection, integrity_check,
    key_path, new_log, record_count, stderr_of,
};
use docexam_audit::{AuditError, AuditLog, OpenOptions, verify_database};

/// Every `committed N` line of a writer's output.
fn acks(output: &Output) -> Vec<u64> {
    output
        .stdout
        .lines()
        .map(|line| {
            let line = line.unwrap();
            line.strip_prefix("committed ").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line:?}"))
        })
        .collect()
}

/// The checks after a failed write: every acknowledged record present, records contiguous, the
/// chain intact, SQLite's integrity check clean.
fn assert_nothing_lost(db: &Path, acknowledged: &[u64]) {
    let (count, max) = count_and_max(db);
    assert_eq!(i64::try_from(count).unwrap(), max + 1, "records are contiguous");
    if let Some(&last) = acknowledged.iter().max() {
        assert!(i64::try_from(last).unwrap() <= max, "record {last} was acknowledged but the log ends at {max}");
    }
    assert_eq!(integrity_check(db), "ok");
    assert_intact(db);
}

/// `append-loop --count N` without limits: must succeed and add exactly N records.
fn assert_appends_resume(db: &Path, count: u64) {
    let before = record_count(db);
    let output =
        audit(db, &["append-loop", "--json", fixture().to_str().unwrap(), "--count", &count.to_string()], None);
    assert!(output.status.success(), "appends did not resume: {}", stderr_of(&output));
    assert_eq!(acks(&output).len(), usize::try_from(count).unwrap());
    assert_eq!(record_count(db), before + count);
    assert_intact(db);
}

/// The writer's failure message: exit 2, names the cause, says NOT recorded.
fn assert_clear_failure(output: &Output, cause: &[&str]) {
    let stderr = stderr_of(output);
    assert_eq!(output.status.code(), Some(2), "exit status; stderr: {stderr}");
    assert!(stderr.contains("NOT recorded"), "{stderr}");
    assert!(cause.iter().any(|c| stderr.contains(c)), "expected one of {cause:?} in: {stderr}");
}

// ---------------------------------------------------------------------------------------------
// (a) A full disk.

#[test]
fn over_the_file_size_limit_the_writer_stops_cleanly_and_nothing_acknowledged_is_lost() {
    let scratch = Scratch::new("fsize");
    let db = scratch.db();
    drop(new_log(&db, 2)); // Closed: the WAL is merged into the main file and removed.
    // SIGXFSZ ignored: a write past the limit fails with EFBIG instead of killing the process.
    // dash counts `ulimit -f` in 512-byte blocks: 128 KiB, a few dozen records of WAL.
    let output = Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 256; exec "$0" audit --db "$1" append-loop --json "$2""#)
        .arg(bin())
        .arg(&db)
        .arg(fixture())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let acknowledged = acks(&output);
    eprintln!("file size limit: {} records acknowledged before the limit; {}", acknowledged.len(), stderr_of(&output));
    assert!(!acknowledged.is_empty(), "the limit left no room for a single record: {}", stderr_of(&output));
    assert_clear_failure(&output, &["disk is full or over a size limit"]);
    assert_nothing_lost(&db, &acknowledged);
    assert_appends_resume(&db, 5);
}

/// Why a mount test fails where it cannot mount: these tests run as root (CI's fresh VM is), and
/// one that cannot do what it tests must fail rather than pass without testing.
const NEEDS_MOUNT: &str = "mount failed: this test needs root with CAP_SYS_ADMIN (as in CI); \
                           run the audit fault tests as root";

/// A tmpfs mount, unmounted on drop.
struct Mount(PathBuf);

impl Mount {
    /// Mounts a tmpfs of `size` (e.g. `1m`) on `dir`, or `None` when this process may not mount.
    fn tmpfs(dir: &Path, size: &str) -> Option<Self> {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0755"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| Self(dir.to_owned()))
    }

    /// Bind-mounts `dir` on itself, read-only, or `None` when this process may not mount.
    fn read_only_bind(dir: &Path) -> Option<Self> {
        let bind = Command::new("mount").arg("--bind").arg(dir).arg(dir).stderr(Stdio::null()).status().ok()?;
        if !bind.success() {
            return None;
        }
        let mount = Self(dir.to_owned());
        let ro = Command::new("mount").args(["-o", "remount,bind,ro"]).arg(dir).stderr(Stdio::null()).status().ok()?;
        ro.success().then_some(mount)
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount").args(["-o", options]).arg(&self.0).status().unwrap();
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn on_a_full_tmpfs_the_writer_stops_cleanly_and_appends_resume_once_there_is_room() {
    let scratch = Scratch::new("tmpfs");
    let mount = Mount::tmpfs(scratch.path(), "1m").expect(NEEDS_MOUNT);
    let db = scratch.db();
    drop(new_log(&db, 2));
    let output = audit(&db, &["append-loop", "--json", fixture().to_str().unwrap()], None);
    let acknowledged = acks(&output);
    eprintln!("1 MiB tmpfs: {} records acknowledged before it was full; {}", acknowledged.len(), stderr_of(&output));
    assert!(!acknowledged.is_empty());
    assert_clear_failure(&output, &["disk is full or over a size limit"]);
    assert_nothing_lost(&db, &acknowledged);
    mount.remount("remount,size=16m");
    assert_appends_resume(&db, 5);
    drop(mount);
}

// ---------------------------------------------------------------------------------------------
// (b) A read-only disk or file. Root ignores file permissions, so these use a read-only bind
// mount and the immutable attribute, which bind root too.

/// Tries `audit record` and the library's open-and-record on a read-only `db` holding `count`
/// records, then `restore`s write access and checks that the attempts changed nothing and the
/// log takes records again. Returns the command's output and the library's error.
fn attempt_read_only(db: &Path, count: u64, restore: impl FnOnce()) -> (Output, AuditError) {
    let output = audit(db, &["record", "--json", fixture().to_str().unwrap()], None);
    eprintln!("read-only: exit {:?}: {}", output.status.code(), stderr_of(&output).trim());
    let library = AuditLog::open(db, &OpenOptions::default()).and_then(|mut log| log.record_inspection(&inspection()));
    eprintln!("read-only, library: {library:?}");
    restore();
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains(db.to_str().unwrap()), "names the file: {}", stderr_of(&output));
    assert_eq!(record_count(db), count, "nothing was appended");
    assert_nothing_lost(db, &[]);
    assert_appends_resume(db, 2);
    (output, library.expect_err("the library appended to a read-only log"))
}

/// A log of record 0 and 3 inspections in `dir/audit.sqlite`, closed (no WAL left).
fn closed_log_in(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let db = dir.join("audit.sqlite");
    drop(new_log(&db, 3));
    db
}

#[test]
fn an_immutable_database_file_refuses_a_record_saying_read_only_and_is_untouched() {
    let scratch = Scratch::new("immutable");
    let db = closed_log_in(scratch.path());
    let chattr = |flag: &str| Command::new("chattr").arg(flag).arg(&db).stderr(Stdio::null()).status();
    assert!(
        chattr("+i").is_ok_and(|s| s.success()),
        "chattr +i failed: this test needs root with CAP_LINUX_IMMUTABLE on a file system with the \
         immutable attribute (ext4, xfs, tmpfs), as in CI"
    );
    let (output, error) = attempt_read_only(&db, 4, || {
        chattr("-i").unwrap();
    });
    assert_clear_failure(&output, &["is read-only"]);
    assert!(matches!(error, AuditError::ReadOnly { .. }), "{error:?}");
}

#[test]
fn on_a_read_only_mount_a_record_is_refused_and_the_log_is_untouched() {
    let scratch = Scratch::new("ro-mount");
    let dir = scratch.join("desk");
    let db = closed_log_in(&dir);
    let mount = Mount::read_only_bind(&dir).expect(NEEDS_MOUNT);
    attempt_read_only(&db, 4, move || drop(mount));
}

/// On a read-only file system SQLite cannot create the `-shm` file and reports "unable to open
/// database file" (SQLITE_CANTOPEN); docexam must say the log is read-only and NOT recorded.
#[test]
fn on_a_read_only_mount_the_refusal_says_read_only_and_not_recorded() {
    let scratch = Scratch::new("ro-mount-message");
    let dir = scratch.join("desk");
    let db = closed_log_in(&dir);
    let mount = Mount::read_only_bind(&dir).expect(NEEDS_MOUNT);
    let (output, error) = attempt_read_only(&db, 4, move || drop(mount));
    assert!(matches!(error, AuditError::ReadOnly { .. }), "{error:?}");
    assert_clear_failure(&output, &["is read-only"]);
}

/// A log archived on read-only media (closed: no `-wal` or `-shm` beside it) must still verify.
#[test]
fn a_log_on_a_read_only_mount_still_verifies() {
    let scratch = Scratch::new("ro-verify");
    let dir = scratch.join("archive");
    let db = closed_log_in(&dir);
    let mount = Mount::read_only_bind(&dir).expect(NEEDS_MOUNT);
    let report = verify_database(&db);
    drop(mount);
    assert!(report.as_ref().is_ok_and(docexam_audit::VerifyReport::intact), "{report:?}");
}

// ---------------------------------------------------------------------------------------------
// (c) Locked by another process.

/// A plain connection holding the write lock (`BEGIN IMMEDIATE`), as another writer would.
fn hold_write_lock(db: &Path) -> rusqlite::Connection {
    let conn = audit_common::raw(db);
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn
}

fn short_wait() -> OpenOptions {
    OpenOptions { busy_timeout: Duration::from_millis(200), ..OpenOptions::default() }
}

#[test]
fn a_locked_log_refuses_with_locked_and_not_recorded_and_takes_the_same_record_after() {
    let scratch = Scratch::new("locked");
    let db = scratch.db();
    drop(new_log(&db, 2));
    let inspection = inspection();

    // Locked while opening (the schema check takes the write lock).
    let lock = hold_write_lock(&db);
    let started = Instant::now();
    let opened = AuditLog::open(&db, &short_wait());
    assert!(matches!(opened, Err(AuditError::Locked { waited_ms: 200.., .. })), "{opened:?}");
    assert!(started.elapsed() >= Duration::from_millis(200), "it waited the busy timeout");
    drop(lock);

    // Locked while recording.
    let mut log = AuditLog::open(&db, &short_wait()).unwrap();
    let lock = hold_write_lock(&db);
    let error = log.record_inspection(&inspection).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, AuditError::Locked { .. }), "{error:?}");
    assert!(message.contains("locked") && message.contains("NOT recorded"), "{message}");
    assert!(error.is_transient());
    assert_eq!(record_count(&db), 3);
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);

    // The same record, the same log object, once the lock is gone.
    let appended = log.record_inspection(&inspection).unwrap();
    assert_eq!(appended.seq, 3);
    drop(log);
    assert_nothing_lost(&db, &[3]);
}

#[test]
fn the_record_command_waits_5_seconds_for_a_lock_then_exits_2_saying_not_recorded() {
    let scratch = Scratch::new("locked-cli");
    let db = scratch.db();
    drop(new_log(&db, 1));
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let holder = {
        let db = db.clone();
        std::thread::spawn(move || {
            let lock = hold_write_lock(&db);
            locked_tx.send(()).unwrap();
            std::thread::sleep(Duration::from_secs(6));
            lock.execute_batch("ROLLBACK").unwrap();
        })
    };
    locked_rx.recv().unwrap();
    let started = Instant::now();
    let output = audit(&db, &["record", "--json", fixture().to_str().unwrap()], None);
    let waited = started.elapsed();
    holder.join().unwrap();
    let stderr = stderr_of(&output);
    eprintln!("locked, via the binary after {waited:?}: {}", stderr.trim());
    assert_clear_failure(&output, &["locked by another process"]);
    assert!(stderr.contains("(waited 5"), "the message says how long it waited: {stderr}");
    assert!(waited >= Duration::from_secs(5), "{waited:?}");
    assert_eq!(record_count(&db), 2, "nothing appended");
    assert_nothing_lost(&db, &[]);
    let again = audit(&db, &["record", "--json", fixture().to_str().unwrap()], None);
    assert!(again.status.success(), "{}", stderr_of(&again));
    assert_eq!(record_count(&db), 3);
}

// ---------------------------------------------------------------------------------------------
// (d) Bad input to `audit record`.

/// The fixture record with one change.
fn fixture_with(change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut record = fixture_json();
    change(&mut record);
    serde_json::to_vec(&record).unwrap()
}

#[test]
fn bad_input_to_the_record_command_is_refused_clearly_and_nothing_is_appended() {
    let scratch = Scratch::new("bad-input");
    let db = scratch.db();
    drop(new_log(&db, 1));
    let head = |db: &Path| verify_database(db).unwrap().own.unwrap().head;
    let (count, before_head) = (record_count(&db), head(&db));
    let huge_note = "x".repeat(5 * 1024 * 1024);
    let cases: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("malformed JSON", b"{\"record_version\": 1,".to_vec(), 1, "not an inspection record"),
        ("empty file", Vec::new(), 1, "not an inspection record"),
        ("a JSON array", b"[1, 2, 3]".to_vec(), 1, "not an inspection record"),
        ("a JSON string", b"\"admit\"".to_vec(), 1, "not an inspection record"),
        ("binary garbage", (0u8..=255).cycle().take(4096).collect(), 1, "not an inspection record"),
        ("an undecided inspection", fixture_with(|r| r["decision"] = serde_json::Value::Null), 1, "no decision yet"),
        (
            "an officer id of 10,000 characters",
            fixture_with(|r| r["officer"] = "o".repeat(10_000).into()),
            1,
            "officer is 10000 characters long",
        ),
        ("a 5 MiB record", fixture_with(|r| r["items"][0]["note"] = huge_note.into()), 2, "larger than 4 MiB"),
        (
            "outcome \"maybe\"",
            fixture_with(|r| r["decision"]["outcome"] = "maybe".into()),
            1,
            "unknown variant `maybe`",
        ),
        ("answer \"perhaps\"", fixture_with(|r| r["items"][0]["answer"] = "perhaps".into()), 1, "perhaps"),
        (
            "failure code \"XX\"",
            fixture_with(|r| r["items"][0]["failure_suggests"] = serde_json::json!(["XX"])),
            1,
            "XX",
        ),
        (
            "a bell in the officer id",
            fixture_with(|r| r["officer"] = "off\u{7}1".into()),
            1,
            "officer contains control characters",
        ),
        (
            "a terminal escape in the station id",
            fixture_with(|r| r["station"] = "\u{1b}[31mst-1".into()),
            1,
            "station contains control characters",
        ),
        (
            "a NUL in the officer id",
            fixture_with(|r| r["officer"] = "off\u{0}1".into()),
            1,
            "officer contains control characters",
        ),
        (
            "a note of 4001 characters",
            fixture_with(|r| r["items"][0]["note"] = "n".repeat(4001).into()),
            1,
            "4001 characters long",
        ),
    ];
    let input = scratch.join("input.json");
    for (name, bytes, exit, says) in &cases {
        std::fs::write(&input, bytes).unwrap();
        let output = audit(&db, &["record", "--json", input.to_str().unwrap()], None);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(*exit), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: expected {says:?} in {stderr:?}");
        assert!(stderr.starts_with("docexam: "), "{name}: {stderr}");
        assert!(stderr.len() < 2000, "{name}: the message echoes the input: {} bytes", stderr.len());
        assert_eq!(record_count(&db), count, "{name}: nothing appended");
    }
    // The same through standard input, and a file that is not there.
    let piped = audit(&db, &["record", "--json", "-"], Some(b"[]"));
    assert_eq!(piped.status.code(), Some(1), "{}", stderr_of(&piped));
    let missing = audit(&db, &["record", "--json", scratch.join("nope.json").to_str().unwrap()], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr_of(&missing).contains("cannot read the record"), "{}", stderr_of(&missing));
    assert_eq!(record_count(&db), count);
    assert_eq!(head(&db), before_head, "the chain head is unchanged");
    assert_nothing_lost(&db, &[]);
    // And the good record still goes in.
    let good = audit(&db, &["record", "--json", fixture().to_str().unwrap()], None);
    assert!(good.status.success(), "{}", stderr_of(&good));
}

// ---------------------------------------------------------------------------------------------
// (e) A damaged or foreign file given as the database.

#[test]
fn a_file_that_is_not_an_audit_log_is_refused_clearly_and_left_untouched() {
    let scratch = Scratch::new("foreign");
    let mut rng = Rng::new(0xf0e1);
    let png = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/images/dark_corner_rgba.png"))
        .unwrap();
    let random: Vec<u8> = (0..65_536).map(|_| rng.next_u64().to_le_bytes()[0]).collect();
    let other_sqlite = {
        let path = scratch.join("notes.sqlite");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hello');").unwrap();
        drop(conn);
        std::fs::read(&path).unwrap()
    };
    // A real log whose header was overwritten: SQLite no longer recognises it.
    let damaged_header = {
        let path = scratch.join("damaged.sqlite");
        drop(new_log(&path, 2));
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[..16].copy_from_slice(b"not SQLite, sry\0");
        bytes
    };
    let cases: [(&str, &[u8], &[&str]); 4] = [
        ("a PNG image", &png, &["damaged", "not a database"]),
        ("random bytes", &random, &["damaged", "not a database"]),
        ("another program's SQLite file", &other_sqlite, &["not a docexam audit log"]),
        ("a log with a damaged header", &damaged_header, &["damaged", "not a database"]),
    ];
    for (name, bytes, says) in cases {
        let db = scratch.join("given.sqlite");
        std::fs::write(&db, bytes).unwrap();
        let record = audit(&db, &["record", "--json", fixture().to_str().unwrap()], None);
        let stderr = stderr_of(&record);
        eprintln!("{name}: record: exit {:?}: {}", record.status.code(), stderr.trim());
        assert_eq!(record.status.code(), Some(2), "{name}: {stderr}");
        assert!(says.iter().any(|s| stderr.contains(s)), "{name}: {stderr}");
        assert!(stderr.contains("given.sqlite"), "{name}: names the file: {stderr}");
        let verify = audit(&db, &["verify"], None);
        let said = format!("{}{}", audit_common::stdout_of(&verify), stderr_of(&verify));
        eprintln!("{name}: verify: exit {:?}: {}", verify.status.code(), said.trim());
        assert!(matches!(verify.status.code(), Some(2 | 3)), "{name}: {said}");
        assert!(says.iter().any(|s| said.contains(s)), "{name}: {said}");
        // Another program's SQLite file is switched to WAL mode before it is refused (two header
        // bytes): see `another_programs_sqlite_file_is_left_byte_for_byte_untouched`.
        if name != "another program's SQLite file" {
            assert!(std::fs::read(&db).unwrap() == bytes, "{name}: the file was changed");
        }
        assert!(!key_path(&db).exists(), "{name}: a key file was created beside it");
        for suffix in ["-wal", "-journal"] {
            let side = PathBuf::from(format!("{}{suffix}", db.display()));
            assert!(side.metadata().map_or(true, |m| m.len() == 0), "{name}: {suffix} written");
        }
        let _ = std::fs::remove_file(&db);
        for suffix in ["-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }
}

/// `audit record --db` on another program's SQLite file refuses it without writing a byte (the
/// identity check runs before the connection switches the file to WAL).
#[test]
fn another_programs_sqlite_file_is_left_byte_for_byte_untouched() {
    let scratch = Scratch::new("foreign-sqlite");
    let db = scratch.join("notes.sqlite");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('hello');").unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let record = audit(&db, &["record", "--json", fixture().to_str().unwrap()], None);
    assert_eq!(record.status.code(), Some(2));
    let after = std::fs::read(&db).unwrap();
    let changed: Vec<usize> = (0..before.len().min(after.len())).filter(|&i| before[i] != after[i]).collect();
    assert!(before == after, "bytes changed at {changed:?} (length {} -> {})", before.len(), after.len());
}
