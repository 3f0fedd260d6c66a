//! Stage 2: the lines matched to a format, every field and check digit placed.

use serde::Serialize;

use crate::charset::{FILLER, check_digit, digit_value};
use crate::checked::{CheckOutcome, CheckedMrz};
use crate::dates::DatePolicy;
use crate::fields::{CheckId, FieldId};
use crate::findings::{Finding, FindingKind};
use crate::layout::{CharClass, Format, Span, layout, long_number_region};
use crate::raw::RawMrz;

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
pub(crate) const MAX_CHECKS: usize = 5;

/// Stage 2: the lines matched to a format, every field and check digit placed.
#[derive(Debug, Clone)]
pub struct ParsedMrz {
    pub(crate) raw: RawMrz,
    pub(crate) format: Format,
    fields: [Option<FieldSlot>; MAX_FIELDS],
    pub(crate) checks: [Option<CheckSlot>; MAX_CHECKS],
    pub(crate) findings: Vec<Finding>,
}

impl ParsedMrz {
    pub(crate) fn place_fields(mut raw: RawMrz, format: Format) -> Self {
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
