//! Stage 1: text normalised into MRZ lines, or the reason it cannot be an MRZ.

use std::fmt;

use crate::charset::is_mrz_char;
use crate::findings::{Finding, FindingKind};
use crate::layout::{Format, Span};
use crate::parsed::ParsedMrz;
use crate::{MAX_INPUT_BYTES, MAX_LINE_LEN, MAX_LINES};

/// Lines kept for an unreadable report.
const MAX_REPORTED_LINES: usize = 8;

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
    pub(crate) findings: Vec<Finding>,
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
