//! Manual files: loading, every validation rule (one fixture per kind of problem, with its exact
//! file, line and item), translations, folders with broken files. `docexam manual check|list|show`
//! through the binary is tests/manual_cli.rs.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tempfile::TempDir;

use docexam_exam::manual::{
    AutomationHook, CodeTable, Level, LookupError, ManualLibrary, ProblemKind, Severity, Tool, load_file, parse_manual,
};

#[path = "common/manuals.rs"]
mod manual_fixtures;

use manual_fixtures::{fixture, repo, sha256_hex};

/// `(line, item, kind)` of every problem of a file that must not load.
fn problems_of(name: &str) -> Vec<(Option<usize>, Option<String>, ProblemKind)> {
    let path = fixture(name);
    let err = load_file(&path).expect_err("the fixture must not load");
    assert_eq!(err.path, path);
    for problem in &err.problems {
        assert_eq!(problem.file, path, "every problem names its file");
    }
    err.problems.into_iter().map(|p| (p.line, p.item, p.kind)).collect()
}

fn at(line: usize, item: Option<&str>, kind: ProblemKind) -> (Option<usize>, Option<String>, ProblemKind) {
    (Some(line), item.map(str::to_owned), kind)
}

fn toml(message: &str) -> ProblemKind {
    ProblemKind::Toml { message: message.to_owned() }
}

fn empty(field: &str) -> ProblemKind {
    ProblemKind::EmptyText { field: field.to_owned() }
}

fn unknown<T: CodeTable>(value: &str) -> ProblemKind {
    ProblemKind::UnknownCode { table: T::TABLE, value: value.to_owned(), allowed: T::allowed() }
}

// ---------------------------------------------------------------------------------------------
// One file

#[test]
fn good_manual_loads_with_its_content_hash_and_lines() {
    let path = fixture("good/tiny-check.en.toml");
    let loaded = load_file(&path).unwrap();
    assert_eq!(loaded.path, path);
    assert_eq!(loaded.content_hash, sha256_hex(&std::fs::read(&path).unwrap()));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let manual = &loaded.manual;
    assert_eq!((manual.id.as_str(), manual.language.as_str(), manual.version.as_str()), ("tiny-check", "en", "1.0.0"));
    assert_eq!((manual.level, manual.time_budget_seconds), (Level::First, Some(60)));
    let ids: Vec<&str> = manual.items().map(|(_, item)| item.id.as_str()).collect();
    assert_eq!(ids, ["C01", "C02", "H01", "H02"]);
    let (section, item) = manual.find_item("C01").unwrap();
    assert_eq!(section.id, "C");
    assert_eq!(item.severity, Severity::S1);
    assert_eq!(item.tools, [Tool::MrzOcr]);
    assert_eq!(item.automation, Some(AutomationHook::MrzCheckDigits));
    assert_eq!(loaded.item_line("C01"), Some(17));
    assert_eq!(loaded.item_line("H02"), Some(54));
    assert_eq!(loaded.section_line("H"), Some(39));
}

#[test]
fn parsing_text_gives_the_same_manual_and_hash_as_loading_the_file() {
    let path = fixture("good/tiny-check.fr.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let from_text = parse_manual(&text, Path::new("tiny-check.fr.toml")).unwrap();
    let from_file = load_file(&path).unwrap();
    assert_eq!(from_text.manual, from_file.manual);
    assert_eq!(from_text.content_hash, from_file.content_hash);
    let edited = text.replace("Petit contrôle", "Petit  contrôle");
    assert_ne!(parse_manual(&edited, Path::new("tiny-check.fr.toml")).unwrap().content_hash, from_file.content_hash);
}

#[test]
fn toml_syntax_error() {
    assert_eq!(problems_of("bad/syntax-error.en.toml"), [at(16, None, toml("invalid basic string, expected `\"`"))]);
}

#[test]
fn unsupported_format_is_the_only_problem_reported() {
    // The fixture also has a key format 1 does not know; another format may mean other rules.
    assert_eq!(
        problems_of("bad/future-format.en.toml"),
        [at(2, None, ProblemKind::UnsupportedFormat { found: "2".to_owned(), expected: 1 })]
    );
}

#[test]
fn every_unknown_code_is_reported_with_its_line_item_and_allowed_values() {
    assert_eq!(
        problems_of("bad/unknown-codes.en.toml"),
        [
            at(7, None, unknown::<Level>("fourth")),
            at(12, None, unknown::<docexam_exam::manual::FalsedocStep>("Z")),
            at(16, Some("A01"), unknown::<Level>("primary")),
            at(19, Some("A01"), unknown::<Tool>("UV")),
            at(21, Some("A01"), unknown::<Severity>("S5")),
            at(30, Some("A02"), unknown::<docexam_exam::manual::FailureCode>("FG")),
            at(33, Some("A02"), unknown::<AutomationHook>("mrz.checksum")),
        ]
    );
    let message = load_file(&fixture("bad/unknown-codes.en.toml")).unwrap_err().problems[4].to_string();
    assert!(message.ends_with("item A01: unknown severity `S5`; allowed: S1, S2, S3, S4"), "{message}");
}

#[test]
fn unknown_key_names_its_item() {
    let problems = problems_of("bad/unknown-key.en.toml");
    assert_eq!(problems.len(), 1);
    let (line, item, ProblemKind::Toml { message }) = &problems[0] else { panic!("{problems:?}") };
    assert_eq!((*line, item.as_deref()), (Some(22), Some("A01")));
    assert!(message.starts_with("unknown field `colour`, expected one of `id`, `level`"), "{message}");
}

#[test]
fn missing_key_names_its_item() {
    assert_eq!(problems_of("bad/missing-field.en.toml"), [at(23, Some("A02"), toml("missing field `action`"))]);
}

#[test]
fn duplicate_item_id() {
    assert_eq!(
        problems_of("bad/duplicate-item.en.toml"),
        [at(34, Some("A01"), ProblemKind::DuplicateItem { first_line: 14 })]
    );
}

#[test]
fn duplicate_section_id() {
    assert_eq!(
        problems_of("bad/duplicate-section.en.toml"),
        [at(24, None, ProblemKind::DuplicateSection { id: "A".to_owned(), first_line: 10 })]
    );
}

#[test]
fn item_id_shape() {
    assert_eq!(
        problems_of("bad/bad-item-id.en.toml"),
        [
            at(14, Some("A1"), ProblemKind::BadItemId { id: "A1".to_owned() }),
            at(24, Some("a02"), ProblemKind::BadItemId { id: "a02".to_owned() }),
        ]
    );
}

#[test]
fn item_id_starts_with_its_section() {
    assert_eq!(
        problems_of("bad/item-outside-section.en.toml"),
        [at(24, Some("B02"), ProblemKind::ItemOutsideItsSection { section: "A".to_owned() })]
    );
}

#[test]
fn section_id_shape() {
    assert_eq!(
        problems_of("bad/bad-section-id.en.toml"),
        [at(10, None, ProblemKind::BadSectionId { id: "Intro".to_owned() })]
    );
}

#[test]
fn empty_texts() {
    assert_eq!(
        problems_of("bad/empty-text.en.toml"),
        [
            at(16, Some("A01"), empty("prompt")),
            at(17, Some("A01"), empty("look_at")),
            at(21, Some("A01"), empty("action"))
        ]
    );
}

#[test]
fn items_need_a_failure_code() {
    // An empty list is placed on its line; a missing one on the item's id.
    assert_eq!(
        problems_of("bad/no-failure-code.en.toml"),
        [at(19, Some("A01"), ProblemKind::NoFailureCode), at(24, Some("A02"), ProblemKind::NoFailureCode)]
    );
}

#[test]
fn language_shape() {
    assert_eq!(
        problems_of("bad/bad-language.FR.toml"),
        [at(6, None, ProblemKind::BadLanguage { language: "FR".to_owned() })]
    );
}

#[test]
fn manual_id_shape() {
    assert_eq!(problems_of("bad/Bad_Id.en.toml"), [at(3, None, ProblemKind::BadManualId { id: "Bad_Id".to_owned() })]);
}

#[test]
fn version_shape() {
    assert_eq!(
        problems_of("bad/bad-version.en.toml"),
        [at(5, None, ProblemKind::BadVersion { version: "1.0".to_owned() })]
    );
}

#[test]
fn file_name_must_be_id_and_language() {
    assert_eq!(
        problems_of("bad/wrong-file-name.en.toml"),
        [at(3, None, ProblemKind::FileName { expected: "other-name.en.toml".to_owned() })]
    );
}

#[test]
fn sections_and_items_must_exist() {
    assert_eq!(problems_of("bad/no-sections.en.toml"), [at(8, None, ProblemKind::NoSections)]);
    assert_eq!(
        problems_of("bad/empty-section.en.toml"),
        [at(24, None, ProblemKind::EmptySection { section: "B".to_owned() })]
    );
}

#[test]
fn not_utf8_is_placed_on_its_line() {
    assert_eq!(problems_of("bad/not-utf8.en.toml"), [at(4, None, ProblemKind::NotUtf8)]);
}

#[test]
fn problems_are_collected_not_stopped_at_the_first() {
    assert_eq!(
        problems_of("bad/many-problems.en.toml"),
        [
            at(5, None, ProblemKind::BadVersion { version: "one".to_owned() }),
            at(16, Some("A01"), empty("prompt")),
            at(20, Some("A01"), unknown::<Severity>("S9")),
            at(24, Some("A01"), ProblemKind::DuplicateItem { first_line: 14 }),
            at(29, Some("A01"), ProblemKind::NoFailureCode),
            at(34, Some("C03"), ProblemKind::ItemOutsideItsSection { section: "A".to_owned() }),
        ]
    );
}

#[test]
fn first_line_manual_without_time_budget_loads_with_a_warning() {
    let loaded = load_file(&fixture("bad/missing-time-budget.en.toml")).unwrap();
    let warnings: Vec<_> = loaded.warnings.iter().map(|p| (p.line, p.is_error(), p.kind.clone())).collect();
    assert_eq!(warnings, [(Some(7), false, ProblemKind::MissingTimeBudget)]);
}

#[test]
fn files_over_the_limit_are_refused_unread() {
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path();
    let limit = usize::try_from(docexam_exam::manual::MAX_MANUAL_BYTES).unwrap();
    let big = dir.join("big.en.toml");
    std::fs::write(&big, "#".repeat(limit + 1)).unwrap();
    let err = load_file(&big).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(
        err.problems[0].kind,
        ProblemKind::TooLarge { size: limit as u64 + 1, limit: docexam_exam::manual::MAX_MANUAL_BYTES }
    );
    // Exactly at the limit the file is read (and fails for what it holds, not for its size).
    let at_limit = dir.join("edge.en.toml");
    std::fs::write(&at_limit, format!("{}\n", "#".repeat(limit - 1))).unwrap();
    let err = load_file(&at_limit).unwrap_err();
    assert!(!err.problems.iter().any(|p| matches!(p.kind, ProblemKind::TooLarge { .. })), "{err}");
}

#[test]
fn missing_file_is_unreadable() {
    let err = load_file(&fixture("bad/no-such-file.en.toml")).unwrap_err();
    assert!(
        matches!(err.problems.as_slice(), [p] if matches!(p.kind, ProblemKind::Unreadable { .. }) && p.line.is_none())
    );
}

// ---------------------------------------------------------------------------------------------
// Folders and translations

fn good_pair_with(translation: &str) -> ManualLibrary {
    ManualLibrary::load_files(&[fixture("good/tiny-check.en.toml"), fixture(translation)])
}

/// The problems of the one broken file of a library, as `(line, item, kind)`.
fn broken_problems(library: &ManualLibrary, file: &Path) -> Vec<(Option<usize>, Option<String>, ProblemKind)> {
    let broken = library.broken().iter().find(|b| b.path == file).unwrap_or_else(|| panic!("{file:?} not broken"));
    broken.problems.iter().map(|p| (p.line, p.item.clone(), p.kind.clone())).collect()
}

fn english_at(line: usize) -> String {
    format!("{}:{line}", fixture("good/tiny-check.en.toml").display())
}

#[test]
fn good_english_and_french_pair_passes() {
    let library = ManualLibrary::load_dir(&fixture("good")).unwrap();
    assert!(library.problems().is_empty(), "{:?}", library.problems());
    assert_eq!(library.ids(), ["tiny-check"]);
    assert_eq!(library.languages("tiny-check"), ["en", "fr"]);
    let chosen = library.select("tiny-check", "fr").unwrap();
    assert!(chosen.fallback.is_none());
    assert_eq!(chosen.manual.manual.title, "Petit contrôle de première ligne");
    assert_eq!(chosen.manual.content_hash, sha256_hex(&std::fs::read(fixture("good/tiny-check.fr.toml")).unwrap()));
}

#[test]
fn translation_missing_an_item() {
    let library = good_pair_with("translations/missing-item/tiny-check.fr.toml");
    assert_eq!(library.languages("tiny-check"), ["en"]);
    assert_eq!(
        broken_problems(&library, &fixture("translations/missing-item/tiny-check.fr.toml")),
        // Placed on the section the item belongs in.
        [at(12, Some("C02"), ProblemKind::MissingItem { english: english_at(28) })]
    );
}

#[test]
fn translation_with_an_extra_item() {
    let library = good_pair_with("translations/extra-item/tiny-check.fr.toml");
    let english = fixture("good/tiny-check.en.toml").display().to_string();
    assert_eq!(
        broken_problems(&library, &fixture("translations/extra-item/tiny-check.fr.toml")),
        [at(64, Some("H03"), ProblemKind::ExtraItem { english })]
    );
}

#[test]
fn translation_with_a_changed_severity() {
    let library = good_pair_with("translations/changed-severity/tiny-check.fr.toml");
    assert_eq!(
        broken_problems(&library, &fixture("translations/changed-severity/tiny-check.fr.toml")),
        [at(
            50,
            Some("H01"),
            ProblemKind::TranslationDiffers {
                field: "severity",
                this: "S1".to_owned(),
                english: "S2".to_owned(),
                english_at: english_at(50),
            }
        )]
    );
}

#[test]
fn translation_must_match_every_structural_value_but_order_of_codes_is_free() {
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path();
    let english = std::fs::read_to_string(fixture("good/tiny-check.en.toml")).unwrap();
    std::fs::write(dir.join("tiny-check.en.toml"), &english).unwrap();
    let french = std::fs::read_to_string(fixture("good/tiny-check.fr.toml"))
        .unwrap()
        .replace("time_budget_seconds = 60", "time_budget_seconds = 90")
        .replace("falsedoc = \"L\"", "falsedoc = \"E\"")
        .replace("automation = \"mrz.expiry\"", "")
        .replace("tools = [\"UV365\"]", "tools = [\"UV365\", \"MAG\"]")
        .replace("failure_suggests = [\"FG-PS\", \"BN\"]", "failure_suggests = [\"FG-PS\"]")
        .replace("id = \"H02\"\nlevel = \"second\"", "id = \"H02\"\nlevel = \"first\"")
        .replace("version = \"1.0.0\"", "version = \"0.9.0\"");
    let french_path = dir.join("tiny-check.fr.toml");
    std::fs::write(&french_path, french).unwrap();
    let library = ManualLibrary::load_dir(dir).unwrap();
    let en = |line: usize| format!("{}:{line}", dir.join("tiny-check.en.toml").display());
    let differs = |field, this: &str, english: &str, english_line| ProblemKind::TranslationDiffers {
        field,
        this: this.to_owned(),
        english: english.to_owned(),
        english_at: en(english_line),
    };
    assert_eq!(
        broken_problems(&library, &french_path),
        [
            (
                Some(5),
                None,
                ProblemKind::VersionDiffers { this: "0.9.0".into(), english: "1.0.0".into(), english_at: en(5) }
            ),
            at(8, None, differs("time_budget_seconds", "90", "60", 8)),
            // A key missing here is placed on the item's id.
            at(28, Some("C02"), differs("automation", "none", "mrz.expiry", 36)),
            at(39, None, differs("FALSEDOC step", "E", "L", 39)),
            at(49, Some("H01"), differs("failure_suggests", "FG-PS", "BN, FG-PS", 49)),
            at(55, Some("H02"), differs("level", "first", "second", 55)),
            at(58, Some("H02"), differs("tools", "MAG, UV365", "UV365", 58)),
        ]
    );
    // The C01 failure codes and C02 tools are in another order than in English: not a difference.
    let broken = &library.broken()[0];
    assert!(!broken.problems.iter().any(|p| p.item.as_deref() == Some("C01")), "{:?}", broken.problems);
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let library = ManualLibrary::load_dir(&fixture("mixed")).unwrap();
    let usable: Vec<(&str, &str)> = library.manuals().iter().map(|m| (m.id(), m.language())).collect();
    assert_eq!(usable, [("pocket", "en")]);
    let broken: Vec<PathBuf> = library.broken().iter().map(|b| b.path.clone()).collect();
    assert_eq!(
        broken,
        ["broken.en.toml", "broken.fr.toml", "orphan.fr.toml", "pocket.de.toml"]
            .map(|f| fixture(&format!("mixed/{f}")))
    );
    assert_eq!(library.files_read(), 5);
    assert_eq!(
        broken_problems(&library, &fixture("mixed/broken.en.toml")),
        [at(8, None, toml("unclosed array table, expected `]`"))]
    );
    assert_eq!(
        broken_problems(&library, &fixture("mixed/broken.fr.toml")),
        [at(3, None, ProblemKind::BrokenEnglish { english: fixture("mixed/broken.en.toml").display().to_string() })]
    );
    assert_eq!(
        broken_problems(&library, &fixture("mixed/orphan.fr.toml")),
        [at(3, None, ProblemKind::NoEnglish { id: "orphan".to_owned() })]
    );
    assert_eq!(
        broken_problems(&library, &fixture("mixed/pocket.de.toml")),
        [at(
            34,
            Some("A03"),
            ProblemKind::ExtraItem { english: fixture("mixed/pocket.en.toml").display().to_string() }
        )]
    );
}

#[test]
fn lookup_falls_back_to_english_and_says_why() {
    let library = ManualLibrary::load_dir(&fixture("mixed")).unwrap();
    let missing = library.select("pocket", "fr").unwrap();
    assert_eq!(missing.manual.language(), "en");
    let fallback = missing.fallback.unwrap();
    assert_eq!((fallback.requested, fallback.broken_file), ("fr", None));
    assert_eq!(fallback.to_string(), "no `fr` version of this manual; showing the English version");

    let broken = library.select("pocket", "de").unwrap();
    assert_eq!(broken.manual.language(), "en");
    let german = fixture("mixed/pocket.de.toml");
    assert_eq!(broken.fallback.unwrap().broken_file, Some(german.as_path()));

    assert!(library.select("pocket", "en").unwrap().fallback.is_none());
    assert!(library.get("pocket", "de").is_none());

    match library.select("broken", "fr") {
        Err(LookupError::Broken { id, broken_files }) => {
            assert_eq!(id, "broken");
            assert_eq!(broken_files, [fixture("mixed/broken.en.toml"), fixture("mixed/broken.fr.toml")]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        library.select("nope", "en").unwrap_err(),
        LookupError::UnknownManual { id: "nope".to_owned(), known: vec!["pocket".to_owned()] }
    );
}

#[test]
fn lookup_without_english_offers_what_exists() {
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path();
    let french = std::fs::read_to_string(fixture("good/tiny-check.fr.toml")).unwrap();
    std::fs::write(dir.join("tiny-check.fr.toml"), french).unwrap();
    let library = ManualLibrary::load_dir(dir).unwrap();
    // Without English the translation cannot be checked, so it is not offered either.
    assert!(library.manuals().is_empty());
    assert!(matches!(library.select("tiny-check", "fr"), Err(LookupError::Broken { .. })));
}

#[test]
fn same_manual_and_language_in_two_files_keeps_the_first_given() {
    let good = fixture("good");
    let duplicate = fixture("duplicate/tiny-check.en.toml");
    let library = ManualLibrary::load_paths(&[good.clone(), duplicate.clone()]);
    assert_eq!(library.get("tiny-check", "en").unwrap().path, good.join("tiny-check.en.toml"));
    assert_eq!(
        broken_problems(&library, &duplicate),
        [at(
            3,
            None,
            ProblemKind::DuplicateManual {
                id: "tiny-check".to_owned(),
                language: "en".to_owned(),
                first: format!("{}:3", good.join("tiny-check.en.toml").display()),
            }
        )]
    );
    assert_eq!(library.languages("tiny-check"), ["en", "fr"], "the translation is checked against the first");
}

#[test]
fn unreadable_folder_is_an_error_for_load_dir_and_an_entry_for_load_paths() {
    let missing = fixture("no-such-folder");
    assert!(ManualLibrary::load_dir(&missing).is_err());
    let library = ManualLibrary::load_paths(std::slice::from_ref(&missing));
    assert_eq!(library.files_read(), 0);
    assert_eq!(library.broken().len(), 1);
    assert_eq!(library.broken()[0].path, missing);
}

/// The content engineers' files: every shipped manual passes `manual check`.
#[test]
fn every_shipped_manual_passes_check() {
    let dir = repo().join("manuals");
    let library = ManualLibrary::load_dir(&dir).unwrap();
    assert!(library.files_read() > 0, "no manual files in {}", dir.display());
    let errors: Vec<String> = library.problems().iter().filter(|p| p.is_error()).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "shipped manuals have errors:\n{}", errors.join("\n"));
    for id in library.ids() {
        assert!(library.get(id, "en").is_some(), "{id} has no English file");
        assert!(library.languages(id).len() >= 2, "{id} has no translation");
    }
}

/// `manuals/README.md` documents every code of every table (and nothing stops it going stale but
/// this test).
#[test]
fn readme_documents_every_code() {
    fn missing<T: CodeTable>(readme: &str) -> Vec<String> {
        T::ALL.iter().map(|c| format!("| `{}` |", c.code())).filter(|row| !readme.contains(row.as_str())).collect()
    }
    let readme = std::fs::read_to_string(repo().join("manuals/README.md")).unwrap();
    let mut absent = missing::<Level>(&readme);
    absent.extend(missing::<docexam_exam::manual::FalsedocStep>(&readme));
    absent.extend(missing::<Severity>(&readme));
    absent.extend(missing::<Tool>(&readme));
    absent.extend(missing::<docexam_exam::manual::FailureCode>(&readme));
    absent.extend(missing::<AutomationHook>(&readme));
    assert!(absent.is_empty(), "manuals/README.md lacks the rows {absent:?}");
}

// ---------------------------------------------------------------------------------------------
// No panics

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics_the_loader(text in ".{0,400}") {
        let _ = parse_manual(&text, Path::new("x.en.toml"));
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = docexam_exam::manual::parse_manual_bytes(&bytes, Path::new("x.en.toml"));
    }

    /// Damage a good file (cut a piece out, put random text in): the loader reports or accepts,
    /// never panics, and what it accepts carries its own hash.
    #[test]
    fn damaged_manuals_never_panic_the_loader(cut_at in 0usize..2000, cut_len in 0usize..80, insert in ".{0,20}") {
        let good = std::fs::read_to_string(fixture("good/tiny-check.en.toml")).unwrap();
        let mut start = cut_at.min(good.len());
        while !good.is_char_boundary(start) { start -= 1; }
        let mut end = (start + cut_len).min(good.len());
        while !good.is_char_boundary(end) { end -= 1; }
        let damaged = format!("{}{insert}{}", &good[..start], &good[end..]);
        match parse_manual(&damaged, Path::new("tiny-check.en.toml")) {
            Ok(loaded) => prop_assert_eq!(loaded.content_hash, sha256_hex(damaged.as_bytes())),
            Err(err) => prop_assert!(err.problems.iter().any(|p| p.is_error())),
        }
    }
}
