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
