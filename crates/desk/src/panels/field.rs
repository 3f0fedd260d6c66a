//! Text-box helpers the screens share.

/// A single-line text box after the label `name`, which names it for screen readers (and the UI
/// tests, which find it by that name).
pub fn labelled_text_box(ui: &mut egui::Ui, name: &str, text: &mut String, hint: &str, width: f32) -> egui::Response {
    let label = ui.label(name);
    ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(width)).labelled_by(label.id)
}

/// Whether Enter was pressed in a single-line text box this frame (it loses the focus on Enter).
pub fn entered(ui: &egui::Ui, response: &egui::Response) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}
