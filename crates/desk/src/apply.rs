//! [`DeskApp::apply`]: the one place the desk's state changes. Every [`Command`] (a key, a
//! click, a worker's reply, a dialog's answer) is handled here; the supervisor and training
//! handlers it calls change only their own state and hand everything else back as [`Effect`]s,
//! which [`DeskApp::apply`] carries out in order. [`DeskApp::process`] runs a frame's commands
//! through it, then saves the draft once if they changed the document.

use std::path::PathBuf;

use crate::audit_worker::{AuditReply, AuditRequest, OPEN_REQUEST};
use crate::document::{Document, DocumentSetup, Recording, ScanState};
use crate::look::apply_look;
use crate::outbox::{Effect, Outbox};
use crate::scan_worker::{ScanReply, Want};
use crate::store::DeskSettings;
use crate::{AuditStatus, Command, DeskApp, Severity, Shift, Tab, clock, supervisor, training};
use docexam_exam::manual::{Level, LoadedManual};
use docexam_files::database_path;
use docexam_mrz::dates::DatePolicy;

impl DeskApp {
    /// Drains the workers and applies every queued command (what `logic` does each frame).
    pub fn process(&mut self) {
        self.collect_replies();
        let mut rounds = 0;
        while !self.queue.is_empty() && rounds < 8 {
            rounds += 1;
            for command in std::mem::take(&mut self.queue) {
                self.apply(command);
            }
        }
        if self.draft_dirty {
            self.draft_dirty = false;
            self.save_draft();
        }
    }

    /// Keeps the officer's unfinished work as a draft: once per frame, after its commands.
    fn save_draft(&mut self) {
        let result = match &self.state.document {
            // A trainee's document is no officer's unfinished work: it is never kept as a draft.
            _ if self.state.training.running() => Ok(()),
            Some(document) if document.recording == Recording::NotYet && document.has_officer_work() => {
                self.store.save_draft(&document.draft())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.state.notify(Severity::Error, format!("the draft could not be saved: {e}"));
        }
    }

    /// Applies one command: the only place the desk's state changes.
    pub fn apply(&mut self, command: Command) {
        if self.state.training.running() && !allowed_while_training(&command) {
            if let Command::WatchedFile(path) = command {
                self.state.waiting_files.push_back(path);
            }
            return self.state.notify(Severity::Warning, training::BUSY);
        }
        match command {
            Command::StartShift { officer, station, manual, level } => {
                self.start_shift(officer, station, manual, level)
            }
            Command::EndShift => {
                self.state.shift = None;
                self.state.tab = Tab::Desk;
            }
            Command::ShowTab(tab) => self.state.tab = tab,
            Command::NewTypedDocument => self.new_document(None),
            Command::OpenImage(path) => self.new_document(Some(path)),
            Command::WatchedFile(path) => {
                let busy = self.state.document.as_ref().is_some_and(|d| d.recording == Recording::NotYet);
                if busy {
                    self.state.notify(
                        Severity::Info,
                        format!(
                            "{} arrived in the scan folder; it opens when this inspection is recorded",
                            path.display()
                        ),
                    );
                    self.state.waiting_files.push_back(path);
                } else {
                    self.new_document(Some(path));
                }
            }
            Command::WatchFailed(reason) => self.state.notify(Severity::Error, format!("scan folder: {reason}")),
            Command::ChooseImage => self.choose_image(),
            Command::CancelScan => {
                if let Some(ScanState::Running(job)) = self.state.document.as_ref().map(|d| &d.scan) {
                    self.scan.cancel(*job);
                }
            }
            Command::ScanReplied(job, reply) => self.scan_replied(job, reply),
            Command::EditMrz(text) => self.with_document(|d, m, s, p| d.mrz_edited(m, s, text, p)),
            Command::SelectItem(index) => {
                if let Some(d) = &mut self.state.document {
                    d.selected = index;
                    d.move_selection(0);
                    d.pending_override = None;
                }
            }
            Command::MoveSelection(delta) => {
                if let Some(d) = &mut self.state.document {
                    d.move_selection(delta);
                    d.pending_override = None;
                }
            }
            Command::AnswerSelected(answer) => {
                if let Some(item) = self.state.document.as_ref().and_then(|d| d.selected_item()).map(|i| i.id.clone()) {
                    self.apply(Command::Answer { item, answer });
                }
            }
            Command::Answer { item, answer } => self.edit_document(|d| {
                let done = d.answer(&item, answer)?;
                if done {
                    d.move_selection(1);
                }
                Ok(())
            }),
            Command::ConfirmOverride(reason) => self.edit_document(|d| {
                d.confirm_override(&reason)?;
                d.move_selection(1);
                Ok(())
            }),
            Command::CancelOverride => self.edit_document(|d| {
                d.pending_override = None;
                Ok(())
            }),
            Command::SetNote { item, note } => self.edit_document(|d| d.set_note(&item, note)),
            Command::ChooseOutcome(outcome) => self.edit_document(|d| {
                d.decision.outcome = Some(outcome);
                if !outcome.takes_refusal_reasons() {
                    d.decision.reasons.clear();
                }
                Ok(())
            }),
            Command::ToggleReason(reason) => self.edit_document(|d| {
                if !d.decision.reasons.remove(&reason) {
                    d.decision.reasons.insert(reason);
                }
                Ok(())
            }),
            Command::SetJustification(text) => self.edit_document(|d| {
                d.decision.justification = text;
                Ok(())
            }),
            Command::DecideAndRecord => self.decide_and_record(),
            Command::RetryRecording => self.record_current(),
            Command::DiscardDocument => {
                self.state.document = None;
                self.remove_draft();
                self.open_next_waiting();
            }
            Command::AuditReplied(id, reply) => self.audit_replied(id, reply),
            Command::ResumeDraft => {
                if let Some(draft) = self.state.draft_offer.take() {
                    let shift = Shift {
                        officer: draft.inspection.officer().unwrap_or_default().to_owned(),
                        station: draft.inspection.station().unwrap_or_default().to_owned(),
                        manual: draft.inspection.manual().id.clone(),
                        level: draft.inspection.level(),
                    };
                    self.state.shift.get_or_insert(shift);
                    self.state.document = Some(Document::from_draft(draft, &self.state.policy));
                    self.state.tab = Tab::Desk;
                }
            }
            Command::DiscardDraft => {
                self.state.draft_offer = None;
                self.remove_draft();
            }
            Command::Notify(severity, text) => self.state.notify(severity, text),
            Command::Dismiss(id) => self.state.notifications.retain(|n| n.id != id),
            Command::ApplySettings(settings) => self.apply_settings(*settings),
            Command::Supervisor(command) => {
                let mut outbox = Outbox::new(self.audit.as_mut(), &self.state.audit);
                supervisor::apply(&mut self.state.supervisor, &mut outbox, command);
                let effects = outbox.into_effects();
                self.carry_out(effects);
            }
            Command::Training(command) => {
                let state = &mut self.state;
                let desk = training::Desk {
                    library: &state.library,
                    language: &state.settings.language,
                    shift: state.shift.as_ref(),
                    document: state.document.as_ref(),
                };
                let mut outbox = Outbox::new(self.audit.as_mut(), &state.audit);
                training::apply(&mut state.training, desk, &mut outbox, command);
                let effects = outbox.into_effects();
                self.carry_out(effects);
            }
        }
    }

    fn start_shift(&mut self, officer: String, station: String, manual: String, level: Level) {
        let (officer, station) = (officer.trim().to_owned(), station.trim().to_owned());
        if officer.is_empty() {
            return self.state.notify(Severity::Warning, "enter your officer id to start");
        }
        if self.state.library.select(&manual, &self.state.settings.language).is_err() {
            return self.state.notify(Severity::Error, format!("manual {manual:?} is not available"));
        }
        self.state.settings.officer = officer.clone();
        self.state.settings.station = station.clone();
        self.state.settings.manual = manual.clone();
        self.state.settings.level = level;
        if let Err(e) = self.store.save_settings(&self.state.settings) {
            self.state.notify(Severity::Warning, format!("settings not saved: {e}"));
        }
        self.state.shift = Some(Shift { officer, station, manual, level });
        // An image given on the command line (or scanned) before the shift started opens now.
        if self.state.document.is_none() {
            self.open_next_waiting();
        }
    }

    fn new_document(&mut self, image: Option<PathBuf>) {
        let Some(setup) = self.document_setup() else {
            if let Some(path) = image {
                self.state.waiting_files.push_back(path);
            }
            return self.state.notify(Severity::Warning, "start your shift first (officer id, manual, level)");
        };
        if let Some(ScanState::Running(job)) = self.state.document.as_ref().map(|d| &d.scan) {
            self.scan.cancel(*job);
        }
        let Some(manual) = self.state.manual() else {
            return self.state.notify(Severity::Error, "the shift's manual is no longer available");
        };
        let document = match image {
            Some(path) => {
                let job = self.scan.submit(path.clone());
                Document::from_image(manual, &setup, path, job)
            }
            None => Document::typed(manual, &setup),
        };
        match document {
            Ok(document) => {
                self.state.document = Some(document);
                self.state.last_recorded = None;
                self.views.new_document();
                self.draft_dirty = true;
            }
            Err(e) => self.state.notify(Severity::Error, format!("cannot start the inspection: {e}")),
        }
    }

    fn choose_image(&mut self) {
        let sender = self.dialogs.0.clone();
        let repaint = self.ctx.clone();
        // rfd's dialog blocks its caller until the officer chooses: never on the UI thread.
        let spawned = std::thread::Builder::new().name("file-dialog".into()).spawn(move || {
            let picked = rfd::FileDialog::new()
                .set_title("Open a document image")
                .add_filter("images", &["png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp"])
                .pick_file();
            if let Some(path) = picked {
                let _ = sender.send(Command::OpenImage(path));
                repaint.request_repaint();
            }
        });
        if let Err(e) = spawned {
            self.state.notify(Severity::Error, format!("cannot open the file dialog: {e}"));
        }
    }

    fn scan_replied(&mut self, job: crate::scan_worker::JobId, reply: ScanReply) {
        let current = matches!(self.state.document.as_ref().map(|d| &d.scan), Some(ScanState::Running(j)) if *j == job);
        if !current {
            return; // A late answer for an image no longer on the desk.
        }
        let Some(setup) = self.document_setup() else { return };
        let mut failure = None;
        let result = {
            let Some(manual) = self.state.shift.as_ref().and_then(|shift| {
                self.state.library.select(&shift.manual, &self.state.settings.language).ok().map(|s| s.manual)
            }) else {
                return;
            };
            let Some(document) = self.state.document.as_mut() else { return };
            match reply {
                ScanReply::Done(output) => {
                    let report = output.result.report.clone();
                    self.views.image.show_preview(&self.ctx, &output);
                    document.scanned(manual, &setup, output.sha256.clone(), report, output.timing_ms.round() as u64)
                }
                ScanReply::Failed { error } => {
                    failure = Some(error.clone());
                    document.scan_stopped(manual, &setup, ScanState::Failed(error))
                }
                ScanReply::Cancelled | ScanReply::Superseded => {
                    document.scan_stopped(manual, &setup, ScanState::Cancelled)
                }
            }
        };
        if let Some(error) = failure {
            self.state.notify(Severity::Error, format!("the image could not be read: {error}"));
        }
        if let Err(e) = result {
            self.state.notify(Severity::Error, format!("cannot start the inspection: {e}"));
        }
        self.draft_dirty = true;
    }

    /// Runs `change` on the document with its manual and setup, reporting failures.
    fn with_document(
        &mut self,
        change: impl FnOnce(&mut Document, &LoadedManual, &DocumentSetup, &DatePolicy) -> Result<(), String>,
    ) {
        let Some(setup) = self.document_setup() else { return };
        let state = &mut self.state;
        let manual = state
            .shift
            .as_ref()
            .and_then(|shift| state.library.select(&shift.manual, &state.settings.language).ok().map(|s| s.manual));
        let (Some(manual), Some(document)) = (manual, state.document.as_mut()) else { return };
        let result = change(document, manual, &setup, &state.policy);
        if let Err(e) = result {
            state.notify(Severity::Warning, e);
        }
        self.draft_dirty = true;
    }

    fn edit_document(&mut self, change: impl FnOnce(&mut Document) -> Result<(), String>) {
        let Some(document) = self.state.document.as_mut() else { return };
        if document.recording != Recording::NotYet {
            return self.state.notify(Severity::Info, "this inspection is decided; start the next one (Ctrl+N)");
        }
        if let Err(e) = change(document) {
            self.state.notify(Severity::Warning, e);
        }
        self.draft_dirty = true;
    }

    fn decide_and_record(&mut self) {
        let Some(document) = self.state.document.as_mut() else { return };
        if document.recording != Recording::NotYet {
            return;
        }
        if document.decide(clock::now()) {
            self.record_current();
        }
    }

    fn record_current(&mut self) {
        let mut outbox = Outbox::new(self.audit.as_mut(), &self.state.audit);
        let training = training::record_attempt(&mut self.state.training, self.state.document.as_ref(), &mut outbox);
        if training {
            let effects = outbox.into_effects();
            return self.carry_out(effects);
        }
        let Some(inspection) = self.state.document.as_ref().map(|d| d.inspection.clone()) else { return };
        if inspection.decision().is_none() {
            return;
        }
        let sent = outbox.send_audit(AuditRequest::RecordInspection(Box::new(inspection)));
        let effects = outbox.into_effects();
        self.carry_out(effects);
        match sent {
            Some(id) => {
                if let Some(d) = &mut self.state.document {
                    d.recording = Recording::Sending(id);
                }
            }
            None => {
                if let Some(d) = &mut self.state.document {
                    d.recording = Recording::Failed("the audit log is not open".to_owned());
                }
            }
        }
    }

    fn audit_replied(&mut self, id: crate::audit_worker::RequestId, reply: AuditReply) {
        if id == OPEN_REQUEST {
            match reply {
                AuditReply::Opened { desk, records } => self.state.audit = AuditStatus::Open { desk, records },
                AuditReply::Failed(e) => {
                    self.state.notify(Severity::Error, format!("the audit log cannot be opened: {e}"));
                    self.state.audit = AuditStatus::Failed(e.to_string());
                }
                other => self.state.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
            }
            return;
        }
        let recording = self.state.document.as_ref().is_some_and(|d| d.recording == Recording::Sending(id));
        if !recording {
            let mut outbox = Outbox::new(self.audit.as_mut(), &self.state.audit);
            if let Some(reply) = training::audit_replied(&mut self.state.training, &mut outbox, id, reply) {
                supervisor::audit_replied(&mut self.state.supervisor, &mut outbox, id, reply);
            }
            let effects = outbox.into_effects();
            return self.carry_out(effects);
        }
        match reply {
            AuditReply::TrainingRecorded { index, .. } => {
                let Some(document) = &self.state.document else { return };
                let mut outbox = Outbox::new(self.audit.as_mut(), &self.state.audit);
                training::attempt_recorded(&mut self.state.training, document, &mut outbox, index);
                let effects = outbox.into_effects();
                self.carry_out(effects);
            }
            AuditReply::Recorded { seq } => {
                if let AuditStatus::Open { records, .. } = &mut self.state.audit {
                    *records = (*records).max(seq + 1);
                }
                let outcome = self.state.document.as_ref().and_then(|d| d.inspection.decision()).map(|d| d.outcome);
                if let Some(d) = &mut self.state.document {
                    d.recording = Recording::Recorded(seq);
                }
                if let Some(outcome) = outcome {
                    self.state.last_recorded = Some((seq, outcome));
                }
                self.remove_draft();
                self.open_next_waiting();
            }
            AuditReply::Failed(e) => {
                let text = format!("NOT recorded: {e}");
                if let Some(d) = &mut self.state.document {
                    d.recording = Recording::Failed(text.clone());
                }
                self.state.notify(Severity::Error, text);
            }
            other => self.state.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
        }
    }

    fn open_next_waiting(&mut self) {
        if let Some(path) = self.state.waiting_files.pop_front() {
            self.new_document(Some(path));
        }
    }

    fn remove_draft(&mut self) {
        if let Err(e) = self.store.delete_draft() {
            self.state.notify(Severity::Warning, format!("the draft could not be removed: {e}"));
        }
    }

    fn apply_settings(&mut self, settings: DeskSettings) {
        let database_changed = settings.database != self.state.settings.database;
        let watch_changed = settings.watch_folder != self.state.settings.watch_folder;
        self.state.settings = settings;
        apply_look(&self.ctx, &self.state.settings);
        if let Err(e) = self.store.save_settings(&self.state.settings) {
            self.state.notify(Severity::Warning, format!("settings not saved: {e}"));
        }
        if database_changed {
            let path = self
                .state
                .settings
                .database
                .clone()
                .or_else(|| database_path(None).ok())
                .unwrap_or_else(|| PathBuf::from("audit.sqlite"));
            self.state.supervisor = supervisor::SupervisorState::default();
            self.open_audit(path);
        }
        if watch_changed {
            self.watcher = None;
            self.state.watching = None;
            if let Some(folder) = self.state.settings.watch_folder.clone() {
                self.watch(folder);
            }
        }
        self.state.notify(Severity::Info, "settings saved");
    }

    /// Carries out what a handler asked for, in order.
    fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Notify(severity, text) => self.state.notify(severity, text),
                Effect::ShowTab(tab) => self.state.tab = tab,
                Effect::ClearSupervisorForms => self.views.supervisor = supervisor::SupervisorViews::default(),
                Effect::ChooseExportFile { format, personal_data } => {
                    let sender = self.dialogs.0.clone();
                    let spawned = supervisor::choose_export_file(format, personal_data, sender, self.ctx.clone());
                    if let Err(e) = spawned {
                        self.state.notify(Severity::Error, format!("cannot open the save dialog: {e}"));
                    }
                }
                Effect::TakeDesk(shift) => {
                    self.state.shift = Some(shift);
                    self.state.document = None;
                    self.state.last_recorded = None;
                }
                Effect::OpenTrainingDocument { path, want, manual_only } => {
                    self.open_training_document(path, want, manual_only);
                }
                Effect::SetRecording(recording) => {
                    if let Some(document) = &mut self.state.document {
                        document.recording = recording;
                    }
                }
                Effect::ReturnDesk(shift) => {
                    if let Some(ScanState::Running(job)) = self.state.document.as_ref().map(|d| &d.scan) {
                        self.scan.cancel(*job);
                    }
                    self.state.document = None;
                    self.views.new_document();
                    self.state.shift = shift;
                    // Scans that arrived in the watched folder meanwhile open now, for the officer.
                    if self.state.shift.is_some() {
                        self.open_next_waiting();
                    }
                }
                Effect::LoadReportImage(path) => {
                    let sender = self.dialogs.0.clone();
                    if let Err(e) = training::load_report_image(path, sender, self.ctx.clone())
                        && let Some(report) = &mut self.state.training.report
                    {
                        report.image_error = Some(format!("cannot load the image: {e}"));
                    }
                }
                Effect::ReportPicture(picture) => {
                    self.views.training.show_report_picture(&self.ctx, picture.as_ref());
                }
            }
        }
    }

    /// Opens a training run's document on the desk (the run's shift is on).
    fn open_training_document(&mut self, path: PathBuf, want: Want, manual_only: bool) {
        let Some(setup) = self.document_setup() else { return };
        if let Some(ScanState::Running(job)) = self.state.document.as_ref().map(|d| &d.scan) {
            self.scan.cancel(*job);
        }
        let Some(manual) = self.state.manual() else {
            return self.state.notify(Severity::Error, "the pack's manual is no longer available");
        };
        let job = self.scan.submit_for(path.clone(), want);
        let document = if manual_only {
            Document::manual_only(manual, &setup, path, job)
        } else {
            Document::from_image(manual, &setup, path, job)
        };
        match document {
            Ok(document) => {
                self.state.document = Some(document);
                self.views.new_document();
                self.state.tab = Tab::Desk;
            }
            Err(e) => self.state.notify(Severity::Error, format!("cannot start the inspection: {e}")),
        }
    }
}

/// What may happen while a trainee works through a pack: everything on the document on the
/// desk, the trainer's own commands, looking at other tabs. Opening other documents, ending the
/// shift, drafts and settings wait until the run ends.
fn allowed_while_training(command: &Command) -> bool {
    !matches!(
        command,
        Command::StartShift { .. }
            | Command::EndShift
            | Command::NewTypedDocument
            | Command::OpenImage(_)
            | Command::ChooseImage
            | Command::DiscardDocument
            | Command::ResumeDraft
            | Command::DiscardDraft
            | Command::ApplySettings(_)
            | Command::WatchedFile(_)
    )
}
