//! The outcome: the suggestion and its reasons, the five outcomes, refusal grounds, the
//! justification, rules broken, and recording.

use crate::Command;
use crate::document::{Document, Recording};
use crate::look::{BAD, GOOD};
use docexam_exam::inspection::{Outcome, RefusalReason};

/// The justification being typed.
#[derive(Default)]
pub struct OutcomeView {
    /// The justification box.
    pub justification: String,
    /// The box takes the keyboard next frame (J); while set, the document's text does not
    /// overwrite what is typed.
    pub(crate) focus: bool,
}

impl OutcomeView {
    /// A new document: nothing typed.
    pub fn clear(&mut self) {
        self.justification.clear();
    }
}

/// Draws the panel.
pub fn outcome_ui(ui: &mut egui::Ui, document: &Document, view: &mut OutcomeView, out: &mut Vec<Command>) {
    ui.heading("Outcome");
    let suggestion = document.inspection.suggest_outcome();
    ui.label(format!("Suggested: {suggestion}"));
    for reason in suggestion.reasons.iter().take(3) {
        ui.small(format!("· {}", reason.explanation));
    }
    ui.horizontal_wrapped(|ui| {
        for (index, outcome) in Outcome::ALL.into_iter().enumerate() {
            let chosen = document.decision.outcome == Some(outcome);
            if ui.selectable_label(chosen, format!("{} {outcome}", index + 1)).clicked() {
                out.push(Command::ChooseOutcome(outcome));
            }
        }
    });
    if document.decision.outcome.is_some_and(Outcome::takes_refusal_reasons) {
        ui.label("Refusal grounds (Shift+letter):");
        for reason in RefusalReason::ALL {
            let mut ticked = document.decision.reasons.contains(&reason);
            if ui.checkbox(&mut ticked, format!("{} {}", reason.letter(), reason.describe())).changed() {
                out.push(Command::ToggleReason(reason));
            }
        }
    }
    if view.justification != document.decision.justification && !view.focus {
        view.justification = document.decision.justification.clone();
    }
    let justification = ui.add(
        egui::TextEdit::multiline(&mut view.justification)
            .hint_text("justification (J); required to admit after a critical failure")
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    );
    if std::mem::take(&mut view.focus) {
        justification.request_focus();
    }
    if justification.changed() {
        out.push(Command::SetJustification(view.justification.clone()));
    }
    for violation in &document.violations {
        ui.colored_label(BAD, violation);
    }
    match &document.recording {
        Recording::NotYet => {
            let ready = document.decision.outcome.is_some();
            if ui.add_enabled(ready, egui::Button::new("Decide and record (Ctrl+Enter)")).clicked() {
                out.push(Command::DecideAndRecord);
            }
        }
        Recording::Sending(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Recording...");
            });
        }
        Recording::Recorded(seq) => {
            ui.colored_label(GOOD, format!("Recorded as #{seq}"));
        }
        Recording::Failed(reason) => {
            ui.colored_label(BAD, reason);
            if ui.button("Try recording again (Ctrl+Enter)").clicked() {
                out.push(Command::RetryRecording);
            }
        }
    }
}
