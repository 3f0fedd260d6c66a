//! Levels, officer answers and overrides of machine answers.

use super::*;

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
