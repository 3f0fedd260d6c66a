//! One record as it goes into an export, and how each format writes it.

use serde::Serialize;

use super::csv_rows::push_csv_row;
use docexam_exam::digest::to_hex;

/// Appends one jsonl line.
pub(super) fn push_jsonl_line(out: &mut Vec<u8>, record: &RecordOut<'_>) -> std::io::Result<()> {
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
pub(super) struct JsonlOut<'a> {
    seq: u64,
    kind: &'a str,
    at: &'a str,
    chain: String,
    leaf: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    personal_data: Option<PersonalDataOut<'a>>,
}

#[derive(Serialize)]
pub(super) struct PersonalDataOut<'a> {
    salt: String,
    data: &'a str,
}

/// One record on its way into an export.
pub(super) struct RecordOut<'a> {
    pub(super) seq: u64,
    pub(super) kind: &'a str,
    pub(super) at: &'a str,
    pub(super) leaf: &'a str,
    pub(super) chain: &'a [u8; 32],
    pub(super) personal: Option<(&'a [u8], &'a str)>,
}

/// How each record is written.
#[derive(Debug, Clone, Copy)]
pub(super) enum RowFormat {
    Jsonl,
    Csv { personal_columns: bool },
}

impl RowFormat {
    pub(super) fn push(self, out: &mut Vec<u8>, record: &RecordOut<'_>) -> std::io::Result<()> {
        match self {
            RowFormat::Jsonl => push_jsonl_line(out, record),
            RowFormat::Csv { personal_columns } => {
                push_csv_row(out, record, personal_columns);
                Ok(())
            }
        }
    }
}
