//! The document's picture with the MRZ band outlined in its verdict colour, and how the
//! reading stands.

use crate::Command;
use crate::document::{Document, ScanState};
use crate::look::{BAD, GOOD, WARN};
use crate::scan_worker::ScanOutput;

/// The picture shown.
#[derive(Default)]
pub struct ImageView {
    /// The document image.
    pub texture: Option<egui::TextureHandle>,
    /// The MRZ band in texture pixels.
    pub band: Option<[[f32; 2]; 4]>,
}

impl ImageView {
    /// Shows the worker's preview and the MRZ band on it.
    pub fn show_preview(&mut self, ctx: &egui::Context, output: &ScanOutput) {
        let preview = &output.preview;
        let size = [preview.width() as usize, preview.height() as usize];
        let image = egui::ColorImage::from_rgba_unmultiplied(size, preview.as_raw());
        self.texture = Some(ctx.load_texture("document", image, egui::TextureOptions::LINEAR));
        self.band = output.band_in_preview;
    }

    /// No picture.
    pub fn clear(&mut self) {
        self.texture = None;
        self.band = None;
    }
}

/// Draws the reading's state, the file name and the picture.
pub fn image_ui(ui: &mut egui::Ui, document: &Document, view: &ImageView, out: &mut Vec<Command>) {
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
    let Some(texture) = &view.texture else { return };
    let size = texture.size_vec2();
    let max_width = ui.available_width().max(100.0);
    let scale = (max_width / size.x).min(480.0 / size.y).min(1.0);
    let shown = size * scale;
    let (rect, _) = ui.allocate_exact_size(shown, egui::Sense::hover());
    egui::Image::new((texture.id(), shown)).paint_at(ui, rect);
    if let Some(band) = view.band {
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
