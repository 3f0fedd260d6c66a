//! The MRZ engine: reads machine-readable-zone text into checked, typed, explained fields.
//!
//! Checking happens in stages, one type per stage, so a later stage cannot be handed the output of
//! an earlier one by mistake:
//!
//! 1. [`RawMrz::from_text`]: normalised lines (case, spaces and a single run-on line are fixed with
//!    a finding, never silently). Fails only when the text cannot be an MRZ (empty, too many lines,
//!    lines too long).
//! 2. [`RawMrz::parse`] → [`ParsedMrz`]: the format is known, every field has its place, long
//!    document numbers are reassembled, character classes are checked. Fails when no format fits.
//! 3. [`ParsedMrz::check`] → [`CheckedMrz`]: every check digit evaluated, fields decoded under an
//!    explicit [`DatePolicy`], every finding with its place and reason, and a [`Verdict`].
//!
//! Invariant: a [`CheckedMrz`] whose printed check digits disagree with the computed ones is never
//! [`Verdict::Valid`]. Nothing here "corrects" a check digit; OCR correction lives in [`correct`]
//! and reports every substitution it makes.
//!
//! ```
//! use docexam_mrz::{self as mrz, dates::{CalendarDate, DatePolicy}};
//! let policy = DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 });
//! let checked = mrz::check_text(
//!     "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
//!     &policy,
//! ).unwrap();
//! assert!(checked.is_valid());
//! assert_eq!(checked.document_number(), "L898902C3");
//! ```
//!
//! Module map: [`raw`] (stage 1), [`parsed`] (stage 2), [`checked`] (stage 3); [`correct`] repairs
//! OCR misreads against the check digits; [`report`] and [`emit`] turn results into reports and
//! lines; the rest are the tables and rules the stages share.

pub mod charset;
pub mod checked;
pub mod correct;
pub mod countries;
pub mod dates;
pub mod doubt;
pub mod emit;
pub mod fields;
pub mod findings;
pub mod layout;
pub mod names;
pub mod parsed;
pub mod raw;
pub mod report;

pub use self::checked::{CheckOutcome, CheckResult, CheckedMrz, Verdict};
pub use self::parsed::{CheckSlot, Coverage, FieldSlot, ParsedMrz};
pub use self::raw::{RawMrz, UnreadableMrz, UnreadableReason};

use self::dates::DatePolicy;

/// Most lines an MRZ has.
pub const MAX_LINES: usize = 3;
/// Longest MRZ line.
pub const MAX_LINE_LEN: usize = 44;
/// Input longer than this (in bytes) is not read at all.
pub const MAX_INPUT_BYTES: usize = 4096;

/// Reads, parses and checks MRZ text in one call.
pub fn check_text(text: &str, policy: &DatePolicy) -> Result<CheckedMrz, UnreadableMrz> {
    Ok(RawMrz::from_text(text)?.parse()?.check(policy))
}

#[cfg(test)]
mod tests;
