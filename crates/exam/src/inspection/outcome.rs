//! Outcomes of an inspection and the refusal-reason code table.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::suggest::Suggestion;

/// What the officer decided (PEPM proposal 4.1, reduced to what a first- or second-line desk decides).
///
/// JSON: `"admit"`, `"refer_second_line"`, `"refuse"`, `"seize"`, `"send_to_laboratory"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Entry conditions met, no open doubt about the document.
    Admit,
    /// Doubts the first line cannot settle: the document and traveller go to the second line.
    ReferSecondLine,
    /// Entry refused; needs at least one [`RefusalReason`].
    Refuse,
    /// The document is false, forged, stolen or evidence, and is kept.
    Seize,
    /// Inconclusive at second line: the document goes to the forensic laboratory.
    SendToLaboratory,
}

impl Outcome {
    /// Every outcome, in the order shells offer them.
    pub const ALL: [Outcome; 5] =
        [Outcome::Admit, Outcome::ReferSecondLine, Outcome::Refuse, Outcome::Seize, Outcome::SendToLaboratory];

    /// The stable JSON key (`"refer_second_line"`).
    pub const fn key(self) -> &'static str {
        match self {
            Outcome::Admit => "admit",
            Outcome::ReferSecondLine => "refer_second_line",
            Outcome::Refuse => "refuse",
            Outcome::Seize => "seize",
            Outcome::SendToLaboratory => "send_to_laboratory",
        }
    }

    /// Whether refusal reason codes may accompany this outcome: a refusal needs them, and a
    /// seizure usually comes with a refusal on ground B, so it may carry them too.
    pub const fn takes_refusal_reasons(self) -> bool {
        matches!(self, Outcome::Refuse | Outcome::Seize)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Admit => "admit",
            Outcome::ReferSecondLine => "refer to second line",
            Outcome::Refuse => "refuse entry",
            Outcome::Seize => "seize the document",
            Outcome::SendToLaboratory => "send to the laboratory",
        })
    }
}

/// Grounds for refusing entry: the letters of the standard refusal form, Schengen Borders Code
/// (Regulation (EU) 2016/399) Annex V part B. A jurisdiction profile may map its own grounds onto
/// these; the letter is what is recorded.
///
/// | code | ground |
/// |---|---|
/// | `A` | no valid travel document(s) |
/// | `B` | false, counterfeit or forged travel document |
/// | `C` | no valid visa or residence permit |
/// | `D` | false, counterfeit or forged visa or residence permit |
/// | `E` | no appropriate documentation justifying the purpose and conditions of stay |
/// | `F` | has already stayed 90 days during the current 180-day period |
/// | `G` | not sufficient means of subsistence |
/// | `H` | an alert has been issued for the purposes of refusing entry (SIS or national register) |
/// | `I` | considered a threat to public policy, internal security, public health or international relations |
///
/// JSON: the letter, `"A"` to `"I"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RefusalReason {
    /// No valid travel document.
    A,
    /// False, counterfeit or forged travel document.
    B,
    /// No valid visa or residence permit.
    C,
    /// False, counterfeit or forged visa or residence permit.
    D,
    /// No documentation justifying the purpose and conditions of stay.
    E,
    /// Already stayed 90 days in the current 180-day period.
    F,
    /// Insufficient means of subsistence.
    G,
    /// Alert for refusal of entry (SIS or national).
    H,
    /// Threat to public policy, internal security, public health or international relations.
    I,
}

impl RefusalReason {
    /// The whole table, in letter order.
    pub const ALL: [RefusalReason; 9] = [
        RefusalReason::A,
        RefusalReason::B,
        RefusalReason::C,
        RefusalReason::D,
        RefusalReason::E,
        RefusalReason::F,
        RefusalReason::G,
        RefusalReason::H,
        RefusalReason::I,
    ];

    /// The letter.
    pub const fn letter(self) -> char {
        match self {
            RefusalReason::A => 'A',
            RefusalReason::B => 'B',
            RefusalReason::C => 'C',
            RefusalReason::D => 'D',
            RefusalReason::E => 'E',
            RefusalReason::F => 'F',
            RefusalReason::G => 'G',
            RefusalReason::H => 'H',
            RefusalReason::I => 'I',
        }
    }

    /// The reason for a letter (either case).
    pub fn from_letter(letter: char) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.letter() == letter.to_ascii_uppercase())
    }

    /// The ground in words.
    pub const fn describe(self) -> &'static str {
        match self {
            RefusalReason::A => "no valid travel document",
            RefusalReason::B => "false, counterfeit or forged travel document",
            RefusalReason::C => "no valid visa or residence permit",
            RefusalReason::D => "false, counterfeit or forged visa or residence permit",
            RefusalReason::E => "no documentation justifying the purpose and conditions of stay",
            RefusalReason::F => "already stayed 90 days in the current 180-day period",
            RefusalReason::G => "insufficient means of subsistence",
            RefusalReason::H => "alert issued for refusal of entry",
            RefusalReason::I => "threat to public policy, internal security, public health or international relations",
        }
    }
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.letter(), self.describe())
    }
}

/// What the officer asks for when deciding (the input of `Inspection::decide`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The outcome.
    pub outcome: Outcome,
    /// Refusal grounds; required for [`Outcome::Refuse`], allowed with [`Outcome::Seize`].
    #[serde(default)]
    pub refusal_reasons: Vec<RefusalReason>,
    /// Written justification; required to admit after a failed S1 item.
    #[serde(default)]
    pub justification: Option<String>,
}

/// The recorded decision.
///
/// JSON:
/// ```json
/// {
///   "outcome": "refuse",
///   "refusal_reasons": ["A"],
///   "justification": null,
///   "suggested": { "outcome": "refuse", "refusal_reasons": ["A"], "reasons": [ ... ] }
/// }
/// ```
/// `refusal_reasons` is sorted and without repeats; `justification` is `null` or non-blank text;
/// `suggested` is what [`super::Inspection::suggest_outcome`] said when the officer decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The outcome.
    pub outcome: Outcome,
    /// Refusal grounds (sorted, no repeats).
    pub refusal_reasons: Vec<RefusalReason>,
    /// The officer's justification.
    pub justification: Option<String>,
    /// The suggestion shown when the officer decided.
    pub suggested: Suggestion,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_round_trip_and_serialise_as_letters() {
        for reason in RefusalReason::ALL {
            assert_eq!(RefusalReason::from_letter(reason.letter()), Some(reason));
            assert_eq!(RefusalReason::from_letter(reason.letter().to_ascii_lowercase()), Some(reason));
            let json = serde_json::to_string(&reason).expect("serialise");
            assert_eq!(json, format!("\"{}\"", reason.letter()));
        }
        assert_eq!(RefusalReason::from_letter('J'), None);
        assert!(serde_json::from_str::<RefusalReason>("\"J\"").is_err());
    }

    #[test]
    fn outcome_keys_are_the_json_names() {
        for outcome in Outcome::ALL {
            assert_eq!(serde_json::to_string(&outcome).expect("serialise"), format!("\"{}\"", outcome.key()));
        }
    }
}
