//! `docexam audit list`, `audit stats` and `audit purge` through the binary, on logs filled by
//! `docexam inspect` with known documents, outcomes and officers.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

#[path = "common/audit.rs"]
mod audit_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use audit_common::Scratch;

/// ICAO 9303 Part 4 specimen (UTO, every check digit right), valid on 2010-01-01.
const SPECIMEN_LINE_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
/// A generated specimen of a fictional person (PLW) with the date-of-birth check digit wrong:
/// item C02 fails and suggests FG-DA, CF and OCR. Valid on 2026-11-23.
const WRONG_CHECK_DIGIT: [&str; 2] =
    ["PDPLWDARTAGNAN<<CHLOE<<<<<<<<<<<<<<<<<<<<<<<", "PM00781546PLW7708166F3004146<<<<<<<<<<<<<<<0"];
/// The marker surname: it must be findable before a purge and nowhere after.
const MARKER: &str = "ZZQMARKER";
const PASSPHRASE: &str = "correct horse battery staple";

/// The specimen's first line with `surname` (TD3 has no check digit over the name field).
fn specimen_line_1(surname: &str) -> String {
    let line = format!("{:<<44}", format!("P<UTO{surname}<<ANNA<MARIA"));
    assert_eq!(line.len(), 44);
    line
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn docexam(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_docexam"))
        .arg("--manuals")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("manuals"))
        .args(args)
        .env_remove("DOCEXAM_DB")
        .env_remove("DOCEXAM_SUPERVISOR_PASSPHRASE")
        .output()
        .expect("run docexam");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `docexam audit --db DB ARGS...`, which must succeed.
fn audit(scratch: &Scratch, args: &[&str]) -> String {
    let db = scratch.db().display().to_string();
    let mut all = vec!["audit", "--db", &db];
    all.extend(args);
    let run = docexam(&all);
    assert_eq!(run.code, 0, "audit {args:?}: {}{}", run.stdout, run.stderr);
    run.stdout
}

/// One decided inspection recorded by `docexam inspect --db`; returns the printed record.
fn inspect(scratch: &Scratch, reference_date: &str, mrz: [&str; 2], officer: &str, decision: &str) -> Value {
    let answers = scratch.file("answers.json", &format!("{{\"decision\": {decision}}}"));
    let db = scratch.db().display().to_string();
    let run = docexam(&[
        "--reference-date",
        reference_date,
        "inspect",
        "--manual",
        "first-line-quick",
        "--mrz",
        mrz[0],
        "--mrz",
        mrz[1],
        "--answers",
        &answers,
        "--officer",
        officer,
        "--db",
        &db,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("recorded #"), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn set_up_supervisor(scratch: &Scratch) -> String {
    let file = scratch.file("passphrase", PASSPHRASE);
    audit(scratch, &["passphrase", "--new-passphrase-file", &file]);
    file
}

/// A log with four inspections: two admitted UTO documents (officers off-1 and a formula-looking
/// id), one refused UTO (off-2), one PLW with a wrong check digit referred (off-1); and two
/// settings records, all with personal data kept.
struct KnownLog {
    scratch: Scratch,
    records: Vec<Value>,
}

const FORMULA_OFFICER: &str = "=HYPERLINK(\"http://x\")";

fn known_log(name: &str) -> KnownLog {
    let scratch = Scratch::new(name);
    let passphrase = set_up_supervisor(&scratch);
    audit(&scratch, &["settings", "--personal-data", "on", "--passphrase-file", &passphrase, "--supervisor", "sup-1"]);
    let uto = |surname: &str| [specimen_line_1(surname), SPECIMEN_LINE_2.to_owned()];
    let (a, b) = (uto("ERIKSSON"), uto(MARKER));
    let records = vec![
        inspect(&scratch, "2010-01-01", [&a[0], &a[1]], "off-1", r#"{"outcome": "admit"}"#),
        inspect(&scratch, "2010-01-01", [&b[0], &b[1]], "off-2", r#"{"outcome": "refuse", "refusal_reasons": ["A"]}"#),
        inspect(&scratch, "2026-11-23", WRONG_CHECK_DIGIT, "off-1", r#"{"outcome": "refer_second_line"}"#),
        inspect(&scratch, "2010-01-01", [&b[0], &b[1]], FORMULA_OFFICER, r#"{"outcome": "admit"}"#),
    ];
    KnownLog { scratch, records }
}

fn list_json(scratch: &Scratch, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--json"];
    all.extend(args);
    audit(scratch, &all).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn seqs(listed: &[Value]) -> Vec<u64> {
    listed.iter().map(|r| r["seq"].as_u64().unwrap()).collect()
}

#[test]
fn list_shows_every_record_in_order_aligned_and_without_personal_data() {
    let log = known_log("list");
    let listed = list_json(&log.scratch, &[]);
    assert_eq!(seqs(&listed), vec![0, 1, 2, 3, 4, 5, 6]);
    let kinds: Vec<&str> = listed.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["log_created", "settings", "settings", "inspection", "inspection", "inspection", "inspection"]);
    assert_eq!(listed[2]["description"], "settings: personal data kept; by supervisor sup-1");
    assert!(listed[2]["officer"].is_null() && listed[2]["outcome"].is_null());

    let refer = &listed[5];
    assert_eq!(refer["officer"], "off-1");
    assert_eq!(refer["document_code"], "PD");
    assert_eq!(refer["issuer"], "PLW");
    assert_eq!(refer["nationality"], "PLW");
    assert_eq!(refer["mrz_verdict"], "invalid");
    assert_eq!(refer["outcome"], "refer_second_line");
    assert!(refer["description"].is_null());
    let outcomes: Vec<&Value> = listed[3..].iter().map(|r| &r["outcome"]).collect();
    let expected: Vec<&Value> = log.records.iter().map(|r| &r["decision"]["outcome"]).collect();
    assert_eq!(outcomes, expected);
    assert_eq!(listed[3]["mrz_verdict"], "valid");
    assert_eq!(listed[3]["at"].as_str().unwrap().len(), "2026-11-23T09:41:07Z".len());

    let table = audit(&log.scratch, &["list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 8, "{table}");
    let header = lines[0];
    assert!(!header.contains("desk"), "no desk column without imported records: {header}");
    // Every column starts where its header does.
    for column in ["time", "kind", "officer", "issuer", "mrz", "outcome"] {
        let at = header.find(column).unwrap();
        for line in &lines[1..] {
            let chars: Vec<char> = line.chars().collect();
            let starts_here = chars[..at].ends_with(&[' ', ' ']) && chars.get(at).is_some_and(|c| *c != ' ');
            assert!(starts_here, "column {column} is not aligned:\n{table}");
        }
    }
    let refer_line = lines[6];
    assert!(refer_line.trim_start().starts_with("5 "), "{refer_line}");
    for word in ["inspection", "off-1", "PD", "PLW", "invalid", "refer_second_line"] {
        assert!(refer_line.contains(word), "{word} in {refer_line}");
    }
    assert!(lines[7].contains(FORMULA_OFFICER), "{table}");
    // Names are personal data: kept apart, never listed.
    for surname in [MARKER, "ERIKSSON", "DARTAGNAN"] {
        assert!(!table.contains(surname), "{table}");
        assert!(!listed.iter().any(|r| r.to_string().contains(surname)));
    }
}

#[test]
fn list_filters_by_outcome_and_date() {
    let log = known_log("filters");
    let refused = list_json(&log.scratch, &["--outcome", "refuse"]);
    assert_eq!(seqs(&refused), vec![4]);
    let admitted_or_referred = list_json(&log.scratch, &["--outcome", "admit", "--outcome", "refer_second_line"]);
    assert_eq!(seqs(&admitted_or_referred), vec![3, 5, 6], "inspections only, in order");
    assert!(list_json(&log.scratch, &["--outcome", "seize"]).is_empty());

    assert_eq!(list_json(&log.scratch, &["--since", "2000-01-01"]).len(), 7);
    let today = &log.records[0]["ended_at"].as_str().unwrap()[..10];
    assert_eq!(list_json(&log.scratch, &["--since", today]).len(), 7, "on the day itself");
    assert!(list_json(&log.scratch, &["--since", "9999-01-01"]).is_empty());
    assert!(list_json(&log.scratch, &["--since", "9999-01-01", "--outcome", "admit"]).is_empty());

    let db = log.scratch.db().display().to_string();
    let bad = docexam(&["audit", "--db", &db, "list", "--outcome", "deport"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("refer_second_line"), "the valid outcomes are named: {}", bad.stderr);
    let missing = docexam(&["audit", "--db", "/nonexistent/audit.sqlite", "list"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no audit log"), "{}", missing.stderr);
}

/// `audit stats --format csv`, parsed: (key, count, share) rows and the total row.
fn stats_csv(scratch: &Scratch, by: &str, extra: &[&str]) -> (Vec<String>, Vec<(String, u64, f64)>) {
    let mut args = vec!["stats", "--by", by, "--format", "csv"];
    args.extend(extra);
    let out = audit(scratch, &args);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].parse().unwrap(), r[2].parse().unwrap())
        })
        .collect();
    (header, rows)
}

#[test]
fn stats_group_inspections_by_outcome_fraud_type_nationality_officer_and_hour() {
    let log = known_log("stats");
    let (header, rows) = stats_csv(&log.scratch, "outcome", &[]);
    assert_eq!(header, ["outcome", "count", "share_percent"]);
    assert_eq!(
        rows,
        vec![
            ("admit".into(), 2, 50.0),
            ("refer_second_line".into(), 1, 25.0),
            ("refuse".into(), 1, 25.0),
            ("seize".into(), 0, 0.0),
            ("send_to_laboratory".into(), 0, 0.0),
            ("(total)".into(), 4, 100.0),
        ]
    );

    // The UTO specimens are valid on their reference date: only the wrong check digit fails an
    // item (C02: FG-DA, CF, OCR), so three inspections have no failure.
    let (_, rows) = stats_csv(&log.scratch, "fraud-type", &[]);
    assert_eq!(
        rows,
        vec![
            ("none".into(), 3, 75.0),
            ("CF".into(), 1, 25.0),
            ("FG-DA".into(), 1, 25.0),
            ("OCR".into(), 1, 25.0),
            ("(total)".into(), 4, 100.0),
        ]
    );

    let (_, rows) = stats_csv(&log.scratch, "nationality", &[]);
    assert_eq!(rows, vec![("UTO".into(), 3, 75.0), ("PLW".into(), 1, 25.0), ("(total)".into(), 4, 100.0)]);

    // Officer ids are typed by users: a formula-looking id is neutralised for spreadsheets.
    let (_, rows) = stats_csv(&log.scratch, "officer", &[]);
    assert_eq!(
        rows,
        vec![
            ("off-1".into(), 2, 50.0),
            (format!("'{FORMULA_OFFICER}"), 1, 25.0),
            ("off-2".into(), 1, 25.0),
            ("(total)".into(), 4, 100.0),
        ]
    );

    let mut hours: BTreeMap<String, u64> = BTreeMap::new();
    for record in &log.records {
        *hours.entry(record["ended_at"].as_str().unwrap()[11..13].to_owned()).or_default() += 1;
    }
    let (header, rows) = stats_csv(&log.scratch, "hour", &[]);
    assert_eq!(header[0], "hour");
    let mut expected: Vec<(String, u64, f64)> =
        hours.into_iter().map(|(hour, count)| (hour, count, count as f64 * 25.0)).collect();
    expected.push(("(total)".into(), 4, 100.0));
    assert_eq!(rows, expected);

    let table = audit(&log.scratch, &["stats", "--by", "officer"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["officer", "count", "share"]);
    assert!(lines[1].starts_with("off-1") && lines[1].ends_with(" 2   50.0 %"), "{table}");
    assert!(lines.last().unwrap().starts_with("total") && lines.last().unwrap().ends_with(" 4  100.0 %"), "{table}");
    let width = lines[0].chars().count();
    assert!(lines.iter().all(|l| l.chars().count() == width), "aligned: {table}");
}

/// Appends copies of the refer inspection (seq 5) decided at other times, with other decisions.
fn append_decided(scratch: &Scratch, decisions: &[(&str, &str, &[&str])]) {
    let template = {
        let conn = rusqlite::Connection::open(scratch.db()).unwrap();
        let leaf: Vec<u8> = conn.query_row("SELECT leaf FROM log WHERE seq = 5", [], |r| r.get(0)).unwrap();
        serde_json::from_slice::<Value>(&leaf).unwrap()["body"].clone()
    };
    let bodies = decisions.iter().map(|(ended_at, outcome, reasons)| {
        let mut body = template.clone();
        body["started_at"] = Value::from(*ended_at);
        body["ended_at"] = Value::from(*ended_at);
        body["decision"]["outcome"] = Value::from(*outcome);
        body["decision"]["refusal_reasons"] = serde_json::json!(reasons);
        (docexam_audit::entry::EntryKind::Inspection, body)
    });
    let mut writer = docexam_audit::AuditLog::open(&scratch.db(), &docexam_audit::OpenOptions::default()).unwrap();
    writer.append_batch(bodies).unwrap();
}

#[test]
fn stats_by_day_count_per_utc_day_in_date_order_and_by_refusal_reason_once_per_ground() {
    let log = known_log("stats-day");
    append_decided(
        &log.scratch,
        &[
            ("2026-01-02T00:00:00Z", "seize", &["B"]),
            ("2026-01-01T23:59:59Z", "refuse", &["B", "H"]),
            // 00:30 at +01:00 is still the 1st in UTC.
            ("2026-01-02T00:30:00+01:00", "admit", &[]),
        ],
    );
    // The four inspections of the known log were decided today (or yesterday, run at midnight).
    let mut days: BTreeMap<String, u64> = BTreeMap::from([("2026-01-01".into(), 2), ("2026-01-02".into(), 1)]);
    for record in &log.records {
        *days.entry(record["ended_at"].as_str().unwrap()[..10].to_owned()).or_default() += 1;
    }
    let (header, rows) = stats_csv(&log.scratch, "day", &[]);
    assert_eq!(header, ["day", "count", "share_percent"]);
    let keys: Vec<(String, u64)> = rows.iter().map(|(key, count, _)| (key.clone(), *count)).collect();
    let mut expected: Vec<(String, u64)> = days.into_iter().collect();
    expected.push(("(total)".into(), 7));
    assert_eq!(keys, expected);

    let (_, rows) = stats_csv(&log.scratch, "day", &["--since", "2026-01-02"]);
    assert_eq!(rows[0].0, "2026-01-02");
    assert_eq!(rows.last().unwrap().1, 5);

    // Refusal grounds: the refused specimen's A, and the appended B, B+H.
    let (header, rows) = stats_csv(&log.scratch, "refusal-reason", &[]);
    assert_eq!(header[0], "refusal_reason");
    let share = |count: f64| (count * 1000.0 / 7.0).round() / 10.0;
    assert_eq!(
        rows,
        vec![
            ("none".into(), 4, share(4.0)),
            ("B".into(), 2, share(2.0)),
            ("A".into(), 1, share(1.0)),
            ("H".into(), 1, share(1.0)),
            ("(total)".into(), 7, 100.0),
        ]
    );

    let table = audit(&log.scratch, &["stats", "--by", "day"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["day", "count", "share"]);
    assert!(lines[1].starts_with("2026-01-01") && lines[1].contains(" 2 "), "{table}");
}

#[test]
fn stats_since_a_later_date_count_nothing_and_earlier_everything() {
    let log = known_log("stats-since");
    let (_, rows) = stats_csv(&log.scratch, "outcome", &["--since", "9999-01-01"]);
    assert_eq!(rows.last().unwrap(), &("(total)".to_owned(), 0, 0.0));
    assert!(rows.iter().all(|r| r.1 == 0));
    let (_, rows) = stats_csv(&log.scratch, "outcome", &["--since", "2000-01-01"]);
    assert_eq!(rows.last().unwrap(), &("(total)".to_owned(), 4, 100.0));
}

#[test]
fn records_that_are_not_inspections_never_count() {
    let log = known_log("only-inspections");
    // A record of another kind whose body is an inspection's (as a training record would be):
    // listed, but not counted.
    let leaf_body = {
        let listed = list_json(&log.scratch, &["--outcome", "refuse"]);
        assert_eq!(listed.len(), 1);
        let conn = rusqlite::Connection::open(log.scratch.db()).unwrap();
        let leaf: Vec<u8> = conn.query_row("SELECT leaf FROM log WHERE seq = 4", [], |r| r.get(0)).unwrap();
        serde_json::from_slice::<Value>(&leaf).unwrap()["body"].clone()
    };
    {
        let mut writer =
            docexam_audit::AuditLog::open(&log.scratch.db(), &docexam_audit::OpenOptions::default()).unwrap();
        writer.append(docexam_audit::entry::EntryKind::Export, &leaf_body).unwrap();
    }
    // A wrong passphrase adds an auth_failed record too.
    let wrong = log.scratch.file("wrong", "not the passphrase at all");
    let db = log.scratch.db().display().to_string();
    let refused = docexam(&["audit", "--db", &db, "purge", "--before", "2000-01-01", "--passphrase-file", &wrong]);
    assert_eq!(refused.code, 1);

    let listed = list_json(&log.scratch, &[]);
    assert_eq!(seqs(&listed), vec![0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(listed[7]["kind"], "export");
    assert!(listed[7]["outcome"].is_null(), "only inspections have outcomes");
    let (_, rows) = stats_csv(&log.scratch, "outcome", &[]);
    assert_eq!(rows[2], ("refuse".to_owned(), 1, 25.0), "the export record with a refusal body is not counted");
    assert_eq!(rows.last().unwrap(), &("(total)".to_owned(), 4, 100.0));
    assert_eq!(list_json(&log.scratch, &["--outcome", "refuse"]).len(), 1);
}

/// Where `needle` occurs in the database and its -wal and -shm files.
fn files_containing(db: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = PathBuf::from(format!("{}{suffix}", db.display()));
        let Ok(bytes) = std::fs::read(&path) else { continue };
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(path.display().to_string());
        }
    }
    found
}

fn verify_json(scratch: &Scratch) -> Value {
    serde_json::from_str(&audit(scratch, &["verify", "--json"])).unwrap()
}

#[test]
fn purge_removes_personal_data_everywhere_and_the_log_still_verifies() {
    let log = known_log("purge");
    let db = log.scratch.db();
    let db_arg = db.display().to_string();
    let passphrase = log.scratch.join("passphrase").display().to_string();
    // More records with the marker, so the personal data spans several pages.
    let marker_record = log.scratch.file(
        "marker.json",
        &docexam(&[
            "--reference-date",
            "2010-01-01",
            "inspect",
            "--no-record",
            "--manual",
            "first-line-quick",
            "--mrz",
            &specimen_line_1(MARKER),
            "--mrz",
            SPECIMEN_LINE_2,
            "--answers",
            &log.scratch.file("admit.json", r#"{"decision": {"outcome": "admit"}}"#),
        ])
        .stdout,
    );
    audit(&log.scratch, &["append-loop", "--json", &marker_record, "--count", "40"]);
    let before = verify_json(&log.scratch);
    assert_eq!(before["personal_data_rows"], 44);
    assert!(!files_containing(&db, MARKER).is_empty(), "the marker is stored before the purge");
    let rows_before = list_json(&log.scratch, &[]);

    // A wrong passphrase: refused (exit 1), recorded, nothing purged.
    let wrong = log.scratch.file("wrong", "not the passphrase at all");
    let refused = docexam(&["audit", "--db", &db_arg, "purge", "--before", "9999-12-31", "--passphrase-file", &wrong]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("wrong supervisor passphrase"), "{}", refused.stderr);
    let after_refusal = list_json(&log.scratch, &[]);
    assert_eq!(after_refusal.last().unwrap()["kind"], "auth_failed");
    assert_eq!(verify_json(&log.scratch)["personal_data_rows"], 44);

    let out = audit(
        &log.scratch,
        &["purge", "--before", "9999-12-31", "--passphrase-file", &passphrase, "--supervisor", "sup-2"],
    );
    assert!(out.contains("purged the personal data of 44 inspection(s) recorded before 9999-12-31"), "{out}");
    assert!(out.contains("(records #3-#"), "{out}");

    let report = verify_json(&log.scratch);
    assert_eq!(report["findings"], serde_json::json!([]), "intact after the purge");
    assert_eq!(report["personal_data_rows"], 0);
    assert_eq!(report["purged_records"], 44);
    assert_eq!(files_containing(&db, MARKER), Vec::<String>::new(), "no byte of the marker is left");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn.query_row("SELECT count(*) FROM personal_data", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0);
    let ranges: Vec<(i64, i64, i64)> = conn
        .prepare("SELECT purge_seq, from_seq, to_seq FROM purge_range")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);

    // The log rows are untouched: the same records, plus the purge record.
    let after = list_json(&log.scratch, &[]);
    assert_eq!(after[..after_refusal.len()], after_refusal[..]);
    assert_eq!(after_refusal[..rows_before.len()], rows_before[..]);
    let purge = after.last().unwrap();
    assert_eq!(purge["kind"], "purge");
    let last_inspection = after.iter().rev().find(|r| r["kind"] == "inspection").unwrap()["seq"].as_i64().unwrap();
    assert_eq!(ranges, vec![(purge["seq"].as_i64().unwrap(), 3, last_inspection)]);
    assert!(purge["description"].as_str().unwrap().contains("44 record(s)"), "{purge}");
    assert!(purge["description"].as_str().unwrap().contains("supervisor sup-2"), "{purge}");
}

#[test]
fn a_purge_before_every_record_removes_nothing_and_is_still_recorded() {
    let log = known_log("purge-nothing");
    let passphrase = log.scratch.join("passphrase").display().to_string();
    let out = audit(&log.scratch, &["purge", "--before", "2000-01-01", "--passphrase-file", &passphrase]);
    assert!(out.contains("purged the personal data of 0 inspection(s) recorded before 2000-01-01"), "{out}");
    let listed = list_json(&log.scratch, &[]);
    let purge = listed.last().unwrap();
    assert_eq!((purge["seq"].as_u64(), &purge["kind"]), (Some(7), &Value::from("purge")));
    assert!(purge["description"].as_str().unwrap().contains("nothing to remove"), "{purge}");
    let report = verify_json(&log.scratch);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["personal_data_rows"], 4);
    assert!(!files_containing(&log.scratch.db(), MARKER).is_empty(), "nothing was removed");

    let missing = docexam(&["audit", "--db", "/nonexistent/a.sqlite", "purge", "--before", "2000-01-01"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no audit log"), "{}", missing.stderr);
    assert!(!Path::new("/nonexistent/a.sqlite").exists());
}

/// `cargo test --release --test audit_query -- --ignored --nocapture`: statistics over a million
/// inspections (built in bulk, varied outcomes, nationalities, officers, failures) count every
/// one; the times it prints are figures for the README, not a pass condition (speed is measured
/// by benchmarks, never by timed tests).
#[test]
#[ignore = "builds a million-record log (about 2.5 GB); run in release"]
fn stats_over_a_million_inspections_count_every_one() {
    use docexam_audit::entry::EntryKind;
    use docexam_audit::query::{AuditReader, GroupBy};
    const RECORDS: u64 = 1_000_000;
    let log = known_log("million");
    let template = {
        let conn = rusqlite::Connection::open(log.scratch.db()).unwrap();
        let leaf: Vec<u8> = conn.query_row("SELECT leaf FROM log WHERE seq = 5", [], |r| r.get(0)).unwrap();
        serde_json::from_slice::<Value>(&leaf).unwrap()["body"].clone()
    };
    let outcomes = ["admit", "refer_second_line", "refuse", "seize", "send_to_laboratory"];
    let started = std::time::Instant::now();
    {
        let mut writer =
            docexam_audit::AuditLog::open(&log.scratch.db(), &docexam_audit::OpenOptions::default()).unwrap();
        let bodies = (0..RECORDS).map(|n| {
            let mut body = template.clone();
            body["decision"]["outcome"] = Value::from(outcomes[(n % 5) as usize]);
            body["officer"] = Value::from(format!("off-{}", n % 50));
            body["document"]["nationality"] = Value::from(["UTO", "PLW", "D<<"][(n % 3) as usize]);
            (EntryKind::Inspection, body)
        });
        writer.append_batch(bodies).unwrap();
    }
    eprintln!("built {RECORDS} records in {:?}", started.elapsed());
    let reader = AuditReader::open(&log.scratch.db()).unwrap();
    for by in GroupBy::ALL {
        let started = std::time::Instant::now();
        let stats = reader.stats(by, None).unwrap();
        let elapsed = started.elapsed();
        eprintln!("stats by {by:?}: {elapsed:?}");
        assert_eq!(stats.inspections, RECORDS + 4);
    }
}
