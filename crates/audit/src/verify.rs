//! Verification: does the database (or an export) still hold exactly what was signed?
//!
//! [`RecordCheck`] walks records in order and is shared by every verifier (the desk's own log,
//! imported desks, exports). For each record it checks the position (no gap, no reordering), the
//! envelope (desk, seq, kind and time in the leaf equal the row), and the chain. Checkpoints are
//! merged into the walk: each must equal the chain at its size, and the last one must cover every
//! record and carry a valid signature by the desk key of record 0.
//!
//! Personal data rows must match the commitment in their record; a record whose personal data is
//! gone must be covered by a purge range that a logged purge record names.

use std::path::Path;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::chain::{GENESIS, checkpoint_message, leaf_hash, next_link};
use super::entry::{Envelope, EnvelopeHeader, LEAF_VERSION, LogCreated, PurgeEvent};
use super::log::personal_data_commitment;
use super::schema::{self, Access};
use super::signing::{DeskKey, fingerprint, key_path_for, verify_signature};
use super::{AuditError, log::read_log_created};
use docexam_exam::digest::{from_hex, to_hex};

/// What kind of problem a verifier found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A record is missing, duplicated or out of order.
    Gap,
    /// A record's envelope disagrees with its row or its position (edited, moved between desks).
    Envelope,
    /// A record's content does not match its chain value (edited).
    Chain,
    /// A checkpoint does not match the records (records rewritten).
    Checkpoint,
    /// Records are missing at the end, or exist beyond the last signed checkpoint.
    Coverage,
    /// The last checkpoint's signature is not the desk key's.
    Signature,
    /// The desk key file beside the database is not the key of record 0.
    ForeignKey,
    /// A personal data row does not match its record, or is gone without a logged purge.
    PersonalData,
    /// SQLite reports the file damaged.
    Damaged,
    /// The log is not consistent with an earlier proof (rolled back, or forked).
    Rollback,
}

/// One problem, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Which desk's chain (the own desk, or an imported one).
    pub desk: String,
    /// The first bad record, when it can be named.
    pub record: Option<u64>,
    /// Kind of problem.
    pub kind: FindingKind,
    /// What, in words.
    pub detail: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record {
            Some(seq) => write!(f, "{} record {seq}: {}", self.desk, self.detail),
            None => write!(f, "{}: {}", self.desk, self.detail),
        }
    }
}

/// Walks one desk's records in order (see the module docs).
#[derive(Debug)]
pub struct RecordCheck {
    desk: Option<String>,
    public_key: Option<[u8; 32]>,
    size: u64,
    head: [u8; 32],
}

impl RecordCheck {
    /// A walk of `desk`'s records from seq 0 (`None`: learn the desk from record 0).
    pub fn new(desk: Option<&str>) -> Self {
        Self { desk: desk.map(str::to_owned), public_key: None, size: 0, head: GENESIS }
    }

    /// Records checked so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The chain head so far.
    pub fn head(&self) -> [u8; 32] {
        self.head
    }

    /// The desk (known after record 0).
    pub fn desk(&self) -> Option<&str> {
        self.desk.as_deref()
    }

    /// The public key of record 0.
    pub fn public_key(&self) -> Option<[u8; 32]> {
        self.public_key
    }

    fn finding(&self, record: Option<u64>, kind: FindingKind, detail: String) -> Finding {
        Finding { desk: self.desk.clone().unwrap_or_else(|| "log".into()), record, kind, detail }
    }

    /// Checks the next record. `stored_chain` is the chain value stored with it, if any.
    pub fn push(
        &mut self,
        seq: u64,
        kind: &str,
        at: &str,
        leaf: &[u8],
        stored_chain: Option<&[u8]>,
    ) -> Result<[u8; 32], Finding> {
        if seq != self.size {
            let detail = if seq > self.size {
                format!("records {} to {} are missing", self.size, seq - 1)
            } else {
                format!("record {seq} appears again after record {}", self.size.saturating_sub(1))
            };
            return Err(self.finding(Some(self.size.min(seq)), FindingKind::Gap, detail));
        }
        if seq == 0 {
            self.learn_desk(leaf)?;
        }
        if !self.envelope_matches(seq, kind, at, leaf) {
            return Err(self.envelope_finding(seq, kind, at, leaf));
        }
        let head = next_link(&self.head, &leaf_hash(leaf));
        if let Some(stored) = stored_chain
            && stored != head.as_slice()
        {
            return Err(self.finding(
                Some(seq),
                FindingKind::Chain,
                "its content does not match its chain value: the record was edited".into(),
            ));
        }
        self.head = head;
        self.size += 1;
        Ok(head)
    }

    fn learn_desk(&mut self, leaf: &[u8]) -> Result<(), Finding> {
        let created: Envelope<LogCreated> = serde_json::from_slice(leaf).map_err(|e| {
            self.finding(Some(0), FindingKind::Envelope, format!("the first record is not a log_created record: {e}"))
        })?;
        if let Some(desk) = &self.desk
            && *desk != created.body.desk
        {
            return Err(self.finding(
                Some(0),
                FindingKind::Envelope,
                format!("the first record belongs to desk {:?}", created.body.desk),
            ));
        }
        let key = from_hex(&created.body.public_key).and_then(|k| <[u8; 32]>::try_from(k).ok()).ok_or_else(|| {
            self.finding(Some(0), FindingKind::Envelope, "the first record's public key is not 32 hex bytes".into())
        })?;
        self.desk = Some(created.body.desk);
        self.public_key = Some(key);
        Ok(())
    }

    /// The fast path: our writer's exact envelope bytes.
    fn envelope_matches(&self, seq: u64, kind: &str, at: &str, leaf: &[u8]) -> bool {
        let (Some(desk), Ok(kind), Ok(at)) = (&self.desk, serde_json::to_string(kind), serde_json::to_string(at))
        else {
            return false;
        };
        let prefix =
            format!("{{\"v\":{LEAF_VERSION},\"log\":\"{desk}\",\"seq\":{seq},\"kind\":{kind},\"at\":{at},\"body\":");
        leaf.starts_with(prefix.as_bytes()) && leaf.ends_with(b"}")
    }

    /// The slow path, for a precise message.
    fn envelope_finding(&self, seq: u64, kind: &str, at: &str, leaf: &[u8]) -> Finding {
        let detail = match serde_json::from_slice::<EnvelopeHeader<'_>>(leaf) {
            Err(e) => format!("the record is not a readable leaf: {e}"),
            Ok(header) if header.v != LEAF_VERSION => format!("unknown leaf version {}", header.v),
            Ok(header) if Some(header.log.as_ref()) != self.desk.as_deref() => {
                format!("the record names desk {:?}: it was moved from another log", header.log)
            }
            Ok(header) if header.seq != seq => {
                format!("the record says it is record {}: records were reordered", header.seq)
            }
            Ok(header) if header.kind != kind => {
                format!("the row says kind {kind:?} but the record says {:?}: the row was edited", header.kind)
            }
            Ok(header) if header.at != at => {
                format!("the row says time {at:?} but the record says {:?}: the row was edited", header.at)
            }
            Ok(_) => "the record's bytes are not in docexam's form".into(),
        };
        self.finding(Some(seq), FindingKind::Envelope, detail)
    }
}

/// The outcome of verifying one desk's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// The desk.
    pub desk: String,
    /// Records.
    pub records: u64,
    /// Chain head, hex.
    pub head: String,
    /// Records covered by the last signed checkpoint.
    pub signed_size: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// The desk public key's fingerprint.
    pub key_fingerprint: Option<String>,
}

/// The outcome of `audit verify`: intact when `findings` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// What was verified (the database path, or the export file).
    pub source: String,
    /// The desk's own chain.
    pub own: Option<ChainReport>,
    /// Imported desks' chains.
    pub imported: Vec<ChainReport>,
    /// Personal data rows present.
    pub personal_data_rows: u64,
    /// Records whose personal data was purged (by a logged purge).
    pub purged_records: u64,
    /// Problems: the first per chain. Empty means intact.
    pub findings: Vec<Finding>,
    /// Things worth knowing that are not failures (e.g. no key file to compare with).
    pub notes: Vec<String>,
}

impl VerifyReport {
    /// No problem found.
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// A checkpoint row.
struct CheckpointRow {
    size: u64,
    head: Vec<u8>,
    signature: Vec<u8>,
}

/// Verifies the database at `path` (opened read-only). `Err` only when it cannot be read at all;
/// damage SQLite reports is a finding.
pub fn verify_database(path: &Path) -> Result<VerifyReport, AuditError> {
    let mut report = VerifyReport {
        source: path.display().to_string(),
        own: None,
        imported: Vec::new(),
        personal_data_rows: 0,
        purged_records: 0,
        findings: Vec::new(),
        notes: Vec::new(),
    };
    let conn = match schema::open(path, Access::ReadOnly, std::time::Duration::from_secs(5)) {
        Ok(conn) => conn,
        Err(AuditError::Damaged { detail, .. }) => {
            report.findings.push(damaged(&detail));
            return Ok(report);
        }
        Err(e) => return Err(e),
    };
    match verify_connection(&conn, path, &mut report) {
        Ok(()) => Ok(report),
        Err(AuditError::Damaged { detail, .. }) => {
            report.findings.push(damaged(&detail));
            Ok(report)
        }
        Err(e) => Err(e),
    }
}

fn damaged(detail: &str) -> Finding {
    Finding {
        desk: "log".into(),
        record: None,
        kind: FindingKind::Damaged,
        detail: format!("SQLite reports the file damaged ({detail}): it was altered or corrupted"),
    }
}

fn verify_connection(conn: &Connection, path: &Path, report: &mut VerifyReport) -> Result<(), AuditError> {
    let sql = |e| AuditError::sqlite(path, "read the log", e);
    // Reading through a memory map instead of copying pages roughly halves the time on big logs.
    let _: i64 = conn.query_row("PRAGMA mmap_size = 17179869184", [], |row| row.get(0)).map_err(sql)?;
    // integrity_check, not quick_check: an index edited to disagree with its table (say, to hide
    // the last settings record from the writer) reads back "ok" from quick_check.
    let integrity: String = conn.query_row("PRAGMA integrity_check(1)", [], |row| row.get(0)).map_err(sql)?;
    if integrity != "ok" {
        report.findings.push(damaged(&integrity));
        return Ok(());
    }
    let expected = schema::expected_schema().map_err(|e| AuditError::sqlite(path, "build the expected schema", e))?;
    let schema_altered = schema::schema_of(conn).map_err(sql)? != expected;
    let created = read_log_created(conn, path).ok().flatten();
    let mut commitments: Vec<(u64, String)> = Vec::new();
    let own = verify_chain(
        conn,
        path,
        created.as_ref().map(|c| c.desk.as_str()),
        (
            "SELECT seq, kind, at, leaf, chain FROM log ORDER BY seq",
            "SELECT size, head, signature FROM checkpoint ORDER BY size",
        ),
        params![],
        None,
        Some(&mut commitments),
    )?;
    if let (Some(public_key), None) = (own.public_key, own.finding.as_ref()) {
        compare_key_file(path, &public_key, &own.report.desk, report);
    }
    let own_intact = own.finding.is_none();
    report.own = Some(own.report);
    report.findings.extend(own.finding);
    if own_intact {
        verify_personal_data(conn, path, &commitments, report)?;
    }

    let mut desks = conn.prepare("SELECT DISTINCT desk FROM imported_record ORDER BY desk").map_err(sql)?;
    let desks: Vec<String> =
        desks.query_map([], |row| row.get(0)).map_err(sql)?.collect::<Result<_, _>>().map_err(sql)?;
    for desk in desks {
        let chain = verify_chain(
            conn,
            path,
            Some(&desk),
            (
                "SELECT seq, kind, at, leaf, chain FROM imported_record WHERE desk = ?1 ORDER BY seq",
                "SELECT size, head, signature FROM imported_checkpoint WHERE desk = ?1 ORDER BY size",
            ),
            params![desk],
            Some(imported_key(conn, path, &desk)?),
            None,
        )?;
        report.imported.push(chain.report);
        report.findings.extend(chain.finding);
    }
    // Last, so a record-level finding (usually the reason triggers were dropped) comes first.
    if schema_altered {
        report.findings.push(Finding {
            desk: "log".into(),
            record: None,
            kind: FindingKind::Damaged,
            detail: "the tables or triggers differ from docexam's schema: the file was altered".into(),
        });
    }
    Ok(())
}

/// The public key stored with an imported desk's checkpoints (all must agree).
fn imported_key(conn: &Connection, path: &Path, desk: &str) -> Result<Vec<Vec<u8>>, AuditError> {
    let sql = |e| AuditError::sqlite(path, "read imported checkpoints", e);
    let mut statement =
        conn.prepare("SELECT DISTINCT public_key FROM imported_checkpoint WHERE desk = ?1").map_err(sql)?;
    statement.query_map([desk], |row| row.get(0)).map_err(sql)?.collect::<Result<_, _>>().map_err(sql)
}

struct ChainOutcome {
    report: ChainReport,
    finding: Option<Finding>,
    public_key: Option<[u8; 32]>,
}

/// Walks one chain and its checkpoints. `checkpoint_keys`: for imported desks, the public keys
/// stored with the checkpoints (must be exactly record 0's key). `commitments`: collects the
/// personal data commitments of inspection records, in order.
fn verify_chain(
    conn: &Connection,
    path: &Path,
    desk: Option<&str>,
    (records_sql, checkpoints_sql): (&str, &str),
    parameters: &[&dyn rusqlite::ToSql],
    checkpoint_keys: Option<Vec<Vec<u8>>>,
    mut commitments: Option<&mut Vec<(u64, String)>>,
) -> Result<ChainOutcome, AuditError> {
    let sql = |e| AuditError::sqlite(path, "read the log", e);
    let mut check = RecordCheck::new(desk);
    let mut finding = None;

    let mut checkpoints_statement = conn.prepare(checkpoints_sql).map_err(sql)?;
    let mut checkpoints = checkpoints_statement
        .query_map(parameters, |row| {
            Ok(CheckpointRow {
                size: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(u64::MAX),
                head: row.get(1)?,
                signature: row.get(2)?,
            })
        })
        .map_err(sql)?
        .peekable();
    let mut checkpoint_count = 0u64;
    let mut last_checkpoint: Option<CheckpointRow> = None;

    let mut records_statement = conn.prepare(records_sql).map_err(sql)?;
    let mut rows = records_statement.query(parameters).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let LogRow { seq, kind, at, leaf, chain } = LogRow::read(row).map_err(sql)?;
        if let Err(f) = check.push(seq, &kind, &at, leaf, Some(chain)) {
            finding = Some(f);
            break;
        }
        if let Some(commitments) = commitments.as_deref_mut()
            && kind == "inspection"
            && let Some(commitment) = personal_data_commitment_in(leaf)
        {
            commitments.push((seq, commitment));
        }
        // Every checkpoint at this size must equal the chain here.
        while let Some(Ok(next)) = checkpoints.peek() {
            if next.size > check.size() {
                break;
            }
            let Some(Ok(checkpoint)) = checkpoints.next() else { break };
            checkpoint_count += 1;
            if checkpoint.size < check.size() || checkpoint.head != check.head() {
                finding = Some(Finding {
                    desk: check.desk().unwrap_or("log").to_owned(),
                    record: Some(check.size() - 1),
                    kind: FindingKind::Checkpoint,
                    detail: format!(
                        "the checkpoint signed at size {} does not match the records: records up to here were rewritten",
                        checkpoint.size
                    ),
                });
                break;
            }
            last_checkpoint = Some(checkpoint);
        }
        if finding.is_some() {
            break;
        }
    }
    drop(rows);
    if let Some(Err(e)) = checkpoints.peek() {
        return Err(AuditError::sqlite(path, "read checkpoints", clone_sqlite_error(e)));
    }
    let desk_name = check.desk().unwrap_or("log").to_owned();
    let public_key = check.public_key();
    if finding.is_none() {
        finding = coverage_finding(&check, &desk_name, last_checkpoint.as_ref(), checkpoints.next().is_some());
    }
    if finding.is_none()
        && let (Some(checkpoint), Some(key)) = (&last_checkpoint, public_key)
    {
        let signature: Option<[u8; 64]> = checkpoint.signature.clone().try_into().ok();
        let message = checkpoint_message(&desk_name, checkpoint.size, &check.head());
        if !signature.is_some_and(|s| verify_signature(&key, &message, &s)) {
            finding = Some(Finding {
                desk: desk_name.clone(),
                record: None,
                kind: FindingKind::Signature,
                detail: "the last checkpoint's signature is not by the desk key of record 0".into(),
            });
        }
    }
    if finding.is_none()
        && let (Some(keys), Some(key)) = (&checkpoint_keys, public_key)
        && keys.iter().any(|k| k.as_slice() != key.as_slice())
    {
        finding = Some(Finding {
            desk: desk_name.clone(),
            record: None,
            kind: FindingKind::ForeignKey,
            detail: "the imported checkpoints name a key other than the desk's own".into(),
        });
    }
    let signed_size = last_checkpoint.as_ref().map_or(0, |c| c.size);
    Ok(ChainOutcome {
        report: ChainReport {
            desk: desk_name,
            records: check.size(),
            head: to_hex(&check.head()),
            signed_size,
            checkpoints: checkpoint_count,
            key_fingerprint: public_key.as_ref().map(fingerprint),
        },
        finding,
        public_key,
    })
}

/// Every record covered by the last checkpoint, and no checkpoint beyond the records.
fn coverage_finding(
    check: &RecordCheck,
    desk: &str,
    last: Option<&CheckpointRow>,
    checkpoint_beyond: bool,
) -> Option<Finding> {
    let finding = |record, detail| Some(Finding { desk: desk.to_owned(), record, kind: FindingKind::Coverage, detail });
    if checkpoint_beyond {
        return finding(
            Some(check.size()),
            format!(
                "a checkpoint covers more than the {} records present: records at the end were deleted",
                check.size()
            ),
        );
    }
    if check.size() == 0 {
        return finding(None, "the log has no records".into());
    }
    match last {
        None => finding(Some(0), "no signed checkpoint covers the records".into()),
        Some(last) if last.size < check.size() => finding(
            Some(last.size),
            format!(
                "records from {} on are not covered by a signed checkpoint: they were added outside docexam",
                last.size
            ),
        ),
        Some(_) => None,
    }
}

fn clone_sqlite_error(error: &rusqlite::Error) -> rusqlite::Error {
    match error {
        rusqlite::Error::SqliteFailure(code, message) => rusqlite::Error::SqliteFailure(*code, message.clone()),
        other => rusqlite::Error::InvalidParameterName(other.to_string()),
    }
}

/// The key file beside the database, when there is one, must be record 0's key.
fn compare_key_file(path: &Path, public_key: &[u8; 32], desk: &str, report: &mut VerifyReport) {
    let key_path = key_path_for(path);
    match DeskKey::load(&key_path) {
        Ok(key) if key.public() == *public_key => {}
        Ok(_) => report.findings.push(Finding {
            desk: desk.to_owned(),
            record: Some(0),
            kind: FindingKind::ForeignKey,
            detail: format!(
                "record 0 names a key other than the desk key {}: the log was replaced",
                key_path.display()
            ),
        }),
        Err(_) => report.notes.push(format!(
            "no readable desk key at {}; the signatures were checked against the key in record 0 (fingerprint {})",
            key_path.display(),
            fingerprint(public_key)
        )),
    }
}

/// Personal data rows against the commitments in their records; purges against purge records.
fn verify_personal_data(
    conn: &Connection,
    path: &Path,
    commitments: &[(u64, String)],
    report: &mut VerifyReport,
) -> Result<(), AuditError> {
    let sql = |e| AuditError::sqlite(path, "read personal data", e);
    let desk = report.own.as_ref().map_or_else(|| "log".to_owned(), |o| o.desk.clone());
    let finding = |record, detail| Finding { desk: desk.clone(), record, kind: FindingKind::PersonalData, detail };

    // Purge ranges are not in the chain themselves: each must match the purge record it names.
    let mut ranges: Vec<(u64, u64)> = Vec::new();
    let mut statement = conn
        .prepare("SELECT p.purge_seq, p.from_seq, p.to_seq, l.leaf FROM purge_range p LEFT JOIN log l ON l.seq = p.purge_seq")
        .map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let purge_seq: i64 = row.get(0).map_err(sql)?;
        let range = (row.get::<_, i64>(1).map_err(sql)?, row.get::<_, i64>(2).map_err(sql)?);
        let range = (u64::try_from(range.0).unwrap_or(u64::MAX), u64::try_from(range.1).unwrap_or(0));
        let leaf: Option<Vec<u8>> = row.get(3).map_err(sql)?;
        let logged = leaf
            .and_then(|leaf| serde_json::from_slice::<Envelope<PurgeEvent>>(&leaf).ok())
            .is_some_and(|purge| purge.kind == "purge" && purge.body.range == Some(range));
        if !logged {
            report.findings.push(finding(
                u64::try_from(purge_seq).ok(),
                format!(
                    "a purge range ({}-{}) that no purge record names: personal data was deleted outside docexam",
                    range.0, range.1
                ),
            ));
            return Ok(());
        }
        ranges.push(range);
    }
    drop(rows);

    // Merge the personal data rows (by seq) with the commitments the walk collected (by seq).
    let mut pending = commitments.iter().peekable();
    let mut rows_seen = 0u64;
    let check_purged = |seq: u64, report: &mut VerifyReport| {
        if ranges.iter().any(|&(from, to)| (from..=to).contains(&seq)) {
            report.purged_records += 1;
            None
        } else {
            Some(finding(
                Some(seq),
                "the personal data is gone but no logged purge covers it: it was deleted outside docexam".into(),
            ))
        }
    };
    let mut statement = conn.prepare("SELECT seq, salt, data FROM personal_data ORDER BY seq").map_err(sql)?;
    let mut rows = statement.query([]).map_err(sql)?;
    while let Some(row) = rows.next().map_err(sql)? {
        let seq = u64::try_from(row.get::<_, i64>(0).map_err(sql)?).unwrap_or(u64::MAX);
        let salt = row.get_ref(1).map_err(sql)?.as_bytes().unwrap_or_default();
        let data = row.get_ref(2).map_err(sql)?.as_bytes().unwrap_or_default();
        while let Some((missing, _)) = pending.next_if(|(committed, _)| *committed < seq) {
            if let Some(f) = check_purged(*missing, report) {
                report.findings.push(f);
                return Ok(());
            }
        }
        match pending.next_if(|(committed, _)| *committed == seq) {
            None => {
                let detail = "personal data stored for a record that kept none: it was inserted".into();
                report.findings.push(finding(Some(seq), detail));
                return Ok(());
            }
            Some((_, expected)) => {
                rows_seen += 1;
                if to_hex(&personal_data_commitment(salt, data)) != *expected {
                    let detail = "the personal data does not match its record: it was edited".into();
                    report.findings.push(finding(Some(seq), detail));
                    return Ok(());
                }
            }
        }
    }
    for (missing, _) in pending {
        if let Some(f) = check_purged(*missing, report) {
            report.findings.push(f);
            return Ok(());
        }
    }
    report.personal_data_rows = rows_seen;
    Ok(())
}

/// The `personal_data_sha256` of an inspection leaf: the last key of the body by construction,
/// so it is read from the end without parsing the whole record.
pub(crate) fn personal_data_commitment_in(leaf: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"personal_data_sha256\":\"";
    let tail = leaf.strip_suffix(b"\"}}")?;
    let hex = tail.get(tail.len().checked_sub(64)?..)?;
    let before = tail.get(..tail.len() - 64)?;
    before.ends_with(KEY).then(|| String::from_utf8_lossy(hex).into_owned())
}

/// One `SELECT seq, kind, at, leaf, chain` row as the verifiers walk it: text that is not text
/// reads as U+FFFD and a chain or leaf that is not a blob as empty, so the check reports them as
/// findings rather than the walk stopping on an error.
pub(crate) struct LogRow<'r> {
    pub seq: u64,
    pub kind: String,
    pub at: String,
    pub leaf: &'r [u8],
    pub chain: &'r [u8],
}

impl<'r> LogRow<'r> {
    pub(crate) fn read(row: &'r rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(u64::MAX),
            kind: row.get_ref(1)?.as_str().unwrap_or("\u{fffd}").to_owned(),
            at: row.get_ref(2)?.as_str().unwrap_or("\u{fffd}").to_owned(),
            leaf: row.get_ref(3)?.as_bytes().unwrap_or_default(),
            chain: row.get_ref(4)?.as_bytes().unwrap_or_default(),
        })
    }
}
