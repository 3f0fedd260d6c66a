//! The desk app driven headless through egui_kittest, as an officer and a supervisor would:
//! keyboard for the officer's whole inspection, the record found in a temporary audit log.
#![cfg(feature = "gui")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::time::Duration;

use docexam_desk::document::{Recording, ScanState};

use docexam_audit::query::{AuditReader, ListFilter};
use docexam_exam::inspection::AnsweredBy;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

#[path = "common/gui.rs"]
mod gui_common;
use gui_common::*;

#[test]
fn an_officer_inspects_a_passport_scan_with_the_keyboard_alone_and_it_is_recorded() {
    let scratch = temp_dir("officer");
    let dir = scratch.path();
    let mut harness = desk(dir);
    harness.get_by_label("Start of shift");
    start_shift(&mut harness, "off-042");
    open_image(&mut harness, &repo("test-images/scan/td3_clean_0000.png"));

    // The verdict and the typed fields are on screen.
    harness.get_by_label("VALID MRZ");
    harness.get_by_label("Fields and check digits");
    let document = harness.state().state.document.as_ref().unwrap();
    let report = document.report.as_ref().expect("a report");
    assert!(report.valid, "{report:?}");
    assert!(document.inspection.items().iter().any(|i| i.answered_by == Some(AnsweredBy::Machine)));

    answer_checklist_by_keyboard(&mut harness);
    press(&mut harness, Key::Num1); // admit
    press_command(&mut harness, Key::Enter);
    step_until(&mut harness, Duration::from_secs(30), "the record", |app| {
        app.state.document.as_ref().is_some_and(|d| !matches!(d.recording, Recording::NotYet | Recording::Sending(_)))
    });
    let recording = harness.state().state.document.as_ref().unwrap().recording.clone();
    let Recording::Recorded(seq) = recording else { panic!("not recorded: {recording:?}") };
    harness.get_by_label_contains(&format!("Recorded as #{seq}"));

    // The record is in the log, as decided, and the draft is gone.
    drop(harness);
    let reader = AuditReader::open(&dir.join("audit.sqlite")).unwrap();
    let listed = reader.latest_records(&ListFilter::default(), 100).unwrap().records;
    let record = listed.iter().find(|r| r.seq == seq).expect("the record");
    assert_eq!(record.kind, "inspection");
    assert_eq!(record.officer.as_deref(), Some("off-042"));
    assert_eq!(record.outcome.as_deref(), Some("admit"));
    assert_eq!(record.mrz_verdict.as_deref(), Some("valid"));
    assert!(!dir.join("state/draft.json").exists());
}

#[test]
fn a_wrong_check_digit_shows_red_and_refusing_needs_a_ground() {
    let scratch = temp_dir("refuse");
    let dir = scratch.path();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-7");
    open_image(&mut harness, &repo("test-images/scan/td2_wrong_check_0000.png"));
    harness.get_by_label_contains("INVALID MRZ");
    answer_checklist_by_keyboard(&mut harness);
    press(&mut harness, Key::Num3); // refuse, no ground yet
    press_command(&mut harness, Key::Enter);
    let document = harness.state().state.document.as_ref().unwrap();
    assert_eq!(document.recording, Recording::NotYet, "refusing without a ground must not record");
    assert!(!document.violations.is_empty());
    harness.key_press_modifiers(Modifiers::SHIFT, Key::B); // B: false or forged document
    harness.run_steps(2);
    press_command(&mut harness, Key::Enter);
    step_until(&mut harness, Duration::from_secs(30), "the record", |app| {
        app.state.document.as_ref().is_some_and(|d| matches!(d.recording, Recording::Recorded(_)))
    });
    drop(harness);
    let reader = AuditReader::open(&dir.join("audit.sqlite")).unwrap();
    let listed = reader.latest_records(&ListFilter::default(), 100).unwrap().records;
    assert!(
        listed.iter().any(|r| r.outcome.as_deref() == Some("refuse") && r.mrz_verdict.as_deref() == Some("invalid"))
    );
}

/// A committed specimen whose reading has a character the two readers read differently and no
/// check digit covers: amber, never VALID, no MRZ item passed, and the cursor waits on that
/// character in the MRZ box.
#[test]
fn a_reading_that_needs_review_is_amber_and_puts_the_cursor_on_the_doubt() {
    let scratch = temp_dir("review");
    let dir = scratch.path();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-9");
    open_image(&mut harness, &repo("test-images/scan/td2_rotate180_0001.png"));
    harness.get_by_label_contains("MRZ NEEDS REVIEW");
    assert!(harness.query_by_label("VALID MRZ").is_none());
    harness.run_steps(2);
    let document = harness.state().state.document.as_ref().unwrap();
    let report = document.report.as_ref().unwrap();
    assert_eq!(report.verdict, docexam_mrz::Verdict::NeedsReview);
    assert!(!report.valid);
    let first = report.doubts.first().expect("a doubtful character");
    for item in document.inspection.items().iter().filter(|i| i.automation.is_some()) {
        assert_ne!(item.answer, docexam_exam::inspection::Answer::Pass, "{}", item.id);
    }
    let expected: usize = report.lines.iter().take(usize::from(first.at.line)).map(|l| l.len() + 1).sum::<usize>()
        + usize::from(first.at.start);
    let focused = harness.ctx.memory(|m| m.focused()).expect("the MRZ box has the focus");
    let state = egui::TextEdit::load_state(&harness.ctx, focused).expect("a text box has the focus");
    let range = state.cursor.char_range().expect("a cursor");
    assert_eq!((range.primary.index.0, range.secondary.index.0), (expected, expected));
}

#[test]
fn closing_mid_inspection_keeps_a_draft_that_the_next_start_offers_back() {
    let scratch = temp_dir("draft");
    let dir = scratch.path();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-9");
    press_command(&mut harness, Key::T); // type an MRZ
    type_text(
        &mut harness,
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
    );
    press(&mut harness, Key::Escape);
    answer_checklist_by_keyboard(&mut harness);
    let before = harness.state().state.document.as_ref().unwrap().inspection.clone();
    drop(harness); // the window closes

    let mut harness = desk(dir);
    harness.run_steps(3);
    assert!(harness.state().state.draft_offer.is_some());
    harness.get_by_label("Resume it").click();
    harness.run_steps(3);
    let document = harness.state().state.document.as_ref().expect("resumed");
    assert_eq!(document.inspection, before, "every answer came back");
    assert!(document.mrz_text.starts_with("P<UTOERIKSSON"));
}

#[test]
fn a_supervisor_verifies_the_log() {
    let scratch = temp_dir("supervisor");
    let dir = scratch.path();
    // The supervisor screen is behind the passphrase `docexam audit passphrase` sets up.
    let by = docexam_audit::entry::Actor { role: docexam_audit::entry::Role::Supervisor, name: None };
    docexam_audit::AuditLog::open(&dir.join("audit.sqlite"), &docexam_audit::OpenOptions::default())
        .unwrap()
        .change_settings(by, None, Some("a long supervisor passphrase"))
        .unwrap();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-1");
    harness.get_by_label("Supervisor").click();
    harness.run_steps(2);
    harness.get_by_label("Passphrase").click();
    harness.run_steps(2);
    type_text(&mut harness, "a long supervisor passphrase");
    press(&mut harness, Key::Enter);
    step_until(&mut harness, Duration::from_secs(30), "the sign-in", |app| app.state.supervisor.actor.is_some());
    harness.get_by_label("Integrity").click();
    harness.run_steps(2);
    harness.get_by_label("Verify integrity").click();
    step_until(&mut harness, Duration::from_secs(30), "the verification", |app| {
        app.state.supervisor.verified.is_some()
    });
    harness.get_by_label("INTACT");
}

#[test]
fn a_new_image_replaces_the_pending_reading_and_a_late_result_is_dropped() {
    let scratch = temp_dir("replace");
    let dir = scratch.path();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-3");
    // Two images in a row, the second before the first has been read.
    harness.state_mut().push(docexam_desk::Command::OpenImage(repo("test-images/scan/td3_clean_0000.png")));
    harness.run_steps(1);
    harness.state_mut().push(docexam_desk::Command::OpenImage(repo("test-images/scan/td2_wrong_check_0000.png")));
    step_until(&mut harness, Duration::from_secs(120), "the second reading", |app| {
        app.state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Done { .. }))
    });
    // Let any answer for the first image arrive too: it must not replace the second's.
    for _ in 0..50 {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(document.image.as_ref().unwrap().ends_with("td2_wrong_check_0000.png"));
    let report = document.report.as_ref().unwrap();
    assert_eq!(report.lines.len(), 2);
    assert_eq!(report.lines[0].len(), 36, "the TD2 document's MRZ, not the passport's");
    assert!(!report.valid);
}

#[test]
fn a_damaged_image_is_a_visible_error_and_the_mrz_can_still_be_typed() {
    let scratch = temp_dir("damaged");
    let dir = scratch.path();
    let broken = dir.join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\n this is not the rest of a PNG").unwrap();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-4");
    open_image(&mut harness, &broken);
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(matches!(document.scan, ScanState::Failed(_)), "{:?}", document.scan);
    assert!(
        harness.state().state.notifications.iter().any(|n| n.text.contains("could not be read")),
        "{:?}",
        harness.state().state.notifications
    );
    harness.get_by_label_contains("The image could not be read");
    // The officer types the MRZ instead.
    press_command(&mut harness, Key::M);
    type_text(
        &mut harness,
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
    );
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(document.report.as_ref().is_some_and(|r| r.format.is_some()));
    assert_eq!(document.inspection.source(), &docexam_exam::inspection::DocumentSource::Text);
}

#[test]
fn an_image_dropped_into_the_watched_scan_folder_opens_as_the_next_document() {
    let scratch = temp_dir("watch");
    let dir = scratch.path();
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut config = config(dir);
    config.watch = Some(inbox.clone());
    let mut harness = desk_with(config);
    start_shift(&mut harness, "off-5");
    assert_eq!(harness.state().state.watching.as_deref(), Some(inbox.as_path()));
    std::fs::copy(repo("test-images/scan/td3_clean_0000.png"), inbox.join("scan-0001.png")).unwrap();
    step_until(&mut harness, Duration::from_secs(120), "the scanned document", |app| {
        app.state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Done { .. }))
    });
    let document = harness.state().state.document.as_ref().unwrap();
    assert!(document.image.as_ref().unwrap().ends_with("scan-0001.png"));
    assert!(document.report.as_ref().unwrap().valid);
}

#[test]
fn settings_change_the_text_size_and_are_remembered() {
    let scratch = temp_dir("settings");
    let dir = scratch.path();
    let mut harness = desk(dir);
    start_shift(&mut harness, "off-6");
    harness.get_by_label("Settings").click();
    harness.run_steps(2);
    harness.get_by_label("largest").click();
    harness.run_steps(1);
    harness.get_by_label("Save settings").click();
    harness.run_steps(2);
    let body = harness.ctx.global_style().text_styles[&egui::TextStyle::Body].size;
    assert_eq!(body, docexam_desk::store::FONT_SIZES[3]);
    drop(harness);
    let saved = std::fs::read_to_string(dir.join("state/settings.json")).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved["font_size"], serde_json::json!(docexam_desk::store::FONT_SIZES[3]));
    assert_eq!(saved["officer"], "off-6", "the start screen remembers the officer");
}

#[test]
fn an_image_named_on_the_command_line_opens_once_the_shift_starts() {
    let scratch = temp_dir("cmdline");
    let dir = scratch.path();
    let mut config = config(dir);
    config.open = Some(repo("test-images/scan/td3_clean_0000.png"));
    let mut harness = desk_with(config);
    harness.run_steps(3);
    assert!(harness.state().state.document.is_none(), "no document before the officer is known");
    start_shift(&mut harness, "off-8");
    step_until(&mut harness, Duration::from_secs(120), "the reading", |app| {
        app.state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Done { .. }))
    });
    assert!(harness.state().state.document.as_ref().unwrap().report.as_ref().unwrap().valid);
}
