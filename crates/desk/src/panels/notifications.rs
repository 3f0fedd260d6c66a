//! Notifications: the newest five, floating at the top right until dismissed.

use egui::RichText;

use crate::look::{BAD, GOOD, WARN};
use crate::{Command, DeskState, Severity};

/// Draws them (nothing when there are none).
pub fn notifications_ui(ui: &mut egui::Ui, state: &DeskState, out: &mut Vec<Command>) {
    if state.notifications.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::unique("notifications")).anchor(egui::Align2::RIGHT_TOP, [-12.0, 48.0]).show(
        ui.ctx(),
        |ui| {
            for note in state.notifications.iter().rev().take(5) {
                let colour = match note.severity {
                    Severity::Info => GOOD,
                    Severity::Warning => WARN,
                    Severity::Error => BAD,
                };
                egui::Frame::popup(ui.style()).stroke(egui::Stroke::new(2.0, colour)).show(ui, |ui| {
                    // Wrapped in a narrow column: a long error must not cover the tabs and swallow clicks.
                    ui.set_max_width(420.0);
                    ui.add(egui::Label::new(RichText::new(&note.text).color(colour)).wrap());
                    if ui.small_button("Dismiss").clicked() {
                        out.push(Command::Dismiss(note.id));
                    }
                });
            }
        },
    );
}
