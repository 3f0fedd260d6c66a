//! The supervisor screen, behind the supervisor passphrase: verify the audit log.

use crate::audit::VerifyReport;
use crate::audit::worker::{AuditReply, AuditRequest, RequestId};

use super::desk_ui::{BAD, GOOD, Views};
use super::{Command, DeskApp, DeskState, Severity};

/// Supervisor state.
#[derive(Debug, Default)]
pub struct SupervisorState {
    /// The verification running.
    pub verifying: Option<RequestId>,
    /// The last verification.
    pub verified: Option<VerifyReport>,
}

/// Supervisor edit buffers.
#[derive(Debug, Default)]
pub struct SupervisorViews {
    /// The passphrase being typed.
    pub passphrase: String,
}

/// Supervisor actions.
#[derive(Debug)]
pub enum SupervisorCommand {
    /// Verify the whole log.
    Verify,
}

/// Applies a supervisor command.
pub fn apply(app: &mut DeskApp, command: SupervisorCommand) {
    match command {
        SupervisorCommand::Verify => {
            if app.state.supervisor.verifying.is_none() {
                app.state.supervisor.verifying = app.send_audit(AuditRequest::Verify);
            }
        }
    }
}

/// An audit reply that is not the desk's own.
pub fn audit_replied(app: &mut DeskApp, id: RequestId, reply: AuditReply) {
    if app.state.supervisor.verifying != Some(id) {
        return;
    }
    app.state.supervisor.verifying = None;
    match reply {
        AuditReply::Verified(report) => app.state.supervisor.verified = Some(report),
        AuditReply::Failed(e) => app.state.notify(Severity::Error, format!("verification could not run: {e}")),
        other => app.state.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
    }
}

/// Draws the screen.
pub fn draw(ui: &mut egui::Ui, state: &DeskState, _views: &mut Views, out: &mut Vec<Command>) {
    ui.heading("Audit log");
    if state.supervisor.verifying.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Verifying...");
        });
    } else if ui.button("Verify integrity").clicked() {
        out.push(Command::Supervisor(SupervisorCommand::Verify));
    }
    if let Some(report) = &state.supervisor.verified {
        if report.intact() {
            ui.colored_label(GOOD, "INTACT");
        } else {
            ui.colored_label(BAD, "TAMPERED");
        }
    }
}
