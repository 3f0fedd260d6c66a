//! The Records section: the filter bar, the sortable table and the detail pane of one record.
//!
//! The table is laid out in fixed-width cells (so the header lines up with the rows) and only the
//! rows in view are drawn; sorting and the text filter were applied when they changed.

use egui::{Align, Color32, Layout, RichText, Sense, TextStyle};

use super::{MAX_LIMIT, RecordTable, RecordView, SortColumn, SupervisorCommand, SupervisorState, SupervisorViews};
use crate::Command;
use crate::look::BAD;
use crate::panels::field::{entered, labelled_text_box};
use docexam_audit::query::ListedRecord;
use docexam_exam::inspection::Outcome;

/// The columns: title, the sort they stand for, and width in multiples of the body font size.
const COLUMNS: [(&str, Option<SortColumn>, f32); 8] = [
    ("#", None, 3.5),
    ("Date (UTC)", Some(SortColumn::Date), 10.5),
    ("Desk", None, 7.0),
    ("Kind", None, 6.0),
    ("Officer", Some(SortColumn::Officer), 6.5),
    ("Outcome", Some(SortColumn::Outcome), 10.0),
    ("Nationality", Some(SortColumn::Nationality), 6.5),
    ("Document type", Some(SortColumn::Document), 7.5),
];

fn push(out: &mut Vec<Command>, command: SupervisorCommand) {
    out.push(Command::Supervisor(command));
}

/// Draws the section.
pub(super) fn draw(
    ui: &mut egui::Ui,
    supervisor: &SupervisorState,
    views: &mut SupervisorViews,
    out: &mut Vec<Command>,
) {
    let table = &supervisor.table;
    // Panels take their side first; the table gets the rest.
    if let Some(detail) = &table.detail {
        egui::Panel::right("supervisor_record_detail")
            .resizable(true)
            .default_size(380.0)
            .show(ui, |ui| detail_pane(ui, detail, out));
    }
    filter_bar(ui, table, views, out);
    if let Some(error) = &table.error {
        ui.colored_label(BAD, error);
    }
    ui.separator();
    let size = TextStyle::Body.resolve(ui.style()).size;
    let widths = COLUMNS.map(|(_, _, ems)| ems * size);
    let row_height = ui.spacing().interact_size.y.max(ui.text_style_height(&TextStyle::Body) + 4.0);
    egui::ScrollArea::horizontal().id_salt("supervisor_records_wide").show(ui, |ui| {
        header(ui, table, &widths, row_height, out);
        egui::ScrollArea::vertical().id_salt("supervisor_records").auto_shrink([true, false]).show_rows(
            ui,
            row_height,
            table.visible.len(),
            |ui, rows| {
                for &index in table.visible.get(rows).unwrap_or(&[]) {
                    let Some(record) = table.records.get(index) else { continue };
                    let selected = table.detail.as_ref().is_some_and(|d| d.seq == record.seq && d.desk == record.desk);
                    row(ui, record, selected, &widths, row_height, out);
                }
            },
        );
    });
}

fn filter_bar(ui: &mut egui::Ui, table: &RecordTable, views: &mut SupervisorViews, out: &mut Vec<Command>) {
    let mut apply = false;
    ui.horizontal_wrapped(|ui| {
        let since = labelled_text_box(ui, "Written since", &mut views.since, "YYYY-MM-DD", 100.0);
        apply |= entered(ui, &since);
        ui.separator();
        ui.label("Outcomes:");
        for (ticked, outcome) in views.outcomes.iter_mut().zip(Outcome::ALL) {
            ui.checkbox(ticked, outcome.to_string());
        }
        ui.separator();
        ui.label("At most");
        ui.add(egui::DragValue::new(&mut views.limit).range(1..=MAX_LIMIT));
        if table.request.is_some() {
            ui.spinner();
        }
        apply |= ui.button("Apply").on_hover_text("List again with these filters").clicked();
    });
    if apply {
        let outcomes = views.outcomes.iter().zip(Outcome::ALL).filter(|(ticked, _)| **ticked).map(|(_, o)| o).collect();
        push(out, SupervisorCommand::List { since: views.since.clone(), outcomes, limit: views.limit });
    }
    ui.horizontal(|ui| {
        let find = labelled_text_box(ui, "Find", &mut views.text, "officer, nationality or document code", 260.0);
        if find.changed() {
            push(out, SupervisorCommand::FilterText(views.text.clone()));
        }
        if table.loaded {
            ui.label(format!("showing {} of {} records", table.records.len(), table.total));
            if !table.text.trim().is_empty() {
                ui.label(format!("({} match the text)", table.visible.len()));
            }
        }
        if table.filter.outcomes.is_empty() {
            ui.small("no outcome ticked: records of every kind");
        }
    });
}

/// A cell of fixed width, its content vertically centred.
fn cell<R>(ui: &mut egui::Ui, width: f32, height: f32, add: impl FnOnce(&mut egui::Ui) -> R) -> R {
    ui.allocate_ui_with_layout(egui::vec2(width, height), Layout::left_to_right(Align::Center), |ui| {
        ui.set_width(width);
        add(ui)
    })
    .inner
}

fn text_cell(ui: &mut egui::Ui, width: f32, height: f32, text: impl Into<egui::WidgetText>) {
    cell(ui, width, height, |ui| ui.add(egui::Label::new(text).truncate().selectable(false)));
}

fn header(ui: &mut egui::Ui, table: &RecordTable, widths: &[f32; 8], height: f32, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        for ((title, sort, _), &width) in COLUMNS.iter().zip(widths) {
            let Some(column) = sort else {
                text_cell(ui, width, height, RichText::new(*title).strong());
                continue;
            };
            let active = table.sort.column == *column;
            // ASCII markers: the default font has no arrows.
            let marker = match (active, table.sort.descending) {
                (false, _) => "",
                (true, true) => " v",
                (true, false) => " ^",
            };
            let clicked = cell(ui, width, height, |ui| {
                ui.selectable_label(active, RichText::new(format!("{title}{marker}")).strong())
                    .on_hover_text("Sort by this column (again: reverse)")
                    .clicked()
            });
            if clicked {
                push(out, SupervisorCommand::SortBy(*column));
            }
        }
    });
}

/// `2026-01-02T08:00:00Z` as `2026-01-02 08:00:00`.
fn short_time(at: &str) -> String {
    match (at.get(..10), at.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time}"),
        _ => at.to_owned(),
    }
}

fn outcome_words(key: &str) -> Option<String> {
    Outcome::ALL.into_iter().find(|o| o.key() == key).map(|o| o.to_string())
}

fn row(
    ui: &mut egui::Ui,
    record: &ListedRecord,
    selected: bool,
    widths: &[f32; 8],
    height: f32,
    out: &mut Vec<Command>,
) {
    // Painted behind the cells once the row's hover state is known.
    let background = ui.painter().add(egui::Shape::Noop);
    let dash = || "-".to_owned();
    let outcome = match (&record.outcome, &record.description) {
        (Some(key), _) => outcome_words(key).unwrap_or_else(|| key.clone()),
        (None, Some(description)) => description.clone(),
        (None, None) => dash(),
    };
    let cells = [
        format!("#{}", record.seq),
        short_time(&record.at),
        record.desk.clone(),
        record.kind.clone(),
        record.officer.clone().unwrap_or_else(dash),
        outcome,
        record.nationality.clone().unwrap_or_else(dash),
        record.document_code.clone().unwrap_or_else(dash),
    ];
    let drawn = ui.horizontal(|ui| {
        for (text, &width) in cells.into_iter().zip(widths) {
            text_cell(ui, width, height, text);
        }
    });
    let rect = drawn.response.rect;
    let response = ui.interact(rect, egui::Id::unique(("supervisor_row", &record.desk, record.seq)), Sense::click());
    response.widget_info(|| {
        egui::WidgetInfo::selected(
            egui::Role::Button,
            true,
            selected,
            format!("open record #{} of desk {}", record.seq, record.desk),
        )
    });
    let fill = if selected {
        ui.visuals().selection.bg_fill.gamma_multiply(0.5)
    } else if response.hovered() {
        ui.visuals().widgets.hovered.weak_bg_fill
    } else {
        Color32::TRANSPARENT
    };
    if fill != Color32::TRANSPARENT {
        ui.painter().set(background, egui::epaint::RectShape::filled(rect, 2.0, fill));
    }
    if response.clicked() {
        push(out, SupervisorCommand::OpenRecord { desk: record.desk.clone(), seq: record.seq });
    }
}

fn detail_pane(ui: &mut egui::Ui, detail: &RecordView, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong(format!("Record #{} of desk {}", detail.seq, detail.desk));
        if ui.small_button("Close").clicked() {
            push(out, SupervisorCommand::CloseRecord);
        }
    });
    ui.small("The record exactly as stored and hashed (keys in stored order).");
    ui.separator();
    match (&detail.leaf_json, &detail.error) {
        (Some(json), _) => {
            egui::ScrollArea::both().id_salt("supervisor_record_leaf").auto_shrink([false, false]).show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(json).monospace()).extend());
            });
        }
        (None, Some(error)) => {
            ui.colored_label(BAD, format!("The record could not be read: {error}"));
        }
        (None, None) => {
            ui.spinner();
        }
    }
}
