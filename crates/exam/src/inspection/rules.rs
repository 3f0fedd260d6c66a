//! The rules an inspection keeps, as typed violations. Each violation names the items involved and
//! explains itself in words (`Display`); `code()` is a stable key for scripts and tests.

use crate::manual::Level;

use super::Answer;
use super::outcome::{Outcome, RefusalReason};
use super::time::Timestamp;

fn join(items: &[String]) -> String {
    items.join(", ")
}

fn letters(reasons: &[RefusalReason]) -> String {
    reasons.iter().map(|r| r.letter().to_string()).collect::<Vec<_>>().join(", ")
}

fn level_words(level: Level) -> &'static str {
    match level {
        Level::First => "first",
        Level::Second => "second",
        Level::Third => "third",
    }
}

/// A rule an action (or a stored record) breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleViolation {
    /// An answer for an item id the manual does not have.
    #[error("item {item:?} is not in manual {manual:?}")]
    UnknownItem {
        /// The id given.
        item: String,
        /// The manual's id.
        manual: String,
    },
    /// An answer for an item above the inspection's level: such items are hidden (kept in the record,
    /// never asked).
    #[error(
        "item {item} is a {}-line check and this is a {}-line inspection: it is hidden and cannot be answered",
        level_words(*.item_level),
        level_words(*.inspection_level)
    )]
    HiddenItem {
        /// The item.
        item: String,
        /// Its level.
        item_level: Level,
        /// The inspection's level.
        inspection_level: Level,
    },
    /// A plain answer that differs from the machine's: that needs an override with a reason.
    #[error(
        "item {item} was answered \"{machine}\" by the machine check; to answer \"{given}\" instead, record an \
         override with a reason"
    )]
    MachineAnswered {
        /// The item.
        item: String,
        /// The machine's answer.
        machine: Answer,
        /// The answer given.
        given: Answer,
    },
    /// An override of an item that has no machine answer.
    #[error("item {item} has no machine answer to override; answer it directly")]
    NothingToOverride {
        /// The item.
        item: String,
    },
    /// An override without a reason.
    #[error("the override of item {item} needs a reason: why \"{given}\" replaces the machine's \"{machine}\"")]
    OverrideWithoutReason {
        /// The item.
        item: String,
        /// The machine's answer.
        machine: Answer,
        /// The officer's answer.
        given: Answer,
    },
    /// An override that repeats the machine's answer.
    #[error("the override of item {item} gives the machine's own answer (\"{machine}\"): there is nothing to override")]
    OverrideChangesNothing {
        /// The item.
        item: String,
        /// The machine's answer.
        machine: Answer,
    },
    /// Any change after the decision; in particular a second decision.
    #[error("the inspection is already decided ({outcome}); a decided inspection does not change")]
    AlreadyDecided {
        /// The decision taken.
        outcome: Outcome,
    },
    /// A refusal without a reason code.
    #[error("refusing entry needs at least one refusal reason code (A-I)")]
    RefusalWithoutReason,
    /// Refusal reason codes with an outcome that is neither a refusal nor a seizure.
    #[error("refusal reason code(s) {} belong to a refusal or a seizure, not to \"{outcome}\"", letters(.reasons))]
    ReasonsWithoutRefusal {
        /// The outcome.
        outcome: Outcome,
        /// The codes given.
        reasons: Vec<RefusalReason>,
    },
    /// Admit after a failed S1 item without a written justification.
    #[error(
        "critical (S1) item(s) {} failed: admitting the traveller needs a written justification",
        join(.items)
    )]
    AdmitWithoutJustification {
        /// The failed S1 items.
        items: Vec<String>,
    },
    /// A decision time before the start.
    #[error("the decision time {ended_at} is before the start of the inspection {started_at}")]
    EndedBeforeStart {
        /// Start.
        started_at: Timestamp,
        /// Decision.
        ended_at: Timestamp,
    },
    /// A stored record lists an item twice.
    #[error("item {item} appears more than once in the record")]
    DuplicateItem {
        /// The item.
        item: String,
    },
    /// A stored record has an answer, a machine result or an override for a hidden item.
    #[error("item {item} is hidden at this level but carries an answer")]
    HiddenItemAnswered {
        /// The item.
        item: String,
    },
    /// A stored record's answer disagrees with its machine result and no override explains it, or
    /// an override disagrees with the answers it records.
    #[error("item {item}: the answer, the machine result and the override do not agree")]
    UnexplainedAnswer {
        /// The item.
        item: String,
    },
    /// A stored record with a decision and no end time, or an end time and no decision.
    #[error("a record has an end time exactly when it has a decision")]
    EndWithoutDecision,
}

impl RuleViolation {
    /// Stable snake_case key.
    pub const fn code(&self) -> &'static str {
        match self {
            RuleViolation::UnknownItem { .. } => "unknown_item",
            RuleViolation::HiddenItem { .. } => "hidden_item",
            RuleViolation::MachineAnswered { .. } => "machine_answered",
            RuleViolation::NothingToOverride { .. } => "nothing_to_override",
            RuleViolation::OverrideWithoutReason { .. } => "override_without_reason",
            RuleViolation::OverrideChangesNothing { .. } => "override_changes_nothing",
            RuleViolation::AlreadyDecided { .. } => "already_decided",
            RuleViolation::RefusalWithoutReason => "refusal_without_reason",
            RuleViolation::ReasonsWithoutRefusal { .. } => "reasons_without_refusal",
            RuleViolation::AdmitWithoutJustification { .. } => "admit_without_justification",
            RuleViolation::EndedBeforeStart { .. } => "ended_before_start",
            RuleViolation::DuplicateItem { .. } => "duplicate_item",
            RuleViolation::HiddenItemAnswered { .. } => "hidden_item_answered",
            RuleViolation::UnexplainedAnswer { .. } => "unexplained_answer",
            RuleViolation::EndWithoutDecision => "end_without_decision",
        }
    }

    /// The item ids the violation concerns.
    pub fn items(&self) -> Vec<&str> {
        match self {
            RuleViolation::UnknownItem { item, .. }
            | RuleViolation::HiddenItem { item, .. }
            | RuleViolation::MachineAnswered { item, .. }
            | RuleViolation::NothingToOverride { item }
            | RuleViolation::OverrideWithoutReason { item, .. }
            | RuleViolation::OverrideChangesNothing { item, .. }
            | RuleViolation::DuplicateItem { item }
            | RuleViolation::HiddenItemAnswered { item }
            | RuleViolation::UnexplainedAnswer { item } => vec![item.as_str()],
            RuleViolation::AdmitWithoutJustification { items } => items.iter().map(String::as_str).collect(),
            RuleViolation::AlreadyDecided { .. }
            | RuleViolation::RefusalWithoutReason
            | RuleViolation::ReasonsWithoutRefusal { .. }
            | RuleViolation::EndedBeforeStart { .. }
            | RuleViolation::EndWithoutDecision => Vec::new(),
        }
    }
}

/// Several violations at once (a decision can break more than one rule).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Violations(pub Vec<RuleViolation>);
