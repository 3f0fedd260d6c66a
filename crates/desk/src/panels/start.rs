//! The start of shift: officer id, station, manual and examination level.

use super::field::entered;
use crate::look::BAD;
use crate::{Command, DeskState};
use docexam_exam::manual::{CodeTable as _, Level};

/// The form being filled (from the saved settings the first time it is drawn).
#[derive(Default)]
pub struct StartView {
    /// Officer id being typed.
    pub officer: String,
    /// Station.
    pub station: String,
    /// Manual id.
    pub manual: String,
    /// Level.
    pub level: Option<Level>,
    loaded: bool,
}

/// Draws the form; Enter in a field or the button starts the shift.
pub fn start_ui(ui: &mut egui::Ui, state: &DeskState, view: &mut StartView, out: &mut Vec<Command>) {
    if !view.loaded {
        view.loaded = true;
        view.officer = state.settings.officer.clone();
        view.station = state.settings.station.clone();
        view.manual = state.settings.manual.clone();
        view.level = Some(state.settings.level);
    }
    ui.heading("Start of shift");
    ui.add_space(8.0);
    let mut submit = false;
    egui::Grid::new("start_grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        ui.label("Officer id");
        let officer = ui.add(egui::TextEdit::singleline(&mut view.officer).hint_text("e.g. off-042"));
        if view.officer.is_empty() && !officer.has_focus() && ui.memory(|m| m.focused().is_none()) {
            officer.request_focus();
        }
        submit |= entered(ui, &officer);
        ui.end_row();
        ui.label("Station");
        let station = ui.add(egui::TextEdit::singleline(&mut view.station).hint_text("e.g. FRA-T1-desk3"));
        submit |= entered(ui, &station);
        ui.end_row();
        ui.label("Manual");
        ui.vertical(|ui| {
            let ids = state.library.ids();
            if ids.is_empty() {
                ui.colored_label(BAD, format!("no manuals found: {}", state.manuals_source));
            }
            for id in ids {
                let title = state
                    .library
                    .select(id, &state.settings.language)
                    .map(|s| s.manual.manual.title.clone())
                    .unwrap_or_default();
                ui.radio_value(&mut view.manual, id.to_owned(), format!("{title} ({id})"));
            }
        });
        ui.end_row();
        ui.label("Examination level");
        ui.horizontal(|ui| {
            for level in Level::ALL.iter().copied() {
                ui.radio_value(&mut view.level, Some(level), level.code()).on_hover_text(level.meaning());
            }
        });
        ui.end_row();
    });
    ui.add_space(8.0);
    if ui.button("Start shift (Enter)").clicked() || submit {
        out.push(Command::StartShift {
            officer: view.officer.clone(),
            station: view.station.clone(),
            manual: view.manual.clone(),
            level: view.level.unwrap_or(Level::First),
        });
    }
    ui.add_space(16.0);
    ui.small(format!("Manuals: {}", state.manuals_source));
}
