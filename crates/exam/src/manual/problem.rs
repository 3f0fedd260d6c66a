//! What can be wrong with a manual file, and where.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a manual file: where it is (file, 1-based line, item) and what it is.
///
/// Displays as `file:line: [item X: ]message`, with `warning: ` before the item for warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as it was named when loading.
    pub file: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// The item the problem is about, when there is one.
    pub item: Option<String>,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl Problem {
    /// A problem at `file:line`.
    pub fn new(file: &Path, line: Option<usize>, kind: ProblemKind) -> Self {
        Self { file: file.to_path_buf(), line, item: None, kind }
    }

    /// The same problem, about `item`.
    #[must_use]
    pub fn with_item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }

    /// Errors make a file unusable; warnings do not.
    pub fn is_error(&self) -> bool {
        self.kind.is_error()
    }

    /// Sort key: file, then line (problems without a line first), then message.
    pub(crate) fn sort_key(&self) -> (&Path, usize, String) {
        (&self.file, self.line.unwrap_or(0), self.kind.to_string())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if !self.is_error() {
            write!(f, "warning: ")?;
        }
        if let Some(item) = &self.item {
            write!(f, "item {item}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Problem {}

/// What is wrong. The messages say what was found and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file could not be read.
    #[error("cannot read: {reason}")]
    Unreadable {
        /// The operating system's reason.
        reason: String,
    },
    /// The file is larger than any hand-written manual.
    #[error("the file is {size} bytes; a manual may be at most {limit} bytes")]
    TooLarge {
        /// Size of the file.
        size: u64,
        /// `MAX_MANUAL_BYTES`.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    #[error("the file is not UTF-8 text")]
    NotUtf8,
    /// A TOML syntax error, or a value serde could not read (wrong type, missing or unknown key).
    #[error("{message}")]
    Toml {
        /// The parser's message.
        message: String,
    },
    /// `format` names a version this build does not read.
    #[error("format {found} is not supported: this docexam reads format {expected}")]
    UnsupportedFormat {
        /// The value in the file.
        found: String,
        /// `FORMAT_VERSION`.
        expected: u32,
    },
    /// A code that is not in its table.
    #[error("unknown {table} `{value}`; allowed: {allowed}")]
    UnknownCode {
        /// The table's name, e.g. `severity`.
        table: &'static str,
        /// The value in the file.
        value: String,
        /// Every allowed spelling.
        allowed: String,
    },
    /// The manual id is not lower-case kebab-case.
    #[error("manual id `{id}` must be lower-case letters, digits and single hyphens, like `first-line-quick`")]
    BadManualId {
        /// The id in the file.
        id: String,
    },
    /// The language is not a 2-letter lower-case code.
    #[error("language `{language}` must be a two-letter lower-case ISO 639-1 code, like `en`")]
    BadLanguage {
        /// The language in the file.
        language: String,
    },
    /// The version is not MAJOR.MINOR.PATCH.
    #[error("version `{version}` must be a semantic version MAJOR.MINOR.PATCH, like `1.0.0`")]
    BadVersion {
        /// The version in the file.
        version: String,
    },
    /// The file is not named after the manual id and language inside it.
    #[error("the file must be named `{expected}` (manual id, language, .toml)")]
    FileName {
        /// The name the contents call for.
        expected: String,
    },
    /// A text field is empty or blank.
    #[error("{field} is empty")]
    EmptyText {
        /// Which field, e.g. `prompt`.
        field: String,
    },
    /// The manual has no sections.
    #[error("the manual has no sections")]
    NoSections,
    /// A section has no items.
    #[error("section `{section}` has no items")]
    EmptySection {
        /// The section id.
        section: String,
    },
    /// A section id is not one upper-case letter.
    #[error("section id `{id}` must be one upper-case letter, A to Z")]
    BadSectionId {
        /// The id in the file.
        id: String,
    },
    /// Two sections share an id.
    #[error("section `{id}` is defined twice (first at line {first_line})")]
    DuplicateSection {
        /// The id.
        id: String,
        /// Line of the first definition.
        first_line: usize,
    },
    /// An item id is not one upper-case letter and two digits.
    #[error("item id `{id}` must be its section's letter and two digits, like `C02`")]
    BadItemId {
        /// The id in the file.
        id: String,
    },
    /// An item id does not start with its section's id.
    #[error("the id does not start with its section's id `{section}`")]
    ItemOutsideItsSection {
        /// The section the item is in.
        section: String,
    },
    /// Two items of one manual share an id.
    #[error("the id is used twice (first at line {first_line})")]
    DuplicateItem {
        /// Line of the first use.
        first_line: usize,
    },
    /// An item names no failure code.
    #[error("no failure code: `failure_suggests` must name at least one")]
    NoFailureCode,
    /// A first-line manual has no time budget (warning).
    #[error("a first-line manual should give `time_budget_seconds`")]
    MissingTimeBudget,
    /// Two files hold the same manual in the same language.
    #[error("manual `{id}` in language `{language}` is already loaded from {first}")]
    DuplicateManual {
        /// The manual id.
        id: String,
        /// The language.
        language: String,
        /// The first file, as `file:line`.
        first: String,
    },
    /// A manual has no English file.
    #[error(
        "manual `{id}` has no English file (`{id}.en.toml`); every manual needs one, translations are checked against it"
    )]
    NoEnglish {
        /// The manual id.
        id: String,
    },
    /// The English file exists but could not be loaded, so a translation cannot be checked.
    #[error("cannot check this translation: the English file {english} has errors")]
    BrokenEnglish {
        /// The English file.
        english: String,
    },
    /// The translation lacks a section of the English file.
    #[error("section `{section}` is missing; the English file has it at {english}")]
    MissingSection {
        /// The section id.
        section: String,
        /// Where, as `file:line`.
        english: String,
    },
    /// The translation has a section the English file lacks.
    #[error("section `{section}` is not in the English file {english}")]
    ExtraSection {
        /// The section id.
        section: String,
        /// The English file.
        english: String,
    },
    /// The translation lacks an item of the English file.
    #[error("missing from this translation; the English file has it at {english}")]
    MissingItem {
        /// Where, as `file:line`.
        english: String,
    },
    /// The translation has an item the English file lacks.
    #[error("not in the English file {english}")]
    ExtraItem {
        /// The English file.
        english: String,
    },
    /// A structural value of the translation differs from the English file.
    #[error("{field} is {this} here but {english} in the English file ({english_at})")]
    TranslationDiffers {
        /// Which value, e.g. `severity`.
        field: &'static str,
        /// The value here.
        this: String,
        /// The English value.
        english: String,
        /// Where, as `file:line`.
        english_at: String,
    },
    /// The translation's content version differs from the English file's (warning).
    #[error("version {this} differs from the English file's {english} ({english_at}); is the translation up to date?")]
    VersionDiffers {
        /// The version here.
        this: String,
        /// The English version.
        english: String,
        /// Where, as `file:line`.
        english_at: String,
    },
}

impl ProblemKind {
    /// Errors make a file unusable; warnings do not.
    pub fn is_error(&self) -> bool {
        !matches!(self, Self::MissingTimeBudget | Self::VersionDiffers { .. })
    }
}

/// `file:line`, for messages that point at another file.
pub(crate) fn place(file: &Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", file.display()),
        None => file.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_file_line_item_message() {
        let problem = Problem::new(Path::new("m/x.en.toml"), Some(12), ProblemKind::NoFailureCode).with_item("C02");
        assert_eq!(
            problem.to_string(),
            "m/x.en.toml:12: item C02: no failure code: `failure_suggests` must name at least one"
        );
        let warning = Problem::new(Path::new("x.en.toml"), Some(3), ProblemKind::MissingTimeBudget);
        assert_eq!(warning.to_string(), "x.en.toml:3: warning: a first-line manual should give `time_budget_seconds`");
        let no_line = Problem::new(Path::new("x.en.toml"), None, ProblemKind::NotUtf8);
        assert_eq!(no_line.to_string(), "x.en.toml: the file is not UTF-8 text");
    }
}
