#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

//! Differential test: docexam's check-digit verdicts against the independent `mrz` crate 0.9.1
//! (an ICAO 9303 parser written by others, used here only as an oracle).
//!
//! 1. Valid MRZs are generated with `docexam_mrz::emit` for TD3, TD2, TD1, MRV-A and MRV-B from
//!    random, well-formed fields (deterministic proptest runs). Both sides must call each of them
//!    valid.
//! 2. Each is then mutated, one character at a time (replaced by another MRZ character), and for
//!    every check digit both sides evaluate we compare "passes" against "passes".
//! 3. Every vector in `tests/vectors/mrz` in a format the crate reads is compared the same way.
//!
//! A disagreement is allowed only when [`explain`] attributes it to one of the [`Known`]
//! differences below, each with its justification. Anything else fails the test and prints the
//! MRZ.
//!
//! Run with `--nocapture` to see how many cases, mutations and checks were compared and how often
//! each known difference showed up.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use docexam_mrz::charset::check_digit;
use docexam_mrz::countries::COUNTRIES;
use docexam_mrz::dates::{CalendarDate, DatePolicy, days_in_month};
use docexam_mrz::emit::{MrzFields, emit};
use docexam_mrz::fields::CheckId;
use docexam_mrz::findings::FindingKind;
use docexam_mrz::layout::{Format, layout, long_number_region};
use docexam_mrz::{self as mrz, CheckOutcome, CheckResult, CheckedMrz, Verdict};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Generated valid MRZs per format.
const CASES_PER_FORMAT: u32 = 512;
/// Single-character mutations tried on each generated MRZ.
const MUTATIONS_PER_CASE: usize = 24;
/// The 37 MRZ characters.
const MRZ_CHARS: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

fn policy() -> DatePolicy {
    DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 })
}

// ---------------------------------------------------------------------------------------------
// Known, justified differences
// ---------------------------------------------------------------------------------------------

/// Every way docexam and the `mrz` crate are allowed to disagree. Anything else is a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Known {
    // --- The crate refuses the whole input. ------------------------------------------------------
    /// The crate accepts only `P` (TD3), `V` (visas) and `I`/`A`/`C` (TD1, TD2) as the first
    /// letter of the document code and refuses anything else (`MrzError::BadDocumentCode`).
    /// docexam reads the zone anyway and reports `nonstandard_document_code` (a warning): the
    /// code carries no check digit, and the rest of the zone is still worth checking. Since no
    /// check digit covers the code, the comparison then asks the crate again with the format's
    /// own letter and compares every check as usual.
    CrateRefusesDocumentCode,
    /// The crate refuses a document number whose first character is `<`
    /// (`MrzError::LeadingFiller`; its own policy, because `<` has check value 0 like `0`, `A`,
    /// `K`, `U`). docexam evaluates the check digit as printed and does not flag the leading
    /// filler (a possible gap, reported; it is not a check-digit disagreement). No check is
    /// compared for such a zone.
    CrateRefusesLeadingFiller,
    /// The crate refuses characters outside `A-Z 0-9 <` (`MrzError::BadCharacter`). docexam
    /// reports `illegal_character` (an error) and still evaluates every check digit, counting the
    /// character as 0. No check is compared for such a zone.
    CrateRefusesIllegalCharacter,

    // --- Per check digit. -----------------------------------------------------------------------
    /// A `<` printed where a check digit belongs. The crate's `verify` reads it as 0 for every
    /// check digit, so it passes whenever the computed digit is 0. ICAO 9303 Part 3 §4.9 makes
    /// check digits digits; the only `<` allowed is TD3's personal-number check digit when the
    /// personal number is all fillers (Part 4 §4.2.2, note), which both sides accept. docexam
    /// reports any other `<` as a missing check digit (fails).
    FillerCheckDigitCountsAsZero,
    /// TD1/TD2 long document number (Part 5/6 note j) whose embedded check digit agrees only when
    /// the `<` at the usual check-digit position is included in the computation. Issuers do this
    /// (PRADO BEL specimens, cheminfo/mrz test data); docexam accepts both computations
    /// (`PassAlternative`), the crate only the one without the `<`.
    LongNumberFillerIncluded,
    /// TD3 with `<` at the document-number check digit: the crate applies the TD1/TD2 long-number
    /// rule to TD3 "by analogy" (its documented extension) and reads a number continuing into the
    /// personal number. ICAO 9303 Part 4 defines no long number for TD3; docexam reports the
    /// check digit as missing.
    Td3LongNumberExtension,
    /// TD1/TD2 with `<` at the document-number check digit while the 9-character number field
    /// itself ends in `<`: the crate still reads an overflow (spec form over the padded field, or
    /// its own pre-0.6 8-character legacy encoding). Under note j a long number fills all nine
    /// principal positions, so docexam treats the `<` as a missing check digit.
    CrateOverflowOnPartialNumberField,
}

impl Known {
    const fn refuses_whole_input(self) -> bool {
        matches!(
            self,
            Known::CrateRefusesDocumentCode | Known::CrateRefusesLeadingFiller | Known::CrateRefusesIllegalCharacter
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

/// The crate's parse of `lines` as `format`; `None` when the crate has no such format (FR-CNI).
fn oracle(format: Format, lines: &[String]) -> Option<Result<::mrz::MrzData, ::mrz::MrzError>> {
    let l = |i: usize| lines.get(i).map_or("", String::as_str);
    Some(match format {
        Format::Td3 => ::mrz::parse_td3(l(0), l(1)),
        Format::Td2 => ::mrz::parse_td2(l(0), l(1)),
        Format::Td1 => ::mrz::parse_td1(l(0), l(1), l(2)),
        Format::MrvA => ::mrz::parse_mrv_a(l(0), l(1)),
        Format::MrvB => ::mrz::parse_mrv_b(l(0), l(1)),
        Format::FrenchId => return None,
    })
}

/// The crate's verdict for one of docexam's checks (`None`: the crate prints no such digit).
fn oracle_check(checks: &::mrz::Checks, id: CheckId) -> Option<bool> {
    match id {
        CheckId::DocumentNumber => checks.document_number,
        CheckId::DateOfBirth => checks.date_of_birth,
        CheckId::DateOfExpiry => checks.date_of_expiry,
        CheckId::OptionalData => checks.personal_number,
        CheckId::Composite => checks.composite,
    }
}

const ALL_CHECKS: [CheckId; 5] =
    [CheckId::DocumentNumber, CheckId::DateOfBirth, CheckId::DateOfExpiry, CheckId::OptionalData, CheckId::Composite];

// ---------------------------------------------------------------------------------------------
// Explaining a disagreement
// ---------------------------------------------------------------------------------------------

/// The normalised lines as bytes.
struct Zone<'a> {
    format: Format,
    lines: &'a [String],
}

impl Zone<'_> {
    fn byte(&self, line: u8, col: usize) -> u8 {
        self.lines.get(usize::from(line)).and_then(|l| l.as_bytes().get(col)).copied().unwrap_or(0)
    }

    fn slice(&self, span: docexam_mrz::layout::Span) -> &[u8] {
        self.lines
            .get(usize::from(span.line))
            .and_then(|l| l.as_bytes().get(usize::from(span.start)..span.end()))
            .unwrap_or_default()
    }

    /// The character at the format's fixed check-digit position (ignoring long-number moves).
    fn printed_at_layout(&self, id: CheckId) -> Option<u8> {
        let spec = layout(self.format).checks.iter().find(|c| c.id == id)?;
        Some(self.byte(spec.digit.line, usize::from(spec.digit.start)))
    }

    /// The digit computed over the format's fixed coverage of a check (no long-number moves).
    fn computed_at_layout(&self, id: CheckId) -> Option<u8> {
        let spec = layout(self.format).checks.iter().find(|c| c.id == id)?;
        Some(check_digit(spec.covers.iter().map(|&s| self.slice(s))))
    }

    /// The 9-character document-number field and the optional-data region that a long number
    /// continues into (TD1, TD2, and TD3 for the crate's extension).
    fn number_and_region(&self) -> Option<(&[u8], &[u8])> {
        match self.format {
            Format::Td1 | Format::Td2 => {
                let number =
                    layout(self.format).fields.iter().find(|f| f.id == mrz::fields::FieldId::DocumentNumber)?;
                Some((self.slice(number.span), self.slice(long_number_region(self.format)?)))
            }
            Format::Td3 => {
                let line = self.lines.get(1)?.as_bytes();
                Some((line.get(0..9)?, line.get(28..42)?))
            }
            _ => None,
        }
    }

    /// Whether the crate reads a long-number overflow (its `read_overflow`): `<` at the check
    /// digit, a number field that is not all fillers, and in the optional data at least one
    /// character and a digit before the first `<`.
    fn crate_reads_overflow(&self) -> bool {
        let Some((number, region)) = self.number_and_region() else { return false };
        if self.printed_at_layout(CheckId::DocumentNumber) != Some(b'<') || number.iter().all(|&c| c == b'<') {
            return false;
        }
        match region.iter().position(|&c| c == b'<') {
            Some(end) if end >= 2 => region.get(end - 1).is_some_and(u8::is_ascii_digit),
            _ => false,
        }
    }
}

/// Why docexam (`ours`) and the crate (`theirs`) disagree on one check, or why that is not
/// explained.
fn explain(zone: &Zone<'_>, ours: &CheckResult, theirs: bool) -> Result<Known, String> {
    let our_pass = ours.outcome.passed();
    debug_assert_ne!(our_pass, theirs);
    let printed = zone.printed_at_layout(ours.id);
    let computed = zone.computed_at_layout(ours.id);
    let filler_as_zero = printed == Some(b'<') && computed == Some(0) && theirs && !our_pass;

    if ours.id == CheckId::DocumentNumber && printed == Some(b'<') {
        let (number, _) = zone.number_and_region().unwrap_or_default();
        let number_full = number.last().is_some_and(|&c| c != b'<');
        if zone.crate_reads_overflow() {
            return match zone.format {
                Format::Td3 if theirs && !our_pass => Ok(Known::Td3LongNumberExtension),
                Format::Td1 | Format::Td2 if !number_full && theirs && !our_pass => {
                    Ok(Known::CrateOverflowOnPartialNumberField)
                }
                Format::Td1 | Format::Td2 if ours.outcome == CheckOutcome::PassAlternative && !theirs => {
                    Ok(Known::LongNumberFillerIncluded)
                }
                _ => Err("both read a long number, yet disagree".into()),
            };
        }
        if filler_as_zero {
            return Ok(Known::FillerCheckDigitCountsAsZero);
        }
        return Err("document number with `<` at its check digit, no known difference applies".into());
    }
    if filler_as_zero {
        return Ok(Known::FillerCheckDigitCountsAsZero);
    }
    Err("no known difference applies".into())
}

/// The first document-code letter the crate accepts for `format`.
fn format_letter(format: Format) -> u8 {
    match format {
        Format::Td3 => b'P',
        Format::MrvA | Format::MrvB => b'V',
        _ => b'I',
    }
}

/// Why the crate refused a zone docexam read, or why that is not explained.
fn explain_refusal(zone: &Zone<'_>, checked: &CheckedMrz, error: &::mrz::MrzError) -> Result<Known, String> {
    match error {
        ::mrz::MrzError::BadDocumentCode(_) => {
            let first = zone.byte(0, 0);
            let allowed: &[u8] = match zone.format {
                Format::Td3 => b"P",
                Format::MrvA | Format::MrvB => b"V",
                _ => b"IAC",
            };
            if allowed.contains(&first) {
                Err("crate refused an allowed document code".into())
            } else {
                Ok(Known::CrateRefusesDocumentCode)
            }
        }
        ::mrz::MrzError::LeadingFiller { .. } => {
            let (number, _) = zone.number_and_region().unwrap_or_default();
            let first = match zone.format {
                Format::MrvA | Format::MrvB => zone.byte(1, 0),
                _ => number.first().copied().unwrap_or(0),
            };
            if first == b'<' { Ok(Known::CrateRefusesLeadingFiller) } else { Err("leading filler not found".into()) }
        }
        ::mrz::MrzError::BadCharacter { .. }
            if checked.findings().iter().any(|f| matches!(f.kind, FindingKind::IllegalCharacter { .. })) =>
        {
            Ok(Known::CrateRefusesIllegalCharacter)
        }
        other => Err(format!("crate refused the zone: {other}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Comparing one zone
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Tally {
    /// Zones compared.
    zones: usize,
    /// Individual check digits compared (both sides gave a verdict).
    checks: usize,
    /// Zones the crate cannot read because docexam placed them in FR-CNI.
    skipped_french: usize,
    /// Disagreements and whole-input refusals by kind.
    known: BTreeMap<Known, usize>,
}

/// Checks `text` with docexam and the crate and compares every check digit. Returns the
/// differences that no [`Known`] entry explains, each with the MRZ.
fn compare(text: &str, tally: &mut Tally) -> Vec<String> {
    let Ok(checked) = mrz::check_text(text, &policy()) else {
        return Vec::new(); // Unreadable to docexam: no format to ask the crate about.
    };
    let lines = checked.parsed().raw().lines();
    let zone = Zone { format: checked.format(), lines: &lines };
    let show = |why: &str| format!("{why}\n    format {}\n    {}", zone.format.name(), lines.join("\n    "));
    let Some(theirs) = oracle(zone.format, &lines) else {
        tally.skipped_french += 1;
        return Vec::new();
    };
    tally.zones += 1;
    let mut attempt = lines.clone();
    let mut theirs = theirs;
    let data = loop {
        match theirs {
            Ok(data) => break data,
            Err(error) => match explain_refusal(&zone, &checked, &error) {
                Ok(known) => {
                    *tally.known.entry(known).or_default() += 1;
                    // No check digit covers the document code (TD1's composite starts at line 1
                    // position 6), so with the format's own letter put back the crate reads the
                    // zone and every check can still be compared.
                    if known != Known::CrateRefusesDocumentCode
                        || attempt[0].as_bytes()[0] == format_letter(zone.format)
                    {
                        return Vec::new();
                    }
                    attempt[0].replace_range(0..1, &char::from(format_letter(zone.format)).to_string());
                    theirs = oracle(zone.format, &attempt).expect("the same format");
                }
                Err(why) => return vec![show(&why)],
            },
        }
    };
    let mut problems = Vec::new();
    for id in ALL_CHECKS {
        let ours = checked.checks().find(|c| c.id == id);
        let theirs = oracle_check(&data.checks, id);
        let (ours, theirs) = match (ours, theirs) {
            (Some(ours), Some(theirs)) => (ours, theirs),
            (None, None) => continue,
            (ours, theirs) => {
                problems.push(show(&format!(
                    "{}: docexam evaluates {:?}, the crate {theirs:?}",
                    id.key(),
                    ours.map(|c| c.outcome)
                )));
                continue;
            }
        };
        tally.checks += 1;
        if ours.outcome.passed() == theirs {
            continue;
        }
        match explain(&zone, ours, theirs) {
            Ok(known) => {
                debug_assert!(!known.refuses_whole_input());
                *tally.known.entry(known).or_default() += 1;
            }
            Err(why) => problems.push(show(&format!(
                "{}: docexam {:?} (printed {:?}, computed {}), the crate {}: {why}",
                id.key(),
                ours.outcome,
                ours.printed.map(char::from),
                ours.computed,
                if theirs { "passes" } else { "fails" },
            ))),
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Generating valid zones and mutations
// ---------------------------------------------------------------------------------------------

/// A generated document and the mutations to try on it.
#[derive(Debug, Clone)]
struct Case {
    format: Format,
    fields: MrzFields,
    /// (prefer a hot position, position seed, character seed)
    mutations: Vec<(bool, u16, u8)>,
}

fn three_letter_codes() -> Vec<&'static str> {
    COUNTRIES.iter().map(|c| c.code).filter(|c| c.len() == 3).collect()
}

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Z]{1,10}", 0..=max).prop_map(|w| w.join(" "))
}

/// YYMMDD of a real date in `years`.
fn date(years: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = (i32, String)> {
    (years, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        let d = d.min(days_in_month(y, m));
        (y, format!("{:02}{m:02}{d:02}", y.rem_euclid(100)))
    })
}

/// Room left in the optional-data region after a long document number's overflow.
fn optional_room(format: Format, number: &str) -> usize {
    let tail = number.len().saturating_sub(9);
    let overflow = if tail > 0 { tail + 2 } else { 0 };
    match format {
        Format::Td3 => 14,
        Format::Td2 => 7 - overflow,
        Format::Td1 => 15 - overflow,
        Format::MrvA => 16,
        Format::MrvB => 8,
        Format::FrenchId => 0,
    }
}

fn case(format: Format) -> impl Strategy<Value = Case> {
    let codes: &'static [&'static str] = match format {
        Format::Td3 => &["P", "PD", "PO", "PS", "PT"],
        Format::MrvA | Format::MrvB => &["V", "VA", "VC", "VD"],
        _ => &["I", "ID", "IR", "A", "AC", "C", "CR"],
    };
    let number = match format {
        // Long numbers (note j) in about a quarter of the TD1/TD2 cases.
        Format::Td1 => prop_oneof![3 => "[A-Z0-9]{1,9}", 1 => "[A-Z0-9]{10,22}"].boxed(),
        Format::Td2 => prop_oneof![3 => "[A-Z0-9]{1,9}", 1 => "[A-Z0-9]{10,14}"].boxed(),
        _ => "[A-Z0-9]{1,9}".boxed(),
    };
    let countries = three_letter_codes();
    let birth_and_expiry = date(1927..=2025).prop_flat_map(|(year, birth)| {
        let first = (year + 1).max(1956);
        (Just(birth), date(first..=2055).prop_map(|(_, expiry)| expiry))
    });
    let names = ("[A-Z]{1,12}", words(2), words(3));
    let mutations = prop::collection::vec((prop::bool::weighted(0.3), any::<u16>(), any::<u8>()), MUTATIONS_PER_CASE);
    (
        prop::sample::select(codes),
        prop::sample::select(countries.clone()),
        prop::sample::select(countries),
        names,
        number,
        birth_and_expiry,
        prop::sample::select(&['M', 'F', '<'][..]),
        ("[A-Z0-9]{0,16}", "[A-Z0-9]{0,11}"),
        mutations,
    )
        .prop_map(
            move |(
                code,
                state,
                nationality,
                (surname, more_surname, given),
                number,
                (birth, expiry),
                sex,
                optional,
                mutations,
            )| {
                let room = optional_room(format, &number);
                let (optional, optional_2) = optional;
                let primary = if more_surname.is_empty() { surname } else { format!("{surname} {more_surname}") };
                let fields = MrzFields {
                    document_code: code.to_owned(),
                    issuing_state: state.to_owned(),
                    primary_identifier: primary,
                    secondary_identifier: given,
                    document_number: number,
                    nationality: nationality.to_owned(),
                    date_of_birth: birth,
                    sex,
                    date_of_expiry: expiry,
                    optional_data: optional.chars().take(room).collect(),
                    optional_data_2: if format == Format::Td1 { optional_2 } else { String::new() },
                };
                Case { format, fields, mutations }
            },
        )
}

/// Positions where the two sides' rules differ most: check digits, the ends of the document
/// number, the document code, the start of the optional data (long numbers).
fn hot_positions(format: Format) -> Vec<(usize, usize)> {
    let l = layout(format);
    let mut hot: Vec<(usize, usize)> =
        l.checks.iter().map(|c| (usize::from(c.digit.line), usize::from(c.digit.start))).collect();
    hot.push((0, 0));
    for f in l
        .fields
        .iter()
        .filter(|f| matches!(f.id, mrz::fields::FieldId::DocumentNumber | mrz::fields::FieldId::OptionalData))
    {
        let (line, start) = (usize::from(f.span.line), usize::from(f.span.start));
        hot.extend([(line, start), (line, start + 1), (line, start + 2), (line, f.span.end() - 1)]);
    }
    hot
}

/// The zone with one character replaced: `(position seed, character seed)` picked so that the
/// character always changes. A quarter of the replacements are `<`.
fn mutate(lines: &[String], format: Format, (hot, position, ch): (bool, u16, u8)) -> (Vec<String>, String) {
    let width = format.line_len();
    let (line, col) = if hot {
        let hot = hot_positions(format);
        hot[usize::from(position) % hot.len()]
    } else {
        let at = usize::from(position) % (width * lines.len());
        (at / width, at % width)
    };
    let mut bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
    let old = bytes[line][col];
    let mut new = if ch >= 192 { b'<' } else { MRZ_CHARS[usize::from(ch) % MRZ_CHARS.len()] };
    if new == old {
        new = MRZ_CHARS[(MRZ_CHARS.iter().position(|&c| c == old).unwrap_or(0) + 1) % MRZ_CHARS.len()];
    }
    bytes[line][col] = new;
    let out = bytes.into_iter().map(|l| String::from_utf8(l).unwrap()).collect();
    (out, format!("L{} col {}: {:?} -> {:?}", line + 1, col + 1, char::from(old), char::from(new)))
}

#[derive(Debug, Default)]
struct GeneratedTally {
    cases: BTreeMap<&'static str, usize>,
    mutations: usize,
    compare: Tally,
}

fn run_generated(format: Format, tally: &RefCell<GeneratedTally>) {
    let config = Config {
        cases: CASES_PER_FORMAT,
        failure_persistence: None,
        max_shrink_iters: 256,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    // A fixed seed per format: the same zones on every run and machine.
    let mut seed = [0u8; 32];
    seed[..format.name().len()].copy_from_slice(format.name().as_bytes());
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let result = runner.run(&case(format), |case| {
        let lines = emit(case.format, &case.fields).map_err(|e| TestCaseError::fail(format!("emit: {e}")))?;
        let text = lines.join("\n");
        let checked =
            mrz::check_text(&text, &policy()).map_err(|e| TestCaseError::fail(format!("unreadable: {e}\n{text}")))?;
        prop_assert_eq!(checked.format(), case.format, "{}", text);
        prop_assert_eq!(checked.verdict(), Verdict::Valid, "{}\n{:?}", text, checked.findings());
        let theirs = oracle(case.format, &lines).expect("a format the crate reads");
        let theirs = theirs.map_err(|e| TestCaseError::fail(format!("the crate refuses a valid zone: {e}\n{text}")))?;
        prop_assert!(theirs.valid(), "the crate fails a valid zone: {:?}\n{}", theirs.checks, text);

        let mut t = tally.borrow_mut();
        *t.cases.entry(case.format.name()).or_default() += 1;
        let mut problems = compare(&text, &mut t.compare);
        for &m in &case.mutations {
            let (mutated, what) = mutate(&lines, case.format, m);
            t.mutations += 1;
            problems.extend(
                compare(&mutated.join("\n"), &mut t.compare).into_iter().map(|p| format!("mutation {what}: {p}")),
            );
        }
        if problems.is_empty() { Ok(()) } else { Err(TestCaseError::fail(problems.join("\n"))) }
    });
    if let Err(e) = result {
        panic!("{} differential test failed:\n{e}", format.name());
    }
}

fn report(title: &str, tally: &Tally) -> String {
    let mut out = format!(
        "{title}: {} zones compared, {} check digits compared, {} skipped as FR-CNI\n",
        tally.zones, tally.checks, tally.skipped_french
    );
    for (known, n) in &tally.known {
        let _ = writeln!(out, "    {known:?}: {n}");
    }
    out
}

#[test]
fn generated_zones_and_their_mutations_agree_with_the_mrz_crate() {
    let tally = RefCell::new(GeneratedTally::default());
    for format in [Format::Td3, Format::Td2, Format::Td1, Format::MrvA, Format::MrvB] {
        run_generated(format, &tally);
    }
    let t = tally.into_inner();
    eprintln!("generated cases per format: {:?}; mutations: {}", t.cases, t.mutations);
    eprint!("{}", report("generated + mutated", &t.compare));
    assert_eq!(t.cases.values().sum::<usize>(), 5 * CASES_PER_FORMAT as usize);
    assert_eq!(t.mutations, 5 * CASES_PER_FORMAT as usize * MUTATIONS_PER_CASE);
}

// ---------------------------------------------------------------------------------------------
// The vectors
// ---------------------------------------------------------------------------------------------

#[test]
fn vectors_agree_with_the_mrz_crate() {
    let vectors = common::load_vectors();
    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for v in &vectors {
        // The crate's direct parsers need normalised lines; `compare` hands it docexam's.
        let found = compare(&v.lines.join("\n"), &mut tally);
        problems.extend(found.into_iter().map(|p| format!("{} ({}): {p}", v.name, v.file)));
    }
    eprint!("{}", report(&format!("{} vectors", vectors.len()), &tally));
    assert!(problems.is_empty(), "{} unexplained differences:\n{}", problems.len(), problems.join("\n"));
    // Most vectors are in formats the crate reads; a collapse here means the comparison broke.
    assert!(tally.zones >= 100, "only {} vectors compared", tally.zones);
}

// ---------------------------------------------------------------------------------------------
// Each known difference, pinned on a concrete zone
// ---------------------------------------------------------------------------------------------

/// docexam's and the crate's verdicts on one check of a zone (crate: `Err` text when it refuses).
fn both(lines: &[&str], id: CheckId) -> (Option<CheckOutcome>, Result<Option<bool>, String>) {
    let checked = mrz::check_text(&lines.join("\n"), &policy()).expect("readable");
    let owned: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let theirs = oracle(checked.format(), &owned).expect("crate format");
    (
        checked.checks().find(|c| c.id == id).map(|c| c.outcome),
        theirs.map(|d| oracle_check(&d.checks, id)).map_err(|e| e.to_string()),
    )
}

fn kinds(lines: &[&str]) -> BTreeMap<Known, usize> {
    let mut tally = Tally::default();
    let problems = compare(&lines.join("\n"), &mut tally);
    assert!(problems.is_empty(), "{problems:?}");
    tally.known
}

/// TD3 or TD2 line 2 (given without its last character) completed with its composite digit.
fn seal(format: Format, body: &str) -> String {
    let b = body.as_bytes();
    let digit = match format {
        Format::Td3 => check_digit([&b[0..10], &b[13..20], &b[21..43]]),
        Format::Td2 => check_digit([&b[0..10], &b[13..20], &b[21..35]]),
        _ => panic!("seal: TD3 or TD2 only"),
    };
    format!("{body}{digit}")
}

/// TD1 line 2 (given its first 29 characters) completed with the composite over `line1` too.
fn seal_td1(line1: &str, body: &str) -> String {
    let (a, b) = (line1.as_bytes(), body.as_bytes());
    format!("{body}{}", check_digit([&a[5..30], &b[0..7], &b[8..15], &b[18..29]]))
}

const TD3_L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const TD1_L2: &str = "7408122F1204159UTO<<<<<<<<<<<6";
const TD1_L3: &str = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";

#[test]
fn known_differences_are_real() {
    use CheckId as C;
    use CheckOutcome as O;

    // Document code: the crate refuses `X`; docexam checks the zone (a warning only).
    let l = ["X<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];
    assert!(both(&l, C::Composite).1.is_err());
    assert_eq!(kinds(&l).into_keys().collect::<Vec<_>>(), [Known::CrateRefusesDocumentCode]);

    // Leading filler in the document number, its check digit and the composite recomputed.
    let l2 =
        seal(Format::Td3, &format!("<898902C3{}UTO7408122F1204159ZE184226B<<<<<1", check_digit([&b"<898902C3"[..]])));
    let l = [TD3_L1, l2.as_str()];
    assert_eq!(both(&l, C::DocumentNumber).0, Some(O::Pass));
    assert!(both(&l, C::DocumentNumber).1.is_err());
    assert_eq!(kinds(&l).into_keys().collect::<Vec<_>>(), [Known::CrateRefusesLeadingFiller]);

    // `<` as a date-of-birth check digit where the computed digit is 0: 740810 gives 0.
    let l = [TD3_L1, "L898902C36UTO740810<F1204159ZE184226B<<<<<10"];
    assert_eq!(both(&l, C::DateOfBirth), (Some(O::Missing), Ok(Some(true))));
    assert!(kinds(&l).contains_key(&Known::FillerCheckDigitCountsAsZero));

    // TD1 long number D23145890735 (the ICAO Part 11 example with its last character changed:
    // for 734 both computations give 9) with the embedded digit computed with the `<` at
    // position 15 included, as some issuers do.
    let with_filler = check_digit([&b"D23145890<735"[..]]);
    assert_ne!(with_filler, check_digit([&b"D23145890735"[..]]), "the two computations must differ");
    let l1 = format!("I<UTOD23145890<735{with_filler}<<<<<<<<<<<");
    let l2 = seal_td1(&l1, "3407127M9507122UTO<<<<<<<<<<<");
    let l = [l1.as_str(), l2.as_str(), "STEVENSON<<PETER<JOHN<<<<<<<<<"];
    assert_eq!(both(&l, C::DocumentNumber), (Some(O::PassAlternative), Ok(Some(false))));
    assert_eq!(kinds(&l).into_keys().collect::<Vec<_>>(), [Known::LongNumberFillerIncluded]);

    // TD3 with `<` at the document-number check digit and a personal number starting with a
    // "continuation" and its digit (L898902C3 + ZE18422): the crate's TD3 extension passes it.
    let d = check_digit([&b"L898902C3ZE18422"[..]]);
    let body = format!("L898902C3<UTO7408122F1204159ZE18422{d}<<<<<<");
    let body = format!("{body}{}", check_digit([&body.as_bytes()[28..42]]));
    let l2 = seal(Format::Td3, &body);
    let l = [TD3_L1, l2.as_str()];
    assert_eq!(both(&l, C::DocumentNumber), (Some(O::Missing), Ok(Some(true))));
    assert_eq!(kinds(&l).into_keys().collect::<Vec<_>>(), [Known::Td3LongNumberExtension]);

    // TD1 whose number field ends in `<` (D231458), `<` at the check digit and `12d<` in the
    // optional data, with d computed over `D231458<<12`: the crate reads an overflow.
    let d = check_digit([&b"D231458<<12"[..]]);
    let l1 = format!("I<UTOD231458<<<12{d}<<<<<<<<<<<<");
    let l2 = seal_td1(&l1, &TD1_L2[..29]);
    let l = [l1.as_str(), l2.as_str(), TD1_L3];
    assert_eq!(both(&l, C::DocumentNumber), (Some(O::Missing), Ok(Some(true))));
    assert_eq!(kinds(&l).into_keys().collect::<Vec<_>>(), [Known::CrateOverflowOnPartialNumberField]);

    // Regression (found by this test): a TD2 long number whose continuation and check digit fill
    // the optional data with no terminating filler is not a long number (ICAO note j requires
    // the filler): the `<` at the check-digit position is a missing digit, as the crate says.
    let d = check_digit([&b"D23145890ABCDEF"[..]]);
    let l2 = seal(Format::Td2, &format!("D23145890<UTO7408122F1204159ABCDEF{d}"));
    let l = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", l2.as_str()];
    assert_eq!(both(&l, C::DocumentNumber), (Some(O::Missing), Ok(Some(false))));
    assert!(!mrz::check_text(&l.join("\n"), &policy()).unwrap().is_valid());
    assert!(kinds(&l).is_empty());

    // Regression (found by this test): the TD1 specimen with its document-number check digit
    // moved one place right (`D23145890<7<<...`). The number has nine characters, so there is no
    // continuation and the check digit is `<`: missing, invalid, as the crate says.
    let l1 = "I<UTOD23145890<7<<<<<<<<<<<<<<";
    let l2 = seal_td1(l1, &TD1_L2[..29]);
    let l = [l1, l2.as_str(), TD1_L3];
    assert_eq!(both(&l, C::DocumentNumber), (Some(O::Missing), Ok(Some(false))));
    assert!(!mrz::check_text(&l.join("\n"), &policy()).unwrap().is_valid());
    assert!(kinds(&l).is_empty());

    // Agreement where one might expect a difference: a letter in a check-digit position fails on
    // both sides, even when its value is congruent to the computed digit (G = 16, computed 6).
    let l = [TD3_L1, "L898902C3GUTO7408122F1204159ZE184226B<<<<<10"];
    assert_eq!(both(&l, C::DocumentNumber), (Some(O::NotADigit), Ok(Some(false))));
}
