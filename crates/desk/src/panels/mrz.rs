//! The MRZ panel: verdict banner, the lines character by character in their status colour
//! (failed check digits and what they cover in red, warnings amber, OCR corrections underlined
//! with the reason on hover), the editable text, and the typed fields.

use egui::{Color32, RichText};

use crate::Command;
use crate::document::{Document, ScanState};
use crate::look::{BAD, GOOD, WARN};
use docexam_mrz::Verdict;
use docexam_mrz::layout::Span;
use docexam_mrz::report::{MrzReport, Status};

/// The MRZ box: the text as typed, kept in step with the document unless the officer is typing.
#[derive(Default)]
pub struct MrzView {
    /// The MRZ box's text.
    pub text: String,
    /// The document text the box last showed or sent.
    synced: Option<String>,
    /// Where to put the box's cursor on the next frame (a character index).
    cursor: Option<usize>,
    /// The box takes the keyboard next frame (Ctrl+M, Ctrl+T, a reading to review).
    pub(crate) focus: bool,
}

impl MrzView {
    /// A new document: nothing typed.
    pub fn clear(&mut self) {
        self.text.clear();
        self.synced = None;
    }

    /// Keeps the box in step with the document unless the officer is typing in it. A machine
    /// reading that needs review puts the cursor on its first doubtful character.
    fn sync(&mut self, document: &Document) {
        if self.synced.as_deref() != Some(document.mrz_text.as_str()) {
            self.text = document.mrz_text.clone();
            self.synced = Some(document.mrz_text.clone());
            if !document.typed {
                self.cursor = document.report.as_ref().and_then(first_doubt_index);
                self.focus |= self.cursor.is_some();
            }
        }
    }
}

/// The character index, in the MRZ box's text, of the first doubtful character of `report`.
pub fn first_doubt_index(report: &MrzReport) -> Option<usize> {
    let first = report.doubts.first()?;
    let before: usize = report.lines.iter().take(usize::from(first.at.line)).map(|line| line.chars().count() + 1).sum();
    Some(before + usize::from(first.at.start))
}

/// What one MRZ character shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CharMark {
    /// Worst status of anything covering it.
    pub status: Status,
    /// Why (failed checks, findings), for the hover text.
    pub reasons: Vec<String>,
    /// The OCR correction made here, explained.
    pub correction: Option<String>,
}

/// The mark of every character of `report.lines`, by line and column.
pub fn char_marks(report: &MrzReport) -> Vec<Vec<CharMark>> {
    let mut marks: Vec<Vec<CharMark>> = report
        .lines
        .iter()
        .map(|line| vec![CharMark { status: Status::Ok, reasons: Vec::new(), correction: None }; line.chars().count()])
        .collect();
    let mut mark = |span: docexam_mrz::layout::Span, status: Status, reason: &str| {
        let Some(line) = marks.get_mut(usize::from(span.line)) else { return };
        for col in usize::from(span.start)..span.end() {
            if let Some(m) = line.get_mut(col) {
                if status > m.status {
                    m.status = status;
                }
                if status != Status::Ok && !m.reasons.iter().any(|r| r == reason) {
                    m.reasons.push(reason.to_owned());
                }
            }
        }
    };
    for check in report.checks.iter().filter(|c| c.status != Status::Ok) {
        let reason = format!("{}: {}", check.label, check.reason);
        if let Some(at) = check.at {
            mark(at, check.status, &reason);
        }
        for span in &check.covers {
            mark(*span, check.status, &reason);
        }
    }
    for field in report.fields.iter().filter(|f| f.status != Status::Ok) {
        let reason = format!("{}: {}", field.label, field.reasons.join("; "));
        for span in std::iter::once(field.at).chain(field.continuation) {
            mark(span, field.status, &reason);
        }
    }
    for finding in report.errors.iter().chain(&report.warnings) {
        if let Some(at) = finding.at {
            mark(at, finding.severity.into(), &finding.message);
        }
    }
    if let Some(correction) = &report.corrections {
        // A character left out is shown on the line's first or last character, beside where it stood.
        let dropped = correction.dropped_reads.iter().map(|d| {
            let len = marks.get(usize::from(d.line)).map_or(0, Vec::len);
            let col = if d.after_the_line { len.saturating_sub(1) } else { 0 };
            (Span::new(d.line, col as u8, 1), d.explanation.clone())
        });
        let merges =
            correction.merged_reads.iter().map(|m| (m.at, format!("OCR read '{}' here: {}", m.read, m.explanation)));
        let repairs: Vec<(Span, String)> = dropped.chain(merges).collect();
        let substitutions = correction
            .substitutions
            .iter()
            .map(|s| (s.at, format!("OCR read '{}', corrected to '{}': {}", s.from, s.to, s.explanation)));
        for (at, text) in repairs.into_iter().chain(substitutions) {
            if let Some(m) = marks.get_mut(usize::from(at.line)).and_then(|l| l.get_mut(usize::from(at.start))) {
                m.correction = Some(match m.correction.take() {
                    Some(earlier) => format!("{earlier}; then {text}"),
                    None => text,
                });
            }
        }
    }
    marks
}

fn colour(status: Status) -> Option<Color32> {
    match status {
        Status::Ok => None,
        Status::Warning => Some(WARN),
        Status::Error => Some(BAD),
    }
}

/// The verdict in words: what the banner says.
pub fn verdict_banner(document: &Document) -> (String, Color32) {
    match (&document.report, &document.scan) {
        (None, ScanState::Running(_)) => ("READING THE MRZ...".to_owned(), Color32::GRAY),
        (None, _) => {
            (format!("NO MRZ: {}", document.mrz_missing_reason.as_deref().unwrap_or("none read")).to_uppercase(), WARN)
        }
        (Some(report), _) => match report.verdict {
            Verdict::Valid => ("VALID MRZ".to_owned(), GOOD),
            Verdict::Invalid => (
                format!(
                    "INVALID MRZ: {} check(s) failed, {} error(s)",
                    report.failed_checks.len(),
                    report.errors.len()
                ),
                BAD,
            ),
            Verdict::Unreadable => ("MRZ NOT READABLE".to_owned(), WARN),
            Verdict::NeedsReview => (
                format!("MRZ NEEDS REVIEW: {} character(s) doubtful, compare with the document", report.doubts.len()),
                WARN,
            ),
        },
    }
}

/// Draws the panel.
pub fn mrz_ui(ui: &mut egui::Ui, document: &Document, view: &mut MrzView, out: &mut Vec<Command>) {
    if document.manual_only {
        // Nothing the machine could say is shown: the trainee reads the MRZ on the image.
        ui.label(RichText::new("Manual-only training: examine the MRZ on the image yourself.").strong());
        return;
    }
    let (banner, banner_colour) = verdict_banner(document);
    egui::Frame::NONE.fill(banner_colour).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(banner).heading().strong().color(Color32::WHITE));
    });
    if let Some(report) = &document.report {
        ui.label(&report.verdict_reason);
        ui.add_space(4.0);
        mrz_characters(ui, report);
    }
    ui.add_space(6.0);
    view.sync(document);
    let output = egui::TextEdit::multiline(&mut view.text)
        .font(egui::TextStyle::Monospace)
        .desired_rows(3)
        .desired_width(f32::INFINITY)
        .hint_text("type or correct the MRZ here, one line per MRZ line (Ctrl+M)")
        .show(ui);
    let edit = output.response.response;
    if std::mem::take(&mut view.focus) {
        edit.request_focus();
    }
    if let Some(index) = view.cursor.take() {
        let mut state = output.state;
        let cursor = egui::text::CCursor::new(index);
        state.cursor.set_char_range(Some(egui::text::CCursorRange::one(cursor)));
        state.store(ui.ctx(), edit.id);
    }
    if edit.changed() {
        view.synced = Some(view.text.clone());
        out.push(Command::EditMrz(view.text.clone()));
    }
    if document.typed && document.image.is_some() {
        ui.small("Edited by hand: the check is of the typed text; the record keeps it as typed.");
    }
    if let Some(report) = &document.report {
        fields(ui, report);
    }
}

fn mrz_characters(ui: &mut egui::Ui, report: &MrzReport) {
    let marks = char_marks(report);
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    for (line_index, line) in report.lines.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            for (col, character) in line.chars().enumerate() {
                let mark = marks.get(line_index).and_then(|l| l.get(col));
                let mut text = RichText::new(character.to_string()).font(font.clone());
                if let Some(c) = mark.and_then(|m| colour(m.status)) {
                    text = text.color(c).strong();
                }
                if mark.is_some_and(|m| m.correction.is_some()) {
                    text = text.underline();
                }
                let response = ui.label(text);
                if let Some(mark) = mark.filter(|m| !m.reasons.is_empty() || m.correction.is_some()) {
                    let mut hover = format!("line {}, column {}", line_index + 1, col + 1);
                    for reason in mark.reasons.iter().chain(&mark.correction) {
                        hover.push('\n');
                        hover.push_str(reason);
                    }
                    response.on_hover_text(hover);
                }
            }
        });
    }
}

fn fields(ui: &mut egui::Ui, report: &MrzReport) {
    egui::CollapsingHeader::new("Fields and check digits").default_open(true).show(ui, |ui| {
        egui::Grid::new("mrz_fields").striped(true).num_columns(3).show(ui, |ui| {
            for field in &report.fields {
                ui.label(field.label);
                ui.monospace(&field.value);
                let words = if field.reasons.is_empty() { field.explanation.clone() } else { field.reasons.join("; ") };
                ui.label(RichText::new(words).color(colour(field.status).unwrap_or(ui.visuals().text_color())));
                ui.end_row();
            }
            for check in &report.checks {
                ui.label(check.label);
                ui.monospace(format!("{} / {}", check.printed.as_deref().unwrap_or("?"), check.computed));
                ui.label(RichText::new(&check.reason).color(colour(check.status).unwrap_or(GOOD)));
                ui.end_row();
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use docexam_mrz::dates::{CalendarDate, DatePolicy};

    const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    fn report(text: &str) -> MrzReport {
        let policy = DatePolicy::new(CalendarDate { year: 2010, month: 1, day: 1 });
        crate::document::check(text, &policy)
    }

    #[test]
    fn a_valid_mrz_marks_nothing() {
        let marks = char_marks(&report(SPECIMEN));
        assert_eq!(marks.len(), 2);
        assert!(marks.iter().flatten().all(|m| m.status == Status::Ok && m.reasons.is_empty()));
    }

    #[test]
    fn a_wrong_birth_date_check_digit_marks_the_digit_and_the_date_red_and_says_why() {
        // Date-of-birth check digit (line 2, column 20) changed from 2 to 3.
        let bad = SPECIMEN.replace("7408122F", "7408123F");
        let marks = char_marks(&report(&bad));
        let line = &marks[1];
        assert_eq!(line[19].status, Status::Error, "the check digit itself");
        assert!(line[13..19].iter().all(|m| m.status == Status::Error), "the date it covers");
        assert!(line[19].reasons.iter().any(|r| r.to_lowercase().contains("birth")), "{:?}", line[19].reasons);
        assert_eq!(line[10].status, Status::Ok, "the nationality is covered by no check digit");
    }
}
