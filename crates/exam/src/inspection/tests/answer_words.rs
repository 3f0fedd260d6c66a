//! The one answer vocabulary (prompts and answers files) and the answers file of an inspection.

use super::answers::{AnswersFile, AnswersFileError, ItemAnswer};
use super::*;

#[test]
fn every_answer_word_any_shell_ever_took_still_reads() {
    // The union of the prompts' words (p, f, n, n/a, na, s, skip), the exercise answers files'
    // (those and not_applicable, not_checked) and the record's own keys.
    let words = [
        ("pass", Answer::Pass),
        ("p", Answer::Pass),
        ("fail", Answer::Fail),
        ("f", Answer::Fail),
        ("n/a", Answer::NotApplicable),
        ("na", Answer::NotApplicable),
        ("n", Answer::NotApplicable),
        ("not_applicable", Answer::NotApplicable),
        ("not_checked", Answer::NotChecked),
        ("skip", Answer::NotChecked),
        ("s", Answer::NotChecked),
    ];
    for (word, answer) in words {
        assert_eq!(Answer::from_word(word), Some(answer), "{word}");
        assert_eq!(Answer::from_word(&word.to_ascii_uppercase()), Some(answer), "{word} in capitals");
    }
    for other in ["", "yes", "no", "passed", "not applicable", " pass", "x"] {
        assert_eq!(Answer::from_word(other), None, "{other:?}");
    }
    // The words help texts list all read.
    for word in Answer::WORDS.split([',', ' ']).filter(|w| !w.is_empty() && *w != "or") {
        assert!(Answer::from_word(word).is_some(), "{word}");
    }
}

#[test]
fn an_answers_file_takes_every_answer_word_and_refuses_others_as_before() {
    let file = AnswersFile::from_json(
        br#"{"answers": [{"item": "F02", "answer": "N/A"}, {"item": "F03", "answer": "not_applicable", "note": "x"}],
            "overrides": [{"item": "C02", "answer": "p", "reason": "re-read"}]}"#,
    )
    .unwrap();
    assert_eq!(file.answers[0].answer, Answer::NotApplicable);
    assert_eq!((file.answers[1].answer, file.answers[1].note.as_deref()), (Answer::NotApplicable, Some("x")));
    assert_eq!((file.overrides[0].answer, file.overrides[0].reason.as_str()), (Answer::Pass, "re-read"));
    assert_eq!(file.decision, None);

    let AnswersFileError::Json { line, column, what } =
        AnswersFile::from_json(br#"{"answers": [{"item": "F02", "answer": "maybe"}]}"#).unwrap_err();
    assert_eq!(
        what,
        "unknown variant `maybe`, expected one of `pass`, `fail`, `not_applicable`, `not_checked` at line 1 column 46"
    );
    assert_eq!((line, column), (1, 46));
    // Whatever is not a word reads (or fails, with the same error at the same place) as a plain
    // answer does.
    #[derive(Debug, serde::Deserialize)]
    struct Plain {
        answer: Answer,
    }
    for value in [r#""maybe""#, "3", "null", "true", r#"{"pass": null}"#, r#"{"fail": 1}"#, "[]", r#""""#] {
        let json = format!("{{\"item\": \"F02\",\n  \"answer\": {value}}}");
        let plain = serde_json::from_str::<Plain>(&json).map(|p| p.answer).map_err(|e| e.to_string());
        let ours = serde_json::from_str::<ItemAnswer>(&json).map(|a| a.answer).map_err(|e| e.to_string());
        assert_eq!(ours, plain, "{value}");
    }
    let object = serde_json::from_str::<ItemAnswer>(r#"{"item": "F02", "answer": {"n/a": null}}"#).unwrap();
    assert_eq!(object.answer, Answer::NotApplicable, "the tagged form takes every word too");
    let AnswersFileError::Json { what, .. } = AnswersFile::from_json(br#"{"answer": []}"#).unwrap_err();
    assert!(what.starts_with("unknown field `answer`"), "{what}");
}

#[test]
fn an_answers_file_applies_answers_then_overrides_then_the_decision() {
    let report = wrong_check_digit();
    let file = AnswersFile::from_json(
        br#"{"answers": [{"item": "F02", "answer": "pass", "note": "printed"}, {"item": "F03", "answer": "s"}],
            "overrides": [{"item": "C02", "answer": "pass", "reason": "the 2 read as 3"}],
            "decision": {"outcome": "admit"}}"#,
    )
    .unwrap();
    let mut inspection = start_with(&report);
    // A decision time before the start is moved to the start.
    file.apply(&mut inspection, at(-60)).unwrap();
    assert_eq!(inspection.item("F02").unwrap().note.as_deref(), Some("printed"));
    assert_eq!(answer_of(&inspection, "F03"), Answer::NotChecked);
    assert_eq!(inspection.item("C02").unwrap().answered_by, Some(AnsweredBy::Officer));
    assert_eq!(inspection.decision().map(|d| d.outcome), Some(Outcome::Admit));
    assert_eq!(inspection.ended_at(), Some(at(0)));
}

#[test]
fn every_rule_an_answers_file_breaks_comes_back_in_file_order_and_nothing_is_decided() {
    let report = wrong_check_digit();
    let file = AnswersFile::from_json(
        br#"{"answers": [{"item": "Z99", "answer": "fail"}, {"item": "C02", "answer": "pass"}],
            "overrides": [{"item": "B02", "answer": "fail"}],
            "decision": {"outcome": "admit"}}"#,
    )
    .unwrap();
    let mut inspection = start_with(&report);
    let broken = file.apply(&mut inspection, at(10)).unwrap_err();
    assert_eq!(codes(&broken).len(), 3, "{broken:?}");
    assert!(matches!(broken[0], RuleViolation::UnknownItem { .. }), "{broken:?}");
    assert!(matches!(broken[1], RuleViolation::MachineAnswered { .. }), "{broken:?}");
    assert!(matches!(broken[2], RuleViolation::OverrideWithoutReason { .. }), "{broken:?}");
    assert!(inspection.decision().is_none());

    let refuse = AnswersFile::from_json(br#"{"decision": {"outcome": "refuse"}}"#).unwrap();
    let broken = refuse.apply(&mut start_with(&report), at(10)).unwrap_err();
    assert!(broken.iter().any(|v| v.to_string().contains("refusal reason")), "{broken:?}");
}

#[test]
fn an_item_answered_twice_differently_is_refused_naming_both_answers() {
    let text = br#"{"answers": [{"item": "F02", "answer": "pass"}, {"item": "F02", "answer": "fail"}]}"#;
    let AnswersFileError::Json { what, .. } = AnswersFile::from_json(text).unwrap_err();
    assert!(what.contains("item F02 is answered twice, pass and then fail"), "{what}");
    let text = br#"{"overrides": [{"item": "C02", "answer": "pass", "reason": "r"}, {"item": "C02", "answer": "n/a", "reason": "r"}]}"#;
    let AnswersFileError::Json { what, .. } = AnswersFile::from_json(text).unwrap_err();
    assert!(what.contains("item C02 is answered twice, pass and then not applicable"), "{what}");
    // The same answer twice decides nothing differently: kept.
    let text = br#"{"answers": [{"item": "F02", "answer": "pass"}, {"item": "F02", "answer": "p"}]}"#;
    assert_eq!(AnswersFile::from_json(text).unwrap().answers.len(), 2);
}
