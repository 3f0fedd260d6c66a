//! `docexam manual check|list|show` through the binary, on the fixture manuals
//! (tests/fixtures/manuals): exit codes, file:line:item messages, discovery through the
//! environment and the `--manuals` option.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::process::{Command, Output};

use tempfile::TempDir;

use docexam_exam::manual::load_file;

#[path = "common/manuals.rs"]
mod manual_fixtures;

use manual_fixtures::{fixture, rel, repo, sha256_hex};

fn docexam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docexam"))
        .args(args)
        .current_dir(repo())
        .env_remove("DOCEXAM_MANUALS")
        .output()
        .expect("run docexam")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn cli_check_clean_folder_exits_0() {
    let output = docexam(&["manual", "check", &rel("good")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "2 files checked: 2 usable, 0 broken; 0 errors, 0 warnings\n");
}

#[test]
fn cli_check_prints_file_line_item_message_and_exits_1() {
    let output = docexam(&["manual", "check", &rel("bad/unknown-codes.en.toml"), &rel("bad/duplicate-item.en.toml")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    let unknown = rel("bad/unknown-codes.en.toml");
    assert_eq!(lines.len(), 9, "{text}");
    assert_eq!(
        lines[0],
        format!("{}:34: item A01: the id is used twice (first at line 14)", rel("bad/duplicate-item.en.toml"))
    );
    assert_eq!(lines[1], format!("{unknown}:7: unknown level `fourth`; allowed: first, second, third"));
    assert_eq!(lines[5], format!("{unknown}:21: item A01: unknown severity `S5`; allowed: S1, S2, S3, S4"));
    assert_eq!(lines[8], "2 files checked: 0 usable, 2 broken; 8 errors, 0 warnings");
}

#[test]
fn cli_check_warnings_alone_exit_0() {
    let output = docexam(&["manual", "check", &rel("bad/missing-time-budget.en.toml")]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!(
            "{}:7: warning: a first-line manual should give `time_budget_seconds`\n\
             1 file checked: 1 usable, 0 broken; 0 errors, 1 warning\n",
            rel("bad/missing-time-budget.en.toml")
        )
    );
}

#[test]
fn cli_check_translation_against_its_english_file() {
    let french = rel("translations/changed-severity/tiny-check.fr.toml");
    let output = docexam(&["manual", "check", &rel("good/tiny-check.en.toml"), &french]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output).lines().next().unwrap(),
        format!(
            "{french}:50: item H01: severity is S1 here but S2 in the English file ({}:50)",
            rel("good/tiny-check.en.toml")
        )
    );
    // A translation named alone brings its English file from the same folder.
    let output = docexam(&["manual", "check", &rel("good/tiny-check.fr.toml")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stderr(&output).contains("also checking tests/fixtures/manuals/good/tiny-check.en.toml"));
    assert_eq!(stdout(&output), "2 files checked: 2 usable, 0 broken; 0 errors, 0 warnings\n");
}

#[test]
fn cli_check_exits_2_when_nothing_could_be_read() {
    let output = docexam(&["manual", "check", &rel("no-such-file.en.toml")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).starts_with(&format!("{}: cannot read: ", rel("no-such-file.en.toml"))));
    let scratch = TempDir::new().unwrap();
    let empty = scratch.path();
    let output = docexam(&["manual", "check", empty.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), format!("no manual files (*.toml) in {}\n", empty.display()));
}

#[test]
fn cli_check_defaults_to_the_manuals_option_folder() {
    let output = docexam(&["--manuals", &rel("mixed"), "manual", "check"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(text.ends_with("5 files checked: 1 usable, 4 broken; 4 errors, 0 warnings\n"), "{text}");
}

#[test]
fn cli_list_shows_manuals_and_broken_files() {
    let output = docexam(&["--manuals", &rel("mixed"), "manual", "list"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ID      LANG  VERSION  LEVEL   ITEMS  TITLE");
    assert_eq!(lines[1], "pocket  en    1.0.0    second  2      Pocket card");
    assert_eq!(lines[3], "broken files (not used; `docexam manual check` explains):");
    assert_eq!(
        lines[7],
        format!(
            "  {}:34: item A03: not in the English file {}",
            rel("mixed/pocket.de.toml"),
            rel("mixed/pocket.en.toml")
        )
    );
    assert_eq!(lines.len(), 8, "{text}");
}

#[test]
fn cli_finds_the_folder_through_the_environment_and_the_option_wins() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_docexam"))
            .args(args)
            .current_dir(repo())
            .env("DOCEXAM_MANUALS", rel("good"))
            .output()
            .unwrap()
    };
    let from_env = stdout(&run(&["manual", "list"]));
    assert!(from_env.contains("tiny-check  fr"), "{from_env}");
    let from_option = stdout(&run(&["--manuals", &rel("mixed"), "manual", "list"]));
    assert!(from_option.contains("pocket") && !from_option.contains("tiny-check"), "{from_option}");
    let missing = run(&["--manuals", "no/such/folder", "manual", "list"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read the manuals folder no/such/folder"), "{}", stderr(&missing));
}

#[test]
fn cli_show_prints_sections_and_items() {
    let output = docexam(&["--manuals", &rel("good"), "manual", "show", "tiny-check", "--lang", "fr"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Petit contrôle de première ligne");
    assert_eq!(lines[1], "tiny-check 1.0.0 · fr · first line · about 60 s");
    assert_eq!(lines[2], format!("file: {}", rel("good/tiny-check.fr.toml")));
    let hash = sha256_hex(&std::fs::read(fixture("good/tiny-check.fr.toml")).unwrap());
    assert_eq!(lines[3], format!("sha256: {hash}"));
    for expected in [
        "C  ZLA et données  [FALSEDOC D: document number]",
        "  C01  first line  S1  Tous les chiffres de contrôle de la ZLA concordent-ils ?",
        "       look at:    La zone de lecture automatique au bas de la page de données.",
        "       suggests:   CF     counterfeit: the whole document reproduced",
        "                   FG-DA  forged: data alteration",
        "       automation: mrz.check_digits  every check digit is right",
        "  H02  second line  S3  Le film montre-t-il ses éléments UV ?",
        "       tools:      UV365  long-wave UV (365 nm)",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn cli_show_level_hides_items_above_it() {
    let output = docexam(&["--manuals", &rel("good"), "manual", "show", "tiny-check", "--level", "first"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("showing items up to first line (1 item hidden)"), "{text}");
    assert!(text.contains("  H01  first line"));
    assert!(!text.contains("H02"), "{text}");
    let bad = docexam(&["--manuals", &rel("good"), "manual", "show", "tiny-check", "--level", "fourth"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("expected one of: first, second, third"), "{}", stderr(&bad));
}

#[test]
fn cli_show_json_with_fallback() {
    let output = docexam(&["--manuals", &rel("mixed"), "manual", "show", "pocket", "--lang", "de", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        format!(
            "docexam: the `de` version has errors ({}); showing the English version\n",
            rel("mixed/pocket.de.toml")
        )
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["requested_language"], "de");
    assert_eq!(json["file"], rel("mixed/pocket.en.toml"));
    assert_eq!(json["content_hash"], sha256_hex(&std::fs::read(fixture("mixed/pocket.en.toml")).unwrap()));
    assert_eq!(json["manual"]["id"], "pocket");
    assert_eq!(json["manual"]["language"], "en");
    assert_eq!(json["manual"]["sections"][0]["items"][1]["severity"], "S1");
    let manual: docexam_exam::manual::Manual = serde_json::from_value(json["manual"].clone()).unwrap();
    assert_eq!(manual, load_file(&fixture("mixed/pocket.en.toml")).unwrap().manual, "the JSON is the whole manual");

    let filtered = docexam(&["--manuals", &rel("good"), "manual", "show", "tiny-check", "--level", "first", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&filtered)).unwrap();
    assert_eq!(json["level_filter"], "first");
    assert_eq!(json["manual"]["sections"][1]["items"].as_array().unwrap().len(), 1);
    assert!(json.get("requested_language").is_none());
}

#[test]
fn cli_show_unknown_or_broken_manual_exits_2() {
    let unknown = docexam(&["--manuals", &rel("mixed"), "manual", "show", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(stderr(&unknown), "docexam: no manual `nope`; known: pocket\n");
    let broken = docexam(&["--manuals", &rel("mixed"), "manual", "show", "orphan", "--lang", "fr"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(stderr(&broken).contains("manual `orphan` cannot be used"), "{}", stderr(&broken));
}
