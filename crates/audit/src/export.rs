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
//! The modules, one per seam:
//!
//! - this file: [`export_log`] (the files, the proof, the `export` record) and its partial files;
//! - `proof`: the proof file and the export signature message;
//! - `snapshot`: the SQL side, the last checkpoint and its records read and checked in one read
//!   transaction;
//! - `pipeline`: the threads that format, hash, write and sync the records read;
//! - `rows`: one record as it goes out, and the jsonl line;
//! - `csv_rows`: CSV rows byte for byte as `csv::Writer` wrote them, formulas neutralised;
//! - `leaf_cells`: the human cells of an inspection leaf, with the one-pass reader of docexam's
//!   own leaves (checked against serde);
//! - `read` parses export files (bounded, hashing every byte read) and `check` verifies them, for
//!   `audit verify --export` and for [`super::import`].

mod check;
mod csv_rows;
mod leaf_cells;
mod pipeline;
mod proof;
mod read;
mod rows;
mod snapshot;

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::AuditError;
use super::entry::{Actor, EntryKind, ExportEvent};
use super::log::{Appended, AuditLog, now};
use super::signing::fingerprint;
use docexam_exam::digest::to_hex;

pub(crate) use check::{ExportExamination, examine_export};
pub use check::{verify_database_against, verify_export};
use csv_rows::{BOM, push_csv_header};
pub use csv_rows::{HUMAN_COLUMNS, PERSONAL_COLUMNS, PROOF_COLUMNS, neutralise_cell};
use pipeline::write_snapshot;
pub use proof::{PROOF_FORMAT, PROOF_VERSION, Proof, export_message, proof_path_for, read_proof};
use rows::RowFormat;
pub(crate) use snapshot::text_column;

/// Largest single record (line or CSV row) read from an export, so garbage input cannot exhaust
/// memory. A leaf with 1000 items and maximal notes stays under this.
pub const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

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

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The file name alone, as recorded in the log (folders can name people or cases).
fn file_name_of(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
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

/// How often [`export_log_with_progress`] reports: every this many records read.
pub const PROGRESS_RECORDS: u64 = 10_000;

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
    export_log_with_progress(log, format, out, personal_data, by, &mut |_, _| {})
}

/// [`export_log`], calling `progress(done, total)` on this thread every [`PROGRESS_RECORDS`]
/// records read (`total`: the records the export will hold). Not called for the last partial
/// stretch: the returned summary says the export is complete.
pub fn export_log_with_progress(
    log: &mut AuditLog,
    format: ExportFormat,
    out: &Path,
    personal_data: bool,
    by: Actor,
    progress: &mut dyn FnMut(u64, u64),
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
    let (first, row_format) = match format {
        ExportFormat::Jsonl => (Vec::new(), RowFormat::Jsonl),
        ExportFormat::Csv => {
            let mut first = BOM.to_vec();
            push_csv_header(&mut first, personal_data);
            (first, RowFormat::Csv { personal_columns: personal_data })
        }
    };
    let (snapshot, sha256) = write_snapshot(log, &file, &first, row_format, personal_data, out, progress)?;
    file.sync_all().map_err(io("write the export"))?;
    drop(file);

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
