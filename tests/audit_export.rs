#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.
//! `docexam audit export`, `audit verify --export [--against]`, `audit verify --against` and
//! `audit import`, driven through the binary (the bit-flip sweeps call the library's
//! `verify_export`, which the binary runs, to keep thousands of runs fast).

#[path = "common/audit.rs"]
mod audit_common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use docexam_audit::chain::{head_of, leaf_hash};
use docexam_audit::export::verify_export;
use docexam_exam::digest::{sha256_hex, to_hex};

use audit_common::Scratch;

const PASSPHRASE: &str = "correct horse battery staple";
const MRZ_1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const MRZ_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

fn docexam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docexam")).args(args).env_remove("DOCEXAM_SUPERVISOR_PASSPHRASE").output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn describe(output: &Output) -> String {
    format!("exit {}\nstdout:\n{}\nstderr:\n{}", code(output), stdout(output), String::from_utf8_lossy(&output.stderr))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Three decided inspection records (as `docexam inspect` prints them), made once per run:
/// formula-looking officer and station ids, a note with a comma, quotes, a newline and non-ASCII
/// text, and a non-ASCII officer.
fn inspection_records() -> &'static [Vec<u8>] {
    static RECORDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    RECORDS.get_or_init(|| {
            let scratch = Scratch::new("records");
            let manuals = concat!(env!("CARGO_MANIFEST_DIR"), "/manuals");
            let cases: [(&str, &str, &str); 3] = [
                (
                    "=HYPERLINK(\"x\")",
                    "st-1",
                    r#"{"answers":[{"item":"F02","answer":"fail","note":"smudge, \"odd\" font\nsecond line ÅÖ"}],
                        "decision":{"outcome":"refuse","refusal_reasons":["A","B"],"justification":"=HYPERLINK(\"x\"), see note"}}"#,
                ),
                ("@SUM(1)", "-2+3", r#"{"decision":{"outcome":"admit"}}"#),
                ("Åsa Öberg", "+46", r#"{"decision":{"outcome":"admit"}}"#),
            ];
            let mut records = Vec::new();
            for (i, (officer, station, answers)) in cases.iter().enumerate() {
                let answers_file = scratch.join(&format!("answers-{i}.json"));
                std::fs::write(&answers_file, answers).unwrap();
                let output = Command::new(env!("CARGO_BIN_EXE_docexam"))
                    .args(["inspect", "--manuals", manuals, "--manual", "first-line-quick", "--mrz", MRZ_1])
                    .args(["--mrz", MRZ_2, "--answers", p(&answers_file)])
                    // `=` form: ids starting with `-` or `+` are values, not options.
                    .args([format!("--officer={officer}"), format!("--station={station}")])
                    .args(["--reference-date", "2010-01-01"])
                    // Some builds also record the inspection: keep that away from the user's log.
                    .env("DOCEXAM_DB", scratch.join("inspect-sink.sqlite"))
                    .output()
                    .unwrap();
                assert_eq!(code(&output), 0, "{}", describe(&output));
                records.push(output.stdout);
            }
            records
        })
}

/// One desk: its database (key beside it) and the supervisor passphrase file.
struct Desk {
    db: PathBuf,
    passphrase: PathBuf,
}

impl Desk {
    /// A new desk with `id`, a supervisor passphrase, and `inspections` records (cycling through
    /// the three inspection records).
    fn new(scratch: &Scratch, id: &str, inspections: usize) -> Self {
        let db = scratch.join(&format!("{id}.sqlite"));
        let passphrase = scratch.join(&format!("{id}.passphrase"));
        std::fs::write(&passphrase, format!("{PASSPHRASE}\n")).unwrap();
        let output = docexam(&["audit", "--db", p(&db), "init", "--desk-id", id]);
        assert_eq!(code(&output), 0, "{}", describe(&output));
        let output = docexam(&["audit", "--db", p(&db), "passphrase", "--new-passphrase-file", p(&passphrase)]);
        assert_eq!(code(&output), 0, "{}", describe(&output));
        let desk = Self { db, passphrase };
        desk.record(inspections);
        desk
    }

    fn record(&self, inspections: usize) {
        self.record_from(0, inspections);
    }

    /// Records `inspections` inspections, starting with the `first`th of the three.
    fn record_from(&self, first: usize, inspections: usize) {
        let file = self.db.with_extension("record.json");
        for record in inspection_records().iter().cycle().skip(first).take(inspections) {
            std::fs::write(&file, record).unwrap();
            let output = docexam(&["audit", "--db", p(&self.db), "record", "--json", p(&file)]);
            assert_eq!(code(&output), 0, "{}", describe(&output));
        }
    }

    fn audit(&self, args: &[&str]) -> Output {
        let mut all = vec!["audit", "--db", p(&self.db)];
        all.extend(args);
        docexam(&all)
    }

    fn supervised(&self, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.extend(["--passphrase-file", p(&self.passphrase), "--supervisor", "sup-1"]);
        self.audit(&all)
    }

    fn export(&self, format: &str, out: &Path, extra: &[&str]) -> Output {
        let mut args = vec!["export", "--format", format, "--out", p(out)];
        args.extend(extra);
        let output = self.supervised(&args);
        assert_eq!(code(&output), 0, "{}", describe(&output));
        output
    }

    fn kinds(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut statement = conn.prepare("SELECT kind FROM log ORDER BY seq").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    fn last_leaf(&self) -> serde_json::Value {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let leaf: Vec<u8> = conn.query_row("SELECT leaf FROM log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).unwrap();
        serde_json::from_slice(&leaf).unwrap()
    }

    fn imported_count(&self, desk: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row("SELECT count(*) FROM imported_record WHERE desk = ?1", [desk], |r| r.get(0)).unwrap()
    }
}

fn proof_of(export: &Path) -> PathBuf {
    let mut name = export.file_name().unwrap().to_os_string();
    name.push(".proof.json");
    export.with_file_name(name)
}

fn read_proof(export: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(proof_of(export)).unwrap()).unwrap()
}

/// Writes `bytes` as a new export named `name` beside `original`, with `proof` (default: a copy
/// of the original's proof).
fn variant(original: &Path, name: &str, bytes: &[u8], proof: Option<&serde_json::Value>) -> PathBuf {
    let path = original.with_file_name(name);
    std::fs::write(&path, bytes).unwrap();
    match proof {
        Some(proof) => std::fs::write(proof_of(&path), serde_json::to_vec_pretty(proof).unwrap()).unwrap(),
        None => {
            std::fs::copy(proof_of(original), proof_of(&path)).unwrap();
        }
    }
    path
}

fn verify_export_cli(export: &Path) -> Output {
    docexam(&["audit", "verify", "--export", p(export)])
}

fn assert_tampered(export: &Path, expect_in_headline: &str) {
    let output = verify_export_cli(export);
    assert_eq!(code(&output), 3, "{} should be tampered: {}", export.display(), describe(&output));
    let headline = stdout(&output).lines().next().unwrap_or_default().to_owned();
    assert!(headline.starts_with("TAMPERED"), "{}", describe(&output));
    assert!(headline.contains(expect_in_headline), "{expect_in_headline:?} not in {headline:?}");
}

/// Reads a CSV export through the csv crate (after its BOM).
fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).expect("a CSV export starts with the UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new().from_reader(body);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

#[test]
fn csv_and_jsonl_exports_verify_are_logged_and_never_overwrite() {
    let scratch = Scratch::new("basic");
    let desk = Desk::new(&scratch, "desk-a", 3);
    let csv = scratch.join("out.csv");
    let jsonl = scratch.join("out.jsonl");
    let printed = stdout(&desk.export("csv", &csv, &[]));
    assert!(printed.contains("exported 5 records of desk desk-a"), "{printed}");
    desk.export("jsonl", &jsonl, &[]);

    for export in [&csv, &jsonl] {
        let output = verify_export_cli(export);
        assert_eq!(code(&output), 0, "{}", describe(&output));
        assert!(stdout(&output).starts_with("INTACT"), "{}", describe(&output));
        assert!(stdout(&output).contains("compare it with the desk's enrolled fingerprint"));
    }
    // The proofs: records, head and file hash as exported.
    let csv_proof = read_proof(&csv);
    assert_eq!(csv_proof["format"], "docexam-audit-proof");
    assert_eq!(csv_proof["records"], 5, "log_created, settings, 3 inspections");
    assert_eq!(csv_proof["export_format"], "csv");
    assert_eq!(csv_proof["export_sha256"], sha256_hex(&std::fs::read(&csv).unwrap()));
    let jsonl_proof = read_proof(&jsonl);
    assert_eq!(jsonl_proof["records"], 6, "the csv export's record is in the jsonl export");

    // Both exports are logged, with the file name only and the file's hash; the log verifies.
    assert_eq!(desk.kinds()[5..], ["export", "export"]);
    let record = desk.last_leaf();
    assert_eq!(record["body"]["file"], "out.jsonl");
    assert_eq!(record["body"]["format"], "jsonl");
    assert_eq!(record["body"]["records"], 6);
    assert_eq!(record["body"]["head"], jsonl_proof["chain_head"]);
    assert_eq!(record["body"]["sha256"], sha256_hex(&std::fs::read(&jsonl).unwrap()));
    assert_eq!(record["body"]["by"]["name"], "sup-1");
    let output = desk.audit(&["verify"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));

    // An existing file is never overwritten, and the refusal writes nothing.
    let before = std::fs::read(&csv).unwrap();
    let output = desk.supervised(&["export", "--format", "jsonl", "--out", p(&csv)]);
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("never overwrite"), "{}", describe(&output));
    assert_eq!(std::fs::read(&csv).unwrap(), before);
    assert_eq!(desk.kinds().len(), 7);
    assert!(!scratch.join("out.csv.partial").exists());
}

#[test]
fn csv_cells_are_neutralised_and_round_trip_through_a_csv_reader() {
    let scratch = Scratch::new("csv");
    let desk = Desk::new(&scratch, "desk-a", 3);
    let csv = scratch.join("out.csv");
    desk.export("csv", &csv, &[]);
    let (header, rows) = csv_rows(&csv);
    assert_eq!(header[..4], ["seq", "kind", "at", "officer"]);
    assert_eq!(header[header.len() - 3..], ["leaf_hash", "chain", "leaf"]);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let inspections: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "inspection").collect();
    assert_eq!(inspections.len(), 3);

    let officers: Vec<&str> = inspections.iter().map(|r| r[column("officer")].as_str()).collect();
    assert_eq!(officers, ["'=HYPERLINK(\"x\")", "'@SUM(1)", "Åsa Öberg"]);
    let stations: Vec<&str> = inspections.iter().map(|r| r[column("station")].as_str()).collect();
    assert_eq!(stations, ["st-1", "'-2+3", "'+46"]);
    assert_eq!(inspections[0][column("outcome")], "refuse");
    assert_eq!(inspections[0][column("refusal_reasons")], "A;B");
    assert_eq!(inspections[0][column("fraud_types")], "FG-PS");
    assert_eq!(inspections[0][column("issuer")], "UTO");
    assert_eq!(inspections[1][column("outcome")], "admit");
    // No cell a spreadsheet would run as a formula.
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "unsafe cell {cell:?}");
        }
    }

    // The leaf column is the exact leaf: raw values inside, hashes and chain recomputable.
    let leaves: Vec<&[u8]> = rows.iter().map(|r| r[column("leaf")].as_bytes()).collect();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[column("leaf_hash")], to_hex(&leaf_hash(leaves[i])));
        assert_eq!(row[column("chain")], to_hex(&head_of(leaves[..=i].iter().copied())));
    }
    let first: serde_json::Value = serde_json::from_slice(inspections[0][column("leaf")].as_bytes()).unwrap();
    assert_eq!(first["body"]["officer"], "=HYPERLINK(\"x\")");
    let note = first["body"]["items"].as_array().unwrap().iter().find_map(|item| item["note"].as_str()).unwrap();
    assert_eq!(note, "smudge, \"odd\" font\nsecond line ÅÖ");
    assert_eq!(first["body"]["decision"]["justification"], "=HYPERLINK(\"x\"), see note");
    assert_eq!(read_proof(&csv)["chain_head"], rows.last().unwrap()[column("chain")]);
}

/// Flips bit `position % 8` of byte `position`.
fn flipped(bytes: &[u8], position: usize) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[position] ^= 1 << (position % 8);
    copy
}

/// Verifies each one-bit variant of `original` at `positions`; returns (detected, tried).
fn flip_sweep(original: &Path, positions: impl IntoIterator<Item = usize>) -> (usize, usize, Vec<usize>) {
    let bytes = std::fs::read(original).unwrap();
    let extension = original.extension().unwrap().to_str().unwrap();
    let target = variant(original, &format!("flipped.{extension}"), &bytes, None);
    let (mut detected, mut tried, mut missed) = (0, 0, Vec::new());
    for position in positions {
        std::fs::write(&target, flipped(&bytes, position)).unwrap();
        tried += 1;
        let report = verify_export(&target, None).unwrap();
        if report.intact() {
            missed.push(position);
        } else {
            detected += 1;
        }
    }
    (detected, tried, missed)
}

#[test]
fn every_bit_flip_in_the_first_4_kib_of_a_jsonl_export_is_detected() {
    let scratch = Scratch::new("flip-jsonl");
    let desk = Desk::new(&scratch, "desk-a", 2);
    let jsonl = scratch.join("out.jsonl");
    desk.export("jsonl", &jsonl, &[]);
    let len = std::fs::metadata(&jsonl).unwrap().len() as usize;
    assert!(len > 4096, "the export should be longer than 4 KiB ({len} bytes)");
    assert!(verify_export(&jsonl, None).unwrap().intact());
    let (detected, tried, missed) = flip_sweep(&jsonl, 0..4096);
    println!("jsonl bit flips detected: {detected} of {tried}");
    assert_eq!(detected, tried, "undetected flips at byte positions {missed:?}");
}

#[test]
fn bit_flips_across_a_csv_export_are_detected_including_the_bom_and_quoted_cells() {
    let scratch = Scratch::new("flip-csv");
    let desk = Desk::new(&scratch, "desk-a", 3);
    let csv = scratch.join("out.csv");
    desk.export("csv", &csv, &[]);
    let bytes = std::fs::read(&csv).unwrap();
    let quoted_officer = bytes.windows(5).position(|w| w == b"\"'=HY").unwrap();
    let positions: Vec<usize> =
        (0..64).chain(quoted_officer..quoted_officer + 20).chain((64..bytes.len()).step_by(11)).collect();
    let (detected, tried, missed) = flip_sweep(&csv, positions);
    println!("csv bit flips detected: {detected} of {tried}");
    assert_eq!(detected, tried, "undetected flips at byte positions {missed:?}");
}

#[test]
fn edited_exports_and_proofs_are_tampered_with_exit_3() {
    let scratch = Scratch::new("edits");
    let desk = Desk::new(&scratch, "desk-a", 3);
    let csv = scratch.join("out.csv");
    let jsonl = scratch.join("out.jsonl");
    desk.export("csv", &csv, &[]);
    desk.export("jsonl", &jsonl, &[]);
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    let jsonl_text = std::fs::read_to_string(&jsonl).unwrap();

    // An edited outcome cell is named with its record.
    assert_eq!(csv_text.matches(",refuse,A;B,").count(), 1);
    let edited = variant(&csv, "outcome.csv", csv_text.replace(",refuse,A;B,", ",admit,A;B,").as_bytes(), None);
    assert_tampered(&edited, "record 2: the outcome cell says \"admit\" but the record says \"refuse\"");

    let lines: Vec<&str> = jsonl_text.lines().collect();
    let join = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    // A deleted line, two swapped lines, a deleted last line, a truncated file.
    let mut without = lines.clone();
    without.remove(2);
    assert_tampered(&variant(&jsonl, "deleted.jsonl", join(&without).as_bytes(), None), "record 2");
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    assert_tampered(&variant(&jsonl, "swapped.jsonl", join(&swapped).as_bytes(), None), "record 2");
    assert_tampered(
        &variant(&jsonl, "tail.jsonl", join(&lines[..lines.len() - 1]).as_bytes(), None),
        "records at the end were deleted",
    );
    let cut = &jsonl_text.as_bytes()[..jsonl_text.len() - 100];
    assert_tampered(&variant(&jsonl, "cut.jsonl", cut, None), "cut short");
    let csv_lines: Vec<&str> = csv_text.split_inclusive("\r\n").collect();
    let csv_without_row: String = csv_lines.iter().enumerate().filter(|(i, _)| *i != 3).map(|(_, l)| *l).collect();
    assert_tampered(&variant(&csv, "row.csv", csv_without_row.as_bytes(), None), "record 2");

    // Proof edits: head, record count, signatures, public key.
    let proof = read_proof(&jsonl);
    let edits: [(&str, serde_json::Value); 6] = [
        ("chain_head", serde_json::json!("00".repeat(32))),
        ("records", serde_json::json!(proof["records"].as_u64().unwrap() - 1)),
        ("checkpoint_signature", serde_json::json!("11".repeat(64))),
        ("export_signature", serde_json::json!("22".repeat(64))),
        ("public_key", serde_json::json!("33".repeat(32))),
        ("export_sha256", serde_json::json!("44".repeat(32))),
    ];
    for (field, value) in edits {
        let mut edited_proof = proof.clone();
        edited_proof[field] = value;
        let export = variant(&jsonl, &format!("proof-{field}.jsonl"), jsonl_text.as_bytes(), Some(&edited_proof));
        assert_tampered(&export, "");
    }
    // A proof that is not JSON at all is tampering too; a missing one means nothing to check (2).
    let export = variant(&jsonl, "garbled.jsonl", jsonl_text.as_bytes(), None);
    std::fs::write(proof_of(&export), b"{\"format\": \"docexam-audit-pro").unwrap();
    assert_tampered(&export, "");
    std::fs::remove_file(proof_of(&export)).unwrap();
    assert_eq!(code(&verify_export_cli(&export)), 2);
    assert_eq!(code(&verify_export_cli(&scratch.join("absent.jsonl"))), 2);

    // Garbage with a genuine proof never panics: tampered.
    for (name, bytes) in [("empty.jsonl", Vec::new()), ("noise.jsonl", (0..=255u8).cycle().take(5000).collect())] {
        assert_tampered(&variant(&jsonl, name, &bytes, None), "");
    }
    assert_tampered(&variant(&csv, "noise.csv", b"\xef\xbb\xbfseq,kind\n1,2\n", None), "");
    // The originals are still intact.
    assert_eq!(code(&verify_export_cli(&csv)), 0);
    assert_eq!(code(&verify_export_cli(&jsonl)), 0);
}

#[test]
fn a_wrong_passphrase_exports_nothing_and_is_recorded() {
    let scratch = Scratch::new("auth");
    let desk = Desk::new(&scratch, "desk-a", 1);
    let wrong = scratch.join("wrong");
    std::fs::write(&wrong, "not the passphrase at all\n").unwrap();
    let out = scratch.join("out.csv");
    let output = desk.audit(&["export", "--format", "csv", "--out", p(&out), "--passphrase-file", p(&wrong)]);
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(!out.exists() && !proof_of(&out).exists());
    assert_eq!(desk.kinds().last().map(String::as_str), Some("auth_failed"));
    assert_eq!(desk.last_leaf()["body"]["action"], "export the log");
    let output = desk.audit(&["verify"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
}

#[test]
fn personal_data_is_exported_only_when_asked_and_rechecked_against_its_commitment() {
    let scratch = Scratch::new("personal");
    let desk = Desk::new(&scratch, "desk-a", 0);
    let output = desk.supervised(&["settings", "--personal-data", "on"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    desk.record(2);
    let (csv, jsonl, plain) = (scratch.join("p.csv"), scratch.join("p.jsonl"), scratch.join("plain.jsonl"));
    let printed = stdout(&desk.export("csv", &csv, &["--personal-data"]));
    assert!(printed.contains("personal data included for 2 records"), "{printed}");
    desk.export("jsonl", &jsonl, &["--personal-data"]);
    assert_eq!(desk.last_leaf()["body"]["personal_data"], true, "the export record says personal data went out");
    desk.export("jsonl", &plain, &[]);
    assert_eq!(desk.last_leaf()["body"]["personal_data"], false);
    for export in [&csv, &jsonl, &plain] {
        let output = verify_export_cli(export);
        assert_eq!(code(&output), 0, "{}", describe(&output));
    }
    assert!(!std::fs::read_to_string(&plain).unwrap().contains("ERIKSSON"));
    let (header, rows) = csv_rows(&csv);
    let surname = header.iter().position(|h| h == "surname").unwrap();
    let surnames: Vec<&str> = rows.iter().filter(|r| r[1] == "inspection").map(|r| r[surname].as_str()).collect();
    assert_eq!(surnames, ["ERIKSSON", "ERIKSSON"]);

    // Edited personal data is named: its commitment in the leaf no longer matches.
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let edited = variant(&jsonl, "edited.jsonl", text.replacen("ERIKSSON", "ERIKSSEN", 1).as_bytes(), None);
    let output = docexam(&["audit", "verify", "--export", p(&edited), "--json"]);
    assert_eq!(code(&output), 3, "{}", describe(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["kind"], "personal_data", "{report}");
    // In the CSV, the readable surname cell must match the data the commitment covers.
    let text = std::fs::read_to_string(&csv).unwrap();
    let edited = variant(&csv, "edited.csv", text.replacen(",ERIKSSON,", ",ERIKSSEN,", 1).as_bytes(), None);
    assert_tampered(&edited, "the surname cell says \"ERIKSSEN\"");
}

/// Deletes every record from `from` on, and the checkpoints beyond it, as an attacker with
/// file access would (dropping the append-only triggers first).
/// Deletes the records from `from` on and their checkpoints, as a careful tamperer would: the
/// triggers are put back exactly as they were, so the schema still matches.
fn delete_tail(db: &Path, from: i64) {
    audit_common::without_delete_triggers(db, |conn| {
        conn.execute("DELETE FROM log WHERE seq >= ?1", [from]).unwrap();
        conn.execute("DELETE FROM checkpoint WHERE size > ?1", [from]).unwrap();
    });
}

fn copy_desk(from: &Desk, to: &Path) -> Desk {
    for suffix in ["", ".signing-key", "-wal"] {
        let source = PathBuf::from(format!("{}{suffix}", from.db.display()));
        if source.exists() {
            std::fs::copy(&source, format!("{}{suffix}", to.display())).unwrap();
        }
    }
    Desk { db: to.to_owned(), passphrase: from.passphrase.clone() }
}

#[test]
fn against_an_earlier_proof_detects_a_deleted_tail_and_a_rewrite_and_passes_honest_logs() {
    let scratch = Scratch::new("against");
    let desk = Desk::new(&scratch, "desk-a", 2);
    let first = scratch.join("first.jsonl");
    desk.export("jsonl", &first, &[]);
    let first_proof = proof_of(&first);
    // The same desk, copied: later it takes another course (a rewritten history).
    let rewritten = copy_desk(&desk, &scratch.join("rewritten.sqlite"));
    desk.record(3);
    let second = scratch.join("second.csv");
    desk.export("csv", &second, &[]);
    let second_proof = proof_of(&second);

    // Honest, longer logs and exports pass.
    for args in [
        vec!["verify", "--against", p(&first_proof)],
        vec!["verify", "--against", p(&second_proof)],
        vec!["verify", "--export", p(&second), "--against", p(&first_proof)],
    ] {
        let output = desk.audit(&args);
        assert_eq!(code(&output), 0, "{args:?}: {}", describe(&output));
    }
    // An older export is shorter than a later proof.
    let output = desk.audit(&["verify", "--export", p(&first), "--against", p(&second_proof)]);
    assert_eq!(code(&output), 3, "{}", describe(&output));
    assert!(stdout(&output).contains("shorter than an earlier export"), "{}", describe(&output));

    // The tail deleted with its checkpoints: the log alone still verifies, the earlier proof does not.
    let size = read_proof(&second)["records"].as_u64().unwrap();
    delete_tail(&desk.db, i64::try_from(size).unwrap() - 2);
    let output = desk.audit(&["verify"]);
    assert_eq!(code(&output), 0, "the cut log is self-consistent: {}", describe(&output));
    let output = desk.audit(&["verify", "--against", p(&second_proof)]);
    assert_eq!(code(&output), 3, "{}", describe(&output));
    assert!(
        stdout(&output).contains("log is shorter than an earlier export (records deleted at the end)"),
        "{}",
        describe(&output)
    );
    let output = desk.audit(&["verify", "--against", p(&first_proof)]);
    assert_eq!(code(&output), 0, "still extends the first export: {}", describe(&output));

    // The copy took another course after the first export: it differs from the second export.
    rewritten.record_from(1, 4);
    let output = rewritten.audit(&["verify"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    let output = rewritten.audit(&["verify", "--against", p(&second_proof)]);
    assert_eq!(code(&output), 3, "{}", describe(&output));
    assert!(
        stdout(&output).contains(&format!("log differs from an earlier export at size {size} (rewritten)")),
        "{}",
        describe(&output)
    );

    // An edited earlier proof is itself reported; another desk's proof cannot be compared (2).
    let mut edited = read_proof(&first);
    edited["chain_head"] = serde_json::json!("00".repeat(32));
    let edited_path = scratch.join("edited.proof.json");
    std::fs::write(&edited_path, serde_json::to_vec(&edited).unwrap()).unwrap();
    let output = desk.audit(&["verify", "--against", p(&edited_path)]);
    assert_eq!(code(&output), 3, "{}", describe(&output));
    let other = Desk::new(&scratch, "desk-other", 0);
    let other_export = scratch.join("other.jsonl");
    other.export("jsonl", &other_export, &[]);
    let output = desk.audit(&["verify", "--against", p(&proof_of(&other_export))]);
    assert_eq!(code(&output), 2, "{}", describe(&output));
}

#[test]
fn imports_add_only_new_records_and_refuse_tampered_foreign_forked_and_own_exports() {
    let scratch = Scratch::new("import");
    let a = Desk::new(&scratch, "desk-a", 1);
    let b = Desk::new(&scratch, "desk-b", 2);
    let import = |file: &Path| a.supervised(&["import", p(file)]);

    // First import: every record of B's export.
    let b1 = scratch.join("b1.jsonl");
    b.export("jsonl", &b1, &[]);
    let b1_records = read_proof(&b1)["records"].as_u64().unwrap();
    let output = import(&b1);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(stdout(&output).contains(&format!("imported desk desk-b: records 0 to {}", b1_records - 1)));
    assert_eq!(a.imported_count("desk-b"), b1_records as i64);
    let event = a.last_leaf();
    assert_eq!(event["kind"], "import");
    assert_eq!(event["body"]["desk"], "desk-b");
    assert_eq!(event["body"]["range"], serde_json::json!([0, b1_records - 1]));
    assert_eq!(event["body"]["head"], read_proof(&b1)["chain_head"]);
    let output = a.audit(&["verify"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(stdout(&output).contains(&format!("desk desk-b: {b1_records} records, signed up to {b1_records}")));

    // The same export again: nothing changes, nothing is logged.
    let kinds_before = a.kinds();
    let output = import(&b1);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(stdout(&output).contains("already imported: nothing changed"), "{}", describe(&output));
    assert_eq!(a.kinds(), kinds_before);
    assert_eq!(a.imported_count("desk-b"), b1_records as i64);

    // A later export (CSV this time): only the new records.
    let fork = copy_desk(&b, &scratch.join("desk-b-fork.sqlite"));
    b.record(1);
    let b2 = scratch.join("b2.csv");
    b.export("csv", &b2, &[]);
    let b2_records = read_proof(&b2)["records"].as_u64().unwrap();
    let output = import(&b2);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(stdout(&output).contains(&format!("records {b1_records} to {}", b2_records - 1)), "{}", describe(&output));
    assert_eq!(a.imported_count("desk-b"), b2_records as i64);
    assert_eq!(a.last_leaf()["body"]["range"], serde_json::json!([b1_records, b2_records - 1]));
    // The older export is a prefix of what is held: nothing changes.
    let output = import(&b1);
    assert!(stdout(&output).contains("already imported: nothing changed"), "{}", describe(&output));

    // A tampered export: refused (3), the refusal logged, nothing added.
    let text = std::fs::read_to_string(&b2).unwrap();
    let tampered = variant(&b2, "tampered.csv", text.replacen(",refuse,A;B,", ",admit,A;B,", 1).as_bytes(), None);
    let output = import(&tampered);
    assert_eq!(code(&output), 3, "{}", describe(&output));
    let refused = a.last_leaf();
    assert_eq!(refused["kind"], "import_refused");
    assert_eq!(refused["body"]["file"], "tampered.csv");
    assert_eq!(refused["body"]["sha256"], sha256_hex(&std::fs::read(&tampered).unwrap()));
    assert!(refused["body"]["reason"].as_str().unwrap().contains("outcome cell"), "{refused}");
    assert_eq!(a.imported_count("desk-b"), b2_records as i64);

    // Its own export: refused (1).
    let a1 = scratch.join("a1.jsonl");
    a.export("jsonl", &a1, &[]);
    let output = import(&a1);
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("this desk"), "{}", describe(&output));
    assert_eq!(a.kinds().last().map(String::as_str), Some("import_refused"));

    // Another desk calling itself desk-b (another key): refused (1), the key stays pinned.
    let impostor_scratch = Scratch::new("impostor");
    let impostor = Desk::new(&impostor_scratch, "desk-b", 1);
    let c1 = scratch.join("impostor.jsonl");
    impostor.export("jsonl", &c1, &[]);
    let output = import(&c1);
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("was imported before with key"), "{}", describe(&output));
    assert_eq!(a.kinds().last().map(String::as_str), Some("import_refused"));

    // desk-b's own key, but a history that went another way after b1: a fork, refused (1).
    fork.record_from(1, 3);
    let forked = scratch.join("forked.jsonl");
    fork.export("jsonl", &forked, &[]);
    let output = import(&forked);
    assert_eq!(code(&output), 1, "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("a fork"), "{}", describe(&output));
    assert_eq!(a.imported_count("desk-b"), b2_records as i64);

    // After all of it, A's log and B's imported chain verify.
    let output = a.audit(&["verify"]);
    assert_eq!(code(&output), 0, "{}", describe(&output));
    assert!(stdout(&output).contains(&format!("desk desk-b: {b2_records} records, signed up to {b2_records}")));
}

/// The proof fields its signatures and checks cover (hex in lower case); `None` if not JSON.
fn signed_fields(proof: &[u8]) -> Option<Vec<String>> {
    let proof: serde_json::Value = serde_json::from_slice(proof).ok()?;
    let exact = ["format", "version", "desk", "key_fingerprint", "records", "export_format"];
    let hex = ["public_key", "chain_head", "checkpoint_signature", "export_sha256", "export_signature"];
    let text = |field: &str| proof.get(field).map(ToString::to_string).unwrap_or_default();
    Some(exact.iter().map(|f| text(f)).chain(hex.iter().map(|f| text(f).to_lowercase())).collect())
}

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

#[test]
fn random_edits_and_garbage_proofs_never_panic_and_never_verify() {
    let scratch = Scratch::new("random");
    let desk = Desk::new(&scratch, "desk-a", 2);
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for (format, name) in [("jsonl", "out.jsonl"), ("csv", "out.csv")] {
        let export = scratch.join(name);
        desk.export(format, &export, &[]);
        let bytes = std::fs::read(&export).unwrap();
        let target = variant(&export, &format!("edited.{format}"), &bytes, None);
        for case in 0..200 {
            // Cut out, duplicate or overwrite a random span.
            let (start, len) = (random.below(bytes.len()), 1 + random.below(64));
            let end = (start + len).min(bytes.len());
            let mut edited = bytes.clone();
            match case % 3 {
                0 => drop(edited.drain(start..end)),
                1 => edited.splice(start..start, bytes[start..end].to_vec()).for_each(drop),
                _ => edited[start..end].iter_mut().for_each(|b| *b = random.below(256) as u8),
            }
            if edited == bytes {
                continue;
            }
            std::fs::write(&target, &edited).unwrap();
            let report = verify_export(&target, None).unwrap();
            assert!(!report.intact(), "{format} case {case}: edit at {start}..{end} not detected");
        }
        // A garbled proof beside the genuine export: a finding, never a panic.
        let proof_text = std::fs::read(proof_of(&export)).unwrap();
        std::fs::write(&target, &bytes).unwrap();
        for case in 0..100 {
            let mut garbled = proof_text.clone();
            let at = random.below(garbled.len());
            garbled[at] = random.below(256) as u8;
            if garbled == proof_text {
                continue;
            }
            std::fs::write(proof_of(&target), &garbled).unwrap();
            match verify_export(&target, None) {
                // Whitespace, hex letter case and the informational fields (times, versions,
                // the original file name) are not signed; everything else is.
                Ok(report) if signed_fields(&garbled) == signed_fields(&proof_text) => drop(report),
                Ok(report) => assert!(!report.intact(), "{format} proof case {case}: byte {at} changed unnoticed"),
                // Only a proof claiming a newer version is "cannot read".
                Err(e) => assert!(e.to_string().contains("proof version"), "{e}"),
            }
        }
    }
}
