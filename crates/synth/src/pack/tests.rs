#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

use std::collections::BTreeSet;

use super::*;
use docexam_exam::manual::load_file;
use docexam_mrz::check_text;
use docexam_mrz::dates::DatePolicy;
use docexam_mrz::fields::CountryCode;

fn spec(seed: u64, count: usize) -> PackSpec {
    PackSpec { id: "test-pack".into(), seed, reference_date: CalendarDate { year: 2026, month: 11, day: 23 }, count }
}

fn manual() -> docexam_exam::manual::Manual {
    load_file(&Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("manuals/falsedoc-pocket.en.toml"))
        .unwrap()
        .manual
}

#[test]
fn a_pack_of_24_holds_every_kind_a_quarter_genuine_and_validates() {
    let manual = manual();
    for seed in [1, 2, 99] {
        let plan = plan_pack(&spec(seed, 24)).unwrap();
        assert_eq!(plan.key.validate(&manual), vec![], "seed {seed}");
        assert_eq!(plan.documents.len(), 24);
        assert_eq!(plan.documents.iter().filter(|d| d.key.defects.is_empty()).count(), 6);
        let kinds: BTreeSet<DefectKind> =
            plan.key.documents.iter().flat_map(|d| d.defects.iter().map(|x| x.kind)).collect();
        assert_eq!(kinds.len(), 13, "every kind but `other`: {kinds:?}");
        assert!(!kinds.contains(&DefectKind::Other));
        let formats: BTreeSet<&str> = plan.documents.iter().map(|d| d.format.name()).collect();
        assert_eq!(formats, BTreeSet::from(["TD1", "TD3"]));
        let images: Vec<&str> = plan.key.documents.iter().map(|d| d.image.as_str()).collect();
        let expected: Vec<String> = (1..=24).map(|n| format!("doc{n:02}.jpg")).collect();
        assert_eq!(images, expected, "neutral names in presentation order");
    }
}

#[test]
fn the_order_is_shuffled_by_the_seed_and_a_document_depends_on_its_slot_only() {
    let a = plan_pack(&spec(1, 24)).unwrap();
    let b = plan_pack(&spec(2, 24)).unwrap();
    let kinds = |p: &PackPlan| -> Vec<Vec<DefectKind>> {
        p.key.documents.iter().map(|d| d.defects.iter().map(|x| x.kind).collect()).collect()
    };
    assert_ne!(kinds(&a), kinds(&b));
    assert_eq!(a.key, plan_pack(&spec(1, 24)).unwrap().key, "same seed, same key");
    // A larger pack keeps the smaller one's documents (in another order).
    let big = plan_pack(&spec(1, 30)).unwrap();
    let lines = |p: &PackPlan| -> BTreeSet<Vec<String>> { p.documents.iter().map(|d| d.mrz_lines.clone()).collect() };
    let (small, big) = (lines(&a), lines(&big));
    let defective_kept =
        a.documents.iter().filter(|d| !d.key.defects.is_empty()).filter(|d| big.contains(&d.mrz_lines)).count();
    assert_eq!(defective_kept, 18, "{} of {} kept", small.intersection(&big).count(), small.len());
}

#[test]
fn the_mrz_engine_sees_what_the_key_says() {
    let policy = DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 });
    for seed in 1..=6 {
        for doc in plan_pack(&spec(seed, 24)).unwrap().documents {
            let kinds: Vec<DefectKind> = doc.key.defects.iter().map(|d| d.kind).collect();
            let checked = check_text(&doc.mrz_lines.join("\n"), &policy).unwrap();
            let codes: Vec<&str> = checked.findings().iter().map(|f| f.kind.code()).collect();
            let what = format!("seed {seed} {} {kinds:?} {:?}", doc.key.image, doc.mrz_lines);
            if kinds.contains(&DefectKind::MrzDigitAltered) {
                assert!(!checked.is_valid(), "{what}");
                let failed: Vec<&str> = checked.failed_checks().map(|c| c.id.key()).collect();
                assert_eq!(failed.len(), 2, "{what}: {failed:?}");
                assert!(failed.contains(&"composite"), "{what}: {failed:?}");
            } else {
                assert!(checked.is_valid(), "{what}: {codes:?}");
            }
            assert_eq!(
                codes.contains(&"unknown_country_code"),
                kinds.contains(&DefectKind::WrongIssuerCode),
                "{what}: {codes:?}"
            );
            assert_eq!(codes.contains(&"expired"), kinds.contains(&DefectKind::Expired), "{what}: {codes:?}");
        }
    }
}

#[test]
fn fantasy_states_are_unknown_to_icao_and_the_real_ones_known() {
    for code in fantasy_codes() {
        assert!(matches!(CountryCode::lookup(code), CountryCode::Unknown), "{code}");
    }
    for (code, _) in STATES {
        assert!(countries::lookup(code).is_some_and(|c| c.category != CodeCategory::Specimen), "{code}");
    }
}

#[test]
fn regions_lie_inside_the_image_and_defects_name_items() {
    for seed in 1..=4 {
        for doc in plan_pack(&spec(seed, 24)).unwrap().key.documents {
            for defect in &doc.defects {
                let [x, y, w, h] = defect.region.unwrap();
                assert!(w > 0.0 && h > 0.0 && x >= 0.0 && y >= 0.0, "{}: {defect:?}", doc.image);
                assert!(x + w <= 1.0 && y + h <= 1.0, "{}: {defect:?}", doc.image);
                assert!(!defect.items.is_empty() && !defect.description.is_empty());
            }
        }
    }
}

#[test]
fn small_packs_and_bad_specs() {
    let one = plan_pack(&spec(3, 1)).unwrap();
    assert_eq!(one.documents.len(), 1);
    assert!(!one.key.documents[0].defects.is_empty(), "the first slot is defective");
    let four = plan_pack(&spec(3, 4)).unwrap();
    assert_eq!(four.documents.iter().filter(|d| d.key.defects.is_empty()).count(), 1);
    assert!(matches!(plan_pack(&spec(3, 0)), Err(GenerateError::Spec(_))));
    assert!(matches!(plan_pack(&spec(3, MAX_COUNT + 1)), Err(GenerateError::Spec(_))));
    let bad = PackSpec { id: "no spaces".into(), ..spec(3, 4) };
    assert!(matches!(plan_pack(&bad), Err(GenerateError::Spec(_))));
}

#[test]
fn the_key_round_trips_through_toml() {
    let plan = plan_pack(&spec(5, 24)).unwrap();
    let text = key_toml(&plan.key).unwrap();
    let back: AnswerKey = toml::from_str(&text).unwrap();
    assert_eq!(back, plan.key);
    assert!(plan.key.provenance.contains("--training-pack test-pack --seed 5 --count 24"));
}
