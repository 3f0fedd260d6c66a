//! Properties of the MRZ engine over generated input: nothing panics; every emitted MRZ checks
//! valid and decodes to what was written; any single substitution in a checked field that is not a
//! mod-10 blind spot makes the MRZ invalid and names the check that caught it.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use proptest::prelude::*;
use proptest::test_runner::Config;

use docexam_mrz::charset::char_value;
use docexam_mrz::correct::{CorrectionOptions, SubstitutionReason, candidates_from_text, correct};
use docexam_mrz::countries::COUNTRIES;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::emit::{MrzFields, emit};
use docexam_mrz::fields::{CheckId, FieldId};
use docexam_mrz::layout::{Format, layout};
use docexam_mrz::report::MrzReport;
use docexam_mrz::{CheckedMrz, Verdict, check_text};

fn policy() -> DatePolicy {
    DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 })
}

fn config() -> Config {
    // Fixed case counts and no failure persistence files: CI runs are reproducible and quick.
    Config { cases: 512, failure_persistence: None, ..Config::default() }
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

fn country() -> impl Strategy<Value = String> {
    let codes: Vec<&str> = COUNTRIES.iter().map(|c| c.code).filter(|c| c.len() == 3).collect();
    proptest::sample::select(codes).prop_map(str::to_owned)
}

/// `YYMMDD` with the two-digit year in `years`. Births 1930-1999 and expiries 2000-2055 keep every
/// generated document possible (born before it expires) under the 2026-11-23 policy.
fn date(years: std::ops::Range<u32>) -> impl Strategy<Value = String> {
    (years, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}"))
}

fn words(max_words: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec("[A-Z]{2,8}", 1..=max_words).prop_map(|w| w.join(" "))
}

/// A format and fields that fit it (document numbers up to nine characters: see
/// `long_td1_and_td2_numbers_round_trip`).
fn format_and_fields() -> impl Strategy<Value = (Format, MrzFields)> {
    fields_in(vec![Format::Td1, Format::Td2, Format::Td3, Format::MrvA, Format::MrvB])
}

/// One of `formats` and fields that fit it.
fn fields_in(formats: Vec<Format>) -> impl Strategy<Value = (Format, MrzFields)> {
    let format = proptest::sample::select(formats);
    (
        format,
        country(),
        country(),
        words(2),
        words(2),
        "[A-Z0-9]{1,9}",
        date(30..100),
        date(0..56),
        prop_oneof![Just('M'), Just('F'), Just('<')],
        "[A-Z0-9]{0,7}",
        "[A-Z0-9]{0,11}",
    )
        .prop_map(
            |(format, state, nationality, primary, secondary, number, birth, expiry, sex, optional, optional2)| {
                let code = match format {
                    Format::Td3 => "P",
                    Format::MrvA | Format::MrvB => "V",
                    _ => "I",
                };
                let fields = MrzFields {
                    document_code: code.to_owned(),
                    issuing_state: state,
                    primary_identifier: primary,
                    secondary_identifier: secondary,
                    document_number: number,
                    nationality,
                    date_of_birth: birth,
                    sex,
                    date_of_expiry: expiry,
                    optional_data: optional,
                    optional_data_2: if format == Format::Td1 { optional2 } else { String::new() },
                };
                (format, fields)
            },
        )
}

fn checked(lines: &[String]) -> CheckedMrz {
    check_text(&lines.join("\n"), &policy()).expect("emitted MRZ is readable")
}

fn name_fits(format: Format, f: &MrzFields) -> bool {
    let width = match format {
        Format::Td1 => 30,
        other => other.line_len() - 5,
    };
    f.primary_identifier.len() + 2 + f.secondary_identifier.len() <= width
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let result = check_text(&text, &policy());
        let report = MrzReport::from_result(&result, &policy());
        serde_json::to_string(&report).expect("serialisable");
        if let Ok(c) = &result {
            prop_assert!(c.verdict() != Verdict::Valid || c.failed_checks().next().is_none());
        }
    }

    #[test]
    fn mrz_shaped_noise_never_panics(
        lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(ALPHABET.to_vec()), 28..46), 1..4),
        confidence in 0.0f32..1.0,
    ) {
        let text: Vec<String> = lines.iter().map(|l| String::from_utf8(l.clone()).unwrap()).collect();
        let text = text.join("\n");
        let result = check_text(&text, &policy());
        let report = MrzReport::from_result(&result, &policy());
        serde_json::to_string(&report).expect("serialisable");
        let correction = correct(&candidates_from_text(&text, confidence), &CorrectionOptions::default());
        // Correction with one confidence everywhere may only fix classes; it never invents a valid MRZ
        // by changing confident characters.
        if confidence >= CorrectionOptions::default().high_confidence {
            let only_class_fixes = correction.substitutions.iter().all(|s| matches!(s.reason, SubstitutionReason::CharacterClass { .. }));
            prop_assert!(only_class_fixes, "{:?}", correction);
        }
    }

    #[test]
    fn emitted_mrz_round_trips((format, fields) in format_and_fields()) {
        let lines = emit(format, &fields).expect("fields fit");
        let c = checked(&lines);
        prop_assert_eq!(c.format(), format);
        prop_assert!(c.is_valid(), "{:?}: {:?}", lines, c.findings());
        prop_assert_eq!(c.document_number(), fields.document_number.clone());
        prop_assert_eq!(c.country_code(FieldId::IssuingState), fields.issuing_state.clone());
        prop_assert_eq!(c.country_code(FieldId::Nationality), fields.nationality.clone());
        prop_assert_eq!(c.field_text(FieldId::DateOfBirth), fields.date_of_birth.clone());
        prop_assert_eq!(c.field_text(FieldId::DateOfExpiry), fields.date_of_expiry.clone());
        prop_assert_eq!(c.field_text(FieldId::Sex), fields.sex.to_string());
        if format != Format::Td2 || fields.optional_data.len() <= 7 {
            prop_assert_eq!(c.optional_data(FieldId::OptionalData), fields.optional_data.clone());
        }
        if name_fits(format, &fields) {
            let name = c.name();
            prop_assert_eq!(name.primary_text(), fields.primary_identifier.clone());
            prop_assert_eq!(name.secondary_text(), fields.secondary_identifier.clone());
        }
    }

    #[test]
    fn long_td1_and_td2_numbers_round_trip(
        number in "[A-Z0-9]{10,14}",
        (format, base) in fields_in(vec![Format::Td1, Format::Td2]),
    ) {
        // TD2's optional data has room for at most five more characters (14 in all), a check
        // digit and a filler; TD1's for more than the 14 generated.
        let fields = MrzFields { document_code: "I".into(), document_number: number.clone(), optional_data: String::new(), optional_data_2: String::new(), ..base };
        let lines = emit(format, &fields).expect("fits");
        let c = checked(&lines);
        prop_assert_eq!(c.format(), format);
        prop_assert!(c.is_valid(), "{:?}: {:?}", lines, c.findings());
        prop_assert_eq!(c.document_number(), number);
    }

    #[test]
    fn a_substitution_in_a_checked_field_is_caught_and_named(
        (format, fields) in format_and_fields(),
        pick_check in any::<prop::sample::Index>(),
        pick_position in any::<prop::sample::Index>(),
        pick_char in any::<prop::sample::Index>(),
    ) {
        let lines = emit(format, &fields).expect("fits");
        let spec = layout(format);
        let field_checks: Vec<_> = spec.checks.iter().filter(|c| c.id != CheckId::Composite).collect();
        let check = field_checks[pick_check.index(field_checks.len())];
        // Every position the check covers, and the digit itself.
        let mut positions: Vec<(usize, usize)> = check
            .covers
            .iter()
            .flat_map(|s| (s.start as usize..s.end()).map(move |col| (s.line as usize, col)))
            .collect();
        positions.push((check.digit.line as usize, check.digit.start as usize));
        let (line, col) = positions[pick_position.index(positions.len())];
        let original = lines[line].as_bytes()[col];
        // Class-preserving replacements that are not blind spots: the values differ mod 10.
        let is_digit_position = col == check.digit.start as usize && line == check.digit.line as usize
            || matches!(check.id, CheckId::DateOfBirth | CheckId::DateOfExpiry);
        let pool: &[u8] = if is_digit_position { b"0123456789" } else { b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" };
        let options: Vec<u8> = pool
            .iter()
            .copied()
            .filter(|&c| char_value(c).map(|v| v % 10) != char_value(original).map(|v| v % 10))
            .collect();
        let replacement = options[pick_char.index(options.len())];
        let mut mutated = lines.clone();
        let mut bytes = mutated[line].clone().into_bytes();
        bytes[col] = replacement;
        mutated[line] = String::from_utf8(bytes).unwrap();

        let c = checked(&mutated);
        prop_assert_eq!(c.verdict(), Verdict::Invalid, "{:?} -> {:?}", lines, mutated);
        let failed: Vec<CheckId> = c.failed_checks().map(|r| r.id).collect();
        prop_assert!(failed.contains(&check.id), "{:?}: {:?} not in {:?}", mutated, check.id, failed);
    }

    #[test]
    fn a_substitution_covered_only_by_the_composite_is_caught((format, fields) in format_and_fields(), pick in any::<prop::sample::Index>(), pick_char in any::<prop::sample::Index>()) {
        // TD1 optional data (both lines) and TD2 optional data are protected by the composite alone.
        let spans: Vec<(usize, usize)> = match format {
            Format::Td1 => (15..30).map(|c| (0, c)).chain((18..29).map(|c| (1, c))).collect(),
            Format::Td2 => (28..35).map(|c| (1, c)).collect(),
            _ => return Ok(()),
        };
        let lines = emit(format, &fields).expect("fits");
        let (line, col) = spans[pick.index(spans.len())];
        let original = lines[line].as_bytes()[col];
        let options: Vec<u8> = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            .iter()
            .copied()
            .filter(|&c| char_value(c).map(|v| v % 10) != char_value(original).map(|v| v % 10))
            .collect();
        let mut mutated = lines.clone();
        let mut bytes = mutated[line].clone().into_bytes();
        bytes[col] = options[pick_char.index(options.len())];
        mutated[line] = String::from_utf8(bytes).unwrap();
        let c = checked(&mutated);
        prop_assert_eq!(c.verdict(), Verdict::Invalid, "{:?}", mutated);
        prop_assert!(c.failed_checks().any(|r| r.id == CheckId::Composite), "{:?}", mutated);
    }
}

/// The blind spots, asserted: a substitution congruent mod 10 passes every check digit. This is why
/// names and other unchecked evidence matter, and why OCR correction reports blind spots.
#[test]
fn mod_10_blind_spots_pass_every_check() {
    let specimen = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];
    // The 8 at column 2 of the document number read as S (28), and the 2 at column 7 as M (22).
    for (col, to) in [(1usize, 'S'), (6, 'M')] {
        let mut line2: Vec<char> = specimen[1].chars().collect();
        line2[col] = to;
        let line2: String = line2.into_iter().collect();
        let c = checked(&[specimen[0].to_owned(), line2.clone()]);
        assert!(c.is_valid(), "{line2} should pass every check (blind spot)");
        assert_ne!(c.document_number(), "L898902C3");
    }
}
