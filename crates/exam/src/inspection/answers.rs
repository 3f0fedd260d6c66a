//! Answers files: an inspection's answers, overrides and decision written down beforehand (JSON),
//! for shells that run without prompts (`docexam inspect --answers`). Reading the file is the
//! shell's; this is its shape, its parsing and how it is applied.
//!
//! ```json
//! {"answers": [{"item": "F02", "answer": "pass", "note": "..."}],
//!  "overrides": [{"item": "C02", "answer": "pass", "reason": "...", "note": "..."}],
//!  "decision": {"outcome": "refuse", "refusal_reasons": ["A"], "justification": "..."}}
//! ```
//!
//! Every key is optional. Answers are the words of [`Answer::from_word`].

use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, VariantAccess, Visitor};

use super::{Answer, DecisionRequest, Inspection, RuleViolation, Timestamp};

/// The largest answers file a shell should read, in bytes (they are written by hand or by scripts).
pub const MAX_ANSWERS_FILE_BYTES: u64 = 1024 * 1024;

/// Why an answers file does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswersFileError {
    /// Not JSON, or not JSON of the file's shape.
    #[error("{what}")]
    Json {
        /// 1-based line of the problem (0 when the input ended first).
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's message, which names the line and column too.
        what: String,
    },
}

/// Parses the JSON `bytes` of an answers file of shape `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AnswersFileError> {
    serde_json::from_slice(bytes).map_err(|e| AnswersFileError::Json {
        line: e.line(),
        column: e.column(),
        what: e.to_string(),
    })
}

/// Deserializes an answer written as a word ([`Answer::from_word`]). Anything else is refused
/// with the very error a plain [`Answer`] gives (an unknown variant naming the record's keys).
pub fn deserialize_answer_word<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Answer, D::Error> {
    /// The record's own keys, as the derived `Deserialize` of [`Answer`] names them.
    const KEYS: &[&str] = &["pass", "fail", "not_applicable", "not_checked"];

    /// The enum, read the way the derived code reads it (so errors and their places agree).
    struct AnswerEnum;
    /// Its variant name, read as a word.
    struct Word;

    impl<'de> Visitor<'de> for AnswerEnum {
        type Value = Answer;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("enum Answer")
        }

        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Answer, A::Error> {
            let (answer, variant) = data.variant_seed(Word)?;
            variant.unit_variant()?;
            Ok(answer)
        }
    }

    impl Visitor<'_> for Word {
        type Value = Answer;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("variant identifier")
        }

        fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<Answer, E> {
            Answer::from_word(word).ok_or_else(|| E::unknown_variant(word, KEYS))
        }
    }

    impl<'de> DeserializeSeed<'de> for Word {
        type Value = Answer;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Answer, D::Error> {
            deserializer.deserialize_identifier(self)
        }
    }

    deserializer.deserialize_enum("Answer", KEYS, AnswerEnum)
}

/// The answers file of one inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    /// The officer's answers, in file order (an item answered twice differently is refused).
    #[serde(default, deserialize_with = "deserialize_consistent")]
    pub answers: Vec<ItemAnswer>,
    /// Overrides of machine answers, applied after the answers (same rule).
    #[serde(default, deserialize_with = "deserialize_consistent")]
    pub overrides: Vec<ItemOverride>,
    /// The decision; without one the inspection stays undecided.
    #[serde(default)]
    pub decision: Option<DecisionRequest>,
}

/// One answer of an answers file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemAnswer {
    /// The item id.
    pub item: String,
    /// The answer.
    #[serde(deserialize_with = "deserialize_answer_word")]
    pub answer: Answer,
    /// The officer's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// One override of a machine answer in an answers file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemOverride {
    /// The item id.
    pub item: String,
    /// The officer's answer.
    #[serde(deserialize_with = "deserialize_answer_word")]
    pub answer: Answer,
    /// Why the machine is wrong (required by the inspection's rules).
    #[serde(default)]
    pub reason: String,
    /// The officer's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// An entry of an answers file that answers one item.
trait ItemEntry {
    fn item(&self) -> &str;
    fn answer(&self) -> Answer;
}

impl ItemEntry for ItemAnswer {
    fn item(&self) -> &str {
        &self.item
    }
    fn answer(&self) -> Answer {
        self.answer
    }
}

impl ItemEntry for ItemOverride {
    fn item(&self) -> &str {
        &self.item
    }
    fn answer(&self) -> Answer {
        self.answer
    }
}

/// A list of item entries where no item has two different answers: the last would silently win.
/// The same answer twice is harmless and kept.
fn deserialize_consistent<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + ItemEntry,
{
    let entries = Vec::<T>::deserialize(deserializer)?;
    for (index, later) in entries.iter().enumerate() {
        if let Some(earlier) =
            entries[..index].iter().find(|e| e.item() == later.item() && e.answer() != later.answer())
        {
            return Err(serde::de::Error::custom(format!(
                "item {} is answered twice, {} and then {}: give one answer per item",
                later.item(),
                earlier.answer(),
                later.answer()
            )));
        }
    }
    Ok(entries)
}

/// Deserializes a JSON object into a map, refusing a key given twice with different values (a
/// plain map keeps the last silently). `what` names a key in the error, with both values as JSON.
pub(crate) fn deserialize_unique_map<'de, D, V>(
    deserializer: D,
    what: &'static str,
) -> Result<std::collections::BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de> + PartialEq + serde::Serialize,
{
    struct UniqueMap<V> {
        what: &'static str,
        values: std::marker::PhantomData<V>,
    }

    impl<'de, V: Deserialize<'de> + PartialEq + serde::Serialize> Visitor<'de> for UniqueMap<V> {
        type Value = std::collections::BTreeMap<String, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut map = std::collections::BTreeMap::new();
            while let Some((key, value)) = access.next_entry::<String, V>()? {
                match map.get(&key) {
                    Some(earlier) if *earlier != value => {
                        let json = |v: &V| serde_json::to_string(v).unwrap_or_default();
                        return Err(serde::de::Error::custom(format!(
                            "{} {key} is given twice, {} and then {}: give it once",
                            self.what,
                            json(earlier),
                            json(&value)
                        )));
                    }
                    _ => {
                        map.insert(key, value);
                    }
                }
            }
            Ok(map)
        }
    }

    deserializer.deserialize_map(UniqueMap { what, values: std::marker::PhantomData })
}

impl AnswersFile {
    /// Parses an answers file.
    pub fn from_json(bytes: &[u8]) -> Result<Self, AnswersFileError> {
        parse_json(bytes)
    }

    /// Applies the answers, then the overrides, then the decision at `decided_at` (never before
    /// the inspection started). Every rule the answers and overrides break is returned, in file
    /// order, and then no decision is tried.
    pub fn apply(self, inspection: &mut Inspection, decided_at: Timestamp) -> Result<(), Vec<RuleViolation>> {
        let mut broken = Vec::new();
        for a in self.answers {
            if let Err(v) = inspection.answer(&a.item, a.answer, a.note) {
                broken.push(v);
            }
        }
        for o in self.overrides {
            if let Err(v) = inspection.override_answer(&o.item, o.answer, &o.reason, o.note) {
                broken.push(v);
            }
        }
        if !broken.is_empty() {
            return Err(broken);
        }
        if let Some(request) = self.decision {
            inspection.decide(request, decided_at.max(inspection.started_at())).map_err(|v| v.0)?;
        }
        Ok(())
    }
}
