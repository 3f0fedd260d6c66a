//! Unit tests of the inspection rules, the automation hooks and the suggestion table, on small
//! manuals built in code and MRZs written by `mrz::emit`: the shared fixtures here, the tests by
//! topic in the submodules.

use super::*;
use crate::manual::{Item, Section};
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::emit::{MrzFields, emit};
use docexam_mrz::layout::Format;
use docexam_mrz::{self as mrz, Verdict};

use AutomationHook as H;
use FailureCode::{AD, CF, FgData, OCR};

mod answer_words;
mod answering;
mod deciding;
mod hooks;
mod record;
mod suggestion;

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
