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
mod tests;
