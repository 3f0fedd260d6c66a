//! The rules a manual file must follow, alone (`check_file`) and as a translation of its English
//! file (`check_translation`). Every problem is collected with its line and item; nothing stops at
//! the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use toml::{Spanned, Value};

use super::codes::CodeTable;
use super::load::{Field, ItemOutline, LineIndex, LoadedManual, ManualOutline};
use super::problem::{Problem, ProblemKind, place};
use super::{AutomationHook, FORMAT_VERSION, FailureCode, FalsedocStep, Level, Severity, Tool};

/// The problem when `format` is a number other than `FORMAT_VERSION`. Nothing else is checked
/// then: another format may mean other rules.
pub(crate) fn unsupported_format(outline: &ManualOutline, index: &LineIndex, path: &Path) -> Option<Problem> {
    let format = outline.format.as_ref()?;
    let Value::Integer(found) = format.get_ref() else { return None };
    (*found != i64::from(FORMAT_VERSION)).then(|| {
        let kind = ProblemKind::UnsupportedFormat { found: found.to_string(), expected: FORMAT_VERSION };
        Problem::new(path, Some(index.line_of(format)), kind)
    })
}

/// Every per-file rule except the schema itself (which the typed parse enforces).
pub(crate) fn check_file(outline: &ManualOutline, index: &LineIndex, path: &Path) -> Vec<Problem> {
    let mut checker = Checker { index, path, problems: Vec::new() };
    checker.manual(outline);
    checker.problems
}

struct Checker<'a> {
    index: &'a LineIndex,
    path: &'a Path,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, line: Option<usize>, item: Option<&str>, kind: ProblemKind) {
        let problem = Problem::new(self.path, line, kind);
        self.problems.push(match item {
            Some(item) => problem.with_item(item),
            None => problem,
        });
    }

    fn line<T>(&self, spanned: &Spanned<T>) -> Option<usize> {
        Some(self.index.line_of(spanned))
    }

    fn manual(&mut self, outline: &ManualOutline) {
        let id = self.text(&outline.id);
        if let Some((id, line)) = id
            && !is_manual_id(id)
        {
            self.report(line, None, ProblemKind::BadManualId { id: id.to_owned() });
        }
        let language = self.text(&outline.language);
        if let Some((language, line)) = language
            && !is_language(language)
        {
            self.report(line, None, ProblemKind::BadLanguage { language: language.to_owned() });
        }
        if let (Some((id, line)), Some((language, _))) = (id, language) {
            let expected = format!("{id}.{language}.toml");
            if self.path.file_name().is_none_or(|name| *name != *expected) {
                self.report(line, None, ProblemKind::FileName { expected });
            }
        }
        if let Some((version, line)) = self.text(&outline.version)
            && !is_semantic_version(version)
        {
            self.report(line, None, ProblemKind::BadVersion { version: version.to_owned() });
        }
        self.non_empty(&outline.title, "title", None);
        let level = self.code::<Level>(outline.level.as_ref(), None);
        if level == Some(Level::First) && outline.time_budget_seconds.is_none() {
            let line = outline.level.as_ref().and_then(|l| self.line(l));
            self.report(line, None, ProblemKind::MissingTimeBudget);
        }

        let sections = outline.sections();
        if sections.is_empty() && outline.sections.is_some() {
            let line = outline.sections.as_ref().and_then(|s| self.line(s));
            self.report(line, None, ProblemKind::NoSections);
        }
        let mut section_lines: BTreeMap<&str, usize> = BTreeMap::new();
        let mut item_lines: BTreeMap<&str, usize> = BTreeMap::new();
        for section in sections {
            let header_line = self.line(section);
            let section = section.get_ref();
            let section_id = self.text(&section.id);
            if let Some((id, line)) = section_id {
                if !is_section_id(id) {
                    self.report(line, None, ProblemKind::BadSectionId { id: id.to_owned() });
                }
                if let Some(line) = line {
                    if let Some(&first_line) = section_lines.get(id) {
                        self.report(Some(line), None, ProblemKind::DuplicateSection { id: id.to_owned(), first_line });
                    } else {
                        section_lines.insert(id, line);
                    }
                }
            }
            let name = section_id.map_or_else(|| "section title".to_owned(), |(id, _)| format!("section {id} title"));
            self.non_empty(&section.title, &name, None);
            self.code::<FalsedocStep>(section.falsedoc.as_ref(), None);
            if section.items.is_empty() {
                let section = section_id.map_or_else(String::new, |(id, _)| id.to_owned());
                self.report(
                    section_id.and_then(|(_, l)| l).or(header_line),
                    None,
                    ProblemKind::EmptySection { section },
                );
            }
            for item in &section.items {
                let item_line = self.line(item);
                self.item(item.get_ref(), item_line, section_id.map(|(id, _)| id), &mut item_lines);
            }
        }
    }

    fn item<'o>(
        &mut self,
        item: &'o ItemOutline,
        header_line: Option<usize>,
        section_id: Option<&str>,
        seen: &mut BTreeMap<&'o str, usize>,
    ) {
        let id_line = item.id.as_ref().and_then(|id| self.line(id));
        let id = item.id_str();
        if let Some(id) = id {
            if !is_item_id(id) {
                self.report(id_line, Some(id), ProblemKind::BadItemId { id: id.to_owned() });
            } else if let Some(section) = section_id
                && is_section_id(section)
                && !id.starts_with(section)
            {
                self.report(id_line, Some(id), ProblemKind::ItemOutsideItsSection { section: section.to_owned() });
            }
            if let Some(line) = id_line {
                if let Some(&first_line) = seen.get(id) {
                    self.report(Some(line), Some(id), ProblemKind::DuplicateItem { first_line });
                } else {
                    seen.insert(id, line);
                }
            }
        }
        self.code::<Level>(item.level.as_ref(), id);
        self.code::<Severity>(item.severity.as_ref(), id);
        self.code::<AutomationHook>(item.automation.as_ref(), id);
        for tool in item.tools.as_ref().map_or(&[][..], |t| t.get_ref().as_slice()) {
            self.code::<Tool>(Some(tool), id);
        }
        match &item.failure_suggests {
            Some(codes) if codes.get_ref().is_empty() => {
                self.report(self.line(codes), id, ProblemKind::NoFailureCode);
            }
            Some(codes) => {
                for code in codes.get_ref() {
                    self.code::<FailureCode>(Some(code), id);
                }
            }
            None => self.report(id_line.or(header_line), id, ProblemKind::NoFailureCode),
        }
        self.non_empty(&item.prompt, "prompt", id);
        self.non_empty(&item.look_at, "look_at", id);
        self.non_empty(&item.action, "action", id);
    }

    /// A string value with its line; other types are the schema's business.
    fn text<'f>(&self, field: &'f Field) -> Option<(&'f str, Option<usize>)> {
        let field = field.as_ref()?;
        Some((field.get_ref().as_str()?, self.line(field)))
    }

    fn non_empty(&mut self, field: &Field, name: &str, item: Option<&str>) {
        if let Some((text, line)) = self.text(field)
            && text.trim().is_empty()
        {
            self.report(line, item, ProblemKind::EmptyText { field: name.to_owned() });
        }
    }

    /// The code in `field`, reporting it when it is not in table `T`.
    fn code<T: CodeTable>(&mut self, field: Option<&Spanned<Value>>, item: Option<&str>) -> Option<T> {
        let field = field?;
        let found = field.get_ref().as_str().and_then(T::from_code);
        if found.is_none() {
            let value = match field.get_ref() {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let kind = ProblemKind::UnknownCode { table: T::TABLE, value, allowed: T::allowed() };
            self.report(self.line(field), item, kind);
        }
        found
    }
}

/// Lower-case ASCII letters and digits in words joined by single hyphens: `first-line-quick`.
fn is_manual_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Two lower-case ASCII letters: `en`.
fn is_language(language: &str) -> bool {
    language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase())
}

/// One upper-case ASCII letter: `C`.
fn is_section_id(id: &str) -> bool {
    id.len() == 1 && id.bytes().all(|b| b.is_ascii_uppercase())
}

/// One upper-case ASCII letter and two digits: `C02`.
fn is_item_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 3
        && bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.iter().skip(1).all(u8::is_ascii_digit)
}

/// MAJOR.MINOR.PATCH, each a decimal number.
fn is_semantic_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Every way `translation` departs from the structure of `english`: missing, extra or moved
/// sections and items, and any difference in level, severity, tools, failure codes, automation,
/// FALSEDOC step or time budget. Only the text may differ.
pub(crate) fn check_translation(english: &LoadedManual, translation: &LoadedManual) -> Vec<Problem> {
    let mut problems = Vec::new();
    let path = translation.path.as_path();
    let english_at = |line: Option<usize>| place(&english.path, line);
    let english_file = english.path.display().to_string();
    let (en, tr) = (&english.manual, &translation.manual);

    let mut differs =
        |line: Option<usize>, item: Option<&str>, field: &'static str, this: String, en: String, en_line| {
            let kind = ProblemKind::TranslationDiffers { field, this, english: en, english_at: english_at(en_line) };
            let problem = Problem::new(path, line, kind);
            problems.push(match item {
                Some(item) => problem.with_item(item),
                None => problem,
            });
        };
    if tr.level != en.level {
        differs(
            translation.manual_field_line("level"),
            None,
            "level",
            tr.level.code().to_owned(),
            en.level.code().to_owned(),
            english.manual_field_line("level"),
        );
    }
    if tr.time_budget_seconds != en.time_budget_seconds {
        let show = |t: Option<u32>| t.map_or_else(|| "not given".to_owned(), |t| t.to_string());
        differs(
            translation.manual_field_line("time_budget_seconds"),
            None,
            "time_budget_seconds",
            show(tr.time_budget_seconds),
            show(en.time_budget_seconds),
            english.manual_field_line("time_budget_seconds"),
        );
    }

    let en_sections: BTreeMap<&str, _> = en.sections.iter().map(|s| (s.id.as_str(), s)).collect();
    let tr_sections: BTreeMap<&str, _> = tr.sections.iter().map(|s| (s.id.as_str(), s)).collect();
    for (id, section) in &tr_sections {
        match en_sections.get(id) {
            None => {
                let kind = ProblemKind::ExtraSection { section: (*id).to_owned(), english: english_file.clone() };
                problems.push(Problem::new(path, translation.section_line(id), kind));
            }
            Some(en_section) if en_section.falsedoc != section.falsedoc => {
                let show = |f: Option<FalsedocStep>| f.map_or("none", CodeTable::code).to_owned();
                let kind = ProblemKind::TranslationDiffers {
                    field: "FALSEDOC step",
                    this: show(section.falsedoc),
                    english: show(en_section.falsedoc),
                    english_at: english_at(english.section_line(id)),
                };
                problems.push(Problem::new(path, translation.section_line(id), kind));
            }
            Some(_) => {}
        }
    }
    for id in en_sections.keys().filter(|id| !tr_sections.contains_key(*id)) {
        let kind =
            ProblemKind::MissingSection { section: (*id).to_owned(), english: english_at(english.section_line(id)) };
        problems.push(Problem::new(path, None, kind));
    }

    let en_items: BTreeMap<&str, _> = en.items().map(|(s, i)| (i.id.as_str(), (s, i))).collect();
    let tr_items: BTreeMap<&str, _> = tr.items().map(|(s, i)| (i.id.as_str(), (s, i))).collect();
    for (id, (en_section, _)) in en_items.iter().filter(|(id, _)| !tr_items.contains_key(*id)) {
        // Point at the section the item belongs in, when the translation has it.
        let line = translation.section_line(&en_section.id);
        let kind = ProblemKind::MissingItem { english: english_at(english.item_line(id)) };
        problems.push(Problem::new(path, line, kind).with_item(*id));
    }
    for (id, (section, item)) in &tr_items {
        let Some((en_section, en_item)) = en_items.get(id) else {
            let kind = ProblemKind::ExtraItem { english: english_file.clone() };
            problems.push(Problem::new(path, translation.item_line(id), kind).with_item(*id));
            continue;
        };
        let mut compare = |field: &'static str, this: String, en: String| {
            if this != en {
                let line = translation.item_field_line(id, field);
                let kind = ProblemKind::TranslationDiffers {
                    field,
                    this,
                    english: en,
                    english_at: english_at(english.item_field_line(id, field)),
                };
                problems.push(Problem::new(path, line, kind).with_item(*id));
            }
        };
        compare("section", section.id.clone(), en_section.id.clone());
        compare("level", item.level.code().to_owned(), en_item.level.code().to_owned());
        compare("severity", item.severity.code().to_owned(), en_item.severity.code().to_owned());
        compare("tools", code_set(&item.tools), code_set(&en_item.tools));
        compare("failure_suggests", code_set(&item.failure_suggests), code_set(&en_item.failure_suggests));
        let automation = |a: Option<AutomationHook>| a.map_or("none", CodeTable::code).to_owned();
        compare("automation", automation(item.automation), automation(en_item.automation));
    }

    if tr.version != en.version {
        let kind = ProblemKind::VersionDiffers {
            this: tr.version.clone(),
            english: en.version.clone(),
            english_at: english_at(english.manual_field_line("version")),
        };
        problems.push(Problem::new(path, translation.manual_field_line("version"), kind));
    }
    problems
}

/// Codes as a sorted set, for comparison and messages: order within a list carries no meaning.
fn code_set<T: CodeTable>(codes: &[T]) -> String {
    let set: BTreeSet<&str> = codes.iter().map(|c| c.code()).collect();
    if set.is_empty() { "none".to_owned() } else { set.into_iter().collect::<Vec<_>>().join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_shapes() {
        assert!(is_manual_id("first-line-quick"));
        assert!(is_manual_id("pocket2"));
        for bad in ["", "First", "a--b", "-a", "a-", "a.b", "a_b", "é"] {
            assert!(!is_manual_id(bad), "{bad:?}");
        }
        assert!(is_language("fr"));
        for bad in ["", "f", "FR", "fra", "f1", "é"] {
            assert!(!is_language(bad), "{bad:?}");
        }
        assert!(is_item_id("C02"));
        for bad in ["C2", "c02", "C002", "CC2", "C0x", "Ç02", ""] {
            assert!(!is_item_id(bad), "{bad:?}");
        }
        assert!(is_section_id("C"));
        for bad in ["", "c", "CD", "1"] {
            assert!(!is_section_id(bad), "{bad:?}");
        }
        assert!(is_semantic_version("1.10.0"));
        for bad in ["1.0", "1.0.0-rc1", "v1.0.0", "1..0", ""] {
            assert!(!is_semantic_version(bad), "{bad:?}");
        }
    }

    #[test]
    fn code_sets_ignore_order() {
        assert_eq!(code_set(&[Tool::UV365, Tool::WL]), code_set(&[Tool::WL, Tool::UV365]));
        assert_eq!(code_set::<Tool>(&[]), "none");
    }
}
