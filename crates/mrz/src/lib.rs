//! The MRZ engine: reads machine-readable-zone text into checked, typed, explained fields.
//!
//! Checking happens in stages, one type per stage, so a later stage cannot be handed the output of
//! an earlier one by mistake:
//!
//! 1. [`RawMrz::from_text`]: normalised lines (case, spaces and a single run-on line are fixed with
//!    a finding, never silently). Fails only when the text cannot be an MRZ (empty, too many lines,
//!    lines too long).
//! 2. [`RawMrz::parse`] → [`ParsedMrz`]: the format is known, every field has its place, long
//!    document numbers are reassembled, character classes are checked. Fails when no format fits.
//! 3. [`ParsedMrz::check`] → [`CheckedMrz`]: every check digit evaluated, fields decoded under an
//!    explicit [`DatePolicy`], every finding with its place and reason, and a [`Verdict`].
//!
//! Invariant: a [`CheckedMrz`] whose printed check digits disagree with the computed ones is never
//! [`Verdict::Valid`]. Nothing here "corrects" a check digit; OCR correction lives in [`correct`]
//! and reports every substitution it makes.
//!
//! ```
//! use docexam_mrz::{self as mrz, dates::{CalendarDate, DatePolicy}};
//! let policy = DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 });
//! let checked = mrz::check_text(
//!     "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
//!     &policy,
//! ).unwrap();
//! assert!(checked.is_valid());
//! assert_eq!(checked.document_number(), "L898902C3");
//! ```

pub mod charset;
pub mod correct;
pub mod countries;
pub mod dates;
pub mod doubt;
pub mod emit;
pub mod fields;
pub mod findings;
pub mod layout;
pub mod names;
pub mod report;

use std::fmt;

use serde::Serialize;

use self::charset::{FILLER, check_digit, digit_value, is_mrz_char};
use self::dates::{DateForm, DatePolicy, DateRole, MrzDate};
use self::fields::{CheckId, CountryCode, DocumentKind, FieldId, Sex};
use self::findings::{Finding, FindingKind, Severity};
use self::layout::{CharClass, Format, Span, layout, long_number_region};
use self::names::Name;

/// Most lines an MRZ has.
pub const MAX_LINES: usize = 3;
/// Longest MRZ line.
pub const MAX_LINE_LEN: usize = 44;
/// Input longer than this (in bytes) is not read at all.
pub const MAX_INPUT_BYTES: usize = 4096;
/// Lines kept for an unreadable report.
const MAX_REPORTED_LINES: usize = 8;

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check digit agrees and there is no structural error.
    Valid,
    /// A check digit disagrees, or a field breaks the format's rules.
    Invalid,
    /// No MRZ format fits the text.
    Unreadable,
    /// Read from an image, every check passes, but some character has no evidence: neither a
    /// check digit nor two readers confirm it. Only a machine reading gets this verdict.
    NeedsReview,
}

/// Text that cannot be read as any MRZ format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct UnreadableMrz {
    /// Why.
    pub reason: UnreadableReason,
    /// The normalised lines as far as they were read (at most eight).
    pub lines: Vec<String>,
    /// Normalisation findings made before giving up.
    pub findings: Vec<Finding>,
}

/// Why text is not an MRZ.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnreadableReason {
    /// No characters other than whitespace.
    EmptyInput,
    /// More than [`MAX_INPUT_BYTES`].
    InputTooLong {
        /// Bytes given.
        bytes: usize,
    },
    /// Not 2 or 3 lines.
    WrongLineCount {
        /// Lines found.
        count: usize,
    },
    /// A line whose length fits no format.
    WrongLineLength {
        /// 1-based line.
        line: usize,
        /// Its length.
        length: usize,
        /// What would fit.
        expected: &'static str,
    },
}

impl UnreadableReason {
    /// Stable snake_case code.
    pub const fn code(&self) -> &'static str {
        match self {
            UnreadableReason::EmptyInput => "empty_input",
            UnreadableReason::InputTooLong { .. } => "input_too_long",
            UnreadableReason::WrongLineCount { .. } => "wrong_line_count",
            UnreadableReason::WrongLineLength { .. } => "wrong_line_length",
        }
    }
}

impl fmt::Display for UnreadableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnreadableReason::EmptyInput => f.write_str("no MRZ text given"),
            UnreadableReason::InputTooLong { bytes } => {
                write!(f, "{bytes} bytes is far longer than any MRZ (at most 90 characters)")
            }
            UnreadableReason::WrongLineCount { count } => {
                write!(f, "{count} line(s) found; an MRZ has 2 lines (TD2, TD3, visas) or 3 (TD1)")
            }
            UnreadableReason::WrongLineLength { line, length, expected } => {
                write!(f, "line {line} has {length} characters; {expected}")
            }
        }
    }
}

/// Stage 1: normalised MRZ lines, not yet matched to a format.
#[derive(Debug, Clone)]
pub struct RawMrz {
    /// The lines back to back; `starts` and `lens` say where each is.
    flat: [u8; FLAT_LEN],
    starts: [u8; MAX_LINES],
    lens: [u8; MAX_LINES],
    count: u8,
    findings: Vec<Finding>,
}

/// Room for three lines of the longest length: anything longer is not an MRZ.
const FLAT_LEN: usize = MAX_LINES * MAX_LINE_LEN;

/// Normalises one input line into `out`: whitespace dropped (counted), lower case upper-cased
/// (counted), characters outside ASCII replaced by `?` (remembered with `offset` + position).
/// Returns (length, spaces removed, letters upper-cased, whether every stored character is in the
/// MRZ alphabet). Stops storing when `out` is full but keeps counting the length.
fn normalise_line(
    line: &str,
    out: &mut [u8],
    offset: usize,
    non_ascii: &mut Vec<(usize, char)>,
) -> (usize, usize, usize, bool) {
    let (mut len, mut spaces, mut lower) = (0usize, 0usize, 0usize);
    let mut store = |byte: u8, len: &mut usize| {
        if let Some(slot) = out.get_mut(*len) {
            *slot = byte;
        }
        *len += 1;
    };
    let bytes = line.as_bytes();
    if bytes.iter().all(|&b| is_mrz_char(b)) {
        // Already clean (the common case): copy as it is.
        if let Some(dst) = out.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        return (bytes.len(), 0, 0, true);
    }
    if line.is_ascii() {
        // Byte by byte.
        for &b in line.as_bytes() {
            match b {
                b'\r' => {}
                b' ' | b'\t' | 0x0b | 0x0c => spaces += 1,
                b'a'..=b'z' => {
                    lower += 1;
                    store(b.to_ascii_uppercase(), &mut len);
                }
                _ => store(b, &mut len),
            }
        }
    } else {
        for ch in line.chars() {
            match ch {
                '\r' => {}
                c if c.is_whitespace() => spaces += 1,
                c if c.is_ascii_lowercase() => {
                    lower += 1;
                    store(c.to_ascii_uppercase() as u8, &mut len);
                }
                c if c.is_ascii() => store(c as u8, &mut len),
                c => {
                    non_ascii.push((offset + len, c));
                    store(b'?', &mut len);
                }
            }
        }
    }
    let clean = out.get(..len).is_some_and(|stored| stored.iter().all(|&c| is_mrz_char(c)));
    (len, spaces, lower, clean)
}

impl RawMrz {
    /// Normalises text: one MRZ line per text line (blank lines ignored), upper case, no spaces.
    /// A single line holding a whole TD1, TD2 or TD3 is split. Every change is a finding.
    pub fn from_text(text: &str) -> Result<Self, UnreadableMrz> {
        if text.len() > MAX_INPUT_BYTES {
            return Err(UnreadableMrz {
                reason: UnreadableReason::InputTooLong { bytes: text.len() },
                lines: Vec::new(),
                findings: Vec::new(),
            });
        }
        let mut raw = RawMrz {
            flat: [0; FLAT_LEN],
            starts: [0; MAX_LINES],
            lens: [0; MAX_LINES],
            count: 0,
            findings: Vec::new(),
        };
        // Characters outside ASCII are stored as '?' and remembered here for their findings.
        let mut non_ascii: Vec<(usize, char)> = Vec::new();
        let mut used = 0usize;
        let mut line_count = 0usize;
        // Whether every line so far is stored in `flat`; when not, the text is no MRZ and the
        // slower `describe_lines` reports it.
        let mut fits = true;
        let mut all_clean = true;
        for (input_index, input_line) in text.split('\n').enumerate() {
            let out = raw.flat.get_mut(used..).unwrap_or_default();
            let (len, spaces, lower, clean) = normalise_line(input_line, out, used, &mut non_ascii);
            all_clean &= clean;
            if len == 0 {
                continue;
            }
            let line = input_index + 1;
            if lower > 0 {
                raw.findings.push(Finding::new(FindingKind::NormalisedCase { line, count: lower }, None, None));
            }
            if spaces > 0 {
                raw.findings.push(Finding::new(FindingKind::NormalisedSpaces { line, count: spaces }, None, None));
            }
            match (raw.starts.get_mut(line_count), raw.lens.get_mut(line_count)) {
                (Some(start), Some(stored_len)) if used + len <= FLAT_LEN => {
                    *start = used as u8;
                    *stored_len = len as u8;
                }
                _ => fits = false,
            }
            used += len;
            line_count += 1;
        }

        // A whole MRZ on one line (a common paste): split it where the format says.
        let single_len = usize::from(raw.lens.first().copied().unwrap_or(0));
        if fits
            && line_count == 1
            && let Some(format) = [Format::Td3, Format::Td2, Format::Td1]
                .into_iter()
                .find(|f| f.line_len() * f.line_count() == single_len)
        {
            let per_line = format.line_len();
            line_count = format.line_count();
            for i in 0..line_count {
                if let (Some(start), Some(len)) = (raw.starts.get_mut(i), raw.lens.get_mut(i)) {
                    *start = (i * per_line) as u8;
                    *len = per_line as u8;
                }
            }
            raw.findings.push(Finding::new(
                FindingKind::NormalisedSplitLine { length: single_len, lines: line_count },
                None,
                None,
            ));
        }

        let expected = if line_count == 3 { "TD1 lines have 30" } else { "MRZ lines have 36 or 44" };
        let reason = if line_count == 0 {
            Some(UnreadableReason::EmptyInput)
        } else if !(2..=MAX_LINES).contains(&line_count) {
            Some(UnreadableReason::WrongLineCount { count: line_count })
        } else if !fits {
            // Two or three lines that do not fit: name the longest.
            let (line, length) = text
                .split('\n')
                .map(|l| l.chars().filter(|c| !c.is_whitespace()).count())
                .filter(|&n| n > 0)
                .enumerate()
                .max_by_key(|&(_, n)| n)
                .map_or((1, 0), |(i, n)| (i + 1, n));
            Some(UnreadableReason::WrongLineLength { line, length, expected })
        } else {
            raw.lens.iter().take(line_count).position(|&l| usize::from(l) > MAX_LINE_LEN).map(|i| {
                let length = usize::from(raw.lens.get(i).copied().unwrap_or(0));
                UnreadableReason::WrongLineLength { line: i + 1, length, expected }
            })
        };
        if let Some(reason) = reason {
            return Err(UnreadableMrz { reason, lines: describe_lines(text), findings: raw.findings });
        }

        raw.count = line_count as u8;
        for i in (0..line_count).filter(|_| !all_clean) {
            if raw.line(i).iter().all(|&c| is_mrz_char(c)) {
                continue;
            }
            let start = usize::from(raw.starts.get(i).copied().unwrap_or(0));
            let illegal: Vec<Finding> = raw
                .line(i)
                .iter()
                .enumerate()
                .filter(|(_, c)| !is_mrz_char(**c))
                .map(|(col, &c)| {
                    let found =
                        non_ascii.iter().find(|(at, _)| *at == start + col).map_or(char::from(c), |&(_, ch)| ch);
                    Finding::new(FindingKind::IllegalCharacter { found }, Some(Span::new(i as u8, col as u8, 1)), None)
                })
                .collect();
            raw.findings.extend(illegal);
        }
        Ok(raw)
    }

    /// Number of lines (2 or 3).
    pub fn line_count(&self) -> usize {
        usize::from(self.count)
    }

    /// Line `i` (0-based) as bytes; empty past the last line.
    pub fn line(&self, i: usize) -> &[u8] {
        match (self.starts.get(i), self.lens.get(i)) {
            (Some(&start), Some(&len)) if i < self.line_count() => {
                let start = usize::from(start);
                self.flat.get(start..start + usize::from(len)).unwrap_or_default()
            }
            _ => &[],
        }
    }

    /// The lines as text.
    pub fn lines(&self) -> Vec<String> {
        (0..self.line_count()).map(|i| String::from_utf8_lossy(self.line(i)).into_owned()).collect()
    }

    /// Findings so far (normalisation and illegal characters).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Bytes of a span; empty if it lies outside the lines.
    pub fn slice(&self, span: Span) -> &[u8] {
        self.line(usize::from(span.line)).get(usize::from(span.start)..span.end()).unwrap_or_default()
    }

    /// Which format the lines have, by line count, length and document code.
    pub fn detect_format(&self) -> Result<Format, UnreadableReason> {
        let lens = [self.line(0).len(), self.line(1).len(), self.line(2).len()];
        let first = self.line(0);
        match lens.get(..self.line_count()).unwrap_or_default() {
            [30, 30, 30] => Ok(Format::Td1),
            [a, b, c] => {
                let (line, length) = [(1, *a), (2, *b), (3, *c)].into_iter().find(|&(_, l)| l != 30).unwrap_or((1, *a));
                Err(UnreadableReason::WrongLineLength { line, length, expected: "TD1 lines have 30" })
            }
            [44, 44] if first.first() == Some(&b'V') => Ok(Format::MrvA),
            [44, 44] => Ok(Format::Td3),
            [36, 36]
                if first.starts_with(b"IDFRA")
                    && !self.line(1).get(10..13).is_some_and(|n| n.iter().all(u8::is_ascii_uppercase)) =>
            {
                Ok(Format::FrenchId)
            }
            [36, 36] if first.first() == Some(&b'V') => Ok(Format::MrvB),
            [36, 36] => Ok(Format::Td2),
            [a, b] => {
                let standard = |l: usize| l == 36 || l == 44;
                let (line, length, expected) = match (standard(*a), standard(*b)) {
                    (true, _) if *a == 44 => (2, *b, "like line 1, it should have 44"),
                    (true, _) => (2, *b, "like line 1, it should have 36"),
                    (false, true) if *b == 44 => (1, *a, "like line 2, it should have 44"),
                    (false, true) => (1, *a, "like line 2, it should have 36"),
                    (false, false) => (1, *a, "two-line MRZs have 36 (TD2, MRV-B) or 44 (TD3, MRV-A) per line"),
                };
                Err(UnreadableReason::WrongLineLength { line, length, expected })
            }
            _ => Err(UnreadableReason::WrongLineCount { count: self.line_count() }),
        }
    }

    /// Stage 2: matches the lines to a format and places every field.
    pub fn parse(self) -> Result<ParsedMrz, UnreadableMrz> {
        let format = match self.detect_format() {
            Ok(format) => format,
            Err(reason) => return Err(UnreadableMrz { reason, lines: self.lines(), findings: self.findings }),
        };
        Ok(ParsedMrz::place_fields(self, format))
    }
}

/// The normalised lines of text that is not an MRZ, for its report: at most eight, each cut to
/// 100 characters (the reason states the full length).
fn describe_lines(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|line| {
            let mut out = vec![0u8; line.len()];
            let mut ignored = Vec::new();
            let (len, _, _, _) = normalise_line(line, &mut out, 0, &mut ignored);
            out.truncate(len.min(100));
            String::from_utf8_lossy(&out).into_owned()
        })
        .filter(|l| !l.is_empty())
        .take(MAX_REPORTED_LINES)
        .collect()
}

impl CheckSlot {
    /// The check-digit rule, over characters fetched by `slice`: (printed character, computed
    /// digit, outcome). The one place the rule lives; checking and OCR correction both use it.
    pub fn evaluate<'a>(&self, slice: impl Fn(Span) -> &'a [u8]) -> (Option<u8>, u8, CheckOutcome) {
        let computed = check_digit(self.covers.spans().iter().map(|&s| slice(s)));
        let printed = self.digit.map(|d| slice(d).first().copied().unwrap_or(0));
        let outcome = match printed {
            None => CheckOutcome::Missing,
            Some(p) => match digit_value(p) {
                Some(d) if d == computed => CheckOutcome::Pass,
                Some(d)
                    if self.alternative.is_some_and(|alt| check_digit(alt.spans().iter().map(|&s| slice(s))) == d) =>
                {
                    CheckOutcome::PassAlternative
                }
                Some(_) => CheckOutcome::Mismatch,
                // ICAO lets TD3's personal-number check digit be `<` when the number is empty.
                None if p == FILLER
                    && self.id == CheckId::OptionalData
                    && self.covers.spans().iter().all(|&s| slice(s).iter().all(|&c| c == FILLER)) =>
                {
                    CheckOutcome::PassFillerForEmpty
                }
                None if p == FILLER => CheckOutcome::Missing,
                None => CheckOutcome::NotADigit,
            },
        };
        (printed, computed, outcome)
    }
}

/// Up to four spans a check digit is computed over, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    spans: [Span; 4],
    len: u8,
}

impl Coverage {
    fn from_slice(spans: &[Span]) -> Self {
        let mut coverage = Self::default();
        for &span in spans {
            coverage.push(span);
        }
        coverage
    }

    fn push(&mut self, span: Span) {
        if let Some(slot) = self.spans.get_mut(usize::from(self.len)) {
            *slot = span;
            self.len += 1;
        }
    }

    /// The spans.
    pub fn spans(&self) -> &[Span] {
        self.spans.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl Serialize for Coverage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spans().serialize(serializer)
    }
}

/// A field placed in the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSlot {
    /// Which field.
    pub id: FieldId,
    /// Where it is.
    pub span: Span,
    /// For a long document number: where it continues, in the optional data.
    pub continuation: Option<Span>,
    /// What it may hold.
    pub class: CharClass,
}

/// A check digit placed in the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSlot {
    /// Which check.
    pub id: CheckId,
    /// Where the printed digit is; `None` when it is missing.
    pub digit: Option<Span>,
    /// What it is computed over.
    pub covers: Coverage,
    /// A second computation seen in practice (long document numbers with the filler at the usual
    /// check-digit position included).
    pub alternative: Option<Coverage>,
    /// The field it protects.
    pub field: Option<FieldId>,
}

const MAX_FIELDS: usize = 10;
const MAX_CHECKS: usize = 5;

/// Stage 2: the lines matched to a format, every field and check digit placed.
#[derive(Debug, Clone)]
pub struct ParsedMrz {
    raw: RawMrz,
    format: Format,
    fields: [Option<FieldSlot>; MAX_FIELDS],
    checks: [Option<CheckSlot>; MAX_CHECKS],
    findings: Vec<Finding>,
}

impl ParsedMrz {
    fn place_fields(mut raw: RawMrz, format: Format) -> Self {
        let spec = layout(format);
        let mut fields = [None; MAX_FIELDS];
        for (slot, f) in fields.iter_mut().zip(spec.fields) {
            *slot = Some(FieldSlot { id: f.id, span: f.span, continuation: None, class: f.class });
        }
        let mut checks = [None; MAX_CHECKS];
        for (slot, c) in checks.iter_mut().zip(spec.checks) {
            *slot = Some(CheckSlot {
                id: c.id,
                digit: Some(c.digit),
                covers: Coverage::from_slice(c.covers),
                alternative: None,
                field: c.field,
            });
        }
        let findings = std::mem::take(&mut raw.findings);
        let mut parsed = ParsedMrz { raw, format, fields, checks, findings };
        parsed.place_long_document_number();
        parsed.check_character_classes();
        parsed
    }

    /// ICAO 9303 Parts 5 and 6, note j: a TD1/TD2 document number longer than nine characters has
    /// `<` at its check-digit position and continues in the optional data, followed by its check
    /// digit and a filler.
    fn place_long_document_number(&mut self) {
        let Some(region) = long_number_region(self.format) else { return };
        let Some(number) = self.field(FieldId::DocumentNumber).copied() else { return };
        let Some(check) = self.checks.iter().flatten().find(|c| c.id == CheckId::DocumentNumber).copied() else {
            return;
        };
        let Some(digit_at) = check.digit else { return };
        let number_is_full = self.raw.slice(number.span).last().is_some_and(|&c| c != FILLER);
        if self.raw.slice(digit_at) != [FILLER] || !number_is_full {
            return;
        }
        // The number continues up to its check digit, which a filler follows. At least one
        // continuation character is needed (the rule is for numbers longer than nine). Anything
        // else is not a long number, and the `<` at the check-digit position is a missing digit.
        let region_bytes = self.raw.slice(region);
        let Some(first_filler) = region_bytes.iter().position(|&c| c == FILLER).filter(|&k| k >= 2) else {
            return;
        };
        let continuation_len = first_filler - 1;
        let digit = Some(Span::new(region.line, region.start + continuation_len as u8, 1));
        let rest_start = first_filler + 1;
        let continuation = Span::new(region.line, region.start, continuation_len as u8);
        let with_filler = Span::new(number.span.line, number.span.start, number.span.len + 1);
        self.set_check(
            CheckId::DocumentNumber,
            digit,
            Coverage::from_slice(&[number.span, continuation]),
            Some(Coverage::from_slice(&[with_filler, continuation])),
        );
        if let Some(slot) = self.fields.iter_mut().flatten().find(|f| f.id == FieldId::DocumentNumber) {
            slot.continuation = Some(continuation);
        }
        let rest_start = rest_start.min(usize::from(region.len));
        if let Some(slot) = self.fields.iter_mut().flatten().find(|f| f.id == FieldId::OptionalData) {
            slot.span = Span::new(region.line, region.start + rest_start as u8, region.len - rest_start as u8);
        }
    }

    fn set_check(&mut self, id: CheckId, digit: Option<Span>, covers: Coverage, alternative: Option<Coverage>) {
        if let Some(slot) = self.checks.iter_mut().flatten().find(|c| c.id == id) {
            slot.digit = digit;
            slot.covers = covers;
            slot.alternative = alternative;
        }
    }

    fn check_character_classes(&mut self) {
        for slot in self.fields.iter().flatten() {
            let wrong: fn(u8) -> bool = match slot.class {
                CharClass::Letters => |c| c.is_ascii_digit(),
                CharClass::Digits => |c| c.is_ascii_uppercase(),
                CharClass::Alphanumeric | CharClass::Name | CharClass::Sex => continue,
            };
            for (i, &c) in self.raw.slice(slot.span).iter().enumerate() {
                if wrong(c) {
                    self.findings.push(Finding::new(
                        FindingKind::WrongCharacterClass { found: char::from(c), expected: slot.class },
                        Some(Span::new(slot.span.line, slot.span.start + i as u8, 1)),
                        Some(slot.id),
                    ));
                }
            }
        }
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The normalised lines.
    pub fn raw(&self) -> &RawMrz {
        &self.raw
    }

    /// A placed field.
    pub fn field(&self, id: FieldId) -> Option<&FieldSlot> {
        self.fields.iter().flatten().find(|f| f.id == id)
    }

    /// Every placed field, in reading order.
    pub fn fields(&self) -> impl Iterator<Item = &FieldSlot> {
        self.fields.iter().flatten()
    }

    /// Every placed check digit.
    pub fn check_slots(&self) -> impl Iterator<Item = &CheckSlot> {
        self.checks.iter().flatten()
    }

    /// The characters of a field (with a long number's continuation, without fillers inside).
    pub fn field_bytes(&self, id: FieldId) -> (&[u8], &[u8]) {
        match self.field(id) {
            Some(slot) => (self.raw.slice(slot.span), slot.continuation.map_or(&[][..], |c| self.raw.slice(c))),
            None => (&[], &[]),
        }
    }

    /// Stage 3: evaluates every check digit, decodes the fields and gives the verdict.
    pub fn check(self, policy: &DatePolicy) -> CheckedMrz {
        CheckedMrz::from_parsed(self, policy)
    }
}

/// How a check digit came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    /// The printed digit equals the computed one.
    Pass,
    /// Passes with the alternative computation (long document number, filler at the usual position
    /// included).
    PassAlternative,
    /// TD3 personal number all fillers and its check digit `<` (allowed by ICAO).
    PassFillerForEmpty,
    /// The printed digit differs.
    Mismatch,
    /// Something other than a digit is printed.
    NotADigit,
    /// The position that should hold it holds nothing (long number without a digit).
    Missing,
}

impl CheckOutcome {
    /// Whether the check passed.
    pub const fn passed(self) -> bool {
        matches!(self, CheckOutcome::Pass | CheckOutcome::PassAlternative | CheckOutcome::PassFillerForEmpty)
    }
}

/// One evaluated check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckResult {
    /// Which check.
    pub id: CheckId,
    /// Where the printed digit is.
    pub digit: Option<Span>,
    /// What it covers.
    pub covers: Coverage,
    /// The printed character.
    pub printed: Option<u8>,
    /// The digit the covered characters give.
    pub computed: u8,
    /// The result.
    pub outcome: CheckOutcome,
    /// The field it protects.
    pub field: Option<FieldId>,
}

/// Stage 3: every check evaluated, fields decoded, findings and verdict.
#[derive(Debug, Clone)]
pub struct CheckedMrz {
    parsed: ParsedMrz,
    policy: DatePolicy,
    checks: [Option<CheckResult>; MAX_CHECKS],
    date_of_birth: Option<MrzDate>,
    date_of_expiry: Option<MrzDate>,
    verdict: Verdict,
}

impl CheckedMrz {
    fn from_parsed(mut parsed: ParsedMrz, policy: &DatePolicy) -> Self {
        let mut findings = std::mem::take(&mut parsed.findings);
        let raw = &parsed.raw;

        let mut checks = [None; MAX_CHECKS];
        for (result, slot) in checks.iter_mut().zip(parsed.checks.iter().flatten()) {
            let r = evaluate_check(raw, slot);
            let printed = r.printed.unwrap_or(0);
            match r.outcome {
                CheckOutcome::Mismatch => findings.push(Finding::new(
                    FindingKind::CheckDigitMismatch { check: r.id, printed: char::from(printed), computed: r.computed },
                    r.digit,
                    r.field,
                )),
                // A letter where the digit belongs; other characters are already illegal.
                CheckOutcome::NotADigit if printed.is_ascii_uppercase() => findings.push(Finding::new(
                    FindingKind::WrongCharacterClass { found: char::from(printed), expected: CharClass::Digits },
                    r.digit,
                    r.field,
                )),
                CheckOutcome::Missing => {
                    let at = r.digit.or_else(|| parsed.field(FieldId::DocumentNumber).map(|f| f.span));
                    findings.push(Finding::new(FindingKind::MissingCheckDigit { check: r.id }, at, r.field));
                }
                _ => {}
            }
            *result = Some(r);
        }

        // Document code.
        if let Some(slot) = parsed.field(FieldId::DocumentCode) {
            let code = document_code_bytes(raw.slice(slot.span));
            let is_td3 = parsed.format == Format::Td3;
            let is_visa = matches!(parsed.format, Format::MrvA | Format::MrvB);
            let kind = DocumentKind::classify(code, is_td3, is_visa);
            // TD1/TD2: the second letter is never V, and AI is excluded (ICAO 9303 Parts 5-6).
            let v_on_card = !is_td3 && !is_visa && (code[1] == b'V' || &code == b"AI");
            let expected_cni = parsed.format == Format::FrenchId && &code != b"ID";
            if (kind == DocumentKind::Nonstandard || v_on_card || expected_cni) && code.iter().all(|&c| is_mrz_char(c))
            {
                let text = String::from_utf8_lossy(trim_trailing_fillers(&code)).into_owned();
                findings.push(Finding::new(
                    FindingKind::NonstandardDocumentCode { code: text },
                    Some(slot.span),
                    Some(slot.id),
                ));
            }
        }

        // State and nationality codes.
        for id in [FieldId::IssuingState, FieldId::Nationality] {
            let Some(slot) = parsed.field(id) else { continue };
            let bytes = raw.slice(slot.span);
            if !bytes.iter().all(|&c| c.is_ascii_uppercase() || c == FILLER) {
                continue; // Already reported as a character-class or illegal-character error.
            }
            let code = String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned();
            match CountryCode::lookup(&code) {
                CountryCode::Known(info) if info.category == countries::CodeCategory::Deprecated => {
                    findings.push(Finding::new(FindingKind::DeprecatedCountryCode { code }, Some(slot.span), Some(id)));
                }
                CountryCode::Known(_) => {}
                CountryCode::NonIcao(note) => {
                    findings.push(Finding::new(
                        FindingKind::UnknownCountryCode { code, note: Some(note) },
                        Some(slot.span),
                        Some(id),
                    ));
                }
                CountryCode::Unknown => {
                    findings.push(Finding::new(
                        FindingKind::UnknownCountryCode { code, note: None },
                        Some(slot.span),
                        Some(id),
                    ));
                }
            }
        }

        // Document number: fields are left-aligned, so a filler before a character is unusual.
        if let Some(slot) = parsed.field(FieldId::DocumentNumber) {
            let content = trim_trailing_fillers(raw.slice(slot.span));
            if let Some(at) = content.iter().position(|&c| c == FILLER) {
                let span = Span::new(slot.span.line, slot.span.start + at as u8, 1);
                findings.push(Finding::new(FindingKind::FillerInDocumentNumber, Some(span), Some(slot.id)));
            }
        }

        // Dates.
        let date_of_birth = decode_date(&parsed, FieldId::DateOfBirth, DateRole::Birth, policy, &mut findings);
        let date_of_expiry = decode_date(&parsed, FieldId::DateOfExpiry, DateRole::Expiry, policy, &mut findings);
        if let (Some(expiry), Some(slot)) = (date_of_expiry, parsed.field(FieldId::DateOfExpiry)) {
            match (expiry.form, expiry.calendar_date()) {
                (DateForm::Unknown, _) => {
                    findings.push(Finding::new(FindingKind::NoExpiryDate, Some(slot.span), Some(slot.id)))
                }
                (_, Some(date)) if date < policy.reference_date => findings.push(Finding::new(
                    FindingKind::Expired { expiry: date, reference: policy.reference_date },
                    Some(slot.span),
                    Some(slot.id),
                )),
                _ => {}
            }
        }
        if parsed.format == Format::FrenchId {
            findings.push(Finding::new(FindingKind::NoExpiryDate, None, None));
        }
        if let (Some(birth), Some(expiry)) =
            (date_of_birth.and_then(|d| d.calendar_date()), date_of_expiry.and_then(|d| d.calendar_date()))
            && birth > expiry
        {
            let at = parsed.field(FieldId::DateOfBirth).map(|f| f.span);
            findings.push(Finding::new(FindingKind::BirthAfterExpiry, at, Some(FieldId::DateOfBirth)));
        }

        // Sex.
        if let Some(slot) = parsed.field(FieldId::Sex) {
            let c = raw.slice(slot.span).first().copied().unwrap_or(b'?');
            match Sex::from_char(c) {
                Sex::X => findings.push(Finding::new(FindingKind::SexX, Some(slot.span), Some(slot.id))),
                Sex::Invalid if is_mrz_char(c) => {
                    findings.push(Finding::new(
                        FindingKind::InvalidSex { found: char::from(c) },
                        Some(slot.span),
                        Some(slot.id),
                    ));
                }
                _ => {}
            }
        }

        // Names.
        for slot in parsed.fields().filter(|f| f.class == CharClass::Name) {
            let combined = slot.id == FieldId::Name;
            names::check_name(raw.slice(slot.span), slot.span, slot.id, combined, &mut findings);
        }

        let verdict =
            if findings.iter().any(|f| f.severity() == Severity::Error) { Verdict::Invalid } else { Verdict::Valid };
        parsed.findings = findings;
        CheckedMrz { parsed, policy: *policy, checks, date_of_birth, date_of_expiry, verdict }
    }

    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Whether every check digit agrees and nothing breaks the format's rules.
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.parsed.format
    }

    /// The parsed stage (lines and field places).
    pub fn parsed(&self) -> &ParsedMrz {
        &self.parsed
    }

    /// The date policy the dates were decoded under.
    pub fn policy(&self) -> &DatePolicy {
        &self.policy
    }

    /// Every finding: errors and warnings, in the order found.
    pub fn findings(&self) -> &[Finding] {
        &self.parsed.findings
    }

    /// Every evaluated check digit.
    pub fn checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().flatten()
    }

    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks().filter(|c| !c.outcome.passed())
    }

    /// The raw characters of a field as text ("" if the format lacks it).
    pub fn field_text(&self, id: FieldId) -> String {
        let (main, continuation) = self.parsed.field_bytes(id);
        let mut text = String::from_utf8_lossy(main).into_owned();
        text.push_str(&String::from_utf8_lossy(continuation));
        text
    }

    /// The document code as printed, without a trailing filler.
    pub fn document_code(&self) -> String {
        let (bytes, _) = self.parsed.field_bytes(FieldId::DocumentCode);
        String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned()
    }

    /// The two document-code characters as printed (`<` where absent).
    pub fn document_code_pair(&self) -> [u8; 2] {
        document_code_bytes(self.parsed.field_bytes(FieldId::DocumentCode).0)
    }

    /// What kind of document the code says.
    pub fn document_kind(&self) -> DocumentKind {
        let format = self.format();
        DocumentKind::classify(
            self.document_code_pair(),
            format == Format::Td3,
            matches!(format, Format::MrvA | Format::MrvB),
        )
    }

    /// A state or nationality code without trailing fillers ("D" for Germany).
    pub fn country_code(&self, id: FieldId) -> String {
        let (bytes, _) = self.parsed.field_bytes(id);
        String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned()
    }

    /// The full document number as printed: reassembled when long, trailing fillers removed.
    /// Leading or inner fillers are kept (and reported): they are part of what is printed.
    pub fn document_number(&self) -> String {
        let (main, continuation) = self.parsed.field_bytes(FieldId::DocumentNumber);
        let main = if continuation.is_empty() { trim_trailing_fillers(main) } else { main };
        main.iter().chain(continuation).map(|&c| char::from(c)).collect()
    }

    /// The name.
    pub fn name(&self) -> Name {
        if self.format() == Format::FrenchId {
            let (surname, _) = self.parsed.field_bytes(FieldId::Surname);
            let (given, _) = self.parsed.field_bytes(FieldId::GivenNames);
            Name {
                primary: names::components(names::trim_fillers(surname)),
                secondary: names::components(names::trim_fillers(given)),
                possibly_truncated: given.last().is_some_and(u8::is_ascii_alphabetic),
            }
        } else {
            names::split_icao_name(self.parsed.field_bytes(FieldId::Name).0)
        }
    }

    /// The date of birth.
    pub fn date_of_birth(&self) -> Option<MrzDate> {
        self.date_of_birth
    }

    /// The date of expiry (none on the French card).
    pub fn date_of_expiry(&self) -> Option<MrzDate> {
        self.date_of_expiry
    }

    /// The sex.
    pub fn sex(&self) -> Sex {
        let (bytes, _) = self.parsed.field_bytes(FieldId::Sex);
        bytes.first().map_or(Sex::Invalid, |&c| Sex::from_char(c))
    }

    /// Optional data without trailing fillers.
    pub fn optional_data(&self, id: FieldId) -> String {
        let (bytes, _) = self.parsed.field_bytes(id);
        String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned()
    }

    /// Whether the document had expired on the reference date.
    pub fn is_expired(&self) -> bool {
        self.findings().iter().any(|f| matches!(f.kind, FindingKind::Expired { .. }))
    }
}

fn evaluate_check(raw: &RawMrz, slot: &CheckSlot) -> CheckResult {
    let (printed, computed, outcome) = slot.evaluate(|span| raw.slice(span));
    CheckResult { id: slot.id, digit: slot.digit, covers: slot.covers, printed, computed, outcome, field: slot.field }
}

fn decode_date(
    parsed: &ParsedMrz,
    id: FieldId,
    role: DateRole,
    policy: &DatePolicy,
    findings: &mut Vec<Finding>,
) -> Option<MrzDate> {
    let slot = parsed.field(id)?;
    let bytes = parsed.raw.slice(slot.span);
    let date = MrzDate::decode(bytes, role, policy);
    let already_reported = bytes.iter().any(|&c| !(c.is_ascii_digit() || c == FILLER));
    let partly_unknown_expiry = role == DateRole::Expiry && date.form == DateForm::PartlyUnknown;
    if (date.form == DateForm::Invalid && !already_reported) || partly_unknown_expiry {
        findings.push(Finding::new(FindingKind::InvalidDate, Some(slot.span), Some(id)));
    }
    Some(date)
}

fn document_code_bytes(bytes: &[u8]) -> [u8; 2] {
    [bytes.first().copied().unwrap_or(FILLER), bytes.get(1).copied().unwrap_or(FILLER)]
}

fn trim_trailing_fillers(bytes: &[u8]) -> &[u8] {
    names::trim_fillers(bytes)
}

/// Reads, parses and checks MRZ text in one call.
pub fn check_text(text: &str, policy: &DatePolicy) -> Result<CheckedMrz, UnreadableMrz> {
    Ok(RawMrz::from_text(text)?.parse()?.check(policy))
}

#[cfg(test)]
mod tests {
    use super::dates::CalendarDate;
    use super::*;

    fn policy() -> DatePolicy {
        DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 })
    }

    fn check(lines: &[&str]) -> CheckedMrz {
        check_text(&lines.join("\n"), &policy()).expect("readable")
    }

    fn failed(c: &CheckedMrz) -> Vec<&'static str> {
        c.failed_checks().map(|r| r.id.key()).collect()
    }

    #[test]
    fn icao_specimens_are_valid() {
        let cases: [(&[&str], Format); 6] = [
            (
                &["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"],
                Format::Td3,
            ),
            (
                &["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"],
                Format::Td1,
            ),
            (&["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"], Format::Td2),
            (
                &["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"],
                Format::MrvA,
            ),
            (&["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"], Format::MrvB),
            (&["IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<", "9409923102854CORINNE<<<<<<<6512068F4"], Format::FrenchId),
        ];
        for (lines, format) in cases {
            let c = check(lines);
            assert_eq!(c.format(), format, "{lines:?}");
            assert!(failed(&c).is_empty(), "{lines:?}: {:?}", c.findings());
            assert_eq!(c.verdict(), Verdict::Valid, "{lines:?}: {:?}", c.findings());
        }
    }

    #[test]
    fn td1_long_document_number_is_reassembled() {
        let c = check(&[
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "3407127M9507122UTO<<<<<<<<<<<2",
            "STEVENSON<<PETER<JOHN<<<<<<<<<",
        ]);
        assert_eq!(c.document_number(), "D23145890734");
        assert!(c.is_valid(), "{:?}", c.findings());
        assert_eq!(c.optional_data(FieldId::OptionalData), "");
    }

    #[test]
    fn a_broken_check_digit_is_invalid_and_named() {
        let c =
            check(&["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C37UTO7408122F1204159ZE184226B<<<<<10"]);
        assert_eq!(c.verdict(), Verdict::Invalid);
        assert_eq!(failed(&c), ["document_number", "composite"]);
    }

    #[test]
    fn wrong_shapes_are_unreadable() {
        for text in [
            "",
            "   \n  ",
            "P<UTO",
            "A\nB\nC\nD",
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<1",
        ] {
            assert!(check_text(text, &policy()).is_err(), "{text:?}");
        }
    }
}
