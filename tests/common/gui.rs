//! Shared helpers of the desk app's kittest flows: a desk on temporary files, and driving it
//! frame by frame while its workers answer on their own threads.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use docexam_desk::document::ScanState;
use docexam_desk::{AppConfig, AuditStatus, DeskApp};
use docexam_exam::inspection::{Answer, AnsweredBy};
use docexam_mrz::dates::CalendarDate;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tempfile::TempDir;

/// A fresh temporary folder for one test, named after it, removed when dropped.
pub fn temp_dir(name: &str) -> TempDir {
    tempfile::Builder::new().prefix(&format!("docexam-gui-{name}-")).tempdir().unwrap()
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The app's configuration: settings, drafts and the audit log in `dir`, the shipped manuals.
pub fn config(dir: &Path) -> AppConfig {
    AppConfig {
        reference_date: CalendarDate { year: 2026, month: 11, day: 23 },
        store_dir: Some(dir.join("state")),
        manuals_dir: Some(repo("manuals")),
        database: Some(dir.join("audit.sqlite")),
        open: None,
        watch: None,
        packs_dir: Some(repo("tests/fixtures/training")),
        tour: None,
    }
}

/// The desk app with `config`, headless.
pub fn desk_with(config: AppConfig) -> Harness<'static, DeskApp> {
    Harness::builder().with_size([1400.0, 1000.0]).build_eframe(move |cc| DeskApp::new(&cc.egui_ctx, config))
}

/// The desk app on the files in `dir`.
pub fn desk(dir: &Path) -> Harness<'static, DeskApp> {
    desk_with(config(dir))
}

/// Steps frames until `done` holds (workers answer on their own threads), or fails after `limit`.
pub fn step_until(harness: &mut Harness<'_, DeskApp>, limit: Duration, what: &str, done: impl Fn(&DeskApp) -> bool) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(2);
}

/// Types into the focused text box.
pub fn type_text(harness: &mut Harness<'_, DeskApp>, text: &str) {
    harness.event(Event::Text(text.to_owned()));
    harness.run_steps(2);
}

/// Presses a key.
pub fn press(harness: &mut Harness<'_, DeskApp>, key: Key) {
    harness.key_press(key);
    harness.run_steps(2);
}

/// Presses Ctrl (Cmd on macOS) and a key.
pub fn press_command(harness: &mut Harness<'_, DeskApp>, key: Key) {
    harness.key_press_modifiers(Modifiers::COMMAND, key);
    harness.run_steps(2);
}

/// Clicks the text box labelled `label` and types `text` into it.
pub fn fill(harness: &mut Harness<'_, DeskApp>, label: &str, text: &str) {
    harness.get_by_label(label).click();
    harness.run_steps(2);
    type_text(harness, text);
}

pub fn click_button(harness: &mut Harness<'_, DeskApp>, label: &str) {
    harness.get_by_role_and_label(egui::Role::Button, label).click();
    harness.run_steps(2);
}

/// Start of shift by keyboard: the officer field has the focus; Enter starts.
pub fn start_shift(harness: &mut Harness<'_, DeskApp>, officer: &str) {
    harness.run_steps(3);
    type_text(harness, officer);
    press(harness, Key::Enter);
    step_until(harness, Duration::from_secs(5), "the shift", |app| app.state.shift.is_some());
    step_until(harness, Duration::from_secs(30), "the audit log", |app| {
        matches!(app.state.audit, AuditStatus::Open { .. })
    });
}

/// Opens an image by keyboard (Ctrl+L, the path, Enter) and waits for the reading.
pub fn open_image(harness: &mut Harness<'_, DeskApp>, image: &Path) {
    press_command(harness, Key::L);
    type_text(harness, &image.display().to_string());
    press(harness, Key::Enter);
    step_until(harness, Duration::from_secs(120), "the OCR result", |app| {
        app.state.document.as_ref().is_some_and(|d| matches!(d.scan, ScanState::Done { .. } | ScanState::Failed(_)))
    });
}

/// Answers every item left open with P, moving down past the answers already given.
pub fn answer_checklist_by_keyboard(harness: &mut Harness<'_, DeskApp>) {
    for _ in 0..200 {
        let Some(document) = harness.state().state.document.as_ref() else { panic!("no document") };
        if document.inspection.unanswered().next().is_none() {
            return;
        }
        // Answers given stay; a machine's "not checked" (nothing read) is for the officer.
        let answered = document.selected_item().is_some_and(|i| match i.answered_by {
            Some(AnsweredBy::Machine) => i.answer != Answer::NotChecked,
            Some(AnsweredBy::Officer) => true,
            None => false,
        });
        press(harness, if answered { Key::ArrowDown } else { Key::P });
    }
    let app = harness.state();
    let document = app.state.document.as_ref().unwrap();
    let open: Vec<_> = document.inspection.unanswered().map(|i| (&i.id, i.answer, i.answered_by)).collect();
    let notes: Vec<_> = app.state.notifications.iter().map(|n| &n.text).collect();
    panic!(
        "the checklist did not complete: {open:?} open, selected {:?}; {notes:?}",
        document.selected_item().map(|i| &i.id)
    );
}
