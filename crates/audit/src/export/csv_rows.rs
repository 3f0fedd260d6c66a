//! CSV export rows, byte for byte as `csv::Writer` wrote them, with spreadsheet formulas
//! neutralised.

use std::borrow::Cow;
use std::io::Write as _;

use super::leaf_cells::inspection_cells_of;
use super::rows::RecordOut;
use crate::chain::leaf_hash;
use crate::entry::PersonalData;

/// The UTF-8 byte order mark that starts every CSV export.
pub(super) const BOM: &[u8] = b"\xef\xbb\xbf";

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

/// Makes a cell safe to open in a spreadsheet (OWASP CSV injection): a cell starting with `=`,
/// `+`, `-`, `@`, TAB or CR gets a leading `'`, so it is shown as text and never run as a formula.
/// The one rule for every CSV docexam writes: exports, statistics (`audit stats`), training reports.
pub fn neutralise_cell(cell: &str) -> Cow<'_, str> {
    if starts_like_a_formula(cell.as_bytes()) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// The readable personal data columns (surname .. sex) from the stored personal data bytes.
pub(super) fn personal_cells(data: &[u8]) -> [String; 5] {
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
pub(super) fn csv_header(personal_data: bool) -> Vec<&'static str> {
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
pub(super) struct CsvLine<'o> {
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
pub(super) fn starts_like_a_formula(cell: &[u8]) -> bool {
    matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// Appends the CSV cell `prefix ‖ cell` (`prefix` holds no byte that needs quoting).
pub(super) fn push_csv_cell(out: &mut Vec<u8>, prefix: &[u8], cell: &[u8]) {
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
pub(super) fn push_csv_header(out: &mut Vec<u8>, personal_data: bool) {
    let mut line = CsvLine::new(out);
    for name in csv_header(personal_data) {
        line.plain(name.as_bytes());
    }
    line.end();
}

/// Appends one CSV row, every cell neutralised (leaves start with `{`, hashes with a hex digit, so
/// neutralising never changes them).
pub(super) fn push_csv_row(out: &mut Vec<u8>, record: &RecordOut<'_>, with_personal_columns: bool) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::EntryKind;
    use crate::export::leaf_cells::parsed_inspection_cells;
    use crate::export::leaf_cells::tests::{leaf_of, sample_entries};
    use docexam_exam::digest::to_hex;

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
}
