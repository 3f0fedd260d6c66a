//! Correction of OCR output, guided by field types and check digits.
//!
//! OCR gives, for every position, candidate characters with confidences. [`correct`] looks for the
//! most likely reading that fits every field's character class and passes every check digit, and
//! reports each substitution and why.
//!
//! Rules, in order:
//! 0. **Document code.** A first letter that begins no ICAO document code (`A C I P V`) is replaced
//!    by OCR's first alternative that does, since that letter also chooses the format.
//! 1. **Character class.** A letter where only digits may stand (a date, a check digit) or a digit
//!    in a code or name is replaced by the best candidate of the right class (an OCR alternative,
//!    else a look-alike: `O`→`0`, `I`→`1`, `S`→`5`, `B`→`8`, ...). This never depends on a check
//!    digit.
//! 2. **Check digits.** Where a check digit fails, only positions OCR read with *low* confidence
//!    (below [`CorrectionOptions::high_confidence`]) and that have alternatives may change. The
//!    reading with the fewest changes, then the highest likelihood, that passes every check wins.
//!    A character read with high confidence is never changed to make a check digit pass: a
//!    genuinely wrong check digit on a document stays wrong, and the MRZ stays invalid.
//! 3. **Ambiguity.** When more than one reading with the fewest changes passes every check, nothing
//!    is chosen: the outcome is [`CorrectionOutcome::Ambiguous`] with the readings listed.
//! 4. **Country codes.** No check digit covers the issuing state or nationality: one that is no
//!    code in the ICAO table is replaced by the single code one look-alike away, if there is
//!    exactly one.
//!
//! Blind spots: a check digit cannot tell apart characters whose values are congruent mod 10
//! (`0 A K U <`, `1 B L V`, `2 C M W`, `5 F P Z`, `6 G Q`, `8 I S`, ...), because every weight
//! (7, 3, 1) is coprime with 10. Two errors in one field can also cancel. Low-confidence positions
//! whose alternative is such a look-alike are listed in [`Correction::blind_spots`]: no check digit
//! can confirm which reading is right there.

use serde::Serialize;

use super::charset::{FILLER, char_value};
use super::fields::{CheckId, FieldId};
use super::layout::{CharClass, Format, Span, layout};
use super::{CheckSlot, RawMrz};

mod country;
mod search;
#[cfg(test)]
mod tests;

use self::search::Assignment;

/// The letters an ICAO 9303 document code begins with.
pub const ICAO_DOCUMENT_LETTERS: [u8; 5] = [b'A', b'C', b'I', b'P', b'V'];

/// One OCR alternative at a position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Candidate {
    /// The character.
    pub ch: char,
    /// OCR confidence, 0 to 1.
    pub confidence: f32,
}

/// Candidates at one position, best first (the first is what OCR read).
pub type PositionCandidates = Vec<Candidate>;

/// Tuning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrectionOptions {
    /// A character read with at least this confidence is never changed by a check digit.
    pub high_confidence: f32,
    /// At most this many characters change per field.
    pub max_changes_per_field: usize,
}

impl Default for CorrectionOptions {
    fn default() -> Self {
        Self { high_confidence: 0.90, max_changes_per_field: 2 }
    }
}

/// Why a character was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum SubstitutionReason {
    /// The character did not fit the field's class.
    CharacterClass {
        /// What the position allows.
        expected: CharClass,
    },
    /// The document code's first letter was none of ICAO's (`A C I P V`) and OCR offered one as an
    /// alternative; the letter also decides the format (a visa `V` read as `N` is not a passport).
    DocumentCode,
    /// The issuing state or nationality was no code in the ICAO table and exactly one code is a
    /// single look-alike away (`VNH` for `VNM`). No check digit covers these codes.
    CountryCode,
    /// A low-confidence character was replaced by an OCR alternative so the check digit passes.
    CheckDigit {
        /// The check that decided.
        check: CheckId,
    },
}

/// One substitution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Substitution {
    /// Where.
    pub at: Span,
    /// What OCR read.
    pub from: char,
    /// What it became.
    pub to: char,
    /// OCR's confidence in `from`.
    pub confidence: f32,
    /// The field.
    pub field: Option<FieldId>,
    /// Why.
    #[serde(flatten)]
    pub reason: SubstitutionReason,
    /// In words.
    pub explanation: String,
}

/// A position where a check digit cannot decide between OCR's reading and an alternative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlindSpot {
    /// Where.
    pub at: Span,
    /// What was kept.
    pub read: char,
    /// The alternative that every check digit would accept as well.
    pub alternative: char,
}

/// One place where OCR read two characters but the fixed pitch leaves room for one: the same glyph
/// read twice (a round `O` as `O0`). Both readings became candidates for that one position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedRead {
    /// The position both characters stood at.
    pub at: Span,
    /// What OCR read there, in order.
    pub read: String,
    /// What the position holds in the corrected reading.
    pub kept: char,
    /// In words.
    pub explanation: String,
}

/// A character OCR read at the start or end of a line, outside the columns the MRZ's other lines
/// occupy (the document's edge, a mark beside the zone), left out of the reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedRead {
    /// The line, 0-based.
    pub line: u8,
    /// The character as read.
    pub read: char,
    /// Whether it stood after the line's last character (else before its first).
    pub after_the_line: bool,
    /// In words.
    pub explanation: String,
}

/// How correction came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionOutcome {
    /// OCR's reading already fits every class and check digit.
    Unchanged,
    /// Substitutions made; every check digit now passes.
    Corrected,
    /// Some check digit still fails: no low-confidence alternative fixes it (or the document's
    /// check digit is genuinely wrong).
    CheckDigitsStillFail,
    /// Several readings with the fewest changes pass every check; none was chosen.
    Ambiguous,
    /// The lines fit no MRZ format.
    NotAnMrz,
}

/// The result of [`correct`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    /// The chosen reading (OCR's reading with class fixes when ambiguous or still failing).
    pub lines: Vec<String>,
    /// Every change made, in reading order.
    pub substitutions: Vec<Substitution>,
    /// How it came out.
    pub outcome: CorrectionOutcome,
    /// When ambiguous: the competing readings.
    pub alternatives: Vec<Vec<String>>,
    /// Low-confidence positions no check digit can confirm.
    pub blind_spots: Vec<BlindSpot>,
    /// Places where two characters read at one position were merged before correcting (filled in
    /// by the scan pipeline, which sees where each character stands; [`correct`] leaves it empty).
    pub merged_reads: Vec<MergedRead>,
    /// Characters left out because they stood outside the MRZ's columns (filled in by the scan
    /// pipeline, like `merged_reads`).
    pub dropped_reads: Vec<DroppedRead>,
}

/// Look-alikes by class: what a misread letter probably is as a digit, and the reverse.
fn digit_lookalike(c: u8) -> Option<u8> {
    Some(match c {
        b'O' | b'D' | b'Q' | b'U' => b'0',
        b'I' | b'L' | b'T' | b'J' => b'1',
        b'Z' => b'2',
        b'A' => b'4',
        b'S' => b'5',
        b'G' | b'b' => b'6',
        b'B' => b'8',
        b'g' => b'9',
        _ => return None,
    })
}

fn letter_lookalike(c: u8) -> Option<u8> {
    Some(match c {
        b'0' => b'O',
        b'1' => b'I',
        b'2' => b'Z',
        b'4' => b'A',
        b'5' => b'S',
        b'6' => b'G',
        b'8' => b'B',
        _ => return None,
    })
}

/// OCR-B look-alikes: what a character may be mistaken for at print and scan quality (the
/// confusions seen between Tesseract and the glyph matcher on the development sets, and their
/// reverses). Closed and open shapes (`0` and `U`) are not among them.
pub fn lookalikes(c: char) -> &'static str {
    match c {
        '0' => "ODQ",
        'O' => "0DQCG",
        'D' => "0OB",
        'Q' => "O0G",
        'U' => "VJ",
        'C' => "GOE",
        'G' => "C6OQ",
        '1' => "IT",
        'I' => "1TJ",
        'T' => "1I",
        'J' => "IU",
        '2' => "Z",
        'Z' => "2",
        '5' => "S3",
        'S' => "5<",
        '8' => "B",
        'B' => "8DERPN",
        '6' => "G4",
        '4' => "6A",
        'A' => "4",
        '3' => "5",
        'M' => "NHWR",
        'N' => "MHWB",
        'H' => "MN",
        'W' => "MNV",
        'V' => "WUY",
        'Y' => "V",
        'E' => "FBC",
        'F' => "EP",
        'P' => "FRB",
        'R' => "BPM",
        'K' => "<",
        '<' => "KS",
        _ => "",
    }
}

/// What one position may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionClass {
    /// `A`-`Z` and `<`.
    Letters,
    /// `0`-`9`.
    Digits,
    /// `0`-`9` and `<`.
    DigitsOrFiller,
    /// Any MRZ character.
    Any,
}

impl PositionClass {
    /// Whether `c` may stand here.
    pub fn allows(self, c: u8) -> bool {
        match self {
            PositionClass::Letters => c.is_ascii_uppercase() || c == FILLER,
            PositionClass::Digits => c.is_ascii_digit(),
            PositionClass::DigitsOrFiller => c.is_ascii_digit() || c == FILLER,
            PositionClass::Any => char_value(c).is_some(),
        }
    }

    fn char_class(self) -> CharClass {
        match self {
            PositionClass::Letters => CharClass::Letters,
            PositionClass::Digits | PositionClass::DigitsOrFiller => CharClass::Digits,
            PositionClass::Any => CharClass::Alphanumeric,
        }
    }
}

/// What one position may hold, the field it belongs to and, for a check digit, which check.
pub type PositionInfo = (PositionClass, Option<FieldId>, Option<CheckId>);

/// What every position of `format` may hold, line by line.
pub fn position_classes(format: Format) -> Vec<Vec<PositionInfo>> {
    let mut classes = vec![vec![(PositionClass::Any, None, None); format.line_len()]; format.line_count()];
    let spec = layout(format);
    let mut set = |span: Span, class: PositionClass, field: Option<FieldId>, check: Option<CheckId>| {
        if let Some(line) = classes.get_mut(usize::from(span.line)) {
            for slot in line.iter_mut().skip(usize::from(span.start)).take(usize::from(span.len)) {
                *slot = (class, field, check);
            }
        }
    };
    for f in spec.fields {
        let class = match f.class {
            CharClass::Letters | CharClass::Name => PositionClass::Letters,
            CharClass::Digits => PositionClass::DigitsOrFiller,
            CharClass::Alphanumeric | CharClass::Sex => PositionClass::Any,
        };
        set(f.span, class, Some(f.id), None);
    }
    for c in spec.checks {
        // `<` may stand at TD3's optional-data check digit (empty field) and at a TD1/TD2 document
        // number check digit (long number).
        let filler_ok = matches!(
            (format, c.id),
            (Format::Td3, CheckId::OptionalData) | (Format::Td1 | Format::Td2, CheckId::DocumentNumber)
        );
        let class = if filler_ok { PositionClass::DigitsOrFiller } else { PositionClass::Digits };
        set(c.digit, class, c.field, Some(c.id));
    }
    classes
}

/// A position that may change, with its options (best first, excluding what is there now).
#[derive(Debug, Clone)]
struct Variable {
    line: usize,
    col: usize,
    options: Vec<(u8, f64)>,
}

/// Corrects OCR output. `lines[l][p]` are the candidates at position `p` of line `l`, best first; a
/// position with no candidates counts as an unreadable character.
pub fn correct(lines: &[Vec<PositionCandidates>], options: &CorrectionOptions) -> Correction {
    let ocr = OcrCandidates { lines };
    let mut reading = ocr.top_reading();
    let mut substitutions: Vec<Substitution> = fix_document_letter(&mut reading, &ocr).into_iter().collect();
    let Ok(raw) = RawMrz::from_text(&as_strings(&reading).join("\n")) else { return Correction::not_an_mrz(&reading) };
    let Ok(format) = raw.detect_format() else { return Correction::not_an_mrz(&reading) };
    let classes = position_classes(format);
    substitutions.extend(fix_character_classes(&mut reading, &ocr, &classes));

    let Ok(raw) = RawMrz::from_text(&as_strings(&reading).join("\n")) else { return Correction::not_an_mrz(&reading) };
    let Ok(parsed) = raw.parse() else { return Correction::not_an_mrz(&reading) };
    let slots: Vec<CheckSlot> = parsed.check_slots().copied().collect();
    let groups = group_variables(&reading, &ocr, &classes, &slots, options);
    let passing = passing_readings(&reading, &groups, &slots, options.max_changes_per_field);

    // Set when no single reading was chosen; otherwise the substitutions decide below.
    let (undecided, alternatives) = match closest_readings(&passing).as_slice() {
        [] => (Some(CorrectionOutcome::CheckDigitsStillFail), Vec::new()),
        [only] => {
            substitutions.extend(check_digit_substitutions(&reading, only, &ocr, &classes));
            reading = only.reading.clone();
            (None, Vec::new())
        }
        several => (Some(CorrectionOutcome::Ambiguous), several.iter().map(|b| as_strings(&b.reading)).collect()),
    };
    // Rule 4: country codes, which no check digit covers.
    substitutions.extend(country::repair_country_codes(&mut reading, &classes, &|l, p| ocr.confidence_at(l, p)));
    let outcome = undecided.unwrap_or(if substitutions.is_empty() {
        CorrectionOutcome::Unchanged
    } else {
        CorrectionOutcome::Corrected
    });
    substitutions.sort_by_key(|s| (s.at.line, s.at.start));
    let mut blind_spots = groups.blind_spots;
    blind_spots.retain(|b| !substitutions.iter().any(|s| s.at == b.at));
    Correction {
        lines: as_strings(&reading),
        substitutions,
        outcome,
        alternatives,
        blind_spots,
        merged_reads: Vec::new(),
        dropped_reads: Vec::new(),
    }
}

impl Correction {
    /// The result for lines that fit no MRZ format: the reading as it stands, nothing changed.
    fn not_an_mrz(reading: &[Vec<u8>]) -> Self {
        Correction {
            lines: as_strings(reading),
            substitutions: Vec::new(),
            outcome: CorrectionOutcome::NotAnMrz,
            alternatives: Vec::new(),
            blind_spots: Vec::new(),
            merged_reads: Vec::new(),
            dropped_reads: Vec::new(),
        }
    }
}

fn as_strings(reading: &[Vec<u8>]) -> Vec<String> {
    reading.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect()
}

/// The candidates OCR gave, by line and position.
struct OcrCandidates<'a> {
    lines: &'a [Vec<PositionCandidates>],
}

impl OcrCandidates<'_> {
    /// OCR's first choice everywhere (`?` where it offered nothing).
    fn top_reading(&self) -> Vec<Vec<u8>> {
        self.lines
            .iter()
            .map(|line| line.iter().map(|pos| pos.first().map_or(b'?', |c| ascii(c.ch))).collect())
            .collect()
    }

    /// Every candidate at a position, best first.
    fn at(&self, l: usize, p: usize) -> &[Candidate] {
        self.lines.get(l).and_then(|line| line.get(p)).map(Vec::as_slice).unwrap_or_default()
    }

    /// The confidence of OCR's first choice at a position (0 where it offered nothing).
    fn confidence_at(&self, l: usize, p: usize) -> f32 {
        self.at(l, p).first().map_or(0.0, |c| c.confidence)
    }
}

/// Rule 0: the first letter chooses the format, so it is settled before anything else. A letter
/// that begins no ICAO document code gives way to OCR's first alternative that does; with no such
/// alternative it stays (and the check reports the code as unusual).
fn fix_document_letter(reading: &mut [Vec<u8>], ocr: &OcrCandidates) -> Option<Substitution> {
    let first = reading.first_mut().and_then(|line| line.first_mut())?;
    if ICAO_DOCUMENT_LETTERS.contains(first) {
        return None;
    }
    let to = ocr.at(0, 0).iter().map(|c| ascii(c.ch)).find(|c| ICAO_DOCUMENT_LETTERS.contains(c))?;
    let substitution = Substitution {
        at: Span::new(0, 0, 1),
        from: char::from(*first),
        to: char::from(to),
        confidence: ocr.confidence_at(0, 0),
        field: Some(FieldId::DocumentCode),
        reason: SubstitutionReason::DocumentCode,
        explanation: format!(
            "{:?} begins no ICAO document code (A, C, I, P, V); OCR's alternative {:?} does",
            char::from(*first),
            char::from(to)
        ),
    };
    *first = to;
    Some(substitution)
}

/// Rule 1: a character of the wrong class (a letter in a date, a digit in a name) cannot be what
/// is printed, whatever any check digit says, so it is replaced by OCR's best alternative of the
/// right class, else by its look-alike. Positions with no such replacement stay as read.
fn fix_character_classes(
    reading: &mut [Vec<u8>],
    ocr: &OcrCandidates,
    classes: &[Vec<PositionInfo>],
) -> Vec<Substitution> {
    let mut substitutions = Vec::new();
    for (l, line) in reading.iter_mut().enumerate() {
        for (p, ch) in line.iter_mut().enumerate() {
            let Some(&(class, field, check)) = classes.get(l).and_then(|c| c.get(p)) else { continue };
            if class.allows(*ch) {
                continue;
            }
            let replacement = ocr.at(l, p).iter().map(|c| ascii(c.ch)).find(|&c| class.allows(c)).or_else(|| {
                let lookalike = match class {
                    PositionClass::Letters => letter_lookalike(*ch),
                    PositionClass::Digits | PositionClass::DigitsOrFiller => digit_lookalike(*ch),
                    PositionClass::Any => None,
                };
                lookalike.filter(|&c| class.allows(c))
            });
            if let Some(to) = replacement {
                let expected = class.char_class();
                substitutions.push(Substitution {
                    at: Span::new(l as u8, p as u8, 1),
                    from: char::from(*ch),
                    to: char::from(to),
                    confidence: ocr.confidence_at(l, p),
                    field,
                    reason: SubstitutionReason::CharacterClass { expected },
                    explanation: format!(
                        "{:?} cannot stand in the {} ({}); read as {:?}",
                        char::from(*ch),
                        check.map_or_else(|| field.map_or("field", FieldId::label), CheckId::label),
                        match expected {
                            CharClass::Digits => "digits only",
                            _ => "letters only",
                        },
                        char::from(to)
                    ),
                });
                *ch = to;
            }
        }
    }
    substitutions
}

/// Whether rule 2 may change a position, and to what: only where OCR's confidence is below
/// [`CorrectionOptions::high_confidence`] (a confident reading is never changed to make a check
/// pass), to at most three alternatives of the right class, OCR's own or a look-alike, cheapest
/// first.
fn variable_at(
    ocr: &OcrCandidates,
    classes: &[Vec<PositionInfo>],
    options: &CorrectionOptions,
    (l, p): (usize, usize),
    current: u8,
) -> Option<Variable> {
    let pos = ocr.at(l, p);
    let top = pos.first()?;
    if top.confidence >= options.high_confidence {
        return None;
    }
    let (class, _, _) = *classes.get(l)?.get(p)?;
    let top_conf = f64::from(top.confidence.clamp(1e-3, 1.0));
    let mut opts: Vec<(u8, f64)> = Vec::new();
    for c in pos.iter().skip(1) {
        let ch = ascii(c.ch);
        if ch != current && class.allows(ch) && !opts.iter().any(|(o, _)| *o == ch) {
            opts.push((ch, cost(top_conf, f64::from(c.confidence))));
        }
    }
    // A look-alike of OCR's reading counts as a weak alternative.
    let lookalike = if current.is_ascii_digit() { letter_lookalike(current) } else { digit_lookalike(current) };
    if let Some(ch) = lookalike.filter(|&c| class.allows(c) && c != current && !opts.iter().any(|(o, _)| *o == c)) {
        opts.push((ch, cost(top_conf, (1.0 - top_conf) * 0.5)));
    }
    opts.sort_by(|a, b| a.1.total_cmp(&b.1));
    opts.truncate(3);
    (!opts.is_empty()).then_some(Variable { line: l, col: p, options: opts })
}

/// The variable positions, grouped by the field check that covers them.
struct VariableGroups<'s> {
    /// Per field check (every check but the composite), the positions it covers.
    by_check: Vec<(&'s CheckSlot, Vec<Variable>)>,
    /// Positions that only the composite covers.
    composite_only: Vec<Variable>,
    /// Alternatives no covering check digit can tell from the reading (values equal mod 10).
    blind_spots: Vec<BlindSpot>,
}

/// Groups the variable positions by the first field check that covers each, so that each group
/// is searched against its own check (one search over every position at once would grow with
/// the product of every field's options). Positions only the composite covers form their own
/// group; positions no check covers are never varied. Alternatives that no check digit can tell
/// from the reading are noted as blind spots on the way.
fn group_variables<'s>(
    reading: &[Vec<u8>],
    ocr: &OcrCandidates,
    classes: &[Vec<PositionInfo>],
    slots: &'s [CheckSlot],
    options: &CorrectionOptions,
) -> VariableGroups<'s> {
    let composite = slots.iter().find(|s| s.id == CheckId::Composite);
    let in_slot = |slot: &CheckSlot, l: usize, p: usize| {
        slot.digit.is_some_and(|d| d.contains(l as u8, p))
            || slot.covers.spans().iter().any(|s| s.contains(l as u8, p))
            || slot.alternative.is_some_and(|alt| alt.spans().iter().any(|s| s.contains(l as u8, p)))
    };
    let mut groups = VariableGroups {
        by_check: slots.iter().filter(|s| s.id != CheckId::Composite).map(|s| (s, Vec::new())).collect(),
        composite_only: Vec::new(),
        blind_spots: Vec::new(),
    };
    for (l, line) in reading.iter().enumerate() {
        for (p, &ch) in line.iter().enumerate() {
            let Some(var) = variable_at(ocr, classes, options, (l, p), ch) else { continue };
            for &(alt, _) in &var.options {
                let covered = slots.iter().any(|s| in_slot(s, l, p));
                if covered && char_value(alt).map(|v| v % 10) == char_value(ch).map(|v| v % 10) {
                    groups.blind_spots.push(BlindSpot {
                        at: Span::new(l as u8, p as u8, 1),
                        read: char::from(ch),
                        alternative: char::from(alt),
                    });
                }
            }
            if let Some(group) = groups.by_check.iter_mut().find(|(s, _)| in_slot(s, l, p)) {
                group.1.push(var);
            } else if composite.is_some_and(|c| in_slot(c, l, p)) {
                groups.composite_only.push(var);
            }
        }
    }
    groups
}

/// Rule 2: every full reading that passes every check, fewest changes then lowest cost first.
/// Each group keeps its few best assignments that pass its own check (the composite-only group
/// is not filtered: only the whole reading can be judged by the composite); their combinations
/// are then checked whole, so the composite decides between field repairs that pass on their own.
fn passing_readings(
    reading: &[Vec<u8>],
    groups: &VariableGroups,
    slots: &[CheckSlot],
    max_changes: usize,
) -> Vec<Solution> {
    const KEEP: usize = 6;
    let mut group_options: Vec<Vec<Assignment>> = Vec::new();
    for (slot, vars) in &groups.by_check {
        let mut found = search::enumerate(reading, vars, max_changes, |r| check_passes(r, slot));
        found.truncate(KEEP);
        group_options.push(found);
    }
    let mut composite_opts = search::enumerate(reading, &groups.composite_only, max_changes, |_| true);
    composite_opts.truncate(KEEP);
    group_options.push(composite_opts);

    let mut passing: Vec<Solution> = Vec::new();
    let mut combination = vec![0usize; group_options.len()];
    if group_options.iter().all(|g| !g.is_empty()) {
        loop {
            let mut candidate = reading.to_vec();
            let (mut changes, mut total_cost, mut changed) = (0usize, 0.0f64, Vec::new());
            for ((group, &choice), gi) in group_options.iter().zip(&combination).zip(0..) {
                if let Some(a) = group.get(choice) {
                    changes += a.changes.len();
                    total_cost += a.cost;
                    let decided_by = groups.by_check.get(gi).map_or(CheckId::Composite, |(s, _)| s.id);
                    for &(l, p, ch) in &a.changes {
                        if let Some(slot) = candidate.get_mut(l).and_then(|line| line.get_mut(p)) {
                            *slot = ch;
                        }
                        changed.push((l, p, ch, decided_by));
                    }
                }
            }
            if slots.iter().all(|s| check_passes(&candidate, s)) {
                passing.push(Solution { changes, cost: total_cost, reading: candidate, changed });
            }
            if !search::advance(&mut combination, &group_options) {
                break;
            }
        }
    }
    passing.sort_by(|a, b| a.changes.cmp(&b.changes).then(a.cost.total_cmp(&b.cost)));
    passing
}

/// Rule 3, ambiguity: the passing readings that tie with the best, with as few changes and within
/// [`AMBIGUITY_RATIO`] of its likelihood. One is a correction; several are a reason to choose
/// none, since picking by a thin margin would hide a coin toss behind a valid verdict.
fn closest_readings(passing: &[Solution]) -> Vec<&Solution> {
    match passing.first() {
        Some(first) => passing
            .iter()
            .filter(|b| b.changes == first.changes && b.cost - first.cost < AMBIGUITY_RATIO.ln())
            .collect(),
        None => Vec::new(),
    }
}

/// The substitutions of the one chosen reading, each naming the check that decided it.
fn check_digit_substitutions(
    reading: &[Vec<u8>],
    chosen: &Solution,
    ocr: &OcrCandidates,
    classes: &[Vec<PositionInfo>],
) -> Vec<Substitution> {
    chosen
        .changed
        .iter()
        .map(|&(l, p, ch, check)| {
            let from = reading.get(l).and_then(|line| line.get(p)).copied().unwrap_or(b'?');
            let field = classes.get(l).and_then(|c| c.get(p)).and_then(|c| c.1);
            let confidence = ocr.confidence_at(l, p);
            Substitution {
                at: Span::new(l as u8, p as u8, 1),
                from: char::from(from),
                to: char::from(ch),
                confidence,
                field,
                reason: SubstitutionReason::CheckDigit { check },
                explanation: format!(
                    "{:?} read with confidence {confidence:.2}; the alternative {:?} makes the {check} pass",
                    char::from(from),
                    char::from(ch)
                ),
            }
        })
        .collect()
}

/// Two repairs with the same number of changes are told apart only when one is at least this many
/// times more likely than the other (by OCR confidences or look-alike priors).
pub const AMBIGUITY_RATIO: f64 = 3.0;

/// A full reading that passes every check.
struct Solution {
    changes: usize,
    cost: f64,
    reading: Vec<Vec<u8>>,
    /// (line, column, new character, the check that decided).
    changed: Vec<(usize, usize, u8, CheckId)>,
}

fn cost(top: f64, alternative: f64) -> f64 {
    (top / alternative.clamp(1e-4, 1.0)).ln().max(0.0)
}

fn ascii(c: char) -> u8 {
    if c.is_ascii() { c.to_ascii_uppercase() as u8 } else { b'?' }
}

fn check_passes(reading: &[Vec<u8>], slot: &CheckSlot) -> bool {
    let slice = |s: Span| {
        reading.get(usize::from(s.line)).and_then(|l| l.get(usize::from(s.start)..s.end())).unwrap_or_default()
    };
    slot.evaluate(slice).2.passed()
}

/// How often OCR confuses a character with its look-alike, for text without confidences: a rough
/// ranking of OCR-B confusions (O/0 most common, then I/1, then B/8 and S/5; Z/2, G/6 and A/4 have
/// distinct shapes in OCR-B and are rare).
fn lookalike_prior(from: u8, to: u8) -> f32 {
    match (from, to) {
        (b'O', b'0') | (b'0', b'O') => 0.40,
        (b'I', b'1') | (b'1', b'I') => 0.30,
        (b'B', b'8') | (b'8', b'B') | (b'S', b'5') | (b'5', b'S') => 0.12,
        (b'D' | b'Q' | b'U', b'0') => 0.08,
        (b'L' | b'T' | b'J', b'1') | (b'Z', b'2') | (b'2', b'Z') | (b'G', b'6') | (b'6', b'G') => 0.06,
        _ => 0.03,
    }
}

/// Candidates for OCR text that came without confidences: each character that has a look-alike
/// gets it as an alternative, weighted by how often OCR confuses the pair. Characters without a
/// look-alike are taken as certain.
pub fn candidates_from_ocr_text(text: &str) -> Vec<Vec<PositionCandidates>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.chars()
                .map(|ch| {
                    let c = ascii(ch);
                    let lookalike = if c.is_ascii_digit() { letter_lookalike(c) } else { digit_lookalike(c) };
                    match lookalike {
                        Some(alt) => {
                            let p = lookalike_prior(c, alt);
                            vec![
                                Candidate { ch, confidence: 1.0 - p },
                                Candidate { ch: char::from(alt), confidence: p },
                            ]
                        }
                        None => vec![Candidate { ch, confidence: 1.0 }],
                    }
                })
                .collect()
        })
        .collect()
}

/// Candidates for text read with one confidence everywhere (for tests and for plain OCR text).
pub fn candidates_from_text(text: &str, confidence: f32) -> Vec<Vec<PositionCandidates>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.chars().map(|ch| vec![Candidate { ch, confidence }]).collect())
        .collect()
}
