//! The bottom line: the keys that work on the screen shown.

use crate::{DeskState, Tab};

/// Draws the line.
pub fn key_help_ui(ui: &mut egui::Ui, state: &DeskState) {
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
