//! Drawing the supervisor screen: the sign-in form, the section tabs, and the Integrity, Export
//! and Purge sections (the record table is in `records`, the statistics in `stats`).

use std::path::PathBuf;

use egui::RichText;

use super::{PURGE_CONFIRMATION, Section, SupervisorCommand, SupervisorState, SupervisorViews};
use crate::look::{BAD, GOOD, WARN};
use crate::panels::field::{entered, labelled_text_box};
use crate::{AuditStatus, Command, DeskState};
use docexam_audit::FindingKind;
use docexam_audit::export::ExportFormat;

/// Size of the INTACT / TAMPERED verdict.
const VERDICT_SIZE: f32 = 34.0;

fn push(out: &mut Vec<Command>, command: SupervisorCommand) {
    out.push(Command::Supervisor(command));
}

/// Draws the screen: the sign-in form until a supervisor is signed in, then the sections.
pub fn draw(ui: &mut egui::Ui, state: &DeskState, views: &mut SupervisorViews, out: &mut Vec<Command>) {
    let supervisor = &state.supervisor;
    let Some(actor) = &supervisor.actor else {
        return sign_in(ui, state, views, out);
    };
    ui.horizontal(|ui| {
        ui.heading("Supervisor");
        match &actor.name {
            Some(name) => ui.label(format!("signed in as {name}")),
            None => ui.label("signed in"),
        };
        if ui.button("Log out").clicked() {
            push(out, SupervisorCommand::LogOut);
        }
        ui.separator();
        for section in Section::ALL {
            if ui.selectable_label(supervisor.section == section, section.title()).clicked() {
                push(out, SupervisorCommand::ShowSection(section));
            }
        }
    });
    ui.separator();
    match supervisor.section {
        Section::Records => super::records::draw(ui, supervisor, views, out),
        Section::Integrity => integrity(ui, supervisor, out),
        Section::Export => export(ui, supervisor, views, out),
        Section::Purge => purge(ui, supervisor, views, out),
        Section::Statistics => super::stats::draw(ui, supervisor, views, out),
    }
}

fn sign_in(ui: &mut egui::Ui, state: &DeskState, views: &mut SupervisorViews, out: &mut Vec<Command>) {
    let supervisor = &state.supervisor;
    let open = matches!(state.audit, AuditStatus::Open { .. });
    // Whether a passphrase is set up decides what the form says; asked once per sign-in screen.
    if open
        && supervisor.settings.is_none()
        && supervisor.settings_request.is_none()
        && supervisor.settings_error.is_none()
    {
        push(out, SupervisorCommand::LoadSettings);
    }
    ui.heading("Supervisor sign-in");
    ui.label("The audit log, its verification, export, purge and statistics are for supervisors.");
    ui.add_space(8.0);
    if let AuditStatus::Failed(reason) = &state.audit {
        ui.colored_label(BAD, format!("The audit log is not open: {reason}"));
    }
    if supervisor.passphrase_set_up() == Some(false) {
        ui.colored_label(WARN, RichText::new("No supervisor passphrase is set up on this desk yet.").strong());
        ui.label("Set one in a terminal on this computer, then sign in here:");
        ui.label(RichText::new(format!("docexam audit passphrase --db {}", state.database.display())).monospace());
        ui.add_space(8.0);
    }
    let mut submit = false;
    egui::Grid::new("supervisor_sign_in").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        let label = ui.label("Name or id (optional)");
        let name = ui.add(egui::TextEdit::singleline(&mut views.name).hint_text("e.g. sup-3")).labelled_by(label.id);
        submit |= entered(ui, &name);
        ui.end_row();
        let label = ui.label("Passphrase");
        let passphrase = ui.add(egui::TextEdit::singleline(&mut views.passphrase).password(true)).labelled_by(label.id);
        if views.passphrase.is_empty() && ui.memory(|m| m.focused().is_none()) {
            passphrase.request_focus();
        }
        submit |= entered(ui, &passphrase);
        ui.end_row();
    });
    ui.add_space(8.0);
    if supervisor.authenticating.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Checking the passphrase...");
        });
    } else if ui.button("Sign in (Enter)").clicked() || submit {
        // The passphrase leaves the edit buffer with the command.
        let passphrase = std::mem::take(&mut views.passphrase);
        push(out, SupervisorCommand::LogIn { passphrase, name: views.name.clone() });
    }
    if let Some(error) = &supervisor.login_error {
        ui.label(RichText::new(error).color(BAD).strong());
    }
    if let Some(error) = &supervisor.settings_error {
        ui.colored_label(WARN, format!("The log's settings could not be read: {error}"));
    }
}

fn finding_words(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Gap => "records missing, repeated or out of order",
        FindingKind::Envelope => "a record disagrees with its row or position",
        FindingKind::Chain => "a record's content does not match the chain",
        FindingKind::Checkpoint => "a signed checkpoint does not match the records",
        FindingKind::Coverage => "records missing at the end, or beyond the last signed checkpoint",
        FindingKind::Signature => "a signature does not verify",
        FindingKind::ForeignKey => "the desk key file is not this log's key",
        FindingKind::PersonalData => "personal data does not match its record, or is gone without a purge",
        FindingKind::Damaged => "the database file is damaged",
        FindingKind::Rollback => "the log does not extend an earlier proof",
    }
}

fn integrity(ui: &mut egui::Ui, supervisor: &SupervisorState, out: &mut Vec<Command>) {
    ui.label(
        "Re-walks every record's hash chain and checks the signed checkpoints, the desk key and the personal \
         data against their records.",
    );
    ui.add_space(4.0);
    if supervisor.verifying.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Verifying...");
        });
    } else if ui.button("Verify integrity").clicked() {
        push(out, SupervisorCommand::Verify);
    }
    let Some(report) = &supervisor.verified else { return };
    ui.add_space(8.0);
    if report.intact() {
        ui.label(RichText::new("INTACT").color(GOOD).size(VERDICT_SIZE).strong());
        if let Some(own) = &report.own {
            ui.label(format!(
                "Desk {}: {} records, {} covered by the last signed checkpoint, key fingerprint {}.",
                own.desk,
                own.records,
                own.signed_size,
                own.key_fingerprint.as_deref().unwrap_or("?")
            ));
        }
    } else {
        ui.label(RichText::new("TAMPERED").color(BAD).size(VERDICT_SIZE).strong());
        if let Some(first) = report.findings.first() {
            let text = match first.record {
                Some(seq) => format!("First bad record: #{seq} of desk {}", first.desk),
                None => format!("Desk {}: no single record can be named", first.desk),
            };
            ui.label(RichText::new(text).color(BAD).strong());
            ui.label(format!("Reason: {} ({})", first.detail, finding_words(first.kind)));
        }
        for finding in report.findings.iter().skip(1) {
            ui.colored_label(BAD, finding.to_string());
        }
    }
    for chain in &report.imported {
        ui.label(format!("Imported desk {}: {} records.", chain.desk, chain.records));
    }
    ui.label(format!(
        "Personal data rows: {}; records purged of personal data: {}.",
        report.personal_data_rows, report.purged_records
    ));
    for note in &report.notes {
        ui.small(note);
    }
}

fn export(ui: &mut egui::Ui, supervisor: &SupervisorState, views: &mut SupervisorViews, out: &mut Vec<Command>) {
    let job = &supervisor.export;
    let running = job.request.is_some();
    ui.label(
        "Exports every record of this desk's log, with a signed proof file beside it (FILE.proof.json). An \
         export never overwrites a file; it is itself recorded in the log.",
    );
    ui.add_space(4.0);
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal(|ui| {
            ui.label("Format:");
            ui.radio_value(&mut views.export_format, ExportFormat::Csv, "CSV");
            ui.radio_value(&mut views.export_format, ExportFormat::Jsonl, "JSON Lines");
        });
        if supervisor.personal_data_kept() {
            ui.checkbox(&mut views.export_personal, "Include personal data (names, birth dates, document numbers)");
        } else {
            views.export_personal = false;
            ui.small("This desk keeps no personal data: the export holds none.");
        }
        ui.horizontal(|ui| {
            let hint = "a new file, e.g. /media/usb/audit-2026-11.csv";
            let path = labelled_text_box(ui, "Export to", &mut views.export_path, hint, 420.0);
            let typed = !views.export_path.trim().is_empty();
            let clicked = ui.add_enabled(typed, egui::Button::new("Export")).clicked();
            if typed && (clicked || entered(ui, &path)) {
                push(
                    out,
                    SupervisorCommand::ExportTo {
                        path: PathBuf::from(views.export_path.trim()),
                        format: views.export_format,
                        personal_data: views.export_personal,
                    },
                );
            }
            if ui.button("Choose file...").clicked() {
                push(
                    out,
                    SupervisorCommand::ChooseExportFile {
                        format: views.export_format,
                        personal_data: views.export_personal,
                    },
                );
            }
        });
    });
    if running {
        let bar = match job.progress {
            Some((done, total)) => {
                let fraction = if total == 0 { 0.0 } else { done as f32 / total as f32 };
                egui::ProgressBar::new(fraction).text(format!("{done} of {total} records read"))
            }
            None => egui::ProgressBar::new(0.0).animate(true).text("exporting..."),
        };
        ui.add(bar.desired_width(420.0));
        if let Some(target) = &job.target {
            ui.small(format!("to {}", target.display()));
        }
    }
    if let Some(summary) = &job.summary {
        ui.add_space(8.0);
        ui.label(RichText::new(format!("Exported {} records.", summary.records)).color(GOOD).strong());
        egui::Grid::new("supervisor_export_summary").num_columns(2).show(ui, |ui| {
            ui.label("File");
            ui.label(summary.file.display().to_string());
            ui.end_row();
            ui.label("Proof");
            ui.label(summary.proof.display().to_string());
            ui.end_row();
            ui.label("With personal data");
            ui.label(format!("{} records", summary.personal_data_rows));
            ui.end_row();
            ui.label("Recorded as");
            ui.label(format!("#{}", summary.recorded.seq));
            ui.end_row();
        });
        ui.small("Keep the proof file with the export: it proves what the log held, and catches a later rewrite.");
    }
    if let Some(error) = &job.error {
        ui.colored_label(BAD, format!("The export failed: {error}"));
    }
}

fn purge(ui: &mut egui::Ui, supervisor: &SupervisorState, views: &mut SupervisorViews, out: &mut Vec<Command>) {
    let job = &supervisor.purge;
    ui.label(
        "Removes the personal data (names, birth dates, full document numbers) of inspections recorded before a \
         day. The records stay and still verify; the purge is itself recorded.",
    );
    if !supervisor.personal_data_kept() {
        ui.small("This desk keeps no personal data now; older records may still hold some.");
    }
    ui.add_space(4.0);
    egui::Grid::new("supervisor_purge").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
        labelled_text_box(ui, "Purge before (YYYY-MM-DD)", &mut views.purge_before, "the first day kept", 140.0);
        ui.end_row();
        let label = ui.label(format!("Type {PURGE_CONFIRMATION} to confirm"));
        ui.add(egui::TextEdit::singleline(&mut views.purge_confirm).desired_width(140.0)).labelled_by(label.id);
        ui.end_row();
    });
    let ready = job.request.is_none()
        && views.purge_confirm.trim() == PURGE_CONFIRMATION
        && !views.purge_before.trim().is_empty();
    if job.request.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Purging...");
        });
    } else if ui.add_enabled(ready, egui::Button::new("Purge personal data")).clicked() {
        let confirmation = std::mem::take(&mut views.purge_confirm);
        push(out, SupervisorCommand::Purge { before: views.purge_before.clone(), confirmation });
    }
    if let Some(purged) = &job.purged {
        let event = &purged.event;
        let range = event.range.map(|(first, last)| format!(" in records #{first}-#{last}")).unwrap_or_default();
        ui.label(
            RichText::new(format!(
                "Personal data of {} record(s) recorded before {} removed{range}; recorded as #{}.",
                event.purged, event.before, purged.appended.seq
            ))
            .color(GOOD)
            .strong(),
        );
        if !purged.wal_truncated {
            ui.colored_label(
                WARN,
                "Another program was reading the log: old copies may stay in its -wal file until the next write.",
            );
        }
    }
    if let Some(error) = &job.error {
        ui.colored_label(BAD, error);
    }
}
