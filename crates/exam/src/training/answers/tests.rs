#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use serde_json::json;

use super::*;
use crate::inspection::{AnsweredBy, DocumentSource, MrzInput, Setup};
use crate::manual::Level;
use crate::training::tests::{key, manual};
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::report::MrzReport;

/// A generated specimen of a fictional person, valid on 2026-11-23: every MRZ check passes.
const VALID: &str = "PDPLWDARTAGNAN<<CHLOE<<<<<<<<<<<<<<<<<<<<<<<\nPM00781546PLW7708165F3004146<<<<<<<<<<<<<<<0";

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds).unwrap()
}

/// An inspection of the pocket manual started at 1 000 000 s: with the MRZ read (`VALID`), or
/// manual-only (nothing read: every machine answer is "not checked").
fn started(mrz_read: bool) -> Inspection {
    let manual = manual();
    let setup = Setup {
        level: Level::First,
        officer: Some("Ann".into()),
        station: None,
        started_at: at(1_000_000),
        source: DocumentSource::Text,
    };
    let policy = DatePolicy::new(CalendarDate::parse_iso("2026-11-23").unwrap());
    let report = MrzReport::from_result(&docexam_mrz::check_text(VALID, &policy), &policy);
    let mrz = if mrz_read { MrzInput::Report(&report) } else { MrzInput::NotRead { reason: "manual-only training" } };
    Inspection::start(&manual.manual, &manual.content_hash, setup, mrz).unwrap()
}

fn document(value: serde_json::Value) -> DocumentAnswers {
    serde_json::from_value(value).unwrap()
}

fn texts<T: ToString>(problems: &[T]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn an_item_answer_is_a_word_or_an_object() {
    let pass = TraineeAnswer { answer: Answer::Pass, reason: None, note: None };
    assert_eq!(TraineeAnswer::from_json(&json!("pass")), Ok(pass.clone()));
    assert_eq!(TraineeAnswer::from_json(&json!("P")), Ok(pass));
    assert_eq!(
        TraineeAnswer::from_json(&json!({"answer": "n/a", "reason": "no visa page", "note": null})),
        Ok(TraineeAnswer { answer: Answer::NotApplicable, reason: Some("no visa page".into()), note: None })
    );
}

#[test]
fn every_bad_item_answer_says_what_is_wrong() {
    let cases = [
        (json!("maybe"), "\"maybe\" is not an answer (pass, fail, n/a or not_checked)"),
        (json!(3), "3 is not an answer (pass, fail, n/a or not_checked)"),
        (json!({"answer": "fail", "colour": "red"}), "unknown field \"colour\" (answer, reason, note)"),
        (json!({"note": "x"}), "an answer object needs \"answer\""),
        (json!({"answer": "fail", "reason": 7}), "reason must be text, not 7"),
        (json!({"answer": "fail", "note": ["x"]}), "note must be text, not [\"x\"]"),
        (json!({"answer": true}), "true is not an answer (pass, fail, n/a or not_checked)"),
    ];
    for (value, message) in cases {
        let error = TraineeAnswer::from_json(&value).unwrap_err();
        assert_eq!(error.to_string(), message, "{value}");
    }
    assert_eq!(
        TraineeAnswer::from_json(&json!({"answer": "fail", "reason": 7})),
        Err(ItemAnswerError::FieldNotText { field: "reason", json: "7".into() })
    );
}

#[test]
fn a_file_that_is_not_of_the_shape_names_its_line() {
    let text = b"{\n  \"1\": {\"outcome\": \"admit\",\n         \"colour\": \"red\"}\n}";
    let AnswersFileError::Json { line, what, .. } = ExerciseAnswers::from_json(text).unwrap_err();
    assert_eq!(line, 3);
    assert!(what.contains("unknown field `colour`") && what.contains("line 3"), "{what}");
    let answers =
        ExerciseAnswers::from_json(br#"{"2": {"outcome": "refuse", "refusal_reasons": ["B"], "seconds": 4}}"#);
    let entry = &answers.unwrap().entries["2"];
    assert_eq!(
        (entry.outcome, entry.refusal_reasons.as_slice(), entry.seconds),
        (Outcome::Refuse, &[RefusalReason::B][..], Some(4))
    );
}

#[test]
fn entries_match_documents_by_number_or_image_in_key_order() {
    let answers = ExerciseAnswers::from_json(
        br#"{"photo.png": {"outcome": "refuse", "seconds": 9}, " 1": {"outcome": "admit"}}"#,
    )
    .unwrap();
    let matched = answers.match_key(&key()).unwrap();
    assert_eq!(matched.iter().map(|d| d.outcome).collect::<Vec<_>>(), [Outcome::Admit, Outcome::Refuse]);
    assert_eq!(matched[1].seconds_spent(), 9);
    assert_eq!(matched[0].seconds_spent(), 0);
}

#[test]
fn every_entry_that_does_not_fit_the_key_is_named() {
    let answers = ExerciseAnswers::from_json(
        br#"{"1": {"outcome": "admit"}, "genuine.png": {"outcome": "admit"}, "3": {"outcome": "admit"},
            "x.png": {"outcome": "admit"}}"#,
    )
    .unwrap();
    assert_eq!(
        texts(&answers.match_key(&key()).unwrap_err()),
        [
            "\"3\" is not a document of pack basic-1 (numbers 1 to 2, or the images genuine.png, photo.png)",
            "\"genuine.png\" and \"1\" are both document 1 (genuine.png)",
            "\"x.png\" is not a document of pack basic-1 (numbers 1 to 2, or the images genuine.png, photo.png)",
            "document 2 (photo.png) has no answers",
        ]
    );
    let slow = ExerciseAnswers::from_json(
        br#"{"1": {"outcome": "admit", "seconds": 86400}, "2": {"outcome": "refuse", "seconds": 86401}}"#,
    )
    .unwrap();
    assert_eq!(texts(&slow.match_key(&key()).unwrap_err()), ["\"2\": seconds must be at most 86400"]);
}

#[test]
fn the_start_is_the_seconds_spent_before_the_decision() {
    assert_eq!(document(json!({"outcome": "admit", "seconds": 40})).started_at(at(1_000)), at(960));
    assert_eq!(document(json!({"outcome": "admit"})).started_at(at(1_000)), at(1_000));
    let endless = document(json!({"outcome": "admit", "seconds": u64::MAX}));
    assert_eq!(endless.started_at(at(1_000)), at(1_000), "seconds past any date: the decision time");
}

#[test]
fn manual_only_answers_replace_what_the_machine_did_not_check() {
    let answers = document(json!({"answers": {"C02": "fail", "F02": {"answer": "fail", "note": "edge lifted"}},
                                  "outcome": "refuse", "refusal_reasons": ["B"], "seconds": 30}));
    let attempt = answers.attempt(1, "photo.png", started(false), at(1_000_100)).unwrap();
    assert_eq!((attempt.index, attempt.image.as_str(), attempt.seconds), (1, "photo.png", 30));
    let c02 = attempt.inspection.item("C02").unwrap();
    assert_eq!((c02.answer, c02.answered_by), (Answer::Fail, Some(AnsweredBy::Officer)));
    assert_eq!(c02.override_.as_ref().unwrap().reason, MACHINE_DID_NOT_CHECK);
    assert_eq!(attempt.inspection.item("F02").unwrap().note.as_deref(), Some("edge lifted"));
    assert_eq!(attempt.inspection.decision().unwrap().outcome, Outcome::Refuse);
    assert_eq!(attempt.inspection.ended_at(), Some(at(1_000_100)));
}

#[test]
fn changing_a_real_machine_answer_needs_a_reason() {
    let without = document(json!({"answers": {"C02": "fail"}, "outcome": "refer_second_line"}));
    let problems = without.apply(&mut started(true), at(1_000_010)).unwrap_err();
    assert!(matches!(problems.as_slice(), [DocumentAnswerProblem::Rule(_)]), "{problems:?}");
    assert!(problems[0].to_string().contains("C02"), "{}", problems[0]);

    let with = document(json!({"answers": {"C02": {"answer": "fail", "reason": "digit overprinted"}},
                               "outcome": "refer_second_line"}));
    let mut inspection = started(true);
    with.apply(&mut inspection, at(1_000_010)).unwrap();
    assert_eq!(inspection.item("C02").unwrap().override_.as_ref().unwrap().reason, "digit overprinted");
    // Agreeing with the machine is a plain answer.
    let agree = document(json!({"answers": {"C02": "pass"}, "outcome": "admit"}));
    agree.apply(&mut started(true), at(1_000_010)).unwrap();
}

#[test]
fn every_problem_of_a_document_is_reported_and_named() {
    let answers = document(json!({"answers": {"Z99": "fail", "F02": "maybe", "F03": "fail"}, "outcome": "admit"}));
    let problems = answers.attempt(0, "genuine.png", started(false), at(1_000_010)).unwrap_err();
    let text = texts(&problems);
    assert_eq!(text.len(), 2, "{text:#?}");
    assert_eq!(
        text[0],
        "document 1 (genuine.png): item F02: \"maybe\" is not an answer (pass, fail, n/a or not_checked)"
    );
    assert!(text[1].starts_with("document 1 (genuine.png): ") && text[1].contains("Z99"), "{text:#?}");

    // With the answers right, the decision's rules are checked: a refusal needs its grounds.
    let refused = document(json!({"answers": {"F02": "fail"}, "outcome": "refuse"}));
    let problems = refused.attempt(1, "photo.png", started(false), at(1_000_010)).unwrap_err();
    assert!(matches!(
        &problems[..],
        [AnswersProblem::Document { document: 2, problem: DocumentAnswerProblem::Rule(_), .. }]
    ));
    assert!(problems[0].to_string().contains("refus"), "{}", problems[0]);
}

#[test]
fn an_item_or_a_document_given_twice_differently_is_refused_naming_both() {
    let text = br#"{"1": {"answers": {"F02": "pass", "F02": "fail"}, "outcome": "admit"}}"#;
    let AnswersFileError::Json { what, .. } = ExerciseAnswers::from_json(text).unwrap_err();
    assert!(what.contains(r#"item F02 is given twice, "pass" and then "fail""#), "{what}");
    let text = br#"{"1": {"outcome": "admit"}, "1": {"outcome": "refuse"}}"#;
    let AnswersFileError::Json { what, .. } = ExerciseAnswers::from_json(text).unwrap_err();
    assert!(what.contains("document 1 is given twice"), "{what}");
    let text = br#"{"1": {"answers": {"F02": "pass", "F02": "pass"}, "outcome": "admit"}}"#;
    assert_eq!(ExerciseAnswers::from_json(text).unwrap().entries["1"].answers.len(), 1);
}
