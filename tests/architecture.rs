//! Tidy tests for ARCHITECTURE.md's invariants, run as ordinary tests.
//!
//! Which layer may use which is a fact of each crate's `Cargo.toml`: the compiler refuses a `use`
//! of a crate that is not a dependency. These tests keep the `Cargo.toml` files themselves honest
//! (read through `cargo metadata`), and grep for the few rules no compiler can see.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// Every workspace crate and the workspace crates it may depend on (normal dependencies; tests
/// may use more). The arrows point down the layers: MRZ and imaging at the bottom, the shells on
/// top.
const LAYER_EDGES: &[(&str, &[&str])] = &[
    ("docexam-mrz", &[]),
    ("docexam-imaging", &[]),
    ("docexam-files", &[]),
    ("docexam-ocr", &["docexam-mrz"]),
    ("docexam-scan", &["docexam-mrz", "docexam-imaging", "docexam-ocr"]),
    ("docexam-exam", &["docexam-mrz", "docexam-files"]),
    ("docexam-audit", &["docexam-mrz", "docexam-files", "docexam-exam"]),
    ("docexam-synth", &["docexam-mrz", "docexam-exam"]),
    (
        "docexam-desk",
        &["docexam-mrz", "docexam-imaging", "docexam-files", "docexam-scan", "docexam-exam", "docexam-audit"],
    ),
    (
        "docexam",
        &[
            "docexam-mrz",
            "docexam-imaging",
            "docexam-files",
            "docexam-ocr",
            "docexam-scan",
            "docexam-exam",
            "docexam-audit",
            "docexam-synth",
            "docexam-desk",
        ],
    ),
];

/// External crates only one layer may use, and the layers that may.
const OWNED_EXTERNALS: &[(&str, &[&str])] = &[
    // The GUI toolkit stays in the desk: the core is UI-free.
    ("egui", &["docexam-desk"]),
    ("eframe", &["docexam-desk"]),
    ("egui_plot", &["docexam-desk"]),
    ("rfd", &["docexam-desk"]),
    ("winit", &["docexam-desk"]),
    // One crate owns the database: its invariants (immediate transactions, append-only, signed
    // checkpoints) hold only if nothing else writes to it.
    ("rusqlite", &["docexam-audit"]),
    ("tesseract", &["docexam-ocr"]),
    // One search-path resolver reads the environment and the OS folders for every kind of file.
    ("directories", &["docexam-files"]),
    ("libc", &["docexam-files"]),
    // Library errors are typed (thiserror); anyhow and argument parsing belong to the binary.
    ("anyhow", &["docexam"]),
    ("clap", &["docexam"]),
];

/// The MRZ core is checked by its whole dependency list: serde and thiserror, nothing else.
const MRZ_EXTERNALS: &[&str] = &["serde", "thiserror"];

/// What breaks the rules in `metadata` (the JSON of `cargo metadata --no-deps`): one line each.
fn rule_breaks(metadata: &Value) -> Vec<String> {
    let edges: BTreeMap<&str, &[&str]> = LAYER_EDGES.iter().copied().collect();
    let mut breaks = Vec::new();
    let packages = metadata["packages"].as_array().expect("packages");
    for package in packages {
        let name = package["name"].as_str().expect("package name");
        let Some(allowed) = edges.get(name) else {
            breaks.push(format!("{name}: a workspace crate with no place in LAYER_EDGES"));
            continue;
        };
        for dependency in package["dependencies"].as_array().expect("dependencies") {
            if !dependency["kind"].is_null() {
                continue; // dev- and build-dependencies
            }
            let used = dependency["name"].as_str().expect("dependency name");
            if used.starts_with("docexam") && !allowed.contains(&used) {
                breaks.push(format!("{name} depends on {used}, which is not below it"));
            }
            if let Some((_, owners)) = OWNED_EXTERNALS.iter().find(|(external, _)| *external == used)
                && !owners.contains(&name)
            {
                breaks.push(format!("{name} depends on {used}, which only {owners:?} may use"));
            }
            if name == "docexam-mrz" && !MRZ_EXTERNALS.contains(&used) {
                breaks.push(format!("docexam-mrz depends on {used}; it may use only {MRZ_EXTERNALS:?}"));
            }
        }
    }
    breaks
}

fn workspace_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("cargo metadata JSON")
}

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let metadata = workspace_metadata();
    let names: Vec<&str> = metadata["packages"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    for (crate_name, _) in LAYER_EDGES {
        assert!(names.contains(crate_name), "{crate_name} is not in the workspace: {names:?}");
    }
    let breaks = rule_breaks(&metadata);
    assert!(breaks.is_empty(), "layering broken:\n{}", breaks.join("\n"));
}

fn package(name: &str, dependencies: &[(&str, Option<&str>)]) -> Value {
    let dependencies: Vec<Value> =
        dependencies.iter().map(|(dep, kind)| json!({ "name": dep, "kind": kind })).collect();
    json!({ "name": name, "dependencies": dependencies })
}

#[test]
fn the_edge_rules_catch_a_forbidden_dependency() {
    let fine = json!({ "packages": [
        package("docexam-mrz", &[("serde", None), ("thiserror", None), ("proptest", Some("dev"))]),
        package("docexam-desk", &[("egui", None), ("docexam-audit", None), ("rusqlite", Some("dev"))]),
    ]});
    assert_eq!(rule_breaks(&fine), Vec::<String>::new());

    let upward = json!({ "packages": [package("docexam-mrz", &[("docexam-audit", None)])] });
    let breaks = rule_breaks(&upward);
    assert!(breaks.iter().any(|b| b.contains("docexam-mrz depends on docexam-audit")), "{breaks:?}");

    let gui_in_core = json!({ "packages": [package("docexam-audit", &[("egui", None)])] });
    assert_eq!(rule_breaks(&gui_in_core).len(), 1);

    let sqlite_in_desk = json!({ "packages": [package("docexam-desk", &[("rusqlite", None)])] });
    assert!(rule_breaks(&sqlite_in_desk)[0].contains("rusqlite"));

    let image_in_mrz = json!({ "packages": [package("docexam-mrz", &[("image", None)])] });
    assert!(rule_breaks(&image_in_mrz)[0].contains("may use only"));

    let stranger = json!({ "packages": [package("docexam-extra", &[])] });
    assert!(rule_breaks(&stranger)[0].contains("no place in LAYER_EDGES"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn files_under(relative: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(relative), &mut files);
    assert!(!files.is_empty(), "no Rust files under {relative}");
    files
}

/// Lines of code, with `//` comments removed, so documentation may name what the code must not use.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    std::fs::read_to_string(path)
        .expect("read")
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_owned()))
        .collect()
}

/// `file:line: word` for every code line of `files` that contains one of `words`.
fn find_words(files: &[PathBuf], words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        for (line_no, code) in code_lines(file) {
            for word in words {
                if code.contains(word) {
                    found.push(format!("{}:{line_no}: {word}", file.display()));
                }
            }
        }
    }
    found
}

#[test]
fn the_mrz_and_inspection_cores_do_not_read_the_clock() {
    // Dates and times come in as arguments so every check and every record is reproducible.
    // (No dependency rule can say this: the clock is in std.)
    let mut files = files_under("crates/mrz/src");
    files.extend(files_under("crates/exam/src/inspection"));
    let found = find_words(&files, &["SystemTime::now", "Instant::now", "chrono::Local", "Utc::now"]);
    assert!(found.is_empty(), "the MRZ or inspection core reads the clock:\n{}", found.join("\n"));
}

#[test]
fn the_mrz_core_does_no_io() {
    // Text in, report out: files, the environment, processes and the network are the shells'.
    let found = find_words(
        &files_under("crates/mrz/src"),
        &["std::fs", "std::env", "std::net", "std::process", "std::io::stdin", "File::", "println!", "eprintln!"],
    );
    assert!(found.is_empty(), "the MRZ core does I/O:\n{}", found.join("\n"));
}

#[test]
fn only_the_files_crate_reads_the_environment() {
    // Where files are is one rule set (docexam-files); the layer crates take paths as arguments.
    // The binary's own flags (passphrase variable, OpenMP limit) are shell business.
    let files: Vec<PathBuf> = files_under("crates")
        .into_iter()
        .filter(|f| !f.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/files")))
        .collect();
    let found = find_words(&files, &["std::env::var", "env::var_os", "current_exe", "ProjectDirs"]);
    assert!(found.is_empty(), "a layer crate reads the environment:\n{}", found.join("\n"));
}

#[test]
fn in_the_desk_state_changes_only_in_apply() {
    // Panels draw from `&DeskState` and push commands; `DeskApp::apply` (apply.rs) is the one place
    // state changes, and the sub-handlers it calls get only their own part of the state.
    let desk = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/desk/src");
    let files: Vec<PathBuf> = files_under("crates/desk/src")
        .into_iter()
        .filter(|f| *f != desk.join("lib.rs") && *f != desk.join("apply.rs"))
        .collect();
    assert!(files.iter().any(|f| f.ends_with("panels/mod.rs")), "the desk's panels were not found");
    let found = find_words(&files, &["&mut DeskApp", "impl DeskApp", "&mut DeskState"]);
    assert!(found.is_empty(), "desk state changed outside DeskApp::apply:\n{}", found.join("\n"));
}

#[test]
fn in_the_desk_only_the_audit_worker_opens_the_log() {
    // One thread owns the SQLite connection: the desk reaches the log only through the worker's
    // requests. (rusqlite itself is not a dependency of the desk: see LAYER_EDGES.)
    let files: Vec<PathBuf> = files_under("crates/desk/src")
        .into_iter()
        .filter(|f| !f.components().any(|c| c.as_os_str().to_string_lossy().starts_with("audit_worker")))
        .collect();
    assert!(files.iter().any(|f| f.ends_with("lib.rs")), "the desk's files were not found");
    let found = find_words(&files, &["AuditLog::open", "AuditReader::open", "verify_database(", "AuditLog::"]);
    assert!(found.is_empty(), "the desk opens the audit log outside its worker:\n{}", found.join("\n"));
}

#[test]
fn every_audit_write_takes_the_write_lock_first() {
    // A DEFERRED transaction that reads the chain head and then writes can fail with SQLITE_BUSY
    // without waiting; every write transaction in the audit crate must be BEGIN IMMEDIATE. A
    // read-only snapshot may be deferred: its line says `// read-only snapshot`.
    for file in files_under("crates/audit/src") {
        let raw: Vec<String> = std::fs::read_to_string(&file).expect("read").lines().map(str::to_owned).collect();
        for (line_no, code) in code_lines(&file) {
            let deferred = code.contains(".transaction()")
                || code.contains("unchecked_transaction()")
                || code.contains("TransactionBehavior::Deferred");
            let snapshot = raw[line_no - 1].contains("// read-only snapshot");
            assert!(!deferred || snapshot, "{}:{line_no}: use transaction_with_behavior(Immediate)", file.display());
        }
    }
}

/// Files that may still read a whole file or stream by hand, and why. Every other read of an
/// input goes through `docexam_files::read`, which refuses devices, FIFOs and folders and reads at
/// most its limit plus one byte.
const AD_HOC_READS_ALLOWED: &[(&str, &str)] = &[
    ("crates/files/src/read.rs", "the bounded reader itself"),
    // Standard input, already read through `take(MAX_INPUT_BYTES + 1)` so the MRZ core can name
    // the oversize input in its own words.
    ("src/cli/mrz.rs", "stdin bounded by take"),
];

/// The non-test code lines of `path`: a file under a `tests` folder or named `tests.rs` has none,
/// and a file's code ends at its `#[cfg(test)] mod ...`.
fn non_test_code_lines(path: &Path) -> Vec<(usize, String)> {
    let in_tests = path.components().any(|c| c.as_os_str() == "tests") || path.ends_with("tests.rs");
    if in_tests {
        return Vec::new();
    }
    let lines = code_lines(path);
    let end = lines
        .windows(2)
        .position(|pair| pair[0].1.trim() == "#[cfg(test)]" && pair[1].1.trim_start().starts_with("mod "))
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

#[test]
fn inputs_are_read_only_through_the_bounded_reader() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = files_under("crates");
    files.extend(files_under("src"));
    let words = ["fs::read(", "fs::read_to_string(", "read_to_end(", "read_to_string("];
    let mut found = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(root).unwrap_or(file);
        if AD_HOC_READS_ALLOWED.iter().any(|(allowed, _)| relative == Path::new(allowed)) {
            continue;
        }
        for (line_no, code) in non_test_code_lines(file) {
            if let Some(word) = words.iter().find(|w| code.contains(*w)) {
                found.push(format!("{}:{line_no}: {word}", relative.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read through docexam_files::read (read_file, read_text_file, read_stdin), which bounds \
         the size and refuses devices and FIFOs:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reader_rule_sees_code_and_ignores_tests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("sample.rs");
    std::fs::write(
        &file,
        "fn f() { let _ = std::fs::read(p); }\n#[cfg(test)]\nmod tests {\n fn g() { std::fs::read(p); }\n}\n",
    )
    .expect("write");
    let lines = non_test_code_lines(&file);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].1.contains("fs::read("));
}
