//! [`Outbox`]: what a part of the desk's state asks of everything outside it.
//!
//! `DeskApp::apply` hands the supervisor and training handlers their own state and an outbox.
//! Requests to the audit worker go out at once (the handler keeps the request id to match the
//! reply); everything else that lies outside the handler's state (notifications, the shift and
//! the document on the desk, dialogs, pictures) comes back as [`Effect`]s, which `DeskApp::apply`
//! carries out in order when the handler returns.

use std::path::PathBuf;

use crate::audit_worker::{AuditRequest, AuditWorker, RequestId};
use crate::document::Recording;
use crate::scan_worker::Want;
use crate::{AuditStatus, Severity, Shift, Tab};
use docexam_audit::export::ExportFormat;

/// A change outside the handler's own state, carried out by `DeskApp::apply`.
#[derive(Debug)]
pub enum Effect {
    /// Show a notification.
    Notify(Severity, String),
    /// Show a screen.
    ShowTab(Tab),
    /// The supervisor's form buffers start empty again (signed out).
    ClearSupervisorForms,
    /// Ask for the export file with the system save dialog, on its own thread.
    ChooseExportFile {
        /// The format.
        format: ExportFormat,
        /// With personal data.
        personal_data: bool,
    },
    /// A training run takes the desk: this shift replaces the officer's (the run keeps that one)
    /// and the desk is cleared.
    TakeDesk(Shift),
    /// Open a training run's document on the desk.
    OpenTrainingDocument {
        /// The pack's image.
        path: PathBuf,
        /// What the scan worker reads of it.
        want: Want,
        /// The trainee examines the MRZ by eye.
        manual_only: bool,
    },
    /// Where recording the document on the desk stands now.
    SetRecording(Recording),
    /// A training run gives the desk back: the document goes, this shift (the officer's) comes
    /// back, and scans that arrived meanwhile open.
    ReturnDesk(Option<Shift>),
    /// Decode a training report's image on its own thread.
    LoadReportImage(PathBuf),
    /// The training report's picture: a decoded image to show, or none.
    ReportPicture(Option<image::RgbaImage>),
}

/// Requests to the audit worker and the effects a handler asks for.
pub struct Outbox<'a> {
    audit: Option<&'a mut AuditWorker>,
    audit_status: &'a AuditStatus,
    effects: Vec<Effect>,
}

impl<'a> Outbox<'a> {
    /// An empty outbox sending to `audit` (`None`: the log is not open; `status` says why).
    pub fn new(audit: Option<&'a mut AuditWorker>, status: &'a AuditStatus) -> Self {
        Self { audit, audit_status: status, effects: Vec::new() }
    }

    /// Sends a request to the audit worker; when it cannot go, a notification says why.
    pub fn send_audit(&mut self, request: AuditRequest) -> Option<RequestId> {
        let sent = self.audit.as_mut().and_then(|worker| worker.send(request));
        if sent.is_none() {
            let why = match self.audit_status {
                AuditStatus::Failed(reason) => reason.clone(),
                _ => "the audit log is not open".to_owned(),
            };
            self.notify(Severity::Error, format!("the audit log cannot take requests: {why}"));
        }
        sent
    }

    /// Asks for a notification.
    pub fn notify(&mut self, severity: Severity, text: impl Into<String>) {
        self.push(Effect::Notify(severity, text.into()));
    }

    /// Asks for an effect.
    pub fn push(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    /// The effects asked for, in order.
    pub fn into_effects(self) -> Vec<Effect> {
        self.effects
    }
}
