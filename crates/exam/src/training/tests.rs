#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use super::*;
use crate::inspection::{DecisionRequest, DocumentSource, MrzInput, RefusalReason, Setup, Timestamp};
use crate::manual::{Level, LoadedManual, load_file};

pub(super) fn manual() -> LoadedManual {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("manuals/falsedoc-pocket.en.toml");
    load_file(&path).unwrap()
}

fn defect(kind: DefectKind, items: &[&str], critical: bool) -> Defect {
    Defect {
        kind,
        description: format!("{kind:?}"),
        items: items.iter().map(|s| (*s).to_owned()).collect(),
        critical,
        region: Some([0.1, 0.7, 0.8, 0.2]),
    }
}

pub(super) fn key() -> AnswerKey {
    AnswerKey {
        id: "basic-1".into(),
        title: "Basics".into(),
        manual: "falsedoc-pocket".into(),
        provenance: "unit test".into(),
        reference_date: "2026-11-23".into(),
        weights: Weights::default(),
        documents: vec![
            KeyDocument {
                image: "genuine.png".into(),
                defects: vec![],
                expected_outcome: Outcome::Admit,
                also_accepted: vec![],
            },
            KeyDocument {
                image: "photo.png".into(),
                defects: vec![
                    defect(DefectKind::PhotoSubstituted, &["F02", "F03"], true),
                    defect(DefectKind::LaminateDamage, &["H01"], false),
                ],
                expected_outcome: Outcome::Refuse,
                also_accepted: vec![Outcome::ReferSecondLine, Outcome::Seize],
            },
        ],
    }
}

/// An inspection of `manual` where the trainee fails `failed`, passes the rest, and decides.
fn inspection(failed: &[&str], outcome: Outcome, seconds: i64) -> Inspection {
    let manual = manual();
    let setup = Setup {
        level: Level::First,
        officer: Some("trainee-1".into()),
        station: None,
        started_at: Timestamp::from_unix_seconds(1_000_000).unwrap(),
        source: DocumentSource::Text,
    };
    let mut inspection =
        Inspection::start(&manual.manual, &manual.content_hash, setup, MrzInput::NotRead { reason: "training" })
            .unwrap();
    let ids: Vec<(String, bool)> = inspection
        .visible_items()
        .filter(|i| i.machine.is_none())
        .map(|i| (i.id.clone(), failed.contains(&i.id.as_str())))
        .collect();
    for (id, fail) in ids {
        inspection.answer(&id, if fail { Answer::Fail } else { Answer::Pass }, None).unwrap();
    }
    let refusal_reasons = if outcome.takes_refusal_reasons() { vec![RefusalReason::B] } else { vec![] };
    let justification = Some("training".to_owned());
    let request = DecisionRequest { outcome, refusal_reasons, justification };
    inspection.decide(request, Timestamp::from_unix_seconds(1_000_000 + seconds).unwrap()).unwrap();
    inspection
}

#[test]
fn a_good_key_validates_against_its_manual() {
    assert_eq!(key().validate(&manual().manual), vec![]);
}

#[test]
fn every_kind_of_bad_key_is_named() {
    let manual = manual();
    let mut bad = key();
    bad.id = "bad id!".into();
    bad.reference_date = "23/11/2026".into();
    bad.weights.false_alarm = -1.0;
    bad.documents[1].defects[0].items.push("Z99".into());
    bad.documents[1].defects[1].items.clear();
    bad.documents[1].defects[1].region = Some([0.5, 0.5, 0.6, 0.1]);
    bad.documents[0].expected_outcome = Outcome::Refuse;
    let mut copy = bad.documents[0].clone();
    copy.expected_outcome = Outcome::Admit;
    bad.documents.push(copy);
    let mut fraud_admitted = bad.documents[1].clone();
    fraud_admitted.image = "admitted.png".into();
    fraud_admitted.expected_outcome = Outcome::Admit;
    bad.documents.push(fraud_admitted);
    let problems = bad.validate(&manual.manual);
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("pack id \"bad id!\""), "{text:#?}");
    assert!(has("reference_date"), "{text:#?}");
    assert!(has("weights"), "{text:#?}");
    assert!(has("names item \"Z99\", which manual falsedoc-pocket does not have"), "{text:#?}");
    assert!(has("defect 2 names no checklist item"), "{text:#?}");
    assert!(has("region outside"), "{text:#?}");
    assert!(has("genuine.png is listed twice"), "{text:#?}");
    assert!(has("document 1 (genuine.png): expected outcome refuse entry contradicts"), "{text:#?}");
    assert!(has("(admitted.png): expected outcome admit contradicts"), "{text:#?}");
    let mut other = key();
    other.manual = "first-line-quick".into();
    assert!(matches!(other.validate(&manual.manual)[0], KeyProblem::WrongManual { .. }));
}

#[test]
fn bad_key_files_are_clear_errors() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    assert!(matches!(load_pack(dir), Err(PackError::Read { .. })));
    std::fs::write(dir.join(KEY_FILE), "id = \"x\"\ntitle = 3\n").unwrap();
    let error = load_pack(dir).unwrap_err().to_string();
    assert!(error.contains("key.toml") && error.contains("line"), "{error}");
    std::fs::write(dir.join(KEY_FILE), toml::to_string(&key()).unwrap()).unwrap();
    let error = load_pack(dir).unwrap_err().to_string();
    assert!(error.contains("genuine.png, which is not in the pack"), "{error}");
    std::fs::write(dir.join("genuine.png"), b"x").unwrap();
    std::fs::write(dir.join("photo.png"), b"x").unwrap();
    let pack = load_pack(dir).unwrap();
    assert_eq!(pack.key, key());
    assert_eq!(pack.image_path(1), Some(dir.join("photo.png")));
}

#[test]
fn a_perfect_trainee_scores_100_on_every_document() {
    let key = key();
    let genuine = inspection(&[], Outcome::Admit, 40);
    let forged = inspection(&["F02", "H01"], Outcome::Refuse, 80);
    let score = score_session(&key, &[Some(&genuine), Some(&forged)]);
    assert_eq!(score.points, 100.0);
    assert_eq!((score.outcomes_right, score.missed_frauds, score.false_alarms), (2, 0, 0));
    assert_eq!((score.critical_found, score.critical_planted), (1, 1));
    assert_eq!(score.items["F02"], ItemTally { found: 1, missed: 0, false_alarms: 0 });
    assert_eq!(score.items["F03"].found, 1, "found under any of its items counts for each");
    assert_eq!(score.median_seconds, Some(80));
}

#[test]
fn a_missed_fraud_costs_more_than_a_false_alarm() {
    let key = key();
    let weights = key.weights;
    let missed = score_document(&key.documents[1], &inspection(&[], Outcome::Admit, 10), &weights);
    assert!(missed.missed_fraud && !missed.outcome_right);
    assert_eq!(missed.defects_found, vec![false, false]);
    let alarm = score_document(&key.documents[0], &inspection(&["G01"], Outcome::ReferSecondLine, 10), &weights);
    assert!(alarm.false_alarm && !alarm.missed_fraud);
    assert_eq!(alarm.false_findings, vec!["G01".to_owned()]);
    assert!(missed.points < alarm.points, "{} vs {}", missed.points, alarm.points);
    assert_eq!(missed.points, 100.0 - 60.0 - 20.0 - 8.0);
    assert_eq!(alarm.points, 100.0 - 20.0 - 5.0);
    // Configurable: with the weights reversed, the order reverses.
    let reversed = Weights { missed_fraud: 1.0, false_alarm: 90.0, ..weights };
    let missed = score_document(&key.documents[1], &inspection(&[], Outcome::Admit, 10), &reversed);
    let alarm = score_document(&key.documents[0], &inspection(&["G01"], Outcome::ReferSecondLine, 10), &reversed);
    assert!(missed.points > alarm.points);
}

#[test]
fn an_accepted_alternative_outcome_is_right_and_unattempted_documents_score_zero() {
    let key = key();
    let referred = inspection(&["F03"], Outcome::ReferSecondLine, 30);
    let score = score_session(&key, &[None, Some(&referred)]);
    assert_eq!(score.documents.len(), 1);
    let document = &score.documents[0];
    assert!(document.outcome_right);
    assert_eq!(document.defects_found, vec![true, false]);
    assert_eq!(document.points, 100.0 - 8.0, "only the supporting laminate defect was missed");
    assert_eq!(score.points, (0.0 + 92.0) / 2.0);
    assert_eq!(score.items["H01"], ItemTally { found: 0, missed: 1, false_alarms: 0 });
}

#[test]
fn attempts_are_scored_by_image_with_the_stored_seconds() {
    let key = AnswerKey {
        id: "basics-1".into(),
        title: "Basics".into(),
        manual: "falsedoc-pocket".into(),
        provenance: String::new(),
        reference_date: "2026-11-23".into(),
        weights: Weights::default(),
        documents: ["genuine.png", "photo.png", "third.png"]
            .map(|image| KeyDocument {
                image: image.into(),
                defects: vec![],
                expected_outcome: Outcome::Admit,
                also_accepted: vec![],
            })
            .to_vec(),
    };
    let attempt = |index, image: &str, seconds| Attempt {
        index,
        image: image.into(),
        inspection: inspection(&[], Outcome::Admit, 0),
        seconds,
    };
    // Stored in an older key order, with a document the key no longer has.
    let attempts = [attempt(0, "photo.png", 50), attempt(1, "genuine.png", 10), attempt(2, "gone.png", 99)];
    let score = score_attempts(&key, &attempts);
    let scored: Vec<(&str, Option<i64>)> = score.documents.iter().map(|d| (d.image.as_str(), d.seconds)).collect();
    assert_eq!(scored, [("genuine.png", Some(10)), ("photo.png", Some(50))]);
    assert_eq!(score.median_seconds, Some(50));
    assert_eq!(score.points, 200.0 / 3.0, "the third document was not attempted");
}
