//! Keyboard shortcuts that act when no text box has the keyboard, and files dropped on the
//! window. A shortcut either pushes a command or asks a panel to take the focus next frame.

use std::path::PathBuf;

use egui::Key;

use super::Views;
use crate::document::{Recording, ScanState};
use crate::{Command, DeskState, Tab};
use docexam_exam::inspection::{Answer, Outcome, RefusalReason};

/// Reads this frame's shortcuts and dropped files.
pub fn global_keys(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    let ctx = ui.ctx().clone();
    // Dropped files open as the next document.
    let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
    for path in dropped {
        out.push(Command::OpenImage(path));
    }
    let command = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key));
    if state.tab != Tab::Desk || state.shift.is_none() {
        return;
    }
    if command(Key::O) {
        out.push(Command::ChooseImage);
    }
    if command(Key::L) {
        views.open_bar.focus = true;
    }
    if command(Key::T) {
        out.push(Command::NewTypedDocument);
        views.mrz.focus = true;
    }
    if command(Key::N) {
        out.push(Command::NewTypedDocument);
        views.mrz.focus = true;
    }
    let Some(document) = &state.document else { return };
    if command(Key::M) {
        views.mrz.focus = true;
    }
    if command(Key::Enter) {
        out.push(if matches!(document.recording, Recording::Failed(_)) {
            Command::RetryRecording
        } else {
            Command::DecideAndRecord
        });
    }
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let plain = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
    if plain(Key::Escape) && matches!(document.scan, ScanState::Running(_)) {
        out.push(Command::CancelScan);
    }
    if plain(Key::ArrowDown) {
        out.push(Command::MoveSelection(1));
    }
    if plain(Key::ArrowUp) {
        out.push(Command::MoveSelection(-1));
    }
    for (key, answer) in [(Key::P, Answer::Pass), (Key::F, Answer::Fail), (Key::N, Answer::NotApplicable)] {
        if plain(key) {
            out.push(Command::AnswerSelected(answer));
            views.checklist.focus_override = true;
        }
    }
    if plain(Key::E) {
        views.checklist.focus_note = true;
    }
    if plain(Key::J) {
        views.outcome.focus = true;
    }
    let outcome_keys = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5];
    for (key, outcome) in outcome_keys.into_iter().zip(Outcome::ALL) {
        if plain(key) {
            out.push(Command::ChooseOutcome(outcome));
        }
    }
    let reason_keys = [Key::A, Key::B, Key::C, Key::D, Key::E, Key::F, Key::G, Key::H, Key::I];
    for (key, reason) in reason_keys.into_iter().zip(RefusalReason::ALL) {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::SHIFT, key)) {
            out.push(Command::ToggleReason(reason));
        }
    }
}
