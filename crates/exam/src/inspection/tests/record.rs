//! The record: its JSON, and the rules a stored record is checked against.

use super::*;

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
