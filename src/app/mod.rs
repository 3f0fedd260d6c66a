//! The egui desk app (a thin shell over the core). For now one screen: type or paste MRZ text and
//! see it checked on every keystroke. The full desk is its own issue.

use crate::mrz::dates::{CalendarDate, DatePolicy};
use crate::mrz::report::{MrzReport, Status};
use crate::mrz::{self, Verdict};

/// Opens the main window and runs until it is closed.
pub fn run(reference_date: CalendarDate) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default().with_title("docexam").with_inner_size([960.0, 640.0]),
        ..Default::default()
    };
    eframe::run_native("docexam", options, Box::new(move |_cc| Ok(Box::new(DeskApp::new(reference_date)))))
}

/// The app state: the MRZ text being typed and its latest report.
pub struct DeskApp {
    policy: DatePolicy,
    mrz_text: String,
    report: Option<MrzReport>,
}

impl DeskApp {
    /// A desk with nothing typed yet.
    pub fn new(reference_date: CalendarDate) -> Self {
        Self { policy: DatePolicy::new(reference_date), mrz_text: String::new(), report: None }
    }

    /// Re-checks the typed text (cheap: microseconds).
    fn recheck(&mut self) {
        self.report = (!self.mrz_text.trim().is_empty())
            .then(|| MrzReport::from_result(&mrz::check_text(&self.mrz_text, &self.policy), &self.policy));
    }

    /// The latest report, if any text was typed.
    pub fn report(&self) -> Option<&MrzReport> {
        self.report.as_ref()
    }

    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        ui.heading("docexam");
        ui.label("Type or paste the machine-readable zone (one MRZ line per text line):");
        let edit = egui::TextEdit::multiline(&mut self.mrz_text)
            .font(egui::TextStyle::Monospace)
            .desired_rows(3)
            .desired_width(f32::INFINITY);
        if ui.add(edit).changed() {
            self.recheck();
        }
        ui.separator();
        match &self.report {
            None => {
                ui.label("No MRZ yet.");
            }
            Some(report) => report_ui(ui, report),
        }
    }
}

fn verdict_colour(verdict: Verdict) -> egui::Color32 {
    match verdict {
        Verdict::Valid => egui::Color32::from_rgb(0, 140, 60),
        Verdict::Invalid => egui::Color32::from_rgb(200, 30, 30),
        Verdict::Unreadable => egui::Color32::from_rgb(190, 120, 0),
    }
}

fn status_colour(status: Status) -> egui::Color32 {
    match status {
        Status::Ok => egui::Color32::from_rgb(0, 140, 60),
        Status::Warning => egui::Color32::from_rgb(190, 120, 0),
        Status::Error => egui::Color32::from_rgb(200, 30, 30),
    }
}

fn report_ui(ui: &mut egui::Ui, report: &MrzReport) {
    let banner = match report.verdict {
        Verdict::Valid => "VALID",
        Verdict::Invalid => "INVALID",
        Verdict::Unreadable => "NO MRZ READ",
    };
    ui.label(egui::RichText::new(banner).heading().strong().color(verdict_colour(report.verdict)));
    ui.label(&report.verdict_reason);
    egui::Grid::new("mrz_fields").striped(true).show(ui, |ui| {
        for field in &report.fields {
            ui.label(field.label);
            ui.monospace(&field.value);
            ui.label(
                egui::RichText::new(format!("{:?}", field.status).to_lowercase()).color(status_colour(field.status)),
            );
            ui.label(if field.reasons.is_empty() { field.explanation.clone() } else { field.reasons.join("; ") });
            ui.end_row();
        }
    });
    for finding in report.errors.iter().chain(&report.warnings) {
        ui.label(egui::RichText::new(&finding.message).color(status_colour(finding.severity.into())));
    }
}

impl eframe::App for DeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| DeskApp::ui(self, ui));
    }
}
