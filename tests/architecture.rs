//! Tidy tests for ARCHITECTURE.md's invariants, run as ordinary tests.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::path::{Path, PathBuf};

/// The shells; everything else under `src/` is core.
const SHELLS: &[&str] = &["app", "cli", "main.rs"];

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

fn core_files() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if SHELLS.contains(&name.as_str()) || name == "lib.rs" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, &mut files);
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
    assert!(files.iter().any(|f| f.ends_with("mrz/mod.rs")), "core modules not found");
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

fn violations(forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in core_files() {
        for (line_no, code) in code_lines(&file) {
            for word in forbidden {
                if code.contains(word) {
                    found.push(format!("{}:{line_no}: {word}", file.display()));
                }
            }
        }
    }
    found
}

#[test]
fn core_modules_do_not_use_the_gui_toolkit() {
    let found = violations(&["egui", "eframe", "winit", "rfd::"]);
    assert!(found.is_empty(), "the core must stay UI-free:\n{}", found.join("\n"));
}

#[test]
fn the_mrz_and_inspection_cores_do_not_read_the_clock() {
    // Dates and times come in as arguments so every check and every record is reproducible.
    let found: Vec<String> = violations(&["SystemTime::now", "Instant::now", "chrono::Local", "Utc::now"])
        .into_iter()
        .filter(|v| v.contains("/mrz/") || v.contains("/inspection/"))
        .collect();
    assert!(found.is_empty(), "the MRZ or inspection core reads the clock:\n{}", found.join("\n"));
}

#[test]
fn lib_declares_every_core_module_and_only_the_app_shell() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("pub mod mrz;"));
    assert!(!lib.contains("mod cli"), "the CLI shell belongs to the binary, not the library");
}

#[test]
fn only_the_audit_module_touches_sqlite() {
    // One module owns the database: its invariants (immediate transactions, append-only, signed
    // checkpoints) hold only if nothing else writes to it.
    let found: Vec<String> =
        violations(&["rusqlite", "sqlite3"]).into_iter().filter(|v| !v.contains("/audit/")).collect();
    assert!(found.is_empty(), "SQLite used outside src/audit:\n{}", found.join("\n"));
    let mut shells = Vec::new();
    for shell in ["app", "cli"] {
        rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(shell), &mut shells);
    }
    for file in shells {
        for (line_no, code) in code_lines(&file) {
            assert!(!code.contains("rusqlite"), "{}:{line_no}: the shells go through docexam::audit", file.display());
        }
    }
}

#[test]
fn every_audit_write_takes_the_write_lock_first() {
    // A DEFERRED transaction that reads the chain head and then writes can fail with SQLITE_BUSY
    // without waiting; every write transaction in the audit module must be BEGIN IMMEDIATE. A
    // read-only snapshot may be deferred: its line says `// read-only snapshot`.
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/audit"), &mut files);
    for file in files {
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
