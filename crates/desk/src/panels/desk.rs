//! The officer's desk: the draft offer, the start screen until the shift starts, then the open
//! bar (or the training bar), the last record's confirmation and the document: its picture and
//! MRZ on the left, checklist and outcome on the right.

use egui::RichText;

use super::Views;
use crate::document::Recording;
use crate::look::{GOOD, WARN};
use crate::{Command, DeskState};

/// Draws the desk.
pub fn desk_ui(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    if let Some(draft) = &state.draft_offer {
        draft_offer_ui(ui, draft, out);
    }
    if state.shift.is_none() {
        return super::start::start_ui(ui, state, &mut views.start, out);
    }
    match &state.training.run {
        Some(run) => super::training_bar::training_bar_ui(ui, run),
        None => {
            if super::open_bar::open_bar_ui(ui, state, &mut views.open_bar, out) {
                views.mrz.focus = true;
            }
        }
    }
    if let Some((seq, outcome)) = state.last_recorded {
        let waiting = state.document.as_ref().is_none_or(|d| matches!(d.recording, Recording::Recorded(_)));
        if waiting {
            ui.label(
                RichText::new(format!("Recorded as #{seq}: {outcome}. Ready for the next document."))
                    .color(GOOD)
                    .heading(),
            );
        }
    }
    let Some(document) = &state.document else {
        ui.add_space(24.0);
        ui.label(
            "Open a document image (Ctrl+O), drop one on the window, type its path (Ctrl+L), or type its MRZ (Ctrl+T).",
        );
        return;
    };
    if matches!(document.recording, Recording::Recorded(_)) {
        return;
    }
    egui::Panel::right("checklist").default_size(ui.available_width() * 0.48).show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("checklist_scroll").show(ui, |ui| {
            let manual = state.manual().map(|m| &m.manual);
            super::checklist::checklist_ui(ui, document, manual, &mut views.checklist, out);
            ui.separator();
            super::outcome::outcome_ui(ui, document, &mut views.outcome, out);
        });
    });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("document_scroll").show(ui, |ui| {
            super::image::image_ui(ui, document, &views.image, out);
            ui.separator();
            super::mrz::mrz_ui(ui, document, &mut views.mrz, out);
        });
    });
}

/// The offer of an unfinished inspection kept when the app closed.
fn draft_offer_ui(ui: &mut egui::Ui, draft: &crate::store::Draft, out: &mut Vec<Command>) {
    egui::Frame::group(ui.style()).stroke(egui::Stroke::new(2.0, WARN)).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(format!(
                "An unfinished inspection from {} (officer {}) was kept when the app closed.",
                draft.inspection.started_at(),
                draft.inspection.officer().unwrap_or("?")
            ));
            if ui.button("Resume it").clicked() {
                out.push(Command::ResumeDraft);
            }
            if ui.button("Discard it").clicked() {
                out.push(Command::DiscardDraft);
            }
        });
    });
}
