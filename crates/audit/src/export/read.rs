//! Reading export files: hashing every byte read, bounding each record, parsing jsonl lines and
//! CSV rows into records (a malformed one becomes a finding, never a panic).

use std::fs::File;
use std::io::{BufRead as _, BufReader, Read};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::csv_rows::{BOM, HUMAN_COLUMNS, PERSONAL_COLUMNS, csv_header, neutralise_cell, personal_cells};
use super::leaf_cells::inspection_cells;
use super::{ExportFormat, MAX_RECORD_BYTES};
use crate::AuditError;
use crate::verify::FindingKind;
use docexam_exam::digest::from_hex;

/// A jsonl line as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonlIn {
    seq: u64,
    kind: String,
    at: String,
    chain: String,
    leaf: String,
    #[serde(default)]
    personal_data: Option<PersonalDataIn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonalDataIn {
    salt: String,
    data: String,
}

/// The budget error of [`ExportReader`]: one record is larger than [`MAX_RECORD_BYTES`].
#[derive(Debug)]
struct RecordTooLarge;

impl std::fmt::Display for RecordTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record larger than {} MiB", MAX_RECORD_BYTES / (1024 * 1024))
    }
}

impl std::error::Error for RecordTooLarge {}

/// Reads an export file: hashes every byte read, and refuses to read more than
/// [`MAX_RECORD_BYTES`] between two calls of [`ExportReader::next_record`].
pub(super) struct ExportReader {
    file: File,
    hasher: Sha256,
    budget: u64,
}

impl ExportReader {
    fn new(file: File) -> Self {
        Self { file, hasher: Sha256::new(), budget: MAX_RECORD_BYTES }
    }

    /// A record was read: the next one gets the full budget.
    fn next_record(&mut self) {
        self.budget = MAX_RECORD_BYTES;
    }

    /// Reads the rest of the file (into the hash only) and returns the file's SHA-256.
    fn finish(mut self) -> std::io::Result<[u8; 32]> {
        self.budget = u64::MAX;
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(self.hasher.finalize().into())
    }
}

impl Read for ExportReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.budget == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, RecordTooLarge));
        }
        let allowed = buf.len().min(usize::try_from(self.budget).unwrap_or(usize::MAX));
        let read = self.file.read(&mut buf[..allowed])?;
        self.hasher.update(&buf[..read]);
        self.budget = self.budget.saturating_sub(read as u64);
        Ok(read)
    }
}

fn is_too_large(error: &std::io::Error) -> bool {
    error.get_ref().is_some_and(|inner| inner.is::<RecordTooLarge>())
}

/// One record as an export file carries it.
#[derive(Debug)]
pub(crate) struct ExportedRecord {
    /// Position.
    pub seq: u64,
    /// Kind, as the row says.
    pub kind: String,
    /// Time, as the row says.
    pub at: String,
    /// The exact leaf.
    pub leaf: String,
    /// The chain value, as the row says.
    pub chain: [u8; 32],
    /// Salt and data, when the export carries this record's personal data.
    pub personal: Option<(Vec<u8>, Vec<u8>)>,
    /// CSV: what a human column says that the leaf does not (an edited cell).
    pub(super) cell_problem: Option<String>,
    /// CSV: the `leaf_hash` cell.
    pub(super) leaf_hash_cell: Option<String>,
}

/// A row that is not a record (malformed), as a finding's kind and words.
pub(super) struct Malformed {
    pub(super) kind: FindingKind,
    pub(super) detail: String,
}

impl Malformed {
    fn new(kind: FindingKind, detail: impl Into<String>) -> Self {
        Self { kind, detail: detail.into() }
    }
}

/// Reads records from an export file of either format.
pub(super) enum RecordReader {
    Jsonl {
        reader: BufReader<ExportReader>,
        line: Vec<u8>,
    },
    Csv {
        reader: Box<csv::Reader<ExportReader>>,
        row: csv::StringRecord,
        personal_data: bool,
    },
    /// The file is not an export at all; only its hash is still computed.
    Unreadable(ExportReader),
}

impl RecordReader {
    /// Opens `file` as `format`. A CSV export must start with the BOM and docexam's header.
    pub(super) fn open(path: &Path, format: ExportFormat) -> Result<(Self, Option<Malformed>), AuditError> {
        let file = File::open(path).map_err(|source| AuditError::Io {
            path: path.to_owned(),
            action: "read the export",
            source,
        })?;
        let mut source = ExportReader::new(file);
        match format {
            ExportFormat::Jsonl => Ok((RecordReader::Jsonl { reader: BufReader::new(source), line: Vec::new() }, None)),
            ExportFormat::Csv => {
                let mut bom = [0u8; 3];
                let filled = read_up_to(&mut source, &mut bom).map_err(|source| AuditError::Io {
                    path: path.to_owned(),
                    action: "read the export",
                    source,
                })?;
                if bom[..filled] != *BOM {
                    let problem = Malformed::new(
                        FindingKind::Envelope,
                        "the file does not start like a docexam CSV export (no UTF-8 BOM)",
                    );
                    return Ok((RecordReader::Unreadable(source), Some(problem)));
                }
                let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(source);
                let mut header = csv::StringRecord::new();
                let personal_columns = match reader.read_record(&mut header) {
                    Ok(true) => {
                        let names: Vec<&str> = header.iter().collect();
                        [false, true].into_iter().find(|&personal| names == csv_header(personal))
                    }
                    Ok(false) => None,
                    Err(e) => match e.into_kind() {
                        csv::ErrorKind::Io(e) if !is_too_large(&e) => {
                            return Err(AuditError::Io { path: path.to_owned(), action: "read the export", source: e });
                        }
                        _ => None,
                    },
                };
                reader.get_mut().next_record();
                match personal_columns {
                    Some(personal_data) => Ok((
                        RecordReader::Csv { reader: Box::new(reader), row: csv::StringRecord::new(), personal_data },
                        None,
                    )),
                    None => Ok((
                        RecordReader::Unreadable(reader.into_inner()),
                        Some(Malformed::new(FindingKind::Envelope, "the CSV header is not a docexam export's header")),
                    )),
                }
            }
        }
    }

    /// The next record; `Ok(None)` at the end; `Err` only for a read error of the file itself.
    pub(super) fn next(&mut self, path: &Path) -> Result<Option<Result<ExportedRecord, Malformed>>, AuditError> {
        let io = |source| AuditError::Io { path: path.to_owned(), action: "read the export", source };
        match self {
            RecordReader::Unreadable(_) => Ok(None),
            RecordReader::Jsonl { reader, line } => {
                line.clear();
                let read = match reader.read_until(b'\n', line) {
                    Ok(read) => read,
                    Err(e) if is_too_large(&e) => {
                        return Ok(Some(Err(Malformed::new(FindingKind::Envelope, e.to_string()))));
                    }
                    Err(e) => return Err(io(e)),
                };
                reader.get_mut().next_record();
                if read == 0 {
                    return Ok(None);
                }
                Ok(Some(parse_jsonl(line)))
            }
            RecordReader::Csv { reader, row, personal_data } => {
                let result = reader.read_record(row);
                reader.get_mut().next_record();
                match result {
                    Ok(false) => Ok(None),
                    Ok(true) => Ok(Some(parse_csv_row(row, *personal_data))),
                    Err(e) => match e.into_kind() {
                        csv::ErrorKind::Io(e) if is_too_large(&e) => {
                            Ok(Some(Err(Malformed::new(FindingKind::Envelope, e.to_string()))))
                        }
                        csv::ErrorKind::Io(e) => Err(io(e)),
                        csv::ErrorKind::Utf8 { .. } => {
                            Ok(Some(Err(Malformed::new(FindingKind::Envelope, "the row is not UTF-8 text"))))
                        }
                        csv::ErrorKind::UnequalLengths { len, .. } => Ok(Some(Err(Malformed::new(
                            FindingKind::Envelope,
                            format!("the row has {len} cells, not the header's number"),
                        )))),
                        other => {
                            Ok(Some(Err(Malformed::new(FindingKind::Envelope, format!("not a CSV row: {other:?}")))))
                        }
                    },
                }
            }
        }
    }

    /// Reads the rest of the file and returns its SHA-256.
    pub(super) fn finish(self, path: &Path) -> Result<[u8; 32], AuditError> {
        let source = match self {
            RecordReader::Jsonl { reader, .. } => reader.into_inner(),
            RecordReader::Csv { reader, .. } => reader.into_inner(),
            RecordReader::Unreadable(source) => source,
        };
        source.finish().map_err(|source| AuditError::Io { path: path.to_owned(), action: "read the export", source })
    }
}

/// Fills as much of `buf` as the reader has (short only at the end of the file).
pub(super) fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

fn parse_chain(text: &str) -> Result<[u8; 32], Malformed> {
    from_hex(text).and_then(|bytes| <[u8; 32]>::try_from(bytes).ok()).ok_or_else(|| {
        Malformed::new(FindingKind::Chain, "the chain value is not 64 hex digits: the record was edited")
    })
}

fn parse_salt(text: &str) -> Result<Vec<u8>, Malformed> {
    from_hex(text).filter(|salt| salt.len() == 32).ok_or_else(|| {
        Malformed::new(FindingKind::PersonalData, "the personal data salt is not 64 hex digits: it was edited")
    })
}

fn parse_jsonl(line: &[u8]) -> Result<ExportedRecord, Malformed> {
    let Some(line) = line.strip_suffix(b"\n") else {
        return Err(Malformed::new(FindingKind::Envelope, "the last line is cut short: the file was truncated"));
    };
    let parsed: JsonlIn = serde_json::from_slice(line)
        .map_err(|e| Malformed::new(FindingKind::Envelope, format!("the line is not an export record ({e})")))?;
    let personal = match parsed.personal_data {
        None => None,
        Some(p) => Some((parse_salt(&p.salt)?, p.data.into_bytes())),
    };
    Ok(ExportedRecord {
        seq: parsed.seq,
        kind: parsed.kind,
        at: parsed.at,
        chain: parse_chain(&parsed.chain)?,
        leaf: parsed.leaf,
        personal,
        cell_problem: None,
        leaf_hash_cell: None,
    })
}

fn parse_csv_row(row: &csv::StringRecord, personal_data: bool) -> Result<ExportedRecord, Malformed> {
    let cells: Vec<&str> = row.iter().collect();
    let expected_len = csv_header(personal_data).len();
    if cells.len() != expected_len {
        return Err(Malformed::new(
            FindingKind::Envelope,
            format!("the row has {} cells, not {expected_len}", cells.len()),
        ));
    }
    let seq = cells[0].parse::<u64>().map_err(|_| {
        Malformed::new(FindingKind::Envelope, format!("the seq cell {:?} is not a number", short(cells[0])))
    })?;
    let [leaf_hash_cell, chain_cell, leaf_cell] =
        [cells[expected_len - 3], cells[expected_len - 2], cells[expected_len - 1]];
    let leaf = leaf_cell.to_owned();
    let mut derived: Vec<String> = inspection_cells(cells[1], leaf.as_bytes()).into_iter().collect();
    let mut names: Vec<&str> = HUMAN_COLUMNS[3..].to_vec();
    let mut personal = None;
    if personal_data {
        let first = HUMAN_COLUMNS.len();
        let (salt_cell, data_cell) = (cells[first + 5], cells[first + 6]);
        if !(salt_cell.is_empty() && data_cell.is_empty()) {
            personal = Some((parse_salt(salt_cell)?, data_cell.as_bytes().to_vec()));
        }
        derived.extend(personal_cells(data_cell.as_bytes()));
        names.extend(&PERSONAL_COLUMNS[..5]);
    }
    let human_cells = cells[3..].iter().take(derived.len());
    let cell_problem = names.iter().zip(derived).zip(human_cells).find_map(|((name, expected), &cell)| {
        let expected = neutralise_cell(&expected);
        (expected != cell).then(|| {
            format!(
                "the {name} cell says {:?} but the record says {:?}: the row was edited",
                short(cell),
                short(&expected)
            )
        })
    });
    Ok(ExportedRecord {
        seq,
        kind: cells[1].to_owned(),
        at: cells[2].to_owned(),
        chain: parse_chain(chain_cell)?,
        leaf,
        personal,
        cell_problem,
        leaf_hash_cell: Some(leaf_hash_cell.to_owned()),
    })
}

/// At most 60 characters of `text`, for messages.
fn short(text: &str) -> String {
    if text.chars().count() <= 60 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(60).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use docexam_exam::digest::to_hex;

    /// A file of its own in a fresh temp folder, removed with the returned guard.
    fn temp_file(name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::Builder::new().prefix("docexam-export-read-unit-").tempdir().unwrap();
        let path = dir.path().join(name);
        (dir, path)
    }

    #[test]
    fn a_record_larger_than_the_budget_is_refused_while_reading() {
        let (_dir, path) = temp_file("huge.jsonl");
        let size = usize::try_from(MAX_RECORD_BYTES).unwrap() + 10;
        std::fs::write(&path, vec![b'x'; size]).unwrap();
        let (mut reader, problem) = RecordReader::open(&path, ExportFormat::Jsonl).unwrap();
        assert!(problem.is_none());
        let next = reader.next(&path).unwrap().unwrap();
        assert!(matches!(next, Err(Malformed { kind: FindingKind::Envelope, .. })));
        let sha = reader.finish(&path).unwrap();
        assert_eq!(to_hex(&sha), docexam_exam::digest::sha256_hex(&vec![b'x'; size]));
    }

    #[test]
    fn jsonl_lines_must_be_complete_and_carry_exactly_docexam_keys() {
        let chain = "ab".repeat(32);
        let line = format!("{{\"seq\":0,\"kind\":\"k\",\"at\":\"t\",\"chain\":\"{chain}\",\"leaf\":\"{{}}\"}}\n");
        let record = parse_jsonl(line.as_bytes()).ok().unwrap();
        assert_eq!((record.seq, record.leaf.as_str(), record.chain), (0, "{}", [0xab; 32]));
        let cut = parse_jsonl(line.trim_end().as_bytes());
        assert!(cut.is_err_and(|m| m.detail.contains("cut short")));
        let extra = line.replace("\"seq\":0,", "\"seq\":0,\"x\":1,");
        assert!(parse_jsonl(extra.as_bytes()).is_err());
        let short_chain = line.replace(&chain, "abcd");
        assert!(parse_jsonl(short_chain.as_bytes()).is_err_and(|m| m.kind == FindingKind::Chain));
    }

    #[test]
    fn a_csv_cell_that_disagrees_with_the_leaf_is_named() {
        let leaf = r#"{"v":1,"log":"d","seq":0,"kind":"settings","at":"t","body":{}}"#;
        let mut cells: Vec<String> = vec!["0".into(), "settings".into(), "t".into()];
        cells.extend(std::iter::repeat_n(String::new(), HUMAN_COLUMNS.len() - 3));
        cells.extend(["00".repeat(32), "ab".repeat(32), leaf.to_owned()]);
        let record = parse_csv_row(&csv::StringRecord::from(cells.clone()), false).ok().unwrap();
        assert_eq!(record.cell_problem, None);
        cells[3] = "off-1".into();
        let record = parse_csv_row(&csv::StringRecord::from(cells.clone()), false).ok().unwrap();
        assert!(record.cell_problem.unwrap().contains("the officer cell says \"off-1\""));
        cells[0] = "zero".into();
        assert!(parse_csv_row(&csv::StringRecord::from(cells), false).is_err());
    }
}
