//! The desk's look: the verdict colours every panel uses, and the text size and theme the
//! settings choose.

use egui::Color32;

use crate::store::{DeskSettings, ThemeChoice};

/// Green, amber, red: the verdict colours (readable on light and dark backgrounds).
pub const GOOD: Color32 = Color32::from_rgb(0, 140, 60);
/// Warnings.
pub const WARN: Color32 = Color32::from_rgb(200, 125, 0);
/// Failures.
pub const BAD: Color32 = Color32::from_rgb(210, 35, 35);

/// Applies the settings' text size and theme to every style of `ctx`.
pub fn apply_look(ctx: &egui::Context, settings: &DeskSettings) {
    ctx.set_theme(match settings.theme {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
    let size = settings.font_size.clamp(10.0, 40.0);
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Small, FontId::new(size * 0.75, FontFamily::Proportional)),
            (TextStyle::Body, FontId::new(size, FontFamily::Proportional)),
            (TextStyle::Button, FontId::new(size, FontFamily::Proportional)),
            (TextStyle::Heading, FontId::new(size * 1.4, FontFamily::Proportional)),
            (TextStyle::Monospace, FontId::new(size * 1.1, FontFamily::Monospace)),
        ]
        .into();
    });
}
