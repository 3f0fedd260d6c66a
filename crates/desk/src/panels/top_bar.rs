//! The top bar: the tabs, who is on shift (or the trainee at work), and the audit log's state.

use crate::look::{BAD, WARN};
use crate::{AuditStatus, Command, DeskState, Tab};
use docexam_exam::manual::CodeTable as _;

/// Draws the bar.
pub fn top_bar_ui(ui: &mut egui::Ui, state: &DeskState, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong("docexam");
        ui.separator();
        let tabs = [
            (Tab::Desk, "Desk"),
            (Tab::Training, "Trainer"),
            (Tab::Supervisor, "Supervisor"),
            (Tab::Settings, "Settings"),
        ];
        for (tab, label) in tabs {
            if ui.selectable_label(state.tab == tab, label).clicked() {
                out.push(Command::ShowTab(tab));
            }
        }
        ui.separator();
        if let Some(run) = &state.training.run {
            ui.colored_label(
                WARN,
                format!("TRAINING: trainee {}, document {} of {}", run.trainee, run.index + 1, run.total()),
            );
        } else if let Some(shift) = &state.shift {
            ui.label(format!(
                "Officer {} · {} · {} · level {}",
                shift.officer,
                shift.station,
                shift.manual,
                shift.level.code()
            ));
            if ui.small_button("End shift").clicked() {
                out.push(Command::EndShift);
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| match &state.audit {
            AuditStatus::Opening => {
                ui.spinner();
                ui.label("opening the audit log");
            }
            AuditStatus::Open { desk, records } => {
                ui.label(format!("audit log: desk {desk}, {records} record(s)"))
                    .on_hover_text(state.database.display().to_string());
            }
            AuditStatus::Failed(reason) => {
                ui.colored_label(BAD, "audit log NOT open: inspections cannot be recorded").on_hover_text(reason);
            }
        });
    });
}
