//! The egui desk app: a thin shell over the core.
//!
//! Shape (see ARCHITECTURE.md): [`DeskApp::logic`] drains the workers' replies into
//! [`Command`]s and applies them; [`DeskApp::ui`] draws panels from read-only [`DeskState`] and
//! pushes commands; [`DeskApp::apply`] is the only place state changes. Slow work never runs
//! here: OCR on the scan worker, every SQLite access on the audit worker, file dialogs on their
//! own threads; each wakes the UI with `request_repaint` when it answers.

pub mod audit_worker;
pub mod command;
pub mod desk_ui;
pub mod document;
pub mod folder_watch;
pub mod mrz_view;
pub mod scan_worker;
pub mod settings_ui;
pub mod store;
pub mod supervisor;
pub mod tour;
pub mod training;

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::audit_worker::{AuditReply, AuditRequest, AuditWorker, OPEN_REQUEST};
use crate::folder_watch::{FolderWatcher, WatchEvent};
use crate::scan_worker::{ScanReply, ScanWorker};
use docexam_audit::OpenOptions;
use docexam_exam::manual::{Level, LoadedManual, ManualLibrary};
use docexam_files::database_path;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_scan::ScanOptions;

pub use command::{Command, Severity, Tab};
use document::{Document, DocumentSetup, Recording, ScanState};
use store::{DeskSettings, Draft, Store, ThemeChoice};

/// What the shell passes in from the command line.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// "Today" for expiry checks and two-digit years.
    pub reference_date: CalendarDate,
    /// Where settings and drafts live (`None`: the OS config folder).
    pub store_dir: Option<PathBuf>,
    /// The manuals folder (`None`: the usual search).
    pub manuals_dir: Option<PathBuf>,
    /// The audit database (`None`: the settings, then `$DOCEXAM_DB`, then the OS data folder).
    pub database: Option<PathBuf>,
    /// An image to open at once.
    pub open: Option<PathBuf>,
    /// A scan folder to watch (overrides the settings).
    pub watch: Option<PathBuf>,
    /// The exercise packs folder (`None`: `$DOCEXAM_PACKS`, the shipped packs, the trainers' own).
    pub packs_dir: Option<PathBuf>,
    /// Run the screenshot tour: save the main screens here, then close.
    pub tour: Option<TourConfig>,
}

/// What the screenshot tour needs.
#[derive(Debug, Clone)]
pub struct TourConfig {
    /// Where the screenshots go.
    pub out_dir: PathBuf,
    /// The committed test images it opens.
    pub images: PathBuf,
    /// The supervisor passphrase of the tour's database (`None`: no supervisor screens).
    pub passphrase: Option<String>,
}

/// Opens the main window and runs until it is closed.
pub fn run(config: AppConfig) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default().with_title("docexam").with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native("docexam", options, Box::new(move |cc| Ok(Box::new(DeskApp::new(&cc.egui_ctx, config)))))
}

/// The officer's shift: who examines, where, with which manual and at which level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// Officer id.
    pub officer: String,
    /// Station.
    pub station: String,
    /// Manual id.
    pub manual: String,
    /// Examination level.
    pub level: Level,
}

/// The audit log as the desk knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditStatus {
    /// The worker is opening it.
    Opening,
    /// Open: this desk, this many records.
    Open {
        /// Desk id.
        desk: String,
        /// Records.
        records: u64,
    },
    /// It could not be opened; inspections cannot be recorded until this is fixed.
    Failed(String),
}

/// A message on screen until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Id for dismissing.
    pub id: u64,
    /// How loud.
    pub severity: Severity,
    /// What happened, in words.
    pub text: String,
}

/// Everything the panels draw from. Only [`DeskApp::apply`] changes it.
pub struct DeskState {
    /// The screen shown.
    pub tab: Tab,
    /// Remembered settings.
    pub settings: DeskSettings,
    /// Manuals found (broken files listed inside).
    pub library: ManualLibrary,
    /// Where the manuals came from, or why none were found.
    pub manuals_source: String,
    /// The shift, once started.
    pub shift: Option<Shift>,
    /// The document on the desk.
    pub document: Option<Document>,
    /// The last recorded inspection: record number and outcome (the confirmation).
    pub last_recorded: Option<(u64, docexam_exam::inspection::Outcome)>,
    /// A draft from an earlier run, offered until resumed or discarded.
    pub draft_offer: Option<Draft>,
    /// Notifications, oldest first.
    pub notifications: Vec<Notification>,
    /// The audit log.
    pub audit: AuditStatus,
    /// The audit database path.
    pub database: PathBuf,
    /// The date policy of every check.
    pub policy: DatePolicy,
    /// The watched scan folder, when one is watched.
    pub watching: Option<PathBuf>,
    /// Supervisor screen state.
    pub supervisor: supervisor::SupervisorState,
    /// Trainer tab state and the trainee's run.
    pub training: training::TrainingState,
    next_notification: u64,
}

impl DeskState {
    /// The manual of the current shift, in the chosen language (English when that is missing).
    pub fn manual(&self) -> Option<&LoadedManual> {
        let shift = self.shift.as_ref()?;
        self.library.select(&shift.manual, &self.settings.language).ok().map(|s| s.manual)
    }

    fn notify(&mut self, severity: Severity, text: impl Into<String>) {
        self.next_notification += 1;
        self.notifications.push(Notification { id: self.next_notification, severity, text: text.into() });
        // A desk left running for a day must not grow without bound.
        if self.notifications.len() > 20 {
            self.notifications.remove(0);
        }
    }
}

/// The desk app: state, the command queue and the workers.
pub struct DeskApp {
    /// The state the panels draw.
    pub state: DeskState,
    views: desk_ui::Views,
    queue: Vec<Command>,
    store: Store,
    scan: ScanWorker,
    audit: Option<AuditWorker>,
    watcher: Option<FolderWatcher>,
    dialogs: (Sender<Command>, Receiver<Command>),
    ctx: egui::Context,
    draft_dirty: bool,
    tour: Option<tour::Tour>,
    frame_started: Option<std::time::Instant>,
}

impl DeskApp {
    /// Builds the desk: loads settings and manuals (milliseconds), starts the workers (they load
    /// Tesseract and open the database on their own threads, so the window appears at once).
    pub fn new(ctx: &egui::Context, config: AppConfig) -> Self {
        let store = Store::new(config.store_dir.clone().or_else(Store::default_dir).unwrap_or_else(|| ".".into()));
        let (settings, settings_error) = store.load_settings();
        let (library, manuals_source) = match docexam_files::find_manuals_dir(config.manuals_dir.as_deref()) {
            Ok(found) => match ManualLibrary::load_dir(&found.dir) {
                Ok(library) => (library, format!("{} ({})", found.dir.display(), found.source)),
                Err(e) => (ManualLibrary::load_paths(&[]), e.to_string()),
            },
            Err(e) => (ManualLibrary::load_paths(&[]), e.to_string()),
        };
        let database = config
            .database
            .clone()
            .or_else(|| settings.database.clone())
            .or_else(|| database_path(None).ok())
            .unwrap_or_else(|| PathBuf::from("audit.sqlite"));
        let policy = DatePolicy::new(config.reference_date);
        let repaint = ctx.clone();
        let scan = ScanWorker::spawn(policy, ScanOptions::default(), move || repaint.request_repaint());
        let draft_offer = store.load_draft();
        let packs = docexam_files::PackSearch::from_environment(config.packs_dir.as_deref());
        let training = training::TrainingState::new(packs, &library);
        let mut state = DeskState {
            tab: Tab::Desk,
            settings,
            library,
            manuals_source,
            shift: None,
            document: None,
            last_recorded: None,
            draft_offer: None,
            notifications: Vec::new(),
            audit: AuditStatus::Opening,
            database: database.clone(),
            policy,
            watching: None,
            supervisor: supervisor::SupervisorState::default(),
            training,
            next_notification: 0,
        };
        if let Some(e) = settings_error {
            state.notify(Severity::Warning, format!("settings not loaded, defaults used: {e}"));
        }
        match draft_offer {
            Ok(draft) => state.draft_offer = draft,
            Err(e) => state.notify(Severity::Warning, format!("an unfinished inspection could not be restored: {e}")),
        }
        let broken: Vec<String> = state
            .library
            .broken()
            .iter()
            .map(|b| format!("manual {} not used: {} problem(s)", b.path.display(), b.error_count()))
            .collect();
        for text in broken {
            state.notify(Severity::Warning, text);
        }
        let mut app = Self {
            state,
            views: desk_ui::Views::default(),
            queue: Vec::new(),
            store,
            scan,
            audit: None,
            watcher: None,
            dialogs: mpsc::channel(),
            ctx: ctx.clone(),
            draft_dirty: false,
            tour: config.tour.map(|t| tour::Tour::new(t.out_dir, tour::main_screens(&t.images, t.passphrase))),
            frame_started: None,
        };
        app.open_audit(database);
        apply_look(ctx, &app.state.settings);
        if let Some(folder) = config.watch.clone().or_else(|| app.state.settings.watch_folder.clone()) {
            app.watch(folder);
        }
        if let Some(path) = config.open {
            app.queue.push(Command::OpenImage(path));
        }
        app
    }

    fn open_audit(&mut self, path: PathBuf) {
        // Dropping the old worker finishes its queued requests first.
        self.audit = None;
        self.state.audit = AuditStatus::Opening;
        self.state.database = path.clone();
        let repaint = self.ctx.clone();
        match AuditWorker::spawn(path, OpenOptions::default(), move || repaint.request_repaint()) {
            Ok(worker) => self.audit = Some(worker),
            Err(e) => self.state.audit = AuditStatus::Failed(e.to_string()),
        }
    }

    fn watch(&mut self, folder: PathBuf) {
        let repaint = self.ctx.clone();
        match FolderWatcher::start(folder.clone(), move || repaint.request_repaint()) {
            Ok(watcher) => {
                self.watcher = Some(watcher);
                self.state.watching = Some(folder);
            }
            Err(e) => {
                self.watcher = None;
                self.state.watching = None;
                self.state.notify(Severity::Error, format!("cannot watch {}: {e}", folder.display()));
            }
        }
    }

    /// The panels' buffers and pictures (read by tests).
    pub fn views(&self) -> &desk_ui::Views {
        &self.views
    }

    /// Queues a command (tests and panels).
    pub fn push(&mut self, command: Command) {
        self.queue.push(command);
    }

    /// Sends a request to the audit worker, or says why it cannot go.
    fn send_audit(&mut self, request: AuditRequest) -> Option<crate::audit_worker::RequestId> {
        let sent = self.audit.as_mut().and_then(|worker| worker.send(request));
        if sent.is_none() {
            let why = match &self.state.audit {
                AuditStatus::Failed(reason) => reason.clone(),
                _ => "the audit log is not open".to_owned(),
            };
            self.state.notify(Severity::Error, format!("the audit log cannot take requests: {why}"));
        }
        sent
    }

    fn collect_replies(&mut self) {
        while let Some((job, reply)) = self.scan.try_recv() {
            self.queue.push(Command::ScanReplied(job, reply));
        }
        while let Some((id, reply)) = self.audit.as_ref().and_then(AuditWorker::try_recv) {
            self.queue.push(Command::AuditReplied(id, reply));
        }
        while let Some(event) = self.watcher.as_ref().and_then(FolderWatcher::try_recv) {
            self.queue.push(match event {
                WatchEvent::NewFile(path) => Command::WatchedFile(path),
                WatchEvent::Error(reason) => Command::WatchFailed(reason),
            });
        }
        while let Ok(command) = self.dialogs.1.try_recv() {
            self.queue.push(command);
        }
    }

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

    fn document_setup(&self) -> Option<DocumentSetup> {
        let shift = self.state.shift.as_ref()?;
        Some(DocumentSetup {
            level: shift.level,
            officer: shift.officer.clone(),
            station: shift.station.clone(),
            started_at: docexam_audit::log::now(),
        })
    }

    /// Applies one command: the only place the desk's state changes.
    pub fn apply(&mut self, command: Command) {
        if self.state.training.running() && !allowed_while_training(&command) {
            if let Command::WatchedFile(path) = command {
                self.views.waiting_files.push_back(path);
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
                    self.views.waiting_files.push_back(path);
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
            Command::Supervisor(command) => supervisor::apply(self, command),
            Command::Training(command) => training::apply(self, command),
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
                self.views.waiting_files.push_back(path);
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
                    self.views.show_preview(&self.ctx, &output);
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
        if document.decide(docexam_audit::log::now()) {
            self.record_current();
        }
    }

    fn record_current(&mut self) {
        if training::record_attempt(self) {
            return;
        }
        let Some(inspection) = self.state.document.as_ref().map(|d| d.inspection.clone()) else { return };
        if inspection.decision().is_none() {
            return;
        }
        match self.send_audit(AuditRequest::RecordInspection(Box::new(inspection))) {
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
            if let Some(reply) = training::audit_replied(self, id, reply) {
                supervisor::audit_replied(self, id, reply);
            }
            return;
        }
        match reply {
            AuditReply::TrainingRecorded { index, .. } => training::attempt_recorded(self, index),
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
        if let Some(path) = self.views.waiting_files.pop_front() {
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

/// Text size and theme.
fn apply_look(ctx: &egui::Context, settings: &DeskSettings) {
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

impl eframe::App for DeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.frame_started = Some(std::time::Instant::now());
        if let Some(tour) = &mut self.tour {
            let commands = tour.advance(ctx, &self.state);
            self.queue.extend(commands);
        }
        self.process();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut commands = Vec::new();
        desk_ui::draw(ui, &self.state, &mut self.views, &mut commands);
        self.queue.extend(commands);
        if !self.queue.is_empty() {
            ui.ctx().request_repaint();
        }
        if let (Some(tour), Some(started)) = (&mut self.tour, self.frame_started) {
            tour.frame_done(&self.state, started);
        }
    }
}
