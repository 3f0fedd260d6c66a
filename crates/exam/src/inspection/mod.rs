//! Inspections: one examination of one document against one manual, its answers, the rules that
//! hold between them, and the suggested and decided outcome. UI-free: no I/O, no clock (times come
//! in as [`Timestamp`]s from the shell), no UI types.
//!
//! An [`Inspection`] is started from a [`Manual`] and what was read of the MRZ ([`MrzInput`]):
//! items with an automation hook get a machine answer at once ([`automation`]); items above the
//! inspection's level are hidden (kept in the record, never asked). The officer answers the rest
//! ([`Inspection::answer`]), may override a machine answer with a reason
//! ([`Inspection::override_answer`]), reads the suggestion ([`Inspection::suggest_outcome`],
//! [`suggest`]) and decides once ([`Inspection::decide`]). Every rule broken is a typed
//! [`RuleViolation`] that names its items and explains itself.
//!
//! # The record (JSON)
//!
//! `serde_json::to_string(&inspection)` gives the record the audit log stores and the GUI shows.
//! Keys are only ever added, never renamed (`record_version` changes if that ever has to break);
//! every key is always present (`null` when empty), in this order:
//!
//! ```json
//! {
//!   "record_version": 1,
//!   "app_version": "0.1.0",
//!   "manual": {"id": "first-line-quick", "version": "1.0.0", "language": "en", "content_hash": "<sha256 hex>"},
//!   "level": "first",
//!   "officer": "off-042",
//!   "station": "FRA-T1-desk3",
//!   "started_at": "2026-11-23T09:41:07Z",
//!   "ended_at": "2026-11-23T09:42:55Z",
//!   "source": {"kind": "image", "path": "scan.png", "sha256": "<sha256 hex of the file's bytes>"},
//!   "mrz": {"status": "read", "report": { <the MrzReport, as `docexam mrz --json` prints it> }},
//!   "items": [
//!     {"id": "C02", "section": "C", "level": "first", "severity": "S1", "failure_suggests": ["FG-DA", "CF", "OCR"],
//!      "automation": "mrz.check_digits", "visible": true, "answer": "fail", "answered_by": "machine",
//!      "note": null, "machine": { <MachineResult> }, "override": null}
//!   ],
//!   "decision": {"outcome": "refer_second_line", "refusal_reasons": [], "justification": null,
//!                "suggested": { <Suggestion> }}
//! }
//! ```
//!
//! - Times are UTC, RFC 3339 with a `Z`, to the second ([`Timestamp`]). `ended_at` is the time
//!   of the decision, `null` while undecided.
//! - `officer`, `station`: the ids given, or `null`.
//! - `source.kind`: `"image"` (with `path` and `sha256`) or `"text"` (MRZ typed or pasted).
//! - `mrz.status`: `"read"` (with `report`, which may itself say `"verdict": "unreadable"`),
//!   `"not_found"` (an image with no MRZ; `reason`) or `"not_read"` (`reason`). The report holds
//!   personal data (names, dates of birth, document number): whoever stores the record decides
//!   what to keep of it.
//! - `items`: every item of the manual, in manual order, hidden ones included. `level`, `severity`,
//!   `failure_suggests` and `automation` are copied from the manual so the record stands alone.
//!   `visible`: asked at this inspection's level. `answer`: `"pass"`, `"fail"`, `"not_applicable"`,
//!   `"not_checked"` (the current answer, the officer's when overridden). `answered_by`:
//!   `"machine"`, `"officer"` or `null` (not answered). `machine`: the [`MachineResult`] of the
//!   item's hook (kept when overridden), or `null`. `override`: `{"machine": <answer>,
//!   "officer": <answer>, "reason": "..."}` or `null`.
//! - `decision`: see [`Decision`]; `null` while undecided.

pub mod answers;
pub mod automation;
pub mod outcome;
pub mod rules;
pub mod suggest;
pub mod time;

use std::fmt;

use crate::digest::sha256_hex;
use serde::{Deserialize, Serialize};

pub use automation::MachineResult;
pub use outcome::{Decision, DecisionRequest, Outcome, RefusalReason};
pub use rules::{RuleViolation, Violations};
pub use suggest::{Suggestion, SuggestionReason, SuggestionRule};
pub use time::Timestamp;

use crate::manual::{AutomationHook, FailureCode, Level, Manual, Severity};
use docexam_mrz::report::MrzReport;

/// Longest text accepted in an id field (officer, station, manual id, trainee).
pub const MAX_ID_CHARS: usize = 128;
/// Longest free text accepted (notes, reasons, justifications).
pub const MAX_TEXT_CHARS: usize = 4000;

/// The version of the record's JSON shape.
pub const RECORD_VERSION: u32 = 1;

/// An officer's (or a machine's) answer to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Looks right.
    Pass,
    /// Looks wrong.
    Fail,
    /// Does not apply to this document.
    NotApplicable,
    /// Not examined (skipped, hidden, or a machine check that could not run).
    NotChecked,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Answer::Pass => "pass",
            Answer::Fail => "fail",
            Answer::NotApplicable => "not applicable",
            Answer::NotChecked => "not checked",
        })
    }
}

impl Answer {
    /// The answer words, as help texts and error messages list them (each has short forms too,
    /// see [`Answer::from_word`]).
    pub const WORDS: &'static str = "pass, fail, n/a or not_checked";

    /// The answer a person typed, in any case: `pass`/`p`, `fail`/`f`,
    /// `n/a`/`na`/`n`/`not_applicable`, `not_checked`/`skip`/`s`. One vocabulary for the prompts
    /// and the answers files of every shell; `None` for anything else.
    pub fn from_word(word: &str) -> Option<Answer> {
        match word.to_ascii_lowercase().as_str() {
            "pass" | "p" => Some(Answer::Pass),
            "fail" | "f" => Some(Answer::Fail),
            "n/a" | "na" | "n" | "not_applicable" => Some(Answer::NotApplicable),
            "not_checked" | "skip" | "s" => Some(Answer::NotChecked),
            _ => None,
        }
    }
}

/// Who gave an item's current answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    /// The item's automation hook.
    Machine,
    /// The officer (directly or by overriding the machine).
    Officer,
}

/// The manual an inspection followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualRef {
    /// Manual id.
    pub id: String,
    /// Content version.
    pub version: String,
    /// Language of the text the officer read.
    pub language: String,
    /// SHA-256 of the manual file's content, as the manual loader gives it.
    pub content_hash: String,
}

/// Where the document's MRZ came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DocumentSource {
    /// An image file.
    Image {
        /// The path as given.
        path: String,
        /// SHA-256 of the file's bytes, lower-case hex.
        sha256: String,
    },
    /// Text typed or pasted by the officer (or given on the command line).
    Text,
}

impl DocumentSource {
    /// An image source: the path and the hash of its bytes.
    pub fn image(path: impl Into<String>, bytes: &[u8]) -> Self {
        DocumentSource::Image { path: path.into(), sha256: sha256_hex(bytes) }
    }
}

/// What was read of the MRZ, as given to [`Inspection::start`].
#[derive(Debug, Clone, Copy)]
pub enum MrzInput<'a> {
    /// The checked MRZ (or text that fits no format: a report with verdict unreadable).
    Report(&'a MrzReport),
    /// An image was scanned and holds no MRZ that could be read.
    NotFound {
        /// Why, in words.
        reason: &'a str,
    },
    /// No MRZ was read (no reader, the officer skipped it...).
    NotRead {
        /// Why, in words.
        reason: &'a str,
    },
}

/// The MRZ evidence in the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum MrzEvidence {
    /// The MRZ report (the JSON of [`MrzReport`], kept as JSON so the record reads back).
    Read {
        /// The report.
        report: serde_json::Value,
    },
    /// No MRZ found in the image.
    NotFound {
        /// Why.
        reason: String,
    },
    /// No MRZ read.
    NotRead {
        /// Why.
        reason: String,
    },
}

/// An officer's override of a machine answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The machine's answer (also kept in the item's `machine`).
    pub machine: Answer,
    /// The officer's answer (the item's current answer).
    pub officer: Answer,
    /// Why the officer's answer replaces the machine's (never blank).
    pub reason: String,
}

/// One item of the manual in the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRecord {
    /// Item id.
    pub id: String,
    /// Section id.
    pub section: String,
    /// The lowest level at which the item is done.
    pub level: Level,
    /// Severity of a failure.
    pub severity: Severity,
    /// What a failure suggests.
    pub failure_suggests: Vec<FailureCode>,
    /// The machine check, if any.
    pub automation: Option<AutomationHook>,
    /// Asked at this inspection's level (`false`: hidden, never answered).
    pub visible: bool,
    /// The current answer.
    pub answer: Answer,
    /// Who gave it; `None` while unanswered.
    pub answered_by: Option<AnsweredBy>,
    /// The officer's note.
    pub note: Option<String>,
    /// The machine answer, kept when overridden.
    pub machine: Option<MachineResult>,
    /// The officer's override of the machine answer.
    #[serde(rename = "override")]
    pub override_: Option<Override>,
}

/// How an inspection starts: who, where, when, at which level, from what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// Examination level (items above it are hidden).
    pub level: Level,
    /// Officer id.
    pub officer: Option<String>,
    /// Station (border crossing point, desk) id.
    pub station: Option<String>,
    /// When the inspection started (UTC, from the shell's clock).
    pub started_at: Timestamp,
    /// Where the MRZ came from.
    pub source: DocumentSource,
}

/// Why an inspection could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The manual lists an item id twice (the manual loader refuses such files).
    #[error("manual {manual:?} lists item {item} more than once")]
    DuplicateItem {
        /// Manual id.
        manual: String,
        /// The item.
        item: String,
    },
    /// The MRZ report could not be turned into JSON.
    #[error("the MRZ report cannot be recorded: {0}")]
    Report(#[from] serde_json::Error),
}

/// One inspection: the record and the operations that keep its rules. See the module docs for
/// the JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    record_version: u32,
    app_version: String,
    manual: ManualRef,
    level: Level,
    officer: Option<String>,
    station: Option<String>,
    started_at: Timestamp,
    ended_at: Option<Timestamp>,
    source: DocumentSource,
    mrz: MrzEvidence,
    items: Vec<ItemRecord>,
    decision: Option<Decision>,
}

/// Trimmed text, `None` when blank.
fn non_blank(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl Inspection {
    /// Starts an inspection of the document whose MRZ reading is `mrz`, against `manual` (whose
    /// file hashes to `content_hash`). Visible items with an automation hook are answered by the
    /// machine at once.
    pub fn start(manual: &Manual, content_hash: &str, setup: Setup, mrz: MrzInput<'_>) -> Result<Self, StartError> {
        let mut items: Vec<ItemRecord> = Vec::new();
        for section in &manual.sections {
            for item in &section.items {
                if items.iter().any(|i| i.id == item.id) {
                    return Err(StartError::DuplicateItem { manual: manual.id.clone(), item: item.id.clone() });
                }
                let visible = item.level <= setup.level;
                let machine = item.automation.filter(|_| visible).map(|hook| automation::evaluate(hook, &mrz));
                items.push(ItemRecord {
                    id: item.id.clone(),
                    section: section.id.clone(),
                    level: item.level,
                    severity: item.severity,
                    failure_suggests: item.failure_suggests.clone(),
                    automation: item.automation,
                    visible,
                    answer: machine.as_ref().map_or(Answer::NotChecked, |m| m.answer),
                    answered_by: machine.as_ref().map(|_| AnsweredBy::Machine),
                    note: None,
                    machine,
                    override_: None,
                });
            }
        }
        let mrz = match mrz {
            MrzInput::Report(report) => MrzEvidence::Read { report: serde_json::to_value(report)? },
            MrzInput::NotFound { reason } => MrzEvidence::NotFound { reason: reason.to_owned() },
            MrzInput::NotRead { reason } => MrzEvidence::NotRead { reason: reason.to_owned() },
        };
        Ok(Self {
            record_version: RECORD_VERSION,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            manual: ManualRef {
                id: manual.id.clone(),
                version: manual.version.clone(),
                language: manual.language.clone(),
                content_hash: content_hash.to_owned(),
            },
            level: setup.level,
            officer: non_blank(setup.officer),
            station: non_blank(setup.station),
            started_at: setup.started_at,
            ended_at: None,
            source: setup.source,
            mrz,
            items,
            decision: None,
        })
    }

    /// The record format version.
    pub fn record_version(&self) -> u32 {
        self.record_version
    }

    /// The docexam version that made the record.
    pub fn app_version(&self) -> &str {
        &self.app_version
    }

    /// The manual followed.
    pub fn manual(&self) -> &ManualRef {
        &self.manual
    }

    /// The examination level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Officer id.
    pub fn officer(&self) -> Option<&str> {
        self.officer.as_deref()
    }

    /// Station id.
    pub fn station(&self) -> Option<&str> {
        self.station.as_deref()
    }

    /// Start time.
    pub fn started_at(&self) -> Timestamp {
        self.started_at
    }

    /// Decision time.
    pub fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }

    /// Where the MRZ came from.
    pub fn source(&self) -> &DocumentSource {
        &self.source
    }

    /// The MRZ evidence.
    pub fn mrz(&self) -> &MrzEvidence {
        &self.mrz
    }

    /// Every item, in manual order, hidden ones included.
    pub fn items(&self) -> &[ItemRecord] {
        &self.items
    }

    /// One item.
    pub fn item(&self, id: &str) -> Option<&ItemRecord> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items asked at this level, in manual order.
    pub fn visible_items(&self) -> impl Iterator<Item = &ItemRecord> {
        self.items.iter().filter(|i| i.visible)
    }

    /// Visible items nobody has answered yet: what the officer still has to do.
    pub fn unanswered(&self) -> impl Iterator<Item = &ItemRecord> {
        self.visible_items().filter(|i| i.answered_by.is_none())
    }

    /// The decision, once taken.
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    /// The visible item `id`, open for answers.
    fn open_item(&mut self, id: &str) -> Result<&mut ItemRecord, RuleViolation> {
        if let Some(decision) = &self.decision {
            return Err(RuleViolation::AlreadyDecided { outcome: decision.outcome });
        }
        let (manual, level) = (&self.manual.id, self.level);
        let item = self
            .items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| RuleViolation::UnknownItem { item: id.to_owned(), manual: manual.clone() })?;
        if !item.visible {
            return Err(RuleViolation::HiddenItem {
                item: item.id.clone(),
                item_level: item.level,
                inspection_level: level,
            });
        }
        Ok(item)
    }

    /// The officer's answer to item `id`, with an optional note (a blank note is none). An item the
    /// machine answered takes only the machine's answer (to add a note, or to withdraw an override);
    /// anything else is an override with a reason, never a silent change. Answering again replaces
    /// the earlier answer.
    pub fn answer(&mut self, id: &str, answer: Answer, note: Option<String>) -> Result<(), RuleViolation> {
        let item = self.open_item(id)?;
        if let Some(machine) = &item.machine {
            if machine.answer != answer {
                return Err(RuleViolation::MachineAnswered {
                    item: item.id.clone(),
                    machine: machine.answer,
                    given: answer,
                });
            }
            // The machine's own answer confirms it, and withdraws an earlier override.
            item.override_ = None;
            item.answered_by = Some(AnsweredBy::Machine);
        } else {
            item.answered_by = Some(AnsweredBy::Officer);
        }
        item.answer = answer;
        item.note = non_blank(note).or(item.note.take());
        Ok(())
    }

    /// The officer's override of item `id`'s machine answer. The machine answer is kept; `reason`
    /// (required) says why the officer's answer replaces it.
    pub fn override_answer(
        &mut self,
        id: &str,
        answer: Answer,
        reason: &str,
        note: Option<String>,
    ) -> Result<(), RuleViolation> {
        let item = self.open_item(id)?;
        let Some(machine) = &item.machine else {
            return Err(RuleViolation::NothingToOverride { item: item.id.clone() });
        };
        let machine = machine.answer;
        if machine == answer {
            return Err(RuleViolation::OverrideChangesNothing { item: item.id.clone(), machine });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RuleViolation::OverrideWithoutReason { item: item.id.clone(), machine, given: answer });
        }
        item.override_ = Some(Override { machine, officer: answer, reason: reason.to_owned() });
        item.answer = answer;
        item.answered_by = Some(AnsweredBy::Officer);
        item.note = non_blank(note).or(item.note.take());
        Ok(())
    }

    /// What the answers suggest (see [`suggest`] for the rule table). Never decides.
    pub fn suggest_outcome(&self) -> Suggestion {
        suggest::suggest(&self.items)
    }

    /// The failed S1 items, in manual order.
    fn failed_critical(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| i.answer == Answer::Fail && i.severity == Severity::S1)
            .map(|i| i.id.clone())
            .collect()
    }

    /// The rules a decision must keep, given the current answers.
    fn decision_violations(
        &self,
        outcome: Outcome,
        reasons: &[RefusalReason],
        justification: Option<&str>,
        ended_at: Timestamp,
    ) -> Vec<RuleViolation> {
        let mut found = Vec::new();
        if outcome == Outcome::Refuse && reasons.is_empty() {
            found.push(RuleViolation::RefusalWithoutReason);
        }
        if !outcome.takes_refusal_reasons() && !reasons.is_empty() {
            found.push(RuleViolation::ReasonsWithoutRefusal { outcome, reasons: reasons.to_vec() });
        }
        let critical = self.failed_critical();
        if outcome == Outcome::Admit && !critical.is_empty() && justification.is_none_or(|j| j.trim().is_empty()) {
            found.push(RuleViolation::AdmitWithoutJustification { items: critical });
        }
        if ended_at < self.started_at {
            found.push(RuleViolation::EndedBeforeStart { started_at: self.started_at, ended_at });
        }
        found
    }

    /// The officer's decision, at `now`. Records the suggestion shown and ends the inspection. All
    /// the rules the request breaks are returned together; nothing changes then.
    pub fn decide(&mut self, request: DecisionRequest, now: Timestamp) -> Result<&Decision, Violations> {
        if let Some(decision) = &self.decision {
            return Err(Violations(vec![RuleViolation::AlreadyDecided { outcome: decision.outcome }]));
        }
        let mut reasons = request.refusal_reasons;
        reasons.sort_unstable();
        reasons.dedup();
        let justification = non_blank(request.justification);
        let found = self.decision_violations(request.outcome, &reasons, justification.as_deref(), now);
        if !found.is_empty() {
            return Err(Violations(found));
        }
        self.ended_at = Some(now);
        let suggested = self.suggest_outcome();
        Ok(self.decision.insert(Decision {
            outcome: request.outcome,
            refusal_reasons: reasons,
            justification,
            suggested,
        }))
    }

    /// Every rule a record breaks: for records read back (the audit log, `--json` input), whose
    /// fields did not come through the methods above. Empty for any record those methods built.
    pub fn violations(&self) -> Vec<RuleViolation> {
        let mut found = Vec::new();
        for (n, item) in self.items.iter().enumerate() {
            let id = || item.id.clone();
            if self.items.iter().take(n).any(|earlier| earlier.id == item.id) {
                found.push(RuleViolation::DuplicateItem { item: id() });
            }
            if !item.visible {
                let answered = item.answer != Answer::NotChecked
                    || item.answered_by.is_some()
                    || item.machine.is_some()
                    || item.override_.is_some();
                if answered {
                    found.push(RuleViolation::HiddenItemAnswered { item: id() });
                }
                continue;
            }
            let consistent = match (&item.machine, &item.override_, item.answered_by) {
                (_, Some(o), _) if o.reason.trim().is_empty() => {
                    found.push(RuleViolation::OverrideWithoutReason {
                        item: id(),
                        machine: o.machine,
                        given: o.officer,
                    });
                    true
                }
                (Some(m), Some(o), Some(AnsweredBy::Officer)) => {
                    o.machine == m.answer && o.officer == item.answer && o.officer != o.machine
                }
                (Some(m), None, Some(AnsweredBy::Machine)) => m.answer == item.answer,
                (None, None, Some(AnsweredBy::Officer)) => true,
                (None, None, None) => item.answer == Answer::NotChecked,
                _ => false,
            };
            if !consistent {
                found.push(RuleViolation::UnexplainedAnswer { item: id() });
            }
        }
        match (&self.decision, self.ended_at) {
            (Some(d), Some(ended_at)) => found.extend(self.decision_violations(
                d.outcome,
                &d.refusal_reasons,
                d.justification.as_deref(),
                ended_at,
            )),
            (None, None) => {}
            _ => found.push(RuleViolation::EndWithoutDecision),
        }
        found
    }
}

#[cfg(test)]
mod tests;
