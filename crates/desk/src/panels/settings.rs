//! The settings screen: text size, theme, manual language, audit database, scan folder.

use std::path::PathBuf;

use crate::store::{DeskSettings, FONT_SIZES, ThemeChoice};
use crate::{Command, DeskState};

/// The form being edited, kept between frames until saved or undone.
#[derive(Default)]
pub struct SettingsView {
    /// The form (`None`: the saved settings show).
    pub form: Option<DeskSettings>,
    /// The database path text.
    pub database: String,
    /// The watch folder text.
    pub watch: String,
}

/// Draws the screen; "Save" sends the whole form as one command.
pub fn settings_ui(ui: &mut egui::Ui, state: &DeskState, view: &mut SettingsView, out: &mut Vec<Command>) {
    let mut form = view.form.take().unwrap_or_else(|| state.settings.clone());
    let form = &mut form;
    if view.database.is_empty()
        && let Some(db) = &form.database
    {
        view.database = db.display().to_string();
    }
    if view.watch.is_empty()
        && let Some(folder) = &form.watch_folder
    {
        view.watch = folder.display().to_string();
    }
    ui.heading("Settings");
    egui::Grid::new("settings_grid").num_columns(2).spacing([12.0, 10.0]).show(ui, |ui| {
        ui.label("Text size");
        ui.horizontal(|ui| {
            for (size, name) in FONT_SIZES.into_iter().zip(["normal", "large", "larger", "largest"]) {
                ui.radio_value(&mut form.font_size, size, name);
            }
        });
        ui.end_row();
        ui.label("Theme");
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.theme, ThemeChoice::System, "system");
            ui.radio_value(&mut form.theme, ThemeChoice::Light, "light");
            ui.radio_value(&mut form.theme, ThemeChoice::Dark, "dark");
        });
        ui.end_row();
        ui.label("Manual language");
        ui.horizontal(|ui| {
            let mut languages: Vec<&str> =
                state.library.ids().iter().flat_map(|id| state.library.languages(id)).collect();
            languages.sort_unstable();
            languages.dedup();
            for language in languages {
                ui.radio_value(&mut form.language, language.to_owned(), language);
            }
        });
        ui.end_row();
        ui.label("Audit database");
        ui.vertical(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut view.database)
                    .hint_text(state.database.display().to_string())
                    .desired_width(420.0),
            );
            ui.small("Empty: the default location. Changing it reopens the log.");
        });
        ui.end_row();
        ui.label("Scan folder to watch");
        ui.vertical(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut view.watch)
                    .hint_text("a folder a scanner writes into; empty: none")
                    .desired_width(420.0),
            );
            ui.small("New images there open as the next document.");
        });
        ui.end_row();
    });
    ui.add_space(8.0);
    let undo = ui.horizontal(|ui| {
        if ui.button("Save settings").clicked() {
            let path = |text: &str| Some(PathBuf::from(text.trim())).filter(|p| !p.as_os_str().is_empty());
            form.database = path(&view.database);
            form.watch_folder = path(&view.watch);
            out.push(Command::ApplySettings(Box::new(form.clone())));
        }
        if ui.button("Undo changes").clicked() {
            view.database.clear();
            view.watch.clear();
            return true;
        }
        false
    });
    // The form lives in the view between frames; "Undo" drops it, so the saved settings show again.
    view.form = (!undo.inner).then(|| form.clone());
}
