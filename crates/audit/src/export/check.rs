//! Checking an export against its proof, and a log or an export against an earlier proof.

use std::fs::File;
use std::path::Path;

use rusqlite::{Connection, params};

use super::csv_rows::BOM;
use super::read::{ExportedRecord, RecordReader, read_up_to};
use super::{ExportFormat, Proof, export_message, file_name_of, proof_path_for, read_proof};
use crate::AuditError;
use crate::chain::{checkpoint_message, leaf_hash};
use crate::log::personal_data_commitment;
use crate::schema::{self, Access};
use crate::signing::{fingerprint, verify_signature};
use crate::verify::{
    ChainReport, Finding, FindingKind, LogRow, RecordCheck, VerifyReport, personal_data_commitment_in,
};
use docexam_exam::digest::{from_hex, to_hex};

/// Called with each record that passed its checks, and the chain value after it.
pub(crate) type RecordVisitor<'v> = dyn FnMut(&ExportedRecord, &[u8; 32]) -> Result<(), AuditError> + 'v;

/// The outcome of reading and checking an export and its proof.
#[derive(Debug)]
pub(crate) struct ExportExamination {
    /// The findings (intact when none), for printing.
    pub report: VerifyReport,
    /// The proof, when it is well-formed.
    pub proof: Option<Proof>,
    /// SHA-256 of the export file as read.
    pub sha256: [u8; 32],
    /// Records that passed their checks.
    pub records: u64,
    /// The chain head after them.
    pub head: [u8; 32],
    /// The desk, from record 0.
    pub desk: Option<String>,
    /// The public key, from record 0.
    pub public_key: Option<[u8; 32]>,
}

/// Reads the export at `path` and its proof, checks everything (see the module docs) and calls
/// `visit` for every record that passed its checks. `Err` only when a file cannot be read, or
/// when `visit` fails.
pub(crate) fn examine_export(path: &Path, visit: &mut RecordVisitor<'_>) -> Result<ExportExamination, AuditError> {
    std::fs::metadata(path).map_err(|source| AuditError::Io {
        path: path.to_owned(),
        action: "read the export",
        source,
    })?;
    let proof_path = proof_path_for(path);
    let proof = read_proof(&proof_path)?;
    let mut findings = Vec::new();
    let proof_finding = |kind, detail: String| Finding { desk: "export".into(), record: None, kind, detail };
    let proof = match proof {
        Ok(proof) => Some(proof),
        Err(why) => {
            findings.push(proof_finding(FindingKind::Signature, format!("{}: {why}", proof_path.display())));
            None
        }
    };
    let format = match proof.as_ref().map(|p| (ExportFormat::parse(&p.export_format), &p.export_format)) {
        Some((Some(format), _)) => format,
        Some((None, named)) => {
            findings.push(proof_finding(
                FindingKind::Signature,
                format!("the proof names an unknown export format {named:?}"),
            ));
            sniff_format(path)?
        }
        None => sniff_format(path)?,
    };

    let (mut reader, opening_problem) = RecordReader::open(path, format)?;
    let walk = match opening_problem {
        None => walk_records(&mut reader, path, visit)?,
        Some(problem) => {
            let mut walk = Walk::new();
            walk.finding = Some(walk.finding_at(None, problem.kind, problem.detail));
            walk
        }
    };
    let sha256 = reader.finish(path)?;

    let Walk { check, finding: record_finding, personal_data_rows } = walk;
    let desk = check.desk().map(str::to_owned);
    let public_key = check.public_key();
    let record_problem = record_finding.is_some();
    findings.extend(record_finding);
    let mut signed_size = 0;
    if let Some(proof) = &proof {
        let (proof_findings, signed) = check_proof(proof, &check, public_key, &sha256, record_problem);
        findings.extend(proof_findings);
        if signed {
            signed_size = proof.records;
        }
    }
    if findings.is_empty() && check.size() == 0 {
        findings.push(proof_finding(FindingKind::Coverage, "the export holds no records".into()));
    }
    let mut notes = Vec::new();
    if let Some(key) = &public_key {
        notes.push(format!(
            "the signatures were checked with the public key carried by the export itself (fingerprint {}): \
             compare it with the desk's enrolled fingerprint",
            fingerprint(key)
        ));
    }
    if let Some(proof) = &proof
        && proof.export_file != file_name_of(path)
    {
        notes.push(format!("the export was written as {:?} and has been renamed since", proof.export_file));
    }
    let report = VerifyReport {
        source: path.display().to_string(),
        own: Some(ChainReport {
            desk: desk.clone().or_else(|| proof.as_ref().map(|p| p.desk.clone())).unwrap_or_else(|| "export".into()),
            records: check.size(),
            head: to_hex(&check.head()),
            signed_size,
            checkpoints: u64::from(proof.is_some()),
            key_fingerprint: public_key.as_ref().map(fingerprint),
        }),
        imported: Vec::new(),
        personal_data_rows,
        purged_records: 0,
        findings,
        notes,
    };
    Ok(ExportExamination { report, proof, sha256, records: check.size(), head: check.head(), desk, public_key })
}

/// An export's records walked in order, up to the first bad one.
struct Walk {
    check: RecordCheck,
    /// The first bad record.
    finding: Option<Finding>,
    /// Records whose personal data came with them (and matched).
    personal_data_rows: u64,
}

impl Walk {
    fn new() -> Self {
        Self { check: RecordCheck::new(None), finding: None, personal_data_rows: 0 }
    }

    fn finding_at(&self, record: Option<u64>, kind: FindingKind, detail: String) -> Finding {
        Finding { desk: self.check.desk().unwrap_or("export").to_owned(), record, kind, detail }
    }

    /// Checks one record: position, envelope and chain ([`RecordCheck`]), then what only an
    /// export has (the CSV cells, the personal data). Returns the chain value after it.
    fn check(&mut self, record: &ExportedRecord) -> Result<[u8; 32], Finding> {
        let here = Some(self.check.size());
        let chain =
            self.check.push(record.seq, &record.kind, &record.at, record.leaf.as_bytes(), Some(&record.chain))?;
        if let Some(cell) = &record.leaf_hash_cell
            && *cell != to_hex(&leaf_hash(record.leaf.as_bytes()))
        {
            let detail = "the leaf_hash cell does not match the leaf: the row was edited".into();
            return Err(self.finding_at(here, FindingKind::Chain, detail));
        }
        if let Some(problem) = &record.cell_problem {
            return Err(self.finding_at(here, FindingKind::Envelope, problem.clone()));
        }
        if let Some((salt, data)) = &record.personal {
            let expected = personal_data_commitment_in(record.leaf.as_bytes());
            if expected.as_deref() != Some(to_hex(&personal_data_commitment(salt, data)).as_str()) {
                let detail = "the personal data does not match its record: it was edited".into();
                return Err(self.finding_at(here, FindingKind::PersonalData, detail));
            }
            self.personal_data_rows += 1;
        }
        Ok(chain)
    }
}

/// Reads and checks records until the end or the first bad one; `visit` sees each good one.
fn walk_records(reader: &mut RecordReader, path: &Path, visit: &mut RecordVisitor<'_>) -> Result<Walk, AuditError> {
    let mut walk = Walk::new();
    while let Some(next) = reader.next(path)? {
        let checked = match next {
            Ok(record) => walk.check(&record).map(|chain| (record, chain)),
            Err(malformed) => Err(walk.finding_at(Some(walk.check.size()), malformed.kind, malformed.detail)),
        };
        match checked {
            Ok((record, chain)) => visit(&record, &chain)?,
            Err(finding) => {
                walk.finding = Some(finding);
                break;
            }
        }
    }
    Ok(walk)
}

/// The format of a file whose proof does not say: a CSV export starts with the BOM.
fn sniff_format(path: &Path) -> Result<ExportFormat, AuditError> {
    let mut start = [0u8; 3];
    let filled = File::open(path)
        .and_then(|mut file| read_up_to(&mut file, &mut start))
        .map_err(|source| AuditError::Io { path: path.to_owned(), action: "read the export", source })?;
    Ok(if start[..filled] == *BOM { ExportFormat::Csv } else { ExportFormat::Jsonl })
}

fn hex_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    from_hex(text).and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
}

/// The proof against the records walked and the file's hash. Returns the findings and whether the
/// checkpoint signature covers exactly the records walked.
fn check_proof(
    proof: &Proof,
    check: &RecordCheck,
    record_key: Option<[u8; 32]>,
    sha256: &[u8; 32],
    record_problem: bool,
) -> (Vec<Finding>, bool) {
    let mut findings = Vec::new();
    let desk = check.desk().unwrap_or(&proof.desk).to_owned();
    let mut finding =
        |record, kind, detail: String| findings.push(Finding { desk: desk.clone(), record, kind, detail });
    let head = hex_array::<32>(&proof.chain_head);
    if !record_problem {
        if check.desk().is_some_and(|d| d != proof.desk) {
            finding(
                Some(0),
                FindingKind::Envelope,
                format!("the records are desk {desk:?} but the proof names desk {:?}", proof.desk),
            );
        }
        if check.size() < proof.records {
            finding(
                Some(check.size()),
                FindingKind::Coverage,
                format!(
                    "the export holds {} records but its proof covers {}: records at the end were deleted",
                    check.size(),
                    proof.records
                ),
            );
        } else if check.size() > proof.records {
            finding(
                Some(proof.records),
                FindingKind::Coverage,
                format!(
                    "the export holds {} records but its proof covers {}: records were added after the export",
                    check.size(),
                    proof.records
                ),
            );
        } else if head != Some(check.head()) {
            finding(
                None,
                FindingKind::Checkpoint,
                "the records' chain head is not the proof's: the records or the proof were edited".into(),
            );
        }
    }
    let key = hex_array::<32>(&proof.public_key);
    match (key, record_key) {
        (None, _) => finding(None, FindingKind::ForeignKey, "the proof's public key is not 32 hex bytes".into()),
        (Some(key), Some(record_key)) if key != record_key => finding(
            Some(0),
            FindingKind::ForeignKey,
            "the proof's public key is not the key in record 0: the proof is not this desk's".into(),
        ),
        _ => {}
    }
    if let Some(key) = key
        && proof.key_fingerprint != fingerprint(&key)
    {
        finding(
            None,
            FindingKind::ForeignKey,
            "the proof's key fingerprint is not its public key's: the proof was edited".into(),
        );
    }
    let checkpoint_signed = match (key, head, hex_array::<64>(&proof.checkpoint_signature)) {
        (Some(key), Some(head), Some(signature)) => {
            verify_signature(&key, &checkpoint_message(&proof.desk, proof.records, &head), &signature)
        }
        _ => false,
    };
    if !checkpoint_signed {
        finding(
            None,
            FindingKind::Signature,
            format!(
                "the checkpoint signature in the proof does not verify for {} records and its chain head",
                proof.records
            ),
        );
    }
    if hex_array::<32>(&proof.export_sha256) != Some(*sha256) {
        finding(
            None,
            FindingKind::Signature,
            "the export file's SHA-256 is not the one its proof signs: the file was altered".into(),
        );
    }
    let export_signed =
        match (key, head, hex_array::<32>(&proof.export_sha256), hex_array::<64>(&proof.export_signature)) {
            (Some(key), Some(head), Some(proof_sha), Some(signature)) => {
                verify_signature(&key, &export_message(&proof.desk, proof.records, &head, &proof_sha), &signature)
            }
            _ => false,
        };
    if !export_signed {
        finding(
            None,
            FindingKind::Signature,
            "the export signature in the proof does not verify: the proof was edited".into(),
        );
    }
    let covers_walk =
        checkpoint_signed && !record_problem && check.size() == proof.records && head == Some(check.head());
    (findings, covers_walk)
}

/// Verifies the export at `path` with its proof `FILE.proof.json`, and, with `against`, that it
/// extends an earlier proof of the same desk. `Err` when a file cannot be read.
pub fn verify_export(path: &Path, against: Option<&Path>) -> Result<VerifyReport, AuditError> {
    let earlier = against.map(read_earlier_proof).transpose()?;
    let mut head_at_earlier = None;
    let earlier_size = earlier.as_ref().map(|p| p.records);
    let mut examination = examine_export(path, &mut |record, chain| {
        if Some(record.seq + 1) == earlier_size {
            head_at_earlier = Some(*chain);
        }
        Ok(())
    })?;
    if let (Some(earlier), Some(against)) = (&earlier, against) {
        let Some(desk) = examination.desk.clone() else { return Ok(examination.report) };
        check_same_desk(earlier, &desk, against)?;
        if examination.report.intact() || head_at_earlier.is_some() {
            let findings =
                compare_with_earlier(earlier, &desk, examination.public_key, examination.records, head_at_earlier);
            add_comparison(&mut examination.report, earlier, findings);
        } else {
            // The walk stopped early: its length and head say nothing about the earlier export.
            examination.report.notes.push(format!(
                "not compared with the earlier export of {} records: this export does not verify that far",
                earlier.records
            ));
        }
    }
    Ok(examination.report)
}

/// Adds the comparison's findings, or a note that the earlier export is extended.
fn add_comparison(report: &mut VerifyReport, earlier: &Proof, findings: Vec<Finding>) {
    if findings.is_empty() {
        report.notes.push(format!(
            "extends the earlier export of {} records (chain head {})",
            earlier.records, earlier.chain_head
        ));
    }
    report.findings.extend(findings);
}

/// Adds to `report` (of the database at `db`) whether the log extends the earlier proof at
/// `against`: the head at the proof's size is recomputed from the leaves, not read.
pub fn verify_database_against(db: &Path, against: &Path, report: &mut VerifyReport) -> Result<(), AuditError> {
    let earlier = read_earlier_proof(against)?;
    let conn = schema::open(db, Access::ReadOnly, std::time::Duration::from_secs(5))?;
    let walk = head_at(&conn, db, earlier.records)?;
    let Some(desk) = walk.desk.clone() else {
        // An empty log: the verify report already says so.
        return Ok(());
    };
    check_same_desk(&earlier, &desk, against)?;
    if let Some(finding) = walk.finding {
        // The log itself is broken before the earlier size; report it if verify did not.
        if report.intact() {
            report.findings.push(finding);
        }
        return Ok(());
    }
    let findings = compare_with_earlier(&earlier, &desk, walk.public_key, walk.records, walk.head_at_size);
    add_comparison(report, &earlier, findings);
    Ok(())
}

/// The own log walked up to some size.
struct PrefixWalk {
    desk: Option<String>,
    public_key: Option<[u8; 32]>,
    /// Records walked (at most the size asked for).
    records: u64,
    head_at_size: Option<[u8; 32]>,
    finding: Option<Finding>,
}

/// Recomputes the chain of the desk's own log over its first `size` records.
fn head_at(conn: &Connection, db: &Path, size: u64) -> Result<PrefixWalk, AuditError> {
    let sql = |e| AuditError::sqlite(db, "read the log", e);
    let limit = i64::try_from(size).unwrap_or(i64::MAX);
    let mut statement =
        conn.prepare("SELECT seq, kind, at, leaf, chain FROM log WHERE seq < ?1 ORDER BY seq").map_err(sql)?;
    let mut rows = statement.query(params![limit]).map_err(sql)?;
    let mut check = RecordCheck::new(None);
    let mut finding = None;
    while let Some(row) = rows.next().map_err(sql)? {
        let LogRow { seq, kind, at, leaf, chain } = LogRow::read(row).map_err(sql)?;
        if let Err(f) = check.push(seq, &kind, &at, leaf, Some(chain)) {
            finding = Some(f);
            break;
        }
    }
    let head_at_size = (finding.is_none() && check.size() == size).then(|| check.head());
    Ok(PrefixWalk {
        desk: check.desk().map(str::to_owned),
        public_key: check.public_key(),
        records: check.size(),
        head_at_size,
        finding,
    })
}

/// An earlier proof to compare with: must be readable and well-formed.
fn read_earlier_proof(path: &Path) -> Result<Proof, AuditError> {
    read_proof(path)?.map_err(|detail| AuditError::BadExport { path: path.to_owned(), detail })
}

fn check_same_desk(earlier: &Proof, desk: &str, against: &Path) -> Result<(), AuditError> {
    if earlier.desk == desk {
        return Ok(());
    }
    Err(AuditError::BadExport {
        path: against.to_owned(),
        detail: format!("the earlier proof is of desk {:?}, not {desk:?}: nothing to compare", earlier.desk),
    })
}

/// Compares a log (or export) of `records` records, whose chain head at the earlier proof's size
/// is `head_at_earlier`, with the earlier proof.
fn compare_with_earlier(
    earlier: &Proof,
    desk: &str,
    public_key: Option<[u8; 32]>,
    records: u64,
    head_at_earlier: Option<[u8; 32]>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut finding = |record, kind, detail: String| {
        findings.push(Finding { desk: desk.to_owned(), record, kind, detail });
    };
    let earlier_key = hex_array::<32>(&earlier.public_key);
    let earlier_head = hex_array::<32>(&earlier.chain_head);
    let signed = match (earlier_key, earlier_head, hex_array::<64>(&earlier.checkpoint_signature)) {
        (Some(key), Some(head), Some(signature)) => {
            verify_signature(&key, &checkpoint_message(&earlier.desk, earlier.records, &head), &signature)
                && hex_array::<32>(&earlier.export_sha256).zip(hex_array::<64>(&earlier.export_signature)).is_some_and(
                    |(sha, signature)| {
                        verify_signature(&key, &export_message(&earlier.desk, earlier.records, &head, &sha), &signature)
                    },
                )
        }
        _ => false,
    };
    if !signed {
        finding(None, FindingKind::Signature, "the earlier proof's signatures do not verify: it was edited".into());
        return findings;
    }
    if public_key.is_some() && earlier_key != public_key {
        finding(
            Some(0),
            FindingKind::Rollback,
            "the log is signed by another key than at the earlier export: it was replaced".into(),
        );
    } else if records < earlier.records {
        finding(
            Some(records),
            FindingKind::Rollback,
            format!(
                "log is shorter than an earlier export (records deleted at the end): {records} records now, {} then",
                earlier.records
            ),
        );
    } else if head_at_earlier != earlier_head {
        finding(
            None,
            FindingKind::Rollback,
            format!("log differs from an earlier export at size {} (rewritten)", earlier.records),
        );
    }
    findings
}
