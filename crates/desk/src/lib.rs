//! The egui desk app: a thin shell over the core.
//!
//! Shape (see ARCHITECTURE.md): [`DeskApp::logic`] drains the workers' replies into
//! [`Command`]s and applies them; [`DeskApp::ui`] draws the [`panels`] (one file each, with the
//! view state it alone needs) from read-only [`DeskState`] and pushes commands;
//! [`DeskApp::apply`] is the only place state changes: the supervisor and training handlers it
//! calls get their own state and an [`outbox::Outbox`], and hand every other change back as an
//! [`outbox::Effect`] for it to carry out. Slow work never runs here: OCR on the scan worker,
//! every SQLite access on the audit worker, file dialogs on their own threads; each wakes the UI
//! with `request_repaint` when it answers.

mod apply;
pub mod audit_worker;
pub mod clock;
pub mod command;
pub mod document;
pub mod folder_watch;
pub mod look;
pub mod outbox;
pub mod panels;
pub mod scan_worker;
pub mod store;
pub mod supervisor;
pub mod tour;
pub mod training;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use crate::audit_worker::AuditWorker;
use crate::folder_watch::{FolderWatcher, WatchEvent};
use crate::scan_worker::ScanWorker;
use docexam_audit::OpenOptions;
use docexam_exam::manual::{Level, LoadedManual, ManualLibrary};
use docexam_files::database_path;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_scan::ScanOptions;

pub use command::{Command, Severity, Tab};
use document::{Document, DocumentSetup};
use store::{DeskSettings, Draft, Store};

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
    /// Images that arrived (watched folder, command line) while they could not open, oldest
    /// first; each opens when the desk is free.
    pub waiting_files: VecDeque<PathBuf>,
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
    views: panels::Views,
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
            waiting_files: VecDeque::new(),
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
            views: panels::Views::default(),
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
        look::apply_look(ctx, &app.state.settings);
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
    pub fn views(&self) -> &panels::Views {
        &self.views
    }

    /// Queues a command (tests and panels).
    pub fn push(&mut self, command: Command) {
        self.queue.push(command);
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

    fn document_setup(&self) -> Option<DocumentSetup> {
        let shift = self.state.shift.as_ref()?;
        Some(DocumentSetup {
            level: shift.level,
            officer: shift.officer.clone(),
            station: shift.station.clone(),
            started_at: clock::now(),
        })
    }
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
        panels::draw(ui, &self.state, &mut self.views, &mut commands);
        self.queue.extend(commands);
        if !self.queue.is_empty() {
            ui.ctx().request_repaint();
        }
        if let (Some(tour), Some(started)) = (&mut self.tour, self.frame_started) {
            tour.frame_done(&self.state, started);
        }
    }
}
