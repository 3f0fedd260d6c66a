//! The Trainer tab: packs and a new session, the running session, past sessions, and the report
//! (score, per-item hits and misses as a chart, documents, planted defects drawn on the image).

use egui::{Color32, RichText};
use egui_plot::{AxisHints, Bar, BarChart, Legend};

use super::{SessionState, TrainingCommand, TrainingReport, TrainingRun, TrainingState};
use crate::look::{BAD, GOOD, WARN};
use crate::panels::field::{entered, labelled_text_box};
use crate::{Command, DeskState};

/// The tab's edit buffers and the report picture.
#[derive(Default)]
pub struct TrainingViews {
    /// The trainee's name being typed.
    pub trainee: String,
    /// Manual-only tick box.
    pub manual_only: bool,
    /// The report document's picture.
    pub report_texture: Option<egui::TextureHandle>,
}

impl TrainingViews {
    /// Shows `picture` as the report document's image, or none.
    pub fn show_report_picture(&mut self, ctx: &egui::Context, picture: Option<&image::RgbaImage>) {
        self.report_texture = picture.map(|preview| {
            let size = [preview.width() as usize, preview.height() as usize];
            let image = egui::ColorImage::from_rgba_unmultiplied(size, preview.as_raw());
            ctx.load_texture("training-report", image, egui::TextureOptions::LINEAR)
        });
    }
}

fn send(out: &mut Vec<Command>, command: TrainingCommand) {
    out.push(Command::Training(command));
}

/// Draws the tab.
pub fn draw(ui: &mut egui::Ui, state: &DeskState, views: &mut TrainingViews, out: &mut Vec<Command>) {
    let training = &state.training;
    if let Some(run) = &training.run {
        return running(ui, run, out);
    }
    if let Some(report) = &training.report {
        return report_view(ui, report, views, out);
    }
    egui::ScrollArea::vertical().id_salt("trainer_scroll").show(ui, |ui| {
        ui.heading("Training");
        ui.label(
            "Choose an exercise pack and the trainee. The trainee examines each document on the desk; the \
             decisions are stored as training results, never as inspections.",
        );
        ui.add_space(8.0);
        packs(ui, training, out);
        ui.add_space(8.0);
        new_session(ui, training, views, out);
        ui.add_space(12.0);
        history(ui, training, out);
    });
}

fn packs(ui: &mut egui::Ui, training: &TrainingState, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong("Exercise packs");
        if ui.small_button("Look again").clicked() {
            send(out, TrainingCommand::RefreshPacks);
        }
    });
    if training.shelf.packs.is_empty() {
        let searched: Vec<String> = training.searched.iter().map(|d| d.dir.display().to_string()).collect();
        ui.colored_label(
            WARN,
            if searched.is_empty() {
                "No pack folder found: start docexam with --packs DIR or set DOCEXAM_PACKS.".to_owned()
            } else {
                format!("No usable pack in {}.", searched.join(", "))
            },
        );
    }
    egui::Grid::new("trainer_packs").num_columns(5).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
        for found in &training.shelf.packs {
            let key = &found.pack.key;
            let chosen = training.selected_pack.as_deref() == Some(key.id.as_str());
            if ui.radio(chosen, &key.title).clicked() && !chosen {
                send(out, TrainingCommand::SelectPack(key.id.clone()));
            }
            ui.label(&key.id);
            let fraud = key.documents.iter().filter(|d| d.is_fraud()).count();
            ui.label(format!("{} documents, {fraud} with fraud", key.documents.len()));
            ui.label(format!("manual {}", key.manual));
            ui.small(found.source.to_string()).on_hover_text(found.pack.dir.display().to_string());
            ui.end_row();
        }
    });
    for broken in &training.shelf.broken {
        let first = broken.problems.first().map(ToString::to_string).unwrap_or_default();
        ui.colored_label(
            BAD,
            format!("{} not usable ({} problem(s)): {first}", broken.dir.display(), broken.problems.len()),
        );
    }
    for (dir, error) in &training.shelf.unreadable {
        ui.colored_label(BAD, format!("{} cannot be read: {error}", dir.display()));
    }
}

fn new_session(ui: &mut egui::Ui, training: &TrainingState, views: &mut TrainingViews, out: &mut Vec<Command>) {
    let Some(pack) = training.selected_pack.clone() else { return };
    ui.strong("New session");
    let mut submit = false;
    ui.horizontal(|ui| {
        let field = labelled_text_box(ui, "Trainee", &mut views.trainee, "name or id", 220.0);
        submit |= entered(ui, &field);
        ui.checkbox(&mut views.manual_only, "Manual only (hide every machine finding)");
    });
    if ui.button("Start the session").clicked() || submit {
        send(out, TrainingCommand::Start { pack, trainee: views.trainee.clone(), manual_only: views.manual_only });
    }
}

fn history(ui: &mut egui::Ui, training: &TrainingState, out: &mut Vec<Command>) {
    let Some(pack) = &training.selected_pack else { return };
    ui.strong(format!("Sessions on {pack}"));
    if training.history.is_empty() {
        ui.label("None yet.");
        return;
    }
    egui::Grid::new("trainer_history").num_columns(6).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
        for heading in ["Session", "Trainee", "Started", "Documents", "Mode", ""] {
            ui.strong(heading);
        }
        ui.end_row();
        for session in training.history.iter().rev() {
            ui.label(session.id.to_string());
            ui.label(&session.session.trainee);
            ui.label(session.started_at.to_string());
            let state = if session.finished_at.is_some() { "" } else { " (unfinished)" };
            ui.label(format!("{}{state}", session.attempts));
            ui.label(if session.session.manual_only { "manual only" } else { "with OCR" });
            if ui.button("Report").clicked() {
                send(out, TrainingCommand::OpenReport(session.id));
            }
            ui.end_row();
        }
    });
}

fn running(ui: &mut egui::Ui, run: &TrainingRun, out: &mut Vec<Command>) {
    ui.heading("Training session running");
    let mode = if run.manual_only { ", manual only" } else { "" };
    ui.label(format!("Trainee {} on {}{mode}.", run.trainee, run.pack.pack.key.title));
    match run.session {
        SessionState::Starting(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("storing the new session...");
            });
        }
        SessionState::Open(session) => {
            ui.label(format!("Session {session}: document {} of {}.", run.index + 1, run.total()));
        }
        SessionState::Finishing(..) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("finishing the session...");
            });
        }
    }
    ui.horizontal(|ui| {
        if ui.button("Go to the desk").clicked() {
            out.push(Command::ShowTab(crate::Tab::Desk));
        }
        if ui.button("Abandon the session").clicked() {
            send(out, TrainingCommand::Abandon);
        }
    });
}

fn report_view(ui: &mut egui::Ui, report: &TrainingReport, views: &TrainingViews, out: &mut Vec<Command>) {
    let score = &report.score;
    ui.horizontal(|ui| {
        ui.heading(format!("Training report: session {}", report.session));
        if ui.button("Back to the packs").clicked() {
            send(out, TrainingCommand::CloseReport);
        }
    });
    let mode = if report.manual_only { "manual only" } else { "with OCR" };
    let state = if report.finished { "finished" } else { "unfinished" };
    ui.label(format!("Trainee {} on {} ({mode}, {state}).", report.trainee, report.key.title));
    if report.key_changed {
        ui.colored_label(WARN, "The pack's key changed since this session: it is scored against the current key.");
    }
    let total = report.key.documents.len();
    let colour = if score.points >= 80.0 {
        GOOD
    } else if score.points >= 50.0 {
        WARN
    } else {
        BAD
    };
    ui.label(RichText::new(format!("Score {:.0} / 100", score.points)).heading().color(colour));
    let median = score.median_seconds.map_or_else(|| "-".to_owned(), |s| format!("{s} s"));
    ui.label(format!(
        "Outcomes right {} of {}  |  missed frauds {}  |  false alarms {}  |  critical defects found {} of {}  |  \
         documents done {} of {total}  |  median time {median}",
        score.outcomes_right,
        score.documents.len(),
        score.missed_frauds,
        score.false_alarms,
        score.critical_found,
        score.critical_planted,
        score.documents.len(),
    ));
    ui.separator();
    egui::ScrollArea::vertical().id_salt("training_report_scroll").show(ui, |ui| {
        ui.strong("Per checklist item: planted defects found and missed, false findings");
        item_chart(ui, report);
        ui.add_space(8.0);
        ui.columns_const(|[left, right]| {
            left.strong("Documents (choose one to see its planted defects)");
            documents_table(left, report, out);
            shown_document(right, report, views);
        });
    });
}

fn item_chart(ui: &mut egui::Ui, report: &TrainingReport) {
    let items: Vec<(&String, &docexam_exam::training::ItemTally)> = report.score.items.iter().collect();
    if items.is_empty() {
        ui.label("No planted defect and no false finding on the documents done.");
        return;
    }
    let bars = |value: fn(&docexam_exam::training::ItemTally) -> u32| -> Vec<Bar> {
        items
            .iter()
            .enumerate()
            .map(|(i, (id, tally))| Bar::new(i as f64, f64::from(value(tally))).width(0.7).name(*id))
            .collect()
    };
    let found = BarChart::new("found", bars(|t| t.found)).color(GOOD);
    let missed = BarChart::new("missed", bars(|t| t.missed)).color(BAD).stack_on(&[&found]);
    let false_alarms =
        BarChart::new("false findings", bars(|t| t.false_alarms)).color(WARN).stack_on(&[&found, &missed]);
    let labels: Vec<String> = items.iter().map(|(id, _)| (*id).clone()).collect();
    crate::supervisor::still_plot("training_items")
        .height(200.0)
        .legend(Legend::default())
        .include_x(-1.0)
        .include_x(labels.len() as f64)
        .y_axis_label("defects")
        // A mark on every bar and a label under each (item ids are short), so every item is named.
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .custom_x_axes(vec![AxisHints::new_x().label_spacing(22.0..=30.0).formatter(move |mark, _| {
            let index = mark.value.round();
            if (mark.value - index).abs() > 1e-6 || index < 0.0 {
                return String::new();
            }
            labels.get(index as usize).cloned().unwrap_or_default()
        })])
        .show(ui, |plot| {
            plot.add(found);
            plot.add(missed);
            plot.add(false_alarms);
        });
}

fn documents_table(ui: &mut egui::Ui, report: &TrainingReport, out: &mut Vec<Command>) {
    egui::Grid::new("training_documents").num_columns(5).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
        for heading in ["#", "Document", "Decided", "Defects found", "Points"] {
            ui.strong(heading);
        }
        ui.end_row();
        for (index, key) in report.key.documents.iter().enumerate() {
            ui.label((index + 1).to_string());
            let shown = report.shown == Some(index);
            if ui.selectable_label(shown, &key.image).clicked() && !shown {
                send(out, TrainingCommand::ShowReportDocument(index));
            }
            let Some(scored) = report.score.documents.iter().find(|d| d.image == key.image) else {
                ui.colored_label(WARN, "not done");
                ui.label("");
                ui.label("0");
                ui.end_row();
                continue;
            };
            let decided = scored.outcome.map_or_else(|| "undecided".to_owned(), |o| o.to_string());
            let verdict = if scored.missed_fraud {
                (BAD, format!("{decided} (missed fraud)"))
            } else if scored.false_alarm {
                (WARN, format!("{decided} (false alarm)"))
            } else if scored.outcome_right {
                (GOOD, decided)
            } else {
                (WARN, format!("{decided} (wrong)"))
            };
            ui.colored_label(verdict.0, verdict.1);
            let found = scored.defects_found.iter().filter(|f| **f).count();
            let planted = scored.defects_found.len();
            let colour = if found == planted { GOOD } else { BAD };
            ui.colored_label(colour, if planted == 0 { "genuine".to_owned() } else { format!("{found} of {planted}") });
            ui.label(format!("{:.0}", scored.points));
            ui.end_row();
        }
    });
}

fn shown_document(ui: &mut egui::Ui, report: &TrainingReport, views: &TrainingViews) {
    let Some(index) = report.shown else {
        ui.label("Choose a document above to see its planted defects on the image.");
        return;
    };
    let Some(key) = report.key.documents.get(index) else { return };
    let scored = report.score.documents.iter().find(|d| d.image == key.image);
    ui.strong(format!("Document {}: {}", index + 1, key.image));
    let decided = match scored {
        Some(s) => s.outcome.map_or_else(|| "undecided".to_owned(), |o| o.to_string()),
        None => "not done".to_owned(),
    };
    ui.label(format!("Expected: {}; decided: {decided}.", key.expected_outcome));
    if key.defects.is_empty() {
        ui.colored_label(GOOD, "Genuine: nothing was planted.");
    }
    let found_of = |i: usize| scored.and_then(|s| s.defects_found.get(i).copied());
    for (i, defect) in key.defects.iter().enumerate() {
        let (colour, word) = match found_of(i) {
            Some(true) => (GOOD, "FOUND"),
            Some(false) => (BAD, "MISSED"),
            None => (Color32::GRAY, "not done"),
        };
        let weight = if defect.critical { "critical" } else { "supporting" };
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(colour, RichText::new(format!("{} {word}", i + 1)).strong());
            ui.label(format!(
                "{} ({weight}, items {}): {}",
                defect.kind.words(),
                defect.items.join(", "),
                defect.description
            ));
        });
    }
    if let Some(scored) = scored
        && !scored.false_findings.is_empty()
    {
        ui.colored_label(WARN, format!("Failed without a planted defect: {}", scored.false_findings.join(", ")));
    }
    if let Some(error) = &report.image_error {
        ui.colored_label(BAD, error);
        return;
    }
    let Some(texture) = &views.report_texture else {
        ui.spinner();
        return;
    };
    let size = texture.size_vec2();
    let scale = (ui.available_width().max(100.0) / size.x).min(1.0);
    let shown = size * scale;
    let (rect, _) = ui.allocate_exact_size(shown, egui::Sense::hover());
    egui::Image::new((texture.id(), shown)).paint_at(ui, rect);
    for (i, defect) in key.defects.iter().enumerate() {
        let Some([x, y, w, h]) = defect.region else { continue };
        let colour = if found_of(i) == Some(true) { GOOD } else { BAD };
        let area = egui::Rect::from_min_size(
            rect.min + egui::vec2(x * shown.x, y * shown.y),
            egui::vec2(w * shown.x, h * shown.y),
        );
        ui.painter().rect_stroke(area, 2.0, egui::Stroke::new(3.0, colour), egui::StrokeKind::Outside);
        ui.painter().text(
            area.left_top() + egui::vec2(4.0, 2.0),
            egui::Align2::LEFT_TOP,
            (i + 1).to_string(),
            egui::FontId::proportional(18.0),
            colour,
        );
    }
}
