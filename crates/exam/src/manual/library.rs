//! Every manual of a folder (or of a list of files), checked against each other, and lookup by
//! manual id and language.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::load::{LoadedManual, load_file};
use super::problem::{Problem, ProblemKind, place};
use super::validate;

/// The language every manual must have and translations are checked against.
pub const REFERENCE_LANGUAGE: &str = "en";

/// The manuals that loaded, and the files that did not with their problems.
///
/// A broken file never takes the others down: it is listed in `broken()` and its manual is simply
/// not offered (a translation that is broken falls back to English).
#[derive(Debug, Clone, Default)]
pub struct ManualLibrary {
    /// Sorted by id, then language.
    manuals: Vec<LoadedManual>,
    /// Sorted by path.
    broken: Vec<BrokenFile>,
    /// Files whose bytes could be read (broken or not).
    files_read: usize,
}

/// A file that could not be used, with everything wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenFile {
    /// The file.
    pub path: PathBuf,
    /// At least one error, and any warnings, sorted by line.
    pub problems: Vec<Problem>,
}

impl BrokenFile {
    /// Manual id and language as the file name gives them (`<id>.<language>.toml`), since the
    /// contents may be unreadable.
    pub fn named_id_and_language(&self) -> Option<(&str, &str)> {
        let name = self.path.file_name()?.to_str()?.strip_suffix(".toml")?;
        let (id, language) = name.rsplit_once('.')?;
        Some((id, language))
    }

    /// How many of the problems are errors.
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }
}

/// The manual chosen for an id and language.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    /// The manual.
    pub manual: &'a LoadedManual,
    /// Set when the requested language could not be given and English is shown instead.
    pub fallback: Option<LanguageFallback<'a>>,
}

/// Why a manual is shown in English rather than the requested language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageFallback<'a> {
    /// The language asked for.
    pub requested: &'a str,
    /// The translation's file, when there is one but it is broken.
    pub broken_file: Option<&'a Path>,
}

impl std::fmt::Display for LanguageFallback<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.broken_file {
            Some(file) => write!(
                f,
                "the `{}` version has errors ({}); showing the English version",
                self.requested,
                file.display()
            ),
            None => write!(f, "no `{}` version of this manual; showing the English version", self.requested),
        }
    }
}

/// Why no manual could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No file holds a manual with this id.
    #[error("no manual `{id}`{}", known_list(.known))]
    UnknownManual {
        /// The id asked for.
        id: String,
        /// The ids that loaded.
        known: Vec<String>,
    },
    /// Files for this id exist, but none usable in the language asked for or in English.
    #[error("manual `{id}` cannot be used, its files have errors (see `docexam manual check`): {}", files_list(.broken_files))]
    Broken {
        /// The id asked for.
        id: String,
        /// The broken files for this id.
        broken_files: Vec<PathBuf>,
    },
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() { " (no manual loaded)".to_owned() } else { format!("; known: {}", known.join(", ")) }
}

fn files_list(files: &[PathBuf]) -> String {
    files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// A folder that could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the manuals folder {}: {source}", .dir.display())]
pub struct ReadDirError {
    /// The folder.
    pub dir: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

impl ManualLibrary {
    /// Loads every `*.toml` file of `dir` (not its sub-folders).
    pub fn load_dir(dir: &Path) -> Result<Self, ReadDirError> {
        let files = toml_files_in(dir).map_err(|source| ReadDirError { dir: dir.to_path_buf(), source })?;
        Ok(Self::load_files(&files))
    }

    /// Loads files and folders (the `*.toml` files directly in each); a folder that cannot be
    /// listed is reported as a broken entry. A file named twice (by any spelling) is loaded once.
    pub fn load_paths(paths: &[PathBuf]) -> Self {
        let mut files = Vec::new();
        let mut unlistable = Vec::new();
        for path in paths {
            if path.is_dir() {
                match toml_files_in(path) {
                    Ok(found) => files.extend(found),
                    Err(err) => unlistable.push(BrokenFile {
                        path: path.clone(),
                        problems: vec![Problem::new(path, None, ProblemKind::Unreadable { reason: err.to_string() })],
                    }),
                }
            } else {
                files.push(path.clone());
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
        let mut library = Self::load_files(&files);
        library.broken.extend(unlistable);
        library.broken.sort_by(|a, b| a.path.cmp(&b.path));
        library
    }

    /// Loads these files and checks them against each other: one file per manual and language
    /// (when two files hold the same, the one given first stands), an English file for every
    /// manual, translations with exactly the English structure.
    pub fn load_files(files: &[PathBuf]) -> Self {
        let mut loaded = Vec::new();
        let mut broken = Vec::new();
        let mut files_read = 0;
        for path in files {
            match load_file(path) {
                Ok(manual) => {
                    files_read += 1;
                    loaded.push(manual);
                }
                Err(err) => {
                    let unreadable =
                        matches!(err.problems.as_slice(), [Problem { kind: ProblemKind::Unreadable { .. }, .. }]);
                    if !unreadable {
                        files_read += 1;
                    }
                    broken.push(BrokenFile { path: err.path, problems: err.problems });
                }
            }
        }
        Self::from_loaded(loaded, broken, files_read)
    }

    /// The checks between files, over manuals that passed the per-file checks.
    fn from_loaded(mut loaded: Vec<LoadedManual>, mut broken: Vec<BrokenFile>, files_read: usize) -> Self {
        // Stable: among files with the same id and language, the one given first stands.
        loaded.sort_by(|a, b| (a.id(), a.language()).cmp(&(b.id(), b.language())));
        let mut problems: BTreeMap<usize, Vec<Problem>> = BTreeMap::new();

        // The same id and language twice: the first file stands.
        let mut run_start = 0;
        for i in 1..loaded.len() {
            let (Some(first), Some(this)) = (loaded.get(run_start), loaded.get(i)) else { continue };
            if first.id() != this.id() || first.language() != this.language() {
                run_start = i;
                continue;
            }
            let kind = ProblemKind::DuplicateManual {
                id: this.id().to_owned(),
                language: this.language().to_owned(),
                first: place(&first.path, first.manual_field_line("id")),
            };
            problems.entry(i).or_default().push(Problem::new(&this.path, this.manual_field_line("id"), kind));
        }

        // Translations against English.
        for (i, manual) in loaded.iter().enumerate() {
            if manual.language() == REFERENCE_LANGUAGE {
                continue;
            }
            let english = loaded.iter().enumerate().find(|(j, m)| {
                m.id() == manual.id() && m.language() == REFERENCE_LANGUAGE && !problems.contains_key(j)
            });
            let found = match english {
                Some((_, english)) => validate::check_translation(english, manual),
                None => {
                    let broken_english =
                        broken.iter().find(|b| b.named_id_and_language() == Some((manual.id(), REFERENCE_LANGUAGE)));
                    let kind = match broken_english {
                        Some(b) => ProblemKind::BrokenEnglish { english: b.path.display().to_string() },
                        None => ProblemKind::NoEnglish { id: manual.id().to_owned() },
                    };
                    vec![Problem::new(&manual.path, manual.manual_field_line("id"), kind)]
                }
            };
            problems.entry(i).or_default().extend(found);
        }

        let mut manuals = Vec::new();
        for (i, mut manual) in loaded.into_iter().enumerate() {
            let found = problems.remove(&i).unwrap_or_default();
            if found.iter().any(Problem::is_error) {
                let mut all = manual.warnings;
                all.extend(found);
                all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                broken.push(BrokenFile { path: manual.path, problems: all });
            } else {
                manual.warnings.extend(found);
                manual.warnings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                manuals.push(manual);
            }
        }
        broken.sort_by(|a, b| a.path.cmp(&b.path));
        Self { manuals, broken, files_read }
    }

    /// The usable manuals, sorted by id, then language.
    pub fn manuals(&self) -> &[LoadedManual] {
        &self.manuals
    }

    /// The files that could not be used, sorted by path.
    pub fn broken(&self) -> &[BrokenFile] {
        &self.broken
    }

    /// How many files were read (usable or not); 0 means nothing could be read at all.
    pub fn files_read(&self) -> usize {
        self.files_read
    }

    /// Every problem of every file, errors and warnings, sorted by file and line.
    pub fn problems(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> =
            self.broken.iter().flat_map(|b| &b.problems).chain(self.manuals.iter().flat_map(|m| &m.warnings)).collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all
    }

    /// The usable manual ids, sorted.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.manuals.iter().map(LoadedManual::id).collect();
        ids.dedup();
        ids
    }

    /// The usable languages of a manual, sorted.
    pub fn languages(&self, id: &str) -> Vec<&str> {
        self.manuals.iter().filter(|m| m.id() == id).map(LoadedManual::language).collect()
    }

    /// The manual `id` in `language`, exactly; no fallback.
    pub fn get(&self, id: &str, language: &str) -> Option<&LoadedManual> {
        self.manuals.iter().find(|m| m.id() == id && m.language() == language)
    }

    /// The manual `id` in `language`, or in English when that language is missing or broken
    /// (the selection says so).
    pub fn select<'a>(&'a self, id: &str, language: &'a str) -> Result<Selection<'a>, LookupError> {
        if let Some(manual) = self.get(id, language) {
            return Ok(Selection { manual, fallback: None });
        }
        let broken_file = |lang: &str| {
            self.broken.iter().find(|b| b.named_id_and_language() == Some((id, lang))).map(|b| b.path.as_path())
        };
        if let Some(manual) = self.get(id, REFERENCE_LANGUAGE) {
            let fallback = LanguageFallback { requested: language, broken_file: broken_file(language) };
            return Ok(Selection { manual, fallback: Some(fallback) });
        }
        // No usable English means no usable translation either (each is checked against it).
        let broken_files: Vec<PathBuf> = self
            .broken
            .iter()
            .filter(|b| b.named_id_and_language().is_some_and(|(named, _)| named == id))
            .map(|b| b.path.clone())
            .collect();
        if broken_files.is_empty() {
            Err(LookupError::UnknownManual {
                id: id.to_owned(),
                known: self.ids().into_iter().map(str::to_owned).collect(),
            })
        } else {
            Err(LookupError::Broken { id: id.to_owned(), broken_files })
        }
    }
}

/// The `*.toml` files directly in `dir`, sorted.
fn toml_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "toml") && !path.is_dir() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
