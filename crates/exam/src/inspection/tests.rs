//! Unit tests of the inspection rules, the automation hooks and the suggestion table, on small
//! manuals built in code and MRZs written by `mrz::emit`.

use super::*;
use crate::manual::{Item, Section};
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::emit::{MrzFields, emit};
use docexam_mrz::layout::Format;
use docexam_mrz::{self as mrz, Verdict};

use AutomationHook as H;
use FailureCode::{AD, CF, FgData, OCR};

// ---------------------------------------------------------------------------------------------
// Fixtures

fn item(id: &str, level: Level, severity: Severity, suggests: &[FailureCode], hook: Option<H>) -> Item {
    Item {
        id: id.to_owned(),
        level,
        prompt: format!("prompt of {id}"),
        look_at: format!("where to look for {id}"),
        tools: Vec::new(),
        failure_suggests: suggests.to_vec(),
        severity,
        action: "refer".to_owned(),
        automation: hook,
    }
}

fn manual_of(sections: Vec<(&str, Vec<Item>)>) -> Manual {
    Manual {
        format: crate::manual::FORMAT_VERSION,
        id: "test-manual".to_owned(),
        title: "Test manual".to_owned(),
        version: "1.2.3".to_owned(),
        language: "en".to_owned(),
        level: Level::First,
        time_budget_seconds: None,
        description: String::new(),
        sections: sections
            .into_iter()
            .map(|(id, items)| Section { id: id.to_owned(), title: format!("section {id}"), falsedoc: None, items })
            .collect(),
    }
}

/// A first-line manual with one item per MRZ hook, two manual items and one second-line item.
fn mrz_manual() -> Manual {
    manual_of(vec![
        (
            "B",
            vec![
                item("B01", Level::First, Severity::S2, &[CF, OCR], Some(H::MrzIssuerCode)),
                item("B02", Level::First, Severity::S1, &[AD], Some(H::MrzExpiry)),
            ],
        ),
        (
            "C",
            vec![
                item("C01", Level::First, Severity::S2, &[CF, OCR], Some(H::MrzFormat)),
                item("C02", Level::First, Severity::S1, &[FgData, CF, OCR], Some(H::MrzCheckDigits)),
                item("C03", Level::First, Severity::S3, &[FgData], Some(H::MrzBirthDate)),
                item("C06", Level::First, Severity::S3, &[CF], Some(H::MrzNationalityCode)),
                item("C11", Level::First, Severity::S3, &[FgData, OCR], Some(H::MrzNameIntegrity)),
            ],
        ),
        (
            "F",
            vec![
                item("F02", Level::First, Severity::S1, &[FailureCode::FgPhoto], None),
                item("F03", Level::First, Severity::S4, &[FailureCode::IM], None),
                item("F09", Level::Second, Severity::S2, &[FailureCode::FgPhoto], None),
                item("C99", Level::Second, Severity::S1, &[CF], Some(H::MrzCheckDigits)),
            ],
        ),
    ])
}

const REFERENCE: CalendarDate = CalendarDate { year: 2026, month: 11, day: 23 };

fn specimen() -> MrzFields {
    MrzFields {
        document_code: "P".to_owned(),
        issuing_state: "UTO".to_owned(),
        primary_identifier: "ERIKSSON".to_owned(),
        secondary_identifier: "ANNA MARIA".to_owned(),
        document_number: "L898902C3".to_owned(),
        nationality: "UTO".to_owned(),
        date_of_birth: "740812".to_owned(),
        sex: 'F',
        date_of_expiry: "320415".to_owned(),
        optional_data: "ZE184226B".to_owned(),
        optional_data_2: String::new(),
    }
}

fn report_of_lines(lines: &[String]) -> MrzReport {
    let policy = DatePolicy::new(REFERENCE);
    MrzReport::from_result(&mrz::check_text(&lines.join("\n"), &policy), &policy)
}

fn report(format: Format, fields: &MrzFields) -> MrzReport {
    report_of_lines(&emit(format, fields).expect("emit"))
}

/// The specimen with its date-of-birth check digit (L2 20) printed wrong (the composite follows).
fn wrong_check_digit() -> MrzReport {
    let mut lines = emit(Format::Td3, &specimen()).expect("emit");
    let mut line2: Vec<char> = lines[1].chars().collect();
    line2[19] = if line2[19] == '9' { '0' } else { char::from_digit(line2[19].to_digit(10).unwrap() + 1, 10).unwrap() };
    lines[1] = line2.into_iter().collect();
    report_of_lines(&lines)
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_795_427_267 + seconds).expect("in range")
}

fn setup(level: Level) -> Setup {
    Setup {
        level,
        officer: Some("off-042".to_owned()),
        station: Some(" desk-3 ".to_owned()),
        started_at: at(0),
        source: DocumentSource::Text,
    }
}

fn start(manual: &Manual, level: Level, mrz: MrzInput<'_>) -> Inspection {
    Inspection::start(manual, "abc123", setup(level), mrz).expect("start")
}

fn start_with(report: &MrzReport) -> Inspection {
    start(&mrz_manual(), Level::First, MrzInput::Report(report))
}

fn machine(inspection: &Inspection, id: &str) -> MachineResult {
    inspection.item(id).and_then(|i| i.machine.clone()).unwrap_or_else(|| panic!("{id} has a machine answer"))
}

fn answer_of(inspection: &Inspection, id: &str) -> Answer {
    inspection.item(id).map(|i| i.answer).unwrap_or_else(|| panic!("{id} exists"))
}

fn request(outcome: Outcome) -> DecisionRequest {
    DecisionRequest { outcome, refusal_reasons: Vec::new(), justification: None }
}

fn codes(violations: &[RuleViolation]) -> Vec<&'static str> {
    violations.iter().map(RuleViolation::code).collect()
}

// ---------------------------------------------------------------------------------------------
// Starting, automation hooks

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

// ---------------------------------------------------------------------------------------------
// Levels, answers, overrides

#[test]
fn items_above_the_level_are_hidden_but_kept() {
    let report = wrong_check_digit();
    let first = start_with(&report);
    for id in ["F09", "C99"] {
        let item = first.item(id).unwrap();
        assert!(!item.visible, "{id}");
        assert_eq!((item.answer, item.answered_by, item.machine.is_some()), (Answer::NotChecked, None, false), "{id}");
    }
    assert_eq!(first.visible_items().count(), 9);
    assert!(first.unanswered().all(|i| i.level == Level::First));

    let mut first = first;
    let err = first.answer("F09", Answer::Pass, None).unwrap_err();
    assert_eq!(
        err,
        RuleViolation::HiddenItem { item: "F09".to_owned(), item_level: Level::Second, inspection_level: Level::First }
    );
    assert!(err.to_string().contains("F09 is a second-line check"), "{err}");

    let second = start(&mrz_manual(), Level::Second, MrzInput::Report(&report));
    assert_eq!(second.visible_items().count(), 11);
    assert_eq!(answer_of(&second, "C99"), Answer::Fail, "visible automated items are pre-filled at second line");
}

#[test]
fn answering_an_unknown_item_is_an_error() {
    let mut inspection = start(&mrz_manual(), Level::First, MrzInput::NotRead { reason: "-" });
    let err = inspection.answer("Z99", Answer::Pass, None).unwrap_err();
    assert_eq!(err, RuleViolation::UnknownItem { item: "Z99".to_owned(), manual: "test-manual".to_owned() });
    assert_eq!(err.items(), ["Z99"]);
    assert!(inspection.override_answer("Z99", Answer::Pass, "why", None).is_err());
}

#[test]
fn officer_answers_manual_items_with_notes() {
    let mut inspection = start(&mrz_manual(), Level::First, MrzInput::NotRead { reason: "-" });
    inspection.answer("F02", Answer::Fail, Some("  edge of the photo lifted ".to_owned())).unwrap();
    inspection.answer("F03", Answer::NotApplicable, Some("   ".to_owned())).unwrap();
    let f02 = inspection.item("F02").unwrap();
    assert_eq!((f02.answer, f02.answered_by), (Answer::Fail, Some(AnsweredBy::Officer)));
    assert_eq!(f02.note.as_deref(), Some("edge of the photo lifted"));
    assert_eq!(inspection.item("F03").unwrap().note, None, "a blank note is no note");
    // A second answer replaces the first; the note stays unless a new one is given.
    inspection.answer("F02", Answer::Pass, None).unwrap();
    assert_eq!(answer_of(&inspection, "F02"), Answer::Pass);
    assert_eq!(inspection.item("F02").unwrap().note.as_deref(), Some("edge of the photo lifted"));
    assert_eq!(inspection.unanswered().count(), 0, "the MRZ items carry the machine's \"not checked\"");
}

#[test]
fn a_machine_answer_changes_only_through_an_override_with_a_reason() {
    let report = wrong_check_digit();
    let mut inspection = start_with(&report);

    let err = inspection.answer("C02", Answer::Pass, None).unwrap_err();
    assert_eq!(
        err,
        RuleViolation::MachineAnswered { item: "C02".to_owned(), machine: Answer::Fail, given: Answer::Pass }
    );
    assert!(err.to_string().contains("override"), "{err}");
    // The machine's own answer is accepted (adds a note).
    inspection.answer("C02", Answer::Fail, Some("re-read: same".to_owned())).unwrap();
    assert_eq!(inspection.item("C02").unwrap().answered_by, Some(AnsweredBy::Machine));

    assert_eq!(
        inspection.override_answer("C02", Answer::Pass, "  ", None).unwrap_err(),
        RuleViolation::OverrideWithoutReason { item: "C02".to_owned(), machine: Answer::Fail, given: Answer::Pass }
    );
    assert_eq!(
        inspection.override_answer("C02", Answer::Fail, "sure", None).unwrap_err(),
        RuleViolation::OverrideChangesNothing { item: "C02".to_owned(), machine: Answer::Fail }
    );
    assert_eq!(
        inspection.override_answer("F02", Answer::Pass, "sure", None).unwrap_err(),
        RuleViolation::NothingToOverride { item: "F02".to_owned() }
    );
    assert_eq!(answer_of(&inspection, "C02"), Answer::Fail, "failed attempts change nothing");

    inspection.override_answer("C02", Answer::Pass, " reader misread the 2 as 3; checked by hand ", None).unwrap();
    let c02 = inspection.item("C02").unwrap();
    assert_eq!((c02.answer, c02.answered_by), (Answer::Pass, Some(AnsweredBy::Officer)));
    assert_eq!(c02.machine.as_ref().unwrap().answer, Answer::Fail, "the machine answer is kept");
    assert_eq!(
        c02.override_,
        Some(Override {
            machine: Answer::Fail,
            officer: Answer::Pass,
            reason: "reader misread the 2 as 3; checked by hand".to_owned()
        })
    );
    assert_eq!(c02.note.as_deref(), Some("re-read: same"));
    assert_eq!(inspection.suggest_outcome().outcome, Outcome::Admit);
    assert!(inspection.violations().is_empty());

    // Answering with the machine's value withdraws the override.
    inspection.answer("C02", Answer::Fail, None).unwrap();
    let c02 = inspection.item("C02").unwrap();
    assert_eq!((c02.answer, c02.answered_by, c02.override_.is_none()), (Answer::Fail, Some(AnsweredBy::Machine), true));
}

#[test]
fn a_not_checked_machine_answer_can_be_overridden_after_a_manual_check() {
    let mut inspection = start(&mrz_manual(), Level::First, MrzInput::NotFound { reason: "glare" });
    inspection.override_answer("B02", Answer::Pass, "expiry read in the visual zone: 2031-05-02", None).unwrap();
    assert_eq!(answer_of(&inspection, "B02"), Answer::Pass);
    assert_eq!(inspection.item("B02").unwrap().override_.as_ref().unwrap().machine, Answer::NotChecked);
}

// ---------------------------------------------------------------------------------------------
// Deciding

#[test]
fn admit_after_a_failed_critical_item_needs_a_written_justification() {
    let mut inspection = start_with(&wrong_check_digit());
    inspection.answer("F02", Answer::Fail, None).unwrap();
    for justification in [None, Some("   ".to_owned())] {
        let err = inspection
            .decide(DecisionRequest { outcome: Outcome::Admit, refusal_reasons: Vec::new(), justification }, at(60))
            .unwrap_err();
        assert_eq!(
            err.0,
            [RuleViolation::AdmitWithoutJustification { items: vec!["C02".to_owned(), "F02".to_owned()] }]
        );
        assert!(err.to_string().contains("C02, F02"), "{err}");
        assert_eq!(err.0[0].items(), ["C02", "F02"]);
    }
    assert!(inspection.decision().is_none() && inspection.ended_at().is_none(), "a refused decision changes nothing");
    let decision = inspection
        .decide(
            DecisionRequest {
                outcome: Outcome::Admit,
                refusal_reasons: Vec::new(),
                justification: Some(" supervisor compared with the reference: genuine ".to_owned()),
            },
            at(60),
        )
        .unwrap();
    assert_eq!(decision.justification.as_deref(), Some("supervisor compared with the reference: genuine"));
    assert_eq!(decision.suggested.outcome, Outcome::ReferSecondLine, "the suggestion shown is kept");
    assert_eq!(inspection.ended_at(), Some(at(60)));
}

#[test]
fn failed_lower_severities_do_not_need_a_justification_to_admit() {
    let mut inspection = start_with(&report(Format::Td3, &specimen()));
    inspection.answer("F03", Answer::Fail, None).unwrap();
    assert!(inspection.decide(request(Outcome::Admit), at(1)).is_ok());
}

#[test]
fn refusing_needs_a_reason_code_and_only_refusals_carry_them() {
    let mut inspection = start_with(&report(Format::Td3, &specimen()));
    let err = inspection.decide(request(Outcome::Refuse), at(1)).unwrap_err();
    assert_eq!(codes(&err.0), ["refusal_without_reason"]);
    let err = inspection
        .decide(
            DecisionRequest {
                outcome: Outcome::ReferSecondLine,
                refusal_reasons: vec![RefusalReason::B],
                justification: None,
            },
            at(1),
        )
        .unwrap_err();
    assert_eq!(codes(&err.0), ["reasons_without_refusal"]);
    assert!(err.to_string().contains("code(s) B"), "{err}");
    let decision = inspection
        .decide(
            DecisionRequest {
                outcome: Outcome::Refuse,
                refusal_reasons: vec![RefusalReason::E, RefusalReason::C, RefusalReason::E],
                justification: None,
            },
            at(1),
        )
        .unwrap();
    assert_eq!(decision.refusal_reasons, [RefusalReason::C, RefusalReason::E], "sorted, no repeats");
}

#[test]
fn a_seizure_may_carry_refusal_reasons() {
    let mut inspection = start_with(&wrong_check_digit());
    let decision = inspection
        .decide(
            DecisionRequest { outcome: Outcome::Seize, refusal_reasons: vec![RefusalReason::B], justification: None },
            at(5),
        )
        .unwrap();
    assert_eq!(decision.outcome, Outcome::Seize);
}

#[test]
fn every_broken_decision_rule_is_reported_at_once() {
    let mut inspection = start_with(&wrong_check_digit());
    let err = inspection
        .decide(
            DecisionRequest { outcome: Outcome::Admit, refusal_reasons: vec![RefusalReason::A], justification: None },
            at(-5),
        )
        .unwrap_err();
    assert_eq!(codes(&err.0), ["reasons_without_refusal", "admit_without_justification", "ended_before_start"]);
}

#[test]
fn an_inspection_is_decided_once_and_then_frozen() {
    let mut inspection = start_with(&report(Format::Td3, &specimen()));
    inspection.decide(request(Outcome::Admit), at(30)).unwrap();
    let err = inspection.decide(request(Outcome::ReferSecondLine), at(31)).unwrap_err();
    assert_eq!(err.0, [RuleViolation::AlreadyDecided { outcome: Outcome::Admit }]);
    assert!(err.to_string().contains("already decided (admit)"), "{err}");
    assert_eq!(
        inspection.answer("F02", Answer::Fail, None).unwrap_err(),
        RuleViolation::AlreadyDecided { outcome: Outcome::Admit }
    );
    assert_eq!(
        inspection.override_answer("C02", Answer::Fail, "x", None).unwrap_err(),
        RuleViolation::AlreadyDecided { outcome: Outcome::Admit }
    );
    assert_eq!(inspection.decision().unwrap().outcome, Outcome::Admit);
    assert_eq!(inspection.ended_at(), Some(at(30)));
}

// ---------------------------------------------------------------------------------------------
// The suggestion table

/// One item per (severity, suggests, answer); ids are numbered in order.
fn answered(rows: &[(Severity, &[FailureCode], Answer)]) -> Inspection {
    let items = rows
        .iter()
        .enumerate()
        .map(|(n, (severity, suggests, _))| item(&format!("X{n:02}"), Level::First, *severity, suggests, None))
        .collect();
    let manual = manual_of(vec![("X", items)]);
    let mut inspection = start(&manual, Level::First, MrzInput::NotRead { reason: "-" });
    for (n, (_, _, answer)) in rows.iter().enumerate() {
        inspection.answer(&format!("X{n:02}"), *answer, None).unwrap();
    }
    inspection
}

#[test]
fn suggestion_table() {
    use Answer::{Fail, NotApplicable, NotChecked, Pass};
    use Outcome::{Admit, ReferSecondLine, Refuse};
    use Severity::{S1, S2, S3, S4};
    use SuggestionRule as R;
    type Row<'a> = (Severity, &'a [FailureCode], Answer);
    let cases: &[(&str, &[Row<'_>], Outcome, &[R])] = &[
        (
            "nothing failed",
            &[(S1, &[CF], Pass), (S2, &[CF], NotApplicable), (S3, &[CF], NotChecked)],
            Admit,
            &[R::NothingFailed],
        ),
        ("one S1 fail", &[(S1, &[FgData], Fail), (S3, &[CF], Pass)], ReferSecondLine, &[R::SeriousFailure]),
        ("one S2 fail", &[(S2, &[CF, OCR], Fail)], ReferSecondLine, &[R::SeriousFailure]),
        ("S2 fail with no failure code", &[(S2, &[], Fail)], ReferSecondLine, &[R::SeriousFailure]),
        ("S1 fail, admissibility only", &[(S1, &[AD], Fail)], Refuse, &[R::AdmissibilityOnly]),
        ("S2 fail, admissibility only", &[(S2, &[AD], Fail), (S1, &[CF], Pass)], Refuse, &[R::AdmissibilityOnly]),
        (
            "AD with another code is not only admissibility",
            &[(S1, &[AD, OCR], Fail)],
            ReferSecondLine,
            &[R::SeriousFailure],
        ),
        (
            "admissibility and fraud: refer",
            &[(S1, &[AD], Fail), (S2, &[CF], Fail)],
            ReferSecondLine,
            &[R::SeriousFailure, R::AdmissibilityOnly],
        ),
        (
            "admissibility and two S3: refer",
            &[(S1, &[AD], Fail), (S3, &[CF], Fail), (S3, &[CF], Fail)],
            ReferSecondLine,
            &[R::MinorFailures, R::AdmissibilityOnly],
        ),
        (
            "admissibility and one S3: refuse, S3 noted",
            &[(S1, &[AD], Fail), (S3, &[CF], Fail)],
            Refuse,
            &[R::AdmissibilityOnly, R::MinorFailureNoted],
        ),
        ("one S3 fail", &[(S3, &[CF], Fail), (S3, &[CF], Pass)], Admit, &[R::NothingFailed, R::MinorFailureNoted]),
        ("two S3 fails", &[(S3, &[CF], Fail), (S3, &[FgData], Fail)], ReferSecondLine, &[R::MinorFailures]),
        (
            "S4 fails alone never change anything",
            &[(S4, &[FailureCode::IM], Fail), (S4, &[FailureCode::IM], Fail), (S4, &[FailureCode::IM], Fail)],
            Admit,
            &[R::NothingFailed, R::IndicatorsNoted],
        ),
        (
            "S4 next to one S3",
            &[(S4, &[FailureCode::IM], Fail), (S3, &[CF], Fail)],
            Admit,
            &[R::NothingFailed, R::MinorFailureNoted, R::IndicatorsNoted],
        ),
        (
            "S4 next to S1",
            &[(S4, &[FailureCode::IM], Fail), (S1, &[CF], Fail)],
            ReferSecondLine,
            &[R::SeriousFailure, R::IndicatorsNoted],
        ),
        (
            "S4 next to admissibility",
            &[(S4, &[FailureCode::IM], Fail), (S1, &[AD], Fail)],
            Refuse,
            &[R::AdmissibilityOnly, R::IndicatorsNoted],
        ),
    ];
    for (name, rows, outcome, rules) in cases {
        let suggestion = answered(rows).suggest_outcome();
        assert_eq!(suggestion.outcome, *outcome, "{name}: {suggestion:?}");
        let fired: Vec<R> = suggestion.reasons.iter().map(|r| r.rule).collect();
        assert_eq!(fired, *rules, "{name}");
        let expected_reasons = if *outcome == Refuse { vec![RefusalReason::A] } else { Vec::new() };
        assert_eq!(suggestion.refusal_reasons, expected_reasons, "{name}");
        for reason in &suggestion.reasons {
            assert!(!reason.explanation.is_empty(), "{name}");
            for id in &reason.items {
                assert!(reason.explanation.contains(id.as_str()), "{name}: {} lacks {id}", reason.explanation);
            }
        }
    }
}

#[test]
fn suggestion_reasons_name_exactly_the_items_involved() {
    use Severity::{S1, S2, S3};
    let inspection = answered(&[
        (S1, &[CF], Answer::Pass),
        (S2, &[CF], Answer::Fail),
        (S1, &[AD], Answer::Fail),
        (S3, &[CF], Answer::Fail),
        (S3, &[CF], Answer::Fail),
        (S1, &[FgData], Answer::Fail),
    ]);
    let suggestion = inspection.suggest_outcome();
    let items: Vec<(SuggestionRule, Vec<String>)> =
        suggestion.reasons.iter().map(|r| (r.rule, r.items.clone())).collect();
    let ids = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        items,
        [
            (SuggestionRule::SeriousFailure, ids(&["X01", "X05"])),
            (SuggestionRule::MinorFailures, ids(&["X03", "X04"])),
            (SuggestionRule::AdmissibilityOnly, ids(&["X02"])),
        ]
    );
    assert_eq!(suggestion.to_string(), "refer to second line");
}

#[test]
fn overrides_change_the_suggestion() {
    let mut inspection = start_with(&wrong_check_digit());
    assert_eq!(inspection.suggest_outcome().outcome, Outcome::ReferSecondLine);
    inspection.override_answer("C02", Answer::NotChecked, "reader fault; no re-read possible", None).unwrap();
    assert_eq!(inspection.suggest_outcome().outcome, Outcome::Admit);
}

// ---------------------------------------------------------------------------------------------
// The record

fn decided_record() -> Inspection {
    let mut fields = specimen();
    fields.date_of_expiry = "240415".to_owned();
    let mut inspection = start_with(&report(Format::Td3, &fields));
    inspection.answer("F02", Answer::Pass, Some("photo fine".to_owned())).unwrap();
    inspection.override_answer("C11", Answer::Fail, "visual zone spells the name differently", None).unwrap();
    inspection
        .decide(
            DecisionRequest { outcome: Outcome::Refuse, refusal_reasons: vec![RefusalReason::A], justification: None },
            at(95),
        )
        .unwrap();
    inspection
}

#[test]
fn the_record_round_trips_through_json_with_its_documented_keys() {
    let inspection = decided_record();
    let json = serde_json::to_value(&inspection).unwrap();
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = vec![
        "record_version",
        "app_version",
        "manual",
        "level",
        "officer",
        "station",
        "started_at",
        "ended_at",
        "source",
        "mrz",
        "items",
        "decision",
    ];
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(json["record_version"], RECORD_VERSION);
    assert_eq!(json["level"], "first");
    assert_eq!(json["started_at"], "2026-11-23T09:47:47Z");
    assert_eq!(json["ended_at"], "2026-11-23T09:49:22Z");
    assert_eq!(json["source"], serde_json::json!({"kind": "text"}));
    assert_eq!(json["mrz"]["status"], "read");
    assert_eq!(json["mrz"]["report"]["summary"]["expired"], true);
    let c11 = &json["items"][6];
    assert_eq!(c11["id"], "C11");
    assert_eq!(c11["automation"], "mrz.name_integrity");
    assert_eq!(c11["answer"], "fail");
    assert_eq!(c11["answered_by"], "officer");
    assert_eq!(c11["machine"]["answer"], "pass");
    assert_eq!(c11["override"]["reason"], "visual zone spells the name differently");
    assert_eq!(json["items"][1]["machine"]["finding_codes"], serde_json::json!(["expired"]));
    assert_eq!(json["items"][9]["visible"], false);
    assert_eq!(json["decision"]["outcome"], "refuse");
    assert_eq!(json["decision"]["refusal_reasons"], serde_json::json!(["A"]));
    assert_eq!(json["decision"]["suggested"]["outcome"], "refuse");
    assert_eq!(json["decision"]["suggested"]["reasons"][1]["rule"], "minor_failure_noted");

    let text = serde_json::to_string(&inspection).unwrap();
    let back: Inspection = serde_json::from_str(&text).unwrap();
    assert_eq!(back, inspection);
    assert_eq!(serde_json::to_string(&back).unwrap(), text, "serialising is stable");
    assert!(back.violations().is_empty(), "{:?}", back.violations());
}

/// A change to a record's JSON.
type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

/// Edits the JSON of a valid record and reads it back.
fn tampered(edit: impl FnOnce(&mut serde_json::Value)) -> Inspection {
    let mut json = serde_json::to_value(decided_record()).unwrap();
    edit(&mut json);
    serde_json::from_value(json).expect("still a record")
}

#[test]
fn violations_find_records_that_break_the_rules() {
    use serde_json::json;
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("hidden item answered", Box::new(|j| j["items"][9]["answer"] = json!("pass")), "hidden_item_answered"),
        ("machine answer changed", Box::new(|j| j["items"][1]["answer"] = json!("pass")), "unexplained_answer"),
        (
            "override reason blanked",
            Box::new(|j| j["items"][6]["override"]["reason"] = json!(" ")),
            "override_without_reason",
        ),
        ("override dropped", Box::new(|j| j["items"][6]["override"] = json!(null)), "unexplained_answer"),
        (
            "officer answer on a machine item",
            Box::new(|j| j["items"][3]["answered_by"] = json!("officer")),
            "unexplained_answer",
        ),
        (
            "duplicate item",
            Box::new(|j| {
                let first = j["items"][0].clone();
                j["items"].as_array_mut().unwrap().push(first);
            }),
            "duplicate_item",
        ),
        ("decision without end", Box::new(|j| j["ended_at"] = json!(null)), "end_without_decision"),
        ("end before start", Box::new(|j| j["ended_at"] = json!("2026-11-23T09:00:00Z")), "ended_before_start"),
        (
            "refusal without reason",
            Box::new(|j| j["decision"]["refusal_reasons"] = json!([])),
            "refusal_without_reason",
        ),
        (
            "admit after expiry without justification",
            Box::new(|j| {
                j["decision"]["outcome"] = json!("admit");
                j["decision"]["refusal_reasons"] = json!([]);
            }),
            "admit_without_justification",
        ),
    ];
    for (name, edit, code) in cases {
        let found = tampered(edit).violations();
        assert_eq!(codes(&found), [code], "{name}: {found:?}");
    }
}

#[test]
fn records_with_unknown_keys_or_values_do_not_read() {
    let mut json = serde_json::to_value(decided_record()).unwrap();
    json["extra"] = serde_json::json!(1);
    assert!(serde_json::from_value::<Inspection>(json).is_err());
    let mut json = serde_json::to_value(decided_record()).unwrap();
    json["decision"]["outcome"] = serde_json::json!("deport");
    assert!(serde_json::from_value::<Inspection>(json).is_err());
}
