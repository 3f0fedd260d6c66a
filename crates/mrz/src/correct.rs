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
    let mut reading: Vec<Vec<u8>> =
        lines.iter().map(|line| line.iter().map(|pos| pos.first().map_or(b'?', |c| ascii(c.ch))).collect()).collect();
    let confidence_at = |l: usize, p: usize| {
        lines.get(l).and_then(|line| line.get(p)).and_then(|pos| pos.first()).map_or(0.0, |c| c.confidence)
    };
    let as_strings = |r: &[Vec<u8>]| r.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>();
    let not_an_mrz = |r: &[Vec<u8>]| Correction {
        lines: as_strings(r),
        substitutions: Vec::new(),
        outcome: CorrectionOutcome::NotAnMrz,
        alternatives: Vec::new(),
        blind_spots: Vec::new(),
        merged_reads: Vec::new(),
        dropped_reads: Vec::new(),
    };
    let mut substitutions = Vec::new();
    // Rule 0: the document code's letter, before it picks the format.
    if let Some(first) = reading.first_mut().and_then(|line| line.first_mut())
        && !ICAO_DOCUMENT_LETTERS.contains(first)
        && let Some(to) = lines
            .first()
            .and_then(|line| line.first())
            .and_then(|pos| pos.iter().map(|c| ascii(c.ch)).find(|c| ICAO_DOCUMENT_LETTERS.contains(c)))
    {
        substitutions.push(Substitution {
            at: Span::new(0, 0, 1),
            from: char::from(*first),
            to: char::from(to),
            confidence: confidence_at(0, 0),
            field: Some(FieldId::DocumentCode),
            reason: SubstitutionReason::DocumentCode,
            explanation: format!(
                "{:?} begins no ICAO document code (A, C, I, P, V); OCR's alternative {:?} does",
                char::from(*first),
                char::from(to)
            ),
        });
        *first = to;
    }
    let Ok(raw) = RawMrz::from_text(&as_strings(&reading).join("\n")) else { return not_an_mrz(&reading) };
    let Ok(format) = raw.detect_format() else { return not_an_mrz(&reading) };
    let classes = position_classes(format);

    // Rule 1: character classes.
    for (l, line) in reading.iter_mut().enumerate() {
        for (p, ch) in line.iter_mut().enumerate() {
            let Some(&(class, field, check)) = classes.get(l).and_then(|c| c.get(p)) else { continue };
            if class.allows(*ch) {
                continue;
            }
            let alternatives = lines.get(l).and_then(|line| line.get(p)).map(Vec::as_slice).unwrap_or_default();
            let replacement = alternatives.iter().map(|c| ascii(c.ch)).find(|&c| class.allows(c)).or_else(|| {
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
                    confidence: confidence_at(l, p),
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

    let Ok(raw) = RawMrz::from_text(&as_strings(&reading).join("\n")) else { return not_an_mrz(&reading) };
    let Ok(parsed) = raw.parse() else { return not_an_mrz(&reading) };
    let slots: Vec<CheckSlot> = parsed.check_slots().copied().collect();

    // Positions that may change under rule 2: low confidence, with alternatives of the right class.
    let variable_at = |l: usize, p: usize, current: u8| -> Option<Variable> {
        let pos = lines.get(l)?.get(p)?;
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
    };

    // Group variable positions by the field check that covers them; positions only the composite
    // covers form their own group.
    let passes = |r: &[Vec<u8>], slot: &CheckSlot| check_passes(r, slot);
    let field_slots: Vec<&CheckSlot> = slots.iter().filter(|s| s.id != CheckId::Composite).collect();
    let composite = slots.iter().find(|s| s.id == CheckId::Composite);
    let in_slot = |slot: &CheckSlot, l: usize, p: usize| {
        slot.digit.is_some_and(|d| d.contains(l as u8, p))
            || slot.covers.spans().iter().any(|s| s.contains(l as u8, p))
            || slot.alternative.is_some_and(|alt| alt.spans().iter().any(|s| s.contains(l as u8, p)))
    };
    let mut groups: Vec<(Option<&CheckSlot>, Vec<Variable>)> =
        field_slots.iter().map(|&s| (Some(s), Vec::new())).collect();
    let mut composite_only = Vec::new();
    let mut blind_spots = Vec::new();
    for (l, line) in reading.iter().enumerate() {
        for (p, &ch) in line.iter().enumerate() {
            let Some(var) = variable_at(l, p, ch) else { continue };
            for &(alt, _) in &var.options {
                let covered = slots.iter().any(|s| in_slot(s, l, p));
                if covered && char_value(alt).map(|v| v % 10) == char_value(ch).map(|v| v % 10) {
                    blind_spots.push(BlindSpot {
                        at: Span::new(l as u8, p as u8, 1),
                        read: char::from(ch),
                        alternative: char::from(alt),
                    });
                }
            }
            if let Some(group) = groups.iter_mut().find(|(s, _)| s.is_some_and(|s| in_slot(s, l, p))) {
                group.1.push(var);
            } else if composite.is_some_and(|c| in_slot(c, l, p)) {
                composite_only.push(var);
            }
        }
    }

    // Rule 2: per group, the assignments that pass its own check (unchanged first when it passes).
    const KEEP: usize = 6;
    let mut group_options: Vec<Vec<Assignment>> = Vec::new();
    for (slot, vars) in &groups {
        let Some(slot) = slot else { continue };
        let mut found = enumerate(&reading, vars, options.max_changes_per_field, |r| passes(r, slot));
        found.truncate(KEEP);
        group_options.push(found);
    }
    let mut composite_opts = enumerate(&reading, &composite_only, options.max_changes_per_field, |_| true);
    composite_opts.truncate(KEEP);
    group_options.push(composite_opts);

    // Combine: every field check from its group, the composite over the whole.
    let mut best: Vec<Solution> = Vec::new();
    let mut combination = vec![0usize; group_options.len()];
    if group_options.iter().all(|g| !g.is_empty()) {
        loop {
            let mut candidate = reading.clone();
            let (mut changes, mut total_cost, mut changed) = (0usize, 0.0f64, Vec::new());
            for ((group, &choice), gi) in group_options.iter().zip(&combination).zip(0..) {
                if let Some(a) = group.get(choice) {
                    changes += a.changes.len();
                    total_cost += a.cost;
                    let decided_by = groups.get(gi).and_then(|(s, _)| s.map(|s| s.id)).unwrap_or(CheckId::Composite);
                    for &(l, p, ch) in &a.changes {
                        if let Some(slot) = candidate.get_mut(l).and_then(|line| line.get_mut(p)) {
                            *slot = ch;
                        }
                        changed.push((l, p, ch, decided_by));
                    }
                }
            }
            if slots.iter().all(|s| passes(&candidate, s)) {
                best.push(Solution { changes, cost: total_cost, reading: candidate, changed });
            }
            if !advance(&mut combination, &group_options) {
                break;
            }
        }
    }
    best.sort_by(|a, b| a.changes.cmp(&b.changes).then(a.cost.total_cmp(&b.cost)));

    // Readings with the fewest changes whose likelihood is within AMBIGUITY_RATIO of the best tie.
    let tied: Vec<&Solution> = match best.first() {
        Some(first) => {
            best.iter().filter(|b| b.changes == first.changes && b.cost - first.cost < AMBIGUITY_RATIO.ln()).collect()
        }
        None => Vec::new(),
    };
    let (outcome, alternatives) = match tied.as_slice() {
        [] => (CorrectionOutcome::CheckDigitsStillFail, Vec::new()),
        [only] => {
            for &(l, p, ch, check) in &only.changed {
                let from = reading.get(l).and_then(|line| line.get(p)).copied().unwrap_or(b'?');
                let field = classes.get(l).and_then(|c| c.get(p)).and_then(|c| c.1);
                let confidence = confidence_at(l, p);
                substitutions.push(Substitution {
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
                });
            }
            reading = only.reading.clone();
            let outcome =
                if substitutions.is_empty() { CorrectionOutcome::Unchanged } else { CorrectionOutcome::Corrected };
            (outcome, Vec::new())
        }
        several => (CorrectionOutcome::Ambiguous, several.iter().map(|b| as_strings(&b.reading)).collect()),
    };
    // Rule 3: country codes, which no check digit covers.
    substitutions.extend(repair_country_codes(&mut reading, &classes, &confidence_at));
    let outcome = match outcome {
        CorrectionOutcome::CheckDigitsStillFail | CorrectionOutcome::Ambiguous => outcome,
        _ if substitutions.is_empty() => CorrectionOutcome::Unchanged,
        _ => CorrectionOutcome::Corrected,
    };
    substitutions.sort_by_key(|s| (s.at.line, s.at.start));
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

/// Replaces each issuing state or nationality that is no code in the ICAO table by the one code a
/// single look-alike away, if exactly one is; returns what it changed.
fn repair_country_codes(
    reading: &mut [Vec<u8>],
    classes: &[Vec<PositionInfo>],
    confidence_at: &dyn Fn(usize, usize) -> f32,
) -> Vec<Substitution> {
    let mut substitutions = Vec::new();
    for field in [FieldId::IssuingState, FieldId::Nationality] {
        let Some((l, start)) = classes
            .iter()
            .enumerate()
            .find_map(|(l, row)| row.iter().position(|info| info.1 == Some(field)).map(|p| (l, p)))
        else {
            continue;
        };
        let Some(code) = reading.get(l).and_then(|line| line.get(start..start + 3)).map(<[u8]>::to_vec) else {
            continue;
        };
        let known = |code: &[u8]| {
            let text = String::from_utf8_lossy(code);
            super::countries::lookup(text.trim_end_matches('<')).is_some()
        };
        if known(&code) {
            continue;
        }
        let mut found: Vec<(usize, u8)> = Vec::new();
        for (i, &ch) in code.iter().enumerate() {
            for alt in lookalikes(char::from(ch)).bytes().filter(u8::is_ascii_uppercase) {
                let mut other = code.clone();
                if let Some(slot) = other.get_mut(i) {
                    *slot = alt;
                }
                if known(&other) {
                    found.push((i, alt));
                }
            }
        }
        let [(i, to)] = found.as_slice() else { continue };
        let p = start + i;
        let Some(slot) = reading.get_mut(l).and_then(|line| line.get_mut(p)) else { continue };
        let from = *slot;
        *slot = *to;
        let read = String::from_utf8_lossy(&code).into_owned();
        let fixed = {
            let mut c = code.clone();
            if let Some(s) = c.get_mut(*i) {
                *s = *to;
            }
            String::from_utf8_lossy(&c).into_owned()
        };
        substitutions.push(Substitution {
            at: Span::new(l as u8, p as u8, 1),
            from: char::from(from),
            to: char::from(*to),
            confidence: confidence_at(l, p),
            field: Some(field),
            explanation: format!(
                "{read:?} is no code in the ICAO table; {fixed:?}, one look-alike away, is the only one that close"
            ),
            reason: SubstitutionReason::CountryCode,
        });
    }
    substitutions
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

/// A set of changes and its cost (sum of negative log likelihood ratios).
#[derive(Debug, Clone)]
struct Assignment {
    changes: Vec<(usize, usize, u8)>,
    cost: f64,
}

fn cost(top: f64, alternative: f64) -> f64 {
    (top / alternative.clamp(1e-4, 1.0)).ln().max(0.0)
}

fn ascii(c: char) -> u8 {
    if c.is_ascii() { c.to_ascii_uppercase() as u8 } else { b'?' }
}

/// Every assignment of up to `max_changes` variables that satisfies `accept`, fewest changes and
/// lowest cost first. The unchanged reading comes first when it is accepted.
fn enumerate(
    reading: &[Vec<u8>],
    vars: &[Variable],
    max_changes: usize,
    accept: impl Fn(&[Vec<u8>]) -> bool,
) -> Vec<Assignment> {
    let mut found = Vec::new();
    let mut work = reading.to_vec();
    let mut chosen = Vec::new();
    explore(&mut work, vars, 0, max_changes, &mut chosen, 0.0, &accept, &mut found);
    found.sort_by(|a: &Assignment, b| a.changes.len().cmp(&b.changes.len()).then(a.cost.total_cmp(&b.cost)));
    found
}

#[allow(clippy::too_many_arguments)] // A private recursive helper; bundling the state would add a type for one caller.
fn explore(
    work: &mut Vec<Vec<u8>>,
    vars: &[Variable],
    from: usize,
    budget: usize,
    chosen: &mut Vec<(usize, usize, u8)>,
    cost_so_far: f64,
    accept: &impl Fn(&[Vec<u8>]) -> bool,
    found: &mut Vec<Assignment>,
) {
    if accept(work) {
        found.push(Assignment { changes: chosen.clone(), cost: cost_so_far });
    }
    if budget == 0 {
        return;
    }
    for (i, var) in vars.iter().enumerate().skip(from) {
        let Some(original) = work.get(var.line).and_then(|l| l.get(var.col)).copied() else { continue };
        for &(ch, c) in &var.options {
            if let Some(slot) = work.get_mut(var.line).and_then(|l| l.get_mut(var.col)) {
                *slot = ch;
            }
            chosen.push((var.line, var.col, ch));
            explore(work, vars, i + 1, budget - 1, chosen, cost_so_far + c, accept, found);
            chosen.pop();
        }
        if let Some(slot) = work.get_mut(var.line).and_then(|l| l.get_mut(var.col)) {
            *slot = original;
        }
    }
}

fn advance(combination: &mut [usize], options: &[Vec<Assignment>]) -> bool {
    for (index, group) in combination.iter_mut().zip(options) {
        *index += 1;
        if *index < group.len() {
            return true;
        }
        *index = 0;
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charset::check_digit;

    const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
    /// ICAO 9303 Part 7 MRV-A specimen.
    const MRVA: &str = "VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<";

    fn set(c: &mut [Vec<PositionCandidates>], line: usize, col: usize, cands: &[(char, f32)]) {
        c[line][col] = cands.iter().map(|&(ch, confidence)| Candidate { ch, confidence }).collect();
    }

    #[test]
    fn a_clean_reading_is_unchanged() {
        let c = correct(&candidates_from_text(TD3, 0.99), &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::Unchanged);
        assert!(c.substitutions.is_empty());
    }

    #[test]
    fn a_visa_whose_v_was_read_as_n_is_read_as_a_visa_when_ocr_offers_v() {
        let mut cands = candidates_from_text(MRVA, 0.99);
        set(&mut cands, 0, 0, &[('N', 0.60), ('V', 0.30)]);
        let c = correct(&cands, &CorrectionOptions::default());
        assert_eq!(c.lines[0].chars().next(), Some('V'), "{c:?}");
        assert_eq!(c.substitutions.len(), 1);
        assert_eq!(c.substitutions[0].reason, SubstitutionReason::DocumentCode);
        let checked = crate::check_text(
            &c.lines.join("\n"),
            &crate::dates::DatePolicy::new(crate::dates::CalendarDate::new(2026, 1, 1).unwrap()),
        )
        .unwrap();
        assert_eq!(checked.format(), crate::layout::Format::MrvA);
    }

    #[test]
    fn an_unknown_document_letter_without_an_icao_alternative_is_left_alone() {
        let mut cands = candidates_from_text(MRVA, 0.99);
        set(&mut cands, 0, 0, &[('N', 0.60), ('M', 0.30)]);
        let c = correct(&cands, &CorrectionOptions::default());
        assert_eq!(c.lines[0].chars().next(), Some('N'));
        assert!(c.substitutions.iter().all(|s| s.reason != SubstitutionReason::DocumentCode));
    }

    #[test]
    fn a_country_code_one_look_alike_from_exactly_one_code_takes_it_and_says_so() {
        // Nationality (line 2, columns 11-13) read "VNH": only "VNM" is one look-alike away.
        let text = TD3.replace("C36UTO740", "C36VNH740");
        let c = correct(&candidates_from_text(&text, 0.99), &CorrectionOptions::default());
        assert_eq!(&c.lines[1][10..13], "VNM", "{c:?}");
        assert_eq!(c.outcome, CorrectionOutcome::Corrected);
        let s = c.substitutions.iter().find(|s| s.reason == SubstitutionReason::CountryCode).unwrap();
        assert_eq!((s.at, s.from, s.to, s.field), (Span::new(1, 12, 1), 'H', 'M', Some(FieldId::Nationality)));
        assert!(s.explanation.contains("VNH"), "{}", s.explanation);
    }

    #[test]
    fn a_country_code_near_two_codes_or_known_is_left_alone() {
        // "GNR" is one look-alike from both "GBR" and "GNB": nothing tells them apart.
        for code in ["GNR", "UTO"] {
            let text = TD3.replace("C36UTO740", &format!("C36{code}740"));
            let c = correct(&candidates_from_text(&text, 0.99), &CorrectionOptions::default());
            assert_eq!(&c.lines[1][10..13], code, "{c:?}");
            assert!(c.substitutions.iter().all(|s| s.reason != SubstitutionReason::CountryCode));
        }
    }

    #[test]
    fn a_letter_in_a_date_is_fixed_by_class() {
        let mut cands = candidates_from_text(TD3, 0.99);
        // Date of birth "740812": OCR reads the 0 at column 15 as O, confidently.
        set(&mut cands, 1, 15, &[('O', 0.95)]);
        let c = correct(&cands, &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::Corrected, "{c:?}");
        assert_eq!(c.lines[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        assert_eq!(c.substitutions.len(), 1);
        assert!(matches!(c.substitutions[0].reason, SubstitutionReason::CharacterClass { .. }));
    }

    #[test]
    fn a_class_fix_never_hides_a_wrong_date() {
        let mut cands = candidates_from_text(TD3, 0.99);
        // A confident O where the date has 4: the class fix gives 0, which fails the check digit.
        set(&mut cands, 1, 14, &[('O', 0.99)]);
        let c = correct(&cands, &CorrectionOptions::default());
        assert!(c.substitutions.iter().all(|s| matches!(s.reason, SubstitutionReason::CharacterClass { .. })));
        assert_eq!(c.outcome, CorrectionOutcome::CheckDigitsStillFail);
    }

    #[test]
    fn a_low_confidence_misread_in_a_document_number_is_fixed_by_its_check_digit() {
        let mut cands = candidates_from_text(TD3, 0.99);
        // "L898902C3": OCR reads the 0 at column 5 as O with low confidence, 0 as second choice.
        set(&mut cands, 1, 5, &[('O', 0.55), ('0', 0.40)]);
        let c = correct(&cands, &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::Corrected, "{c:?}");
        assert_eq!(c.lines[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
        assert_eq!(c.substitutions.len(), 1);
        assert_eq!(c.substitutions[0].reason, SubstitutionReason::CheckDigit { check: CheckId::DocumentNumber });
    }

    #[test]
    fn a_genuinely_wrong_check_digit_read_with_high_confidence_stays_wrong() {
        let text = TD3.replace("L898902C36", "L898902C37");
        let c = correct(&candidates_from_text(&text, 0.97), &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::CheckDigitsStillFail);
        assert!(c.substitutions.is_empty());
        assert_eq!(c.lines[1], "L898902C37UTO7408122F1204159ZE184226B<<<<<10");
    }

    /// The candidates for `text` with two competing single-character repairs of its document number:
    /// the check digit at column 9 (printed `wrong`, alternative `right`), or the 9 at column 2.
    fn two_repairs(text: &str, wrong: char, right: char) -> Vec<Vec<PositionCandidates>> {
        let mut cands = candidates_from_text(text, 0.99);
        set(&mut cands, 1, 9, &[(wrong, 0.5), (right, 0.45)]);
        let line2 = text.lines().nth(1).unwrap().to_owned();
        let nine_to = (b'0'..=b'9')
            .map(char::from)
            .find(|&d| {
                let mut l = line2.clone();
                l.replace_range(2..3, &d.to_string());
                char::from(b'0' + check_digit([l.as_bytes()[..9].as_ref()])) == wrong
            })
            .unwrap();
        set(&mut cands, 1, 2, &[('9', 0.5), (nine_to, 0.45)]);
        cands
    }

    #[test]
    fn the_composite_decides_between_two_field_repairs() {
        let text = TD3.replace("L898902C36", "L898902C37");
        let c = correct(&two_repairs(&text, '7', '6'), &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::Corrected, "{c:?}");
        assert_eq!(c.lines[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
    }

    #[test]
    fn two_equally_good_repairs_without_a_composite_are_ambiguous() {
        let visa = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C5XXX4009078F96121096ZE184226B<<<<<<";
        let c = correct(&two_repairs(visa, '5', '4'), &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::Ambiguous, "{c:?}");
        assert_eq!(c.alternatives.len(), 2);
        assert!(c.substitutions.is_empty(), "nothing is chosen when ambiguous");
    }

    #[test]
    fn blind_spot_alternatives_are_listed() {
        let mut cands = candidates_from_text(TD3, 0.99);
        // '8' vs 'S' (28): congruent mod 10, no check digit can tell them apart.
        set(&mut cands, 1, 1, &[('8', 0.6), ('S', 0.3)]);
        let c = correct(&cands, &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::Unchanged, "{c:?}");
        assert_eq!(c.blind_spots, [BlindSpot { at: Span::new(1, 1, 1), read: '8', alternative: 'S' }]);
    }

    #[test]
    fn garbage_is_not_an_mrz() {
        let c = correct(&candidates_from_text("HELLO\nWORLD", 0.9), &CorrectionOptions::default());
        assert_eq!(c.outcome, CorrectionOutcome::NotAnMrz);
    }
}
