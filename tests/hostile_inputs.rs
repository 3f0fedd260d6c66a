//! Every command that takes a file, given what a hostile tester would give it: `/dev/zero`, a
//! FIFO nobody writes to, a symlink loop, a folder, an empty file and a file one byte over its
//! limit. Each run is held to 1.5 GB of address space (`prlimit`) and 20 seconds: it must end on
//! its own with a clear error and a non-zero exit status, never hang or grow without bound.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// 1.5 GB: far above what any of these refusals needs, far below what an unbounded read takes.
const ADDRESS_SPACE_BYTES: &str = "1610612736";
const TIMEOUT: Duration = Duration::from_secs(20);

const IMAGE_LIMIT: u64 = 100 * 1024 * 1024;
const ANSWERS_LIMIT: u64 = 1024 * 1024;
const MANUAL_LIMIT: u64 = 4 * 1024 * 1024;
const TRUTH_LIMIT: u64 = 16 * 1024 * 1024;
const RECORD_LIMIT: u64 = 4 * 1024 * 1024;
const PASSPHRASE_LIMIT: u64 = 4096;
const PROOF_LIMIT: u64 = 64 * 1024;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `docexam ARGS...` under the address-space limit and the timeout, stdin from `stdin` (or
/// nothing).
fn docexam(args: &[&str], stdin: Option<&Path>) -> Run {
    docexam_as_given(&[&["--reference-date", "2026-11-23"][..], args].concat(), stdin)
}

/// Like [`docexam`], without a reference date of its own.
fn docexam_as_given(args: &[&str], stdin: Option<&Path>) -> Run {
    let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"].into_iter().map(Path::new).find(|p| p.exists());
    let prlimit = prlimit.expect("prlimit (util-linux) is needed to hold these runs to 1.5 GB: install util-linux");
    let mut command = Command::new(prlimit);
    command
        .arg(format!("--as={ADDRESS_SPACE_BYTES}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_docexam"))
        .arg("--manuals")
        .arg(root().join("manuals"))
        .args(args)
        .env_remove("DOCEXAM_DB")
        .env_remove("DOCEXAM_PACKS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        Some(path) => command.stdin(std::fs::File::open(path).expect("stdin file")),
        None => command.stdin(Stdio::null()),
    };
    let mut child = command.spawn().expect("run docexam under prlimit");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stdout = String::new();
            let mut stderr = String::new();
            child.stdout.take().expect("stdout").read_to_string(&mut stdout).expect("read stdout");
            child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("read stderr");
            return Run { code: status.code(), stdout, stderr };
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("docexam {args:?} did not end within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The hostile paths, by name, made in `dir`; `limit` is the size limit of the file's kind.
fn hostile_paths(dir: &Path, limit: u64) -> Vec<(&'static str, PathBuf)> {
    let fifo = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success(), "mkfifo failed");
    let (loop_a, loop_b) = (dir.join("loop-a"), dir.join("loop-b"));
    std::os::unix::fs::symlink(&loop_b, &loop_a).expect("symlink");
    std::os::unix::fs::symlink(&loop_a, &loop_b).expect("symlink");
    let folder = dir.join("folder");
    std::fs::create_dir(&folder).expect("folder");
    let empty = dir.join("empty");
    std::fs::write(&empty, b"").expect("empty file");
    // Sparse: one byte over the limit costs no disk.
    let over = dir.join("over");
    std::fs::File::create(&over).and_then(|f| f.set_len(limit + 1)).expect("file over the limit");
    let zero_link = dir.join("zero-link");
    std::os::unix::fs::symlink("/dev/zero", &zero_link).expect("symlink to /dev/zero");
    vec![
        ("/dev/zero", PathBuf::from("/dev/zero")),
        ("a link to /dev/zero", zero_link),
        ("a FIFO", fifo),
        ("a symlink loop", loop_a),
        ("a folder", folder),
        ("an empty file", empty),
        ("a file over the limit", over),
    ]
}

/// What the error must say for each kind of path (`None`: any clear message).
fn expected_words(kind: &str) -> Option<&'static str> {
    match kind {
        "/dev/zero" | "a link to /dev/zero" => Some("character device"),
        "a FIFO" => Some("FIFO"),
        "a symlink loop" => Some("symbolic links"),
        "a folder" => Some("folder"),
        "a file over the limit" => Some("bytes"),
        _ => None,
    }
}

/// Runs `command(path)` for every hostile path: each must fail with a clear message.
fn each_hostile_path(name: &str, limit: u64, command: impl Fn(&Path, &Path) -> Run) {
    let scratch = tempfile::Builder::new().prefix(&format!("docexam-hostile-{name}-")).tempdir().expect("temp dir");
    for (kind, path) in hostile_paths(scratch.path(), limit) {
        let run = command(&path, scratch.path());
        let said = format!("{}{}", run.stdout, run.stderr);
        assert!(
            matches!(run.code, Some(code) if code != 0 && code != 101),
            "{name} on {kind}: exit {:?} (want a non-zero status of its own, no crash)\n{said}",
            run.code
        );
        // scan and manual check report each file on standard output, by design.
        assert!(!said.trim().is_empty(), "{name} on {kind}: nothing said");
        if let Some(words) = expected_words(kind) {
            assert!(said.contains(words), "{name} on {kind}: {words:?} not said:\n{said}");
        }
    }
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
#[cfg(feature = "ocr")]
fn scan_refuses_each_hostile_image_path() {
    each_hostile_path("scan", IMAGE_LIMIT, |path, _| docexam(&["scan", arg(path)], None));
}

#[test]
#[cfg(feature = "ocr")]
fn inspect_refuses_each_hostile_image_path() {
    each_hostile_path("inspect-image", IMAGE_LIMIT, |path, _| {
        docexam(&["inspect", "--no-record", "--manual", "first-line-quick", "--image", arg(path)], None)
    });
}

const TD3: [&str; 2] = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];

#[test]
fn inspect_refuses_each_hostile_answers_file() {
    each_hostile_path("inspect-answers", ANSWERS_LIMIT, |path, _| {
        let args = ["inspect", "--no-record", "--manual", "first-line-quick", "--mrz", TD3[0], "--mrz", TD3[1]];
        docexam(&[&args[..], &["--answers", arg(path)]].concat(), None)
    });
}

#[test]
fn manual_check_refuses_each_hostile_manual_path() {
    each_hostile_path("manual-check", MANUAL_LIMIT, |path, _| docexam(&["manual", "check", arg(path)], None));
}

#[test]
fn exercise_run_refuses_each_hostile_answers_file() {
    let pack = root().join("tests/fixtures/training/fixture-basics");
    let packs = pack.parent().expect("packs folder").to_path_buf();
    each_hostile_path("exercise-answers", ANSWERS_LIMIT, |path, scratch| {
        let db = scratch.join("audit.sqlite");
        let args = [
            "exercise",
            "--packs",
            arg(&packs),
            "run",
            "fixture-basics",
            "--trainee",
            "t1",
            "--manual-only",
            "--answers",
            arg(path),
            "--db",
            arg(&db),
        ];
        docexam(&args, None)
    });
}

#[test]
#[cfg(feature = "ocr")]
fn bench_scan_refuses_each_hostile_truth_file() {
    each_hostile_path("bench-scan", TRUTH_LIMIT, |path, scratch| {
        // bench-scan reads DIR/truth.jsonl: a folder whose truth file is a link to the hostile path.
        let dir = TempDir::new_in(scratch).expect("bench folder");
        std::os::unix::fs::symlink(path, dir.path().join("truth.jsonl")).expect("link truth.jsonl");
        docexam(&["bench-scan", arg(dir.path())], None)
    });
}

#[test]
fn mrz_reads_at_most_its_limit_from_an_endless_standard_input() {
    let run = docexam(&["mrz"], Some(Path::new("/dev/zero")));
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stdout.contains("4097 bytes is far longer than any MRZ"), "{run:?}");
    let run = docexam(&["mrz"], None);
    assert!(matches!(run.code, Some(code) if code != 0 && code != 101), "{run:?}");
}

#[test]
fn reference_dates_outside_1900_to_2199_are_refused() {
    for date in ["0000-01-01", "9999-12-31", "1899-12-31", "2200-01-01"] {
        for command in [&["mrz", TD3[0], TD3[1]][..], &["scan", "x.png"][..]] {
            let run = docexam_as_given(&[&["--reference-date", date][..], command].concat(), None);
            assert_eq!(run.code, Some(2), "{date} {command:?}: {run:?}");
            assert!(run.stderr.contains("1900-01-01 to 2199-12-31"), "{date}: {}", run.stderr);
        }
    }
}

#[test]
fn ids_and_texts_the_record_cannot_hold_are_refused_before_anything_is_asked() {
    let long_id = "o".repeat(129);
    let base = ["inspect", "--no-record", "--manual", "first-line-quick", "--mrz", TD3[0], "--mrz", TD3[1]];
    for flag in ["--officer", "--station"] {
        let run = docexam(&[&base[..], &[flag, &long_id]].concat(), None);
        assert_eq!(run.code, Some(2), "{run:?}");
        assert!(run.stderr.contains("129 characters long; at most 128"), "{}", run.stderr);
        assert!(!run.stderr.contains("outcome"), "nothing may be asked first: {}", run.stderr);
    }
    let scratch = TempDir::new().expect("temp dir");
    let answers = scratch.path().join("answers.json");
    let justification = "j".repeat(4001);
    std::fs::write(&answers, format!(r#"{{"decision": {{"outcome": "admit", "justification": "{justification}"}}}}"#))
        .expect("answers file");
    let run = docexam(&[&base[..], &["--answers", arg(&answers)]].concat(), None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("the justification is 4001 characters long; at most 4000"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no record: {}", run.stdout);
}

#[test]
fn contradicting_answers_in_an_answers_file_are_refused_naming_both() {
    let scratch = TempDir::new().expect("temp dir");
    let answers = scratch.path().join("answers.json");
    std::fs::write(&answers, r#"{"answers": [{"item": "F01", "answer": "pass"}, {"item": "F01", "answer": "fail"}]}"#)
        .expect("answers file");
    let base = ["inspect", "--no-record", "--manual", "first-line-quick", "--mrz", TD3[0], "--mrz", TD3[1]];
    let run = docexam(&[&base[..], &["--answers", arg(&answers)]].concat(), None);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("item F01 is answered twice, pass and then fail"), "{}", run.stderr);
}

#[test]
#[cfg(feature = "ocr")]
fn a_file_name_cannot_fake_a_line_of_scan_output() {
    let scratch = TempDir::new().expect("temp dir");
    let name = "a.png: not an image\nforged.png: VALID TD3, rotated 0°, 1 ms\n";
    let path = scratch.path().join(name);
    std::fs::write(&path, b"not an image").expect("file");
    let run = docexam(&["scan", arg(&path)], None);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(run.stdout.lines().count(), 1, "one line for one file:\n{}", run.stdout);
    assert!(run.stdout.contains(r"not an image\nforged.png"), "{}", run.stdout);
}

#[test]
fn audit_record_refuses_each_hostile_record_file() {
    each_hostile_path("audit-record", RECORD_LIMIT, |path, scratch| {
        let db = scratch.join("audit.sqlite");
        docexam(&["audit", "--db", arg(&db), "record", "--json", arg(path)], None)
    });
}

#[test]
fn audit_export_refuses_each_hostile_passphrase_file() {
    each_hostile_path("audit-passphrase", PASSPHRASE_LIMIT, |path, scratch| {
        let db = scratch.join("audit.sqlite");
        let out = scratch.join("export.jsonl");
        let args = ["audit", "--db", arg(&db), "export", "--format", "jsonl", "--out", arg(&out)];
        docexam(&[&args[..], &["--passphrase-file", arg(path)]].concat(), None)
    });
}

#[test]
fn audit_verify_refuses_each_hostile_proof_file() {
    each_hostile_path("audit-proof", PROOF_LIMIT, |path, scratch| {
        // verify --export FILE reads FILE.proof.json beside it: that name links to the hostile path.
        let export = scratch.join("export.jsonl");
        std::fs::write(&export, b"").expect("an empty export");
        let proof = scratch.join("export.jsonl.proof.json");
        let _ = std::fs::remove_file(&proof);
        std::os::unix::fs::symlink(path, &proof).expect("link the proof file");
        docexam(&["audit", "verify", "--export", arg(&export)], None)
    });
}
