//! `docexam exercise` through the binary: scripted runs on the fixture pack
//! (tests/fixtures/training/fixture-basics), bad answers files, reports as table and CSV, broken
//! packs in the list, and adding trainers' packs. Every run gets its own packs folder, audit
//! database and OS data folder (`XDG_DATA_HOME`), never the user's.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

const PACK: &str = "fixture-basics";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixture_pack() -> PathBuf {
    root().join("tests/fixtures/training").join(PACK)
}

/// A scratch folder (removed when dropped) with a packs folder, an audit database and an OS data
/// folder of its own.
struct Scratch(TempDir);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = tempfile::Builder::new().prefix(&format!("docexam-training-cli-{name}-")).tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("packs")).unwrap();
        Self(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn db(&self) -> PathBuf {
        self.path().join("audit.sqlite")
    }

    fn packs(&self) -> PathBuf {
        self.path().join("packs")
    }

    /// The trainers' packs folder under this scratch's `XDG_DATA_HOME`.
    fn user_packs(&self) -> PathBuf {
        self.path().join("data/docexam/packs")
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }

    /// A copy of the fixture pack in this scratch's packs folder, as `name`.
    fn copy_fixture(&self, name: &str) -> PathBuf {
        let to = self.packs().join(name);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(fixture_pack()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
        to
    }

    /// `docexam --manuals manuals exercise --packs PACKS ARGS...`.
    fn exercise(&self, packs: &Path, args: &[&str]) -> Run {
        Run::of(
            docexam()
                .arg("--manuals")
                .arg(root().join("manuals"))
                .args(["exercise", "--packs"])
                .arg(packs)
                .args(args)
                .env("XDG_DATA_HOME", self.path().join("data"))
                .env_remove("DOCEXAM_PACKS"),
        )
    }

    /// `docexam audit --db DB ARGS...`.
    fn audit(&self, args: &[&str]) -> Run {
        Run::of(docexam().arg("audit").arg("--db").arg(self.db()).args(args))
    }

    /// A scripted manual-only run of the fixture pack by `trainee`.
    fn run_scripted(&self, packs: &Path, trainee: &str, answers: &str) -> Run {
        let answers = self.file(&format!("answers-{}.json", trainee.len()), answers);
        let db = self.db().display().to_string();
        let args = ["run", PACK, "--trainee", trainee, "--manual-only", "--answers", &answers, "--db", &db];
        self.exercise(packs, &args)
    }
}

/// The binary under test, never pointed at the user's audit log.
fn docexam() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docexam"));
    command.env_remove("DOCEXAM_DB");
    command
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(command: &mut Command) -> Self {
        let out = command.output().expect("run docexam");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    /// Refused (exit 1), saying each of `needles` on standard error.
    fn refused(&self, needles: &[&str]) {
        assert_eq!(self.code, 1, "{self:?}");
        for needle in needles {
            assert!(self.stderr.contains(needle), "{needle:?} in {}", self.stderr);
        }
    }
}

/// Every document right and every planted defect found, without OCR: the MRZ item C02 is
/// answered by the trainee (the machine checked nothing).
const PERFECT: &str = r#"{
  "1": {"answers": {"F02": "pass", "G01": "pass"}, "outcome": "admit", "seconds": 30},
  "td2_wrong_check_0000.png": {"answers": {"C02": "fail"}, "outcome": "refer_second_line", "seconds": 50},
  "3": {"answers": {"F02": "fail", "H01": {"answer": "fail", "note": "corner lifted"}}, "outcome": "refuse",
        "refusal_reasons": ["B"], "justification": "portrait replaced", "seconds": 70}
}"#;

/// A false alarm on the genuine document (G01 failed, referred), both frauds admitted.
const POOR: &str = r#"{
  "1": {"answers": {"G01": "fail"}, "outcome": "refer_second_line", "seconds": 20},
  "2": {"outcome": "admit", "seconds": 10},
  "3": {"outcome": "admit", "seconds": 15}
}"#;

#[test]
fn a_perfect_scripted_run_scores_100_and_stays_out_of_the_audit_log() {
    let scratch = Scratch::new("perfect");
    let run = scratch.run_scripted(&fixture_pack(), "Ann", PERFECT);
    run.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].contains("fixture-basics") && lines[0].contains("trainee Ann") && lines[0].contains("manual only")
    );
    for (number, image) in [(1, "td3_clean_0000.png"), (2, "td2_wrong_check_0000.png"), (3, "td1_clean_0001.png")] {
        let line = lines.iter().find(|l| l.contains(image)).unwrap_or_else(|| panic!("{image}: {}", run.stdout));
        assert!(line.trim_start().starts_with(&number.to_string()), "{line}");
        assert!(line.contains(": right, 100.0 points"), "{line}");
    }
    assert!(run.stdout.contains("Overall: 100.0 points; outcomes right 3/3; missed frauds 0; false alarms 0"));
    assert!(run.stdout.contains("critical defects found 2/2; median 50 s"), "{}", run.stdout);
    assert!(run.stderr.contains("recorded training session 1"), "{}", run.stderr);

    // The log holds its first record only, verifies, and counts no inspection.
    let verify = scratch.audit(&["verify"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    let list = scratch.audit(&["list", "--json"]);
    assert_eq!(list.ok().stdout.lines().count(), 1, "log_created only: {}", list.stdout);
    assert!(list.stdout.contains("log_created"), "{}", list.stdout);
    let stats = scratch.audit(&["stats", "--format", "csv"]);
    assert!(stats.ok().stdout.contains("(total),0,"), "{}", stats.stdout);
}

#[test]
fn a_run_with_ocr_reads_the_mrz_and_the_machine_finds_the_altered_check_digit() {
    let scratch = Scratch::new("ocr");
    // A two-document copy of the fixture (genuine and MRZ altered), to keep OCR time down.
    let pack = scratch.copy_fixture("two");
    let key = std::fs::read_to_string(pack.join("key.toml")).unwrap();
    let two = key.split("\n[[documents]]\nimage = \"td1_clean_0001.png\"").next().unwrap();
    std::fs::write(pack.join("key.toml"), two.replace("id = \"fixture-basics\"", "id = \"ocr-two\"")).unwrap();
    // No answer for C02: only the machine can have failed it.
    let answers = scratch.file(
        "ocr.json",
        r#"{"1": {"outcome": "admit", "seconds": 5}, "2": {"answers": {"G01": "pass"}, "outcome": "refuse",
            "refusal_reasons": ["B"], "seconds": 9}}"#,
    );
    let db = scratch.db().display().to_string();
    let run =
        scratch.exercise(&scratch.packs(), &["run", "ocr-two", "--trainee", "Ann", "--answers", &answers, "--db", &db]);
    run.ok();
    assert!(!run.stdout.lines().next().unwrap().contains("manual only"), "{}", run.stdout);
    assert!(run.stdout.contains("Overall: 100.0 points; outcomes right 2/2"), "{}", run.stdout);
    assert!(run.stdout.contains("critical defects found 1/1"), "the machine's C02 failure counts: {}", run.stdout);
    let report = scratch.exercise(&scratch.packs(), &["report", "ocr-two", "--db", &db, "--format", "csv"]);
    assert!(report.ok().stdout.lines().nth(1).unwrap().contains(",with OCR,finished,2/2,100.0,"), "{}", report.stdout);
}

#[test]
fn a_bad_answers_file_is_a_clear_error_and_nothing_is_recorded() {
    let scratch = Scratch::new("bad-answers");
    let pack = fixture_pack();

    let unmatched = r#"{"1": {"outcome": "admit"}, "td3_clean_0000.png": {"outcome": "admit"},
                        "7": {"outcome": "admit"}}"#;
    scratch.run_scripted(&pack, "Ann", unmatched).refused(&[
        "\"7\" is not a document of pack fixture-basics (numbers 1 to 3",
        "are both document 1 (td3_clean_0000.png)",
        "document 2 (td2_wrong_check_0000.png) has no answers",
        "document 3 (td1_clean_0001.png) has no answers",
        "nothing recorded",
    ]);

    let broken_rules = r#"{
      "1": {"answers": {"Z99": "fail", "F02": "maybe"}, "outcome": "admit"},
      "2": {"answers": {"C02": "fail"}, "outcome": "refer_second_line"},
      "3": {"answers": {"F02": "fail"}, "outcome": "refuse"}
    }"#;
    scratch.run_scripted(&pack, "Ann", broken_rules).refused(&[
        "document 1 (td3_clean_0000.png): item F02: \"maybe\" is not an answer (pass, fail, n/a or not_checked)",
        "document 1 (td3_clean_0000.png): ",
        "Z99",
        "document 3 (td1_clean_0001.png): ",
        "refus",
        "the answers file has 3 problem(s); nothing recorded",
    ]);

    let run = scratch.run_scripted(&pack, "Ann", r#"{"1": {"outcome": "admit", "colour": "red"}}"#);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is not an exercise answers file") && run.stderr.contains("colour"), "{}", run.stderr);

    assert!(!scratch.db().exists(), "nothing was recorded: the database was not even created");
}

#[test]
fn the_report_gives_sessions_documents_items_and_trainees_as_table_and_csv() {
    let scratch = Scratch::new("report");
    let pack_dir = scratch.copy_fixture(PACK);
    let packs = scratch.packs();
    scratch.run_scripted(&packs, "Ann", POOR).ok();
    scratch.run_scripted(&packs, "Ann", PERFECT).ok();
    // A trainee name that a spreadsheet would run as a formula.
    scratch.run_scripted(&packs, "=Bob", POOR).ok();
    let db = scratch.db().display().to_string();

    let table = scratch.exercise(&packs, &["report", PACK, "--db", &db]);
    let text = &table.ok().stdout;
    assert!(text.starts_with("Exercise fixture-basics \"Fixture: three documents\" (3 documents): 3 session(s)"));
    let row = |start: &str| -> Vec<String> {
        let line =
            text.lines().find(|l| l.trim_start().starts_with(start)).unwrap_or_else(|| panic!("{start}: {text}"));
        line.split_whitespace().map(str::to_owned).collect()
    };
    // session trainee date time mode... status documents points right missed false crit planted median
    assert_eq!(row("1  Ann")[6..], ["finished", "3/3", "35.7", "0", "2", "1", "0", "2", "15"]);
    assert_eq!(row("2  Ann")[6..], ["finished", "3/3", "100.0", "3", "0", "0", "2", "2", "50"]);
    assert_eq!(row("3  =Bob")[1], "=Bob", "the table shows names as typed");
    // document image expected attempts right missed false found planted mean
    assert_eq!(row("1  td3_clean")[1..], ["td3_clean_0000.png", "admit", "3", "1", "0", "2", "0", "0", "83.3"]);
    assert_eq!(row("3  td1_clean")[3..], ["3", "1", "2", "0", "2", "6", "41.3"]);
    // item found missed false_alarms
    assert_eq!(row("C02"), ["C02", "1", "2", "0"]);
    assert_eq!(row("F03"), ["F03", "1", "2", "0"], "found under any of its items counts for each");
    assert_eq!(row("G01"), ["G01", "0", "0", "2"]);
    let ann = row("Ann ");
    assert_eq!((ann[1].as_str(), &ann[4..7]), ("2", &["100.0".to_owned(), "100.0".to_owned(), "67.8".to_owned()][..]));
    assert!(text.contains("35.7 -> 100.0"), "Ann's history in session order: {text}");

    let only_ann = scratch.exercise(&packs, &["report", PACK, "--db", &db, "--trainee", "Ann", "--table", "sessions"]);
    assert!(only_ann.ok().stdout.contains("trainee Ann: 2 session(s)"), "{}", only_ann.stdout);
    assert!(!only_ann.stdout.contains("=Bob"));

    let csv_of = |table: &str| -> Vec<Vec<String>> {
        let run = scratch.exercise(&packs, &["report", PACK, "--db", &db, "--format", "csv", "--table", table]);
        let mut reader = csv::Reader::from_reader(run.ok().stdout.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let mut rows = vec![header];
        rows.extend(reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()));
        rows
    };
    let sessions = csv_of("sessions");
    assert_eq!(sessions[0][..7], ["session", "trainee", "started", "mode", "status", "documents", "points"]);
    assert_eq!(sessions.len(), 4);
    assert_eq!(sessions[3][1], "'=Bob", "formula neutralised");
    assert_eq!(sessions[2][6..], ["100.0", "3", "0", "0", "2", "2", "50", "no"]);
    assert!(sessions[1][2].ends_with('Z') && sessions[1][3] == "manual only");
    let items = csv_of("items");
    assert_eq!(items[0], ["item", "found", "missed", "false_alarms"]);
    assert_eq!(items.iter().find(|r| r[0] == "H01").unwrap(), &["H01", "1", "2", "0"]);
    let trainees = csv_of("trainees");
    assert_eq!(trainees.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["trainee", "'=Bob", "Ann"]);
    assert_eq!(trainees[2][7], "35.7 100.0");
    let documents = csv_of("documents");
    assert_eq!(documents[2][..4], ["2", "td2_wrong_check_0000.png", "refer_second_line", "3"]);

    // Sessions remember the key they were taken with.
    let key = pack_dir.join("key.toml");
    let text = std::fs::read_to_string(&key).unwrap();
    std::fs::write(&key, text.replace("description = \"the laminate", "description = \"now: the laminate")).unwrap();
    let changed = csv_of("sessions");
    assert!(changed[1..].iter().all(|r| r[13] == "yes"), "{changed:?}");
    let table = scratch.exercise(&packs, &["report", PACK, "--db", &db, "--table", "sessions"]);
    assert!(table.ok().stdout.contains("* the pack's key changed since the session"), "{}", table.stdout);
}

#[test]
fn list_shows_broken_packs_next_to_a_good_one() {
    let scratch = Scratch::new("list");
    scratch.copy_fixture("good");
    let bad_toml = scratch.copy_fixture("bad-toml");
    std::fs::write(bad_toml.join("key.toml"), "id = \"bad-toml\"\ntitle = \"unterminated\n").unwrap();
    let unknown_item = scratch.copy_fixture("unknown-item");
    let key = std::fs::read_to_string(unknown_item.join("key.toml")).unwrap();
    let key = key.replace("id = \"fixture-basics\"", "id = \"unknown-item\"").replace("[\"H01\"]", "[\"H99\"]");
    std::fs::write(unknown_item.join("key.toml"), key).unwrap();
    let missing_image = scratch.copy_fixture("missing-image");
    std::fs::remove_file(missing_image.join("td1_clean_0001.png")).unwrap();
    std::fs::create_dir_all(scratch.packs().join("not-a-pack")).unwrap();

    let run = scratch.exercise(&scratch.packs(), &["list"]);
    let out = &run.ok().stdout;
    let good = out.lines().find(|l| l.starts_with("fixture-basics")).unwrap_or_else(|| panic!("{out}"));
    assert!(good.contains("Fixture: three documents") && good.contains(" 3 ") && good.contains("falsedoc-pocket"));
    assert!(good.contains("good (given by --packs)"), "{good}");
    assert!(out.contains("3 broken pack(s), not used:"), "{out}");
    let section = |dir: &str| -> String {
        let start = out.find(dir).unwrap_or_else(|| panic!("{dir}: {out}"));
        out[start..].lines().take(3).collect::<Vec<_>>().join("\n")
    };
    let bad = section("bad-toml");
    assert!(bad.contains("key.toml") && bad.contains("line 2"), "{bad}");
    let unknown = section("unknown-item (id unknown-item)");
    assert!(unknown.contains("names item \"H99\", which manual falsedoc-pocket does not have"), "{unknown}");
    let missing = section("missing-image");
    assert!(missing.contains("td1_clean_0001.png, which is not in the pack"), "{missing}");
    assert!(!out.contains("not-a-pack"), "a folder without a key is not a pack");
}

#[test]
fn new_copies_a_valid_pack_and_refuses_an_invalid_key_an_unreadable_image_and_a_taken_id() {
    let scratch = Scratch::new("new");
    let empty = scratch.path().join("no-packs-here");
    std::fs::create_dir_all(&empty).unwrap();
    let fixture = fixture_pack().display().to_string();

    let added = scratch.exercise(&empty, &["new", "--from-dir", &fixture]);
    assert!(added.ok().stdout.contains("added pack fixture-basics (3 documents, manual falsedoc-pocket)"));
    let copied = scratch.user_packs().join(PACK);
    for file in ["key.toml", "td3_clean_0000.png", "td2_wrong_check_0000.png", "td1_clean_0001.png"] {
        assert_eq!(std::fs::read(copied.join(file)).unwrap(), std::fs::read(fixture_pack().join(file)).unwrap());
    }
    let list = scratch.exercise(&empty, &["list"]);
    assert!(list.ok().stdout.contains("(trainers' packs)"), "{}", list.stdout);
    assert!(list.stdout.lines().any(|l| l.starts_with("fixture-basics")), "{}", list.stdout);

    let again = scratch.exercise(&empty, &["new", "--from-dir", &fixture]);
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("pack id \"fixture-basics\" is already taken by"), "{}", again.stderr);

    let invalid = scratch.copy_fixture("invalid");
    let key = std::fs::read_to_string(invalid.join("key.toml")).unwrap();
    let key = key.replace("id = \"fixture-basics\"", "id = \"invalid\"").replace("[\"C02\"]", "[\"C99\"]");
    std::fs::write(invalid.join("key.toml"), key).unwrap();
    let refused = scratch.exercise(&empty, &["new", "--from-dir", &invalid.display().to_string()]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("names item \"C99\""), "{}", refused.stderr);
    assert!(refused.stderr.contains("the pack was not added"), "{}", refused.stderr);

    let not_an_image = scratch.copy_fixture("not-an-image");
    let key = std::fs::read_to_string(not_an_image.join("key.toml")).unwrap();
    std::fs::write(not_an_image.join("key.toml"), key.replace("id = \"fixture-basics\"", "id = \"not-an-image\""))
        .unwrap();
    std::fs::write(not_an_image.join("td2_wrong_check_0000.png"), "not a PNG at all").unwrap();
    let refused = scratch.exercise(&empty, &["new", "--from-dir", &not_an_image.display().to_string()]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("document 2 (td2_wrong_check_0000.png): not an image"), "{}", refused.stderr);

    let missing = scratch.exercise(&empty, &["new", "--from-dir", "/nonexistent/pack"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    let added: Vec<String> = std::fs::read_dir(scratch.user_packs())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(added, [PACK], "only the valid pack was added, and no staging folder is left");
}
