//! Reading one manual file: bytes → text → TOML → `Manual`, with every problem placed on its line.
//!
//! The file is deserialised twice. Once into the typed `Manual`, which is the schema. Once into an
//! *outline* that keeps every value the validator looks at as a `toml::Value` with its span, so
//! that the validator can report every bad code, id and empty text with its line in one pass
//! (serde stops at the first error) and can name the item each problem belongs to.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::digest::sha256_hex;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::problem::{Problem, ProblemKind};
use super::{Manual, validate};

/// The largest manual file read, in bytes. A manual is hand-written text; anything bigger is a
/// mistake (or an attack) and is refused before it is parsed.
pub const MAX_MANUAL_BYTES: u64 = 4 * 1024 * 1024;

/// A manual read from a file that passed every per-file check.
#[derive(Debug, Clone)]
pub struct LoadedManual {
    /// The manual.
    pub manual: Manual,
    /// The file it came from, as named when loading.
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, lower-case hex; recorded with every inspection so the exact
    /// text the officer followed can be identified later.
    pub content_hash: String,
    /// Problems that do not stop the manual from being used.
    pub warnings: Vec<Problem>,
    lines: SourceLines,
}

impl LoadedManual {
    /// The manual id, e.g. `first-line-quick`.
    pub fn id(&self) -> &str {
        &self.manual.id
    }

    /// The language, e.g. `en`.
    pub fn language(&self) -> &str {
        &self.manual.language
    }

    /// The 1-based line where the item's id is written.
    pub fn item_line(&self, item_id: &str) -> Option<usize> {
        self.lines.items.get(item_id).map(|item| item.id)
    }

    /// The 1-based line where the section's id is written.
    pub fn section_line(&self, section_id: &str) -> Option<usize> {
        self.lines.sections.get(section_id).copied()
    }

    /// Line of a top-level key (`level`, `version`, ...), else of the manual id.
    pub(crate) fn manual_field_line(&self, field: &str) -> Option<usize> {
        self.lines.manual.get(field).or_else(|| self.lines.manual.get("id")).copied()
    }

    /// Line of an item's key (`severity`, `tools`, ...), else of the item id.
    pub(crate) fn item_field_line(&self, item_id: &str, field: &str) -> Option<usize> {
        let item = self.lines.items.get(item_id)?;
        Some(item.fields.get(field).copied().unwrap_or(item.id))
    }
}

/// Why a manual file could not be used: every problem found in it (warnings included), in line
/// order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", summary(.problems))]
pub struct ManualFileError {
    /// The file.
    pub path: PathBuf,
    /// At least one error, then any warnings, sorted by line.
    pub problems: Vec<Problem>,
}

fn summary(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.is_error()).count();
    match problems.iter().find(|p| p.is_error()) {
        Some(first) if errors > 1 => format!("{first} (and {} more errors)", errors - 1),
        Some(first) => first.to_string(),
        None => "no errors".to_owned(),
    }
}

impl ManualFileError {
    pub(crate) fn single(path: &Path, line: Option<usize>, kind: ProblemKind) -> Self {
        Self { path: path.to_path_buf(), problems: vec![Problem::new(path, line, kind)] }
    }
}

/// Reads and checks one manual file (at most `MAX_MANUAL_BYTES`).
///
/// Checks everything that one file can show on its own; the checks between files (translations,
/// duplicates) belong to `ManualLibrary`.
pub fn load_file(path: &Path) -> Result<LoadedManual, ManualFileError> {
    let bytes = read_limited(path).map_err(|kind| ManualFileError::single(path, None, kind))?;
    parse_manual_bytes(&bytes, path)
}

/// Checks manual file contents; `path` names the file in problems and is checked against the
/// manual id and language (`<id>.<language>.toml`).
pub fn parse_manual_bytes(bytes: &[u8], path: &Path) -> Result<LoadedManual, ManualFileError> {
    if bytes.len() as u64 > MAX_MANUAL_BYTES {
        let kind = ProblemKind::TooLarge { size: bytes.len() as u64, limit: MAX_MANUAL_BYTES };
        return Err(ManualFileError::single(path, None, kind));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_manual(text, path),
        Err(err) => {
            let line = LineIndex::new(bytes).line(err.valid_up_to());
            Err(ManualFileError::single(path, Some(line), ProblemKind::NotUtf8))
        }
    }
}

/// Checks manual text; `path` names the file in problems and is checked against the manual id and
/// language (`<id>.<language>.toml`).
///
/// ```
/// use std::path::Path;
/// let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/manuals/good/tiny-check.en.toml");
/// let text = std::fs::read_to_string(fixture).unwrap();
/// let loaded = docexam_exam::manual::parse_manual(&text, Path::new("tiny-check.en.toml")).unwrap();
/// assert_eq!(loaded.manual.id, "tiny-check");
/// assert_eq!(loaded.content_hash.len(), 64);
/// ```
pub fn parse_manual(text: &str, path: &Path) -> Result<LoadedManual, ManualFileError> {
    if text.len() as u64 > MAX_MANUAL_BYTES {
        let kind = ProblemKind::TooLarge { size: text.len() as u64, limit: MAX_MANUAL_BYTES };
        return Err(ManualFileError::single(path, None, kind));
    }
    let index = LineIndex::new(text.as_bytes());
    let typed = toml::from_str::<Manual>(text);
    let outline = match toml::from_str::<ManualOutline>(text) {
        Ok(outline) => outline,
        Err(outline_err) => {
            // The outline accepts more than the schema, so the typed parse failed too, on the
            // same syntax or structure; its message knows the schema.
            let err = typed.err().unwrap_or(outline_err);
            return Err(ManualFileError { path: path.to_path_buf(), problems: vec![toml_problem(&err, &index, path)] });
        }
    };
    if let Some(problem) = validate::unsupported_format(&outline, &index, path) {
        return Err(ManualFileError { path: path.to_path_buf(), problems: vec![problem] });
    }
    let mut problems = validate::check_file(&outline, &index, path);
    let manual = match typed {
        Ok(manual) => Some(manual),
        Err(err) => {
            let mut problem = toml_problem(&err, &index, path);
            if let Some(item) = err.span().and_then(|span| outline.item_at(span.start)) {
                problem = problem.with_item(item);
            }
            // The outline checks already explain most schema errors (an unknown code) on the
            // same line, in more words.
            if problem.line.is_none() || !problems.iter().any(|p| p.line == problem.line) {
                problems.push(problem);
            }
            None
        }
    };
    problems.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    match manual {
        Some(manual) if !problems.iter().any(Problem::is_error) => Ok(LoadedManual {
            lines: SourceLines::new(&outline, &index),
            manual,
            path: path.to_path_buf(),
            content_hash: sha256_hex(text.as_bytes()),
            warnings: problems,
        }),
        _ => Err(ManualFileError { path: path.to_path_buf(), problems }),
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, ProblemKind> {
    use docexam_files::read::{ReadError, read_file};
    read_file(path, MAX_MANUAL_BYTES, "manual").map_err(|error| match error {
        ReadError::Io { source, .. } => ProblemKind::Unreadable { reason: source.to_string() },
        // The reader stops one byte past the limit; the size on disk says more when it is known.
        ReadError::TooLarge { limit, .. } => {
            let size = std::fs::metadata(path).map_or(0, |meta| meta.len()).max(limit.saturating_add(1));
            ProblemKind::TooLarge { size, limit }
        }
        ReadError::NotAFile { kind, .. } => {
            ProblemKind::Unreadable { reason: format!("it is {kind}, not a regular file") }
        }
        other => ProblemKind::Unreadable { reason: other.to_string() },
    })
}

fn toml_problem(err: &toml::de::Error, index: &LineIndex, path: &Path) -> Problem {
    let line = err.span().map(|span| index.line(span.start));
    Problem::new(path, line, ProblemKind::Toml { message: err.message().trim().to_owned() })
}

/// Byte offset → 1-based line number.
pub(crate) struct LineIndex {
    /// Byte offset of the start of every line after the first.
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(bytes: &[u8]) -> Self {
        let line_starts = bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1).collect();
        Self { line_starts }
    }

    pub(crate) fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) + 1
    }

    pub(crate) fn line_of<T>(&self, spanned: &Spanned<T>) -> usize {
        self.line(spanned.span().start)
    }
}

/// A key whose value the validator looks at, with its span; absent keys are the schema's business.
pub(crate) type Field = Option<Spanned<Value>>;

/// The validator's view of a manual file: the values it checks, with spans. Unknown keys are
/// ignored here (the typed parse rejects them).
#[derive(Debug, Deserialize)]
pub(crate) struct ManualOutline {
    pub(crate) format: Field,
    pub(crate) id: Field,
    pub(crate) title: Field,
    pub(crate) version: Field,
    pub(crate) language: Field,
    pub(crate) level: Field,
    pub(crate) time_budget_seconds: Field,
    #[serde(default)]
    pub(crate) sections: Option<Spanned<Vec<Spanned<SectionOutline>>>>,
}

/// A section in the outline; its span is its `[[sections]]` header (or inline table).
#[derive(Debug, Deserialize)]
pub(crate) struct SectionOutline {
    pub(crate) id: Field,
    pub(crate) title: Field,
    pub(crate) falsedoc: Field,
    #[serde(default)]
    pub(crate) items: Vec<Spanned<ItemOutline>>,
}

/// An item in the outline; its span is its `[[sections.items]]` header (or inline table).
#[derive(Debug, Deserialize)]
pub(crate) struct ItemOutline {
    pub(crate) id: Field,
    pub(crate) level: Field,
    pub(crate) prompt: Field,
    pub(crate) look_at: Field,
    pub(crate) tools: Option<Spanned<Vec<Spanned<Value>>>>,
    pub(crate) failure_suggests: Option<Spanned<Vec<Spanned<Value>>>>,
    pub(crate) severity: Field,
    pub(crate) action: Field,
    pub(crate) automation: Field,
}

impl ManualOutline {
    pub(crate) fn sections(&self) -> &[Spanned<SectionOutline>] {
        self.sections.as_ref().map_or(&[], |s| s.get_ref().as_slice())
    }

    /// The id of the item whose text contains byte `offset`: the last section or item to start
    /// before it, if that is an item.
    fn item_at(&self, offset: usize) -> Option<String> {
        let starts = self.sections().iter().flat_map(|section| {
            let items = section.get_ref().items.iter().map(|item| (item.span().start, Some(item.get_ref())));
            std::iter::once((section.span().start, None)).chain(items)
        });
        let (_, owner) = starts.filter(|&(start, _)| start <= offset).max_by_key(|&(start, _)| start)?;
        Some(owner?.id_str()?.to_owned())
    }
}

impl ItemOutline {
    /// The item id, when it is a string.
    pub(crate) fn id_str(&self) -> Option<&str> {
        self.id.as_ref().and_then(|id| id.get_ref().as_str())
    }
}

/// Where things are in a loaded file, for messages that point into it.
#[derive(Debug, Clone, Default)]
struct SourceLines {
    /// Top-level key → line.
    manual: BTreeMap<&'static str, usize>,
    /// Section id → line of its id (first definition).
    sections: BTreeMap<String, usize>,
    /// Item id → lines (first definition).
    items: BTreeMap<String, ItemLines>,
}

#[derive(Debug, Clone)]
struct ItemLines {
    id: usize,
    /// Key → line.
    fields: BTreeMap<&'static str, usize>,
}

impl SourceLines {
    fn new(outline: &ManualOutline, index: &LineIndex) -> Self {
        let mut lines = Self::default();
        let manual_fields = [
            ("id", &outline.id),
            ("title", &outline.title),
            ("version", &outline.version),
            ("language", &outline.language),
            ("level", &outline.level),
            ("time_budget_seconds", &outline.time_budget_seconds),
        ];
        for (name, field) in manual_fields {
            if let Some(value) = field {
                lines.manual.insert(name, index.line_of(value));
            }
        }
        for section in outline.sections() {
            let section = section.get_ref();
            if let Some(id) = &section.id
                && let Some(text) = id.get_ref().as_str()
            {
                lines.sections.entry(text.to_owned()).or_insert_with(|| index.line_of(id));
            }
            for item in &section.items {
                let item = item.get_ref();
                let (Some(id), Some(text)) = (&item.id, item.id_str()) else { continue };
                let mut fields = BTreeMap::new();
                for (name, field) in
                    [("level", &item.level), ("severity", &item.severity), ("automation", &item.automation)]
                {
                    if let Some(value) = field {
                        fields.insert(name, index.line_of(value));
                    }
                }
                if let Some(tools) = &item.tools {
                    fields.insert("tools", index.line_of(tools));
                }
                if let Some(codes) = &item.failure_suggests {
                    fields.insert("failure_suggests", index.line_of(codes));
                }
                lines.items.entry(text.to_owned()).or_insert(ItemLines { id: index.line_of(id), fields });
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_one_based_lines() {
        let index = LineIndex::new(b"ab\ncd\r\n\nx");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 1, "the newline belongs to its line");
        assert_eq!(index.line(3), 2);
        assert_eq!(index.line(7), 3);
        assert_eq!(index.line(8), 4);
        assert_eq!(index.line(1000), 4, "past the end: the last line");
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = "#".repeat(usize::try_from(MAX_MANUAL_BYTES).unwrap_or(usize::MAX) + 1);
        let err = parse_manual(&text, Path::new("big.en.toml")).unwrap_err();
        assert!(matches!(err.problems[0].kind, ProblemKind::TooLarge { .. }), "{err}");
    }

    #[test]
    fn invalid_utf8_is_placed_on_its_line() {
        let err = parse_manual_bytes(b"format = 1\nid = \"x\xff\"\n", Path::new("x.en.toml")).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::NotUtf8);
        assert_eq!(err.problems[0].line, Some(2));
    }
}
