//! The human CSV cells of an inspection leaf, and the one-pass reader of docexam's own leaves.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::value::BorrowedStrDeserializer;

use crate::entry::{EntryKind, Envelope, InspectionEntry};
use docexam_exam::inspection::{Answer, AnsweredBy, Outcome, RefusalReason, Timestamp};
use docexam_exam::manual::{CodeTable as _, FailureCode, Level};

/// The human columns after seq, kind and at (officer .. fraud_types), from an inspection leaf;
/// empty for other records, or a leaf this docexam cannot read as an inspection.
pub(super) fn inspection_cells(kind: &str, leaf: &[u8]) -> [String; 10] {
    inspection_cells_of(kind, leaf).map(Cow::into_owned)
}

/// [`inspection_cells`], borrowed from the leaf where it can be.
///
/// Leaves in exactly the form docexam writes (nearly all) are read by [`canonical_inspection_cells`]
/// in one pass without building an [`InspectionEntry`]; anything else goes through serde.
pub(super) fn inspection_cells_of<'a>(kind: &str, leaf: &'a [u8]) -> [Cow<'a, str>; 10] {
    if kind != EntryKind::Inspection.as_str() {
        return Default::default();
    }
    if let Some(cells) = std::str::from_utf8(leaf).ok().and_then(canonical_inspection_cells) {
        return cells;
    }
    parsed_inspection_cells(leaf).map(Cow::Owned)
}

/// The inspection cells by parsing the leaf as an `Envelope<InspectionEntry>`: the definition of
/// which leaves are inspections and what their cells are.
pub(super) fn parsed_inspection_cells(leaf: &[u8]) -> [String; 10] {
    let Ok(Envelope { body: entry, .. }) = serde_json::from_slice::<Envelope<InspectionEntry>>(leaf) else {
        return Default::default();
    };
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    [
        text(&entry.officer),
        text(&entry.station),
        text(&entry.document.code),
        text(&entry.document.issuer),
        text(&entry.document.nationality),
        text(&entry.mrz.verdict),
        entry.mrz.failed_checks.join(";"),
        entry.decision.outcome.key().to_owned(),
        entry.decision.refusal_reasons.iter().map(|r| r.letter().to_string()).collect::<Vec<_>>().join(";"),
        entry.fraud_types().iter().map(|code| code.code()).collect::<Vec<_>>().join(";"),
    ]
}

/// The inspection cells of a leaf in exactly the form docexam writes it (compact JSON, keys in
/// declaration order, strings without escapes), or `None` for any other leaf.
///
/// Only ever a shortcut: every leaf it reads is one that [`parsed_inspection_cells`] reads to the
/// same cells (same fields, same types, enums and times checked by their own `Deserialize`), and
/// it gives up on anything else (whitespace, escapes, other key orders, unknown keys, long
/// numbers), which then goes through serde.
pub(super) fn canonical_inspection_cells<'a>(leaf: &'a str) -> Option<[Cow<'a, str>; 10]> {
    let mut r = Canonical { text: leaf, at: 0 };
    r.expect("{\"v\":")?;
    r.number(U32_DIGITS)?;
    r.expect(",\"log\":")?;
    r.string()?;
    r.expect(",\"seq\":")?;
    r.number(U64_DIGITS)?;
    r.expect(",\"kind\":")?;
    r.string()?;
    r.expect(",\"at\":")?;
    r.value::<Timestamp>()?;
    r.expect(",\"body\":{\"record_version\":")?;
    r.number(U32_DIGITS)?;
    r.expect(",\"app_version\":")?;
    r.string()?;
    r.expect(",\"manual\":{\"id\":")?;
    r.string()?;
    r.expect(",\"version\":")?;
    r.string()?;
    r.expect(",\"language\":")?;
    r.string()?;
    r.expect(",\"content_hash\":")?;
    r.string()?;
    r.expect("},\"level\":")?;
    r.value::<Level>()?;
    r.expect(",\"officer\":")?;
    let officer = r.optional_string()?;
    r.expect(",\"station\":")?;
    let station = r.optional_string()?;
    r.expect(",\"started_at\":")?;
    r.value::<Timestamp>()?;
    r.expect(",\"ended_at\":")?;
    r.optional(Canonical::value::<Timestamp>)?;
    r.expect(",\"source\":")?;
    r.string()?;
    r.expect(",\"image_sha256\":")?;
    r.optional_string()?;
    r.expect(",\"document\":{\"code\":")?;
    let code = r.optional_string()?;
    r.expect(",\"issuer\":")?;
    let issuer = r.optional_string()?;
    r.expect(",\"nationality\":")?;
    let nationality = r.optional_string()?;
    r.expect(",\"number_hash\":")?;
    r.optional_string()?;
    r.expect("},\"mrz\":{\"status\":")?;
    r.string()?;
    r.expect(",\"format\":")?;
    r.optional_string()?;
    r.expect(",\"verdict\":")?;
    let verdict = r.optional_string()?;
    r.expect(",\"failed_checks\":")?;
    let mut failed_checks = Joined::default();
    r.list(|r| r.string().map(|check| failed_checks.push(check)))?;
    r.expect(",\"reason\":")?;
    r.optional_string()?;
    r.expect("},\"items\":")?;
    let mut fraud_types: Vec<FailureCode> = Vec::new();
    r.list(|r| {
        r.expect("{\"id\":")?;
        r.string()?;
        r.expect(",\"answer\":")?;
        r.value::<Answer>()?;
        r.expect(",\"by\":")?;
        r.optional(Canonical::value::<AnsweredBy>)?;
        if r.eat(",\"suggests\":") {
            r.list(|r| {
                let code = r.value::<FailureCode>()?;
                if !fraud_types.contains(&code) {
                    fraud_types.push(code);
                }
                Some(())
            })?;
        }
        if r.eat(",\"note\":") {
            r.optional_string()?;
        }
        if r.eat(",\"override\":") {
            r.expect("{\"machine\":")?;
            r.value::<Answer>()?;
            r.expect(",\"reason\":")?;
            r.string()?;
            r.expect("}")?;
        }
        r.expect("}")
    })?;
    r.expect(",\"decision\":{\"outcome\":")?;
    let outcome = r.value::<Outcome>()?;
    r.expect(",\"refusal_reasons\":")?;
    let mut refusal_reasons = String::new();
    r.list(|r| {
        let reason = r.value::<RefusalReason>()?;
        if !refusal_reasons.is_empty() {
            refusal_reasons.push(';');
        }
        refusal_reasons.push(reason.letter());
        Some(())
    })?;
    r.expect(",\"justification\":")?;
    r.optional_string()?;
    r.expect(",\"suggested\":")?;
    r.value::<Outcome>()?;
    r.expect("},\"personal_data_sha256\":")?;
    r.optional_string()?;
    r.expect("}}")?;
    r.end()?;

    let mut fraud_cell = Joined::default();
    for code in fraud_types {
        fraud_cell.push(code.code());
    }
    let text = |value: Option<&'a str>| Cow::Borrowed(value.unwrap_or_default());
    Some([
        text(officer),
        text(station),
        text(code),
        text(issuer),
        text(nationality),
        text(verdict),
        failed_checks.text,
        Cow::Borrowed(outcome.key()),
        Cow::Owned(refusal_reasons),
        fraud_cell.text,
    ])
}

/// Most digits [`Canonical::number`] reads where serde reads a `u32` (any 9 digits fit).
pub(super) const U32_DIGITS: usize = 9;
/// Most digits [`Canonical::number`] reads where serde reads a `u64` (any 19 digits fit).
pub(super) const U64_DIGITS: usize = 19;

/// A cursor over a leaf that accepts only docexam's own compact form (see
/// [`canonical_inspection_cells`]); every method returns `None` to give up.
pub(super) struct Canonical<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Canonical<'a> {
    fn rest(&self) -> &'a [u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    /// Skips `literal` if it comes next.
    fn eat(&mut self, literal: &str) -> bool {
        let found = self.rest().starts_with(literal.as_bytes());
        if found {
            self.at += literal.len();
        }
        found
    }

    fn expect(&mut self, literal: &str) -> Option<()> {
        self.eat(literal).then_some(())
    }

    /// A string without escapes or control characters (which serde reads as exactly these bytes).
    fn string(&mut self) -> Option<&'a str> {
        self.expect("\"")?;
        let rest = self.rest();
        let len = string_end(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        let text = self.text.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(text)
    }

    /// `null`, or what `read` reads.
    fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.eat("null") { Some(None) } else { read(self).map(Some) }
    }

    fn optional_string(&mut self) -> Option<Option<&'a str>> {
        self.optional(Self::string)
    }

    /// An unsigned integer of 1 to `max_digits` digits, without leading zeros.
    fn number(&mut self, max_digits: usize) -> Option<()> {
        let rest = self.rest();
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let leading_zero = digits > 1 && rest.first() == Some(&b'0');
        if digits == 0 || digits > max_digits || leading_zero {
            return None;
        }
        self.at += digits;
        Some(())
    }

    /// A string read by `T`'s own `Deserialize` (enums, times), as serde would read it.
    fn value<T: Deserialize<'a>>(&mut self) -> Option<T> {
        let text = self.string()?;
        T::deserialize(BorrowedStrDeserializer::<serde::de::value::Error>::new(text)).ok()
    }

    /// An array, each element read by `each`.
    fn list(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect("[")?;
        if self.eat("]") {
            return Some(());
        }
        loop {
            each(self)?;
            if !self.eat(",") {
                return self.expect("]");
            }
        }
    }

    /// At the end of the leaf.
    fn end(&self) -> Option<()> {
        (self.at == self.text.len()).then_some(())
    }
}

/// Where the text of a JSON string ends: the first quote, backslash or control character.
pub(super) fn string_end(text: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const LOW7: u64 = 0x7f * ONES;
    const HIGH: u64 = 0x80 * ONES;
    // Eight bytes at a time: the high bit of each byte of `x` that is zero, exactly.
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x) & HIGH;
    let mut at = 0;
    while let Some(word) = text.get(at..at + 8).and_then(|word| <[u8; 8]>::try_from(word).ok()) {
        let word = u64::from_le_bytes(word);
        let below_space = !(((word & LOW7) + 0x60 * ONES) | word) & HIGH;
        let stops = zero(word ^ (u64::from(b'"') * ONES)) | zero(word ^ (u64::from(b'\\') * ONES)) | below_space;
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = text.get(at..)?;
    tail.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).map(|end| at + end)
}

/// Parts joined by `;` (as `[..].join(";")`), borrowing when there is at most one.
#[derive(Default)]
pub(super) struct Joined<'a> {
    text: Cow<'a, str>,
    parts: usize,
}

impl<'a> Joined<'a> {
    fn push(&mut self, part: &'a str) {
        if self.parts == 0 {
            self.text = Cow::Borrowed(part);
        } else {
            let text = self.text.to_mut();
            text.push(';');
            text.push_str(part);
        }
        self.parts += 1;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The inspection of the audit test fixture as a log body.
    fn fixture_entry() -> InspectionEntry {
        let inspection: docexam_exam::inspection::Inspection =
            serde_json::from_str(include_str!("../../../../tests/fixtures/audit/inspection.json")).unwrap();
        InspectionEntry::from_inspection(&inspection, &|number| format!("hash of {number}")).unwrap().0
    }

    /// Inspection bodies covering every field the cells come from, and texts that need quoting,
    /// neutralising or JSON escapes.
    pub(crate) fn sample_entries() -> Vec<InspectionEntry> {
        use crate::entry::OverrideEntry;
        let base = fixture_entry();
        assert!(base.items.len() >= 3);
        let mut failed = base.clone();
        failed.items[0].answer = Answer::Fail;
        failed.items[0].suggests = vec![FailureCode::CF, FailureCode::FgPhoto];
        failed.items[1].answer = Answer::Fail;
        failed.items[1].suggests = vec![FailureCode::FgPhoto, FailureCode::OCR];
        failed.items[1].note = Some("plain note, with a comma".into());
        failed.items[2].override_ = Some(OverrideEntry { machine: Answer::Pass, reason: "seen under UV".into() });
        failed.decision.outcome = Outcome::Refuse;
        failed.decision.refusal_reasons = vec![RefusalReason::A, RefusalReason::B];
        failed.decision.justification = Some("forged page".into());
        failed.mrz.failed_checks = vec!["document_number".into(), "composite".into()];
        failed.mrz.verdict = Some("invalid".into());
        let mut empty = base.clone();
        empty.officer = None;
        empty.station = None;
        empty.document = Default::default();
        empty.mrz.verdict = None;
        empty.mrz.failed_checks = vec![String::new(), String::new()];
        empty.ended_at = None;
        empty.image_sha256 = Some("ab".repeat(32));
        empty.personal_data_sha256 = Some("cd".repeat(32));
        let mut formulas = base.clone();
        formulas.officer = Some("=cmd|' /C calc'!A0".into());
        formulas.station = Some("+st,1".into());
        formulas.document.code = Some("-P".into());
        formulas.document.issuer = Some("@UTO".into());
        formulas.mrz.failed_checks = vec!["=1".into()];
        let mut unicode = base.clone();
        unicode.officer = Some("Åsa Öberg".into());
        unicode.station = Some("Grenzübergang Süd".into());
        let mut escaped = failed.clone();
        escaped.officer = Some("say \"hi\"\nthen\\go".into());
        escaped.items[0].note = Some("tab\there".into());
        let mut seized = failed.clone();
        seized.decision.outcome = Outcome::Seize;
        seized.decision.refusal_reasons = vec![RefusalReason::B];
        vec![base, failed, empty, formulas, unicode, escaped, seized]
    }

    pub(crate) fn leaf_of(entry: &InspectionEntry, seq: u64) -> String {
        use crate::entry::{EnvelopeOut, LEAF_VERSION};
        let at = Timestamp::from_unix_seconds(1_795_427_267).unwrap();
        let envelope =
            EnvelopeOut { v: LEAF_VERSION, log: "desk-1", seq, kind: EntryKind::Inspection, at, body: entry };
        serde_json::to_string(&envelope).unwrap()
    }

    fn owned(cells: [Cow<'_, str>; 10]) -> [String; 10] {
        cells.map(Cow::into_owned)
    }

    #[test]
    fn docexam_leaves_are_read_without_serde_to_the_same_cells() {
        for (seq, entry) in sample_entries().iter().enumerate() {
            let leaf = leaf_of(entry, seq as u64);
            let expected = parsed_inspection_cells(leaf.as_bytes());
            assert_ne!(expected, <[String; 10]>::default(), "{leaf}");
            let canonical = canonical_inspection_cells(&leaf).map(owned);
            if leaf.contains('\\') {
                assert_eq!(canonical, None, "escapes are left to serde: {leaf}");
            } else {
                assert_eq!(canonical.as_ref(), Some(&expected), "{leaf}");
            }
            assert_eq!(owned(inspection_cells_of("inspection", leaf.as_bytes())), expected);
            assert_eq!(inspection_cells("inspection", leaf.as_bytes()), expected);
            assert_eq!(inspection_cells("settings", leaf.as_bytes()), <[String; 10]>::default());
        }
    }

    #[test]
    fn other_forms_of_a_leaf_go_through_serde() {
        let leaf = leaf_of(&sample_entries()[1], 3);
        let value: serde_json::Value = serde_json::from_str(&leaf).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        // serde_json::Value sorts keys.
        let sorted = value.to_string();
        let extra_key = leaf.replacen("\"body\":{", "\"body\":{\"later\":[1,{\"x\":null}],", 1);
        let extra_manual_key = leaf.replacen("\"manual\":{", "\"manual\":{\"later\":1,", 1);
        let long_seq = leaf.replacen("\"seq\":3,", "\"seq\":00000000000000000003,", 1);
        let trailing_space = format!("{leaf} ");
        let cases = [pretty, sorted, extra_key, extra_manual_key, long_seq, trailing_space];
        for other in &cases {
            assert_eq!(canonical_inspection_cells(other).map(owned), None, "{other}");
            assert_eq!(
                owned(inspection_cells_of("inspection", other.as_bytes())),
                parsed_inspection_cells(other.as_bytes())
            );
        }
        assert_ne!(inspection_cells("inspection", cases[0].as_bytes()), <[String; 10]>::default());
        assert_ne!(inspection_cells("inspection", cases[2].as_bytes()), <[String; 10]>::default());
        assert_eq!(inspection_cells("inspection", cases[3].as_bytes()), <[String; 10]>::default());
        assert_eq!(inspection_cells("inspection", cases[4].as_bytes()), <[String; 10]>::default());
        assert_eq!(inspection_cells("inspection", b"\xff{not utf-8"), <[String; 10]>::default());
    }

    /// Every one-byte edit of a leaf that the canonical reader still accepts is read by serde to
    /// the same cells (so the shortcut never accepts what serde refuses, nor reads it differently).
    #[test]
    fn no_one_byte_edit_makes_the_canonical_reader_disagree_with_serde() {
        let leaf = leaf_of(&sample_entries()[1], 12);
        let bytes = leaf.as_bytes();
        let replacements = [b'"', b'\\', b'0', b'1', b'9', b',', b':', b'}', b']', b'{', b' ', 0x01, b'n', b'-', b'x'];
        let mut accepted = 0;
        let mut check = |edited: &[u8]| {
            let Ok(text) = std::str::from_utf8(edited) else { return };
            if let Some(cells) = canonical_inspection_cells(text) {
                accepted += 1;
                assert_eq!(owned(cells), parsed_inspection_cells(edited), "{text}");
            }
        };
        for at in 0..bytes.len() {
            for &replacement in &replacements {
                if bytes[at] != replacement {
                    let mut edited = bytes.to_vec();
                    edited[at] = replacement;
                    check(&edited);
                }
            }
            let mut deleted = bytes.to_vec();
            deleted.remove(at);
            check(&deleted);
        }
        assert!(accepted > 1000, "only {accepted} edits were read without serde");
    }

    #[test]
    fn string_ends_are_found_at_every_offset() {
        for len in 0..20 {
            for at in 0..len {
                for special in 0..=255u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = special;
                    let expected = text.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                    assert_eq!(string_end(&text), expected, "{text:?}");
                }
            }
            assert_eq!(string_end(&vec![0xc3; len]), None);
        }
    }
}
