//! Drawing: the top bar, notifications and the officer's desk (start screen, document image,
//! MRZ, checklist, outcome). Panels read [`DeskState`] and push [`Command`]s; their own edit
//! buffers and textures live in [`Views`].

use std::collections::VecDeque;
use std::path::PathBuf;

use egui::{Color32, Key, RichText};

use super::document::{Document, Recording, ScanState};
use super::{AuditStatus, Command, DeskState, Severity, Tab};
use crate::scan_worker::ScanOutput;
use docexam_exam::inspection::{Answer, AnsweredBy, Outcome, RefusalReason};
use docexam_exam::manual::{CodeTable as _, Level};

/// Green, amber, red: the verdict colours (readable on light and dark backgrounds).
pub const GOOD: Color32 = Color32::from_rgb(0, 140, 60);
/// Warnings.
pub const WARN: Color32 = Color32::from_rgb(200, 125, 0);
/// Failures.
pub const BAD: Color32 = Color32::from_rgb(210, 35, 35);

/// UI-only state: edit buffers, the document texture, what the officer is typing.
#[derive(Default)]
pub struct Views {
    /// Start screen: officer id being typed.
    pub officer: String,
    /// Start screen: station.
    pub station: String,
    /// Start screen: manual id.
    pub manual: String,
    /// Start screen: level.
    pub level: Option<Level>,
    start_loaded: bool,
    /// The path field of the open bar.
    pub path: String,
    /// The MRZ box.
    pub mrz: String,
    mrz_synced: Option<String>,
    /// The note of the selected item.
    pub note: String,
    note_item: Option<String>,
    /// The reason for a pending override.
    pub override_reason: String,
    /// The justification box.
    pub justification: String,
    /// The document image.
    pub texture: Option<egui::TextureHandle>,
    /// The MRZ band in texture pixels.
    pub band: Option<[[f32; 2]; 4]>,
    focus_mrz: bool,
    /// Where to put the MRZ box's cursor on the next frame (a character index).
    mrz_cursor: Option<usize>,
    focus_note: bool,
    focus_override: bool,
    focus_justification: bool,
    focus_path: bool,
    /// Files that arrived while a document was open.
    pub waiting_files: VecDeque<PathBuf>,
    /// Settings form.
    pub settings: Option<super::store::DeskSettings>,
    /// Settings: database path text.
    pub settings_database: String,
    /// Settings: watch folder text.
    pub settings_watch: String,
    /// Supervisor screen buffers.
    pub supervisor: super::supervisor::SupervisorViews,
    /// Trainer tab buffers and the report picture.
    pub training: super::training::TrainingViews,
}

impl Views {
    /// A new document: drop the old picture and buffers.
    pub fn new_document(&mut self) {
        self.texture = None;
        self.band = None;
        self.mrz.clear();
        self.mrz_synced = None;
        self.note.clear();
        self.note_item = None;
        self.override_reason.clear();
        self.justification.clear();
    }

    /// Shows the worker's preview and the MRZ band on it.
    pub fn show_preview(&mut self, ctx: &egui::Context, output: &ScanOutput) {
        let preview = &output.preview;
        let size = [preview.width() as usize, preview.height() as usize];
        let image = egui::ColorImage::from_rgba_unmultiplied(size, preview.as_raw());
        self.texture = Some(ctx.load_texture("document", image, egui::TextureOptions::LINEAR));
        self.band = output.band_in_preview;
    }
}

/// Draws the whole window.
pub fn draw(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| top_bar(ui, state, out));
    egui::Panel::bottom("key_help").show(ui, |ui| key_help(ui, state));
    egui::CentralPanel::default().show(ui, |ui| match state.tab {
        Tab::Desk => desk(ui, state, views, out),
        Tab::Supervisor => super::supervisor::draw(ui, state, views, out),
        Tab::Training => super::training::draw(ui, state, &mut views.training, out),
        Tab::Settings => super::settings_ui::draw(ui, state, views, out),
    });
    notifications(ui, state, out);
    global_keys(ui, state, views, out);
}

fn top_bar(ui: &mut egui::Ui, state: &DeskState, out: &mut Vec<Command>) {
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

fn key_help(ui: &mut egui::Ui, state: &DeskState) {
    let text = match (state.tab, &state.document) {
        (Tab::Desk, Some(_)) if state.training.running() => {
            "Up/Down item · P pass · F fail · N not applicable · E note · 1-5 outcome · Shift+A..I refusal ground · \
             J justification · Ctrl+Enter decide and go to the next document"
        }
        (Tab::Desk, Some(_)) => {
            "Up/Down item · P pass · F fail · N not applicable · E note · 1-5 outcome · Shift+A..I refusal ground · \
             J justification · Ctrl+Enter decide and record · Ctrl+M edit MRZ · Esc leave a text box / cancel reading · \
             Ctrl+O open image · Ctrl+L type a path · Ctrl+T type an MRZ"
        }
        (Tab::Desk, None) => {
            "Ctrl+O open image · Ctrl+L type a path · Ctrl+T type an MRZ · drop an image on the window"
        }
        _ => "",
    };
    ui.small(text);
}

fn notifications(ui: &mut egui::Ui, state: &DeskState, out: &mut Vec<Command>) {
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

/// Shortcuts that act when no text box has the keyboard.
fn global_keys(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    let ctx = ui.ctx().clone();
    // Dropped files open as the next document.
    let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
    for path in dropped {
        out.push(Command::OpenImage(path));
    }
    let command = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, key));
    if state.tab != Tab::Desk || state.shift.is_none() {
        return;
    }
    if command(Key::O) {
        out.push(Command::ChooseImage);
    }
    if command(Key::L) {
        views.focus_path = true;
    }
    if command(Key::T) {
        out.push(Command::NewTypedDocument);
        views.focus_mrz = true;
    }
    if command(Key::N) {
        out.push(Command::NewTypedDocument);
        views.focus_mrz = true;
    }
    let Some(document) = &state.document else { return };
    if command(Key::M) {
        views.focus_mrz = true;
    }
    if command(Key::Enter) {
        out.push(if matches!(document.recording, Recording::Failed(_)) {
            Command::RetryRecording
        } else {
            Command::DecideAndRecord
        });
    }
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let plain = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
    if plain(Key::Escape) && matches!(document.scan, ScanState::Running(_)) {
        out.push(Command::CancelScan);
    }
    if plain(Key::ArrowDown) {
        out.push(Command::MoveSelection(1));
    }
    if plain(Key::ArrowUp) {
        out.push(Command::MoveSelection(-1));
    }
    for (key, answer) in [(Key::P, Answer::Pass), (Key::F, Answer::Fail), (Key::N, Answer::NotApplicable)] {
        if plain(key) {
            out.push(Command::AnswerSelected(answer));
            views.focus_override = true;
        }
    }
    if plain(Key::E) {
        views.focus_note = true;
    }
    if plain(Key::J) {
        views.focus_justification = true;
    }
    let outcome_keys = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5];
    for (key, outcome) in outcome_keys.into_iter().zip(Outcome::ALL) {
        if plain(key) {
            out.push(Command::ChooseOutcome(outcome));
        }
    }
    let reason_keys = [Key::A, Key::B, Key::C, Key::D, Key::E, Key::F, Key::G, Key::H, Key::I];
    for (key, reason) in reason_keys.into_iter().zip(RefusalReason::ALL) {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::SHIFT, key)) {
            out.push(Command::ToggleReason(reason));
        }
    }
}

fn desk(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    if let Some(draft) = &state.draft_offer {
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
    if state.shift.is_none() {
        return start_screen(ui, state, views, out);
    }
    match &state.training.run {
        Some(run) => training_bar(ui, run),
        None => open_bar(ui, state, views, out),
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
            checklist(ui, document, state.manual().map(|m| &m.manual), views, out);
            ui.separator();
            outcome_panel(ui, document, views, out);
        });
    });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("document_scroll").show(ui, |ui| {
            image_panel(ui, document, views, out);
            ui.separator();
            super::mrz_view::mrz_panel(ui, document, views, out);
        });
    });
}

fn start_screen(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    if !views.start_loaded {
        views.start_loaded = true;
        views.officer = state.settings.officer.clone();
        views.station = state.settings.station.clone();
        views.manual = state.settings.manual.clone();
        views.level = Some(state.settings.level);
    }
    ui.heading("Start of shift");
    ui.add_space(8.0);
    let mut submit = false;
    egui::Grid::new("start_grid").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        ui.label("Officer id");
        let officer = ui.add(egui::TextEdit::singleline(&mut views.officer).hint_text("e.g. off-042"));
        if views.officer.is_empty() && !officer.has_focus() && ui.memory(|m| m.focused().is_none()) {
            officer.request_focus();
        }
        submit |= officer.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        ui.end_row();
        ui.label("Station");
        let station = ui.add(egui::TextEdit::singleline(&mut views.station).hint_text("e.g. FRA-T1-desk3"));
        submit |= station.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
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
                ui.radio_value(&mut views.manual, id.to_owned(), format!("{title} ({id})"));
            }
        });
        ui.end_row();
        ui.label("Examination level");
        ui.horizontal(|ui| {
            for level in Level::ALL.iter().copied() {
                ui.radio_value(&mut views.level, Some(level), level.code()).on_hover_text(level.meaning());
            }
        });
        ui.end_row();
    });
    ui.add_space(8.0);
    if ui.button("Start shift (Enter)").clicked() || submit {
        out.push(Command::StartShift {
            officer: views.officer.clone(),
            station: views.station.clone(),
            manual: views.manual.clone(),
            level: views.level.unwrap_or(Level::First),
        });
    }
    ui.add_space(16.0);
    ui.small(format!("Manuals: {}", state.manuals_source));
}

/// In place of the open bar while a trainee works: where they are in the pack.
fn training_bar(ui: &mut egui::Ui, run: &super::training::TrainingRun) {
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

fn open_bar(ui: &mut egui::Ui, state: &DeskState, views: &mut Views, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui.button("Open image... (Ctrl+O)").clicked() {
            out.push(Command::ChooseImage);
        }
        let path = ui.add(
            egui::TextEdit::singleline(&mut views.path)
                .hint_text("or type an image path and press Enter (Ctrl+L)")
                .desired_width(360.0),
        );
        if std::mem::take(&mut views.focus_path) {
            path.request_focus();
        }
        if path.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) && !views.path.trim().is_empty() {
            out.push(Command::OpenImage(PathBuf::from(views.path.trim())));
            views.path.clear();
        }
        if ui.button("Type an MRZ (Ctrl+T)").clicked() {
            out.push(Command::NewTypedDocument);
            views.focus_mrz = true;
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
}

fn image_panel(ui: &mut egui::Ui, document: &Document, views: &Views, out: &mut Vec<Command>) {
    match &document.scan {
        ScanState::Running(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the MRZ...");
                if ui.button("Cancel (Esc)").clicked() {
                    out.push(Command::CancelScan);
                }
            });
        }
        ScanState::Failed(reason) => {
            ui.colored_label(BAD, format!("The image could not be read: {reason}"));
        }
        ScanState::Cancelled => {
            ui.colored_label(WARN, "Reading was cancelled; type the MRZ below if needed.");
        }
        ScanState::Done { timing_ms } => {
            ui.small(format!("read in {timing_ms} ms"));
        }
        ScanState::NoImage => {}
    }
    if let Some(path) = &document.image {
        ui.small(path.display().to_string());
    }
    let Some(texture) = &views.texture else { return };
    let size = texture.size_vec2();
    let max_width = ui.available_width().max(100.0);
    let scale = (max_width / size.x).min(480.0 / size.y).min(1.0);
    let shown = size * scale;
    let (rect, _) = ui.allocate_exact_size(shown, egui::Sense::hover());
    egui::Image::new((texture.id(), shown)).paint_at(ui, rect);
    if let Some(band) = views.band {
        let colour = match document.report.as_ref().map(|r| r.verdict) {
            Some(docexam_mrz::Verdict::Valid) => GOOD,
            Some(docexam_mrz::Verdict::NeedsReview) => WARN,
            _ => BAD,
        };
        let points: Vec<egui::Pos2> = band.iter().map(|[x, y]| rect.min + egui::vec2(x * scale, y * scale)).collect();
        for i in 0..points.len() {
            ui.painter().line_segment([points[i], points[(i + 1) % points.len()]], egui::Stroke::new(2.5, colour));
        }
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

fn checklist(
    ui: &mut egui::Ui,
    document: &Document,
    manual: Option<&docexam_exam::manual::Manual>,
    views: &mut Views,
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
            selected_item_tools(ui, document, &item.id, views, out);
        }
    }
}

fn selected_item_tools(ui: &mut egui::Ui, document: &Document, item: &str, views: &mut Views, out: &mut Vec<Command>) {
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
                egui::TextEdit::singleline(&mut views.override_reason)
                    .hint_text("reason for overriding the machine (Enter to confirm, Esc to cancel)")
                    .desired_width(f32::INFINITY),
            );
            if std::mem::take(&mut views.focus_override) {
                reason.request_focus();
            }
            if reason.lost_focus() {
                if ui.input(|i| i.key_pressed(Key::Enter)) {
                    out.push(Command::ConfirmOverride(std::mem::take(&mut views.override_reason)));
                } else if ui.input(|i| i.key_pressed(Key::Escape)) {
                    out.push(Command::CancelOverride);
                    views.override_reason.clear();
                }
            }
        } else {
            views.focus_override = false;
        }
        if views.note_item.as_deref() != Some(item) {
            views.note_item = Some(item.to_owned());
            views.note = document.inspection.item(item).and_then(|i| i.note.clone()).unwrap_or_default();
        }
        let note = ui.add(
            egui::TextEdit::singleline(&mut views.note)
                .hint_text("note (E to write, Enter to save)")
                .desired_width(f32::INFINITY),
        );
        if std::mem::take(&mut views.focus_note) {
            note.request_focus();
        }
        if note.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) && !views.note.trim().is_empty() {
            out.push(Command::SetNote { item: item.to_owned(), note: views.note.clone() });
        }
    });
}

fn outcome_panel(ui: &mut egui::Ui, document: &Document, views: &mut Views, out: &mut Vec<Command>) {
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
    if views.justification != document.decision.justification && !views.focus_justification {
        views.justification = document.decision.justification.clone();
    }
    let justification = ui.add(
        egui::TextEdit::multiline(&mut views.justification)
            .hint_text("justification (J); required to admit after a critical failure")
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    );
    if std::mem::take(&mut views.focus_justification) {
        justification.request_focus();
    }
    if justification.changed() {
        out.push(Command::SetJustification(views.justification.clone()));
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

/// Focus the MRZ box on the next frame (used by the MRZ panel).
pub fn take_mrz_focus(views: &mut Views) -> bool {
    std::mem::take(&mut views.focus_mrz)
}

/// Keeps the MRZ box in step with the document unless the officer is typing in it. A machine
/// reading that needs review puts the cursor on its first doubtful character.
pub fn sync_mrz(views: &mut Views, document: &Document) {
    if views.mrz_synced.as_deref() != Some(document.mrz_text.as_str()) {
        views.mrz = document.mrz_text.clone();
        views.mrz_synced = Some(document.mrz_text.clone());
        if !document.typed {
            views.mrz_cursor = document.report.as_ref().and_then(first_doubt_index);
            views.focus_mrz |= views.mrz_cursor.is_some();
        }
    }
}

/// The character index, in the MRZ box's text, of the first doubtful character of `report`.
pub fn first_doubt_index(report: &docexam_mrz::report::MrzReport) -> Option<usize> {
    let first = report.doubts.first()?;
    let before: usize = report.lines.iter().take(usize::from(first.at.line)).map(|line| line.chars().count() + 1).sum();
    Some(before + usize::from(first.at.start))
}

/// The cursor position the MRZ box should take now, if any (used by the MRZ panel).
pub fn take_mrz_cursor(views: &mut Views) -> Option<usize> {
    views.mrz_cursor.take()
}

/// Marks the MRZ box text as sent.
pub fn mrz_sent(views: &mut Views) {
    views.mrz_synced = Some(views.mrz.clone());
}
