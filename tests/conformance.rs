//! The text-level conformance run of the peer readers (shared/reference/mrz-readers.md §8): eleven
//! vectors, no peer passed more than nine. docexam must pass all eleven.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

mod common;

use std::process::Command;

use serde_json::Value;

fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_docexam"))
        .args(["--reference-date", common::DEFAULT_REFERENCE_DATE, "mrz", "--json"])
        .args(args)
        .output()
        .expect("run docexam");
    (out.status.code().unwrap_or(-1), serde_json::from_slice(&out.stdout).expect("JSON"))
}

/// Rows 1-9 and 11: vectors that must check valid with the expected format (their fields are
/// checked by the vector harness).
const ROWS: &[(&str, &str)] = &[
    ("ICAO TD3 specimen (UTO)", "icao_td3_specimen"),
    ("German TD3 D<<, personal-number check <", "cheminfo_deu_td3_filler_check"),
    ("TD1 long document number", "icao_td1_long_document_number"),
    ("TD3 with sex X", "td3_sex_x"),
    ("TD3 unknown date of birth", "td3_unknown_date_of_birth"),
    ("Indian TD3, empty primary identifier", "ind_td3_empty_primary_filler_check"),
    ("ICAO TD2 specimen", "icao_td2_specimen"),
    ("ICAO MRV-A specimen", "icao_mrva_specimen"),
    ("ICAO MRV-B specimen", "icao_mrvb_specimen"),
    ("French CNI", "fr_cni_berthier"),
];

#[test]
fn the_ten_text_vectors_are_valid() {
    let vectors = common::load_vectors();
    for (row, name) in ROWS {
        let v = vectors.iter().find(|v| v.name == *name).unwrap_or_else(|| panic!("vector {name} missing"));
        let lines: Vec<&str> = v.lines.iter().map(String::as_str).collect();
        let mut args = vec!["--"];
        args.extend(lines);
        let (status, json) = run(&args);
        assert_eq!((status, json["verdict"].as_str()), (0, Some("valid")), "{row}: {json}");
        assert_eq!(json["format"].as_str(), v.expect.format.as_deref(), "{row}");
    }
}

/// Row 10: the ICAO TD3 specimen with six OCR confusions (O for 0 in the document number, G for 6
/// in its check digit, O and I in the date of birth, I for 1 in the personal number, O for the
/// composite 0), given as OCR text.
#[test]
fn six_ocr_confusions_are_repaired_and_every_change_reported() {
    let (status, json) = run(&[
        "--ocr-text",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L8989O2C3GUTO74O8I22F1204159ZEI84226B<<<<<1O",
    ]);
    assert_eq!(status, 0, "{json}");
    assert_eq!(json["lines"][1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
    let summary = &json["summary"];
    assert_eq!(summary["document_number"], "L898902C3");
    assert_eq!(summary["date_of_birth"], "1974-08-12");
    assert_eq!(summary["optional_data"], "ZE184226B");
    let corrections = &json["corrections"];
    assert_eq!(corrections["outcome"], "corrected");
    let subs = corrections["substitutions"].as_array().expect("substitutions");
    let mut changes: Vec<(u64, String, String)> = subs
        .iter()
        .map(|s| {
            (
                s["at"]["columns"][0].as_u64().unwrap(),
                s["from"].as_str().unwrap().into(),
                s["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    changes.sort();
    let expected: Vec<(u64, String, String)> =
        [(6, "O", "0"), (10, "G", "6"), (16, "O", "0"), (18, "I", "1"), (31, "I", "1"), (44, "O", "0")]
            .iter()
            .map(|&(c, f, t)| (c, f.to_owned(), t.to_owned()))
            .collect();
    assert_eq!(changes, expected);
}

/// Without `--ocr-text` nothing is repaired: the same text is invalid.
#[test]
fn typed_text_is_never_repaired() {
    let (status, json) =
        run(&["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8989O2C3GUTO74O8I22F1204159ZEI84226B<<<<<1O"]);
    assert_eq!((status, json["verdict"].as_str()), (1, Some("invalid")));
    assert!(json.get("corrections").is_none());
}

/// A genuinely wrong printed check digit stays invalid under OCR repair: here the composite rules
/// out every look-alike change that would make the document number's digit pass.
#[test]
fn ocr_repair_does_not_validate_a_wrong_check_digit() {
    let (status, json) = run(&[
        "--ocr-text",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C37UTO7408122F1204159ZE184226B<<<<<10",
    ]);
    assert_eq!((status, json["verdict"].as_str()), (1, Some("invalid")), "{json}");
    assert_eq!(json["corrections"]["outcome"], "check_digits_still_fail");
}
