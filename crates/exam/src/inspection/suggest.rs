//! The suggested outcome: a rule table over the failed items. It suggests; the officer decides.
//!
//! Rules, over the items whose current answer is `fail` (PEPM proposal 3.2, referral triggers):
//!
//! | rule (`rule` in JSON)  | when                                                              | suggests                  |
//! |------------------------|-------------------------------------------------------------------|---------------------------|
//! | `serious_failure`      | an S1 or S2 item failed that suggests more than admissibility     | `refer_second_line`       |
//! | `minor_failures`       | two or more S3 items failed                                       | `refer_second_line`       |
//! | `admissibility_only`   | S1/S2 items failed, each suggesting only `AD` (e.g. expired), and | `refuse`, reason `A`      |
//! |                        | neither rule above fired                                          |                           |
//! | `minor_failure_noted`  | exactly one S3 item failed                                        | nothing (noted)           |
//! | `indicators_noted`     | S4 items failed                                                   | nothing, ever (noted)     |
//! | `nothing_failed`       | no S1-S3 item failed                                              | `admit`                   |
//!
//! The first two rules outrank the third: an admissibility failure next to a suspicion of fraud is
//! referred, not refused, so the second line sees the document. An S1/S2 item whose
//! `failure_suggests` is empty counts as suggesting more than admissibility. S4 items (indicators)
//! must never be the sole basis for a decision, so they never change the suggestion. Every rule
//! that fired is listed with its item ids: the rule(s) that decided first, then the notes.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::outcome::{Outcome, RefusalReason};
use super::{Answer, ItemRecord};
use crate::manual::{FailureCode, Severity};

/// Which row of the rule table fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionRule {
    /// An S1/S2 failure suggesting more than admissibility: refer.
    SeriousFailure,
    /// Two or more S3 failures: refer.
    MinorFailures,
    /// Only admissibility (AD) S1/S2 failures: refuse on ground A.
    AdmissibilityOnly,
    /// One S3 failure: noted, no change.
    MinorFailureNoted,
    /// S4 failures: noted, never a change.
    IndicatorsNoted,
    /// No S1-S3 failure: admit.
    NothingFailed,
}

impl SuggestionRule {
    /// The stable JSON key.
    pub const fn key(self) -> &'static str {
        match self {
            SuggestionRule::SeriousFailure => "serious_failure",
            SuggestionRule::MinorFailures => "minor_failures",
            SuggestionRule::AdmissibilityOnly => "admissibility_only",
            SuggestionRule::MinorFailureNoted => "minor_failure_noted",
            SuggestionRule::IndicatorsNoted => "indicators_noted",
            SuggestionRule::NothingFailed => "nothing_failed",
        }
    }
}

/// One rule that fired, with the items that made it fire.
///
/// JSON: `{"rule": "serious_failure", "items": ["C02"], "explanation": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionReason {
    /// The rule.
    pub rule: SuggestionRule,
    /// Item ids, in manual order (empty for `nothing_failed`).
    pub items: Vec<String>,
    /// The rule applied to these items, in words.
    pub explanation: String,
}

/// A suggested outcome and why.
///
/// JSON: `{"outcome": "refer_second_line", "refusal_reasons": [], "reasons": [SuggestionReason...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    /// What the rules suggest.
    pub outcome: Outcome,
    /// Refusal grounds when the suggestion is a refusal.
    pub refusal_reasons: Vec<RefusalReason>,
    /// Every rule that fired: the deciding rule(s) first, then the notes.
    pub reasons: Vec<SuggestionReason>,
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.outcome)?;
        if !self.refusal_reasons.is_empty() {
            let letters: Vec<String> = self.refusal_reasons.iter().map(|r| r.letter().to_string()).collect();
            write!(f, " (reason {})", letters.join(", "))?;
        }
        Ok(())
    }
}

/// Whether a failure of this item points only at admissibility (expired, no visa...), not fraud.
fn admissibility_only(item: &ItemRecord) -> bool {
    !item.failure_suggests.is_empty() && item.failure_suggests.iter().all(|c| *c == FailureCode::AD)
}

fn ids(items: &[&ItemRecord]) -> Vec<String> {
    items.iter().map(|i| i.id.clone()).collect()
}

fn reason(rule: SuggestionRule, items: &[&ItemRecord], explanation: String) -> SuggestionReason {
    SuggestionReason { rule, items: ids(items), explanation }
}

/// Applies the rule table (module docs) to the items' current answers.
pub fn suggest(items: &[ItemRecord]) -> Suggestion {
    let failed = |severity: Severity| -> Vec<&ItemRecord> {
        items.iter().filter(|i| i.answer == Answer::Fail && i.severity == severity).collect()
    };
    let (s3, s4) = (failed(Severity::S3), failed(Severity::S4));
    let serious: Vec<&ItemRecord> = items
        .iter()
        .filter(|i| i.answer == Answer::Fail && matches!(i.severity, Severity::S1 | Severity::S2))
        .collect();
    let (admissibility, fraud): (Vec<&ItemRecord>, Vec<&ItemRecord>) =
        serious.iter().partition(|i| admissibility_only(i));

    let mut reasons = Vec::new();
    if !fraud.is_empty() {
        let list: Vec<String> = fraud.iter().map(|i| format!("{} ({:?})", i.id, i.severity)).collect();
        reasons.push(reason(
            SuggestionRule::SeriousFailure,
            &fraud,
            format!(
                "critical or major item(s) failed, pointing to more than admissibility: {}; \
                 the second line examines the document",
                list.join(", ")
            ),
        ));
    }
    if s3.len() >= 2 {
        let list = ids(&s3).join(", ");
        reasons.push(reason(
            SuggestionRule::MinorFailures,
            &s3,
            format!("{} minor (S3) items failed ({list}); two or more call for the second line", s3.len()),
        ));
    }
    let refer = !reasons.is_empty();
    if !admissibility.is_empty() {
        let list = ids(&admissibility).join(", ");
        let explanation = if refer {
            format!(
                "admissibility item(s) failed ({list}), which alone would mean refusal on ground A; \
                 the doubts above go first"
            )
        } else {
            format!(
                "only admissibility item(s) failed ({list}: e.g. expired), no sign of fraud; refuse on ground A \
                 ({})",
                RefusalReason::A.describe()
            )
        };
        reasons.push(reason(SuggestionRule::AdmissibilityOnly, &admissibility, explanation));
    }
    if s3.len() == 1 {
        let list = ids(&s3).join(", ");
        reasons.push(reason(
            SuggestionRule::MinorFailureNoted,
            &s3,
            format!("one minor (S3) item failed ({list}): noted; alone it does not change the suggestion"),
        ));
    }
    if !s4.is_empty() {
        let list = ids(&s4).join(", ");
        reasons.push(reason(
            SuggestionRule::IndicatorsNoted,
            &s4,
            format!("indicator(s) (S4) failed ({list}): noted; indicators are never the sole basis for a decision"),
        ));
    }
    let (outcome, refusal_reasons) = if refer {
        (Outcome::ReferSecondLine, Vec::new())
    } else if !admissibility.is_empty() {
        (Outcome::Refuse, vec![RefusalReason::A])
    } else {
        reasons.insert(
            0,
            SuggestionReason {
                rule: SuggestionRule::NothingFailed,
                items: Vec::new(),
                explanation: "no critical, major or repeated minor failure: admit".to_owned(),
            },
        );
        (Outcome::Admit, Vec::new())
    };
    Suggestion { outcome, refusal_reasons, reasons }
}
