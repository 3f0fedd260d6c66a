//! The audit worker's tests: requests answered in order, authentication, listing, statistics,
//! export with progress, purge, one record's leaf and a training run, each on a scratch log.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tempfile::TempDir;

use super::*;
use docexam_audit::entry::EntryKind;
use docexam_audit::export;
use docexam_exam::inspection::Outcome;

#[test]
fn requests_are_answered_in_order_and_each_reply_notifies() {
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path();
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
}

#[test]
fn a_log_that_cannot_open_says_why_and_refuses_requests() {
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path();
    let not_a_db = dir.join("x.sqlite");
    std::fs::write(&not_a_db, b"this is not a database, it is a text file of some length....").unwrap();
    let mut worker = AuditWorker::spawn(not_a_db.clone(), OpenOptions::default(), || {}).unwrap();
    let (_, reply) = worker.recv().unwrap();
    assert!(matches!(reply, AuditReply::Failed(_)), "{reply:?}");
    assert_eq!(worker.send(AuditRequest::Verify), None);
    assert_eq!(std::fs::read(&not_a_db).unwrap(), b"this is not a database, it is a text file of some length....");
    drop(worker);
}

const PASSPHRASE: &str = "a long supervisor passphrase";

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

/// A scratch folder with a new log, `audit.sqlite`, holding these inspections after its first
/// record.
fn log_with_inspections(bodies: impl IntoIterator<Item = serde_json::Value>) -> (TempDir, PathBuf) {
    let scratch = TempDir::new().unwrap();
    let db = scratch.path().join("audit.sqlite");
    let mut log = AuditLog::open(&db, &OpenOptions::default()).unwrap();
    log.append_batch(bodies.into_iter().map(|body| (EntryKind::Inspection, body))).unwrap();
    (scratch, db)
}

fn kinds_and_seqs(records: &[ListedRecord]) -> Vec<(&str, u64)> {
    records.iter().map(|r| (r.kind.as_str(), r.seq)).collect()
}

#[test]
fn a_wrong_passphrase_fails_and_is_recorded_and_the_right_one_gives_the_actor() {
    let scratch = TempDir::new().unwrap();
    let db = scratch.path().join("audit.sqlite");
    drop(log_with_passphrase(&db, false));
    let mut desk = Started::new(&db);

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
    let outcomes = ["admit", "refuse", "admit", "refuse", "admit", "refuse", "admit"];
    let (_scratch, db) = log_with_inspections(outcomes.map(|o| inspection_body("2026-01-01T08:00:00Z", o, &[])));
    let mut desk = Started::new(&db);

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
    let (_scratch, db) = log_with_inspections([
        inspection_body("2026-01-02T00:00:00Z", "seize", &["B"]),
        inspection_body("2026-01-01T08:00:00Z", "admit", &[]),
        inspection_body("2026-01-01T23:59:59Z", "refuse", &["B", "H"]),
    ]);
    let mut desk = Started::new(&db);
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
    let inspections = 10_001;
    let (scratch, db) =
        log_with_inspections((0..inspections).map(|_| inspection_body("2026-01-01T08:00:00Z", "admit", &[])));
    let mut desk = Started::new(&db);
    let out = scratch.path().join("week.jsonl");
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
    let scratch = TempDir::new().unwrap();
    let db = scratch.path().join("audit.sqlite");
    drop(log_with_passphrase(&db, true));
    let fixture = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures/audit/inspection.json");
    let inspection: Inspection = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    let mut desk = Started::new(&db);
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
    let (_scratch, db) = log_with_inspections([inspection_body("2026-01-01T08:00:00Z", "refuse", &["A"])]);
    let mut desk = Started::new(&db);
    let own = desk.desk.clone();

    let reply = desk.reply(AuditRequest::Record { desk: own.clone(), seq: 1 });
    let AuditReply::RecordDetail { leaf_json } = reply else { panic!("{reply:?}") };
    let conn = rusqlite::Connection::open(db).unwrap();
    let stored: Vec<u8> = conn.query_row("SELECT leaf FROM log WHERE seq = 1", [], |row| row.get(0)).unwrap();
    drop(conn);
    let parsed: serde_json::Value = serde_json::from_str(&leaf_json).unwrap();
    assert_eq!(parsed, serde_json::from_slice::<serde_json::Value>(&stored).unwrap());
    assert!(leaf_json.starts_with("{\n  \"v\": 1,\n  \"log\": "), "stored key order, indented: {leaf_json}");
    assert!(leaf_json.contains("\n  \"kind\": \"inspection\",\n") && leaf_json.contains("\"refusal_reasons\": [\n"));

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
    let scratch = TempDir::new().unwrap();
    let db = scratch.path().join("audit.sqlite");
    let fixture = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures/audit/inspection.json");
    let decided: Inspection = serde_json::from_slice(&std::fs::read(fixture).unwrap()).unwrap();
    let mut desk = Started::new(&db);
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
