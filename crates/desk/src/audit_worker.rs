//! [`AuditWorker`]: one thread that owns the audit connection for an interactive shell (the desk
//! app). The UI sends requests and never blocks: replies come back on a channel, and a `notify`
//! callback (the GUI passes its repaint request) wakes the UI when one arrives.
//!
//! One owner keeps the invariants simple: one writer in this process (plus a read-only connection
//! on the same thread for listing and statistics), requests applied in the order they were sent.
//! The desk app asks everything of the log here: recording, listing, one record, statistics,
//! supervisor authentication, export (with progress), purge, verification and the settings; and
//! the training results ([`super::training`]), which go to tables of their own, never into the log.
//!
//! # Training exercises
//!
//! A training run in the app is: [`AuditRequest::TrainingStart`] (reply
//! [`AuditReply::TrainingStarted`] with the session id), then per document, once the trainee has
//! decided it, [`AuditRequest::TrainingAttempt`] ([`AuditReply::TrainingRecorded`]; sending the
//! same document again replaces the attempt while the session is open), then
//! [`AuditRequest::TrainingFinish`] ([`AuditReply::TrainingFinished`]; the attempts are final from
//! then on). [`AuditRequest::TrainingSessions`] and [`AuditRequest::TrainingAttempts`] read them
//! back for a report; scores come from `docexam_exam::training::score_attempts` with the pack's key (the
//! worker does not read packs). Any refusal is [`AuditReply::Failed`] with
//! [`AuditError::Rejected`] and nothing stored. None of this appends a record to the log.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use docexam_audit::entry::{Actor, Settings};
use docexam_audit::export::{ExportFormat, ExportSummary, export_log_with_progress};
use docexam_audit::purge::Purged;
use docexam_audit::query::{AuditReader, GroupBy, ListFilter, ListedRecord, Stats, pretty_json};
use docexam_audit::training::{NewSession, SessionId, SessionSummary};
use docexam_audit::{AuditError, AuditLog, OpenOptions, VerifyReport, verify_database};
use docexam_exam::inspection::Inspection;
use docexam_exam::training::Attempt;
use docexam_mrz::dates::CalendarDate;

/// What the shell asks of the log. Supervisor actions take the [`Actor`] an
/// [`AuditRequest::Authenticate`] returned.
pub enum AuditRequest {
    /// Record a decided inspection.
    RecordInspection(Box<Inspection>),
    /// Verify the whole database.
    Verify,
    /// Check the supervisor passphrase for `action` (words recorded with a failure, e.g. "export
    /// the log"). A wrong passphrase is recorded as an `auth_failed` record, as in the CLI.
    Authenticate {
        /// The passphrase typed (never recorded, never shown by `Debug`).
        passphrase: String,
        /// What the supervisor wants to do.
        action: String,
        /// The supervisor's name or id, if given.
        name: Option<String>,
    },
    /// The `limit` most recent records that pass `filter`, newest first (see
    /// [`AuditReader::latest_records`]), and how many pass in all.
    List {
        /// Which records.
        filter: ListFilter,
        /// At most this many are returned.
        limit: usize,
    },
    /// One record's stored leaf, for a detail view.
    Record {
        /// The desk whose log holds it (the own desk or an imported one).
        desk: String,
        /// Its position in that log.
        seq: u64,
    },
    /// Inspections counted by group.
    Stats {
        /// The grouping.
        by: GroupBy,
        /// Only inspections decided on or after this day (UTC).
        since: Option<CalendarDate>,
    },
    /// Export the log with its proof file; progress replies come first.
    Export {
        /// CSV or JSON lines.
        format: ExportFormat,
        /// The export file (never overwritten; the proof goes beside it).
        out: PathBuf,
        /// Include personal data where the log still has it.
        personal_data: bool,
        /// The authenticated supervisor.
        by: Actor,
    },
    /// Remove the personal data of inspections recorded before `before` (UTC).
    Purge {
        /// The first day whose records keep their personal data.
        before: CalendarDate,
        /// The authenticated supervisor.
        by: Actor,
    },
    /// The current settings.
    Settings,
    /// Start a training session: a trainee begins an exercise pack. Reply:
    /// [`AuditReply::TrainingStarted`].
    TrainingStart(NewSession),
    /// Store the trainee's decided inspection of one document of the session's pack (replacing an
    /// earlier one of the same document while the session is unfinished). Reply:
    /// [`AuditReply::TrainingRecorded`]. Refused (nothing stored): an undecided inspection, one
    /// breaking the inspection rules, another manual than the session's, a finished session.
    TrainingAttempt {
        /// The session ([`AuditReply::TrainingStarted`]).
        session: SessionId,
        /// The document's position in the pack's key, 0-based.
        index: usize,
        /// The document's image as the key names it (scores match attempts to documents by it).
        image: String,
        /// The trainee's decided inspection.
        inspection: Box<Inspection>,
        /// Seconds the trainee spent on the document (the shell measures them).
        seconds: u64,
    },
    /// Finish a session; its attempts are final. Reply: [`AuditReply::TrainingFinished`].
    TrainingFinish {
        /// The session.
        session: SessionId,
    },
    /// The stored training sessions, oldest first, of one pack and/or one trainee (`None`: all).
    /// Reply: [`AuditReply::TrainingSessionList`].
    TrainingSessions {
        /// Only this pack id.
        pack: Option<String>,
        /// Only this trainee.
        trainee: Option<String>,
    },
    /// One session's attempts, in document order. Reply: [`AuditReply::TrainingAttemptList`].
    TrainingAttempts {
        /// The session.
        session: SessionId,
    },
}

impl std::fmt::Debug for AuditRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditRequest::RecordInspection(inspection) => f.debug_tuple("RecordInspection").field(inspection).finish(),
            AuditRequest::Verify => f.write_str("Verify"),
            // A request may end up in a log or a panic message: the passphrase must not.
            AuditRequest::Authenticate { passphrase: _, action, name } => f
                .debug_struct("Authenticate")
                .field("passphrase", &"<hidden>")
                .field("action", action)
                .field("name", name)
                .finish(),
            AuditRequest::List { filter, limit } => {
                f.debug_struct("List").field("filter", filter).field("limit", limit).finish()
            }
            AuditRequest::Record { desk, seq } => {
                f.debug_struct("Record").field("desk", desk).field("seq", seq).finish()
            }
            AuditRequest::Stats { by, since } => f.debug_struct("Stats").field("by", by).field("since", since).finish(),
            AuditRequest::Export { format, out, personal_data, by } => f
                .debug_struct("Export")
                .field("format", format)
                .field("out", out)
                .field("personal_data", personal_data)
                .field("by", by)
                .finish(),
            AuditRequest::Purge { before, by } => {
                f.debug_struct("Purge").field("before", before).field("by", by).finish()
            }
            AuditRequest::Settings => f.write_str("Settings"),
            AuditRequest::TrainingStart(session) => f.debug_tuple("TrainingStart").field(session).finish(),
            AuditRequest::TrainingAttempt { session, index, image, inspection: _, seconds } => f
                .debug_struct("TrainingAttempt")
                .field("session", session)
                .field("index", index)
                .field("image", image)
                .field("seconds", seconds)
                .finish_non_exhaustive(),
            AuditRequest::TrainingFinish { session } => {
                f.debug_struct("TrainingFinish").field("session", session).finish()
            }
            AuditRequest::TrainingSessions { pack, trainee } => {
                f.debug_struct("TrainingSessions").field("pack", pack).field("trainee", trainee).finish()
            }
            AuditRequest::TrainingAttempts { session } => {
                f.debug_struct("TrainingAttempts").field("session", session).finish()
            }
        }
    }
}

/// Stands in for the passphrase hash in [`AuditReply::Settings`].
pub const PASSPHRASE_HASH_WITHHELD: &str = "(set; the hash stays in the log)";

/// The answer to one request. Every request gets exactly one final reply; an export may send
/// [`AuditReply::ExportProgress`] replies before it, under the same id.
#[derive(Debug)]
pub enum AuditReply {
    /// The log opened (first reply): desk id and record count.
    Opened {
        /// Desk id.
        desk: String,
        /// Records in the log.
        records: u64,
    },
    /// The inspection is committed (only now may the UI say "recorded").
    Recorded {
        /// Its record number.
        seq: u64,
    },
    /// The verification result.
    Verified(VerifyReport),
    /// The passphrase was right: pass this actor with the supervisor's requests.
    Authenticated(Actor),
    /// The most recent matching records, newest first.
    Listed {
        /// At most the `limit` asked for.
        records: Vec<ListedRecord>,
        /// How many records match in all.
        total: u64,
    },
    /// One record.
    RecordDetail {
        /// Its stored leaf, laid out for reading (keys in stored order).
        leaf_json: String,
    },
    /// The statistics asked for.
    Stats(Stats),
    /// An export is under way: `done` of `total` records read (a few replies per second at
    /// most, none for a small log).
    ExportProgress {
        /// Records read so far.
        done: u64,
        /// Records the export will hold.
        total: u64,
    },
    /// The export and its proof are written and the export is recorded.
    Exported(ExportSummary),
    /// The purge is recorded and done.
    Purged(Purged),
    /// The current settings. `supervisor_passphrase` is [`PASSPHRASE_HASH_WITHHELD`] when a
    /// passphrase is set up (the UI needs to know that, not the hash), `None` when not.
    Settings(Settings),
    /// A training session started.
    TrainingStarted {
        /// Its id: pass it with the session's other requests.
        session: SessionId,
    },
    /// A training attempt is stored (committed).
    TrainingRecorded {
        /// The session.
        session: SessionId,
        /// The document's position in the key, 0-based.
        index: usize,
    },
    /// The training session is finished.
    TrainingFinished {
        /// The session.
        session: SessionId,
    },
    /// The training sessions asked for, oldest first.
    TrainingSessionList(Vec<SessionSummary>),
    /// A session's attempts, in document order.
    TrainingAttemptList {
        /// The session.
        session: SessionId,
        /// Its attempts.
        attempts: Vec<Attempt>,
    },
    /// The request failed; nothing was recorded (except a wrong passphrase, which is).
    Failed(AuditError),
}

impl AuditReply {
    /// Whether this is the last reply to its request (everything but progress).
    pub fn is_final(&self) -> bool {
        !matches!(self, AuditReply::ExportProgress { .. })
    }
}

/// Numbers requests so replies can be matched to them.
pub type RequestId = u64;

/// The worker thread and its channels.
pub struct AuditWorker {
    requests: Option<Sender<(RequestId, AuditRequest)>>,
    replies: Receiver<(RequestId, AuditReply)>,
    next_id: RequestId,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for AuditWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditWorker").field("next_id", &self.next_id).finish_non_exhaustive()
    }
}

/// The id of the `Opened` (or `Failed`) reply sent when the worker starts.
pub const OPEN_REQUEST: RequestId = 0;

impl AuditWorker {
    /// Starts the thread, which opens the log at `path` and replies [`AuditReply::Opened`] or
    /// [`AuditReply::Failed`] under [`OPEN_REQUEST`]. `notify` is called after every reply.
    pub fn spawn(path: PathBuf, options: OpenOptions, notify: impl Fn() + Send + 'static) -> Result<Self, AuditError> {
        let (request_tx, request_rx) = mpsc::channel::<(RequestId, AuditRequest)>();
        let (reply_tx, reply_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("audit-log".into())
            .spawn(move || serve(&path, &options, request_rx, &reply_tx, &notify))
            .map_err(|source| AuditError::Io {
                path: PathBuf::from("<thread>"),
                action: "start the audit log thread",
                source,
            })?;
        Ok(Self { requests: Some(request_tx), replies: reply_rx, next_id: OPEN_REQUEST + 1, thread: Some(thread) })
    }

    /// Queues a request; returns its id, or `None` if the worker has stopped (it could not open
    /// the log: its `Failed` reply says why).
    pub fn send(&mut self, request: AuditRequest) -> Option<RequestId> {
        let id = self.next_id;
        self.requests.as_ref()?.send((id, request)).ok()?;
        self.next_id += 1;
        Some(id)
    }

    /// A reply, if one is waiting (never blocks).
    pub fn try_recv(&self) -> Option<(RequestId, AuditReply)> {
        self.replies.try_recv().ok()
    }

    /// Waits for the next reply (for tests and the CLI; the UI uses [`AuditWorker::try_recv`]).
    pub fn recv(&self) -> Option<(RequestId, AuditReply)> {
        self.replies.recv().ok()
    }
}

impl Drop for AuditWorker {
    fn drop(&mut self) {
        // Closing the request channel ends the loop after the requests already queued.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// At most one [`AuditReply::ExportProgress`] per this interval (the first goes out at once).
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

/// What the worker thread owns: the writer and, once something was read, a reader.
struct Desk {
    log: AuditLog,
    /// A read-only connection kept between requests. Idle between them, so it never holds back a
    /// purge's truncation of the write-ahead log.
    reader: Option<AuditReader>,
}

impl Desk {
    fn reader(&mut self) -> Result<&AuditReader, AuditError> {
        let reader = match self.reader.take() {
            Some(reader) => reader,
            None => AuditReader::open(self.log.path())?,
        };
        Ok(self.reader.insert(reader))
    }

    /// Answers one request; `progress` is called while an export runs.
    fn answer(&mut self, request: AuditRequest, progress: &mut dyn FnMut(u64, u64)) -> Result<AuditReply, AuditError> {
        Ok(match request {
            AuditRequest::RecordInspection(inspection) => {
                AuditReply::Recorded { seq: self.log.record_inspection(&inspection)?.seq }
            }
            AuditRequest::Verify => AuditReply::Verified(verify_database(self.log.path())?),
            AuditRequest::Authenticate { passphrase, action, name } => {
                AuditReply::Authenticated(self.log.authenticate_supervisor(&passphrase, &action, name.as_deref())?)
            }
            AuditRequest::List { filter, limit } => {
                let latest = self.reader()?.snapshot(|reader| reader.latest_records(&filter, limit))?;
                AuditReply::Listed { records: latest.records, total: latest.total }
            }
            AuditRequest::Record { desk, seq } => match self.reader()?.record_leaf(&desk, seq)? {
                Some(leaf) => AuditReply::RecordDetail { leaf_json: pretty_json(&leaf) },
                None => return Err(AuditError::NoSuchRecord { path: self.log.path().to_owned(), desk, seq }),
            },
            AuditRequest::Stats { by, since } => AuditReply::Stats(self.reader()?.stats(by, since)?),
            AuditRequest::Export { format, out, personal_data, by } => AuditReply::Exported(export_log_with_progress(
                &mut self.log,
                format,
                &out,
                personal_data,
                by,
                progress,
            )?),
            AuditRequest::Purge { before, by } => AuditReply::Purged(self.log.purge_personal_data(before, by)?),
            AuditRequest::Settings => {
                let mut settings = self.log.settings()?;
                if settings.supervisor_passphrase.is_some() {
                    settings.supervisor_passphrase = Some(PASSPHRASE_HASH_WITHHELD.to_owned());
                }
                AuditReply::Settings(settings)
            }
            AuditRequest::TrainingStart(session) => {
                AuditReply::TrainingStarted { session: self.log.training().start_session(&session)? }
            }
            AuditRequest::TrainingAttempt { session, index, image, inspection, seconds } => {
                self.log.training().record_attempt(session, index, &image, &inspection, seconds)?;
                AuditReply::TrainingRecorded { session, index }
            }
            AuditRequest::TrainingFinish { session } => {
                self.log.training().finish_session(session)?;
                AuditReply::TrainingFinished { session }
            }
            AuditRequest::TrainingSessions { pack, trainee } => {
                AuditReply::TrainingSessionList(self.log.training().sessions(pack.as_deref(), trainee.as_deref())?)
            }
            AuditRequest::TrainingAttempts { session } => {
                AuditReply::TrainingAttemptList { session, attempts: self.log.training().attempts(session)? }
            }
        })
    }
}

fn serve(
    path: &Path,
    options: &OpenOptions,
    requests: Receiver<(RequestId, AuditRequest)>,
    replies: &Sender<(RequestId, AuditReply)>,
    notify: &dyn Fn(),
) {
    let reply = |id, reply| {
        let _ = replies.send((id, reply));
        notify();
    };
    // On failure the request channel is closed before the reply goes out, so a shell that has
    // read the failure can no longer queue requests that would never be answered.
    let opened = AuditLog::open(path, options).and_then(|log| log.size().map(|records| (log, records)));
    let mut desk = match opened {
        Ok((log, records)) => {
            reply(OPEN_REQUEST, AuditReply::Opened { desk: log.desk().to_owned(), records });
            Desk { log, reader: None }
        }
        Err(e) => {
            drop(requests);
            return reply(OPEN_REQUEST, AuditReply::Failed(e));
        }
    };
    while let Ok((id, request)) = requests.recv() {
        let mut last_progress: Option<Instant> = None;
        let mut progress = |done, total| {
            let now = Instant::now();
            if last_progress.is_none_or(|at| now.duration_since(at) >= PROGRESS_INTERVAL) {
                last_progress = Some(now);
                reply(id, AuditReply::ExportProgress { done, total });
            }
        };
        let answer = desk.answer(request, &mut progress).unwrap_or_else(AuditReply::Failed);
        reply(id, answer);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use docexam_audit::entry::EntryKind;
    use docexam_audit::export;
    use docexam_exam::inspection::Outcome;

    #[test]
    fn requests_are_answered_in_order_and_each_reply_notifies() {
        let dir = std::env::temp_dir().join(format!("docexam-worker-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let notified = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&notified);
        let mut worker = AuditWorker::spawn(dir.join("a.sqlite"), OpenOptions::default(), move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
        let (id, opened) = worker.recv().unwrap();
        assert_eq!(id, OPEN_REQUEST);
        assert!(matches!(opened, AuditReply::Opened { records: 1, .. }), "{opened:?}");
        let bad: Inspection = serde_json::from_str(&undecided_record()).unwrap();
        let first = worker.send(AuditRequest::RecordInspection(Box::new(bad))).unwrap();
        let second = worker.send(AuditRequest::Verify).unwrap();
        let (id, reply) = worker.recv().unwrap();
        assert_eq!(id, first);
        assert!(matches!(reply, AuditReply::Failed(AuditError::Rejected { .. })), "{reply:?}");
        let (id, reply) = worker.recv().unwrap();
        assert_eq!(id, second);
        assert!(matches!(reply, AuditReply::Verified(report) if report.intact()));
        drop(worker); // Joins the thread: every notification has happened.
        assert_eq!(notified.load(Ordering::SeqCst), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_log_that_cannot_open_says_why_and_refuses_requests() {
        let dir = std::env::temp_dir().join(format!("docexam-worker-bad-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let not_a_db = dir.join("x.sqlite");
        std::fs::write(&not_a_db, b"this is not a database, it is a text file of some length....").unwrap();
        let mut worker = AuditWorker::spawn(not_a_db.clone(), OpenOptions::default(), || {}).unwrap();
        let (_, reply) = worker.recv().unwrap();
        assert!(matches!(reply, AuditReply::Failed(_)), "{reply:?}");
        assert_eq!(worker.send(AuditRequest::Verify), None);
        assert_eq!(std::fs::read(&not_a_db).unwrap(), b"this is not a database, it is a text file of some length....");
        drop(worker);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    const PASSPHRASE: &str = "a long supervisor passphrase";

    /// A scratch folder of one test, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("docexam-worker-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn db(&self) -> PathBuf {
            self.0.join("audit.sqlite")
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A worker that counts its notifications and every reply read, past its `Opened` reply.
    struct Started {
        worker: AuditWorker,
        notified: Arc<AtomicUsize>,
        replies: usize,
        desk: String,
    }

    impl Started {
        fn new(db: &Path) -> Self {
            let notified = Arc::new(AtomicUsize::new(0));
            let counter = Arc::clone(&notified);
            let worker = AuditWorker::spawn(db.to_owned(), OpenOptions::default(), move || {
                counter.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
            let (id, opened) = worker.recv().unwrap();
            assert_eq!(id, OPEN_REQUEST);
            let AuditReply::Opened { desk, .. } = opened else { panic!("{opened:?}") };
            Self { worker, notified, replies: 1, desk }
        }

        /// Sends `request` and reads its replies up to the final one, each under its id: the
        /// progress replies and the final reply.
        fn ask(&mut self, request: AuditRequest) -> (Vec<(u64, u64)>, AuditReply) {
            let sent = self.worker.send(request).unwrap();
            let mut progress = Vec::new();
            loop {
                let (id, reply) = self.worker.recv().unwrap();
                self.replies += 1;
                assert_eq!(id, sent, "{reply:?}");
                match reply {
                    AuditReply::ExportProgress { done, total } => progress.push((done, total)),
                    last => return (progress, last),
                }
            }
        }

        /// The final reply to `request`, which must come without progress replies.
        fn reply(&mut self, request: AuditRequest) -> AuditReply {
            let (progress, reply) = self.ask(request);
            assert!(progress.is_empty(), "{progress:?}");
            assert!(reply.is_final());
            reply
        }

        fn list(&mut self, filter: ListFilter, limit: usize) -> (Vec<ListedRecord>, u64) {
            match self.reply(AuditRequest::List { filter, limit }) {
                AuditReply::Listed { records, total } => (records, total),
                other => panic!("{other:?}"),
            }
        }

        fn stats(&mut self, by: GroupBy, since: Option<&str>) -> Stats {
            let since = since.map(|s| CalendarDate::parse_iso(s).unwrap());
            match self.reply(AuditRequest::Stats { by, since }) {
                AuditReply::Stats(stats) => stats,
                other => panic!("{other:?}"),
            }
        }

        /// Stops the worker; every reply read must have notified exactly once.
        fn stop(self) {
            let Started { worker, notified, replies, .. } = self;
            drop(worker);
            assert_eq!(notified.load(Ordering::SeqCst), replies);
        }
    }

    fn supervisor(name: &str) -> Actor {
        Actor { role: docexam_audit::entry::Role::Supervisor, name: Some(name.to_owned()) }
    }

    /// A log at `db` with a supervisor passphrase (and personal data kept when `personal_data`).
    fn log_with_passphrase(db: &Path, personal_data: bool) -> AuditLog {
        let mut log = AuditLog::open(db, &OpenOptions::default()).unwrap();
        log.change_settings(supervisor("setup"), None, Some(PASSPHRASE)).unwrap();
        if personal_data {
            log.change_settings(supervisor("setup"), Some(true), None).unwrap();
        }
        log
    }

    /// An inspection body as the statistics and the listing read it.
    fn inspection_body(ended_at: &str, outcome: &str, refusal_reasons: &[&str]) -> serde_json::Value {
        serde_json::json!({
            "record_version": 1, "officer": "off-1", "station": "s", "started_at": ended_at, "ended_at": ended_at,
            "document": {"code": "P", "issuer": "UTO", "nationality": "UTO", "number_hash": "ab"},
            "mrz": {"status": "read", "verdict": "valid", "failed_checks": []},
            "items": [],
            "decision": {"outcome": outcome, "refusal_reasons": refusal_reasons, "justification": null, "suggested": "admit"},
            "personal_data_sha256": null
        })
    }

    fn append_inspections(db: &Path, bodies: impl IntoIterator<Item = serde_json::Value>) {
        let mut log = AuditLog::open(db, &OpenOptions::default()).unwrap();
        log.append_batch(bodies.into_iter().map(|body| (EntryKind::Inspection, body))).unwrap();
    }

    fn kinds_and_seqs(records: &[ListedRecord]) -> Vec<(&str, u64)> {
        records.iter().map(|r| (r.kind.as_str(), r.seq)).collect()
    }

    #[test]
    fn a_wrong_passphrase_fails_and_is_recorded_and_the_right_one_gives_the_actor() {
        let scratch = Scratch::new("auth");
        drop(log_with_passphrase(&scratch.db(), false));
        let mut desk = Started::new(&scratch.db());

        let wrong = AuditRequest::Authenticate {
            passphrase: "not the passphrase".into(),
            action: "export the log".into(),
            name: Some("mallory".into()),
        };
        assert!(!format!("{wrong:?}").contains("not the passphrase"), "Debug hides the passphrase");
        let reply = desk.reply(wrong);
        assert!(matches!(&reply, AuditReply::Failed(AuditError::Auth(_))), "{reply:?}");
        let (records, total) = desk.list(ListFilter::default(), 10);
        assert_eq!(total, 3);
        assert_eq!(kinds_and_seqs(&records), [("auth_failed", 2), ("settings", 1), ("log_created", 0)]);
        let description = records[0].description.as_deref().unwrap();
        assert!(description.contains("export the log") && description.contains("mallory"), "{description}");

        let right = AuditRequest::Authenticate {
            passphrase: PASSPHRASE.into(),
            action: "export the log".into(),
            name: Some("sam".into()),
        };
        let reply = desk.reply(right);
        assert!(matches!(&reply, AuditReply::Authenticated(actor) if *actor == supervisor("sam")), "{reply:?}");
        assert_eq!(desk.list(ListFilter::default(), 10).1, 3, "a right passphrase records nothing");

        let AuditReply::Settings(settings) = desk.reply(AuditRequest::Settings) else { panic!("settings") };
        assert!(!settings.personal_data);
        assert_eq!(settings.supervisor_passphrase.as_deref(), Some(PASSPHRASE_HASH_WITHHELD), "never the hash");
        desk.stop();
    }

    #[test]
    fn a_list_holds_the_latest_matching_records_newest_first_and_counts_them_all() {
        let scratch = Scratch::new("list");
        let outcomes = ["admit", "refuse", "admit", "refuse", "admit", "refuse", "admit"];
        drop(AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap());
        append_inspections(&scratch.db(), outcomes.map(|o| inspection_body("2026-01-01T08:00:00Z", o, &[])));
        let mut desk = Started::new(&scratch.db());

        let refused = ListFilter { since: None, outcomes: vec![Outcome::Refuse] };
        let (records, total) = desk.list(refused, 2);
        assert_eq!(total, 3);
        assert_eq!(kinds_and_seqs(&records), [("inspection", 6), ("inspection", 4)]);
        assert!(records.iter().all(|r| r.outcome.as_deref() == Some("refuse") && r.desk == desk.desk));

        let (records, total) = desk.list(ListFilter::default(), 5);
        assert_eq!(total, 8);
        assert_eq!(records.iter().map(|r| r.seq).collect::<Vec<_>>(), [7, 6, 5, 4, 3]);
        assert_eq!((records[0].officer.as_deref(), records[0].outcome.as_deref()), (Some("off-1"), Some("admit")));

        let (records, total) = desk.list(ListFilter::default(), 0);
        assert_eq!((records.len(), total), (0, 8));
        let (records, total) = desk.list(ListFilter::default(), usize::MAX);
        assert_eq!((records.len(), total), (8, 8));
        // `since` is about the record time (the desk clock when written), not the decision time.
        let future = ListFilter { since: CalendarDate::parse_iso("9999-01-01"), outcomes: Vec::new() };
        assert_eq!(desk.list(future, 5), (Vec::new(), 0));
        desk.stop();
    }

    #[test]
    fn stats_count_inspections_per_day_in_date_order_and_per_refusal_reason() {
        let scratch = Scratch::new("stats");
        drop(AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap());
        append_inspections(
            &scratch.db(),
            [
                inspection_body("2026-01-02T00:00:00Z", "seize", &["B"]),
                inspection_body("2026-01-01T08:00:00Z", "admit", &[]),
                inspection_body("2026-01-01T23:59:59Z", "refuse", &["B", "H"]),
            ],
        );
        let mut desk = Started::new(&scratch.db());
        let rows = |stats: &Stats| stats.rows.iter().map(|r| (r.key.clone(), r.count)).collect::<Vec<_>>();

        let per_day = desk.stats(GroupBy::Day, None);
        assert_eq!(per_day.inspections, 3);
        assert_eq!(rows(&per_day), [("2026-01-01".to_owned(), 2), ("2026-01-02".to_owned(), 1)]);
        let later = desk.stats(GroupBy::Day, Some("2026-01-02"));
        assert_eq!((later.inspections, rows(&later)), (1, vec![("2026-01-02".to_owned(), 1)]));

        let reasons = desk.stats(GroupBy::RefusalReason, None);
        assert_eq!(reasons.inspections, 3);
        assert_eq!(rows(&reasons), [("B".to_owned(), 2), ("H".to_owned(), 1), ("none".to_owned(), 1)]);
        desk.stop();
    }

    #[test]
    fn an_export_reports_progress_then_its_summary_under_one_id() {
        let scratch = Scratch::new("export");
        drop(AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap());
        let inspections = 10_001;
        append_inspections(
            &scratch.db(),
            (0..inspections).map(|_| inspection_body("2026-01-01T08:00:00Z", "admit", &[])),
        );
        let mut desk = Started::new(&scratch.db());
        let out = scratch.0.join("week.jsonl");
        let export = || AuditRequest::Export {
            format: ExportFormat::Jsonl,
            out: out.clone(),
            personal_data: false,
            by: supervisor("sam"),
        };
        let (progress, reply) = desk.ask(export());
        let records = inspections + 1;
        assert_eq!(progress, [(export::PROGRESS_RECORDS, records)]);
        let AuditReply::Exported(summary) = reply else { panic!("{reply:?}") };
        assert_eq!((summary.records, summary.file.as_path()), (records, out.as_path()));
        let lines = std::fs::read_to_string(&out).unwrap().lines().count();
        assert_eq!(lines as u64, records);
        assert!(summary.proof.exists());

        let again = desk.reply(export());
        assert!(matches!(&again, AuditReply::Failed(AuditError::Rejected { .. })), "never overwritten: {again:?}");
        let (latest, total) = desk.list(ListFilter::default(), 1);
        assert_eq!((kinds_and_seqs(&latest), total), (vec![("export", records)], records + 1));
        desk.stop();
    }

    #[test]
    fn a_purge_removes_the_personal_data_and_the_log_still_verifies() {
        let scratch = Scratch::new("purge");
        drop(log_with_passphrase(&scratch.db(), true));
        let fixture =
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures/audit/inspection.json");
        let inspection: Inspection = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
        let mut desk = Started::new(&scratch.db());
        for seq in [3, 4] {
            let reply = desk.reply(AuditRequest::RecordInspection(Box::new(inspection.clone())));
            assert!(matches!(reply, AuditReply::Recorded { seq: s } if s == seq), "{reply:?}");
        }
        // Reading first leaves the worker's reader open: it must not keep the purge from emptying
        // the write-ahead log.
        assert_eq!(desk.list(ListFilter::default(), 10).1, 5);
        let AuditReply::Verified(before) = desk.reply(AuditRequest::Verify) else { panic!("verify") };
        assert_eq!(before.personal_data_rows, 2);

        let authenticate = AuditRequest::Authenticate {
            passphrase: PASSPHRASE.into(),
            action: "purge personal data".into(),
            name: Some("sam".into()),
        };
        let AuditReply::Authenticated(by) = desk.reply(authenticate) else { panic!("authenticate") };
        let before_day = CalendarDate::parse_iso("9999-12-31").unwrap();
        let reply = desk.reply(AuditRequest::Purge { before: before_day, by });
        let AuditReply::Purged(purged) = reply else { panic!("{reply:?}") };
        assert_eq!((purged.event.purged, purged.event.range, purged.appended.seq), (2, Some((3, 4)), 5));
        assert_eq!(purged.event.by, supervisor("sam"));
        assert!(purged.wal_truncated);

        let AuditReply::Verified(after) = desk.reply(AuditRequest::Verify) else { panic!("verify") };
        assert!(after.intact(), "{:?}", after.findings);
        assert_eq!((after.personal_data_rows, after.purged_records), (0, 2));
        desk.stop();
    }

    #[test]
    fn a_record_comes_back_as_its_stored_leaf_laid_out_or_fails_when_absent() {
        let scratch = Scratch::new("record");
        drop(AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap());
        append_inspections(&scratch.db(), [inspection_body("2026-01-01T08:00:00Z", "refuse", &["A"])]);
        let mut desk = Started::new(&scratch.db());
        let own = desk.desk.clone();

        let reply = desk.reply(AuditRequest::Record { desk: own.clone(), seq: 1 });
        let AuditReply::RecordDetail { leaf_json } = reply else { panic!("{reply:?}") };
        let conn = rusqlite::Connection::open(scratch.db()).unwrap();
        let stored: Vec<u8> = conn.query_row("SELECT leaf FROM log WHERE seq = 1", [], |row| row.get(0)).unwrap();
        drop(conn);
        let parsed: serde_json::Value = serde_json::from_str(&leaf_json).unwrap();
        assert_eq!(parsed, serde_json::from_slice::<serde_json::Value>(&stored).unwrap());
        assert!(leaf_json.starts_with("{\n  \"v\": 1,\n  \"log\": "), "stored key order, indented: {leaf_json}");
        assert!(
            leaf_json.contains("\n  \"kind\": \"inspection\",\n") && leaf_json.contains("\"refusal_reasons\": [\n")
        );

        for (desk_id, seq) in [(own.as_str(), 2), ("desk-elsewhere", 1)] {
            let reply = desk.reply(AuditRequest::Record { desk: desk_id.to_owned(), seq });
            assert!(
                matches!(&reply, AuditReply::Failed(AuditError::NoSuchRecord { desk, seq: s, .. }) if desk == desk_id && *s == seq),
                "{reply:?}"
            );
        }
        desk.stop();
    }

    #[test]
    fn a_training_run_through_the_worker_stores_apart_from_the_log() {
        let scratch = Scratch::new("training");
        let fixture =
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures/audit/inspection.json");
        let decided: Inspection = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
        let mut desk = Started::new(&scratch.db());
        let new = NewSession {
            pack_id: "basics-1".into(),
            pack_title: "Basics".into(),
            key_sha256: "0".repeat(64),
            manual_id: decided.manual().id.clone(),
            trainee: "Ann".into(),
            manual_only: true,
        };
        let AuditReply::TrainingStarted { session } = desk.reply(AuditRequest::TrainingStart(new)) else {
            panic!("started")
        };
        let attempt = |index: usize, inspection: &Inspection| AuditRequest::TrainingAttempt {
            session,
            index,
            image: format!("{index}.png"),
            inspection: Box::new(inspection.clone()),
            seconds: 30,
        };
        for index in [0, 1, 1] {
            let reply = desk.reply(attempt(index, &decided));
            assert!(
                matches!(reply, AuditReply::TrainingRecorded { session: s, index: i } if s == session && i == index),
                "{reply:?}"
            );
        }
        let undecided: Inspection = serde_json::from_str(&undecided_record()).unwrap();
        let reply = desk.reply(attempt(2, &undecided));
        assert!(matches!(reply, AuditReply::Failed(AuditError::Rejected { .. })), "{reply:?}");
        let reply = desk.reply(AuditRequest::TrainingFinish { session });
        assert!(matches!(reply, AuditReply::TrainingFinished { session: s } if s == session), "{reply:?}");
        let reply = desk.reply(attempt(0, &decided));
        assert!(matches!(reply, AuditReply::Failed(AuditError::Rejected { .. })), "final: {reply:?}");

        let reply = desk.reply(AuditRequest::TrainingSessions { pack: Some("basics-1".into()), trainee: None });
        let AuditReply::TrainingSessionList(sessions) = reply else { panic!("{reply:?}") };
        assert_eq!(sessions.len(), 1);
        assert_eq!((sessions[0].id, sessions[0].attempts, sessions[0].finished_at.is_some()), (session, 2, true));
        let reply = desk.reply(AuditRequest::TrainingSessions { pack: None, trainee: Some("Bob".into()) });
        assert!(matches!(&reply, AuditReply::TrainingSessionList(list) if list.is_empty()), "{reply:?}");
        let reply = desk.reply(AuditRequest::TrainingAttempts { session });
        let AuditReply::TrainingAttemptList { session: s, attempts } = reply else { panic!("{reply:?}") };
        assert_eq!(s, session);
        assert_eq!(attempts.iter().map(|a| (a.index, a.seconds)).collect::<Vec<_>>(), [(0, 30), (1, 30)]);
        assert_eq!(attempts[0].inspection, decided);

        // The log itself holds only its first record, and verifies.
        assert_eq!(desk.list(ListFilter::default(), 10).1, 1);
        let AuditReply::Verified(report) = desk.reply(AuditRequest::Verify) else { panic!("verify") };
        assert!(report.intact(), "{:?}", report.findings);
        desk.stop();
    }

    /// A minimal undecided record: the worker must pass the refusal back, not panic.
    fn undecided_record() -> String {
        r#"{"record_version":1,"app_version":"0.1.0","manual":{"id":"m","version":"1.0.0","language":"en","content_hash":"x"},
            "level":"first","officer":null,"station":null,"started_at":"2026-11-23T09:00:00Z","ended_at":null,
            "source":{"kind":"text"},"mrz":{"status":"not_read","reason":"test"},"items":[],"decision":null}"#
            .to_owned()
    }
}
