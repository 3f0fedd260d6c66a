//! The Statistics section: inspections per day and per hour as bar charts (egui_plot), outcomes,
//! fraud types and refusal grounds as tables with share bars. Only the bars are built per frame.

use egui::RichText;
use egui_plot::{Bar, BarChart, Plot};

use super::{SupervisorCommand, SupervisorState, SupervisorViews};
use crate::Command;
use crate::look::{BAD, GOOD, WARN};
use crate::panels::field::{entered, labelled_text_box};
use docexam_audit::query::{NO_FRAUD_TYPE, NO_REFUSAL_REASON, Stats, StatsRow};
use docexam_exam::inspection::{Outcome, RefusalReason};
use docexam_exam::manual::{CodeTable as _, FailureCode};

/// Height of each chart.
const CHART_HEIGHT: f32 = 180.0;

/// Draws the section.
pub(super) fn draw(
    ui: &mut egui::Ui,
    supervisor: &SupervisorState,
    views: &mut SupervisorViews,
    out: &mut Vec<Command>,
) {
    let board = &supervisor.stats;
    ui.horizontal(|ui| {
        let since = labelled_text_box(
            ui,
            "Inspections decided since",
            &mut views.stats_since,
            "YYYY-MM-DD (empty: all)",
            160.0,
        );
        if ui.button("Refresh").clicked() || entered(ui, &since) {
            out.push(Command::Supervisor(SupervisorCommand::RefreshStats { since: views.stats_since.clone() }));
        }
        if !board.pending.is_empty() {
            ui.spinner();
        }
    });
    if let Some(error) = &board.error {
        ui.colored_label(BAD, error);
    }
    egui::ScrollArea::vertical().id_salt("supervisor_stats").show(ui, |ui| {
        ui.strong("Inspections per day (UTC)");
        match &board.per_day {
            Some(stats) => day_chart(ui, stats),
            None => waiting(ui),
        }
        ui.add_space(8.0);
        ui.strong("Inspections per hour of the day (UTC)");
        match &board.per_hour {
            Some(stats) => hour_chart(ui, stats),
            None => waiting(ui),
        }
        ui.add_space(8.0);
        ui.columns_const(|[outcomes, fraud, reasons]| {
            table(outcomes, "Outcomes", board.outcomes.as_ref(), outcome_words);
            table(fraud, "Fraud types (failed checks)", board.fraud_types.as_ref(), fraud_words);
            table(reasons, "Refusal grounds", board.refusal_reasons.as_ref(), reason_words);
        });
    });
}

fn waiting(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label("counting...");
    });
}

/// A plot that keeps still: statistics are read, not explored.
pub(crate) fn still_plot(id: &str) -> Plot<'_> {
    Plot::new(id)
        .height(CHART_HEIGHT)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_y(0.0)
        .y_axis_label("inspections")
}

/// The row a grid mark at `x` stands for (marks fall on whole numbers only).
fn row_at(rows: &[StatsRow], x: f64) -> Option<&StatsRow> {
    let index = x.round();
    if (x - index).abs() > 1e-6 || index < 0.0 {
        return None;
    }
    rows.get(index as usize)
}

fn day_chart(ui: &mut egui::Ui, stats: &Stats) {
    if stats.rows.is_empty() {
        ui.label("No inspections.");
        return;
    }
    // Days without inspections have no row: bars stand side by side, labelled by their day.
    let bars: Vec<Bar> = stats
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| Bar::new(i as f64, row.count as f64).width(0.7).name(&row.key))
        .collect();
    let rows = &stats.rows;
    // At least a week of room, so one day of data is one bar rather than a wall.
    still_plot("supervisor_per_day")
        .include_x(-1.0)
        .include_x((rows.len() as f64).max(7.0))
        .x_axis_formatter(move |mark, _| row_at(rows, mark.value).map(|r| r.key.clone()).unwrap_or_default())
        .show(ui, |plot| plot.add(BarChart::new("inspections per day", bars).color(GOOD)));
}

fn hour_chart(ui: &mut egui::Ui, stats: &Stats) {
    let mut unknown = 0;
    let bars: Vec<Bar> = stats
        .rows
        .iter()
        .filter_map(|row| match row.key.parse::<u8>() {
            Ok(hour) if hour < 24 => Some(Bar::new(f64::from(hour), row.count as f64).width(0.7).name(&row.key)),
            _ => {
                unknown += row.count;
                None
            }
        })
        .collect();
    still_plot("supervisor_per_hour")
        .include_x(-0.5)
        .include_x(23.5)
        .x_axis_formatter(|mark, _| {
            let hour = mark.value.round();
            if (mark.value - hour).abs() < 1e-6 && (0.0..24.0).contains(&hour) {
                format!("{hour:02}")
            } else {
                String::new()
            }
        })
        .show(ui, |plot| plot.add(BarChart::new("inspections per hour", bars).color(GOOD)));
    if unknown > 0 {
        ui.colored_label(WARN, format!("{unknown} inspection(s) without a readable decision time"));
    }
}

fn outcome_words(key: &str) -> String {
    Outcome::ALL.into_iter().find(|o| o.key() == key).map_or_else(|| key.to_owned(), |o| o.to_string())
}

fn fraud_words(key: &str) -> String {
    if key == NO_FRAUD_TYPE {
        return "no failed check".to_owned();
    }
    FailureCode::from_code(key).map_or_else(|| key.to_owned(), |code| format!("{key} {}", code.meaning()))
}

fn reason_words(key: &str) -> String {
    if key == NO_REFUSAL_REASON {
        return "no refusal ground".to_owned();
    }
    let letter = key.chars().next().filter(|_| key.len() == 1);
    letter.and_then(RefusalReason::from_letter).map_or_else(|| key.to_owned(), |r| format!("{key} {}", r.describe()))
}

fn table(ui: &mut egui::Ui, title: &str, stats: Option<&Stats>, words: fn(&str) -> String) {
    ui.strong(title);
    let Some(stats) = stats else { return waiting(ui) };
    if stats.inspections == 0 {
        ui.label("No inspections.");
        return;
    }
    // Three tables share the width: long labels are cut (full text on hover) instead of running
    // into the next table.
    let label_width = (ui.available_width() - 124.0).max(60.0);
    egui::Grid::new(title).num_columns(2).striped(true).show(ui, |ui| {
        for row in &stats.rows {
            let text = words(&row.key);
            ui.allocate_ui_with_layout(
                egui::vec2(label_width, ui.spacing().interact_size.y),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_max_width(label_width);
                    ui.add(egui::Label::new(text.as_str()).truncate()).on_hover_text(text.as_str());
                },
            );
            let share = stats.share_percent(row.count);
            ui.add(
                egui::ProgressBar::new((share / 100.0) as f32)
                    .desired_width(110.0)
                    .text(RichText::new(format!("{} ({share:.0}%)", row.count))),
            );
            ui.end_row();
        }
        ui.strong("inspections");
        ui.strong(stats.inspections.to_string());
        ui.end_row();
    });
}
