//! Where every field and check digit sits in each MRZ format (ICAO Doc 9303 Parts 4-7, and the
//! pre-2021 French national identity card). Positions here are 0-based; reports show them 1-based.

use serde::Serialize;

use super::fields::{CheckId, FieldId};

/// The MRZ formats docexam reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    /// Identity-card size, 3 lines of 30.
    #[serde(rename = "TD1")]
    Td1,
    /// 2 lines of 36.
    #[serde(rename = "TD2")]
    Td2,
    /// Passport, 2 lines of 44.
    #[serde(rename = "TD3")]
    Td3,
    /// Visa, full size, 2 lines of 44.
    #[serde(rename = "MRV-A")]
    MrvA,
    /// Visa, smaller, 2 lines of 36.
    #[serde(rename = "MRV-B")]
    MrvB,
    /// French national identity card issued before 2021, 2 lines of 36 with its own layout.
    #[serde(rename = "FR-CNI")]
    FrenchId,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [Format::Td1, Format::Td2, Format::Td3, Format::MrvA, Format::MrvB, Format::FrenchId];

    /// The short name used in reports ("TD3", "MRV-A", "FR-CNI").
    pub const fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
            Format::FrenchId => "FR-CNI",
        }
    }

    /// A one-line description for people.
    pub const fn description(self) -> &'static str {
        match self {
            Format::Td1 => "TD1 (identity card, 3 lines of 30)",
            Format::Td2 => "TD2 (2 lines of 36)",
            Format::Td3 => "TD3 (passport, 2 lines of 44)",
            Format::MrvA => "MRV-A (visa, 2 lines of 44)",
            Format::MrvB => "MRV-B (visa, 2 lines of 36)",
            Format::FrenchId => "French national identity card before 2021 (2 lines of 36)",
        }
    }

    /// Number of lines.
    pub const fn line_count(self) -> usize {
        match self {
            Format::Td1 => 3,
            _ => 2,
        }
    }

    /// Characters per line.
    pub const fn line_len(self) -> usize {
        match self {
            Format::Td1 => 30,
            Format::Td2 | Format::MrvB | Format::FrenchId => 36,
            Format::Td3 | Format::MrvA => 44,
        }
    }

    /// Number of check digits the format prints.
    pub const fn check_count(self) -> usize {
        layout(self).checks.len()
    }
}

/// A run of characters on one line (0-based line and start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Line index, 0-based.
    pub line: u8,
    /// First column, 0-based.
    pub start: u8,
    /// Number of characters.
    pub len: u8,
}

impl Span {
    /// A span.
    pub const fn new(line: u8, start: u8, len: u8) -> Self {
        Self { line, start, len }
    }

    /// One past the last column, 0-based.
    pub const fn end(self) -> usize {
        self.start as usize + self.len as usize
    }

    /// Whether column `col` (0-based) of `line` lies inside.
    pub const fn contains(self, line: u8, col: usize) -> bool {
        self.line == line && col >= self.start as usize && col < self.end()
    }

    /// Whether two spans share a character.
    pub const fn overlaps(self, other: Span) -> bool {
        self.line == other.line && (self.start as usize) < other.end() && (other.start as usize) < self.end()
    }

    /// 1-based line and inclusive 1-based columns, as shown to people ("L2 1-9").
    pub fn human(self) -> String {
        if self.len <= 1 {
            format!("L{} {}", self.line + 1, self.start + 1)
        } else {
            format!("L{} {}-{}", self.line + 1, self.start + 1, self.end())
        }
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Span", 2)?;
        s.serialize_field("line", &(self.line + 1))?;
        // Inclusive, 1-based; an empty span shows as [start, start - 1].
        s.serialize_field("columns", &[u16::from(self.start) + 1, self.end() as u16])?;
        s.end()
    }
}

/// Which characters a field may hold (besides the filler `<`, which every field may hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharClass {
    /// Letters only (codes, nationality).
    Letters,
    /// Digits only (dates).
    Digits,
    /// Letters and digits (document numbers, optional data).
    Alphanumeric,
    /// Letters; digits are a warning, not an error (names carry no check digit).
    Name,
    /// `M`, `F`, `<` (and `X` with a warning).
    Sex,
}

/// A field's place and character class.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// Which field.
    pub id: FieldId,
    /// Where it is.
    pub span: Span,
    /// What it may hold.
    pub class: CharClass,
}

/// A check digit's place, what it covers, and the field it protects.
#[derive(Debug, Clone, Copy)]
pub struct CheckSpec {
    /// Which check.
    pub id: CheckId,
    /// The check digit itself.
    pub digit: Span,
    /// What the digit is computed over, in order.
    pub covers: &'static [Span],
    /// The field it protects (none for the composite).
    pub field: Option<FieldId>,
}

/// The static layout of a format.
#[derive(Debug)]
pub struct Layout {
    /// Fields in reading order.
    pub fields: &'static [FieldSpec],
    /// Check digits in reading order.
    pub checks: &'static [CheckSpec],
}

const fn f(id: FieldId, line: u8, start: u8, len: u8, class: CharClass) -> FieldSpec {
    FieldSpec { id, span: Span::new(line, start, len), class }
}

const fn s(line: u8, start: u8, len: u8) -> Span {
    Span::new(line, start, len)
}

const fn c(id: CheckId, line: u8, col: u8, covers: &'static [Span], field: Option<FieldId>) -> CheckSpec {
    CheckSpec { id, digit: Span::new(line, col, 1), covers, field }
}

use CharClass::{Alphanumeric, Digits, Letters, Name, Sex};
use FieldId as F;

/// The fields of TD3, TD2 and both visas: the same places on both lines, but for how long the
/// name and the optional data are.
const fn two_line_fields(name_len: u8, optional_len: u8) -> [FieldSpec; 9] {
    [
        f(F::DocumentCode, 0, 0, 2, Letters),
        f(F::IssuingState, 0, 2, 3, Letters),
        f(F::Name, 0, 5, name_len, Name),
        f(F::DocumentNumber, 1, 0, 9, Alphanumeric),
        f(F::Nationality, 1, 10, 3, Letters),
        f(F::DateOfBirth, 1, 13, 6, Digits),
        f(F::Sex, 1, 20, 1, Sex),
        f(F::DateOfExpiry, 1, 21, 6, Digits),
        f(F::OptionalData, 1, 28, optional_len, Alphanumeric),
    ]
}

/// The document-number and date check digits of TD3, TD2 and both visas (all a visa has).
const NUMBER_AND_DATE_CHECKS: [CheckSpec; 3] = [
    c(CheckId::DocumentNumber, 1, 9, &[s(1, 0, 9)], Some(F::DocumentNumber)),
    c(CheckId::DateOfBirth, 1, 19, &[s(1, 13, 6)], Some(F::DateOfBirth)),
    c(CheckId::DateOfExpiry, 1, 27, &[s(1, 21, 6)], Some(F::DateOfExpiry)),
];

static TD3: Layout = Layout {
    fields: &two_line_fields(39, 14),
    checks: &[
        NUMBER_AND_DATE_CHECKS[0],
        NUMBER_AND_DATE_CHECKS[1],
        NUMBER_AND_DATE_CHECKS[2],
        c(CheckId::OptionalData, 1, 42, &[s(1, 28, 14)], Some(F::OptionalData)),
        c(CheckId::Composite, 1, 43, &[s(1, 0, 10), s(1, 13, 7), s(1, 21, 22)], None),
    ],
};

static TD2: Layout = Layout {
    fields: &two_line_fields(31, 7),
    checks: &[
        NUMBER_AND_DATE_CHECKS[0],
        NUMBER_AND_DATE_CHECKS[1],
        NUMBER_AND_DATE_CHECKS[2],
        c(CheckId::Composite, 1, 35, &[s(1, 0, 10), s(1, 13, 7), s(1, 21, 14)], None),
    ],
};

static TD1: Layout = Layout {
    fields: &[
        f(F::DocumentCode, 0, 0, 2, Letters),
        f(F::IssuingState, 0, 2, 3, Letters),
        f(F::DocumentNumber, 0, 5, 9, Alphanumeric),
        f(F::OptionalData, 0, 15, 15, Alphanumeric),
        f(F::DateOfBirth, 1, 0, 6, Digits),
        f(F::Sex, 1, 7, 1, Sex),
        f(F::DateOfExpiry, 1, 8, 6, Digits),
        f(F::Nationality, 1, 15, 3, Letters),
        f(F::OptionalData2, 1, 18, 11, Alphanumeric),
        f(F::Name, 2, 0, 30, Name),
    ],
    checks: &[
        c(CheckId::DocumentNumber, 0, 14, &[s(0, 5, 9)], Some(F::DocumentNumber)),
        c(CheckId::DateOfBirth, 1, 6, &[s(1, 0, 6)], Some(F::DateOfBirth)),
        c(CheckId::DateOfExpiry, 1, 14, &[s(1, 8, 6)], Some(F::DateOfExpiry)),
        c(CheckId::Composite, 1, 29, &[s(0, 5, 25), s(1, 0, 7), s(1, 8, 7), s(1, 18, 11)], None),
    ],
};

static MRV_A: Layout = Layout { fields: &two_line_fields(39, 16), checks: &NUMBER_AND_DATE_CHECKS };

static MRV_B: Layout = Layout { fields: &two_line_fields(31, 8), checks: &NUMBER_AND_DATE_CHECKS };

static FRENCH_ID: Layout = Layout {
    fields: &[
        f(F::DocumentCode, 0, 0, 2, Letters),
        f(F::IssuingState, 0, 2, 3, Letters),
        f(F::Surname, 0, 5, 25, Name),
        f(F::AdministrativeCode, 0, 30, 6, Alphanumeric),
        f(F::DocumentNumber, 1, 0, 12, Alphanumeric),
        f(F::GivenNames, 1, 13, 14, Name),
        f(F::DateOfBirth, 1, 27, 6, Digits),
        f(F::Sex, 1, 34, 1, Sex),
    ],
    checks: &[
        c(CheckId::DocumentNumber, 1, 12, &[s(1, 0, 12)], Some(F::DocumentNumber)),
        c(CheckId::DateOfBirth, 1, 33, &[s(1, 27, 6)], Some(F::DateOfBirth)),
        c(CheckId::Composite, 1, 35, &[s(0, 0, 36), s(1, 0, 35)], None),
    ],
};

/// The layout of a format.
pub const fn layout(format: Format) -> &'static Layout {
    match format {
        Format::Td1 => &TD1,
        Format::Td2 => &TD2,
        Format::Td3 => &TD3,
        Format::MrvA => &MRV_A,
        Format::MrvB => &MRV_B,
        Format::FrenchId => &FRENCH_ID,
    }
}

/// For TD1 and TD2: where a document number longer than nine characters continues (ICAO 9303
/// Part 5/6 note j): the optional-data region that holds the continuation, its check digit and a
/// filler.
pub const fn long_number_region(format: Format) -> Option<Span> {
    match format {
        Format::Td1 => Some(s(0, 15, 15)),
        Format::Td2 => Some(s(1, 28, 7)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_stays_inside_its_lines_and_fields_do_not_overlap() {
        for format in Format::ALL {
            let l = layout(format);
            let spans = l.fields.iter().map(|f| f.span).chain(l.checks.iter().map(|c| c.digit));
            let spans: Vec<Span> = spans.collect();
            for (i, a) in spans.iter().enumerate() {
                assert!((a.line as usize) < format.line_count(), "{format:?} {a:?}");
                assert!(a.end() <= format.line_len(), "{format:?} {a:?}");
                for b in &spans[i + 1..] {
                    assert!(!a.overlaps(*b), "{format:?}: {a:?} overlaps {b:?}");
                }
            }
            for check in l.checks {
                for span in check.covers {
                    assert!(span.end() <= format.line_len(), "{format:?} {check:?}");
                }
            }
        }
    }

    #[test]
    fn check_counts_match_icao() {
        assert_eq!(Format::Td3.check_count(), 5);
        assert_eq!(Format::Td2.check_count(), 4);
        assert_eq!(Format::Td1.check_count(), 4);
        assert_eq!(Format::MrvA.check_count(), 3);
        assert_eq!(Format::MrvB.check_count(), 3);
        assert_eq!(Format::FrenchId.check_count(), 3);
    }
}
