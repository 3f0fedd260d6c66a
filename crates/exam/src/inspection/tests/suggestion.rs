//! The suggestion table and what moves it.

use super::*;

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
