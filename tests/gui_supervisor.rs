//! The supervisor screen driven headless through egui_kittest, as a supervisor would: sign in
//! (a wrong passphrase is refused, recorded, and shows nothing), the record table (count, sort,
//! text and outcome filters, a record's stored leaf), verification, an export through the path
//! field that verifies on its own, the confirmed purge, and the statistics behind the plots.
#![cfg(feature = "gui")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::path::Path;
use std::time::Duration;

use docexam_audit::entry::{Actor, EntryKind, Role};
use docexam_audit::query::{AuditReader, ListFilter, Stats};
use docexam_audit::{AuditLog, OpenOptions};
use docexam_desk::supervisor::{SortColumn, SupervisorCommand};
use docexam_desk::{Command, DeskApp, Severity};
use docexam_exam::inspection::{Inspection, Outcome};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "common/gui.rs"]
mod gui_common;
use gui_common::*;

const PASSPHRASE: &str = "a long supervisor passphrase";
const WAIT: Duration = Duration::from_secs(30);

/// One inspection of the test log: decided at, officer, nationality, document code, outcome,
/// refusal grounds, failure codes of its one failed item.
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

const INSPECTIONS: [Seed; 6] = [
    ("2026-11-20T08:15:00Z", "off-1", "UTO", "P", "admit", &[], &[]),
    ("2026-11-20T09:30:00Z", "off-2", "D", "ID", "refuse", &["B"], &["CF"]),
    ("2026-11-21T09:45:00Z", "off-1", "FRA", "P", "admit", &[], &[]),
    ("2026-11-21T14:00:00Z", "off-3", "UTO", "V", "seize", &["B", "H"], &["FG-PS", "CF"]),
    ("2026-11-22T14:10:00Z", "off-2", "NLD", "P", "refer_second_line", &[], &[]),
    ("2026-11-23T23:59:00Z", "off-1", "D", "ID", "refuse", &["A"], &[]),
];

/// An inspection body as the log stores it (only the fields the listing and statistics read).
fn body((at, officer, nationality, code, outcome, reasons, failed): Seed) -> serde_json::Value {
    let mut items = vec![serde_json::json!({"id": "C01", "answer": "pass", "by": "machine"})];
    if !failed.is_empty() {
        items.push(serde_json::json!({"id": "X01", "answer": "fail", "by": "officer", "suggests": failed}));
    }
    serde_json::json!({
        "record_version": 1, "officer": officer, "station": "st-1", "started_at": at, "ended_at": at,
        "document": {"code": code, "issuer": nationality, "nationality": nationality, "number_hash": "ab"},
        "mrz": {"status": "read", "verdict": "valid", "failed_checks": []},
        "items": items,
        "decision": {"outcome": outcome, "refusal_reasons": reasons, "justification": null, "suggested": "admit"},
        "personal_data_sha256": null
    })
}

/// A log at `dir/audit.sqlite` with the six inspections; a supervisor passphrase when
/// `passphrase`; with `personal_data`, personal data kept and one real inspection that has some.
/// Returns the number of records.
fn set_up_log(dir: &Path, passphrase: bool, personal_data: bool) -> u64 {
    let mut log = AuditLog::open(&dir.join("audit.sqlite"), &OpenOptions::default()).unwrap();
    let by = Actor { role: Role::Supervisor, name: Some("setup".into()) };
    if passphrase {
        log.change_settings(by.clone(), None, Some(PASSPHRASE)).unwrap();
    }
    if personal_data {
        log.change_settings(by, Some(true), None).unwrap();
    }
    log.append_batch(INSPECTIONS.map(|seed| (EntryKind::Inspection, body(seed)))).unwrap();
    if personal_data {
        let fixture = std::fs::read(repo("tests/fixtures/audit/inspection.json")).unwrap();
        let inspection: Inspection = serde_json::from_slice(&fixture).unwrap();
        log.record_inspection(&inspection).unwrap();
    }
    log.size().unwrap()
}

/// Opens the Supervisor tab and waits until the screen knows whether a passphrase is set up.
fn open_supervisor(harness: &mut Harness<'_, DeskApp>) {
    harness.run_steps(3);
    click_button(harness, "Supervisor");
    step_until(harness, WAIT, "the log's settings", |app| app.state.supervisor.settings.is_some());
}

/// Types `passphrase` into the sign-in form, presses Enter and waits for the answer.
fn sign_in(harness: &mut Harness<'_, DeskApp>, passphrase: &str) {
    fill(harness, "Passphrase", passphrase);
    press(harness, Key::Enter);
    step_until(harness, WAIT, "the passphrase check", |app| {
        let supervisor = &app.state.supervisor;
        supervisor.authenticating.is_none() && (supervisor.actor.is_some() || supervisor.login_error.is_some())
    });
}

/// Signs in with the right passphrase and waits for the record table.
fn sign_in_and_list(harness: &mut Harness<'_, DeskApp>) {
    open_supervisor(harness);
    sign_in(harness, PASSPHRASE);
    assert!(harness.state().state.supervisor.actor.is_some(), "{:?}", harness.state().state.supervisor.login_error);
    step_until(harness, WAIT, "the record table", |app| {
        let table = &app.state.supervisor.table;
        table.loaded && table.request.is_none()
    });
}

#[test]
fn a_wrong_passphrase_is_refused_and_recorded_and_shows_nothing_of_the_log() {
    let scratch = temp_dir("wrong");
    let dir = scratch.path();
    set_up_log(dir, true, false);
    let mut harness = desk(dir);
    open_supervisor(&mut harness);
    sign_in(&mut harness, "not the passphrase");

    harness.get_by_label_contains("wrong supervisor passphrase");
    let supervisor = &harness.state().state.supervisor;
    assert!(supervisor.actor.is_none());
    assert!(!supervisor.table.loaded && supervisor.table.records.is_empty(), "nothing was listed");
    for hidden in ["Log out", "Records", "Integrity", "Export", "Purge", "Statistics", "Verify integrity"] {
        assert!(harness.query_by_label(hidden).is_none(), "{hidden:?} is shown before sign-in");
    }
    assert!(harness.query_by_label_contains("showing").is_none());
    assert!(harness.query_by_label_contains("off-1").is_none(), "no record data on screen");
    // Commands cannot go around the form either.
    harness.state_mut().push(Command::Supervisor(SupervisorCommand::Verify));
    harness.run_steps(2);
    assert!(harness.state().state.supervisor.verifying.is_none());

    // The worker recorded the failed attempt.
    drop(harness);
    let reader = AuditReader::open(&dir.join("audit.sqlite")).unwrap();
    let latest = reader.latest_records(&ListFilter::default(), 1).unwrap().records;
    assert_eq!(latest[0].kind, "auth_failed");
    let description = latest[0].description.as_deref().unwrap_or_default();
    assert!(description.contains("open the supervisor screen"), "{description}");
    drop(reader);
}

#[test]
fn without_a_passphrase_the_screen_says_how_to_set_one_up() {
    let scratch = temp_dir("no-passphrase");
    let dir = scratch.path();
    set_up_log(dir, false, false);
    let mut harness = desk(dir);
    open_supervisor(&mut harness);
    harness.get_by_label("No supervisor passphrase is set up on this desk yet.");
    harness.get_by_label_contains("docexam audit passphrase --db");
    sign_in(&mut harness, "anything at all");
    harness.get_by_label_contains("run `docexam audit passphrase` first");
    assert!(harness.state().state.supervisor.actor.is_none());
    drop(harness);
}

#[test]
fn the_table_lists_sorts_filters_and_opens_a_record_and_the_log_verifies_intact() {
    let scratch = temp_dir("table");
    let dir = scratch.path();
    let records = set_up_log(dir, true, false);
    assert_eq!(records, 8);
    let mut harness = desk(dir);
    sign_in_and_list(&mut harness);

    harness.get_by_label("showing 8 of 8 records");
    let seqs = |harness: &Harness<'_, DeskApp>| -> Vec<u64> {
        harness.state().state.supervisor.table.shown().map(|r| r.seq).collect()
    };
    assert_eq!(seqs(&harness), [7, 6, 5, 4, 3, 2, 1, 0], "newest first");

    // Sorting by a column header, then the same header again for the reverse order.
    click_button(&mut harness, "Nationality");
    let nationalities = |harness: &Harness<'_, DeskApp>| -> Vec<Option<String>> {
        harness.state().state.supervisor.table.shown().map(|r| r.nationality.clone()).collect()
    };
    let mut expected = vec![None, None, Some("D"), Some("D"), Some("FRA"), Some("NLD"), Some("UTO"), Some("UTO")]
        .into_iter()
        .map(|n| n.map(str::to_owned))
        .collect::<Vec<_>>();
    assert_eq!(nationalities(&harness), expected);
    click_button(&mut harness, "Nationality ^");
    expected.reverse();
    assert_eq!(nationalities(&harness), expected);
    harness.get_by_role_and_label(egui::Role::Button, "Nationality v");
    click_button(&mut harness, "Date (UTC)");
    assert_eq!(harness.state().state.supervisor.table.sort.column, SortColumn::Date);
    assert_eq!(seqs(&harness), [7, 6, 5, 4, 3, 2, 1, 0]);

    // The text filter narrows what is shown, not what was listed.
    fill(&mut harness, "Find", "OFF-1");
    assert_eq!(seqs(&harness), [7, 4, 2]);
    harness.get_by_label("(3 match the text)");
    harness.get_by_label("showing 8 of 8 records");

    // The outcome filter asks the log again.
    harness.get_by_role_and_label(egui::Role::CheckBox, "refuse entry").click();
    harness.run_steps(2);
    click_button(&mut harness, "Apply");
    step_until(&mut harness, WAIT, "the refusals", |app| {
        let table = &app.state.supervisor.table;
        table.request.is_none() && table.filter.outcomes == [Outcome::Refuse]
    });
    harness.get_by_label("showing 2 of 2 records");
    assert_eq!(seqs(&harness), [7], "refusals by off-1");

    // A row opens the stored leaf.
    harness.get_by_label_contains("open record #7 of desk").click();
    step_until(&mut harness, WAIT, "the record", |app| {
        app.state.supervisor.table.detail.as_ref().is_some_and(|d| d.leaf_json.is_some() || d.error.is_some())
    });
    let detail = harness.state().state.supervisor.table.detail.clone().unwrap();
    let json = detail.leaf_json.unwrap_or_else(|| panic!("{:?}", detail.error));
    let leaf: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((leaf["seq"].as_u64(), leaf["body"]["officer"].as_str()), (Some(7), Some("off-1")));
    assert_eq!(leaf["body"]["decision"]["refusal_reasons"], serde_json::json!(["A"]));
    harness.get_by_label_contains("\"seq\": 7,");
    harness.get_by_label_contains("Record #7 of desk");

    // The limit: the newest N of all that pass.
    harness.state_mut().push(Command::Supervisor(SupervisorCommand::List {
        since: String::new(),
        outcomes: Vec::new(),
        limit: 3,
    }));
    step_until(&mut harness, WAIT, "three records", |app| app.state.supervisor.table.records.len() == 3);
    harness.get_by_label("showing 3 of 8 records");
    // A date that is not one is refused with the way to write it.
    harness.state_mut().push(Command::Supervisor(SupervisorCommand::List {
        since: "23.11.2026".into(),
        outcomes: Vec::new(),
        limit: 3,
    }));
    harness.run_steps(2);
    harness.get_by_label_contains("is not a date; write YYYY-MM-DD");

    // Verification: INTACT, the whole own chain.
    click_button(&mut harness, "Integrity");
    click_button(&mut harness, "Verify integrity");
    step_until(&mut harness, WAIT, "the verification", |app| app.state.supervisor.verified.is_some());
    harness.get_by_label("INTACT");
    assert!(harness.query_by_label("TAMPERED").is_none());
    let report = harness.state().state.supervisor.verified.clone().unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    assert_eq!(report.own.as_ref().map(|own| own.records), Some(8));

    // Signing out hides everything again.
    click_button(&mut harness, "Log out");
    assert!(harness.state().state.supervisor.actor.is_none());
    assert!(harness.query_by_label("INTACT").is_none());
    assert!(harness.query_by_label_contains("showing").is_none());
    harness.get_by_label("Passphrase");
    drop(harness);
}

#[test]
fn an_export_through_the_path_field_verifies_and_a_purge_needs_its_confirmation() {
    let scratch = temp_dir("export");
    let dir = scratch.path();
    let records = set_up_log(dir, true, true);
    let mut harness = desk(dir);
    sign_in_and_list(&mut harness);
    harness.get_by_label(&format!("showing {records} of {records} records"));

    click_button(&mut harness, "Export");
    harness.get_by_label("JSON Lines").click();
    harness.run_steps(2);
    // Offered because this log keeps personal data.
    harness.get_by_label("Include personal data (names, birth dates, document numbers)").click();
    harness.run_steps(2);
    let out = dir.join("week.jsonl");
    fill(&mut harness, "Export to", &out.display().to_string());
    press(&mut harness, Key::Enter);
    step_until(&mut harness, WAIT, "the export", |app| {
        let export = &app.state.supervisor.export;
        export.request.is_none() && (export.summary.is_some() || export.error.is_some())
    });
    let export = harness.state().state.supervisor.export.clone();
    let summary = export.summary.unwrap_or_else(|| panic!("{:?}", export.error));
    assert_eq!((summary.records, summary.file.as_path(), summary.personal_data_rows), (records, out.as_path(), 1));
    assert!(out.exists() && summary.proof.exists());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count() as u64, records);
    harness.get_by_label(&format!("Exported {records} records."));
    harness.get_by_label(&summary.proof.display().to_string());
    let report = docexam_audit::export::verify_export(&out, None).unwrap();
    assert!(report.intact(), "{:?}", report.findings);
    // The export is itself a record, and the table shows it.
    step_until(&mut harness, WAIT, "the export record", |app| app.state.supervisor.table.total == records + 1);

    // Exports never overwrite: the same path again fails, said in red and as a notification.
    harness.get_by_label("Export to").click();
    harness.run_steps(2);
    press(&mut harness, Key::Enter);
    step_until(&mut harness, WAIT, "the refusal", |app| app.state.supervisor.export.error.is_some());
    let error = harness.state().state.supervisor.export.error.clone().unwrap();
    assert!(error.contains("exists"), "{error}");
    assert!(harness.state().state.notifications.iter().any(|n| n.severity == Severity::Error));
    harness.get_by_label_contains("The export failed:");

    // The purge waits for the confirmation word.
    click_button(&mut harness, "Purge");
    fill(&mut harness, "Purge before (YYYY-MM-DD)", "9999-12-31");
    click_button(&mut harness, "Purge personal data");
    assert!(harness.state().state.supervisor.purge.request.is_none(), "not confirmed yet");
    fill(&mut harness, "Type PURGE to confirm", "PURGE");
    click_button(&mut harness, "Purge personal data");
    step_until(&mut harness, WAIT, "the purge", |app| {
        let purge = &app.state.supervisor.purge;
        purge.request.is_none() && (purge.purged.is_some() || purge.error.is_some())
    });
    let purge = harness.state().state.supervisor.purge.clone();
    let purged = purge.purged.unwrap_or_else(|| panic!("{:?}", purge.error));
    assert_eq!((purged.event.purged, purged.event.range), (1, Some((records - 1, records - 1))));
    harness.get_by_label_contains("Personal data of 1 record(s) recorded before 9999-12-31 removed");
    drop(harness);
}

#[test]
fn statistics_count_per_day_hour_outcome_fraud_type_and_refusal_ground() {
    let scratch = temp_dir("stats");
    let dir = scratch.path();
    set_up_log(dir, true, false);
    let mut harness = desk(dir);
    sign_in_and_list(&mut harness);
    click_button(&mut harness, "Statistics");
    step_until(&mut harness, WAIT, "the statistics", |app| {
        let board = &app.state.supervisor.stats;
        board.requested && board.pending.is_empty()
    });
    let board = harness.state().state.supervisor.stats.clone();
    assert_eq!(board.error, None);
    let rows = |stats: Option<Stats>| -> Vec<(String, u64)> {
        let mut rows: Vec<_> = stats.expect("counted").rows.into_iter().map(|r| (r.key, r.count)).collect();
        rows.sort();
        rows
    };
    let owned = |pairs: &[(&str, u64)]| pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect::<Vec<_>>();
    assert_eq!(board.per_day.as_ref().map(|s| s.inspections), Some(6));
    assert_eq!(
        rows(board.per_day),
        owned(&[("2026-11-20", 2), ("2026-11-21", 2), ("2026-11-22", 1), ("2026-11-23", 1)])
    );
    assert_eq!(rows(board.per_hour), owned(&[("08", 1), ("09", 2), ("14", 2), ("23", 1)]));
    assert_eq!(
        rows(board.outcomes),
        owned(&[("admit", 2), ("refer_second_line", 1), ("refuse", 2), ("seize", 1), ("send_to_laboratory", 0)])
    );
    assert_eq!(rows(board.fraud_types), owned(&[("CF", 2), ("FG-PS", 1), ("none", 4)]));
    assert_eq!(rows(board.refusal_reasons), owned(&[("A", 1), ("B", 2), ("H", 1), ("none", 3)]));

    harness.get_by_label("Inspections per day (UTC)");
    harness.get_by_label("Inspections per hour of the day (UTC)");
    harness.get_by_label("B false, counterfeit or forged travel document");
    harness.get_by_label("refer to second line");
    harness.get_by_label("no failed check");

    // Since a day: only the inspections decided from then on.
    fill(&mut harness, "Inspections decided since", "2026-11-22");
    click_button(&mut harness, "Refresh");
    step_until(&mut harness, WAIT, "the later statistics", |app| {
        let board = &app.state.supervisor.stats;
        board.pending.is_empty() && board.since.is_some() && board.per_day.as_ref().is_some_and(|s| s.inspections == 2)
    });
    let board = harness.state().state.supervisor.stats.clone();
    assert_eq!(rows(board.per_day), owned(&[("2026-11-22", 1), ("2026-11-23", 1)]));
    drop(harness);
}
