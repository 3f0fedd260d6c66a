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

use std::sync::mpsc::Sender;

use super::document::{Document, Recording};
use super::{Command, Severity, Shift, Tab};
use crate::outbox::{Effect, Outbox};
use docexam_exam::manual::ManualLibrary;

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
    /// The file of the shown document's image (a late load of another file is dropped).
    pub image: Option<PathBuf>,
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
            image: None,
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

/// What the training handlers read of the rest of the desk (they change it only through
/// [`Effect`]s).
#[derive(Clone, Copy)]
pub struct Desk<'a> {
    /// The manuals.
    pub library: &'a ManualLibrary,
    /// The manual language chosen in the settings.
    pub language: &'a str,
    /// The shift on the desk.
    pub shift: Option<&'a Shift>,
    /// The document on the desk.
    pub document: Option<&'a Document>,
}

/// Applies a trainer or trainee command to `training`; requests and effects go out through
/// `outbox`.
pub fn apply(training: &mut TrainingState, desk: Desk<'_>, outbox: &mut Outbox<'_>, command: TrainingCommand) {
    match command {
        TrainingCommand::RefreshPacks => {
            training.rescan(desk.library);
            request_history(training, outbox);
        }
        TrainingCommand::SelectPack(id) => {
            training.selected_pack = Some(id);
            training.history.clear();
            request_history(training, outbox);
        }
        TrainingCommand::Start { pack, trainee, manual_only } => {
            start(training, desk, outbox, &pack, &trainee, manual_only);
        }
        TrainingCommand::Abandon => abandon(training, outbox),
        TrainingCommand::OpenReport(session) => open_report(training, outbox, session),
        TrainingCommand::ShowReportDocument(index) => show_report_document(training, outbox, index),
        TrainingCommand::ReportImageLoaded { path, image } => report_image_loaded(training, outbox, &path, image),
        TrainingCommand::CloseReport => {
            training.report = None;
            outbox.push(Effect::ReportPicture(None));
            request_history(training, outbox);
        }
    }
}

fn request_history(training: &mut TrainingState, outbox: &mut Outbox<'_>) {
    let Some(pack) = training.selected_pack.clone() else { return };
    let request = AuditRequest::TrainingSessions { pack: Some(pack), trainee: None };
    training.history_request = outbox.send_audit(request);
}

fn start(
    training: &mut TrainingState,
    desk: Desk<'_>,
    outbox: &mut Outbox<'_>,
    pack_id: &str,
    trainee: &str,
    manual_only: bool,
) {
    let trainee = trainee.trim();
    if training.running() {
        return outbox.notify(Severity::Warning, BUSY);
    }
    let problems = trainee_problems(trainee);
    if !problems.is_empty() {
        return outbox.notify(Severity::Warning, format!("trainee: {}", problems.join("; ")));
    }
    if desk.document.is_some_and(|d| d.recording == Recording::NotYet) {
        return outbox.notify(
            Severity::Warning,
            "a document is open on the desk: record or discard it before a training session starts",
        );
    }
    let Some(found) = training.shelf.find(pack_id).cloned() else {
        return outbox.notify(Severity::Error, format!("pack {pack_id:?} is not available"));
    };
    let key = &found.pack.key;
    if key.documents.is_empty() {
        return outbox.notify(Severity::Error, format!("pack {pack_id:?} has no documents"));
    }
    if let Err(e) = desk.library.select(&key.manual, desk.language) {
        return outbox.notify(Severity::Error, format!("the pack's manual cannot be used: {e}"));
    }
    let Some(reference_date) = CalendarDate::parse_iso(&key.reference_date) else {
        return outbox
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
    let Some(request) = outbox.send_audit(AuditRequest::TrainingStart(new_session)) else { return };
    outbox.push(Effect::TakeDesk(Shift {
        officer: trainee.to_owned(),
        station: TRAINING_STATION.to_owned(),
        manual: key.manual.clone(),
        level: Level::First,
    }));
    training.report = None;
    training.run = Some(TrainingRun {
        pack: found,
        trainee: trainee.to_owned(),
        manual_only,
        policy: DatePolicy::new(reference_date),
        session: SessionState::Starting(request),
        index: 0,
        attempts: Vec::new(),
        opened_at: Instant::now(),
        sent_seconds: 0,
        saved_shift: desk.shift.cloned(),
    });
}

/// Opens the run's current document on the desk.
fn open_current(training: &mut TrainingState, outbox: &mut Outbox<'_>) {
    let Some(run) = &mut training.run else { return };
    let Some(path) = run.pack.pack.image_path(run.index) else {
        return outbox.notify(Severity::Error, "the pack's key names a document that is not there");
    };
    let want = if run.manual_only { Want::PreviewOnly } else { Want::MrzAsOf(run.policy) };
    // The trainee's time on the document starts now (the desk opens it in this frame).
    run.opened_at = Instant::now();
    outbox.push(Effect::OpenTrainingDocument { path, want, manual_only: run.manual_only });
}

/// The trainee decided the document on the desk: store it as a training attempt. Returns
/// `false` when no run is on (the caller records an ordinary inspection).
pub fn record_attempt(training: &mut TrainingState, document: Option<&Document>, outbox: &mut Outbox<'_>) -> bool {
    let Some(run) = &mut training.run else { return false };
    let SessionState::Open(session) = run.session else {
        outbox.notify(Severity::Warning, "the training session is not stored yet; try again in a moment");
        return true;
    };
    let Some(inspection) = document.map(|d| d.inspection.clone()) else { return true };
    if inspection.decision().is_none() {
        return true;
    }
    let image = run.pack.pack.key.documents.get(run.index).map(|d| d.image.clone()).unwrap_or_default();
    let seconds = run.opened_at.elapsed().as_secs();
    let request =
        AuditRequest::TrainingAttempt { session, index: run.index, image, inspection: Box::new(inspection), seconds };
    run.sent_seconds = seconds;
    let recording = match outbox.send_audit(request) {
        Some(id) => Recording::Sending(id),
        None => Recording::Failed("the audit log is not open".to_owned()),
    };
    outbox.push(Effect::SetRecording(recording));
    true
}

/// The log stored the attempt of the document on the desk: keep it and open the next document,
/// or finish the session after the last.
pub fn attempt_recorded(training: &mut TrainingState, document: &Document, outbox: &mut Outbox<'_>, index: usize) {
    outbox.push(Effect::SetRecording(Recording::Recorded(index as u64)));
    let inspection = document.inspection.clone();
    let Some(run) = &mut training.run else { return };
    let seconds = run.sent_seconds;
    let image = run.pack.pack.key.documents.get(index).map(|d| d.image.clone()).unwrap_or_default();
    run.attempts.push(Attempt { index, image, inspection, seconds });
    run.index = index + 1;
    if run.index < run.total() {
        return open_current(training, outbox);
    }
    let SessionState::Open(session) = run.session else { return };
    match outbox.send_audit(AuditRequest::TrainingFinish { session }) {
        Some(request) => run.session = SessionState::Finishing(request, session),
        // Every attempt is stored; only the "finished" mark is missing (send_audit said why).
        None => finished(training, outbox, session, false),
    }
}

/// Ends the run: the officer's shift comes back, the desk is cleared.
fn end_run(training: &mut TrainingState, outbox: &mut Outbox<'_>) -> Option<TrainingRun> {
    let mut run = training.run.take()?;
    outbox.push(Effect::ReturnDesk(run.saved_shift.take()));
    Some(run)
}

fn abandon(training: &mut TrainingState, outbox: &mut Outbox<'_>) {
    let Some(run) = end_run(training, outbox) else { return };
    let stored = run.attempts.len();
    let text = match run.session {
        SessionState::Open(session) | SessionState::Finishing(_, session) => format!(
            "training session {session} abandoned: {stored} of {} document(s) stored; it stays unfinished",
            run.total()
        ),
        SessionState::Starting(_) => "training session abandoned before it was stored".to_owned(),
    };
    outbox.notify(Severity::Info, text);
    outbox.push(Effect::ShowTab(Tab::Training));
    request_history(training, outbox);
}

/// The run's last document is decided: the report of what was stored (`marked`: the log also
/// marked the session finished).
fn finished(training: &mut TrainingState, outbox: &mut Outbox<'_>, session: SessionId, marked: bool) {
    let Some(run) = end_run(training, outbox) else { return };
    let score = score_attempts(&run.pack.pack.key, &run.attempts);
    outbox.notify(
        Severity::Info,
        format!("training session {session} finished: {:.0} points over {} document(s)", score.points, run.total()),
    );
    let report = TrainingReport::new(session, run.trainee, run.manual_only, marked, run.pack.pack, false, score);
    show_report(training, outbox, report);
    outbox.push(Effect::ShowTab(Tab::Training));
    request_history(training, outbox);
}

/// Puts a report on screen, opened on its first document with something missed (what the
/// trainee needs to see).
fn show_report(training: &mut TrainingState, outbox: &mut Outbox<'_>, report: TrainingReport) {
    let first = report.score.documents.iter().find(|d| d.defects_found.contains(&false) || !d.outcome_right);
    let index = first.and_then(|d| report.key.documents.iter().position(|k| k.image == d.image));
    training.report = Some(report);
    outbox.push(Effect::ReportPicture(None));
    if let Some(index) = index {
        show_report_document(training, outbox, index);
    }
}

fn open_report(training: &mut TrainingState, outbox: &mut Outbox<'_>, session: SessionId) {
    let Some(summary) = training.history.iter().find(|s| s.id == session).cloned() else {
        return outbox.notify(Severity::Warning, format!("training session {session} is not listed"));
    };
    if let Some(request) = outbox.send_audit(AuditRequest::TrainingAttempts { session }) {
        training.report_request = Some((request, summary));
    }
}

fn show_report_document(training: &mut TrainingState, outbox: &mut Outbox<'_>, index: usize) {
    let Some(report) = &mut training.report else { return };
    let Some(document) = report.key.documents.get(index) else { return };
    let path = report.pack_dir.join(&document.image);
    report.shown = Some(index);
    report.image_error = None;
    report.image_ready = false;
    report.image = Some(path.clone());
    outbox.push(Effect::ReportPicture(None));
    outbox.push(Effect::LoadReportImage(path));
}

/// Decodes `path` on a thread of its own (a 300-dpi page takes a tenth of a second or more:
/// never on the UI thread); the picture comes back as [`TrainingCommand::ReportImageLoaded`].
pub(crate) fn load_report_image(path: PathBuf, sender: Sender<Command>, repaint: egui::Context) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("report-image".into())
        .spawn(move || {
            let image = load_preview(&path);
            let _ = sender.send(Command::Training(TrainingCommand::ReportImageLoaded { path, image }));
            repaint.request_repaint();
        })
        .map(drop)
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

fn report_image_loaded(
    training: &mut TrainingState,
    outbox: &mut Outbox<'_>,
    path: &std::path::Path,
    image: Result<image::RgbaImage, String>,
) {
    // A late image for a document no longer shown is dropped.
    let Some(report) = training.report.as_mut().filter(|r| r.image.as_deref() == Some(path)) else { return };
    match image {
        Ok(preview) => {
            outbox.push(Effect::ReportPicture(Some(preview)));
            report.image_ready = true;
        }
        Err(e) => report.image_error = Some(e),
    }
}

/// Handles a reply to one of this tab's requests; gives it back when it is not one.
pub fn audit_replied(
    training: &mut TrainingState,
    outbox: &mut Outbox<'_>,
    id: RequestId,
    reply: AuditReply,
) -> Option<AuditReply> {
    if !training.owns(id) {
        return Some(reply);
    }
    if training.history_request == Some(id) {
        training.history_request = None;
        match reply {
            AuditReply::TrainingSessionList(sessions) => training.history = sessions,
            AuditReply::Failed(e) => outbox.notify(Severity::Error, format!("training sessions not read: {e}")),
            other => outbox.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
        }
        return None;
    }
    if let Some((_, summary)) = training.report_request.take_if(|(r, _)| *r == id) {
        match reply {
            AuditReply::TrainingAttemptList { attempts, .. } => {
                report_from_stored(training, outbox, &summary, &attempts);
            }
            AuditReply::Failed(e) => outbox.notify(Severity::Error, format!("the session could not be read: {e}")),
            other => outbox.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
        }
        return None;
    }
    match reply {
        AuditReply::TrainingStarted { session } => {
            if let Some(run) = &mut training.run {
                run.session = SessionState::Open(session);
            }
            open_current(training, outbox);
        }
        AuditReply::TrainingFinished { session } => finished(training, outbox, session, true),
        AuditReply::Failed(e) => {
            let starting = training.run.as_ref().is_some_and(|r| matches!(r.session, SessionState::Starting(_)));
            if starting {
                end_run(training, outbox);
                outbox.push(Effect::ShowTab(Tab::Training));
                outbox.notify(Severity::Error, format!("the training session could not be started: {e}"));
            } else {
                // Every attempt is stored; only the "finished" mark is missing. Report what was done.
                let session = training.run.as_ref().and_then(|r| match r.session {
                    SessionState::Finishing(_, session) => Some(session),
                    _ => None,
                });
                outbox.notify(Severity::Error, format!("the training session could not be marked finished: {e}"));
                if let Some(session) = session {
                    finished(training, outbox, session, false);
                }
            }
        }
        other => outbox.notify(Severity::Warning, format!("unexpected audit reply: {other:?}")),
    }
    None
}

fn report_from_stored(
    training: &mut TrainingState,
    outbox: &mut Outbox<'_>,
    summary: &SessionSummary,
    attempts: &[Attempt],
) {
    let Some(found) = training.shelf.find(&summary.session.pack_id).cloned() else {
        return outbox.notify(
            Severity::Warning,
            format!(
                "pack {:?} of session {} is no longer available: it cannot be scored",
                summary.session.pack_id, summary.id
            ),
        );
    };
    let score = score_attempts(&found.pack.key, attempts);
    let key_changed = found.key_sha256 != summary.session.key_sha256;
    let finished = summary.finished_at.is_some();
    let report = TrainingReport::new(
        summary.id,
        summary.session.trainee.clone(),
        summary.session.manual_only,
        finished,
        found.pack,
        key_changed,
        score,
    );
    show_report(training, outbox, report);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::AuditStatus;

    fn repo(path: &str) -> PathBuf {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(path)
    }

    fn library() -> ManualLibrary {
        ManualLibrary::load_dir(&repo("manuals")).unwrap()
    }

    fn shelf(library: &ManualLibrary) -> TrainingState {
        let search = PackSearch::from_environment(Some(&repo("tests/fixtures/training")));
        TrainingState::new(search, library)
    }

    fn start(training: &mut TrainingState, library: &ManualLibrary, document: Option<&Document>) -> Vec<Effect> {
        let status = AuditStatus::Opening;
        let mut outbox = Outbox::new(None, &status);
        let desk = Desk { library, language: "en", shift: None, document };
        let command =
            TrainingCommand::Start { pack: "fixture-basics".into(), trainee: "t-1".into(), manual_only: true };
        apply(training, desk, &mut outbox, command);
        outbox.into_effects()
    }

    #[test]
    fn a_run_that_cannot_be_stored_takes_nothing_of_the_desk() {
        let library = library();
        let mut training = shelf(&library);
        assert_eq!(training.selected_pack.as_deref(), Some("fixture-basics"));
        let effects = start(&mut training, &library, None);
        assert!(training.run.is_none());
        assert!(
            matches!(&effects[..], [Effect::Notify(Severity::Error, text)] if text.contains("not open")),
            "only the reason, no desk taken: {effects:?}"
        );
        assert!(!record_attempt(&mut training, None, &mut Outbox::new(None, &AuditStatus::Opening)));
    }

    #[test]
    fn a_document_being_examined_keeps_a_run_from_starting() {
        let library = library();
        let mut training = shelf(&library);
        let manual = library.select("falsedoc-pocket", "en").unwrap().manual;
        let setup = crate::document::DocumentSetup {
            level: Level::First,
            officer: "off-1".into(),
            station: "s".into(),
            started_at: crate::clock::now(),
        };
        let document = Document::typed(manual, &setup).unwrap();
        let effects = start(&mut training, &library, Some(&document));
        assert!(training.run.is_none());
        assert!(
            matches!(&effects[..], [Effect::Notify(Severity::Warning, text)] if text.contains("record or discard it")),
            "{effects:?}"
        );
    }
}
