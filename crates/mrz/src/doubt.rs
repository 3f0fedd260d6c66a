//! Characters of a machine reading that no evidence confirms.
//!
//! The MRZ engine checks text; a scanner that read the text from an image also knows where its
//! readers were unsure. A reading with any doubtful character is never valid: its verdict is
//! [`super::Verdict::NeedsReview`] and the doubtful characters are listed with what else they may
//! be ([`super::report::MrzReport::with_doubts`]).

use serde::Serialize;

use super::layout::Span;

/// Why a character is doubtful.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum DoubtReason {
    /// Tesseract and the glyph matcher read different characters.
    ReadersDisagree {
        /// Tesseract's reading.
        ocr: char,
        /// The matcher's reading.
        glyph: char,
    },
    /// The readers agree, but not both with high confidence.
    LowConfidence,
    /// Correction changed OCR's reading here and no check digit confirms it.
    Corrected {
        /// What OCR read.
        ocr: char,
    },
    /// Another reading of this character passes every check digit as well (a blind spot of the
    /// check digits, or two doubtful characters that make up for each other).
    ChecksCannotTell,
    /// The issuing state or nationality is not a code in the ICAO table.
    UnknownCountryCode {
        /// The code read.
        code: String,
    },
}

/// A character of the reading that no evidence confirms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doubt {
    /// Where (one character).
    pub at: Span,
    /// The field it belongs to.
    pub field: Option<&'static str>,
    /// What the reading holds.
    pub read: char,
    /// What else it may be, likeliest first.
    pub candidates: Vec<char>,
    /// Why it is doubtful.
    #[serde(flatten)]
    pub reason: DoubtReason,
    /// In words.
    pub explanation: String,
}

impl Doubt {
    /// Where and what, for a list in words: `L1 8 'G'`.
    pub fn place(&self) -> String {
        format!("{} {:?}", self.at.human(), self.read)
    }
}
