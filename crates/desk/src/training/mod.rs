//! The Trainer tab and a trainee's run through an exercise pack.
//!
//! A trainer chooses a pack (found on the [`PackShelf`]: shipped, `--packs`, `$DOCEXAM_PACKS` or
//! the trainers' own folder), types the trainee's name and, if wanted, ticks "manual only". The
//! session is stored first ([`AuditRequest::TrainingStart`]); then each document of the pack opens
//! on the ordinary desk, one after the other, under a training shift (the trainee as officer,
//! first-line level, the key's manual). Deciding a document stores a training attempt
//! ([`AuditRequest::TrainingAttempt`]) instead of recording an inspection: training never enters
//! the audit chain. After the last document the session is finished and the report opens: the
//! score, the per-item hits and misses, and each document's planted defects drawn on its image,
//! missed ones in red.
//!
//! While a run is on, the officer's own work waits: nothing else can be opened, no draft is kept,
//! and the officer's shift comes back when the run ends or is abandoned. Manual-only runs ask
//! the scan worker for the picture only ([`Want::PreviewOnly`]), so no machine finding exists to
//! show; runs with OCR check dates on the pack's reference day ([`Want::MrzAsOf`]), so a pack
//! made today scores the same next year.

mod view;

use std::path::PathBuf;
use std::time::Instant;

use crate::audit_worker::{AuditReply, AuditRequest, RequestId};
use crate::scan_worker::Want;
use docexam_audit::training::{NewSession, SessionId, SessionSummary};
use docexam_exam::manual::Level;
use docexam_exam::training::packs::{FoundPack, PackSearch, PackShelf, PacksDir};
use docexam_exam::training::{AnswerKey, SessionScore};
use docexam_exam::training::{Attempt, score_attempts, trainee_problems};
use docexam_mrz::dates::{CalendarDate, DatePolicy};

use super::document::{Document, Recording, ScanState};
use super::{Command, DeskApp, Severity, Shift, Tab};

pub use view::{TrainingViews, draw};

/// The station written into training inspections.
pub const TRAINING_STATION: &str = "training";

/// Trainer and trainee actions.
#[derive(Debug)]
pub enum TrainingCommand {
    /// Look for packs again (a trainer may have added one).
    RefreshPacks,
    /// Choose a pack: its past sessions are listed.
    SelectPack(String),
    /// Start a trainee's session on a pack.
    Start {
        /// The pack's id.
        pack: String,
        /// The trainee's name or id.
        trainee: String,
        /// Hide every machine finding: the trainee examines by eye.
        manual_only: bool,
    },
    /// Stop the running session; what was decided stays stored, the session stays unfinished.
    Abandon,
    /// Show a stored session's report (its attempts are read from the log).
    OpenReport(SessionId),
    /// Show one document of the report with its planted defects on the image (key index).
    ShowReportDocument(usize),
    /// A report image finished loading (on its own thread).
    ReportImageLoaded {
        /// The file.
        path: PathBuf,
        /// The picture, or why there is none.
        image: Result<image::RgbaImage, String>,
    },
    /// Back to the pack list.
    CloseReport,
}

/// Where the running session stands in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Waiting for the log to store the new session.
    Starting(RequestId),
    /// Stored: attempts go to this session.
    Open(SessionId),
    /// Every document is decided; waiting for the log to finish the session.
    Finishing(RequestId, SessionId),
}

/// A trainee working through a pack.
#[derive(Debug)]
pub struct TrainingRun {
    /// The pack.
    pub pack: FoundPack,
    /// The trainee.
    pub trainee: String,
    /// Manual-only work.
    pub manual_only: bool,
    /// Dates are checked on the pack's reference day.
    pub policy: DatePolicy,
    /// The session in the log.
    pub session: SessionState,
    /// The document on the desk (key index).
    pub index: usize,
    /// The attempts stored so far.
    pub attempts: Vec<Attempt>,
    /// When the current document was opened (its time is the trainee's).
    opened_at: Instant,
    /// The seconds sent with the current document's attempt (kept as stored).
    sent_seconds: u64,
    /// The officer's shift, given back when the run ends.
    saved_shift: Option<Shift>,
}

impl TrainingRun {
    /// Documents in the pack.
    pub fn total(&self) -> usize {
        self.pack.pack.key.documents.len()
    }
}

/// A scored session on screen.
#[derive(Debug, Clone)]
pub struct TrainingReport {
    /// The session as stored.
    pub session: SessionId,
    /// The trainee.
    pub trainee: String,
    /// Manual-only work.
    pub manual_only: bool,
    /// Whether the session was finished (an abandoned one is scored on what was decided).
    pub finished: bool,
    /// The key scored against (the pack's current key).
    pub key: AnswerKey,
    /// The pack folder (images).
    pub pack_dir: PathBuf,
    /// The key changed since the session (its SHA-256 differs): the score may not mean the same.
    pub key_changed: bool,
    /// The score.
    pub score: SessionScore,
    /// The document shown with its defects (key index).
    pub shown: Option<usize>,
    /// Why the shown document's image cannot be drawn.
    pub image_error: Option<String>,
    /// The shown document's image is loaded (the picture is drawn).
    pub image_ready: bool,
}

impl TrainingReport {
    /// A report on `pack`, no document shown yet.
    fn new(
        session: SessionId,
        trainee: String,
        manual_only: bool,
        finished: bool,
        pack: docexam_exam::training::Pack,
        key_changed: bool,
        score: SessionScore,
    ) -> Self {
        Self {
            session,
            trainee,
            manual_only,
            finished,
            key: pack.key,
            pack_dir: pack.dir,
            key_changed,
            score,
            shown: None,
            image_error: None,
            image_ready: false,
        }
    }
}

/// Everything the Trainer tab draws from.
#[derive(Debug, Default)]
pub struct TrainingState {
    /// The packs found (broken ones listed inside).
    pub shelf: PackShelf,
    /// The folders searched.
    pub searched: Vec<PacksDir>,
    /// The pack chosen in the list.
    pub selected_pack: Option<String>,
    /// Its stored sessions, oldest first.
    pub history: Vec<SessionSummary>,
    history_request: Option<RequestId>,
    /// The trainee at work.
    pub run: Option<TrainingRun>,
    /// The report on screen.
    pub report: Option<TrainingReport>,
    report_request: Option<(RequestId, SessionSummary)>,
    /// Where packs are looked for.
    search: PackSearch,
}

impl TrainingState {
    /// Looks for packs with `search` against `library`.
    pub fn new(search: PackSearch, library: &docexam_exam::manual::ManualLibrary) -> Self {
        let mut state = Self { search, ..Self::default() };
        state.rescan(library);
        state
    }

    fn rescan(&mut self, library: &docexam_exam::manual::ManualLibrary) {
        self.searched = self.search.dirs(std::path::Path::is_dir);
        self.shelf = PackShelf::scan(&self.searched, library);
        if self.selected_pack.as_deref().is_none_or(|id| self.shelf.find(id).is_none()) {
            self.selected_pack = self.shelf.packs.first().map(|p| p.pack.key.id.clone());
        }
    }

    /// Whether a trainee's run is on (the desk belongs to it).
    pub fn running(&self) -> bool {
        self.run.is_some()
    }

    /// Whether `id` is a request this tab waits for.
    fn owns(&self, id: RequestId) -> bool {
        self.history_request == Some(id)
            || self.report_request.as_ref().is_some_and(|(r, _)| *r == id)
            || self.run.as_ref().is_some_and(|run| match run.session {
                SessionState::Starting(r) | SessionState::Finishing(r, _) => r == id,
                SessionState::Open(_) => false,
            })
    }
}

/// What is refused while a run is on, in words.
pub const BUSY: &str = "a training session is running: finish it or abandon it in the Trainer tab first";

/// Applies a trainer or trainee command.
pub fn apply(app: &mut DeskApp, command: TrainingCommand) {
    match command {
        TrainingCommand::RefreshPacks => {
            let library = &app.state.library;
            app.state.training.rescan(library);
            request_history(app);
        }
        TrainingCommand::SelectPack(id) => {
            app.state.training.selected_pack = Some(id);
            app.state.training.history.clear();
            request_history(app);
        }
        TrainingCommand::Start { pack, trainee, manual_only } => start(app, &pack, &trainee, manual_only),
        TrainingCommand::Abandon => abandon(app),
        TrainingCommand::OpenReport(session) => open_report(app, session),
        TrainingCommand::ShowReportDocument(index) => show_report_document(app, index),
        TrainingCommand::ReportImageLoaded { path, image } => report_image_loaded(app, &path, image),
        TrainingCommand::CloseReport => {
            app.state.training.report = None;
            app.views.training.report_texture = None;
            request_history(app);
        }
    }
}

fn request_history(app: &mut DeskApp) {
    let Some(pack) = app.state.training.selected_pack.clone() else { return };
    let request = AuditRequest::TrainingSessions { pack: Some(pack), trainee: None };
    app.state.training.history_request = app.send_audit(request);
}

fn start(app: &mut DeskApp, pack_id: &str, trainee: &str, manual_only: bool) {
    let trainee = trainee.trim();
    if app.state.training.running() {
        return app.state.notify(Severity::Warning, BUSY);
    }
    let problems = trainee_problems(trainee);
    if !problems.is_empty() {
        return app.state.notify(Severity::Warning, format!("trainee: {}", problems.join("; ")));
    }
    if app.state.document.as_ref().is_some_and(|d| d.recording == Recording::NotYet) {
        return app.state.notify(
            Severity::Warning,
            "a document is open on the desk: record or discard it before a training session starts",
        );
    }
    let Some(found) = app.state.training.shelf.find(pack_id).cloned() else {
        return app.state.notify(Severity::Error, format!("pack {pack_id:?} is not available"));
    };
    let key = &found.pack.key;
    if key.documents.is_empty() {
        return app.state.notify(Severity::Error, format!("pack {pack_id:?} has no documents"));
    }
    if let Err(e) = app.state.library.select(&key.manual, &app.state.settings.language) {
        return app.state.notify(Severity::Error, format!("the pack's manual cannot be used: {e}"));
    }
    let Some(reference_date) = CalendarDate::parse_iso(&key.reference_date) else {
        return app
            .state
            .notify(Severity::Error, format!("the pack's reference date {:?} is not a date", key.reference_date));
    };
    let new_session = NewSession {
        pack_id: key.id.clone(),
        pack_title: key.title.clone(),
        key_sha256: found.key_sha256.clone(),
        manual_id: key.manual.clone(),
        trainee: trainee.to_owned(),
        manual_only,
    };
    let Some(request) = app.send_audit(AuditRequest::TrainingStart(new_session)) else { return };
    let training_shift = Shift {
        officer: trainee.to_owned(),
        station: TRAINING_STATION.to_owned(),
        manual: key.manual.clone(),
        level: Level::First,
    };
    let saved_shift = app.state.shift.replace(training_shift);
    app.state.document = None;
    app.state.last_recorded = None;
    app.state.training.report = None;
    app.state.training.run = Some(TrainingRun {
        pack: found,
        trainee: trainee.to_owned(),
        manual_only,
        policy: DatePolicy::new(reference_date),
        session: SessionState::Starting(request),
        index: 0,
        attempts: Vec::new(),
        opened_at: Instant::now(),
        sent_seconds: 0,
        saved_shift,
    });
}

/// Opens the run's current document on the desk.
fn open_current(app: &mut DeskApp) {
    let Some(run) = &app.state.training.run else { return };
    let Some(path) = run.pack.pack.image_path(run.index) else {
        return app.state.notify(Severity::Error, "the pack's key names a document that is not there");
    };
    let (manual_only, want) =
        (run.manual_only, if run.manual_only { Want::PreviewOnly } else { Want::MrzAsOf(run.policy) });
    let Some(setup) = app.document_setup() else { return };
    if let Some(ScanState::Running(job)) = app.state.document.as_ref().map(|d| &d.scan) {
        app.scan.cancel(*job);
    }
    let Some(manual) = app.state.manual() else {
        return app.state.notify(Severity::Error, "the pack's manual is no longer available");
    };
    let job = app.scan.submit_for(path.clone(), want);
    let document = if manual_only {
        Document::manual_only(manual, &setup, path, job)
    } else {
        Document::from_image(manual, &setup, path, job)
    };
    match document {
        Ok(document) => {
            app.state.document = Some(document);
            app.views.new_document();
            app.state.tab = Tab::Desk;
            if let Some(run) = &mut app.state.training.run {
                run.opened_at = Instant::now();
            }
        }
        Err(e) => app.state.notify(Severity::Error, format!("cannot start the inspection: {e}")),
    }
}

/// The trainee decided the document on the desk: store it as a training attempt. Returns
/// `false` when no run is on (the caller records an ordinary inspection).
pub fn record_attempt(app: &mut DeskApp) -> bool {
    let Some(run) = &app.state.training.run else { return false };
    let SessionState::Open(session) = run.session else {
        app.state.notify(Severity::Warning, "the training session is not stored yet; try again in a moment");
        return true;
    };
    let Some(inspection) = app.state.document.as_ref().map(|d| d.inspection.clone()) else { return true };
    if inspection.decision().is_none() {
        return true;
    }
    let image = run.pack.pack.key.documents.get(run.index).map(|d| d.image.clone()).unwrap_or_default();
    let seconds = run.opened_at.elapsed().as_secs();
    let request =
        AuditRequest::TrainingAttempt { session, index: run.index, image, inspection: Box::new(inspection), seconds };
    if let Some(run) = &mut app.state.training.run {
        run.sent_seconds = seconds;
    }
    let sent = app.send_audit(request);
    if let Some(document) = &mut app.state.document {
        document.recording = match sent {
            Some(id) => Recording::Sending(id),
            None => Recording::Failed("the audit log is not open".to_owned()),
        };
    }
    true
}

/// The log stored the attempt of the document on the desk: keep it and open the next document,
/// or finish the session after the last.
pub fn attempt_recorded(app: &mut DeskApp, index: usize) {
    let Some(document) = app.state.document.as_mut() else { return };
    document.recording = Recording::Recorded(index as u64);
    let inspection = document.inspection.clone();
    let Some(run) = &mut app.state.training.run else { return };
    let seconds = run.sent_seconds;
    let image = run.pack.pack.key.documents.get(index).map(|d| d.image.clone()).unwrap_or_default();
    run.attempts.push(Attempt { index, image, inspection, seconds });
    run.index = index + 1;
    if run.index < run.total() {
        return open_current(app);
    }
    let SessionState::Open(session) = run.session else { return };
    match app.send_audit(AuditRequest::TrainingFinish { session }) {
        Some(request) => {
            if let Some(run) = &mut app.state.training.run {
                run.session = SessionState::Finishing(request, session);
            }
        }
        // Every attempt is stored; only the "finished" mark is missing (send_audit said why).
        None => finished(app, session, false),
    }
}

/// Ends the run: the officer's shift comes back, the desk is cleared.
fn end_run(app: &mut DeskApp) -> Option<TrainingRun> {
    let mut run = app.state.training.run.take()?;
    if let Some(ScanState::Running(job)) = app.state.document.as_ref().map(|d| &d.scan) {
        app.scan.cancel(*job);
    }
    app.state.document = None;
    app.views.new_document();
    app.state.shift = run.saved_shift.take();
    // Scans that arrived in the watched folder meanwhile open now, for the officer.
    if app.state.shift.is_some() {
        app.open_next_waiting();
    }
    Some(run)
}

fn abandon(app: &mut DeskApp) {
    let Some(run) = end_run(app) else { return };
    let stored = run.attempts.len();
    let text = match run.session {
        SessionState::Open(session) | SessionState::Finishing(_, session) => format!(
            "training session {session} abandoned: {stored} of {} document(s) stored; it stays unfinished",
            run.total()
        ),
        SessionState::Starting(_) => "training session abandoned before it was stored".to_owned(),
    };
    app.state.notify(Severity::Info, text);
    app.state.tab = Tab::Training;
    request_history(app);
}

/// The run's last document is decided: the report of what was stored (`marked`: the log also
/// marked the session finished).
fn finished(app: &mut DeskApp, session: SessionId, marked: bool) {
    let Some(run) = end_run(app) else { return };
    let score = score_attempts(&run.pack.pack.key, &run.attempts);
    app.state.notify(
        Severity::Info,
        format!("training session {session} finished: {:.0} points over {} document(s)", score.points, run.total()),
    );
    let report = TrainingReport::new(session, run.trainee, run.manual_only, marked, run.pack.pack, false, score);
    show_report(app, report);
    app.state.tab = Tab::Training;
    request_history(app);
}

/// Puts a report on screen, opened on its first document with something missed.
fn show_report(app: &mut DeskApp, report: TrainingReport) {
    app.state.training.report = Some(report);
    app.views.training.report_texture = None;
    first_missed_document(app);
}

/// Opens the report on its first document with a missed defect (what the trainee needs to see).
fn first_missed_document(app: &mut DeskApp) {
    let Some(report) = &app.state.training.report else { return };
    let first = report.score.documents.iter().find(|d| d.defects_found.contains(&false) || !d.outcome_right);
    let index = first.and_then(|d| report.key.documents.iter().position(|k| k.image == d.image));
    if let Some(index) = index {
        show_report_document(app, index);
    }
}

fn open_report(app: &mut DeskApp, session: SessionId) {
    let Some(summary) = app.state.training.history.iter().find(|s| s.id == session).cloned() else {
        return app.state.notify(Severity::Warning, format!("training session {session} is not listed"));
    };
    if let Some(request) = app.send_audit(AuditRequest::TrainingAttempts { session }) {
        app.state.training.report_request = Some((request, summary));
    }
}

fn show_report_document(app: &mut DeskApp, index: usize) {
    let Some(report) = &mut app.state.training.report else { return };
    let Some(document) = report.key.documents.get(index) else { return };
    report.shown = Some(index);
    report.image_error = None;
    report.image_ready = false;
    let path = report.pack_dir.join(&document.image);
    app.views.training.report_texture = None;
    app.views.training.report_image = Some(path.clone());
    let sender = app.dialogs.0.clone();
    let repaint = app.ctx.clone();
    // Decoding a 300-dpi page takes a tenth of a second or more: never on the UI thread.
    let spawned = std::thread::Builder::new().name("report-image".into()).spawn(move || {
        let image = load_preview(&path);
        let _ = sender.send(Command::Training(TrainingCommand::ReportImageLoaded { path, image }));
        repaint.request_repaint();
    });
    if let Err(e) = spawned {
        report.image_error = Some(format!("cannot load the image: {e}"));
    }
}

/// The image as the desk shows documents (upright, colour, longest side capped), or why not.
fn load_preview(path: &std::path::Path) -> Result<image::RgbaImage, String> {
    use crate::scan_worker::PREVIEW_MAX_SIDE;
    use docexam_imaging::decode::{DecodeLimits, decode_with_preview};
    let limits = DecodeLimits::default();
    let bytes = crate::scan_worker::read_image_file(path, limits.max_file_bytes)?;
    let (_, preview) =
        decode_with_preview(&bytes, &limits, PREVIEW_MAX_SIDE).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(preview)
}

fn report_image_loaded(app: &mut DeskApp, path: &std::path::Path, image: Result<image::RgbaImage, String>) {
    // A late image for a document no longer shown is dropped.
    if app.views.training.report_image.as_deref() != Some(path) {
        return;
    }
    match image {
        Ok(preview) => {
            let size = [preview.width() as usize, preview.height() as usize];
            let picture = egui::ColorImage::from_rgba_unmultiplied(size, preview.as_raw());
            app.views.training.report_texture =
                Some(app.ctx.load_texture("training-report", picture, egui::TextureOptions::LINEAR));
            if let Some(report) = &mut app.state.training.report {
                report.image_ready = true;
            }
        }
        Err(e) => {
            if let Some(report) = &mut app.state.training.report {
                report.image_error = Some(e);
            }
        }
    }
}

/// Handles a reply to one of this tab's requests; gives it back when it is not one.
pub fn audit_replied(app: &mut DeskApp, id: RequestId, reply: AuditReply) -> Option<AuditReply> {
    if !app.state.training.owns(id) {
        return Some(reply);
    }
    let training = &mut app.state.training;
    if training.history_request == Some(id) {
        training.history_request = None;
        match reply {
            AuditReply::TrainingSessionList(sessions) => training.history = sessions,
            AuditReply::Failed(e) => app.state.notify(Severity::Error, format!("training sessions not read: {e}")),
            other => app.state.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
        }
        return None;
    }
    if let Some((_, summary)) = training.report_request.take_if(|(r, _)| *r == id) {
        match reply {
            AuditReply::TrainingAttemptList { attempts, .. } => report_from_stored(app, &summary, &attempts),
            AuditReply::Failed(e) => app.state.notify(Severity::Error, format!("the session could not be read: {e}")),
            other => app.state.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
        }
        return None;
    }
    match reply {
        AuditReply::TrainingStarted { session } => {
            if let Some(run) = &mut app.state.training.run {
                run.session = SessionState::Open(session);
            }
            open_current(app);
        }
        AuditReply::TrainingFinished { session } => finished(app, session, true),
        AuditReply::Failed(e) => {
            let starting =
                app.state.training.run.as_ref().is_some_and(|r| matches!(r.session, SessionState::Starting(_)));
            if starting {
                end_run(app);
                app.state.tab = Tab::Training;
                app.state.notify(Severity::Error, format!("the training session could not be started: {e}"));
            } else {
                // Every attempt is stored; only the "finished" mark is missing. Report what was done.
                let session = app.state.training.run.as_ref().and_then(|r| match r.session {
                    SessionState::Finishing(_, session) => Some(session),
                    _ => None,
                });
                app.state.notify(Severity::Error, format!("the training session could not be marked finished: {e}"));
                if let Some(session) = session {
                    finished(app, session, false);
                }
            }
        }
        other => app.state.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
    }
    None
}

fn report_from_stored(app: &mut DeskApp, summary: &SessionSummary, attempts: &[Attempt]) {
    let Some(found) = app.state.training.shelf.find(&summary.pack_id).cloned() else {
        return app.state.notify(
            Severity::Warning,
            format!("pack {:?} of session {} is no longer available: it cannot be scored", summary.pack_id, summary.id),
        );
    };
    let score = score_attempts(&found.pack.key, attempts);
    let key_changed = found.key_sha256 != summary.key_sha256;
    let finished = summary.finished_at.is_some();
    let report = TrainingReport::new(
        summary.id,
        summary.trainee.clone(),
        summary.manual_only,
        finished,
        found.pack,
        key_changed,
        score,
    );
    show_report(app, report);
}
