//! In place of the open bar while a trainee works: where they are in the pack.

use egui::RichText;

use crate::look::WARN;
use crate::training::TrainingRun;

/// Draws the bar.
pub fn training_bar_ui(ui: &mut egui::Ui, run: &TrainingRun) {
    egui::Frame::group(ui.style()).stroke(egui::Stroke::new(2.0, WARN)).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(WARN, RichText::new("TRAINING").strong());
            let mode = if run.manual_only { " - manual only: examine the MRZ by eye" } else { "" };
            ui.label(format!(
                "{}: document {} of {}, trainee {}{mode}. Decide it (Ctrl+Enter) to go on; the score comes after the last.",
                run.pack.pack.key.title,
                run.index + 1,
                run.total(),
                run.trainee
            ));
        });
    });
}
