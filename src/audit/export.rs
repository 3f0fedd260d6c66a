//! Exports with a proof file, and their verification.
//!
//! An export is every record of the desk's own log, read in one read transaction so that it is
//! exactly the log at one signed checkpoint (records `0..N`). Each record carries its exact leaf
//! bytes and chain value, so a reader can recompute the chain without docexam's database:
//!
//! - **jsonl**: one JSON object per line, `{"seq","kind","at","chain","leaf"}` and, only with
//!   personal data, `"personal_data":{"salt","data"}` (so the commitment in the leaf can be
//!   rechecked).
//! - **csv**: UTF-8 with a BOM (spreadsheets then show diacritics), human columns first, then
//!   `leaf_hash`, `chain` and `leaf`. Every cell that a spreadsheet would run as a formula gets a
//!   leading `'` ([`neutralise_cell`]); the verifier re-derives the human columns from the leaf,
//!   so an edited cell is found and named.
//!
//! The proof file (`FILE.proof.json`) names the desk, its public key, the record count, the chain
//! head and the stored checkpoint signature at that size, plus the export file's SHA-256 and a
//! desk-key signature over all of it ([`export_message`]). Verifying an export needs only the two
//! files; the key comes from the export itself, so its fingerprint must be compared with the
//! desk's enrolled fingerprint by a person.
//!
//! `--against` compares a log or an export with an earlier proof of the same desk: the log must
//! still have at least that many records with the same chain head at that size. This catches a
//! deleted tail or a rewritten log even when whoever did it could re-sign the checkpoints.
//!
//! This file writes exports; `read` parses export files (bounded, hashing every byte read) and
//! `check` verifies them, for `audit verify --export` and for [`super::import`].

mod check;
mod read;

use std::fs::File;
use std::io::{BufWriter, Read as _, Write};
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::AuditError;
use super::chain::{checkpoint_message, leaf_hash};
use super::entry::{Actor, EntryKind, Envelope, ExportEvent, InspectionEntry, PersonalData};
use super::log::{Appended, AuditLog, now, personal_data_commitment};
use super::signing::{fingerprint, verify_signature};
use super::verify::{Finding, RecordCheck, personal_data_commitment_in};
use crate::digest::to_hex;
use crate::manual::CodeTable as _;

pub(crate) use check::{ExportExamination, examine_export};
pub use check::{verify_database_against, verify_export};

/// The `format` of every proof file.
pub const PROOF_FORMAT: &str = "docexam-audit-proof";
/// The proof file version this build writes and reads.
pub const PROOF_VERSION: u32 = 1;
/// Largest proof file read (a proof is well under 2 KiB).
const MAX_PROOF_BYTES: u64 = 64 * 1024;
/// Largest single record (line or CSV row) read from an export, so garbage input cannot exhaust
/// memory. A leaf with 1000 items and maximal notes stays under this.
pub const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;
/// The UTF-8 byte order mark that starts every CSV export.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// CSV columns a person reads; derived from the leaf (empty for records that are not inspections).
pub const HUMAN_COLUMNS: [&str; 13] = [
    "seq",
    "kind",
    "at",
    "officer",
    "station",
    "document_code",
    "issuer",
    "nationality",
    "mrz_verdict",
    "failed_checks",
    "outcome",
    "refusal_reasons",
    "fraud_types",
];
/// CSV columns added by `--personal-data`: readable fields, then the salt and the exact data the
/// leaf's commitment covers.
pub const PERSONAL_COLUMNS: [&str; 7] =
    ["surname", "given_names", "document_number", "date_of_birth", "sex", "personal_data_salt", "personal_data"];
/// The last CSV columns: what the proof rests on.
pub const PROOF_COLUMNS: [&str; 3] = ["leaf_hash", "chain", "leaf"];

/// Export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Spreadsheet-safe CSV with the exact leaf in the last column.
    Csv,
    /// One JSON object per line with the exact leaf.
    Jsonl,
}

impl ExportFormat {
    /// The spelling in proofs and export records.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }

    /// The format spelled `text`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" => Some(ExportFormat::Jsonl),
            _ => None,
        }
    }
}

/// The proof file written beside every export (all binary values in lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// Always [`PROOF_FORMAT`].
    pub format: String,
    /// [`PROOF_VERSION`].
    pub version: u32,
    /// The desk id.
    pub desk: String,
    /// The desk's Ed25519 public key.
    pub public_key: String,
    /// Its fingerprint, for people to compare with the desk's enrolled fingerprint.
    pub key_fingerprint: String,
    /// Records in the export (`0..records`).
    pub records: u64,
    /// The chain head after the last record.
    pub chain_head: String,
    /// The log's stored checkpoint signature at `records`.
    pub checkpoint_signature: String,
    /// When the desk signed that checkpoint.
    pub checkpoint_signed_at: String,
    /// `csv` or `jsonl`.
    pub export_format: String,
    /// The export's file name when it was written (no folders).
    pub export_file: String,
    /// SHA-256 of the export file.
    pub export_sha256: String,
    /// The desk key's signature over [`export_message`].
    pub export_signature: String,
    /// When the export was written (desk clock).
    pub exported_at: String,
    /// docexam version that wrote it.
    pub app_version: String,
    /// The bundled SQLite version.
    pub sqlite_version: String,
}

/// The exact bytes an export signature covers: the desk, the size, the chain head and the file.
pub fn export_message(desk: &str, records: u64, head: &[u8; 32], sha256: &[u8; 32]) -> Vec<u8> {
    format!("docexam audit export v1\nlog {desk}\nsize {records}\nhead {}\nsha256 {}\n", to_hex(head), to_hex(sha256))
        .into_bytes()
}

/// The proof file of the export at `export`: `FILE.proof.json`.
pub fn proof_path_for(export: &Path) -> PathBuf {
    with_suffix(export, ".proof.json")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The file name alone, as recorded in the log (folders can name people or cases).
fn file_name_of(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reads a proof file. `Err` when it cannot be read or is from a newer docexam; `Ok(Err(why))`
/// when it is readable but not a well-formed proof (edited or damaged).
pub fn read_proof(path: &Path) -> Result<Result<Proof, String>, AuditError> {
    let io = |action| move |source| AuditError::Io { path: path.to_owned(), action, source };
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|file| file.take(MAX_PROOF_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io("read the proof file"))?;
    if bytes.len() as u64 > MAX_PROOF_BYTES {
        return Ok(Err(format!("the proof file is larger than {} KiB: not a docexam proof", MAX_PROOF_BYTES / 1024)));
    }
    let value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => return Ok(Err(format!("the proof file is not readable JSON ({e})"))),
    };
    if let Some(version) = value.get("version").and_then(serde_json::Value::as_u64)
        && version > u64::from(PROOF_VERSION)
        && value.get("format").and_then(serde_json::Value::as_str) == Some(PROOF_FORMAT)
    {
        return Err(AuditError::BadExport {
            path: path.to_owned(),
            detail: format!("proof version {version}; this docexam reads version {PROOF_VERSION}: update docexam"),
        });
    }
    let proof: Proof = match serde_json::from_value(value) {
        Ok(proof) => proof,
        Err(e) => return Ok(Err(format!("the proof file is not a docexam proof ({e})"))),
    };
    if proof.format != PROOF_FORMAT || proof.version != PROOF_VERSION {
        return Ok(Err(format!("the proof file says format {:?} version {}", proof.format, proof.version)));
    }
    Ok(Ok(proof))
}

/// Makes a cell safe to open in a spreadsheet (OWASP CSV injection): a cell starting with `=`,
/// `+`, `-`, `@`, TAB or CR gets a leading `'`, so it is shown as text and never run as a formula.
pub fn neutralise_cell(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// The human columns after seq, kind and at (officer .. fraud_types), from an inspection leaf;
/// empty for other records, or a leaf this docexam cannot read as an inspection.
fn inspection_cells(kind: &str, leaf: &[u8]) -> [String; 10] {
    let parsed = (kind == EntryKind::Inspection.as_str())
        .then(|| serde_json::from_slice::<Envelope<InspectionEntry>>(leaf).ok())
        .flatten();
    let Some(Envelope { body: entry, .. }) = parsed else { return Default::default() };
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        text(&entry.officer),
        text(&entry.station),
        text(&entry.document.code),
        text(&entry.document.issuer),
        text(&entry.document.nationality),
        text(&entry.mrz.verdict),
        entry.mrz.failed_checks.join(";"),
        entry.decision.outcome.key().to_owned(),
        entry.decision.refusal_reasons.iter().map(|r| r.letter().to_string()).collect::<Vec<_>>().join(";"),
        entry.fraud_types().iter().map(|code| code.code()).collect::<Vec<_>>().join(";"),
    ]
}

/// The readable personal data columns (surname .. sex) from the stored personal data bytes.
fn personal_cells(data: &[u8]) -> [String; 5] {
    let Ok(personal) = serde_json::from_slice::<PersonalData>(data) else { return Default::default() };
    let text = |value: Option<String>| value.unwrap_or_default();
    [
        text(personal.primary_identifier),
        text(personal.secondary_identifier),
        text(personal.document_number),
        text(personal.date_of_birth),
        text(personal.sex),
    ]
}

/// A CSV header for an export with or without personal data.
fn csv_header(personal_data: bool) -> Vec<&'static str> {
    let mut header: Vec<&str> = HUMAN_COLUMNS.to_vec();
    if personal_data {
        header.extend(PERSONAL_COLUMNS);
    }
    header.extend(PROOF_COLUMNS);
    header
}

/// One CSV row, every cell neutralised (leaves start with `{`, hashes with a hex digit, so
/// neutralising never changes them).
fn csv_row(record: &RecordOut<'_>, with_personal_columns: bool) -> Vec<String> {
    let mut row = vec![record.seq.to_string(), record.kind.to_owned(), record.at.to_owned()];
    row.extend(inspection_cells(record.kind, record.leaf.as_bytes()));
    if with_personal_columns {
        match record.personal {
            Some((salt, data)) => {
                row.extend(personal_cells(data.as_bytes()));
                row.push(to_hex(salt));
                row.push(data.to_owned());
            }
            None => row.extend(std::iter::repeat_n(String::new(), PERSONAL_COLUMNS.len())),
        }
    }
    row.push(to_hex(&leaf_hash(record.leaf.as_bytes())));
    row.push(to_hex(record.chain));
    row.push(record.leaf.to_owned());
    row.iter().map(|cell| neutralise_cell(cell)).collect()
}

/// A jsonl line as written.
#[derive(Serialize)]
struct JsonlOut<'a> {
    seq: u64,
    kind: &'a str,
    at: &'a str,
    chain: String,
    leaf: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    personal_data: Option<PersonalDataOut<'a>>,
}

#[derive(Serialize)]
struct PersonalDataOut<'a> {
    salt: String,
    data: &'a str,
}

/// One record on its way into an export.
struct RecordOut<'a> {
    seq: u64,
    kind: &'a str,
    at: &'a str,
    leaf: &'a str,
    chain: &'a [u8; 32],
    personal: Option<(&'a [u8], &'a str)>,
}

/// What [`export_log`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// The export file.
    pub file: PathBuf,
    /// Its proof file.
    pub proof: PathBuf,
    /// Records exported.
    pub records: u64,
    /// The chain head at that size.
    pub head: [u8; 32],
    /// SHA-256 of the export file.
    pub sha256: [u8; 32],
    /// Records exported with their personal data.
    pub personal_data_rows: u64,
    /// The `export` record that logs this export.
    pub recorded: Appended,
}

/// A file written as `FILE.partial` and renamed into place when complete; removed if dropped
/// before that, so an interrupted export never leaves a file that looks finished.
struct PartialFile {
    partial: PathBuf,
    done: bool,
}

impl PartialFile {
    fn create(target: &Path) -> Result<(Self, File), AuditError> {
        let partial = with_suffix(target, ".partial");
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&partial).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                AuditError::Rejected {
                    reasons: vec![format!(
                        "{} exists: another export is running, or one was interrupted (then remove the file)",
                        partial.display()
                    )],
                }
            } else {
                AuditError::Io { path: partial.clone(), action: "create the export file", source }
            }
        })?;
        Ok((Self { partial, done: false }, file))
    }

    /// Renames the (synced) partial file to `target`.
    fn finish(mut self, target: &Path) -> Result<(), AuditError> {
        std::fs::rename(&self.partial, target).map_err(|source| AuditError::Io {
            path: target.to_owned(),
            action: "move the finished export into place",
            source,
        })?;
        self.done = true;
        Ok(())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Passes writes through and hashes exactly the bytes written.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The writer of one export file.
enum ExportWriter {
    Jsonl(HashingWriter<BufWriter<File>>),
    Csv { writer: Box<csv::Writer<HashingWriter<BufWriter<File>>>>, personal_data: bool },
}

impl ExportWriter {
    fn new(format: ExportFormat, file: File, personal_data: bool) -> std::io::Result<Self> {
        let mut out = HashingWriter { inner: BufWriter::new(file), hasher: Sha256::new() };
        Ok(match format {
            ExportFormat::Jsonl => ExportWriter::Jsonl(out),
            ExportFormat::Csv => {
                out.write_all(BOM)?;
                let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
                writer.write_record(csv_header(personal_data))?;
                ExportWriter::Csv { writer: Box::new(writer), personal_data }
            }
        })
    }

    fn write(&mut self, record: &RecordOut<'_>) -> std::io::Result<()> {
        match self {
            ExportWriter::Jsonl(out) => {
                let line = JsonlOut {
                    seq: record.seq,
                    kind: record.kind,
                    at: record.at,
                    chain: to_hex(record.chain),
                    leaf: record.leaf,
                    personal_data: record.personal.map(|(salt, data)| PersonalDataOut { salt: to_hex(salt), data }),
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")
            }
            ExportWriter::Csv { writer, personal_data } => Ok(writer.write_record(csv_row(record, *personal_data))?),
        }
    }

    /// Flushes, syncs the file to disk and returns the file's SHA-256.
    fn finish(self) -> std::io::Result<[u8; 32]> {
        let out = match self {
            ExportWriter::Jsonl(out) => out,
            ExportWriter::Csv { writer, .. } => writer.into_inner().map_err(|e| e.into_error())?,
        };
        let HashingWriter { inner, hasher } = out;
        let file = inner.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(hasher.finalize().into())
    }
}

/// What the read transaction found: the signed size and the records written.
struct Snapshot {
    records: u64,
    head: [u8; 32],
    checkpoint_signature: [u8; 64],
    checkpoint_signed_at: String,
    personal_data_rows: u64,
}

/// Exports the desk's own log to `out` (refusing to overwrite anything), writes the proof beside
/// it and logs the export as an `export` record by `by` (an authenticated supervisor).
///
/// Records are read in one read transaction: the export is the log at its last signed checkpoint,
/// checked on the way (a log that does not verify is not exported). If the export record cannot be
/// appended, the files are removed again: an export never exists without its record.
pub fn export_log(
    log: &mut AuditLog,
    format: ExportFormat,
    out: &Path,
    personal_data: bool,
    by: Actor,
) -> Result<ExportSummary, AuditError> {
    let proof_path = proof_path_for(out);
    for target in [out, proof_path.as_path()] {
        if target.exists() {
            return Err(AuditError::Rejected {
                reasons: vec![format!(
                    "{} exists: exports never overwrite a file; choose another --out",
                    target.display()
                )],
            });
        }
    }
    let file_name = file_name_of(out);
    if file_name.is_empty() {
        return Err(AuditError::Rejected { reasons: vec![format!("{}: --out must name a file", out.display())] });
    }

    let (partial_export, file) = PartialFile::create(out)?;
    let io = |action| move |source| AuditError::Io { path: out.to_owned(), action, source };
    let mut writer = ExportWriter::new(format, file, personal_data).map_err(io("write the export"))?;
    let snapshot = write_snapshot(log, &mut writer, personal_data, out)?;
    let sha256 = writer.finish().map_err(io("write the export"))?;

    let key = log.key();
    let proof = Proof {
        format: PROOF_FORMAT.to_owned(),
        version: PROOF_VERSION,
        desk: log.desk().to_owned(),
        public_key: key.public_hex(),
        key_fingerprint: fingerprint(&key.public()),
        records: snapshot.records,
        chain_head: to_hex(&snapshot.head),
        checkpoint_signature: to_hex(&snapshot.checkpoint_signature),
        checkpoint_signed_at: snapshot.checkpoint_signed_at.clone(),
        export_format: format.as_str().to_owned(),
        export_file: file_name.clone(),
        export_sha256: to_hex(&sha256),
        export_signature: to_hex(&key.sign(&export_message(log.desk(), snapshot.records, &snapshot.head, &sha256))),
        exported_at: now().to_string(),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        sqlite_version: rusqlite::version().to_owned(),
    };
    let (partial_proof, mut proof_file) = PartialFile::create(&proof_path)?;
    let proof_target = proof_path.as_path();
    let proof_io = |action| move |source| AuditError::Io { path: proof_target.to_owned(), action, source };
    let mut proof_text = serde_json::to_vec_pretty(&proof)
        .map_err(|e| AuditError::Rejected { reasons: vec![format!("cannot serialise the proof: {e}")] })?;
    proof_text.push(b'\n');
    proof_file.write_all(&proof_text).and_then(|()| proof_file.sync_all()).map_err(proof_io("write the proof"))?;
    drop(proof_file);

    partial_export.finish(out)?;
    partial_proof.finish(&proof_path)?;
    sync_folder(out);

    let event = ExportEvent {
        format: format.as_str().to_owned(),
        records: snapshot.records,
        head: to_hex(&snapshot.head),
        file: file_name,
        sha256: to_hex(&sha256),
        personal_data,
        by,
    };
    let recorded = match log.append(EntryKind::Export, &event) {
        Ok(recorded) => recorded,
        Err(e) => {
            // An export the log does not know of must not exist.
            let _ = std::fs::remove_file(out);
            let _ = std::fs::remove_file(&proof_path);
            return Err(e);
        }
    };
    Ok(ExportSummary {
        file: out.to_owned(),
        proof: proof_path_for(out),
        records: snapshot.records,
        head: snapshot.head,
        sha256,
        personal_data_rows: snapshot.personal_data_rows,
        recorded,
    })
}

/// Makes the renames durable (best effort: some file systems cannot sync a folder).
fn sync_folder(file: &Path) {
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(folder) = File::open(folder)
    {
        let _ = folder.sync_all();
    }
}

/// Reads the last checkpoint and the records it covers in one read transaction, checks them on the
/// way and writes them.
fn write_snapshot(
    log: &AuditLog,
    writer: &mut ExportWriter,
    personal_data: bool,
    out: &Path,
) -> Result<Snapshot, AuditError> {
    let db = log.path();
    let sql = |action| move |e| AuditError::sqlite(db, action, e);
    let inconsistent = |detail: String| AuditError::Inconsistent { path: db.to_owned(), detail };
    let tx = log.connection().unchecked_transaction().map_err(sql("begin reading the log"))?;
    let (size, checkpoint_head, signed_at, signature): (i64, Vec<u8>, String, Vec<u8>) = tx
        .query_row("SELECT size, head, signed_at, signature FROM checkpoint ORDER BY size DESC LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .map_err(sql("read the last checkpoint"))?;
    let records = u64::try_from(size).map_err(|_| inconsistent(format!("a checkpoint at size {size}")))?;
    let signature: [u8; 64] =
        signature.try_into().map_err(|_| inconsistent("the last checkpoint's signature is damaged".into()))?;

    let records_sql = if personal_data {
        "SELECT l.seq, l.kind, l.at, l.leaf, l.chain, p.salt, p.data FROM log l \
         LEFT JOIN personal_data p ON p.seq = l.seq WHERE l.seq < ?1 ORDER BY l.seq"
    } else {
        "SELECT seq, kind, at, leaf, chain, NULL, NULL FROM log WHERE seq < ?1 ORDER BY seq"
    };
    let mut statement = tx.prepare(records_sql).map_err(sql("read the log"))?;
    let mut rows = statement.query(params![size]).map_err(sql("read the log"))?;
    let mut check = RecordCheck::new(Some(log.desk()));
    let mut personal_data_rows = 0u64;
    let not_verified =
        |finding: Finding| inconsistent(format!("{finding}; nothing exported (run `docexam audit verify`)"));
    while let Some(row) = rows.next().map_err(sql("read the log"))? {
        let seq = u64::try_from(row.get::<_, i64>(0).map_err(sql("read the log"))?).unwrap_or(u64::MAX);
        let kind: String = row.get(1).map_err(sql("read the log"))?;
        let at: String = row.get(2).map_err(sql("read the log"))?;
        let leaf: Vec<u8> = row.get(3).map_err(sql("read the log"))?;
        let stored_chain: Vec<u8> = row.get(4).map_err(sql("read the log"))?;
        let salt: Option<Vec<u8>> = row.get(5).map_err(sql("read personal data"))?;
        let data: Option<Vec<u8>> = row.get(6).map_err(sql("read personal data"))?;
        let chain = check.push(seq, &kind, &at, &leaf, Some(&stored_chain)).map_err(not_verified)?;
        let leaf = std::str::from_utf8(&leaf).map_err(|_| inconsistent(format!("record {seq} is not UTF-8 text")))?;
        let personal = match (&salt, &data) {
            (Some(salt), Some(data)) => {
                let commitment = personal_data_commitment_in(leaf.as_bytes());
                if commitment.as_deref() != Some(to_hex(&personal_data_commitment(salt, data)).as_str()) {
                    return Err(inconsistent(format!(
                        "record {seq}: the personal data does not match its record; nothing exported"
                    )));
                }
                let data = std::str::from_utf8(data)
                    .map_err(|_| inconsistent(format!("record {seq}: the personal data is not UTF-8 text")))?;
                personal_data_rows += 1;
                Some((salt.as_slice(), data))
            }
            _ => None,
        };
        let record = RecordOut { seq, kind: &kind, at: &at, leaf, chain: &chain, personal };
        writer.write(&record).map_err(|source| AuditError::Io {
            path: out.to_owned(),
            action: "write the export",
            source,
        })?;
    }
    if check.size() != records || checkpoint_head.as_slice() != check.head().as_slice() {
        return Err(inconsistent(format!(
            "the last checkpoint (size {records}) does not match the {} records read; nothing exported \
             (run `docexam audit verify`)",
            check.size()
        )));
    }
    let message = checkpoint_message(log.desk(), records, &check.head());
    if !verify_signature(&log.public_key(), &message, &signature) {
        return Err(inconsistent(
            "the last checkpoint's signature is not the desk key's; nothing exported (run `docexam audit verify`)"
                .into(),
        ));
    }
    Ok(Snapshot {
        records,
        head: check.head(),
        checkpoint_signature: signature,
        checkpoint_signed_at: signed_at,
        personal_data_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_a_leading_quote_and_others_are_unchanged() {
        for dangerous in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(1)", "\tx", "\rx", "=", "@"] {
            assert_eq!(neutralise_cell(dangerous), format!("'{dangerous}"), "{dangerous:?}");
        }
        for safe in ["", "off-1", "Åsa", "1=1", "'=x", " =x", "{\"v\":1}", "refuse", "A;B"] {
            assert_eq!(neutralise_cell(safe), safe, "{safe:?}");
        }
    }

    #[test]
    fn csv_rows_neutralise_every_human_cell_but_never_the_leaf() {
        let leaf = r#"{"v":1,"log":"d","seq":1,"kind":"settings","at":"2026-01-01T00:00:00Z","body":{}}"#;
        let record = RecordOut { seq: 1, kind: "-settings", at: "@now", leaf, chain: &[0xab; 32], personal: None };
        let row = csv_row(&record, false);
        assert_eq!(row.len(), csv_header(false).len());
        assert_eq!(row[1], "'-settings");
        assert_eq!(row[2], "'@now");
        assert_eq!(row.last().map(String::as_str), Some(leaf));
        assert_eq!(row[row.len() - 2], "ab".repeat(32));
    }

    fn sample_proof() -> Proof {
        Proof {
            format: PROOF_FORMAT.into(),
            version: PROOF_VERSION,
            desk: "desk-1".into(),
            public_key: "11".repeat(32),
            key_fingerprint: fingerprint(&[0x11; 32]),
            records: 3,
            chain_head: "22".repeat(32),
            checkpoint_signature: "33".repeat(64),
            checkpoint_signed_at: "2026-11-23T10:00:00Z".into(),
            export_format: "jsonl".into(),
            export_file: "out.jsonl".into(),
            export_sha256: "44".repeat(32),
            export_signature: "55".repeat(64),
            exported_at: "2026-11-23T10:00:01Z".into(),
            app_version: "0.1.0".into(),
            sqlite_version: "3.54.1".into(),
        }
    }

    /// A file name of its own in the temp folder (each test removes its file).
    fn temp_file(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("docexam-export-unit-{}-{name}", std::process::id()))
    }

    #[test]
    fn a_proof_round_trips_through_its_file() {
        let path = temp_file("round-trip.proof.json");
        let proof = sample_proof();
        std::fs::write(&path, serde_json::to_vec_pretty(&proof).unwrap()).unwrap();
        assert_eq!(read_proof(&path).unwrap().unwrap(), proof);
        let text = std::fs::read_to_string(&path).unwrap();
        for key in
            ["\"format\": \"docexam-audit-proof\"", "\"records\": 3", "\"checkpoint_signature\"", "\"export_sha256\""]
        {
            assert!(text.contains(key), "{key} missing from {text}");
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn malformed_proofs_are_findings_and_newer_versions_are_errors() {
        let path = temp_file("bad.proof.json");
        std::fs::write(&path, b"{not json").unwrap();
        assert!(read_proof(&path).unwrap().is_err());
        let mut proof = serde_json::to_value(sample_proof()).unwrap();
        proof["records"] = serde_json::json!("three");
        std::fs::write(&path, proof.to_string()).unwrap();
        assert!(read_proof(&path).unwrap().is_err());
        proof["records"] = serde_json::json!(3);
        proof["format"] = serde_json::json!("something-else");
        std::fs::write(&path, proof.to_string()).unwrap();
        assert!(read_proof(&path).unwrap().is_err());
        proof["format"] = serde_json::json!(PROOF_FORMAT);
        proof["version"] = serde_json::json!(2);
        std::fs::write(&path, proof.to_string()).unwrap();
        assert!(matches!(read_proof(&path), Err(AuditError::BadExport { .. })));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(read_proof(&path), Err(AuditError::Io { .. })));
    }

    #[test]
    fn the_export_message_binds_desk_size_head_and_file() {
        let message = String::from_utf8(export_message("desk-1", 7, &[0xab; 32], &[0xcd; 32])).unwrap();
        assert_eq!(
            message,
            format!(
                "docexam audit export v1\nlog desk-1\nsize 7\nhead {}\nsha256 {}\n",
                "ab".repeat(32),
                "cd".repeat(32)
            )
        );
        assert_ne!(
            export_message("desk-1", 7, &[0xab; 32], &[0xcd; 32]),
            export_message("desk-1", 8, &[0xab; 32], &[0xcd; 32])
        );
    }
}
