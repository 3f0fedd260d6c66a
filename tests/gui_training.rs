//! The Trainer tab driven headless through egui_kittest: a trainer starts a session on an
//! exercise pack, the trainee decides each document on the ordinary desk with the keyboard, and
//! the report (score, per-item chart, planted defects on the image) opens after the last one.
//! Training results land in the training tables, never in the audit chain; the officer's shift
//! comes back afterwards. Manual-only runs show no machine reading and keep other work out.
#![cfg(feature = "gui")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::path::Path;
use std::time::Duration;

use docexam_audit::query::{AuditReader, ListFilter};
use docexam_desk::document::{Recording, ScanState};
use docexam_desk::training::SessionState;
use docexam_desk::{AuditStatus, Command, DeskApp, Severity, Tab};
use docexam_exam::inspection::{Answer, AnsweredBy, Outcome};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "common/gui.rs"]
mod gui_common;
use gui_common::*;

const WAIT: Duration = Duration::from_secs(120);

/// Opens the Trainer tab and starts a session for `trainee`.
fn start_session(harness: &mut Harness<'_, DeskApp>, trainee: &str, manual_only: bool) {
    harness.get_by_label("Trainer").click();
    harness.run_steps(2);
    harness.get_by_label("Fixture: three documents");
    fill(harness, "Trainee", trainee);
    if manual_only {
        harness.get_by_label("Manual only (hide every machine finding)").click();
        harness.run_steps(2);
    }
    click_button(harness, "Start the session");
}

/// Waits until document `index` of the run is on the desk and its image is read.
fn wait_for_document(harness: &mut Harness<'_, DeskApp>, index: usize) {
    step_until(harness, WAIT, &format!("training document {}", index + 1), |app| {
        let run = app.state.training.run.as_ref();
        run.is_some_and(|r| r.index == index && matches!(r.session, SessionState::Open(_)))
            && app.state.document.as_ref().is_some_and(|d| {
                d.recording == Recording::NotYet && matches!(d.scan, ScanState::Done { .. } | ScanState::Failed(_))
            })
    });
}

/// The trainee answers every open item P, picks `outcome` with its key and decides (Ctrl+Enter).
fn decide(harness: &mut Harness<'_, DeskApp>, outcome_key: Key) {
    answer_checklist_by_keyboard(harness);
    press(harness, outcome_key);
    press_command(harness, Key::Enter);
}

#[test]
fn a_trainee_works_through_a_pack_on_the_desk_and_sees_the_report_with_the_missed_defects() {
    let scratch = temp_dir("trainee");
    let dir = scratch.path();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-042");
    let records_before = match &harness.state().state.audit {
        AuditStatus::Open { records, .. } => *records,
        other => panic!("audit log not open: {other:?}"),
    };
    start_session(&mut harness, "trainee-7", false);

    // Document 1 (genuine TD3): on the desk under a training shift, read by OCR.
    wait_for_document(&mut harness, 0);
    let app = harness.state();
    assert_eq!(app.state.tab, Tab::Desk);
    let shift = app.state.shift.as_ref().unwrap();
    assert_eq!(
        (shift.officer.as_str(), shift.station.as_str(), shift.manual.as_str()),
        ("trainee-7", "training", "falsedoc-pocket")
    );
    let document = app.state.document.as_ref().unwrap();
    assert!(document.image.as_ref().unwrap().ends_with("fixture-basics/td3_clean_0000.png"));
    assert!(document.report.as_ref().is_some_and(|r| r.valid), "OCR reads it as usual");
    harness.get_by_label_contains("TRAINING: trainee trainee-7, document 1 of 3");
    harness.get_by_label("VALID MRZ");
    decide(&mut harness, Key::Num1); // admit: right

    // Document 2 (wrong check digit): the machine fails the MRZ item; referring is right.
    wait_for_document(&mut harness, 1);
    harness.get_by_label_contains("INVALID MRZ");
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(document.inspection.items().iter().any(|i| i.answered_by == Some(AnsweredBy::Machine)));
    decide(&mut harness, Key::Num2); // refer to second line

    // Document 3 (a substituted photo the trainee does not see): admitted, a missed fraud.
    wait_for_document(&mut harness, 2);
    decide(&mut harness, Key::Num1);

    step_until(&mut harness, WAIT, "the report", |app| {
        app.state.training.report.as_ref().is_some_and(|r| r.image_ready)
    });
    let app = harness.state();
    assert!(app.state.training.run.is_none());
    assert_eq!(app.state.tab, Tab::Training);
    assert!(app.state.document.is_none());
    assert_eq!(app.state.shift.as_ref().unwrap().officer, "off-042", "the officer's shift is back");
    let report = app.state.training.report.as_ref().unwrap();
    assert!(report.finished);
    let score = &report.score;
    assert_eq!(score.documents.len(), 3);
    let outcomes: Vec<Option<Outcome>> = score.documents.iter().map(|d| d.outcome).collect();
    assert_eq!(outcomes, [Some(Outcome::Admit), Some(Outcome::ReferSecondLine), Some(Outcome::Admit)]);
    assert_eq!((score.outcomes_right, score.missed_frauds, score.false_alarms), (2, 1, 0));
    assert_eq!((score.critical_found, score.critical_planted), (1, 2));
    assert_eq!(score.documents[2].defects_found, [false, false]);
    // A missed fraud (60) and its critical (20) and supporting (8) defects cost 88 points.
    let points: Vec<f64> = score.documents.iter().map(|d| d.points).collect();
    assert_eq!(points, [100.0, 100.0, 12.0]);
    assert!((score.points - 212.0 / 3.0).abs() < 1e-9, "{}", score.points);
    // The report opens on the first document with a missed defect, each defect named.
    assert_eq!(report.shown, Some(2));
    harness.get_by_label_contains("Score ");
    harness.get_by_label("Per checklist item: planted defects found and missed, false findings");
    assert_eq!(harness.query_all_by_label_contains("MISSED").count(), 2);
    harness.get_by_label_contains("the portrait was replaced");

    // Another document's defects: the altered check digit, found (the machine failed its item).
    harness.get_by_label("td3_clean_0000.png").click();
    step_until(&mut harness, WAIT, "document 1's picture", |app| {
        app.state.training.report.as_ref().is_some_and(|r| r.shown == Some(0))
            && app.state.training.report.as_ref().is_some_and(|r| r.image_ready)
    });
    harness.get_by_label("Genuine: nothing was planted.");

    // Stored as training, never as an inspection.
    step_until(&mut harness, WAIT, "the session history", |app| !app.state.training.history.is_empty());
    drop(harness);
    let reader = AuditReader::open(&dir.join("audit.sqlite")).unwrap();
    let sessions = reader.training_sessions(Some("fixture-basics"), None).unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!((sessions[0].session.trainee.as_str(), sessions[0].attempts), ("trainee-7", 3));
    assert!(sessions[0].finished_at.is_some() && !sessions[0].session.manual_only);
    let attempts = reader.training_attempts(sessions[0].id).unwrap();
    assert_eq!(attempts.iter().map(|a| a.index).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(attempts[0].inspection.officer(), Some("trainee-7"));
    let listed = reader.latest_records(&ListFilter::default(), 100).unwrap().records;
    assert!(listed.iter().all(|r| r.kind != "inspection"), "no inspection record: {listed:?}");
    assert_eq!(listed.len() as u64, records_before, "the audit chain did not grow");
}

#[test]
fn manual_only_shows_no_machine_reading_keeps_other_work_out_and_can_be_abandoned() {
    let scratch = temp_dir("manual-only");
    let dir = scratch.path();
    // The shipped fixture pack and a broken one beside it (its key names an item the manual lacks).
    let packs = dir.join("packs");
    copy_dir(&repo("tests/fixtures/training/fixture-basics"), &packs.join("fixture-basics"));
    copy_dir(&repo("tests/fixtures/training/fixture-basics"), &packs.join("broken"));
    let key = std::fs::read_to_string(packs.join("broken/key.toml")).unwrap();
    let key = key.replace("id = \"fixture-basics\"", "id = \"broken\"").replace("\"C02\"", "\"Z99\"");
    std::fs::write(packs.join("broken/key.toml"), key).unwrap();
    let mut config = config(dir);
    config.packs_dir = Some(packs.clone());
    let mut harness = desk_with(config);
    harness.run_steps(3);
    assert_eq!(harness.state().state.training.shelf.packs.len(), 1);
    harness.get_by_label("Trainer").click();
    harness.run_steps(2);
    harness.get_by_label_contains("broken not usable (1 problem(s))");

    // No shift was started: the trainee needs none.
    start_session(&mut harness, "trainee-9", true);
    wait_for_document(&mut harness, 0);
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(document.manual_only && document.report.is_none() && document.mrz_text.is_empty());
    let machine: Vec<_> = document.inspection.items().iter().filter_map(|i| i.machine.as_ref()).collect();
    assert!(!machine.is_empty());
    assert!(
        machine.iter().all(|m| m.answer == Answer::NotChecked && m.reason.contains("manual-only training")),
        "the machine checked nothing: {machine:?}"
    );
    assert!(harness.state().views().image.texture.is_some(), "the picture is shown");
    harness.get_by_label("Manual-only training: examine the MRZ on the image yourself.");
    assert!(harness.query_by_label_contains("VALID MRZ").is_none());

    // Nothing else gets onto the desk, and the MRZ cannot be typed in.
    let image = document.image.clone();
    harness.state_mut().push(Command::OpenImage(repo("test-images/scan/td3_clean_0000.png")));
    harness.state_mut().push(Command::EditMrz("P<UTOERIKSSON<<ANNA".to_owned()));
    harness.run_steps(2);
    let app = harness.state();
    let document = app.state.document.as_ref().unwrap();
    assert_eq!(document.image, image);
    assert!(document.report.is_none());
    let warnings: Vec<&str> =
        app.state.notifications.iter().filter(|n| n.severity == Severity::Warning).map(|n| n.text.as_str()).collect();
    assert!(warnings.iter().any(|w| w.contains("a training session is running")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("examined by eye")), "{warnings:?}");

    // By eye, the trainee fails the MRZ check digits (wrongly: the document is genuine) without
    // being asked for a reason, then admits.
    harness.state_mut().push(Command::Answer { item: "C02".to_owned(), answer: Answer::Fail });
    harness.run_steps(2);
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(document.pending_override.is_none());
    let c02 = document.inspection.item("C02").unwrap();
    assert_eq!((c02.answer, c02.answered_by), (Answer::Fail, Some(AnsweredBy::Officer)));
    harness.state_mut().push(Command::SelectItem(0));
    answer_checklist_by_keyboard(&mut harness);
    press(&mut harness, Key::Num1);
    press_command(&mut harness, Key::Enter);
    let violations = &harness.state().state.document.as_ref().unwrap().violations;
    assert!(violations.iter().any(|v| v.contains("justification")), "admitting over a failed S1 item: {violations:?}");
    press(&mut harness, Key::J);
    type_text(&mut harness, "the check digits were right when counted again");
    press(&mut harness, Key::Escape);
    press_command(&mut harness, Key::Enter);
    wait_for_document(&mut harness, 1);
    harness.get_by_label("Trainer").click();
    harness.run_steps(2);
    click_button(&mut harness, "Abandon the session");
    step_until(&mut harness, WAIT, "the history", |app| !app.state.training.history.is_empty());
    let app = harness.state();
    assert!(app.state.training.run.is_none() && app.state.document.is_none() && app.state.shift.is_none());
    assert!(app.state.notifications.iter().any(|n| n.text.contains("abandoned: 1 of 3 document(s) stored")));
    let session = &app.state.training.history[0];
    assert!(session.session.manual_only && session.finished_at.is_none());
    harness.get_by_label("1 (unfinished)");

    // Its report, read back from the log: one document done, scored as decided.
    click_button(&mut harness, "Report");
    step_until(&mut harness, WAIT, "the stored session's report", |app| app.state.training.report.is_some());
    let report = harness.state().state.training.report.as_ref().unwrap();
    assert!(!report.finished && report.manual_only);
    assert_eq!(report.score.documents.len(), 1);
    assert!(report.score.documents[0].outcome_right);
    assert_eq!(report.score.documents[0].false_findings, ["C02"], "failed without a planted defect");
    assert_eq!(harness.query_all_by_label("not done").count(), 2);
    drop(harness);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// The shipped pack, all 24 documents, through the Trainer tab in manual-only mode (the picture
/// only, so the test is about the flow, not OCR): the trainee follows the answer key (each
/// planted defect failed under its first item, the expected outcome) and scores 100 on every
/// document; the report lists them all.
#[test]
fn the_shipped_pack_runs_end_to_end_from_the_trainer_tab() {
    let scratch = temp_dir("shipped-pack");
    let dir = scratch.path();
    let mut config = config(dir);
    config.packs_dir = Some(repo("test-images/training"));
    let mut harness = desk_with(config);
    harness.run_steps(3);
    let found = harness.state().state.training.shelf.find("falsedoc-basics").expect("the shipped pack").clone();
    let key = found.pack.key.clone();
    assert!(key.documents.len() >= 20);
    harness.get_by_label("Trainer").click();
    harness.run_steps(2);
    harness.get_by_label(&key.title).click(); // chosen already: the first pack on the shelf
    harness.run_steps(2);
    fill(&mut harness, "Trainee", "trainee-key");
    harness.get_by_label("Manual only (hide every machine finding)").click();
    click_button(&mut harness, "Start the session");

    for (index, document) in key.documents.iter().enumerate() {
        wait_for_document(&mut harness, index);
        let failed: Vec<String> = document.defects.iter().filter_map(|d| d.items.first().cloned()).collect();
        let open: Vec<String> = {
            let on_desk = harness.state().state.document.as_ref().unwrap();
            assert!(on_desk.image.as_ref().unwrap().ends_with(&document.image));
            on_desk.visible().iter().map(|i| i.id.clone()).collect()
        };
        let app = harness.state_mut();
        for item in open {
            let answer = if failed.contains(&item) { Answer::Fail } else { Answer::Pass };
            app.push(Command::Answer { item, answer });
        }
        app.push(Command::ChooseOutcome(document.expected_outcome));
        if document.expected_outcome.takes_refusal_reasons() {
            app.push(Command::ToggleReason(docexam_exam::inspection::RefusalReason::B));
        }
        app.push(Command::SetJustification("as the key says".to_owned()));
        app.push(Command::DecideAndRecord);
        harness.run_steps(2);
        let violations = harness.state().state.document.as_ref().map(|d| d.violations.clone()).unwrap_or_default();
        assert!(violations.is_empty(), "document {} ({}): {violations:?}", index + 1, document.image);
    }
    step_until(&mut harness, WAIT, "the report", |app| app.state.training.report.is_some());
    let report = harness.state().state.training.report.as_ref().unwrap();
    let score = &report.score;
    assert_eq!(score.documents.len(), key.documents.len());
    let below: Vec<(&str, f64)> =
        score.documents.iter().filter(|d| d.points < 100.0).map(|d| (d.image.as_str(), d.points)).collect();
    assert!(below.is_empty(), "following the key scores 100 everywhere: {below:?}");
    assert_eq!(score.critical_found, score.critical_planted);
    assert_eq!((score.missed_frauds, score.false_alarms), (0, 0));
    assert_eq!(report.shown, None, "nothing missed: no document to open first");
    harness.get_by_label("Score 100 / 100");
    drop(harness);
}
