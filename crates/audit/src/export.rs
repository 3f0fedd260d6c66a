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

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read as _, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use rusqlite::params;
use rusqlite::types::ValueRef;
use serde::de::value::BorrowedStrDeserializer;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::AuditError;
use super::chain::{checkpoint_message, leaf_hash};
use super::entry::{Actor, EntryKind, Envelope, ExportEvent, InspectionEntry, PersonalData};
use super::log::{Appended, AuditLog, now, personal_data_commitment};
use super::signing::{fingerprint, verify_signature};
use super::verify::{Finding, RecordCheck, personal_data_commitment_in};
use docexam_exam::digest::to_hex;
use docexam_exam::inspection::{Answer, AnsweredBy, Outcome, RefusalReason, Timestamp};
use docexam_exam::manual::{CodeTable as _, FailureCode, Level};

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
/// The one rule for every CSV docexam writes: exports, statistics (`audit stats`), training reports.
pub fn neutralise_cell(cell: &str) -> Cow<'_, str> {
    if starts_like_a_formula(cell.as_bytes()) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// The human columns after seq, kind and at (officer .. fraud_types), from an inspection leaf;
/// empty for other records, or a leaf this docexam cannot read as an inspection.
fn inspection_cells(kind: &str, leaf: &[u8]) -> [String; 10] {
    inspection_cells_of(kind, leaf).map(Cow::into_owned)
}

/// [`inspection_cells`], borrowed from the leaf where it can be.
///
/// Leaves in exactly the form docexam writes (nearly all) are read by [`canonical_inspection_cells`]
/// in one pass without building an [`InspectionEntry`]; anything else goes through serde.
fn inspection_cells_of<'a>(kind: &str, leaf: &'a [u8]) -> [Cow<'a, str>; 10] {
    if kind != EntryKind::Inspection.as_str() {
        return Default::default();
    }
    if let Some(cells) = std::str::from_utf8(leaf).ok().and_then(canonical_inspection_cells) {
        return cells;
    }
    parsed_inspection_cells(leaf).map(Cow::Owned)
}

/// The inspection cells by parsing the leaf as an `Envelope<InspectionEntry>`: the definition of
/// which leaves are inspections and what their cells are.
fn parsed_inspection_cells(leaf: &[u8]) -> [String; 10] {
    let Ok(Envelope { body: entry, .. }) = serde_json::from_slice::<Envelope<InspectionEntry>>(leaf) else {
        return Default::default();
    };
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

/// The inspection cells of a leaf in exactly the form docexam writes it (compact JSON, keys in
/// declaration order, strings without escapes), or `None` for any other leaf.
///
/// Only ever a shortcut: every leaf it reads is one that [`parsed_inspection_cells`] reads to the
/// same cells (same fields, same types, enums and times checked by their own `Deserialize`), and
/// it gives up on anything else (whitespace, escapes, other key orders, unknown keys, long
/// numbers), which then goes through serde.
fn canonical_inspection_cells<'a>(leaf: &'a str) -> Option<[Cow<'a, str>; 10]> {
    let mut r = Canonical { text: leaf, at: 0 };
    r.expect("{\"v\":")?;
    r.number(U32_DIGITS)?;
    r.expect(",\"log\":")?;
    r.string()?;
    r.expect(",\"seq\":")?;
    r.number(U64_DIGITS)?;
    r.expect(",\"kind\":")?;
    r.string()?;
    r.expect(",\"at\":")?;
    r.value::<Timestamp>()?;
    r.expect(",\"body\":{\"record_version\":")?;
    r.number(U32_DIGITS)?;
    r.expect(",\"app_version\":")?;
    r.string()?;
    r.expect(",\"manual\":{\"id\":")?;
    r.string()?;
    r.expect(",\"version\":")?;
    r.string()?;
    r.expect(",\"language\":")?;
    r.string()?;
    r.expect(",\"content_hash\":")?;
    r.string()?;
    r.expect("},\"level\":")?;
    r.value::<Level>()?;
    r.expect(",\"officer\":")?;
    let officer = r.optional_string()?;
    r.expect(",\"station\":")?;
    let station = r.optional_string()?;
    r.expect(",\"started_at\":")?;
    r.value::<Timestamp>()?;
    r.expect(",\"ended_at\":")?;
    r.optional(Canonical::value::<Timestamp>)?;
    r.expect(",\"source\":")?;
    r.string()?;
    r.expect(",\"image_sha256\":")?;
    r.optional_string()?;
    r.expect(",\"document\":{\"code\":")?;
    let code = r.optional_string()?;
    r.expect(",\"issuer\":")?;
    let issuer = r.optional_string()?;
    r.expect(",\"nationality\":")?;
    let nationality = r.optional_string()?;
    r.expect(",\"number_hash\":")?;
    r.optional_string()?;
    r.expect("},\"mrz\":{\"status\":")?;
    r.string()?;
    r.expect(",\"format\":")?;
    r.optional_string()?;
    r.expect(",\"verdict\":")?;
    let verdict = r.optional_string()?;
    r.expect(",\"failed_checks\":")?;
    let mut failed_checks = Joined::default();
    r.list(|r| r.string().map(|check| failed_checks.push(check)))?;
    r.expect(",\"reason\":")?;
    r.optional_string()?;
    r.expect("},\"items\":")?;
    let mut fraud_types: Vec<FailureCode> = Vec::new();
    r.list(|r| {
        r.expect("{\"id\":")?;
        r.string()?;
        r.expect(",\"answer\":")?;
        r.value::<Answer>()?;
        r.expect(",\"by\":")?;
        r.optional(Canonical::value::<AnsweredBy>)?;
        if r.eat(",\"suggests\":") {
            r.list(|r| {
                let code = r.value::<FailureCode>()?;
                if !fraud_types.contains(&code) {
                    fraud_types.push(code);
                }
                Some(())
            })?;
        }
        if r.eat(",\"note\":") {
            r.optional_string()?;
        }
        if r.eat(",\"override\":") {
            r.expect("{\"machine\":")?;
            r.value::<Answer>()?;
            r.expect(",\"reason\":")?;
            r.string()?;
            r.expect("}")?;
        }
        r.expect("}")
    })?;
    r.expect(",\"decision\":{\"outcome\":")?;
    let outcome = r.value::<Outcome>()?;
    r.expect(",\"refusal_reasons\":")?;
    let mut refusal_reasons = String::new();
    r.list(|r| {
        let reason = r.value::<RefusalReason>()?;
        if !refusal_reasons.is_empty() {
            refusal_reasons.push(';');
        }
        refusal_reasons.push(reason.letter());
        Some(())
    })?;
    r.expect(",\"justification\":")?;
    r.optional_string()?;
    r.expect(",\"suggested\":")?;
    r.value::<Outcome>()?;
    r.expect("},\"personal_data_sha256\":")?;
    r.optional_string()?;
    r.expect("}}")?;
    r.end()?;

    let mut fraud_cell = Joined::default();
    for code in fraud_types {
        fraud_cell.push(code.code());
    }
    let text = |value: Option<&'a str>| Cow::Borrowed(value.unwrap_or_default());
    Some([
        text(officer),
        text(station),
        text(code),
        text(issuer),
        text(nationality),
        text(verdict),
        failed_checks.text,
        Cow::Borrowed(outcome.key()),
        Cow::Owned(refusal_reasons),
        fraud_cell.text,
    ])
}

/// Most digits [`Canonical::number`] reads where serde reads a `u32` (any 9 digits fit).
const U32_DIGITS: usize = 9;
/// Most digits [`Canonical::number`] reads where serde reads a `u64` (any 19 digits fit).
const U64_DIGITS: usize = 19;

/// A cursor over a leaf that accepts only docexam's own compact form (see
/// [`canonical_inspection_cells`]); every method returns `None` to give up.
struct Canonical<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Canonical<'a> {
    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// Skips `literal` if it comes next.
    fn eat(&mut self, literal: &str) -> bool {
        let found = self.rest().starts_with(literal.as_bytes());
        if found {
            self.at += literal.len();
        }
        found
    }

    fn expect(&mut self, literal: &str) -> Option<()> {
        self.eat(literal).then_some(())
    }

    /// A string without escapes or control characters (which serde reads as exactly these bytes).
    fn string(&mut self) -> Option<&'a str> {
        self.expect("\"")?;
        let rest = self.rest();
        let len = string_end(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let text = self.text.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(text)
    }

    /// `null`, or what `read` reads.
    fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.eat("null") { Some(None) } else { read(self).map(Some) }
    }

    fn optional_string(&mut self) -> Option<Option<&'a str>> {
        self.optional(Self::string)
    }

    /// An unsigned integer of 1 to `max_digits` digits, without leading zeros.
    fn number(&mut self, max_digits: usize) -> Option<()> {
        let rest = self.rest();
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let leading_zero = digits > 1 && rest.first() == Some(&b'0');
        if digits == 0 || digits > max_digits || leading_zero {
            return None;
        }
        self.at += digits;
        Some(())
    }

    /// A string read by `T`'s own `Deserialize` (enums, times), as serde would read it.
    fn value<T: Deserialize<'a>>(&mut self) -> Option<T> {
        let text = self.string()?;
        T::deserialize(BorrowedStrDeserializer::<serde::de::value::Error>::new(text)).ok()
    }

    /// An array, each element read by `each`.
    fn list(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect("[")?;
        if self.eat("]") {
            return Some(());
        }
        loop {
            each(self)?;
            if !self.eat(",") {
                return self.expect("]");
            }
        }
    }

    /// At the end of the leaf.
    fn end(&self) -> Option<()> {
        (self.at == self.text.len()).then_some(())
    }
}

/// Where the text of a JSON string ends: the first quote, backslash or control character.
fn string_end(text: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const LOW7: u64 = 0x7f * ONES;
    const HIGH: u64 = 0x80 * ONES;
    // Eight bytes at a time: the high bit of each byte of `x` that is zero, exactly.
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & HIGH;
    let mut at = 0;
    while let Some(word) = text.get(at..at + 8).and_then(|word| <[u8; 8]>::try_from(word).ok()) {
        let word = u64::from_le_bytes(word);
        let below_space = !(((word & LOW7) + 0x60 * ONES) | word) & HIGH;
        let stops = zero(word ^ (u64::from(b'"') * ONES)) | zero(word ^ (u64::from(b'\\') * ONES)) | below_space;
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = text.get(at..)?;
    tail.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map(|end| at + end)
}

/// Parts joined by `;` (as `[..].join(";")`), borrowing when there is at most one.
#[derive(Default)]
struct Joined<'a> {
    text: Cow<'a, str>,
    parts: usize,
}

impl<'a> Joined<'a> {
    fn push(&mut self, part: &'a str) {
        if self.parts == 0 {
            self.text = Cow::Borrowed(part);
        } else {
            let text = self.text.to_mut();
            text.push(';');
            text.push_str(part);
        }
        self.parts += 1;
    }
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

/// One CSV line being appended to a buffer, byte for byte as `csv::Writer` (CRLF terminator,
/// otherwise its defaults) writes it: cells separated by `,`, quoted only when they hold `,`, `"`,
/// CR or LF, quotes inside doubled.
struct CsvLine<'o> {
    out: &'o mut Vec<u8>,
    cells: usize,
}

impl<'o> CsvLine<'o> {
    fn new(out: &'o mut Vec<u8>) -> Self {
        Self { out, cells: 0 }
    }

    fn separate(&mut self) {
        if self.cells > 0 {
            self.out.push(b',');
        }
        self.cells += 1;
    }

    /// A cell as is (the header).
    fn plain(&mut self, cell: &[u8]) {
        self.separate();
        push_csv_cell(self.out, b"", cell);
    }

    /// A cell after [`neutralise_cell`].
    fn neutralised(&mut self, cell: &[u8]) {
        self.separate();
        let prefix: &[u8] = if starts_like_a_formula(cell) { b"'" } else { b"" };
        push_csv_cell(self.out, prefix, cell);
    }

    /// Lower-case hex (never quoted, never neutralised).
    fn hex(&mut self, bytes: &[u8]) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        self.separate();
        for &byte in bytes {
            self.out.extend_from_slice(&[DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 0x0f)]]);
        }
    }

    /// A number (never quoted, never neutralised).
    fn number(&mut self, number: u64) {
        self.separate();
        let _ = write!(self.out, "{number}");
    }

    fn end(self) {
        self.out.extend_from_slice(b"\r\n");
    }
}

/// Whether [`neutralise_cell`] prefixes `cell`.
fn starts_like_a_formula(cell: &[u8]) -> bool {
    matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Appends the CSV cell `prefix ‖ cell` (`prefix` holds no byte that needs quoting).
fn push_csv_cell(out: &mut Vec<u8>, prefix: &[u8], cell: &[u8]) {
    if !cell.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(cell);
        return;
    }
    out.push(b'"');
    out.extend_from_slice(prefix);
    // Without data-dependent branches: every byte is written followed by a quote, which is kept
    // only after a quote (a chunk of N bytes needs at most 2N buffer bytes).
    const CHUNK: usize = 256;
    let mut doubled = [0u8; 2 * CHUNK + 2];
    for chunk in cell.chunks(CHUNK) {
        let mut len = 0;
        for &byte in chunk {
            // `len` stays below 2 * CHUNK, so the slot always exists.
            let at = len & (2 * CHUNK - 1);
            if let Some(slot) = doubled.get_mut(at..at + 2) {
                slot.copy_from_slice(&[byte, b'"']);
            }
            len += 1 + usize::from(byte == b'"');
        }
        out.extend_from_slice(doubled.get(..len).unwrap_or_default());
    }
    out.push(b'"');
}

/// Appends the CSV header line.
fn push_csv_header(out: &mut Vec<u8>, personal_data: bool) {
    let mut line = CsvLine::new(out);
    for name in csv_header(personal_data) {
        line.plain(name.as_bytes());
    }
    line.end();
}

/// Appends one CSV row, every cell neutralised (leaves start with `{`, hashes with a hex digit, so
/// neutralising never changes them).
fn push_csv_row(out: &mut Vec<u8>, record: &RecordOut<'_>, with_personal_columns: bool) {
    let mut line = CsvLine::new(out);
    line.number(record.seq);
    line.neutralised(record.kind.as_bytes());
    line.neutralised(record.at.as_bytes());
    for cell in inspection_cells_of(record.kind, record.leaf.as_bytes()) {
        line.neutralised(cell.as_bytes());
    }
    if with_personal_columns {
        match record.personal {
            Some((salt, data)) => {
                for cell in personal_cells(data.as_bytes()) {
                    line.neutralised(cell.as_bytes());
                }
                line.hex(salt);
                line.neutralised(data.as_bytes());
            }
            None => {
                for _ in PERSONAL_COLUMNS {
                    line.neutralised(b"");
                }
            }
        }
    }
    line.hex(&leaf_hash(record.leaf.as_bytes()));
    line.hex(record.chain);
    line.neutralised(record.leaf.as_bytes());
    line.end();
}

/// Appends one jsonl line.
fn push_jsonl_line(out: &mut Vec<u8>, record: &RecordOut<'_>) -> std::io::Result<()> {
    let line = JsonlOut {
        seq: record.seq,
        kind: record.kind,
        at: record.at,
        chain: to_hex(record.chain),
        leaf: record.leaf,
        personal_data: record.personal.map(|(salt, data)| PersonalDataOut { salt: to_hex(salt), data }),
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.push(b'\n');
    Ok(())
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

/// How each record is written.
#[derive(Debug, Clone, Copy)]
enum RowFormat {
    Jsonl,
    Csv { personal_columns: bool },
}

impl RowFormat {
    fn push(self, out: &mut Vec<u8>, record: &RecordOut<'_>) -> std::io::Result<()> {
        match self {
            RowFormat::Jsonl => push_jsonl_line(out, record),
            RowFormat::Csv { personal_columns } => {
                push_csv_row(out, record, personal_columns);
                Ok(())
            }
        }
    }
}

/// How often [`export_log_with_progress`] reports: every this many records read.
pub const PROGRESS_RECORDS: u64 = 10_000;

/// Records per batch handed from the thread reading the log to a thread formatting them.
const BATCH_RECORDS: usize = 256;
/// Threads formatting records (batches are dealt to them in turn, and their chunks written in the
/// same turn, so the file keeps the log's order).
const FORMATTERS: usize = 2;
/// Batches (and formatted chunks) waiting between two stages of the export, per formatting thread.
const IN_FLIGHT: usize = 2;
/// Hashed chunks waiting to be written (the file system sometimes makes a write wait).
const WRITES_IN_FLIGHT: usize = 32;
/// The export file is synced in the background after about this many bytes, so that the final
/// sync (still made before the proof is written) finds little left to write.
const BACKGROUND_SYNC_BYTES: u64 = 32 * 1024 * 1024;

/// Checked records on their way from the reading thread to the formatting thread: their text back
/// to back, and where each record's parts are.
#[derive(Default)]
struct Batch {
    text: String,
    salts: Vec<u8>,
    records: Vec<BatchRecord>,
}

struct BatchRecord {
    seq: u64,
    kind: Range<usize>,
    at: Range<usize>,
    leaf: Range<usize>,
    chain: [u8; 32],
    /// The salt (in `salts`) and data (in `text`).
    personal: Option<(Range<usize>, Range<usize>)>,
}

impl Batch {
    fn push_text(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }

    fn push(&mut self, record: &RecordOut<'_>) {
        let kind = self.push_text(record.kind);
        let at = self.push_text(record.at);
        let leaf = self.push_text(record.leaf);
        let personal = record.personal.map(|(salt, data)| {
            let start = self.salts.len();
            self.salts.extend_from_slice(salt);
            (start..self.salts.len(), self.push_text(data))
        });
        self.records.push(BatchRecord { seq: record.seq, kind, at, leaf, chain: *record.chain, personal });
    }

    fn record<'b>(&'b self, record: &'b BatchRecord) -> RecordOut<'b> {
        // The ranges were made by `push`: they always fit.
        let text = |range: &Range<usize>| self.text.get(range.clone()).unwrap_or_default();
        RecordOut {
            seq: record.seq,
            kind: text(&record.kind),
            at: text(&record.at),
            leaf: text(&record.leaf),
            chain: &record.chain,
            personal: record
                .personal
                .as_ref()
                .map(|(salt, data)| (self.salts.get(salt.clone()).unwrap_or_default(), text(data))),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.salts.clear();
        self.records.clear();
    }
}

/// A formatting thread: formats each of its batches into one chunk of the file.
fn format_batches(
    format: RowFormat,
    batches: Receiver<Batch>,
    spare_batches: Sender<Batch>,
    chunks: SyncSender<Vec<u8>>,
    spare_chunks: Receiver<Vec<u8>>,
) -> std::io::Result<()> {
    for mut batch in batches {
        let mut chunk = spare_chunks.try_recv().unwrap_or_default();
        for record in &batch.records {
            format.push(&mut chunk, &batch.record(record))?;
        }
        batch.clear();
        // The reader may be done already; then the batch is simply dropped.
        let _ = spare_batches.send(batch);
        if chunks.send(chunk).is_err() {
            // The writing thread stopped, and reports why.
            return Ok(());
        }
    }
    Ok(())
}

/// The hashing thread: takes the formatting threads' chunks in turn (the order the batches were
/// dealt in) until one has no more, hashes `first` and them, and passes each on to be written
/// (with the formatting thread it goes back to). Returns the SHA-256 of all of it.
fn hash_chunks(first: &[u8], formatters: &[Receiver<Vec<u8>>], chunks: &SyncSender<(usize, Vec<u8>)>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(first);
    for (formatter, formatted) in formatters.iter().enumerate().cycle() {
        let Ok(chunk) = formatted.recv() else { break };
        hasher.update(&chunk);
        if chunks.send((formatter, chunk)).is_err() {
            // The writing thread stopped, and reports why.
            break;
        }
    }
    hasher.finalize().into()
}

/// The writing thread: writes `first` and then each chunk, in order, and gives the chunk back to
/// its formatting thread; asks for a background sync every [`BACKGROUND_SYNC_BYTES`].
fn write_chunks(
    mut file: &File,
    first: &[u8],
    chunks: &Receiver<(usize, Vec<u8>)>,
    spare_chunks: &[Sender<Vec<u8>>],
    syncs: &SyncSender<()>,
) -> std::io::Result<()> {
    file.write_all(first)?;
    let mut unsynced = 0u64;
    for (formatter, mut chunk) in chunks {
        file.write_all(&chunk)?;
        unsynced += chunk.len() as u64;
        if unsynced >= BACKGROUND_SYNC_BYTES {
            unsynced = 0;
            // Full: a sync is running and will be followed by the final one anyway.
            let _ = syncs.try_send(());
        }
        chunk.clear();
        if let Some(spare) = spare_chunks.get(formatter) {
            let _ = spare.send(chunk);
        }
    }
    Ok(())
}

/// The syncing thread: syncs the file's data written so far whenever asked. An error here is the
/// export's error (the final sync on the same open file might not report it again).
fn sync_when_asked(file: &File, requests: Receiver<()>) -> std::io::Result<()> {
    for () in requests {
        file.sync_data()?;
    }
    Ok(())
}

/// The result of a pipeline thread; a panic there goes on here.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Reads the last checkpoint and the records it covers in one read transaction, checks them on the
/// way and writes them to `file` after `first` (the BOM and header of a CSV file). Returns what was
/// read and the SHA-256 of everything written; the file is not synced yet.
///
/// The work is shared by threads: this one reads and checks the records ([`read_snapshot`]),
/// [`FORMATTERS`] format them, one hashes the bytes in order, one writes them, and one syncs the file
/// now and then. Only checked records are formatted, so a failed check stops the export as before;
/// a formatting or write error (which comes from an earlier record) is reported before it.
fn write_snapshot(
    log: &AuditLog,
    file: &File,
    first: &[u8],
    format: RowFormat,
    personal_data: bool,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Snapshot, [u8; 32]), AuditError> {
    let io = |source| AuditError::Io { path: out.to_owned(), action: "write the export", source };
    std::thread::scope(|scope| {
        let (spare_batch_sender, spare_batches) = mpsc::channel::<Batch>();
        let mut batch_senders = Vec::new();
        let mut formatters = Vec::new();
        let mut formatted = Vec::new();
        let mut spare_chunk_senders = Vec::new();
        for _ in 0..FORMATTERS {
            let (batch_sender, batches) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
            let (chunk_sender, chunks) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
            let (spare_chunk_sender, spare_chunks) = mpsc::channel::<Vec<u8>>();
            let spare_batch_sender = spare_batch_sender.clone();
            formatters.push(
                scope.spawn(move || format_batches(format, batches, spare_batch_sender, chunk_sender, spare_chunks)),
            );
            batch_senders.push(batch_sender);
            formatted.push(chunks);
            spare_chunk_senders.push(spare_chunk_sender);
        }
        drop(spare_batch_sender);
        let (hashed_sender, hashed) = mpsc::sync_channel::<(usize, Vec<u8>)>(WRITES_IN_FLIGHT);
        let (sync_sender, sync_requests) = mpsc::sync_channel::<()>(1);
        let hasher = scope.spawn(move || hash_chunks(first, &formatted, &hashed_sender));
        let writer = scope.spawn(move || write_chunks(file, first, &hashed, &spare_chunk_senders, &sync_sender));
        let syncer = scope.spawn(move || sync_when_asked(file, sync_requests));
        let read = read_snapshot(log, personal_data, out, &batch_senders, &spare_batches, progress);
        drop(batch_senders);
        let formatted: Vec<_> = formatters.into_iter().map(joined).collect();
        let sha256 = joined(hasher);
        let written = joined(writer);
        let synced = joined(syncer);
        for result in formatted {
            result.map_err(io)?;
        }
        written.map_err(io)?;
        synced.map_err(io)?;
        Ok((read?, sha256))
    })
}

/// Reads the last checkpoint and the records it covers in one read transaction, checks them on the
/// way and sends them on in batches; calls `progress(read, records)` every [`PROGRESS_RECORDS`].
fn read_snapshot(
    log: &AuditLog,
    personal_data: bool,
    out: &Path,
    formatters: &[SyncSender<Batch>],
    spare_batches: &Receiver<Batch>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Snapshot, AuditError> {
    let db = log.path();
    let sql = |action| move |e| AuditError::sqlite(db, action, e);
    let inconsistent = |detail: String| AuditError::Inconsistent { path: db.to_owned(), detail };
    let writer_stopped = || AuditError::Io {
        path: out.to_owned(),
        action: "write the export",
        source: std::io::Error::other("the export writer stopped"),
    };
    let tx = log.connection().unchecked_transaction().map_err(sql("begin reading the log"))?; // read-only snapshot
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
    let mut batch = Batch::default();
    let mut next_formatter = formatters.iter().cycle();
    let mut send = |batch: Batch| match next_formatter.next() {
        Some(formatter) => formatter.send(batch).map_err(|_| writer_stopped()),
        None => Err(writer_stopped()),
    };
    while let Some(row) = rows.next().map_err(sql("read the log"))? {
        let seq = u64::try_from(row.get::<_, i64>(0).map_err(sql("read the log"))?).unwrap_or(u64::MAX);
        let kind = text_column(row, 1).map_err(sql("read the log"))?;
        let at = text_column(row, 2).map_err(sql("read the log"))?;
        let leaf = blob_column(row, 3).map_err(sql("read the log"))?;
        let stored_chain = blob_column(row, 4).map_err(sql("read the log"))?;
        let salt = optional_blob_column(row, 5).map_err(sql("read personal data"))?;
        let data = optional_blob_column(row, 6).map_err(sql("read personal data"))?;
        let chain = check.push(seq, kind, at, leaf, Some(stored_chain)).map_err(not_verified)?;
        let leaf = std::str::from_utf8(leaf).map_err(|_| inconsistent(format!("record {seq} is not UTF-8 text")))?;
        let personal = match (salt, data) {
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
                Some((salt, data))
            }
            _ => None,
        };
        batch.push(&RecordOut { seq, kind, at, leaf, chain: &chain, personal });
        // The pipeline behind holds only a few batches, so records read is close to records written.
        if check.size().is_multiple_of(PROGRESS_RECORDS) {
            progress(check.size(), records);
        }
        if batch.records.len() >= BATCH_RECORDS {
            let next = spare_batches.try_recv().unwrap_or_default();
            send(std::mem::replace(&mut batch, next))?;
        }
    }
    if !batch.records.is_empty() {
        send(batch)?;
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

/// A TEXT column, borrowed; any other value fails exactly as `row.get::<_, String>` does.
pub(super) fn text_column<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    let value = row.get_ref(index)?;
    value.as_str().map_err(|_| column_error(row.get::<_, String>(index).err(), index, value))
}

/// A BLOB column, borrowed; any other value fails exactly as `row.get::<_, Vec<u8>>` does.
fn blob_column<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r [u8]> {
    let value = row.get_ref(index)?;
    value.as_blob().map_err(|_| column_error(row.get::<_, Vec<u8>>(index).err(), index, value))
}

/// A BLOB or NULL column, borrowed; any other value fails exactly as `row.get::<_, Option<Vec<u8>>>`
/// does.
fn optional_blob_column<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<&'r [u8]>> {
    let value = row.get_ref(index)?;
    match value {
        ValueRef::Null => Ok(None),
        _ => value
            .as_blob()
            .map(Some)
            .map_err(|_| column_error(row.get::<_, Option<Vec<u8>>>(index).err(), index, value)),
    }
}

/// The error `row.get` gave for a value of the wrong type (it always gives one).
fn column_error(error: Option<rusqlite::Error>, index: usize, value: ValueRef<'_>) -> rusqlite::Error {
    error.unwrap_or_else(|| rusqlite::Error::InvalidColumnType(index, String::new(), value.data_type()))
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

    /// The cells of one CSV line as a CSV reader sees them.
    fn read_csv_line(line: &[u8]) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line);
        let record = reader.records().next().unwrap().unwrap();
        record.iter().map(str::to_owned).collect()
    }

    #[test]
    fn csv_rows_neutralise_every_human_cell_but_never_the_leaf() {
        let leaf = r#"{"v":1,"log":"d","seq":1,"kind":"settings","at":"2026-01-01T00:00:00Z","body":{}}"#;
        let record = RecordOut { seq: 1, kind: "-settings", at: "@now", leaf, chain: &[0xab; 32], personal: None };
        let mut line = Vec::new();
        push_csv_row(&mut line, &record, false);
        assert!(line.ends_with(b"\r\n"));
        let row = read_csv_line(&line);
        assert_eq!(row.len(), csv_header(false).len());
        assert_eq!(row[1], "'-settings");
        assert_eq!(row[2], "'@now");
        assert_eq!(row.last().map(String::as_str), Some(leaf));
        assert_eq!(row[row.len() - 2], "ab".repeat(32));
    }

    /// The inspection cells as the first export wrote them: serde, for inspections only.
    fn reference_cells(kind: &str, leaf: &[u8]) -> [String; 10] {
        if kind == EntryKind::Inspection.as_str() { parsed_inspection_cells(leaf) } else { Default::default() }
    }

    /// A CSV export as the first version wrote it: every cell a `String`, neutralised, written by
    /// `csv::Writer`.
    fn reference_csv(records: &[RecordOut<'_>], personal_data: bool) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
        writer.write_record(csv_header(personal_data)).unwrap();
        for record in records {
            let mut row = vec![record.seq.to_string(), record.kind.to_owned(), record.at.to_owned()];
            row.extend(reference_cells(record.kind, record.leaf.as_bytes()));
            if personal_data {
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
            writer.write_record(row.iter().map(|cell| neutralise_cell(cell).into_owned())).unwrap();
        }
        writer.into_inner().unwrap()
    }

    fn new_csv(records: &[RecordOut<'_>], personal_data: bool) -> Vec<u8> {
        let mut out = BOM.to_vec();
        push_csv_header(&mut out, personal_data);
        for record in records {
            push_csv_row(&mut out, record, personal_data);
        }
        out
    }

    /// The inspection of the audit test fixture as a log body.
    fn fixture_entry() -> InspectionEntry {
        let inspection: docexam_exam::inspection::Inspection =
            serde_json::from_str(include_str!("../../../tests/fixtures/audit/inspection.json")).unwrap();
        InspectionEntry::from_inspection(&inspection, &|number| format!("hash of {number}")).unwrap().0
    }

    /// Inspection bodies covering every field the cells come from, and texts that need quoting,
    /// neutralising or JSON escapes.
    fn sample_entries() -> Vec<InspectionEntry> {
        use crate::entry::OverrideEntry;
        let base = fixture_entry();
        assert!(base.items.len() >= 3);
        let mut failed = base.clone();
        failed.items[0].answer = Answer::Fail;
        failed.items[0].suggests = vec![FailureCode::CF, FailureCode::FgPhoto];
        failed.items[1].answer = Answer::Fail;
        failed.items[1].suggests = vec![FailureCode::FgPhoto, FailureCode::OCR];
        failed.items[1].note = Some("plain note, with a comma".into());
        failed.items[2].override_ = Some(OverrideEntry { machine: Answer::Pass, reason: "seen under UV".into() });
        failed.decision.outcome = Outcome::Refuse;
        failed.decision.refusal_reasons = vec![RefusalReason::A, RefusalReason::B];
        failed.decision.justification = Some("forged page".into());
        failed.mrz.failed_checks = vec!["document_number".into(), "composite".into()];
        failed.mrz.verdict = Some("invalid".into());
        let mut empty = base.clone();
        empty.officer = None;
        empty.station = None;
        empty.document = Default::default();
        empty.mrz.verdict = None;
        empty.mrz.failed_checks = vec![String::new(), String::new()];
        empty.ended_at = None;
        empty.image_sha256 = Some("ab".repeat(32));
        empty.personal_data_sha256 = Some("cd".repeat(32));
        let mut formulas = base.clone();
        formulas.officer = Some("=cmd|' /C calc'!A0".into());
        formulas.station = Some("+st,1".into());
        formulas.document.code = Some("-P".into());
        formulas.document.issuer = Some("@UTO".into());
        formulas.mrz.failed_checks = vec!["=1".into()];
        let mut unicode = base.clone();
        unicode.officer = Some("Åsa Öberg".into());
        unicode.station = Some("Grenzübergang Süd".into());
        let mut escaped = failed.clone();
        escaped.officer = Some("say \"hi\"\nthen\\go".into());
        escaped.items[0].note = Some("tab\there".into());
        let mut seized = failed.clone();
        seized.decision.outcome = Outcome::Seize;
        seized.decision.refusal_reasons = vec![RefusalReason::B];
        vec![base, failed, empty, formulas, unicode, escaped, seized]
    }

    fn leaf_of(entry: &InspectionEntry, seq: u64) -> String {
        use crate::entry::{EnvelopeOut, LEAF_VERSION};
        let at = Timestamp::from_unix_seconds(1_795_427_267).unwrap();
        let envelope =
            EnvelopeOut { v: LEAF_VERSION, log: "desk-1", seq, kind: EntryKind::Inspection, at, body: entry };
        serde_json::to_string(&envelope).unwrap()
    }

    fn owned(cells: [Cow<'_, str>; 10]) -> [String; 10] {
        cells.map(Cow::into_owned)
    }

    #[test]
    fn docexam_leaves_are_read_without_serde_to_the_same_cells() {
        for (seq, entry) in sample_entries().iter().enumerate() {
            let leaf = leaf_of(entry, seq as u64);
            let expected = parsed_inspection_cells(leaf.as_bytes());
            assert_ne!(expected, <[String; 10]>::default(), "{leaf}");
            let canonical = canonical_inspection_cells(&leaf).map(owned);
            if leaf.contains('\\') {
                assert_eq!(canonical, None, "escapes are left to serde: {leaf}");
            } else {
                assert_eq!(canonical.as_ref(), Some(&expected), "{leaf}");
            }
            assert_eq!(owned(inspection_cells_of("inspection", leaf.as_bytes())), expected);
            assert_eq!(inspection_cells("inspection", leaf.as_bytes()), expected);
            assert_eq!(inspection_cells("settings", leaf.as_bytes()), <[String; 10]>::default());
        }
    }

    #[test]
    fn other_forms_of_a_leaf_go_through_serde() {
        let leaf = leaf_of(&sample_entries()[1], 3);
        let value: serde_json::Value = serde_json::from_str(&leaf).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        // serde_json::Value sorts keys.
        let sorted = value.to_string();
        let extra_key = leaf.replacen("\"body\":{", "\"body\":{\"later\":[1,{\"x\":null}],", 1);
        let extra_manual_key = leaf.replacen("\"manual\":{", "\"manual\":{\"later\":1,", 1);
        let long_seq = leaf.replacen("\"seq\":3,", "\"seq\":00000000000000000003,", 1);
        let trailing_space = format!("{leaf} ");
        let cases = [pretty, sorted, extra_key, extra_manual_key, long_seq, trailing_space];
        for other in &cases {
            assert_eq!(canonical_inspection_cells(other).map(owned), None, "{other}");
            assert_eq!(
                owned(inspection_cells_of("inspection", other.as_bytes())),
                parsed_inspection_cells(other.as_bytes())
            );
        }
        assert_ne!(inspection_cells("inspection", cases[0].as_bytes()), <[String; 10]>::default());
        assert_ne!(inspection_cells("inspection", cases[2].as_bytes()), <[String; 10]>::default());
        assert_eq!(inspection_cells("inspection", cases[3].as_bytes()), <[String; 10]>::default());
        assert_eq!(inspection_cells("inspection", cases[4].as_bytes()), <[String; 10]>::default());
        assert_eq!(inspection_cells("inspection", b"\xff{not utf-8"), <[String; 10]>::default());
    }

    /// Every one-byte edit of a leaf that the canonical reader still accepts is read by serde to
    /// the same cells (so the shortcut never accepts what serde refuses, nor reads it differently).
    #[test]
    fn no_one_byte_edit_makes_the_canonical_reader_disagree_with_serde() {
        let leaf = leaf_of(&sample_entries()[1], 12);
        let bytes = leaf.as_bytes();
        let replacements = [b'"', b'\\', b'0', b'1', b'9', b',', b':', b'}', b']', b'{', b' ', 0x01, b'n', b'-', b'x'];
        let mut accepted = 0;
        let mut check = |edited: &[u8]| {
            let Ok(text) = std::str::from_utf8(edited) else { return };
            if let Some(cells) = canonical_inspection_cells(text) {
                accepted += 1;
                assert_eq!(owned(cells), parsed_inspection_cells(edited), "{text}");
            }
        };
        for at in 0..bytes.len() {
            for &replacement in &replacements {
                if bytes[at] != replacement {
                    let mut edited = bytes.to_vec();
                    edited[at] = replacement;
                    check(&edited);
                }
            }
            let mut deleted = bytes.to_vec();
            deleted.remove(at);
            check(&deleted);
        }
        assert!(accepted > 1000, "only {accepted} edits were read without serde");
    }

    #[test]
    fn string_ends_are_found_at_every_offset() {
        for len in 0..20 {
            for at in 0..len {
                for special in 0..=255u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = special;
                    let expected = text.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                    assert_eq!(string_end(&text), expected, "{text:?}");
                }
            }
            assert_eq!(string_end(&vec![0xc3; len]), None);
        }
    }

    #[test]
    fn csv_exports_are_byte_for_byte_what_the_csv_writer_wrote() {
        let entries = sample_entries();
        let leaves: Vec<String> = entries.iter().enumerate().map(|(seq, entry)| leaf_of(entry, seq as u64)).collect();
        let quotes = "\"".repeat(600);
        let mixed = "a\",\r\n".repeat(130);
        let texts = [
            "",
            "plain",
            "-x",
            "=1+2",
            "+1",
            "@at",
            "\tTab",
            "\rCR",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "Åsa ü",
            "'quoted",
            " =x",
            &quotes,
            &mixed,
        ];
        let personal = PersonalData {
            primary_identifier: Some("=Smith, \"Jr\"".into()),
            secondary_identifier: Some("Åsa".into()),
            document_number: Some("L898902C3".into()),
            date_of_birth: Some("1974-08-12".into()),
            sex: Some("-".into()),
        };
        let personal = serde_json::to_string(&personal).unwrap();
        let salt = [0x5a; 16];
        let chain = [0x0f; 32];
        let mut records = Vec::new();
        for (seq, leaf) in leaves.iter().enumerate() {
            let with_personal = seq % 2 == 0;
            records.push(RecordOut {
                seq: seq as u64,
                kind: "inspection",
                at: "2026-11-23T09:47:47Z",
                leaf,
                chain: &chain,
                personal: with_personal.then_some((&salt[..], personal.as_str())),
            });
        }
        for (seq, text) in texts.iter().enumerate() {
            records.push(RecordOut {
                seq: 100 + seq as u64,
                kind: text,
                at: texts[(seq + 3) % texts.len()],
                leaf: texts[(seq + 7) % texts.len()],
                chain: &chain,
                personal: Some((&[][..], text)),
            });
        }
        records.push(RecordOut { seq: u64::MAX, kind: "inspection", at: "", leaf: "{", chain: &chain, personal: None });
        for personal_data in [false, true] {
            let expected = reference_csv(&records, personal_data);
            let written = new_csv(&records, personal_data);
            assert!(
                written == expected,
                "{}\n---\n{}",
                String::from_utf8_lossy(&written),
                String::from_utf8_lossy(&expected)
            );
        }
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
