//! Drawing, one file per panel. Panels read [`DeskState`] and push [`Command`]s; what a panel
//! alone needs between frames (edit buffers, focus requests, pictures) is its own view state,
//! defined beside it and gathered in [`Views`].

pub mod checklist;
pub mod desk;
pub mod field;
pub mod image;
pub mod key_help;
pub mod keys;
pub mod mrz;
pub mod notifications;
pub mod open_bar;
pub mod outcome;
pub mod settings;
pub mod start;
pub mod top_bar;
pub mod training_bar;

use crate::supervisor::SupervisorViews;
use crate::training::TrainingViews;
use crate::{Command, DeskState, Tab};

/// Every panel's view state: UI only, never domain state (that is in [`DeskState`]).
#[derive(Default)]
pub struct Views {
    /// The start-of-shift form.
    pub start: start::StartView,
    /// The open bar's path field.
    pub open_bar: open_bar::OpenBarView,
    /// The document's picture.
    pub image: image::ImageView,
    /// The MRZ box.
    pub mrz: mrz::MrzView,
    /// The selected checklist item's note and override reason.
    pub checklist: checklist::ChecklistView,
    /// The justification box.
    pub outcome: outcome::OutcomeView,
    /// The settings form.
    pub settings: settings::SettingsView,
    /// The supervisor screen's buffers.
    pub supervisor: SupervisorViews,
    /// The Trainer tab's buffers and the report picture.
    pub training: TrainingViews,
}

impl Views {
    /// A new document: drop the old picture and the buffers about the old document.
    pub fn new_document(&mut self) {
        self.image.clear();
        self.mrz.clear();
        self.checklist.clear();
        self.outcome.clear();
    }
}

/// Draws the whole window.
pub fn draw(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| top_bar::top_bar_ui(ui, state, out));
    egui::Panel::bottom("key_help").show(ui, |ui| key_help::key_help_ui(ui, state));
    egui::CentralPanel::default().show(ui, |ui| match state.tab {
        Tab::Desk => desk::desk_ui(ui, state, views, out),
        Tab::Supervisor => crate::supervisor::draw(ui, state, &mut views.supervisor, out),
        Tab::Training => crate::training::draw(ui, state, &mut views.training, out),
        Tab::Settings => settings::settings_ui(ui, state, &mut views.settings, out),
    });
    notifications::notifications_ui(ui, state, out);
    keys::global_keys(ui, state, views, out);
}
