#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.
//! Tamper evidence of the audit log: someone with full write access to the database file (but
//! not the desk key) edits it with plain SQLite or a hex editor; `verify` must notice, and name
//! the first bad record.
//!
//! Each scenario starts from a fresh log of record 0 and ten inspections (records 1-10), with a
//! signed checkpoint after every record, as the desk writes it.

#[path = "common/audit.rs"]
mod audit_common;

use std::path::{Path, PathBuf};

use audit_common::{
    Rng, Scratch, assert_intact, audit, checkpoint_wal, inspection, key_path, logical_content, new_log, open_log, raw,
    seed, stdout_of, without_delete_triggers,
};
use docexam_audit::chain::{GENESIS, leaf_hash, next_link};
use docexam_audit::entry::{Actor, Role};
use docexam_audit::signing::DeskKey;
use docexam_audit::{AuditError, FindingKind, OpenOptions, VerifyReport, verify_database};
use rusqlite::params;

/// Records in a scenario's log: record 0 and ten inspections.
const RECORDS: u64 = 11;
/// The record most scenarios tamper with.
const MIDDLE: i64 = 5;
const LAST: i64 = 10;
const PASSPHRASE: &str = "correct horse battery staple";

/// A fresh log of [`RECORDS`] records in its own folder; with personal data kept when `personal`.
fn fresh_log(name: &str, personal: bool) -> (Scratch, PathBuf) {
    let scratch = Scratch::new(name);
    let db = scratch.db();
    if personal {
        let mut log = open_log(&db);
        let supervisor = Actor { role: Role::Supervisor, name: Some("sup-1".into()) };
        log.change_settings(supervisor, Some(true), Some(PASSPHRASE)).expect("personal data on");
        let inspection = inspection();
        while log.size().unwrap() < RECORDS {
            log.record_inspection(&inspection).expect("record");
        }
    } else {
        drop(new_log(&db, usize::try_from(RECORDS).unwrap() - 1));
    }
    (scratch, db)
}

fn leaf(db: &Path, seq: i64) -> Vec<u8> {
    raw(db).query_row("SELECT leaf FROM log WHERE seq = ?1", [seq], |row| row.get(0)).expect("read a leaf")
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = haystack.windows(from.len()).position(|w| w == from).expect("the text to replace is in the leaf");
    [&haystack[..at], to, &haystack[at + from.len()..]].concat()
}

/// Runs SQL on a plain connection (the app's triggers still apply unless the SQL drops them).
fn sql(db: &Path, script: &str) {
    raw(db).execute_batch(script).unwrap_or_else(|e| panic!("{script}: {e}"));
}

/// Rewrites the chain column from `from` on so each record's stored chain value matches its
/// (edited) content, as a tamperer without the key would.
fn recompute_chain(db: &Path, from: i64) {
    let conn = raw(db);
    conn.execute_batch("DROP TRIGGER IF EXISTS log_no_update").unwrap();
    let leaves: Vec<(i64, Vec<u8>)> = {
        let mut statement = conn.prepare("SELECT seq, leaf FROM log ORDER BY seq").unwrap();
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let mut head = GENESIS;
    for (seq, leaf) in leaves {
        head = next_link(&head, &leaf_hash(&leaf));
        if seq >= from {
            conn.execute("UPDATE log SET chain = ?1 WHERE seq = ?2", params![head.as_slice(), seq]).unwrap();
        }
    }
}

fn edit_leaf(db: &Path, seq: i64, from: &[u8], to: &[u8]) {
    let edited = replace(&leaf(db, seq), from, to);
    sql(db, "DROP TRIGGER log_no_update");
    raw(db).execute("UPDATE log SET leaf = ?1 WHERE seq = ?2", params![edited, seq]).unwrap();
}

/// A leaf for record `seq` of this log in docexam's exact form (record 1's, another officer).
fn forged_leaf(db: &Path, seq: i64) -> Vec<u8> {
    let leaf = replace(&leaf(db, 1), b"\"seq\":1,", format!("\"seq\":{seq},").as_bytes());
    replace(&leaf, b"\"officer\":\"off-1\"", b"\"officer\":\"forger\"")
}

fn insert_record(db: &Path, seq: i64, leaf: &[u8], chain: &[u8; 32]) {
    raw(db)
        .execute(
            "INSERT INTO log (seq, kind, at, leaf, chain) SELECT ?1, kind, at, ?2, ?3 FROM log WHERE seq = 1",
            params![seq, leaf, chain.as_slice()],
        )
        .unwrap();
}

fn head_after(db: &Path, seq: i64) -> [u8; 32] {
    let chain: Vec<u8> =
        raw(db).query_row("SELECT chain FROM log WHERE seq = ?1", [seq], |row| row.get(0)).expect("chain");
    chain.try_into().unwrap()
}

/// What a scenario must lead to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A finding of this kind, naming this record (`None`: no record named).
    Finding(FindingKind, Option<u64>),
    /// Not intact, whatever the finding (file-level damage), or refused as unreadable.
    Damaged,
    /// Verifies as intact: a documented limit of a single verification.
    Intact,
}

type Tamper = fn(&Path);

/// The scenario table: name, personal data kept, the tampering, what verify must say.
fn scenarios() -> Vec<(&'static str, bool, Tamper, Expect)> {
    use FindingKind as K;
    let at = |seq: i64| Some(u64::try_from(seq).unwrap());
    vec![
        (
            "edit a leaf (decision admit -> refuse)",
            false,
            |db| edit_leaf(db, MIDDLE, b"\"outcome\":\"admit\"", b"\"outcome\":\"refuse\""),
            Expect::Finding(K::Chain, at(MIDDLE)),
        ),
        (
            "edit a leaf (officer id)",
            false,
            |db| edit_leaf(db, MIDDLE, b"\"officer\":\"off-1\"", b"\"officer\":\"off-2\""),
            Expect::Finding(K::Chain, at(MIDDLE)),
        ),
        (
            "edit the kind column",
            false,
            |db| sql(db, "DROP TRIGGER log_no_update; UPDATE log SET kind = 'training' WHERE seq = 5"),
            Expect::Finding(K::Envelope, at(MIDDLE)),
        ),
        (
            "edit the at column",
            false,
            |db| sql(db, "DROP TRIGGER log_no_update; UPDATE log SET at = '2001-01-01T00:00:00Z' WHERE seq = 5"),
            Expect::Finding(K::Envelope, at(MIDDLE)),
        ),
        (
            "edit the kind in both row and leaf, chain recomputed",
            false,
            |db| {
                edit_leaf(db, MIDDLE, b"\"kind\":\"inspection\"", b"\"kind\":\"training\"");
                sql(db, "UPDATE log SET kind = 'training' WHERE seq = 5");
                recompute_chain(db, MIDDLE);
            },
            Expect::Finding(K::Checkpoint, at(MIDDLE)),
        ),
        (
            "edit a leaf and recompute the chain from it on (no key to re-sign)",
            false,
            |db| {
                edit_leaf(db, MIDDLE, b"\"outcome\":\"admit\"", b"\"outcome\":\"refuse\"");
                recompute_chain(db, MIDDLE);
            },
            Expect::Finding(K::Checkpoint, at(MIDDLE)),
        ),
        (
            "edit, recompute the chain, delete the checkpoints from it on",
            false,
            |db| {
                edit_leaf(db, MIDDLE, b"\"outcome\":\"admit\"", b"\"outcome\":\"refuse\"");
                recompute_chain(db, MIDDLE);
                sql(db, "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint WHERE size > 5");
            },
            Expect::Finding(K::Coverage, at(MIDDLE)),
        ),
        (
            "edit, recompute the chain, re-sign the last checkpoint with another key",
            false,
            |db| {
                edit_leaf(db, MIDDLE, b"\"outcome\":\"admit\"", b"\"outcome\":\"refuse\"");
                recompute_chain(db, MIDDLE);
                let other = Scratch::new("tamper-other-key");
                let key = DeskKey::create(&other.join("key")).unwrap();
                let desk = open_log(db).desk().to_owned();
                let head = head_after(db, LAST);
                let signature = key.sign(&docexam_audit::chain::checkpoint_message(&desk, 11, &head));
                sql(db, "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint WHERE size > 5");
                raw(db)
                    .execute(
                        "INSERT INTO checkpoint VALUES (11, ?1, '2026-01-01T00:00:00Z', ?2)",
                        params![head.as_slice(), signature.as_slice()],
                    )
                    .unwrap();
            },
            Expect::Finding(K::Signature, None),
        ),
        (
            "delete a middle record",
            false,
            |db| sql(db, "DROP TRIGGER log_no_delete; DELETE FROM log WHERE seq = 5"),
            Expect::Finding(K::Gap, at(MIDDLE)),
        ),
        (
            "delete record 0",
            false,
            |db| sql(db, "DROP TRIGGER log_no_delete; DELETE FROM log WHERE seq = 0"),
            Expect::Finding(K::Gap, at(0)),
        ),
        (
            "delete the last record, keep its checkpoint",
            false,
            |db| sql(db, "DROP TRIGGER log_no_delete; DELETE FROM log WHERE seq = 10"),
            Expect::Finding(K::Coverage, at(LAST)),
        ),
        // The truncation limit: records and checkpoints at the end removed together leave a
        // shorter log that is, on its own, exactly what the desk had signed earlier. A single
        // verification cannot tell; verifying against an earlier export's proof (`audit verify
        // --against PROOF`, which holds the signed head at that export's size) can, and so can
        // anyone who compares the record count with an earlier report.
        (
            "delete the last record and its checkpoint (truncation: not detectable alone)",
            false,
            |db| {
                // A careful tamperer puts the triggers back exactly as they were (dropped ones
                // are reported: the schema no longer matches docexam's).
                without_delete_triggers(db, |conn| {
                    conn.execute_batch("DELETE FROM log WHERE seq = 10; DELETE FROM checkpoint WHERE size = 11")
                        .unwrap();
                });
            },
            Expect::Intact,
        ),
        (
            "delete every checkpoint",
            false,
            |db| sql(db, "DROP TRIGGER checkpoint_no_delete; DELETE FROM checkpoint"),
            Expect::Finding(K::Coverage, at(0)),
        ),
        (
            "swap two records' leaves (reorder)",
            false,
            |db| {
                let (a, b) = (leaf(db, 5), leaf(db, 6));
                sql(db, "DROP TRIGGER log_no_update");
                let conn = raw(db);
                conn.execute("UPDATE log SET leaf = ?1 WHERE seq = 5", [b]).unwrap();
                conn.execute("UPDATE log SET leaf = ?1 WHERE seq = 6", [a]).unwrap();
            },
            Expect::Finding(K::Envelope, at(MIDDLE)),
        ),
        (
            "swap two whole rows (leaf and chain)",
            false,
            |db| {
                let conn = raw(db);
                conn.execute_batch(
                    "DROP TRIGGER log_no_delete; CREATE TEMP TABLE t AS SELECT * FROM log WHERE seq IN (5, 6); \
                     DELETE FROM log WHERE seq IN (5, 6); \
                     INSERT INTO log SELECT 11 - seq, kind, at, leaf, chain FROM t ORDER BY seq DESC",
                )
                .unwrap();
            },
            Expect::Finding(K::Envelope, at(MIDDLE)),
        ),
        (
            "duplicate a record at the end",
            false,
            |db| {
                let chain = next_link(&head_after(db, LAST), &leaf_hash(&leaf(db, 5)));
                insert_record(db, 11, &leaf(db, 5), &chain);
            },
            Expect::Finding(K::Envelope, at(11)),
        ),
        (
            "append a forged record in docexam's exact form",
            false,
            |db| {
                let forged = forged_leaf(db, 11);
                insert_record(db, 11, &forged, &next_link(&head_after(db, LAST), &leaf_hash(&forged)));
            },
            Expect::Finding(K::Coverage, at(11)),
        ),
        (
            "append a forged record with a forged checkpoint",
            false,
            |db| {
                let forged = forged_leaf(db, 11);
                let head = next_link(&head_after(db, LAST), &leaf_hash(&forged));
                insert_record(db, 11, &forged, &head);
                raw(db)
                    .execute(
                        "INSERT INTO checkpoint VALUES (12, ?1, '2026-01-01T00:00:00Z', zeroblob(64))",
                        [head.as_slice()],
                    )
                    .unwrap();
            },
            Expect::Finding(K::Signature, None),
        ),
        (
            "insert a forged record in the middle, renumber the rest, recompute the chain",
            false,
            |db| {
                let conn = raw(db);
                conn.execute_batch(
                    "DROP TRIGGER log_no_delete; DROP TRIGGER log_no_update; \
                     CREATE TEMP TABLE t AS SELECT * FROM log WHERE seq >= 5; DELETE FROM log WHERE seq >= 5; \
                     INSERT INTO log SELECT seq + 1, kind, at, leaf, chain FROM t",
                )
                .unwrap();
                drop(conn);
                let forged = forged_leaf(db, 5);
                insert_record(db, 5, &forged, &[0; 32]);
                recompute_chain(db, 5);
            },
            Expect::Finding(K::Checkpoint, at(MIDDLE)),
        ),
        (
            "replace the key in record 0, recompute the chain, re-sign nothing",
            false,
            |db| {
                let other = Scratch::new("tamper-other-key");
                let key = DeskKey::create(&other.join("key")).unwrap();
                let original = open_log(db).public_key();
                let zero = leaf(db, 0);
                edit_leaf(db, 0, docexam_exam::digest::to_hex(&original).as_bytes(), key.public_hex().as_bytes());
                assert_ne!(zero, leaf(db, 0));
                recompute_chain(db, 0);
            },
            Expect::Finding(K::Checkpoint, at(0)),
        ),
        (
            "replace the whole log with one signed by another key (same desk id)",
            false,
            |db| {
                let desk = open_log(db).desk().to_owned();
                let other = Scratch::new("tamper-other-log");
                let options = OpenOptions { desk_id: Some(desk), ..OpenOptions::default() };
                let mut log = docexam_audit::AuditLog::open(&other.db(), &options).unwrap();
                for _ in 1..RECORDS {
                    log.record_inspection(&inspection()).unwrap();
                }
                drop(log);
                checkpoint_wal(&other.db());
                checkpoint_wal(db);
                std::fs::copy(other.db(), db).unwrap();
            },
            Expect::Finding(K::ForeignKey, at(0)),
        ),
        (
            "replace the key file with another key",
            false,
            |db| {
                std::fs::remove_file(key_path(db)).unwrap();
                DeskKey::create(&key_path(db)).unwrap();
            },
            Expect::Finding(K::ForeignKey, at(0)),
        ),
        (
            "flip the last checkpoint's signature",
            false,
            |db| {
                sql(
                    db,
                    "DROP TRIGGER checkpoint_no_update; UPDATE checkpoint SET signature = zeroblob(64) WHERE size = 11",
                );
            },
            Expect::Finding(K::Signature, None),
        ),
        (
            "delete a personal data row without a purge",
            true,
            |db| sql(db, "DROP TRIGGER personal_data_purge_only; DELETE FROM personal_data WHERE seq = 5"),
            Expect::Finding(K::PersonalData, at(MIDDLE)),
        ),
        (
            "insert a purge range by hand to cover a deletion",
            true,
            |db| sql(db, "INSERT INTO purge_range VALUES (10, 5, 5); DELETE FROM personal_data WHERE seq = 5"),
            Expect::Finding(K::PersonalData, at(LAST)),
        ),
        (
            "edit a personal data row",
            true,
            |db| {
                sql(
                    db,
                    "DROP TRIGGER personal_data_no_update; \
                     UPDATE personal_data SET data = CAST(replace(CAST(data AS TEXT), 'ANNA', 'ANNE') AS BLOB) \
                     WHERE seq = 5",
                )
            },
            Expect::Finding(K::PersonalData, at(MIDDLE)),
        ),
        (
            "add personal data to a record that kept none",
            false,
            |db| sql(db, "INSERT INTO personal_data VALUES (5, zeroblob(32), CAST('{}' AS BLOB))"),
            Expect::Finding(K::PersonalData, at(MIDDLE)),
        ),
        (
            "truncate the database file to half",
            false,
            |db| {
                checkpoint_wal(db);
                let file = std::fs::OpenOptions::new().write(true).open(db).unwrap();
                let length = file.metadata().unwrap().len();
                file.set_len(length / 2).unwrap();
            },
            Expect::Damaged,
        ),
        (
            "truncate the database file to its first page",
            false,
            |db| {
                checkpoint_wal(db);
                std::fs::OpenOptions::new().write(true).open(db).unwrap().set_len(4096).unwrap();
            },
            Expect::Damaged,
        ),
    ]
}

/// Whether the outcome of a verification is the expected one; `Err` with the reason if not.
fn check(outcome: &Result<VerifyReport, AuditError>, expect: Expect) -> Result<(), String> {
    match (outcome, expect) {
        (Ok(report), Expect::Intact) if report.intact() => Ok(()),
        (Ok(report), Expect::Finding(kind, record)) => match report.findings.first() {
            Some(first) if first.kind == kind && first.record == record => Ok(()),
            other => Err(format!("expected {kind:?} at {record:?}, got {other:?}")),
        },
        (Ok(report), Expect::Damaged) if !report.intact() => Ok(()),
        (Err(AuditError::Damaged { .. }), Expect::Damaged) => Ok(()),
        (other, expect) => Err(format!("expected {expect:?}, got {other:?}")),
    }
}

#[test]
fn every_tampering_scenario_is_detected_and_the_first_bad_record_named() {
    let mut failures = Vec::new();
    for (name, personal, tamper, expect) in scenarios() {
        let (_scratch, db) = fresh_log("tamper", personal);
        assert_intact(&db);
        tamper(&db);
        let outcome = verify_database(&db);
        match check(&outcome, expect) {
            Ok(()) => eprintln!(
                "detected: {name}: {}",
                outcome.as_ref().map_or_else(
                    |e| e.to_string(),
                    |r| r.findings.first().map_or_else(|| "intact (expected)".into(), ToString::to_string)
                )
            ),
            Err(problem) => failures.push(format!("{name}: {problem}")),
        }
    }
    assert!(failures.is_empty(), "scenarios not detected as expected:\n{}", failures.join("\n"));
}

/// Through the binary: exit 3, a TAMPERED line naming the record.
#[test]
fn the_verify_command_exits_3_and_names_the_record() {
    let cases: [(&str, Tamper, &str); 3] = [
        ("edited leaf", |db| edit_leaf(db, MIDDLE, b"\"outcome\":\"admit\"", b"\"outcome\":\"refuse\""), "record 5"),
        ("deleted record", |db| sql(db, "DROP TRIGGER log_no_delete; DELETE FROM log WHERE seq = 5"), "record 5"),
        (
            "replaced key file",
            |db| {
                std::fs::remove_file(key_path(db)).unwrap();
                DeskKey::create(&key_path(db)).unwrap();
            },
            "record 0",
        ),
    ];
    for (name, tamper, names) in cases {
        let (_scratch, db) = fresh_log("tamper-cli", false);
        let before = audit(&db, &["verify"], None);
        assert_eq!(before.status.code(), Some(0), "{name}: {}", stdout_of(&before));
        tamper(&db);
        let output = audit(&db, &["verify"], None);
        let stdout = stdout_of(&output);
        assert_eq!(output.status.code(), Some(3), "{name}: {stdout}");
        let first = stdout.lines().next().unwrap_or_default();
        assert!(first.starts_with("TAMPERED: ") && first.contains(names), "{name}: {stdout}");
    }
}

/// What happens to a flipped copy.
#[derive(Debug, Default)]
struct FlipCounts {
    /// verify reports the log not intact.
    detected: u32,
    /// verify (or the open) refuses the file as damaged or not an audit log.
    refused: u32,
    /// verify says intact and the logical content is unchanged: the flip hit bytes SQLite does
    /// not read (free space, unused parts of pages).
    harmless: u32,
    /// verify says intact, every row and the schema are unchanged, but an index no longer
    /// matches its table (verify runs `integrity_check`, so this should stay 0).
    index_only: u32,
    /// verify says intact and only data no verifier relies on changed (see below).
    unprotected: u32,
    /// verify says intact, every row is unchanged, but the text of the schema (a table, index
    /// or trigger definition in `sqlite_schema`) changed: verify does not compare the schema.
    schema_only: u32,
    /// verify says intact but the content changed: must never happen.
    silent: u32,
}

/// The content without the schema lines.
fn rows_only(content: &[String]) -> Vec<&String> {
    content.iter().filter(|line| !line.starts_with("schema: ")).collect()
}

/// The logical content without what no verifier relies on, by design: the signatures of the
/// checkpoints before the last (only the last one's is checked; each earlier checkpoint's head is
/// still checked against the chain) and every checkpoint's `signed_at` time (not in the signed
/// message: the chain order, not the clock, is authoritative).
fn protected_content(db: &Path) -> Result<Vec<String>, rusqlite::Error> {
    let mut content: Vec<String> =
        logical_content(db)?.into_iter().filter(|line| !line.starts_with("checkpoint: ")).collect();
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut statement = conn.prepare(
        "SELECT size, head, CASE WHEN size = (SELECT max(size) FROM checkpoint) THEN signature END \
         FROM checkpoint ORDER BY size, head",
    )?;
    let rows = statement
        .query_map([], |row| Ok(format!("{:?} {:?} {:?}", row.get_ref(0)?, row.get_ref(1)?, row.get_ref(2)?)))?;
    for row in rows {
        content.push(format!("checkpoint {}", row?));
    }
    Ok(content)
}

#[test]
fn random_byte_flips_are_detected_or_harmless() {
    byte_flips(320);
}

#[test]
#[ignore = "long: 5000 flips; run with --ignored"]
fn many_random_byte_flips_are_detected_or_harmless() {
    byte_flips(5000);
}

/// Flips one random byte (XOR with a random non-zero mask) in each of `flips` copies of a small
/// checkpointed log (personal data on) and classifies what verify makes of it (see [`FlipCounts`]).
fn byte_flips(flips: u32) {
    let seed = seed(0xf11b);
    let mut rng = Rng::new(seed);
    let (scratch, db) = fresh_log("flips", true);
    checkpoint_wal(&db);
    let original = std::fs::read(&db).unwrap();
    let content = logical_content(&db).unwrap();
    let protected = protected_content(&db).unwrap();
    let copy = scratch.join("flipped.sqlite");
    std::fs::copy(key_path(&db), key_path(&copy)).unwrap();
    let mut counts = FlipCounts::default();
    let mut silent = Vec::new();
    // A few examples of the undetected-but-not-silent kinds, for the record.
    let mut examples = Vec::new();
    for _ in 0..flips {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
        }
        let mut bytes = original.clone();
        let position = usize::try_from(rng.next_u64() % bytes.len() as u64).unwrap();
        let mask = u8::try_from(rng.between(1, 255)).unwrap();
        bytes[position] ^= mask;
        std::fs::write(&copy, &bytes).unwrap();
        match verify_database(&copy) {
            Ok(report) if !report.intact() => counts.detected += 1,
            Ok(_) => match logical_content(&copy) {
                Ok(after) if after == content => {
                    if audit_common::integrity_check(&copy) == "ok" {
                        counts.harmless += 1;
                    } else {
                        counts.index_only += 1;
                        if examples.len() < 6 {
                            let check = audit_common::integrity_check(&copy);
                            examples.push(format!("index, byte {position}: {}", check.lines().next().unwrap_or("")));
                        }
                    }
                }
                Ok(_) if protected_content(&copy).is_ok_and(|after| after == protected) => {
                    counts.unprotected += 1;
                }
                Ok(after) if rows_only(&after) == rows_only(&content) => {
                    counts.schema_only += 1;
                    if examples.len() < 6 {
                        let changed = after.iter().find(|line| !content.contains(line)).cloned().unwrap_or_default();
                        examples.push(format!(
                            "schema, byte {position}: {}",
                            changed.chars().take(160).collect::<String>()
                        ));
                    }
                }
                other => {
                    counts.silent += 1;
                    let changed = other.map(|after| {
                        after.into_iter().filter(|line| !content.contains(line)).take(2).collect::<Vec<_>>()
                    });
                    silent.push(format!("byte {position} ^ {mask:#04x}: {changed:?}"));
                }
            },
            Err(
                AuditError::Damaged { .. }
                | AuditError::NotAnAuditLog { .. }
                | AuditError::NewerSchema { .. }
                | AuditError::OlderSchema { .. }
                | AuditError::Missing { .. }
                | AuditError::Sqlite { .. },
            ) => counts.refused += 1,
            Err(e) => panic!("byte {position}: unexpected error {e}"),
        }
    }
    eprintln!(
        "byte flips (seed {seed}, file {} bytes): {flips} flips: {} detected by verify, {} refused as unreadable, \
         {} harmless (content unchanged), {} in an index only, {} in unprotected checkpoint metadata, \
         {} in the schema text only, {} silent changes of rows",
        original.len(),
        counts.detected,
        counts.refused,
        counts.harmless,
        counts.index_only,
        counts.unprotected,
        counts.schema_only,
        counts.silent
    );
    for example in &examples {
        eprintln!("  {example}");
    }
    assert_eq!(counts.silent, 0, "flips that changed the content unnoticed:\n{}", silent.join("\n"));
    assert!(counts.detected + counts.refused > flips / 4, "suspiciously few detections: {counts:?}");
}

/// Edits the `log_kind` index entry of the settings record (record 1) with a hex editor: the rows
/// and the chain are untouched, but the writer looks the current settings up through that index.
#[test]
fn an_edited_index_is_detected() {
    let (_scratch, db) = fresh_log("tamper-index", true);
    assert!(open_log(&db).settings().unwrap().personal_data);
    checkpoint_wal(&db);
    let (root, page_size): (i64, i64) = {
        let conn = raw(&db);
        let root = conn.query_row("SELECT rootpage FROM sqlite_schema WHERE name = 'log_kind'", [], |r| r.get(0));
        (root.unwrap(), conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap())
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let start = usize::try_from((root - 1) * page_size).unwrap();
    let page = &mut bytes[start..start + usize::try_from(page_size).unwrap()];
    let at = page.windows(8).position(|w| w == b"settings").expect("the settings entry in the index page");
    page[at + 7] = b'z';
    std::fs::write(&db, &bytes).unwrap();
    assert_ne!(audit_common::integrity_check(&db), "ok", "the edit hit the index");
    let personal_data = open_log(&db).settings().unwrap().personal_data;
    let report = verify_database(&db).unwrap();
    assert!(
        !report.intact(),
        "an index edit went unnoticed; the writer now reads the settings as personal data {}",
        if personal_data { "on" } else { "OFF (the chain says on)" }
    );
}
