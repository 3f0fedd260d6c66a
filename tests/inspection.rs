//! `docexam inspect` through the binary: MRZ text and scanned images against the shipped manuals,
//! answers files (tests/fixtures/inspection) and the terminal prompts.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use sha2::{Digest as _, Sha256};
use tempfile::TempDir;

/// A generated specimen of a fictional person (test-images/scan/truth.jsonl, td3_clean_0000), valid
/// on the reference date.
const VALID: [&str; 2] =
    ["PDPLWDARTAGNAN<<CHLOE<<<<<<<<<<<<<<<<<<<<<<<", "PM00781546PLW7708165F3004146<<<<<<<<<<<<<<<0"];
/// The same with the date-of-birth check digit (L2 20) printed 6 instead of 5.
const WRONG_CHECK_DIGIT: [&str; 2] =
    ["PDPLWDARTAGNAN<<CHLOE<<<<<<<<<<<<<<<<<<<<<<<", "PM00781546PLW7708166F3004146<<<<<<<<<<<<<<<0"];
/// ICAO 9303 Part 4 specimen: every check digit right, expired on 2012-04-15.
const EXPIRED: [&str; 2] =
    ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];

const REFERENCE_DATE: &str = "2026-11-23";

/// The hooks the first-line quick check automates.
const MRZ_HOOKS: [&str; 7] = [
    "mrz.format",
    "mrz.check_digits",
    "mrz.expiry",
    "mrz.birth_date",
    "mrz.issuer_code",
    "mrz.nationality_code",
    "mrz.name_integrity",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixture(name: &str) -> String {
    root().join("tests/fixtures/inspection").join(name).display().to_string()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn record(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is one JSON record ({e}): {}", self.stdout))
    }
}

/// `docexam inspect --no-record` (never the user's own audit log) against the shipped manuals, with
/// `stdin` piped in (empty when `None`).
fn inspect(args: &[&str], stdin: Option<&str>) -> Run {
    docexam(&["inspect", "--no-record"], args, stdin)
}

/// `docexam SUBCOMMAND... ARGS...` with the reference date and the shipped manuals.
fn docexam(subcommand: &[&str], args: &[&str], stdin: Option<&str>) -> Run {
    let manuals = root().join("manuals");
    let mut child = Command::new(env!("CARGO_BIN_EXE_docexam"))
        .args(["--reference-date", REFERENCE_DATE, "--manuals"])
        .arg(&manuals)
        .args(subcommand)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run docexam inspect");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.unwrap_or_default().as_bytes()).expect("write stdin");
    drop(input);
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

fn with_mrz<'a>(lines: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--manual", "first-line-quick"];
    for line in lines {
        args.extend(["--mrz", line]);
    }
    args.extend(rest);
    args
}

fn item<'a>(record: &'a Value, id: &str) -> &'a Value {
    record["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap_or_else(|| panic!("item {id}"))
}

fn automated(record: &Value) -> Vec<&Value> {
    record["items"].as_array().unwrap().iter().filter(|i| !i["automation"].is_null()).collect()
}

/// The item a hook fills in the shipped manual.
fn by_hook<'a>(record: &'a Value, hook: &str) -> &'a Value {
    automated(record).into_iter().find(|i| i["automation"] == hook).unwrap_or_else(|| panic!("an item with {hook}"))
}

fn assert_all_mrz_hooks_present(record: &Value) {
    let mut hooks: Vec<&str> = automated(record).iter().map(|i| i["automation"].as_str().unwrap()).collect();
    hooks.sort_unstable();
    let mut expected = MRZ_HOOKS.to_vec();
    expected.sort_unstable();
    assert_eq!(hooks, expected, "the first-line quick check automates the seven MRZ checks");
}

#[test]
fn valid_mrz_with_an_answers_file_gives_the_record_with_mrz_items_passed() {
    let answers = fixture("admit.json");
    let args = with_mrz(&VALID, &["--answers", &answers, "--officer", "off-042", "--station", "FRA-T1-3"]);
    let record = inspect(&args, None).record();
    assert_eq!(record["record_version"], 1);
    assert_eq!(record["manual"]["id"], "first-line-quick");
    assert_eq!(record["manual"]["language"], "en");
    let hash = record["manual"]["content_hash"].as_str().unwrap();
    let file = std::fs::read(root().join("manuals/first-line-quick.en.toml")).unwrap();
    assert_eq!(hash, format!("{:x}", Sha256::digest(&file)), "the hash of the manual file");
    assert_eq!(record["level"], "first");
    assert_eq!((&record["officer"], &record["station"]), (&Value::from("off-042"), &Value::from("FRA-T1-3")));
    assert_eq!(record["source"], serde_json::json!({"kind": "text"}));
    assert_eq!(record["mrz"]["status"], "read");
    assert_eq!(record["mrz"]["report"]["verdict"], "valid");
    assert_eq!(record["mrz"]["report"]["lines"], serde_json::json!(VALID));

    assert_all_mrz_hooks_present(&record);
    for item in automated(&record) {
        assert_eq!(item["answer"], "pass", "{}: {}", item["id"], item["machine"]["reason"]);
        assert_eq!(item["answered_by"], "machine", "{}", item["id"]);
        assert_eq!(item["machine"]["hook"], item["automation"]);
        assert!(item["override"].is_null());
    }
    let f02 = item(&record, "F02");
    assert_eq!((&f02["answer"], &f02["answered_by"]), (&Value::from("pass"), &Value::from("officer")));
    assert_eq!(f02["note"], "portrait printed, not glued");
    assert_eq!(item(&record, "N01")["answer"], "not_applicable");
    let unanswered = item(&record, "K01");
    assert_eq!((&unanswered["answer"], &unanswered["answered_by"]), (&Value::from("not_checked"), &Value::Null));

    assert_eq!(record["decision"]["outcome"], "admit");
    assert_eq!(record["decision"]["suggested"]["outcome"], "admit");
    let started = record["started_at"].as_str().unwrap();
    let ended = record["ended_at"].as_str().unwrap();
    assert!(started.len() == 20 && started.ends_with('Z') && started <= ended, "{started} .. {ended}");
}

#[test]
fn a_wrong_check_digit_pre_fails_the_check_digit_item_and_suggests_referral() {
    let record = inspect(&with_mrz(&WRONG_CHECK_DIGIT, &["--answers", &fixture("refer.json")]), None).record();
    let c02 = by_hook(&record, "mrz.check_digits");
    assert_eq!(c02["id"], "C02");
    assert_eq!((&c02["answer"], &c02["answered_by"]), (&Value::from("fail"), &Value::from("machine")));
    assert_eq!(c02["machine"]["checks"], serde_json::json!(["date_of_birth", "composite"]));
    assert_eq!(c02["machine"]["finding_codes"], serde_json::json!(["check_digit_mismatch"]));
    assert_eq!(by_hook(&record, "mrz.expiry")["answer"], "pass");
    let suggested = &record["decision"]["suggested"];
    assert_eq!(suggested["outcome"], "refer_second_line");
    assert_eq!(suggested["reasons"][0]["rule"], "serious_failure");
    assert_eq!(suggested["reasons"][0]["items"], serde_json::json!(["C02"]));
    assert_eq!(record["decision"]["outcome"], "refer_second_line");
}

#[test]
fn without_a_decision_the_record_is_undecided_and_the_suggestion_is_shown() {
    let scratch = TempDir::new().unwrap();
    let empty = scratch.path().join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let run = inspect(&with_mrz(&WRONG_CHECK_DIGIT, &["--answers", empty.to_str().unwrap()]), None);
    let record = run.record();
    assert!(record["decision"].is_null() && record["ended_at"].is_null());
    assert!(run.stderr.contains("suggested: refer to second line"), "{}", run.stderr);
    assert!(run.stderr.contains("C02"), "{}", run.stderr);
}

#[test]
fn an_expired_document_fails_its_item_and_can_be_refused_on_ground_a() {
    let record = inspect(&with_mrz(&EXPIRED, &["--answers", &fixture("refuse-expired.json")]), None).record();
    let b02 = by_hook(&record, "mrz.expiry");
    assert_eq!(b02["answer"], "fail");
    assert_eq!(b02["machine"]["finding_codes"], serde_json::json!(["expired"]));
    assert!(b02["machine"]["reason"].as_str().unwrap().contains("2012-04-15"), "{}", b02["machine"]["reason"]);
    assert_eq!(by_hook(&record, "mrz.check_digits")["answer"], "pass");
    assert_eq!(record["decision"]["suggested"]["outcome"], "refuse");
    assert_eq!(record["decision"]["suggested"]["refusal_reasons"], serde_json::json!(["A"]));
    assert_eq!(record["decision"]["outcome"], "refuse");
    assert_eq!(record["decision"]["refusal_reasons"], serde_json::json!(["A"]));
}

#[test]
fn an_override_is_recorded_with_the_machine_answer_kept() {
    let record =
        inspect(&with_mrz(&WRONG_CHECK_DIGIT, &["--answers", &fixture("override-check-digits.json")]), None).record();
    let c02 = item(&record, "C02");
    assert_eq!((&c02["answer"], &c02["answered_by"]), (&Value::from("pass"), &Value::from("officer")));
    assert_eq!(c02["machine"]["answer"], "fail");
    assert_eq!(c02["override"]["machine"], "fail");
    assert_eq!(c02["override"]["officer"], "pass");
    assert!(c02["override"]["reason"].as_str().unwrap().contains("under the loupe"));
    assert_eq!(c02["note"], "re-read twice");
    assert_eq!(record["decision"]["suggested"]["outcome"], "admit", "the suggestion follows the override");
}

#[test]
fn admit_after_a_failed_s1_item_without_justification_is_refused_with_the_reason() {
    let run = inspect(&with_mrz(&VALID, &["--answers", &fixture("admit-after-s1-fail.json")]), None);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty(), "no record: {}", run.stdout);
    assert!(run.stderr.contains("critical (S1) item(s) F02 failed"), "{}", run.stderr);
    assert!(run.stderr.contains("written justification"), "{}", run.stderr);
}

#[test]
fn every_rule_the_answers_file_breaks_is_explained() {
    let run = inspect(&with_mrz(&VALID, &["--answers", &fixture("broken-rules.json")]), None);
    assert_eq!(run.code, 1, "stderr: {}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains(r#"item "Z99" is not in manual "first-line-quick""#), "{}", run.stderr);
    assert!(run.stderr.contains("item C02 was answered \"pass\" by the machine check"), "{}", run.stderr);
    assert!(run.stderr.contains("the override of item B02 needs a reason"), "{}", run.stderr);
    assert!(run.stderr.contains("breaks 3 rule(s)"), "{}", run.stderr);

    let run = inspect(&with_mrz(&EXPIRED, &["--answers", &fixture("refuse-without-reason.json")]), None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("refusing entry needs at least one refusal reason code"), "{}", run.stderr);
}

#[test]
fn usage_and_read_errors_exit_2() {
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--manual".into(), "first-line-quick".into()], "required"),
        (
            vec![
                "--manual".into(),
                "no-such-manual".into(),
                "--mrz".into(),
                VALID[0].into(),
                "--mrz".into(),
                VALID[1].into(),
            ],
            "no manual `no-such-manual`",
        ),
        (
            with_mrz(&VALID, &["--answers", &fixture("not-answers.json")]).into_iter().map(String::from).collect(),
            "is not an answers file",
        ),
        (
            with_mrz(&VALID, &["--answers", "/nonexistent/answers.json"]).into_iter().map(String::from).collect(),
            "cannot read",
        ),
        (
            vec!["--manual".into(), "first-line-quick".into(), "--image".into(), "/nonexistent/scan.png".into()],
            "cannot read",
        ),
    ];
    for (args, message) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = inspect(&args, None);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn unreadable_mrz_text_leaves_the_mrz_items_not_checked() {
    let record = inspect(&with_mrz(&["P<UTOERIKSSON<<ANNA"], &["--answers", &fixture("refer.json")]), None).record();
    assert_eq!(record["mrz"]["report"]["verdict"], "unreadable");
    for item in automated(&record) {
        assert_eq!(item["answer"], "not_checked", "{}", item["id"]);
        assert!(item["machine"]["reason"].as_str().unwrap().starts_with("the MRZ could not be read"));
    }
}

#[test]
fn second_line_items_are_hidden_at_first_line_and_asked_at_second() {
    let base = ["--manual", "second-line-full", "--mrz", VALID[0], "--mrz", VALID[1], "--answers"];
    let refer = fixture("refer.json");
    let mut first_args = base.to_vec();
    first_args.push(&refer);
    let first = inspect(&first_args, None).record();
    let mut second_args = first_args.clone();
    second_args.extend(["--level", "second"]);
    let second = inspect(&second_args, None).record();
    let items = first["items"].as_array().unwrap();
    let hidden: Vec<&Value> = items.iter().filter(|i| i["visible"] == false).collect();
    assert!(!hidden.is_empty());
    for i in &hidden {
        assert_ne!(i["level"], "first");
        assert_eq!((&i["answer"], &i["answered_by"]), (&Value::from("not_checked"), &Value::Null));
    }
    assert_eq!(second["level"], "second");
    assert_eq!(second["items"].as_array().unwrap().len(), items.len(), "hidden items are kept");
    for i in second["items"].as_array().unwrap() {
        assert_eq!(i["visible"], i["level"] != "third", "{}", i["id"]);
    }
}

#[test]
fn the_french_manual_has_the_same_items() {
    let english = inspect(&with_mrz(&VALID, &["--answers", &fixture("admit.json")]), None).record();
    let french = inspect(&with_mrz(&VALID, &["--lang", "fr", "--answers", &fixture("admit.json")]), None).record();
    assert_eq!(french["manual"]["language"], "fr");
    assert_ne!(french["manual"]["content_hash"], english["manual"]["content_hash"]);
    let ids = |r: &Value| r["items"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&french), ids(&english));
}

/// Answers for the prompts: the first open item fails with a note, the others are skipped; C02 is
/// overridden; admit is tried first (refused: an S1 item failed), then refer.
fn scripted_session(open_items: usize) -> String {
    let mut input = String::from("f\nlifted edge\n");
    input.push_str(&"s\n".repeat(open_items - 1));
    input.push_str("c02\nf\nthe composite digit looks overprinted\n\n");
    input.push_str("1\n\n2\n\n");
    input
}

#[test]
fn the_terminal_prompts_drive_an_inspection_to_a_record() {
    let open = inspect(&with_mrz(&VALID, &["--answers", &fixture("refer.json")]), None).record()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["visible"] == true && i["automation"].is_null())
        .count();
    let run = inspect(&with_mrz(&VALID, &["--officer", "off-7"]), Some(&scripted_session(open)));
    let record = run.record();
    let first_open = record["items"].as_array().unwrap().iter().find(|i| i["automation"].is_null()).unwrap();
    assert_eq!(first_open["answer"], "fail");
    assert_eq!(first_open["note"], "lifted edge");
    let skipped = record["items"].as_array().unwrap().iter().filter(|i| i["automation"].is_null()).nth(1).unwrap();
    assert_eq!((&skipped["answer"], &skipped["answered_by"]), (&Value::from("not_checked"), &Value::from("officer")));
    let c02 = item(&record, "C02");
    assert_eq!(c02["override"]["reason"], "the composite digit looks overprinted");
    assert_eq!(c02["answer"], "fail");
    assert_eq!(record["decision"]["outcome"], "refer_second_line");
    assert_eq!(record["officer"], "off-7");
    // Prompts and explanations go to standard error, never into the record.
    assert!(run.stderr.contains("look at:"), "{}", run.stderr);
    assert!(run.stderr.contains("Suggested: refer to second line"), "{}", run.stderr);
    assert!(run.stderr.contains("admitting the traveller needs a written justification"), "{}", run.stderr);
}

/// One vocabulary: the prompts and the answers file take the same words (`Answer::from_word`).
#[test]
fn prompts_and_answers_files_take_the_same_answer_words() {
    let scratch = TempDir::new().unwrap();
    let answers = scratch.path().join("words.json");
    let words = r#"{"answers": [{"item": "F02", "answer": "P"}, {"item": "N01", "answer": "n/a"},
                    {"item": "K01", "answer": "skip"}], "decision": {"outcome": "admit"}}"#;
    std::fs::write(&answers, words).unwrap();
    let record = inspect(&with_mrz(&VALID, &["--answers", answers.to_str().unwrap()]), None).record();
    assert_eq!(item(&record, "F02")["answer"], "pass");
    assert_eq!(item(&record, "N01")["answer"], "not_applicable");
    assert_eq!(
        (&item(&record, "K01")["answer"], &item(&record, "K01")["answered_by"]),
        (&Value::from("not_checked"), &Value::from("officer"))
    );

    let open: Vec<String> = record["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["visible"] == true && i["automation"].is_null())
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    // The first open item not applicable (and no note), the rest not checked; no override; refer.
    let input = format!("NOT_APPLICABLE\n\n{}\n2\n\n", "not_checked\n".repeat(open.len() - 1));
    let record = inspect(&with_mrz(&VALID, &[]), Some(&input)).record();
    assert_eq!(item(&record, &open[0])["answer"], "not_applicable");
    for id in &open[1..] {
        assert_eq!(item(&record, id)["answer"], "not_checked", "{id}");
    }
    assert_eq!(record["decision"]["outcome"], "refer_second_line");
}

#[test]
fn input_that_ends_before_the_decision_gives_no_record() {
    let run = inspect(&with_mrz(&VALID, &[]), Some("p\n\n"));
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("standard input ended before the inspection was decided"), "{}", run.stderr);
}

fn truth_of(file: &str) -> Value {
    let text = std::fs::read_to_string(root().join("test-images/scan/truth.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|t| t["file"] == file)
        .unwrap_or_else(|| panic!("{file} in truth.jsonl"))
}

/// The issue's done criterion: a scanned test image, end to end, with the MRZ items filled in.
#[test]
fn a_scanned_image_runs_end_to_end_with_the_mrz_items_filled_automatically() {
    let file = "td3_clean_0000.png";
    let truth = truth_of(file);
    assert_eq!(truth["valid"], true);
    let image = root().join("test-images/scan").join(file);
    let image_arg = image.display().to_string();
    let args = ["--manual", "first-line-quick", "--image", &image_arg, "--answers", &fixture("admit.json")];
    let record = inspect(&args, None).record();

    assert_eq!(record["source"]["kind"], "image");
    assert_eq!(record["source"]["path"], image_arg);
    let bytes = std::fs::read(&image).unwrap();
    assert_eq!(record["source"]["sha256"], format!("{:x}", Sha256::digest(&bytes)));
    assert_eq!(record["mrz"]["status"], "read");
    assert_eq!(record["mrz"]["report"]["lines"], truth["lines"], "the MRZ read is the one printed");
    assert_eq!(record["mrz"]["report"]["verdict"], "valid");
    assert!(record["mrz"]["report"]["corrections"].is_object(), "OCR repairs are part of the evidence");

    assert_all_mrz_hooks_present(&record);
    for item in automated(&record) {
        assert_eq!(item["answered_by"], "machine", "{}", item["id"]);
        assert_eq!(item["answer"], "pass", "{}: {}", item["id"], item["machine"]["reason"]);
    }
    assert_eq!(record["decision"]["outcome"], "admit");
}

#[test]
fn an_image_without_an_mrz_leaves_the_mrz_items_not_checked() {
    let image = root().join("test-images/scan/card_no_mrz_0000.png");
    assert!(truth_of("card_no_mrz_0000.png")["lines"].is_null());
    let image_arg = image.display().to_string();
    let args = ["--manual", "first-line-quick", "--image", &image_arg, "--answers", &fixture("refer.json")];
    let record = inspect(&args, None).record();
    assert_eq!(record["mrz"]["status"], "not_found");
    for item in automated(&record) {
        assert_eq!(item["answer"], "not_checked", "{}", item["id"]);
        assert_eq!(item["machine"]["finding_codes"], serde_json::json!(["no_mrz_found"]));
    }
}

#[test]
fn a_decided_inspection_is_recorded_in_the_audit_log_and_the_log_verifies() {
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path();
    let db = dir.join("audit.sqlite").display().to_string();
    let refer = fixture("refer.json");
    let args = with_mrz(&WRONG_CHECK_DIGIT, &["--answers", &refer, "--officer", "off-9"]);
    let run = docexam(&["inspect", "--db", &db], &args, None);
    let record = run.record();
    assert!(run.stderr.contains(&format!("recorded #1 in {db}")), "{}", run.stderr);

    let list = docexam(&["audit", "--db", &db, "list", "--json"], &[], None);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed: Vec<Value> = list.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(listed.len(), 2, "log_created and the inspection: {}", list.stdout);
    assert_eq!(listed[1]["officer"], "off-9");
    assert_eq!(listed[1]["outcome"], record["decision"]["outcome"]);
    let verify = docexam(&["audit", "--db", &db, "verify"], &[], None);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);

    // Undecided inspections and dry runs are not recorded, and say so.
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let undecided =
        docexam(&["inspect", "--db", &db], &with_mrz(&VALID, &["--answers", empty.to_str().unwrap()]), None);
    assert_eq!(undecided.code, 0, "{}", undecided.stderr);
    assert!(undecided.stderr.contains("not recorded in the audit log: the inspection is undecided"));
    let dry = docexam(&["inspect", "--db", &db, "--no-record"], &args, None);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stderr.contains("not recorded in the audit log (--no-record)"));
    let list = docexam(&["audit", "--db", &db, "list", "--json"], &[], None);
    assert_eq!(list.stdout.lines().count(), 2);

    // A log that cannot be written: exit 2, NOT recorded, and the record still printed.
    let not_a_log = dir.join("not-a-log.sqlite");
    std::fs::write(&not_a_log, vec![0x42u8; 4096]).unwrap();
    let failed = docexam(&["inspect", "--db", not_a_log.to_str().unwrap()], &args, None);
    assert_eq!(failed.code, 2, "{}", failed.stderr);
    assert!(failed.stderr.contains("NOT recorded"), "{}", failed.stderr);
    let printed: Value = serde_json::from_str(&failed.stdout).unwrap();
    assert_eq!(printed["decision"]["outcome"], "refer_second_line");
}
