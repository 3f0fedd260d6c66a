//! Deciding: the rules a decision keeps, and the frozen decided inspection.

use super::*;

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
