//! Names: splitting into primary and secondary identifiers, and integrity checks. Names carry no
//! check digit, so these checks are what catches OCR errors that every check digit lets through.

use super::fields::FieldId;
use super::findings::{Finding, FindingKind};
use super::layout::Span;

/// A decoded name.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Name {
    /// Primary identifier components (surname).
    pub primary: Vec<String>,
    /// Secondary identifier components (given names).
    pub secondary: Vec<String>,
    /// The field is full to its last position: the name may have been cut.
    pub possibly_truncated: bool,
}

impl Name {
    /// Primary components joined by spaces.
    pub fn primary_text(&self) -> String {
        self.primary.join(" ")
    }

    /// Secondary components joined by spaces.
    pub fn secondary_text(&self) -> String {
        self.secondary.join(" ")
    }
}

/// Splits a TD1/TD2/TD3/visa name field: primary `<<` secondary, components by `<`.
pub fn split_icao_name(field: &[u8]) -> Name {
    let content = trim_fillers(field);
    let (primary, secondary) = match find_double_filler(content, 0) {
        Some(at) => (&content[..at], content.get(at + 2..).unwrap_or_default()),
        None => (content, &[][..]),
    };
    Name {
        primary: components(primary),
        secondary: components(secondary),
        possibly_truncated: field.last().is_some_and(u8::is_ascii_alphabetic),
    }
}

/// Components separated by one or more fillers.
pub fn components(part: &[u8]) -> Vec<String> {
    part.split(|&c| c == b'<').filter(|c| !c.is_empty()).map(|c| String::from_utf8_lossy(c).into_owned()).collect()
}

/// The field without trailing fillers.
pub fn trim_fillers(field: &[u8]) -> &[u8] {
    let end = field.iter().rposition(|&c| c != b'<').map_or(0, |i| i + 1);
    field.get(..end).unwrap_or_default()
}

fn find_double_filler(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.windows(2).position(|w| w == b"<<").map(|i| i + from)
}

/// Integrity checks on a name field at `span`; `is_icao_combined` is true for fields holding
/// primary `<<` secondary (all ICAO formats), false for the French card's separate fields.
pub fn check_name(field: &[u8], span: Span, id: FieldId, is_icao_combined: bool, findings: &mut Vec<Finding>) {
    let at = |start: usize, len: usize| Span::new(span.line, span.start + start as u8, len as u8);
    let content = trim_fillers(field);
    if content.is_empty() {
        findings.push(Finding::new(FindingKind::EmptyName, Some(span), Some(id)));
        return;
    }
    if is_icao_combined && content.starts_with(b"<<") {
        findings.push(Finding::new(FindingKind::EmptyPrimaryIdentifier, Some(at(0, 2)), Some(id)));
    }
    for (i, &c) in field.iter().enumerate() {
        if c.is_ascii_digit() {
            findings.push(Finding::new(FindingKind::DigitInName { found: char::from(c) }, Some(at(i, 1)), Some(id)));
        }
    }
    // Components (maximal runs of non-fillers) that look like misread fillers: all K and at least
    // two long, a lone K, or a word ending in three or more K.
    let mut i = 0;
    while i < content.len() {
        if content.get(i) == Some(&b'<') {
            i += 1;
            continue;
        }
        let start = i;
        while content.get(i).is_some_and(|&c| c != b'<') {
            i += 1;
        }
        let word = content.get(start..i).unwrap_or_default();
        let trailing_k = word.iter().rev().take_while(|&&c| c == b'K').count();
        let all_k = trailing_k == word.len();
        let lone_k_between_fillers = word == b"K" && start > 0;
        if (all_k && word.len() >= 2) || lone_k_between_fillers || (!all_k && trailing_k >= 3) {
            let from = if all_k { start } else { i - trailing_k };
            findings.push(Finding::new(FindingKind::FillerLookalikeInName, Some(at(from, i - from)), Some(id)));
        }
    }
    // Anything after a second `<<` (the first separates primary from secondary identifier).
    let end_of_name = if is_icao_combined {
        find_double_filler(content, 0).and_then(|first| find_double_filler(content, first + 2))
    } else {
        None
    };
    if let Some(second) = end_of_name
        && let Some(offset) = content.get(second..).and_then(|rest| rest.iter().position(|&c| c != b'<'))
    {
        let from = second + offset;
        findings.push(Finding::new(FindingKind::StrayLetterInName, Some(at(from, content.len() - from)), Some(id)));
    }
    if field.last().is_some_and(u8::is_ascii_alphabetic) {
        findings.push(Finding::new(FindingKind::PossiblyTruncatedName, Some(at(field.len() - 1, 1)), Some(id)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(field: &str) -> Vec<&'static str> {
        let mut findings = Vec::new();
        check_name(field.as_bytes(), Span::new(0, 5, field.len() as u8), FieldId::Name, true, &mut findings);
        findings.iter().map(|f| f.kind.code()).collect()
    }

    #[test]
    fn splits_primary_and_secondary() {
        let name = split_icao_name(b"ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<");
        assert_eq!(name.primary_text(), "ERIKSSON");
        assert_eq!(name.secondary_text(), "ANNA MARIA");
        assert!(!name.possibly_truncated);
        let name = split_icao_name(b"<<AHMADI<<<<");
        assert_eq!((name.primary_text().as_str(), name.secondary_text().as_str()), ("", "AHMADI"));
        let name = split_icao_name(b"VAN<DER<MUELLEN<<ANNA");
        assert_eq!(name.primary, ["VAN", "DER", "MUELLEN"]);
        assert!(name.possibly_truncated);
    }

    #[test]
    fn clean_names_have_no_findings() {
        assert!(codes("ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<").is_empty());
        assert!(codes("KARKKAINEN<<KAISA<<<<<<<").is_empty());
    }

    #[test]
    fn flags_ocr_damage() {
        assert_eq!(codes("ERIKSSON<<ANNA<MARIA<KKKKK<<<<<<<<"), ["filler_lookalike_in_name"]);
        assert_eq!(codes("ERIKSSON<<ANNAKKKKKK<<<<<<<<<"), ["filler_lookalike_in_name"]);
        assert_eq!(codes("ERIKSSON<<ANNA<K<<<<<<<<<<<<"), ["filler_lookalike_in_name"]);
        assert_eq!(codes("ER1KSSON<<ANNA<<<<<<<<<<<<<<"), ["digit_in_name"]);
        assert_eq!(codes("ERIKSSON<<ANNA<<<<<<<<X<<<<<"), ["stray_letter_in_name"]);
        assert_eq!(codes("<<AHMADI<<<<<<<<<<<<<<<<<<<<"), ["empty_primary_identifier"]);
        assert_eq!(codes("NILAVADHANANANDA<<CHAYAPA<DEJ"), ["possibly_truncated_name"]);
        assert_eq!(codes("<<<<<<<<<<"), ["empty_name"]);
    }
}
