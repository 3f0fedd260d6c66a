//! Findings: what is wrong or worth a look in an MRZ, where (line and columns) and why.
//!
//! Findings are data; their human reason is produced on demand by `Display`, so checking an MRZ
//! allocates no text.

use std::fmt;

use serde::Serialize;

use super::dates::CalendarDate;
use super::fields::{CheckId, FieldId};
use super::layout::{CharClass, Span};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; the MRZ can still be valid.
    Warning,
    /// The MRZ is invalid.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// Where, when it is a place in the normalised lines.
    pub at: Option<Span>,
    /// The field it concerns, when one.
    pub field: Option<FieldId>,
}

impl Finding {
    /// A finding at a place in a field.
    pub fn new(kind: FindingKind, at: Option<Span>, field: Option<FieldId>) -> Self {
        Self { kind, at, field }
    }

    /// How much it matters.
    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

/// What was found. Each kind has a stable `code()` used in JSON and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingKind {
    /// Lower-case letters were made upper case on an input line.
    NormalisedCase {
        /// 1-based input line.
        line: usize,
        /// How many letters.
        count: usize,
    },
    /// Spaces or tabs were removed from an input line (inside it or around it).
    NormalisedSpaces {
        /// 1-based input line.
        line: usize,
        /// How many characters.
        count: usize,
    },
    /// One long line was split into the lines of a format.
    NormalisedSplitLine {
        /// Length of the single input line.
        length: usize,
        /// Lines it was split into.
        lines: usize,
    },
    /// A character outside `A-Z 0-9 <`.
    IllegalCharacter {
        /// What was there.
        found: char,
    },
    /// A letter where only digits may stand, or a digit where only letters may.
    WrongCharacterClass {
        /// What was there.
        found: char,
        /// What the field allows.
        expected: CharClass,
    },
    /// A date that does not exist or is malformed.
    InvalidDate,
    /// The date of birth is after the date of expiry.
    BirthAfterExpiry,
    /// Not `M`, `F`, `<` or `X`.
    InvalidSex {
        /// What was there.
        found: char,
    },
    /// A check digit the format requires is absent.
    MissingCheckDigit {
        /// Which one.
        check: CheckId,
    },
    /// A printed check digit disagrees with the one computed.
    CheckDigitMismatch {
        /// Which check.
        check: CheckId,
        /// What is printed.
        printed: char,
        /// What the covered characters give.
        computed: u8,
    },
    /// The document expired before the reference date.
    Expired {
        /// Date of expiry.
        expiry: CalendarDate,
        /// The reference date.
        reference: CalendarDate,
    },
    /// The date of expiry is all fillers.
    NoExpiryDate,
    /// A state or nationality code not in the ICAO table.
    UnknownCountryCode {
        /// The code.
        code: String,
        /// A note when the code is known outside ICAO.
        note: Option<&'static str>,
    },
    /// A code ICAO lists as deprecated.
    DeprecatedCountryCode {
        /// The code.
        code: String,
    },
    /// Sex `X` in the MRZ (ICAO prescribes `<`).
    SexX,
    /// A digit in a name.
    DigitInName {
        /// The digit.
        found: char,
    },
    /// Letters that look like misread fillers (`K` runs, a lone `K` between fillers).
    FillerLookalikeInName,
    /// Letters after the end of the name (after a second `<<`).
    StrayLetterInName,
    /// The name fills its field to the last position; it may have been cut.
    PossiblyTruncatedName,
    /// The name starts with `<<`: no primary identifier.
    EmptyPrimaryIdentifier,
    /// The whole name field is fillers.
    EmptyName,
    /// A filler before or between the characters of the document number (fields are left-aligned).
    FillerInDocumentNumber,
    /// A document code ICAO does not define for this format.
    NonstandardDocumentCode {
        /// The code.
        code: String,
    },
}

impl FindingKind {
    /// Stable snake_case code.
    pub const fn code(&self) -> &'static str {
        match self {
            FindingKind::NormalisedCase { .. } => "normalised_case",
            FindingKind::NormalisedSpaces { .. } => "normalised_spaces",
            FindingKind::NormalisedSplitLine { .. } => "normalised_split_line",
            FindingKind::IllegalCharacter { .. } => "illegal_character",
            FindingKind::WrongCharacterClass { .. } => "wrong_character_class",
            FindingKind::InvalidDate => "invalid_date",
            FindingKind::BirthAfterExpiry => "birth_after_expiry",
            FindingKind::InvalidSex { .. } => "invalid_sex",
            FindingKind::MissingCheckDigit { .. } => "missing_check_digit",
            FindingKind::CheckDigitMismatch { .. } => "check_digit_mismatch",
            FindingKind::Expired { .. } => "expired",
            FindingKind::NoExpiryDate => "no_expiry_date",
            FindingKind::UnknownCountryCode { .. } => "unknown_country_code",
            FindingKind::DeprecatedCountryCode { .. } => "deprecated_country_code",
            FindingKind::SexX => "sex_x",
            FindingKind::DigitInName { .. } => "digit_in_name",
            FindingKind::FillerLookalikeInName => "filler_lookalike_in_name",
            FindingKind::StrayLetterInName => "stray_letter_in_name",
            FindingKind::PossiblyTruncatedName => "possibly_truncated_name",
            FindingKind::EmptyPrimaryIdentifier => "empty_primary_identifier",
            FindingKind::EmptyName => "empty_name",
            FindingKind::FillerInDocumentNumber => "filler_in_document_number",
            FindingKind::NonstandardDocumentCode { .. } => "nonstandard_document_code",
        }
    }

    /// Whether it makes the MRZ invalid.
    pub const fn severity(&self) -> Severity {
        match self {
            FindingKind::IllegalCharacter { .. }
            | FindingKind::WrongCharacterClass { .. }
            | FindingKind::InvalidDate
            | FindingKind::BirthAfterExpiry
            | FindingKind::InvalidSex { .. }
            | FindingKind::MissingCheckDigit { .. }
            | FindingKind::CheckDigitMismatch { .. } => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

fn class_words(class: CharClass) -> &'static str {
    match class {
        CharClass::Letters => "only letters",
        CharClass::Digits => "only digits",
        CharClass::Alphanumeric => "letters and digits",
        CharClass::Name => "only letters",
        CharClass::Sex => "M, F or <",
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingKind::NormalisedCase { line, count } => {
                write!(f, "input line {line}: {count} lower-case letter(s) read as upper case")
            }
            FindingKind::NormalisedSpaces { line, count } => {
                write!(f, "input line {line}: {count} space(s) removed; an MRZ has none")
            }
            FindingKind::NormalisedSplitLine { length, lines } => {
                write!(f, "one line of {length} characters split into {lines} lines")
            }
            FindingKind::IllegalCharacter { found } => {
                write!(f, "{found:?} is not an MRZ character (A-Z, 0-9, <)")
            }
            FindingKind::WrongCharacterClass { found, expected } => {
                write!(f, "{found:?} where {} may stand", class_words(*expected))
            }
            FindingKind::InvalidDate => f.write_str("not a date that exists"),
            FindingKind::BirthAfterExpiry => f.write_str("the date of birth is after the date of expiry"),
            FindingKind::InvalidSex { found } => write!(f, "sex is {found:?}; only M, F, < (or X) are used"),
            FindingKind::MissingCheckDigit { check } => {
                write!(f, "the {check} is missing (a filler where a digit belongs)")
            }
            FindingKind::CheckDigitMismatch { check, printed, computed } => {
                write!(f, "{check} is {printed}, computed {computed}")
            }
            FindingKind::Expired { expiry, reference } => {
                write!(f, "the document expired on {expiry} (reference date {reference})")
            }
            FindingKind::NoExpiryDate => f.write_str("the MRZ gives no date of expiry; check the visual zone"),
            FindingKind::UnknownCountryCode { code, note } => match note {
                Some(note) => write!(f, "{code:?} is not in the ICAO code table: {note}"),
                None => write!(f, "{code:?} is not in the ICAO code table"),
            },
            FindingKind::DeprecatedCountryCode { code } => {
                write!(f, "{code:?} is a deprecated code, found only on old documents")
            }
            FindingKind::SexX => f.write_str("sex X in the MRZ; ICAO prescribes < for unspecified"),
            FindingKind::DigitInName { found } => {
                write!(f, "digit {found:?} in the name; names hold letters only (an OCR misread?)")
            }
            FindingKind::FillerLookalikeInName => {
                f.write_str("letters that look like misread fillers (K for <) in the name")
            }
            FindingKind::StrayLetterInName => {
                f.write_str("letters after the end of the name (after a second <<): a stray mark or misread")
            }
            FindingKind::PossiblyTruncatedName => {
                f.write_str("the name fills the field to its last position and may be truncated")
            }
            FindingKind::EmptyPrimaryIdentifier => f.write_str("no primary identifier (the name starts with <<)"),
            FindingKind::EmptyName => f.write_str("the name field is empty"),
            FindingKind::FillerInDocumentNumber => {
                f.write_str("a filler stands before or inside the document number; numbers are written from the left")
            }
            FindingKind::NonstandardDocumentCode { code } => {
                write!(f, "document code {code:?} is not one ICAO defines for this format")
            }
        }
    }
}
