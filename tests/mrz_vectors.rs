//! Every vector in tests/vectors/mrz through `docexam mrz --json`: verdict, format, decoded fields,
//! the exact set of failed checks, and the warning and error codes it must report.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

mod common;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::Value;

use common::{Vector, load_vectors};

fn run_cli(v: &Vector) -> (i32, Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_docexam"));
    cmd.args(["--reference-date", v.reference_date(), "mrz", "--json"]);
    // Lines as arguments; the empty vector goes through standard input to test that path too.
    let via_stdin = v.lines.is_empty();
    if !via_stdin {
        cmd.arg("--").args(&v.lines);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    // Dropping stdin closes it, so the CLI sees end of input.
    if let Some(mut stdin) = child.stdin.take()
        && via_stdin
    {
        stdin.write_all(v.lines.join("\n").as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", v.name, String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json)
}

fn codes(json: &Value, key: &str) -> BTreeSet<String> {
    json[key].as_array().into_iter().flatten().filter_map(|f| f["code"].as_str().map(str::to_owned)).collect()
}

/// Returns the differences between what the vector expects and what the CLI reported.
fn check_vector(v: &Vector) -> Vec<String> {
    let (status, json) = run_cli(v);
    let e = &v.expect;
    let mut problems = Vec::new();
    let verdict = json["verdict"].as_str().unwrap_or("?");
    if verdict != e.verdict {
        problems.push(format!("verdict {verdict}, expected {}", e.verdict));
    }
    let expected_status = match e.verdict.as_str() {
        "valid" => 0,
        "invalid" => 1,
        _ => 2,
    };
    if status != expected_status {
        problems.push(format!("exit status {status}, expected {expected_status}"));
    }
    if json["valid"].as_bool() != Some(e.verdict == "valid") {
        problems.push(format!("valid is {}, verdict {}", json["valid"], e.verdict));
    }
    if let Some(format) = &e.format
        && json["format"].as_str() != Some(format)
    {
        problems.push(format!("format {}, expected {format}", json["format"]));
    }
    let summary = &json["summary"];
    let fields = [
        ("document_code", &e.document_code),
        ("issuing_state", &e.issuing_state),
        ("primary_identifier", &e.primary_identifier),
        ("secondary_identifier", &e.secondary_identifier),
        ("document_number", &e.document_number),
        ("nationality", &e.nationality),
        ("date_of_birth", &e.date_of_birth),
        ("sex", &e.sex),
        ("date_of_expiry", &e.date_of_expiry),
        ("optional_data", &e.optional_data),
        ("optional_data_2", &e.optional_data_2),
    ];
    for (key, expected) in fields {
        if let Some(expected) = expected
            && summary[key].as_str() != Some(expected.as_str())
        {
            problems.push(format!("{key} {}, expected {expected:?}", summary[key]));
        }
    }
    if let Some(expected) = &e.failed_checks {
        let got: BTreeSet<String> = json["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        let expected: BTreeSet<String> = expected.iter().cloned().collect();
        if got != expected {
            problems.push(format!("failed checks {got:?}, expected {expected:?}"));
        }
    }
    let warnings = codes(&json, "warnings");
    for w in &e.warnings {
        if !warnings.contains(w) {
            problems.push(format!("warning {w} missing (got {warnings:?})"));
        }
    }
    let mut errors = codes(&json, "errors");
    if let Some(code) = json["unreadable"]["code"].as_str() {
        errors.insert(code.to_owned());
    }
    for err in &e.errors {
        if !errors.contains(err) {
            problems.push(format!("error {err} missing (got {errors:?})"));
        }
    }
    // Invariant: a report with a failed check is never valid.
    if json["valid"].as_bool() == Some(true) && json["failed_checks"].as_array().is_some_and(|a| !a.is_empty()) {
        problems.push("valid with failed checks".to_owned());
    }
    problems
}

#[test]
fn every_vector_gets_the_expected_report() {
    let vectors = load_vectors();
    assert!(vectors.len() >= 100, "only {} vectors found", vectors.len());
    let mut failures = Vec::new();
    for v in &vectors {
        assert!(!v.source.trim().is_empty(), "{} has no source", v.name);
        let problems = check_vector(v);
        if !problems.is_empty() {
            failures.push(format!("{} ({}):\n    {}", v.name, v.file, problems.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors wrong:\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

#[test]
fn vector_names_are_unique() {
    let vectors = load_vectors();
    let mut seen = BTreeSet::new();
    for v in &vectors {
        assert!(seen.insert(v.name.clone()), "duplicate vector name {}", v.name);
    }
}
