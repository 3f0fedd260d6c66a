//! Training results in the audit database: a trainee's sessions on an exercise pack
//! (`training_session`) and their inspection of each document (`training_attempt`), in tables of
//! their own (schema version 2, see [`super::schema`]).
//!
//! **Training results never mix with operational records.** A training inspection is never a
//! record of the log: no leaf, no chain value, no checkpoint. Listing and statistics
//! ([`super::query::AuditReader`]), exports, imports and purges never read these tables;
//! [`super::verify_database`] only compares their schema with docexam's.
//!
//! Every write is one `BEGIN IMMEDIATE` transaction ([`AuditLog::training`]). Triggers keep the
//! rules even against other writers: a session's fields never change, it is finished once, an
//! attempt can be replaced only while its session is unfinished, and nothing is deleted.
//!
//! Scores are not stored: they are computed from the stored inspections and the pack's answer
//! key (`docexam_exam::training::score_attempts`). The session keeps the key
//! file's SHA-256, so a report can say when the key changed since the session.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use serde::{Deserialize, Serialize};

use super::entry::InspectionEntry;
use super::log::now;
use super::query::AuditReader;
use super::{AuditError, AuditLog};
use docexam_exam::inspection::{Inspection, Timestamp};
use docexam_exam::training::{Attempt, id_problems};

/// A training session's number in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub i64);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a session is about, given when it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSession {
    /// The pack's id (`AnswerKey::id`).
    pub pack_id: String,
    /// The pack's title, as the trainee saw it.
    pub pack_title: String,
    /// SHA-256 (lower-case hex) of the pack's `key.toml` bytes at the start.
    pub key_sha256: String,
    /// The manual the trainee follows (`AnswerKey::manual`).
    pub manual_id: String,
    /// The trainee's name or id (1 to 128 characters).
    pub trainee: String,
    /// The trainer asked for manual-only work: the machine read nothing, so showed nothing.
    pub manual_only: bool,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Its number.
    pub id: SessionId,
    /// What it is about, as given when it started.
    #[serde(flatten)]
    pub session: NewSession,
    /// When it started (the desk clock).
    pub started_at: Timestamp,
    /// When it was finished; `None` while the trainee is still at it (or gave up).
    pub finished_at: Option<Timestamp>,
    /// Documents attempted so far.
    pub attempts: u32,
}

/// Writing and reading training results through the desk's writer ([`AuditLog::training`]).
#[derive(Debug)]
pub struct TrainingStore<'l> {
    log: &'l mut AuditLog,
}

impl AuditLog {
    /// Training results, written through this log's connection (never into the log itself).
    pub fn training(&mut self) -> TrainingStore<'_> {
        TrainingStore { log: self }
    }
}

impl TrainingStore<'_> {
    /// Starts a session now (the desk clock); refuses a blank or over-long trainee name, a
    /// malformed key hash, an empty pack or manual id.
    pub fn start_session(&mut self, session: &NewSession) -> Result<SessionId, AuditError> {
        let mut reasons = Vec::new();
        id_problems(&mut reasons, "trainee", &session.trainee);
        id_problems(&mut reasons, "pack id", &session.pack_id);
        id_problems(&mut reasons, "manual id", &session.manual_id);
        if session.pack_title.chars().count() > MAX_TITLE_CHARS {
            reasons.push(format!("the pack title is longer than {MAX_TITLE_CHARS} characters"));
        }
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if session.key_sha256.len() != 64 || !session.key_sha256.chars().all(hex) {
            reasons.push("the key's SHA-256 must be 64 lower-case hex digits".into());
        }
        if !reasons.is_empty() {
            return Err(AuditError::Rejected { reasons });
        }
        let started_at = now().to_string();
        self.log.write_apart(|tx, path| {
            tx.prepare_cached(
                "INSERT INTO training_session \
                 (pack_id, pack_title, key_sha256, manual_id, trainee, manual_only, started_at, finished_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)",
            )
            .and_then(|mut insert| {
                insert.execute(params![
                    session.pack_id,
                    session.pack_title,
                    session.key_sha256,
                    session.manual_id,
                    session.trainee.trim(),
                    i64::from(session.manual_only),
                    started_at,
                ])
            })
            .map_err(|e| AuditError::sqlite(path, "start a training session", e))?;
            Ok(SessionId(tx.last_insert_rowid()))
        })
    }

    /// Stores the trainee's decided inspection of document `index` (0-based, key order), with
    /// the seconds spent on it. An earlier attempt at the same document is replaced while the
    /// session is unfinished; a finished session's attempts are final.
    ///
    /// Refused: an undecided inspection, one that breaks the inspection rules or the record size
    /// limits (as operational records are), one on another manual than the session's.
    pub fn record_attempt(
        &mut self,
        session: SessionId,
        index: usize,
        image: &str,
        inspection: &Inspection,
        seconds: u64,
    ) -> Result<(), AuditError> {
        let mut reasons = match InspectionEntry::from_inspection(inspection, &|_| String::new()) {
            Ok(_) => Vec::new(),
            Err(reasons) => reasons,
        };
        if image.is_empty() || image.chars().count() > MAX_TITLE_CHARS {
            reasons.push(format!("the image name must be 1 to {MAX_TITLE_CHARS} characters"));
        }
        let (Ok(index_sql), Ok(seconds_sql)) = (i64::try_from(index), i64::try_from(seconds)) else {
            return Err(AuditError::Rejected { reasons: vec!["document index or seconds out of range".into()] });
        };
        let json = serde_json::to_string(inspection)
            .map_err(|e| AuditError::Rejected { reasons: vec![format!("cannot serialise the inspection: {e}")] })?;
        if !reasons.is_empty() {
            return Err(AuditError::Rejected { reasons });
        }
        self.log.write_apart(|tx, path| {
            let manual_id = open_session(tx, path, session)?;
            if manual_id != inspection.manual().id {
                return Err(AuditError::Rejected {
                    reasons: vec![format!(
                        "the inspection follows manual {:?}; training session {session} is on manual {manual_id:?}",
                        inspection.manual().id
                    )],
                });
            }
            tx.prepare_cached(
                "INSERT INTO training_attempt (session_id, document_index, image, inspection_json, seconds) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (session_id, document_index) DO UPDATE SET \
                 image = excluded.image, inspection_json = excluded.inspection_json, seconds = excluded.seconds",
            )
            .and_then(|mut upsert| upsert.execute(params![session.0, index_sql, image, json, seconds_sql]))
            .map_err(|e| AuditError::sqlite(path, "store a training attempt", e))?;
            Ok(())
        })
    }

    /// Ends the session now (the desk clock). Its attempts are final from here on.
    pub fn finish_session(&mut self, session: SessionId) -> Result<(), AuditError> {
        let finished_at = now().to_string();
        self.log.write_apart(|tx, path| {
            open_session(tx, path, session)?;
            tx.prepare_cached("UPDATE training_session SET finished_at = ?2 WHERE id = ?1")
                .and_then(|mut update| update.execute(params![session.0, finished_at]))
                .map_err(|e| AuditError::sqlite(path, "finish a training session", e))?;
            Ok(())
        })
    }

    /// The stored sessions, oldest first: of one pack and/or one trainee, or all.
    pub fn sessions(&self, pack_id: Option<&str>, trainee: Option<&str>) -> Result<Vec<SessionSummary>, AuditError> {
        sessions(self.log.connection(), self.log.path(), pack_id, trainee)
    }

    /// A session's attempts, in document order.
    pub fn attempts(&self, session: SessionId) -> Result<Vec<Attempt>, AuditError> {
        attempts(self.log.connection(), self.log.path(), session)
    }
}

impl AuditReader {
    /// The stored training sessions, oldest first (see [`TrainingStore::sessions`]).
    pub fn training_sessions(
        &self,
        pack_id: Option<&str>,
        trainee: Option<&str>,
    ) -> Result<Vec<SessionSummary>, AuditError> {
        let (conn, path) = self.connection();
        sessions(conn, path, pack_id, trainee)
    }

    /// A training session's attempts, in document order (see [`TrainingStore::attempts`]).
    pub fn training_attempts(&self, session: SessionId) -> Result<Vec<Attempt>, AuditError> {
        let (conn, path) = self.connection();
        attempts(conn, path, session)
    }
}

/// Longest pack title or image name stored.
const MAX_TITLE_CHARS: usize = 1000;

/// The manual of `session`, which must exist and be unfinished.
fn open_session(tx: &Transaction<'_>, path: &Path, session: SessionId) -> Result<String, AuditError> {
    let row: Option<(String, Option<String>)> = tx
        .query_row("SELECT manual_id, finished_at FROM training_session WHERE id = ?1", [session.0], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()
        .map_err(|e| AuditError::sqlite(path, "read a training session", e))?;
    match row {
        None => Err(AuditError::Rejected { reasons: vec![format!("there is no training session {session}")] }),
        Some((_, Some(finished_at))) => Err(AuditError::Rejected {
            reasons: vec![format!("training session {session} was finished at {finished_at}: its attempts are final")],
        }),
        Some((manual_id, None)) => Ok(manual_id),
    }
}

fn timestamp(path: &Path, text: &str) -> Result<Timestamp, AuditError> {
    Timestamp::parse_rfc3339(text).ok_or_else(|| AuditError::Inconsistent {
        path: path.to_owned(),
        detail: format!("a training session time {text:?} is not RFC 3339"),
    })
}

fn sessions(
    conn: &Connection,
    path: &Path,
    pack_id: Option<&str>,
    trainee: Option<&str>,
) -> Result<Vec<SessionSummary>, AuditError> {
    let sql = |e| AuditError::sqlite(path, "read training sessions", e);
    let mut statement = conn
        .prepare_cached(
            "SELECT s.id, s.pack_id, s.pack_title, s.key_sha256, s.manual_id, s.trainee, s.manual_only, \
             s.started_at, s.finished_at, \
             (SELECT count(*) FROM training_attempt a WHERE a.session_id = s.id) \
             FROM training_session s \
             WHERE (?1 IS NULL OR s.pack_id = ?1) AND (?2 IS NULL OR s.trainee = ?2) ORDER BY s.id",
        )
        .map_err(sql)?;
    let rows = statement
        .query_map(params![pack_id, trainee], |row| {
            Ok((
                SessionId(row.get(0)?),
                [row.get::<_, String>(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?],
                row.get::<_, i64>(6)? != 0,
                row.get::<_, String>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, i64>(9)?,
            ))
        })
        .map_err(sql)?;
    let mut found = Vec::new();
    for row in rows {
        let (id, [pack_id, pack_title, key_sha256, manual_id, trainee], manual_only, started_at, finished_at, count) =
            row.map_err(sql)?;
        found.push(SessionSummary {
            id,
            session: NewSession { pack_id, pack_title, key_sha256, manual_id, trainee, manual_only },
            started_at: timestamp(path, &started_at)?,
            finished_at: finished_at.as_deref().map(|t| timestamp(path, t)).transpose()?,
            attempts: u32::try_from(count).unwrap_or(u32::MAX),
        });
    }
    Ok(found)
}

fn attempts(conn: &Connection, path: &Path, session: SessionId) -> Result<Vec<Attempt>, AuditError> {
    let sql = |e| AuditError::sqlite(path, "read training attempts", e);
    let mut statement = conn
        .prepare_cached(
            "SELECT document_index, image, inspection_json, seconds FROM training_attempt \
             WHERE session_id = ?1 ORDER BY document_index",
        )
        .map_err(sql)?;
    let rows = statement
        .query_map([session.0], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, i64>(3)?))
        })
        .map_err(sql)?;
    let mut found = Vec::new();
    for row in rows {
        let (index, image, json, seconds) = row.map_err(sql)?;
        let inspection = serde_json::from_str(&json).map_err(|e| AuditError::Inconsistent {
            path: path.to_owned(),
            detail: format!(
                "training session {session}, document {}: the stored inspection is damaged: {e}",
                index + 1
            ),
        })?;
        found.push(Attempt {
            index: usize::try_from(index).unwrap_or(usize::MAX),
            image,
            inspection,
            seconds: u64::try_from(seconds).unwrap_or(0),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

    use std::path::PathBuf;
    use std::time::Duration;

    use super::super::query::{GroupBy, ListFilter};
    use super::super::schema::{self, Access};
    use super::super::{OpenOptions, verify_database};
    use super::*;
    use docexam_exam::inspection::{Answer, DecisionRequest, DocumentSource, MrzInput, Outcome, RefusalReason, Setup};
    use docexam_exam::manual::{Level, LoadedManual, load_file};

    /// A scratch folder, removed when dropped.
    struct Scratch(tempfile::TempDir);

    impl Scratch {
        fn new(name: &str) -> Self {
            Self(tempfile::Builder::new().prefix(&format!("docexam-training-{name}-")).tempdir().unwrap())
        }

        fn db(&self) -> PathBuf {
            self.0.path().join("audit.sqlite")
        }
    }

    fn manual() -> LoadedManual {
        load_file(&Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("manuals/falsedoc-pocket.en.toml"))
            .unwrap()
    }

    /// A manual-only inspection by `trainee`: `failed` failed, the other open items passed, decided.
    fn inspection(failed: &[&str], outcome: Option<Outcome>) -> Inspection {
        let manual = manual();
        let setup = Setup {
            level: Level::First,
            officer: Some("trainee-1".into()),
            station: None,
            started_at: Timestamp::from_unix_seconds(2_000_000_000).unwrap(),
            source: DocumentSource::image("genuine.png", b"png"),
        };
        let mrz = MrzInput::NotRead { reason: "manual-only training" };
        let mut inspection = Inspection::start(&manual.manual, &manual.content_hash, setup, mrz).unwrap();
        let open: Vec<String> = inspection.unanswered().map(|i| i.id.clone()).collect();
        for id in open {
            let answer = if failed.contains(&id.as_str()) { Answer::Fail } else { Answer::Pass };
            inspection.answer(&id, answer, None).unwrap();
        }
        if let Some(outcome) = outcome {
            let refusal_reasons = if outcome.takes_refusal_reasons() { vec![RefusalReason::B] } else { vec![] };
            let request = DecisionRequest { outcome, refusal_reasons, justification: None };
            inspection.decide(request, Timestamp::from_unix_seconds(2_000_000_030).unwrap()).unwrap();
        }
        inspection
    }

    fn new_session(pack_id: &str, trainee: &str) -> NewSession {
        NewSession {
            pack_id: pack_id.into(),
            pack_title: "Basics".into(),
            key_sha256: "ab".repeat(32),
            manual_id: "falsedoc-pocket".into(),
            trainee: trainee.into(),
            manual_only: true,
        }
    }

    fn refused(result: Result<impl std::fmt::Debug, AuditError>, needle: &str) {
        match result {
            Err(AuditError::Rejected { reasons }) => {
                assert!(reasons.iter().any(|r| r.contains(needle)), "{needle:?} not in {reasons:?}");
            }
            other => panic!("expected a refusal with {needle:?}, got {other:?}"),
        }
    }

    #[test]
    fn sessions_and_attempts_round_trip_and_a_finished_session_is_final() {
        let scratch = Scratch::new("round-trip");
        let mut log = AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap();
        let mut store = log.training();
        let first = store.start_session(&new_session("basics-1", "Ann")).unwrap();
        let other_pack = store.start_session(&new_session("basics-2", "Ann")).unwrap();
        let other_trainee = store.start_session(&new_session("basics-1", "Bob")).unwrap();
        assert!(first < other_pack && other_pack < other_trainee);

        let admitted = inspection(&[], Some(Outcome::Admit));
        let refused_doc = inspection(&["F02"], Some(Outcome::Refuse));
        store.record_attempt(first, 1, "photo.png", &admitted, 12).unwrap();
        // Replacing is allowed while the session is open.
        store.record_attempt(first, 1, "photo.png", &refused_doc, 40).unwrap();
        store.record_attempt(first, 0, "genuine.png", &admitted, 25).unwrap();

        let attempts = store.attempts(first).unwrap();
        assert_eq!(attempts.len(), 2);
        assert_eq!((attempts[0].index, attempts[0].image.as_str(), attempts[0].seconds), (0, "genuine.png", 25));
        assert_eq!(attempts[0].inspection, admitted);
        assert_eq!((attempts[1].index, attempts[1].seconds), (1, 40));
        assert_eq!(attempts[1].inspection, refused_doc, "the replacement, not the first attempt");

        let all = store.sessions(None, None).unwrap();
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), [first, other_pack, other_trainee]);
        let ann_basics = store.sessions(Some("basics-1"), Some("Ann")).unwrap();
        assert_eq!(ann_basics.len(), 1);
        let summary = &ann_basics[0];
        assert_eq!((summary.id, summary.attempts, summary.finished_at), (first, 2, None));
        assert_eq!((summary.session.trainee.as_str(), summary.session.manual_only), ("Ann", true));
        assert_eq!(store.sessions(Some("basics-1"), None).unwrap().len(), 2);
        assert_eq!(store.sessions(None, Some("Bob")).unwrap()[0].id, other_trainee);

        store.finish_session(first).unwrap();
        assert!(store.sessions(Some("basics-1"), Some("Ann")).unwrap()[0].finished_at.is_some());
        refused(store.record_attempt(first, 1, "photo.png", &admitted, 1), "its attempts are final");
        refused(store.record_attempt(first, 2, "third.png", &admitted, 1), "its attempts are final");
        refused(store.finish_session(first), "was finished");
        refused(store.record_attempt(SessionId(999), 0, "x.png", &admitted, 1), "no training session 999");
        refused(store.record_attempt(other_pack, 0, "x.png", &inspection(&[], None), 1), "no decision");
        refused(store.start_session(&new_session("basics-1", "  ")), "trainee");
        let mut bad_hash = new_session("basics-1", "Ann");
        bad_hash.key_sha256 = "XYZ".into();
        refused(store.start_session(&bad_hash), "SHA-256");
        assert_eq!(store.attempts(first).unwrap(), attempts, "refusals change nothing");

        // The triggers hold against any writer, not only this API.
        let conn = log.connection();
        for sql in [
            "UPDATE training_attempt SET seconds = 1 WHERE session_id = 1",
            "DELETE FROM training_attempt",
            "DELETE FROM training_session WHERE id = 3",
            "UPDATE training_session SET trainee = 'Eve' WHERE id = 2",
            "UPDATE training_session SET finished_at = 'x' WHERE id = 1",
        ] {
            assert!(conn.execute(sql, []).is_err(), "{sql}");
        }
    }

    #[test]
    fn an_attempt_on_another_manual_is_refused() {
        let scratch = Scratch::new("manual");
        let mut log = AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap();
        let mut session = new_session("quick", "Ann");
        session.manual_id = "first-line-quick".into();
        let id = log.training().start_session(&session).unwrap();
        refused(
            log.training().record_attempt(id, 0, "a.png", &inspection(&[], Some(Outcome::Admit)), 3),
            "is on manual \"first-line-quick\"",
        );
    }

    #[test]
    fn training_rows_stay_out_of_the_log_its_listing_statistics_and_verification() {
        let scratch = Scratch::new("apart");
        let mut log = AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap();
        log.record_inspection(&inspection(&[], Some(Outcome::Admit))).unwrap();
        let size = log.size().unwrap();
        let session = log.training().start_session(&new_session("basics-1", "Ann")).unwrap();
        for index in 0..3 {
            let refused_doc = inspection(&["F02"], Some(Outcome::Refuse));
            log.training().record_attempt(session, index, &format!("{index}.png"), &refused_doc, 5).unwrap();
        }
        log.training().finish_session(session).unwrap();
        assert_eq!(log.size().unwrap(), size, "no record appended");
        drop(log);

        let reader = AuditReader::open(&scratch.db()).unwrap();
        let latest = reader.latest_records(&ListFilter::default(), 100).unwrap();
        assert_eq!(latest.total, size);
        assert_eq!(latest.records.iter().filter(|r| r.kind == "inspection").count(), 1);
        let stats = reader.stats(GroupBy::Outcome, None).unwrap();
        assert_eq!(stats.inspections, 1, "training decisions never count");
        let refusals = stats.rows.iter().find(|r| r.key == "refuse").map_or(0, |r| r.count);
        assert_eq!(refusals, 0);
        assert_eq!(reader.training_sessions(None, None).unwrap().len(), 1);
        assert_eq!(reader.training_attempts(session).unwrap().len(), 3);
        drop(reader);

        let report = verify_database(&scratch.db()).unwrap();
        assert!(report.intact(), "{:?}", report.findings);
        assert_eq!(report.own.as_ref().map(|o| o.records), Some(size));
    }

    #[test]
    fn a_log_at_the_previous_schema_migrates_and_still_verifies() {
        let scratch = Scratch::new("migrate");
        let mut log = AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap();
        log.record_inspection(&inspection(&["F02"], Some(Outcome::Refuse))).unwrap();
        drop(log);
        // Turn the file into what the previous docexam wrote: without the training objects, at
        // version 1. Its schema must then be exactly version 1's.
        let previous = schema::migrations().len() - 1;
        {
            let conn = Connection::open(scratch.db()).unwrap();
            conn.execute_batch("DROP TABLE training_attempt; DROP TABLE training_session; PRAGMA user_version = 1;")
                .unwrap();
            let old = Connection::open_in_memory().unwrap();
            for script in &schema::migrations()[..previous] {
                old.execute_batch(script).unwrap();
            }
            assert_eq!(schema::schema_of(&conn).unwrap(), schema::schema_of(&old).unwrap());
        }
        // Read-only opens ask for the upgrade; a write open runs it.
        assert!(matches!(AuditReader::open(&scratch.db()), Err(AuditError::OlderSchema { found: 1, .. })));
        let mut log = AuditLog::open(&scratch.db(), &OpenOptions::default()).unwrap();
        let conn = schema::open(&scratch.db(), Access::ReadOnly, Duration::from_secs(1)).unwrap();
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(version, schema::latest_version());
        drop(conn);
        let session = log.training().start_session(&new_session("basics-1", "Ann")).unwrap();
        log.training().record_attempt(session, 0, "a.png", &inspection(&[], Some(Outcome::Admit)), 9).unwrap();
        log.record_inspection(&inspection(&[], Some(Outcome::Admit))).unwrap();
        assert_eq!(log.size().unwrap(), 3);
        drop(log);
        let report = verify_database(&scratch.db()).unwrap();
        assert!(report.intact(), "{:?}", report.findings);
    }
}
