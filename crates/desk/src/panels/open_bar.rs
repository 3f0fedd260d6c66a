//! The open bar: open an image (dialog or typed path), type an MRZ, the watched folder, and
//! discarding the document on the desk.

use std::path::PathBuf;

use super::field::entered;
use crate::document::Recording;
use crate::{Command, DeskState};

/// The path being typed.
#[derive(Default)]
pub struct OpenBarView {
    /// The path field.
    pub path: String,
    /// Take the keyboard next frame (Ctrl+L).
    pub(crate) focus: bool,
}

/// Draws the bar. Returns whether the MRZ box should take the keyboard ("Type an MRZ").
pub fn open_bar_ui(ui: &mut egui::Ui, state: &DeskState, view: &mut OpenBarView, out: &mut Vec<Command>) -> bool {
    let mut type_mrz = false;
    ui.horizontal(|ui| {
        if ui.button("Open image... (Ctrl+O)").clicked() {
            out.push(Command::ChooseImage);
        }
        let path = ui.add(
            egui::TextEdit::singleline(&mut view.path)
                .hint_text("or type an image path and press Enter (Ctrl+L)")
                .desired_width(360.0),
        );
        if std::mem::take(&mut view.focus) {
            path.request_focus();
        }
        if entered(ui, &path) && !view.path.trim().is_empty() {
            out.push(Command::OpenImage(PathBuf::from(view.path.trim())));
            view.path.clear();
        }
        if ui.button("Type an MRZ (Ctrl+T)").clicked() {
            out.push(Command::NewTypedDocument);
            type_mrz = true;
        }
        if let Some(folder) = &state.watching {
            ui.label(format!("watching {}", folder.display()));
        }
        if state.document.as_ref().is_some_and(|d| d.recording == Recording::NotYet)
            && ui.button("Discard this document").clicked()
        {
            out.push(Command::DiscardDocument);
        }
    });
    type_mrz
}
