//! Exercise answers files: a trainee's answers for every document of a pack, written down
//! beforehand (JSON), for shells that run without prompts (`docexam exercise run --answers`).
//! Reading the file is the shell's; this is its shape, its checks and how it is applied.
//!
//! ```json
//! {"1": {"answers": {"F02": "fail", "G01": "pass", "H01": {"answer": "fail", "reason": "...", "note": "..."}},
//!        "outcome": "refuse", "refusal_reasons": ["B"], "justification": "...", "seconds": 40},
//!  "td2_wrong_check_0000.png": {"outcome": "admit"}}
//! ```
//!
//! Keys are document numbers (1 = the key's first) or image names. Everything is checked before
//! anything is recorded: [`ExerciseAnswers::match_key`] pairs the entries with the key's
//! documents, [`DocumentAnswers::attempt`] puts one document's answers into its inspection.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{AnswerKey, Attempt};
use crate::inspection::answers::{AnswersFileError, deserialize_unique_map, parse_json};
use crate::inspection::{Answer, DecisionRequest, Inspection, Outcome, RefusalReason, RuleViolation, Timestamp};

/// Longest time one document may be said to have taken, in seconds.
pub const MAX_SECONDS: u64 = 24 * 3600;

/// The override reason when a trainee answers an item the machine did not check (manual-only
/// training, no MRZ read): the trainee's eye replaces "not checked".
pub const MACHINE_DID_NOT_CHECK: &str = "the machine did not check this item: the trainee's answer";

/// A whole exercise answers file, keyed by document number or image name.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct ExerciseAnswers {
    /// The entries, by key as written (a key given twice differently is refused).
    #[serde(deserialize_with = "unique_documents")]
    pub entries: BTreeMap<String, DocumentAnswers>,
}

/// One document's answers.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentAnswers {
    /// Item answers by item id, as written (see [`TraineeAnswer::from_json`]); checked one by one
    /// so that every bad one is reported.
    #[serde(default, deserialize_with = "unique_items")]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// The trainee's outcome.
    pub outcome: Outcome,
    /// Refusal grounds.
    #[serde(default)]
    pub refusal_reasons: Vec<RefusalReason>,
    /// Written justification.
    #[serde(default)]
    pub justification: Option<String>,
    /// Seconds spent on the document (0 when not given).
    #[serde(default)]
    pub seconds: Option<u64>,
}

fn unique_documents<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, DocumentAnswers>, D::Error> {
    deserialize_unique_map(deserializer, "document")
}

fn unique_items<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, serde_json::Value>, D::Error> {
    deserialize_unique_map(deserializer, "item")
}

/// One item answer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraineeAnswer {
    /// The answer.
    pub answer: Answer,
    /// Why the machine's answer is wrong (needed to change a machine answer).
    pub reason: Option<String>,
    /// The trainee's note.
    pub note: Option<String>,
}

/// What is wrong with one item answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemAnswerError {
    /// Text that is not an answer word.
    #[error("{text:?} is not an answer ({})", Answer::WORDS)]
    UnknownWord {
        /// The text.
        text: String,
    },
    /// Neither text nor an answer object.
    #[error("{json} is not an answer ({})", Answer::WORDS)]
    NotText {
        /// The value, as JSON.
        json: String,
    },
    /// An answer object with a field it does not have.
    #[error("unknown field {field:?} (answer, reason, note)")]
    UnknownField {
        /// The field.
        field: String,
    },
    /// An answer object without `answer`.
    #[error("an answer object needs \"answer\"")]
    MissingAnswer,
    /// `reason` or `note` that is not text.
    #[error("{field} must be text, not {json}")]
    FieldNotText {
        /// The field.
        field: &'static str,
        /// Its value, as JSON.
        json: String,
    },
}

impl TraineeAnswer {
    /// An item answer: a word ([`Answer::from_word`]) or `{"answer": WORD, "reason": TEXT,
    /// "note": TEXT}` (reason and note optional).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ItemAnswerError> {
        let word = |v: &serde_json::Value| match v.as_str() {
            Some(text) => Answer::from_word(text).ok_or_else(|| ItemAnswerError::UnknownWord { text: text.to_owned() }),
            None => Err(ItemAnswerError::NotText { json: v.to_string() }),
        };
        let serde_json::Value::Object(fields) = value else {
            return Ok(TraineeAnswer { answer: word(value)?, reason: None, note: None });
        };
        if let Some(unknown) = fields.keys().find(|k| !["answer", "reason", "note"].contains(&k.as_str())) {
            return Err(ItemAnswerError::UnknownField { field: unknown.clone() });
        }
        let text = |field: &'static str| match fields.get(field) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(ItemAnswerError::FieldNotText { field, json: other.to_string() }),
        };
        let answer = word(fields.get("answer").ok_or(ItemAnswerError::MissingAnswer)?)?;
        Ok(TraineeAnswer { answer, reason: text("reason")?, note: text("note")? })
    }
}

/// A problem of one document's answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentAnswerProblem {
    /// An item answer that does not read.
    #[error("item {item}: {problem}")]
    Item {
        /// The item id.
        item: String,
        /// What is wrong.
        problem: ItemAnswerError,
    },
    /// A rule of the inspection broken.
    #[error("{0}")]
    Rule(RuleViolation),
}

/// A problem of an exercise answers file against its pack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnswersProblem {
    /// A key that names no document of the pack.
    #[error("{name:?} is not a document of pack {pack} (numbers 1 to {count}, or the images {})", .images.join(", "))]
    NotADocument {
        /// The key as written.
        name: String,
        /// The pack id.
        pack: String,
        /// How many documents the pack has.
        count: usize,
        /// The pack's images.
        images: Vec<String>,
    },
    /// Two keys for one document.
    #[error("{name:?} and {earlier:?} are both document {document} ({image})")]
    SameDocument {
        /// The later key.
        name: String,
        /// The earlier key.
        earlier: String,
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
    },
    /// A document without answers.
    #[error("document {document} ({image}) has no answers")]
    NoAnswers {
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
    },
    /// More seconds than [`MAX_SECONDS`].
    #[error("{name:?}: seconds must be at most {}", MAX_SECONDS)]
    TooManySeconds {
        /// The key as written.
        name: String,
    },
    /// A problem of one document's answers.
    #[error("document {document} ({image}): {problem}")]
    Document {
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
        /// What is wrong.
        problem: DocumentAnswerProblem,
    },
}

impl ExerciseAnswers {
    /// Parses an exercise answers file.
    pub fn from_json(bytes: &[u8]) -> Result<Self, AnswersFileError> {
        parse_json(bytes)
    }

    /// The entries in the key's document order, one per document, or every problem: keys that
    /// name no document or the same one twice, documents without answers, too many seconds.
    pub fn match_key(self, key: &AnswerKey) -> Result<Vec<DocumentAnswers>, Vec<AnswersProblem>> {
        let count = key.documents.len();
        let image_of = |index: usize| key.documents.get(index).map_or("", |d| d.image.as_str()).to_owned();
        let mut problems = Vec::new();
        let mut slots: Vec<Option<(String, DocumentAnswers)>> = (0..count).map(|_| None).collect();
        for (name, answers) in self.entries {
            let index = match name.trim().parse::<usize>() {
                Ok(n) if (1..=count).contains(&n) => Some(n - 1),
                _ => key.documents.iter().position(|d| d.image == name),
            };
            let Some(index) = index else {
                let images = key.documents.iter().map(|d| d.image.clone()).collect();
                problems.push(AnswersProblem::NotADocument { name, pack: key.id.clone(), count, images });
                continue;
            };
            if let Some(slot) = slots.get_mut(index) {
                match slot {
                    Some((earlier, _)) => problems.push(AnswersProblem::SameDocument {
                        name,
                        earlier: earlier.clone(),
                        document: index + 1,
                        image: image_of(index),
                    }),
                    None => *slot = Some((name, answers)),
                }
            }
        }
        for (index, slot) in slots.iter().enumerate() {
            match slot {
                None => problems.push(AnswersProblem::NoAnswers { document: index + 1, image: image_of(index) }),
                Some((name, answers)) if answers.seconds.is_some_and(|s| s > MAX_SECONDS) => {
                    problems.push(AnswersProblem::TooManySeconds { name: name.clone() });
                }
                Some(_) => {}
            }
        }
        if problems.is_empty() { Ok(slots.into_iter().flatten().map(|(_, a)| a).collect()) } else { Err(problems) }
    }
}

impl DocumentAnswers {
    /// Seconds spent on the document (0 when not given).
    pub fn seconds_spent(&self) -> u64 {
        self.seconds.unwrap_or(0)
    }

    /// When the trainee started, for a decision at `decided_at`: the seconds spent before it.
    pub fn started_at(&self, decided_at: Timestamp) -> Timestamp {
        i64::try_from(self.seconds_spent())
            .ok()
            .and_then(|s| Timestamp::from_unix_seconds(decided_at.unix_seconds() - s))
            .unwrap_or(decided_at)
    }

    /// Applies the answers to `inspection` and decides at `decided_at`; every problem is
    /// returned, and the decision is tried only when the answers are all right.
    ///
    /// An answer that differs from the machine's is an override: it needs a reason, except where
    /// the machine could not check the item ([`MACHINE_DID_NOT_CHECK`] is then the reason).
    pub fn apply(&self, inspection: &mut Inspection, decided_at: Timestamp) -> Result<(), Vec<DocumentAnswerProblem>> {
        let mut problems = Vec::new();
        for (item, value) in &self.answers {
            let given = match TraineeAnswer::from_json(value) {
                Ok(given) => given,
                Err(problem) => {
                    problems.push(DocumentAnswerProblem::Item { item: item.clone(), problem });
                    continue;
                }
            };
            let machine = inspection.item(item).and_then(|i| i.machine.as_ref()).map(|m| m.answer);
            let applied = match machine {
                Some(machine) if machine != given.answer => {
                    let reason = given
                        .reason
                        .or_else(|| (machine == Answer::NotChecked).then(|| MACHINE_DID_NOT_CHECK.to_owned()));
                    inspection.override_answer(item, given.answer, reason.as_deref().unwrap_or(""), given.note)
                }
                _ => inspection.answer(item, given.answer, given.note),
            };
            if let Err(violation) = applied {
                problems.push(DocumentAnswerProblem::Rule(violation));
            }
        }
        if problems.is_empty() {
            let request = DecisionRequest {
                outcome: self.outcome,
                refusal_reasons: self.refusal_reasons.clone(),
                justification: self.justification.clone(),
            };
            if let Err(violations) = inspection.decide(request, decided_at) {
                problems.extend(violations.0.into_iter().map(DocumentAnswerProblem::Rule));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The attempt at document `index` (its image `image`): `inspection` (started at
    /// [`DocumentAnswers::started_at`]) with these answers applied, decided at `decided_at`; or
    /// every problem, naming the document.
    pub fn attempt(
        &self,
        index: usize,
        image: &str,
        mut inspection: Inspection,
        decided_at: Timestamp,
    ) -> Result<Attempt, Vec<AnswersProblem>> {
        match self.apply(&mut inspection, decided_at) {
            Ok(()) => Ok(Attempt { index, image: image.to_owned(), inspection, seconds: self.seconds_spent() }),
            Err(found) => Err(found
                .into_iter()
                .map(|problem| AnswersProblem::Document { document: index + 1, image: image.to_owned(), problem })
                .collect()),
        }
    }
}

#[cfg(test)]
mod tests;
