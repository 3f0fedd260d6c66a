//! Unit tests of the writer and the verifier together, on real inspections of the shipped
//! first-line manual.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::entry::{EntryKind, Role};
use super::*;
use docexam_exam::inspection::{DecisionRequest, DocumentSource, Inspection, MrzInput, Outcome, Setup, Timestamp};
use docexam_exam::manual::Level;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::report::MrzReport;

const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(name: &str) -> Self {
        Self(tempfile::Builder::new().prefix(&format!("docexam-audit-{name}-")).tempdir().unwrap())
    }

    fn db(&self) -> PathBuf {
        self.0.path().join("audit.sqlite")
    }
}

fn decided_inspection(mrz_text: &str, officer: &str, outcome: Outcome) -> Inspection {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("manuals/first-line-quick.en.toml");
    let loaded = docexam_exam::manual::load::load_file(&path).unwrap();
    let policy = DatePolicy::new(CalendarDate::new(2010, 1, 1).unwrap());
    let report = MrzReport::from_result(&docexam_mrz::check_text(mrz_text, &policy), &policy);
    let setup = Setup {
        level: Level::First,
        officer: Some(officer.to_owned()),
        station: Some("st-1".into()),
        started_at: Timestamp::from_unix_seconds(1_763_900_000).unwrap(),
        source: DocumentSource::Text,
    };
    let mut inspection =
        Inspection::start(&loaded.manual, &loaded.content_hash, setup, MrzInput::Report(&report)).unwrap();
    let request = DecisionRequest { outcome, refusal_reasons: Vec::new(), justification: None };
    inspection.decide(request, Timestamp::from_unix_seconds(1_763_900_060).unwrap()).unwrap();
    inspection
}

fn open(path: &Path) -> AuditLog {
    AuditLog::open(path, &OpenOptions { busy_timeout: Duration::from_millis(500), ..OpenOptions::default() }).unwrap()
}

fn leaves(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut statement = conn.prepare("SELECT leaf FROM log ORDER BY seq").unwrap();
    statement
        .query_map([], |row| row.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|leaf| String::from_utf8(leaf.unwrap()).unwrap())
        .collect()
}

#[test]
fn a_new_log_starts_with_its_desk_and_key_and_reopens_as_the_same_desk() {
    let dir = TempDir::new("new");
    let log = open(&dir.db());
    assert!(log.desk().starts_with("desk-"));
    assert_eq!(log.size().unwrap(), 1);
    let (desk, key) = (log.desk().to_owned(), log.public_key());
    drop(log);
    let again = open(&dir.db());
    assert_eq!((again.desk(), again.public_key()), (desk.as_str(), key));
    assert_eq!(again.size().unwrap(), 1, "reopening adds nothing");
    let first = &leaves(&dir.db())[0];
    assert!(first.contains("\"kind\":\"log_created\"") && first.contains(&docexam_exam::digest::to_hex(&key)));
    assert!(verify_database(&dir.db()).unwrap().intact());
}

#[test]
fn a_chosen_desk_id_is_kept_and_a_bad_one_refused() {
    let dir = TempDir::new("desk-id");
    let bad = AuditLog::open(&dir.db(), &OpenOptions { desk_id: Some("desk 1/..".into()), ..OpenOptions::default() });
    assert!(matches!(bad, Err(AuditError::Rejected { .. })));
    let log =
        AuditLog::open(&dir.db(), &OpenOptions { desk_id: Some("FRA-T1-3".into()), ..OpenOptions::default() }).unwrap();
    assert_eq!(log.desk(), "FRA-T1-3");
}

#[test]
fn another_desks_key_file_is_refused() {
    let dir = TempDir::new("wrong-key");
    drop(open(&dir.db()));
    let other = dir.0.path().join("other.sqlite");
    drop(open(&other));
    std::fs::copy(signing::key_path_for(&other), signing::key_path_for(&dir.db())).unwrap();
    let refused = AuditLog::open(&dir.db(), &OpenOptions::default());
    assert!(matches!(&refused, Err(AuditError::Key { problem, .. }) if problem.contains("not the key")), "{refused:?}");
}

#[test]
fn inspections_are_recorded_without_personal_data_unless_the_station_keeps_it() {
    let dir = TempDir::new("personal");
    let mut log = open(&dir.db());
    let inspection = decided_inspection(SPECIMEN, "off-1", Outcome::Admit);
    let first = log.record_inspection(&inspection).unwrap();
    assert_eq!(first.seq, 1);
    let leaf = &leaves(&dir.db())[1];
    for personal in ["ERIKSSON", "ANNA", "L898902C3", "1974-08-12"] {
        assert!(!leaf.contains(personal), "{personal} leaked into the leaf: {leaf}");
    }
    assert!(leaf.contains("\"issuer\":\"UTO\"") && leaf.contains("\"outcome\":\"admit\""));
    assert!(leaf.contains(&format!("\"number_hash\":\"{}\"", log.document_number_hash("L898902C3"))));
    assert!(leaf.ends_with("\"personal_data_sha256\":null}}"));

    let supervisor = entry::Actor { role: Role::Supervisor, name: Some("sup".into()) };
    log.change_settings(supervisor.clone(), None, Some("a long supervisor passphrase")).unwrap();
    log.change_settings(supervisor, Some(true), None).unwrap();
    let kept = log.record_inspection(&inspection).unwrap();
    let conn = rusqlite::Connection::open(dir.db()).unwrap();
    let data: Vec<u8> = conn
        .query_row("SELECT data FROM personal_data WHERE seq = ?1", [i64::try_from(kept.seq).unwrap()], |r| r.get(0))
        .unwrap();
    assert!(String::from_utf8(data).unwrap().contains("ERIKSSON"));
    let leaf = &leaves(&dir.db())[usize::try_from(kept.seq).unwrap()];
    assert!(!leaf.contains("ERIKSSON") && !leaf.ends_with("null}}"));
    let report = verify_database(&dir.db()).unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    assert_eq!(report.personal_data_rows, 1);
}

#[test]
fn undecided_and_rule_breaking_inspections_are_refused_with_nothing_written() {
    let dir = TempDir::new("refused");
    let mut log = open(&dir.db());
    let mut json = serde_json::to_value(decided_inspection(SPECIMEN, "off-1", Outcome::Admit)).unwrap();
    json["decision"] = serde_json::Value::Null;
    json["ended_at"] = serde_json::Value::Null;
    let undecided: Inspection = serde_json::from_value(json.clone()).unwrap();
    let refused = log.record_inspection(&undecided).unwrap_err();
    assert!(refused.to_string().contains("no decision"), "{refused}");
    json["officer"] = serde_json::Value::String("x".repeat(500));
    let oversized: Inspection = serde_json::from_value(json).unwrap();
    let refused = log.record_inspection(&oversized).unwrap_err().to_string();
    assert!(refused.contains("officer is 500 characters long"), "{refused}");
    assert_eq!(log.size().unwrap(), 1);
}

#[test]
fn supervisor_authentication_is_required_and_failures_are_recorded() {
    let dir = TempDir::new("auth");
    let mut log = open(&dir.db());
    let not_set = log.authenticate_supervisor("whatever", "export", None).unwrap_err();
    assert!(not_set.to_string().contains("audit passphrase"), "{not_set}");
    let supervisor = entry::Actor { role: Role::Supervisor, name: None };
    assert!(log.change_settings(supervisor.clone(), None, Some("short")).is_err(), "weak passphrases refused");
    log.change_settings(supervisor, None, Some("the right passphrase")).unwrap();
    let before = log.size().unwrap();
    let wrong = log.authenticate_supervisor("the wrong passphrase", "export", Some("mallory")).unwrap_err();
    assert!(matches!(wrong, AuditError::Auth(_)));
    assert_eq!(log.size().unwrap(), before + 1);
    let last = leaves(&dir.db()).pop().unwrap();
    assert!(last.contains("\"kind\":\"auth_failed\"") && last.contains("mallory") && last.contains("export"));
    assert!(!last.contains("the wrong passphrase"));
    let actor = log.authenticate_supervisor("the right passphrase", "export", Some("sam")).unwrap();
    assert_eq!(actor.name.as_deref(), Some("sam"));
    let settings = leaves(&dir.db()).into_iter().find(|l| l.contains("\"kind\":\"settings\"")).unwrap();
    assert!(settings.contains("$argon2id$") && !settings.contains("the right passphrase"));
}

#[test]
fn a_write_lock_held_elsewhere_gives_a_locked_error_and_nothing_is_lost() {
    let dir = TempDir::new("locked");
    let mut log = open(&dir.db());
    let inspection = decided_inspection(SPECIMEN, "off-1", Outcome::Admit);
    log.record_inspection(&inspection).unwrap();
    let holder = rusqlite::Connection::open(dir.db()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let locked = log.record_inspection(&inspection).unwrap_err();
    assert!(matches!(locked, AuditError::Locked { waited_ms: 500.., .. }), "{locked:?}");
    assert!(locked.to_string().contains("NOT recorded"));
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(log.record_inspection(&inspection).unwrap().seq, 2);
    assert!(verify_database(&dir.db()).unwrap().intact());
}

#[test]
fn batches_chain_like_single_appends() {
    let dir = TempDir::new("batch");
    let mut log = open(&dir.db());
    let body = entry::AuthFailed { action: "x".into(), by: entry::Actor { role: Role::Officer, name: None } };
    let last = log.append_batch((0..50).map(|_| (EntryKind::AuthFailed, body.clone()))).unwrap().unwrap();
    assert_eq!(last.seq, 50);
    log.append(EntryKind::AuthFailed, &body).unwrap();
    let report = verify_database(&dir.db()).unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    let own = report.own.unwrap();
    assert_eq!((own.records, own.signed_size, own.checkpoints), (52, 52, 3));
    let leaves = leaves(&dir.db());
    let head = chain::head_of(leaves.iter().map(String::as_bytes));
    assert_eq!(own.head, docexam_exam::digest::to_hex(&head));
}

#[test]
fn the_record_check_names_the_first_bad_record() {
    let dir = TempDir::new("walk");
    let mut log = open(&dir.db());
    let inspection = decided_inspection(SPECIMEN, "off-1", Outcome::Admit);
    for _ in 0..3 {
        log.record_inspection(&inspection).unwrap();
    }
    let leaves = leaves(&dir.db());
    let walk = |order: &[usize], edit: Option<usize>| {
        let mut check = verify::RecordCheck::new(None);
        for (position, &index) in order.iter().enumerate() {
            let mut leaf = leaves[index].clone();
            if edit == Some(index) {
                leaf = leaf.replace("admit", "seize");
            }
            let header: entry::EnvelopeHeader<'_> = serde_json::from_str(&leaves[index]).unwrap();
            check.push(position as u64, &header.kind, &header.at, leaf.as_bytes(), None)?;
        }
        Ok::<_, Finding>(check.head())
    };
    assert!(walk(&[0, 1, 2, 3], None).is_ok());
    let swapped = walk(&[0, 2, 1, 3], None).unwrap_err();
    assert_eq!((swapped.record, swapped.kind), (Some(1), FindingKind::Envelope));
    assert!(swapped.detail.contains("reordered"), "{}", swapped.detail);
    // An edited body still walks (no stored chain here) but leads to another head.
    assert_ne!(walk(&[0, 1, 2, 3], Some(2)).unwrap(), walk(&[0, 1, 2, 3], None).unwrap());
}

#[test]
fn a_dropped_trigger_is_reported_even_when_no_row_changed() {
    let dir = TempDir::new("schema");
    drop(open(&dir.db()));
    rusqlite::Connection::open(dir.db()).unwrap().execute_batch("DROP TRIGGER log_no_update").unwrap();
    let report = verify_database(&dir.db()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(report.findings[0].kind, FindingKind::Damaged);
    assert!(report.findings[0].detail.contains("triggers differ"), "{}", report.findings[0].detail);
}
