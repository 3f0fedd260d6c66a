use crate::dates::{CalendarDate, DatePolicy};
use crate::fields::FieldId;
use crate::layout::Format;
use crate::*;

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
    let c =
        check(&["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<"]);
    assert_eq!(c.document_number(), "D23145890734");
    assert!(c.is_valid(), "{:?}", c.findings());
    assert_eq!(c.optional_data(FieldId::OptionalData), "");
}

#[test]
fn a_broken_check_digit_is_invalid_and_named() {
    let c = check(&["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C37UTO7408122F1204159ZE184226B<<<<<10"]);
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
