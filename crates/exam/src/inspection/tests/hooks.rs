//! Starting an inspection: the automation hooks and what they answer from the MRZ.

use super::*;

#[test]
fn a_valid_mrz_passes_every_hook_and_leaves_the_manual_items_open() {
    let report = report(Format::Td3, &specimen());
    assert_eq!(report.verdict, Verdict::Valid);
    let inspection = start_with(&report);
    for id in ["B01", "B02", "C01", "C02", "C03", "C06", "C11"] {
        let m = machine(&inspection, id);
        assert_eq!(m.answer, Answer::Pass, "{id}: {}", m.reason);
        assert!(m.finding_codes.is_empty(), "{id}: {:?}", m.finding_codes);
        let item = inspection.item(id).unwrap();
        assert_eq!((item.answer, item.answered_by), (Answer::Pass, Some(AnsweredBy::Machine)));
        assert_eq!(Some(m.hook), item.automation);
    }
    assert_eq!(
        machine(&inspection, "C02").checks,
        ["document_number", "date_of_birth", "date_of_expiry", "optional_data", "composite"]
    );
    assert!(machine(&inspection, "B02").reason.contains("2032-04-15"));
    let open: Vec<&str> = inspection.unanswered().map(|i| i.id.as_str()).collect();
    assert_eq!(open, ["F02", "F03"]);
}

#[test]
fn the_record_keeps_manual_context_and_trims_ids() {
    let report = report(Format::Td3, &specimen());
    let inspection = start_with(&report);
    assert_eq!(
        inspection.manual(),
        &ManualRef {
            id: "test-manual".to_owned(),
            version: "1.2.3".to_owned(),
            language: "en".to_owned(),
            content_hash: "abc123".to_owned()
        }
    );
    assert_eq!(inspection.officer(), Some("off-042"));
    assert_eq!(inspection.station(), Some("desk-3"));
    assert_eq!(inspection.started_at(), at(0));
    assert_eq!(inspection.ended_at(), None);
    let sections: Vec<(&str, &str)> = inspection.items().iter().map(|i| (i.id.as_str(), i.section.as_str())).collect();
    assert_eq!(sections[0], ("B01", "B"));
    assert_eq!(sections[9], ("F09", "F"));
    assert_eq!(inspection.items().len(), 11);
    let MrzEvidence::Read { report: json } = inspection.mrz() else { panic!("read") };
    assert_eq!(json["verdict"], "valid");
}

#[test]
fn an_invalid_check_digit_pre_fails_the_check_digit_item() {
    let report = wrong_check_digit();
    assert_eq!(report.failed_checks, ["date_of_birth", "composite"]);
    let inspection = start_with(&report);
    let m = machine(&inspection, "C02");
    assert_eq!(m.answer, Answer::Fail);
    assert_eq!(m.checks, ["date_of_birth", "composite"]);
    assert_eq!(m.finding_codes, ["check_digit_mismatch"]);
    assert!(m.reason.contains("date of birth check digit"), "{}", m.reason);
    assert_eq!(answer_of(&inspection, "C02"), Answer::Fail);
    // The other hooks judge what they cover.
    assert_eq!(answer_of(&inspection, "B02"), Answer::Pass);
    assert_eq!(answer_of(&inspection, "C01"), Answer::Pass);
    assert_eq!(inspection.suggest_outcome().outcome, Outcome::ReferSecondLine);
}

#[test]
fn an_expired_document_pre_fails_its_item() {
    let mut fields = specimen();
    fields.date_of_expiry = "240415".to_owned();
    let report = report(Format::Td3, &fields);
    assert_eq!(report.verdict, Verdict::Valid, "expiry is a warning to the MRZ engine");
    let inspection = start_with(&report);
    let m = machine(&inspection, "B02");
    assert_eq!(m.answer, Answer::Fail);
    assert_eq!(m.finding_codes, ["expired"]);
    assert!(m.reason.contains("2024-04-15"), "{}", m.reason);
    assert_eq!(answer_of(&inspection, "C02"), Answer::Pass);
    let suggestion = inspection.suggest_outcome();
    assert_eq!((suggestion.outcome, suggestion.refusal_reasons), (Outcome::Refuse, vec![RefusalReason::A]));
}

/// A scanned reading with a character no second reader confirmed.
fn needs_review(fields: &MrzFields) -> MrzReport {
    use docexam_mrz::doubt::{Doubt, DoubtReason};
    let at = docexam_mrz::layout::Span::new(0, 7, 1);
    let doubt = Doubt {
        at,
        field: Some("name"),
        read: 'I',
        candidates: vec!['1'],
        reason: DoubtReason::ReadersDisagree { ocr: 'I', glyph: 'T' },
        explanation: "read as 'I': OCR read 'I' and the OCR-B glyph matcher 'T'".to_owned(),
    };
    report(Format::Td3, fields).with_doubts(vec![doubt])
}

#[test]
fn a_reading_that_needs_review_passes_no_item_but_still_fails_what_is_wrong() {
    let report = needs_review(&specimen());
    assert_eq!(report.verdict, Verdict::NeedsReview);
    let inspection = start_with(&report);
    for id in ["B01", "B02", "C01", "C02", "C03", "C06", "C11"] {
        let m = machine(&inspection, id);
        assert_eq!(m.answer, Answer::NotChecked, "{id}: {}", m.reason);
        assert_eq!(m.finding_codes, ["needs_review"], "{id}");
        assert!(m.reason.starts_with("needs review") && m.reason.contains("L1 8"), "{id}: {}", m.reason);
        assert_eq!(answer_of(&inspection, id), Answer::NotChecked);
    }
    let mut fields = specimen();
    fields.date_of_expiry = "240415".to_owned();
    let inspection = start_with(&needs_review(&fields));
    assert_eq!(machine(&inspection, "B02").answer, Answer::Fail, "expired whatever the doubt");
    assert_eq!(machine(&inspection, "C02").answer, Answer::NotChecked);
}

#[test]
fn an_unknown_country_code_the_scanner_doubts_is_not_checked_but_a_typed_one_fails() {
    use docexam_mrz::doubt::{Doubt, DoubtReason};
    let mut fields = specimen();
    fields.nationality = "XQZ".to_owned();
    let typed = report(Format::Td3, &fields);
    assert_eq!(answer_of(&start_with(&typed), "C06"), Answer::Fail);
    let doubts = (12..15)
        .map(|p| Doubt {
            at: docexam_mrz::layout::Span::new(1, p, 1),
            field: Some("nationality"),
            read: 'X',
            candidates: Vec::new(),
            reason: DoubtReason::UnknownCountryCode { code: "XQZ".to_owned() },
            explanation: "\"XQZ\" is not a code in the ICAO table".to_owned(),
        })
        .collect();
    let scanned = typed.with_doubts(doubts);
    let inspection = start_with(&scanned);
    let m = machine(&inspection, "C06");
    assert_eq!((m.answer, m.finding_codes.as_slice()), (Answer::NotChecked, ["needs_review".to_owned()].as_slice()));
    assert_eq!(answer_of(&inspection, "B01"), Answer::NotChecked, "the issuer passes, so it is not checked either");
}

#[test]
fn no_mrz_leaves_every_mrz_item_not_checked_with_the_reason() {
    let manual = mrz_manual();
    for (input, code, words) in [
        (MrzInput::NotFound { reason: "no MRZ band in the image" }, "no_mrz_found", "no MRZ found: no MRZ band"),
        (MrzInput::NotRead { reason: "the officer skipped the reader" }, "mrz_not_read", "MRZ not read: the officer"),
    ] {
        let inspection = start(&manual, Level::First, input);
        for item in inspection.visible_items().filter(|i| i.automation.is_some()) {
            let m = item.machine.as_ref().unwrap();
            assert_eq!(item.answer, Answer::NotChecked, "{}", item.id);
            assert_eq!(m.finding_codes, [code]);
            assert!(m.reason.starts_with(words), "{}", m.reason);
        }
    }
    let inspection = start(&manual, Level::First, MrzInput::NotFound { reason: "x" });
    assert!(matches!(inspection.mrz(), MrzEvidence::NotFound { reason } if reason == "x"));
}

#[test]
fn unreadable_text_leaves_mrz_items_not_checked_with_the_unreadable_code() {
    let report = report_of_lines(&["P<UTOERIKSSON<<ANNA".to_owned()]);
    assert_eq!(report.verdict, Verdict::Unreadable);
    let inspection = start_with(&report);
    let m = machine(&inspection, "C01");
    assert_eq!(m.answer, Answer::NotChecked);
    assert_eq!(m.finding_codes, [report.unreadable.as_ref().unwrap().code]);
    assert!(m.reason.starts_with("the MRZ could not be read: "), "{}", m.reason);
    assert!(inspection.visible_items().filter(|i| i.automation.is_some()).all(|i| i.answer == Answer::NotChecked));
}

#[test]
fn country_code_hooks_fail_on_their_own_field_only() {
    let mut fields = specimen();
    fields.issuing_state = "XQZ".to_owned();
    let inspection = start_with(&report(Format::Td3, &fields));
    let m = machine(&inspection, "B01");
    assert_eq!((m.answer, m.finding_codes.as_slice()), (Answer::Fail, ["unknown_country_code".to_owned()].as_slice()));
    assert_eq!(answer_of(&inspection, "C06"), Answer::Pass);

    let mut fields = specimen();
    fields.nationality = "XQZ".to_owned();
    let inspection = start_with(&report(Format::Td3, &fields));
    assert_eq!(answer_of(&inspection, "B01"), Answer::Pass);
    assert_eq!(machine(&inspection, "C06").finding_codes, ["unknown_country_code"]);
    assert_eq!(answer_of(&inspection, "C06"), Answer::Fail);

    // A deprecated code passes, with the warning listed.
    let mut fields = specimen();
    fields.issuing_state = "ANT".to_owned();
    let inspection = start_with(&report(Format::Td3, &fields));
    let m = machine(&inspection, "B01");
    assert_eq!(m.answer, Answer::Pass);
    assert_eq!(m.warning_codes, ["deprecated_country_code"]);
    assert!(m.reason.contains("worth a look"), "{}", m.reason);
}

#[test]
fn name_integrity_fails_on_a_digit_in_the_name() {
    let mut lines = emit(Format::Td3, &specimen()).expect("emit");
    lines[0] = lines[0].replace("ERIKSSON", "ERIKSS0N");
    let report = report_of_lines(&lines);
    let inspection = start_with(&report);
    let m = machine(&inspection, "C11");
    assert_eq!((m.answer, m.finding_codes.as_slice()), (Answer::Fail, ["digit_in_name".to_owned()].as_slice()));
    assert_eq!(answer_of(&inspection, "C01"), Answer::Pass, "a digit in a name is not a format error");
    assert_eq!(answer_of(&inspection, "C02"), Answer::Pass, "names carry no check digit");
}

#[test]
fn birth_date_fails_on_a_date_that_does_not_exist() {
    let mut fields = specimen();
    fields.date_of_birth = "741312".to_owned();
    let inspection = start_with(&report(Format::Td3, &fields));
    let m = machine(&inspection, "C03");
    assert_eq!((m.answer, m.finding_codes.as_slice()), (Answer::Fail, ["invalid_date".to_owned()].as_slice()));
    assert_eq!(answer_of(&inspection, "B02"), Answer::Pass, "the expiry is not concerned");
}

#[test]
fn format_fails_on_a_letter_where_digits_belong() {
    let mut fields = specimen();
    fields.date_of_birth = "74O812".to_owned();
    let inspection = start_with(&report(Format::Td3, &fields));
    let m = machine(&inspection, "C01");
    assert_eq!((m.answer, m.finding_codes.as_slice()), (Answer::Fail, ["wrong_character_class".to_owned()].as_slice()));
}

#[test]
fn a_format_without_expiry_leaves_the_expiry_item_not_checked() {
    let fields = MrzFields {
        document_code: "ID".to_owned(),
        issuing_state: "FRA".to_owned(),
        primary_identifier: "BERTHIER".to_owned(),
        secondary_identifier: "CORINNE".to_owned(),
        document_number: "880692310285".to_owned(),
        date_of_birth: "650723".to_owned(),
        sex: 'F',
        optional_data: "923042".to_owned(),
        ..MrzFields::default()
    };
    let report = report(Format::FrenchId, &fields);
    assert_ne!(report.verdict, Verdict::Unreadable);
    let inspection = start_with(&report);
    let m = machine(&inspection, "B02");
    assert_eq!(m.answer, Answer::NotChecked);
    assert!(m.reason.contains("no date of expiry"), "{}", m.reason);
    assert_eq!(answer_of(&inspection, "C06"), Answer::NotChecked, "the French card has no nationality field");
    assert_eq!(answer_of(&inspection, "C02"), Answer::Pass);
}

#[test]
fn a_manual_with_a_repeated_item_id_does_not_start() {
    let manual = manual_of(vec![
        ("A", vec![item("A01", Level::First, Severity::S3, &[], None)]),
        ("B", vec![item("A01", Level::First, Severity::S3, &[], None)]),
    ]);
    let err = Inspection::start(&manual, "h", setup(Level::First), MrzInput::NotRead { reason: "-" }).unwrap_err();
    assert!(matches!(err, StartError::DuplicateItem { ref item, .. } if item == "A01"), "{err}");
}

#[test]
fn image_sources_record_the_hash_of_the_bytes() {
    let source = DocumentSource::image("scan.png", b"abc");
    assert_eq!(
        source,
        DocumentSource::Image {
            path: "scan.png".to_owned(),
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_owned()
        }
    );
}
