//! The checklist: progress, the visible items by section with their answers, and the tools of
//! the selected item (answer buttons, the override reason, the note).

use egui::{Color32, Key, RichText};

use super::field::entered;
use crate::Command;
use crate::document::Document;
use crate::look::{BAD, GOOD, WARN};
use docexam_exam::inspection::{Answer, AnsweredBy};
use docexam_exam::manual::CodeTable as _;

/// The selected item's note and override reason being typed.
#[derive(Default)]
pub struct ChecklistView {
    /// The note of the selected item.
    pub note: String,
    note_item: Option<String>,
    /// The reason for a pending override.
    pub override_reason: String,
    /// The note box takes the keyboard next frame (E).
    pub(crate) focus_note: bool,
    /// The override reason box takes the keyboard next frame, if an override waits (P, F, N).
    pub(crate) focus_override: bool,
}

impl ChecklistView {
    /// A new document: nothing typed.
    pub fn clear(&mut self) {
        self.note.clear();
        self.note_item = None;
        self.override_reason.clear();
    }
}

fn answer_text(answer: Answer, by: Option<AnsweredBy>) -> (String, Color32) {
    match (answer, by) {
        (_, None) => ("-".to_owned(), Color32::GRAY),
        (Answer::Pass, _) => ("PASS".to_owned(), GOOD),
        (Answer::Fail, _) => ("FAIL".to_owned(), BAD),
        (Answer::NotApplicable, _) => ("N/A".to_owned(), Color32::GRAY),
        (Answer::NotChecked, _) => ("not checked".to_owned(), WARN),
    }
}

/// Draws the checklist of `document` with the item texts of `manual`.
pub fn checklist_ui(
    ui: &mut egui::Ui,
    document: &Document,
    manual: Option<&docexam_exam::manual::Manual>,
    view: &mut ChecklistView,
    out: &mut Vec<Command>,
) {
    let (answered, total) = document.progress();
    ui.horizontal(|ui| {
        ui.heading("Checklist");
        ui.add(egui::ProgressBar::new(answered as f32 / total.max(1) as f32).text(format!("{answered} / {total}")));
    });
    for dropped in &document.dropped_answers {
        ui.colored_label(WARN, format!("Answer dropped after the MRZ changed: {dropped}"));
    }
    let manual_items = document.visible();
    let mut section = "";
    for (index, item) in manual_items.iter().enumerate() {
        if item.section != section {
            section = &item.section;
            ui.add_space(4.0);
            let title = manual.and_then(|m| m.sections.iter().find(|s| s.id == section)).map(|s| s.title.as_str());
            ui.strong(format!("{section} · {}", title.unwrap_or("")));
        }
        let text = manual.and_then(|m| m.find_item(&item.id)).map(|(_, i)| i);
        let selected = index == document.selected;
        let (answer, colour) = answer_text(item.answer, item.answered_by);
        let by = match item.answered_by {
            Some(AnsweredBy::Machine) => " (machine)",
            Some(AnsweredBy::Officer) if item.override_.is_some() => " (officer, overrides machine)",
            _ => "",
        };
        let frame = egui::Frame::NONE.inner_margin(4.0).fill(if selected {
            ui.visuals().selection.bg_fill.gamma_multiply(0.35)
        } else {
            Color32::TRANSPARENT
        });
        let response = frame
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("{answer:>4}")).color(colour).strong().monospace());
                    ui.label(RichText::new(&item.id).monospace());
                    let prompt = ui.label(text.map(|i| i.prompt.as_str()).unwrap_or(""));
                    if let Some(look_at) = text.map(|i| i.look_at.as_str()).filter(|l| !l.is_empty()) {
                        prompt.on_hover_text(format!("Look at: {look_at}"));
                    }
                    ui.small(format!("{}{by}", item.severity.code()));
                });
                if let Some(machine) = &item.machine {
                    ui.small(format!("machine: {}", machine.reason));
                }
                if let Some(note) = &item.note {
                    ui.small(format!("note: {note}"));
                }
            })
            .response
            .interact(egui::Sense::click());
        if response.clicked() {
            out.push(Command::SelectItem(index));
        }
        if selected {
            response.scroll_to_me(None);
            selected_item_tools(ui, document, &item.id, view, out);
        }
    }
}

fn selected_item_tools(
    ui: &mut egui::Ui,
    document: &Document,
    item: &str,
    view: &mut ChecklistView,
    out: &mut Vec<Command>,
) {
    ui.indent("selected_tools", |ui| {
        ui.horizontal(|ui| {
            for (label, answer) in
                [("Pass (P)", Answer::Pass), ("Fail (F)", Answer::Fail), ("N/A (N)", Answer::NotApplicable)]
            {
                if ui.small_button(label).clicked() {
                    out.push(Command::Answer { item: item.to_owned(), answer });
                }
            }
        });
        if let Some(pending) = document.pending_override.as_ref().filter(|p| p.item == item) {
            ui.colored_label(WARN, format!("The machine answered differently: say why you answer {}.", pending.answer));
            let reason = ui.add(
                egui::TextEdit::singleline(&mut view.override_reason)
                    .hint_text("reason for overriding the machine (Enter to confirm, Esc to cancel)")
                    .desired_width(f32::INFINITY),
            );
            if std::mem::take(&mut view.focus_override) {
                reason.request_focus();
            }
            if reason.lost_focus() {
                if ui.input(|i| i.key_pressed(Key::Enter)) {
                    out.push(Command::ConfirmOverride(std::mem::take(&mut view.override_reason)));
                } else if ui.input(|i| i.key_pressed(Key::Escape)) {
                    out.push(Command::CancelOverride);
                    view.override_reason.clear();
                }
            }
        } else {
            view.focus_override = false;
        }
        if view.note_item.as_deref() != Some(item) {
            view.note_item = Some(item.to_owned());
            view.note = document.inspection.item(item).and_then(|i| i.note.clone()).unwrap_or_default();
        }
        let note = ui.add(
            egui::TextEdit::singleline(&mut view.note)
                .hint_text("note (E to write, Enter to save)")
                .desired_width(f32::INFINITY),
        );
        if std::mem::take(&mut view.focus_note) {
            note.request_focus();
        }
        if entered(ui, &note) && !view.note.trim().is_empty() {
            out.push(Command::SetNote { item: item.to_owned(), note: view.note.clone() });
        }
    });
}
