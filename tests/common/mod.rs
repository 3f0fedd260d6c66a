//! Shared test helpers: loading the MRZ vectors.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The reference date vectors are checked against unless they name their own.
pub const DEFAULT_REFERENCE_DATE: &str = "2026-11-23";

/// One vector file entry (see tests/vectors/mrz/README.md).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    pub name: String,
    pub source: String,
    pub lines: Vec<String>,
    pub reference_date: Option<String>,
    pub expect: Expect,
    #[serde(skip)]
    pub file: String,
}

/// What a vector expects; absent keys are not checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub verdict: String,
    pub format: Option<String>,
    pub document_code: Option<String>,
    pub issuing_state: Option<String>,
    pub primary_identifier: Option<String>,
    pub secondary_identifier: Option<String>,
    pub document_number: Option<String>,
    pub nationality: Option<String>,
    pub date_of_birth: Option<String>,
    pub sex: Option<String>,
    pub date_of_expiry: Option<String>,
    pub optional_data: Option<String>,
    pub optional_data_2: Option<String>,
    pub failed_checks: Option<Vec<String>>,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub errors: Vec<String>,
}

impl Vector {
    pub fn reference_date(&self) -> &str {
        self.reference_date.as_deref().unwrap_or(DEFAULT_REFERENCE_DATE)
    }
}

#[derive(Deserialize)]
struct VectorFile {
    vector: Vec<Vector>,
}

pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/mrz")
}

/// Every vector of every file, in file-name order.
pub fn load_vectors() -> Vec<Vector> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("vectors directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read vector file");
        let parsed: VectorFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for mut v in parsed.vector {
            v.file = file.clone();
            all.push(v);
        }
    }
    all
}
