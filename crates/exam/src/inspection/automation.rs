//! Automation hooks: a manual item's machine answer, decided from the MRZ report.
//!
//! | hook                   | fail on (finding codes, for the hook's field)                               | not checked when |
//! |------------------------|------------------------------------------------------------------------------|------------------|
//! | `mrz.format`           | `illegal_character`, `wrong_character_class`, `invalid_sex`                  | —                |
//! | `mrz.check_digits`     | any failed check (`failed_checks`; `check_digit_mismatch`, `missing_check_digit`) | the format has no check digit |
//! | `mrz.expiry`           | `expired`                                                                    | no expiry in the MRZ (`no_expiry_date`, FR-CNI) or not a valid date |
//! | `mrz.birth_date`       | `invalid_date` (date of birth), `birth_after_expiry`                         | no date of birth |
//! | `mrz.issuer_code`      | `unknown_country_code`, `wrong_character_class`, `illegal_character` (issuing state) | no issuer field |
//! | `mrz.nationality_code` | the same, for the nationality                                                | no nationality field |
//! | `mrz.name_integrity`   | `digit_in_name`, `filler_lookalike_in_name`, `stray_letter_in_name`, `possibly_truncated_name`, `empty_primary_identifier`, `empty_name`, illegal characters in the name | no name field |
//!
//! Every hook answers "not checked", with the reason, when there is no readable MRZ (none found,
//! not read, or text that fits no MRZ format), and instead of a pass when the reading needs review
//! (`needs_review`: characters no check digit or second reader confirms), or of a country-code
//! failure the scanner itself doubts (an unknown code read from an image is likelier a misread). Warnings that do not fail a hook but concern it
//! (`deprecated_country_code`, `nonstandard_document_code`, `filler_in_document_number`, `sex_x`)
//! are listed in `warning_codes`. A finding concerns a field when it names the field or lies
//! inside it.

use serde::{Deserialize, Serialize};

use super::{Answer, MrzInput};
use crate::manual::AutomationHook;
use docexam_mrz::Verdict;
use docexam_mrz::doubt::{Doubt, DoubtReason};
use docexam_mrz::report::{FindingReport, MrzReport};

/// What a machine check answered for one item, and what decided it.
///
/// JSON:
/// ```json
/// {"hook": "mrz.check_digits", "answer": "fail", "reason": "...",
///  "finding_codes": ["check_digit_mismatch"], "checks": ["date_of_birth"], "warning_codes": []}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MachineResult {
    /// The hook that answered.
    pub hook: AutomationHook,
    /// Its answer: pass, fail or not checked.
    pub answer: Answer,
    /// Why, in words.
    pub reason: String,
    /// MRZ finding codes (`mrz::findings`) that decided a failure or prevented the check
    /// (`no_mrz_found`, `mrz_not_read`, or the unreadable code such as `wrong_line_length`).
    pub finding_codes: Vec<String>,
    /// Check-digit ids (`date_of_birth`, `composite`, ...): the failed ones on a failure, all of
    /// them on a pass of `mrz.check_digits`.
    pub checks: Vec<String>,
    /// Warning codes that concern the hook without failing it.
    pub warning_codes: Vec<String>,
}

const FORMAT_ERRORS: &[&str] = &["illegal_character", "wrong_character_class", "invalid_sex"];
const FORMAT_WARNINGS: &[&str] = &["nonstandard_document_code", "filler_in_document_number", "sex_x"];
const CODE_ERRORS: &[&str] = &["unknown_country_code", "wrong_character_class", "illegal_character"];
const CODE_WARNINGS: &[&str] = &["deprecated_country_code"];
const NAME_ERRORS: &[&str] = &[
    "digit_in_name",
    "filler_lookalike_in_name",
    "stray_letter_in_name",
    "possibly_truncated_name",
    "empty_primary_identifier",
    "empty_name",
    "illegal_character",
];
const NAME_FIELDS: &[&str] = &["name", "surname", "given_names"];

impl MachineResult {
    fn new(hook: AutomationHook, answer: Answer, reason: String) -> Self {
        Self { hook, answer, reason, finding_codes: Vec::new(), checks: Vec::new(), warning_codes: Vec::new() }
    }

    fn with_codes(mut self, codes: Vec<String>) -> Self {
        self.finding_codes = codes;
        self
    }
}

/// The machine answer of `hook` from what was read of the MRZ.
pub fn evaluate(hook: AutomationHook, mrz: &MrzInput<'_>) -> MachineResult {
    match mrz {
        MrzInput::NotFound { reason } => {
            MachineResult::new(hook, Answer::NotChecked, format!("no MRZ found: {reason}"))
                .with_codes(vec!["no_mrz_found".to_owned()])
        }
        MrzInput::NotRead { reason } => MachineResult::new(hook, Answer::NotChecked, format!("MRZ not read: {reason}"))
            .with_codes(vec!["mrz_not_read".to_owned()]),
        MrzInput::Report(report) if report.verdict == Verdict::Unreadable => {
            let (code, message) = report
                .unreadable
                .as_ref()
                .map_or(("unreadable", "no MRZ format fits"), |u| (u.code, u.message.as_str()));
            MachineResult::new(hook, Answer::NotChecked, format!("the MRZ could not be read: {message}"))
                .with_codes(vec![code.to_owned()])
        }
        MrzInput::Report(report) => from_report(hook, report),
    }
}

/// A pass needs evidence: on a reading that needs review every pass becomes "not checked",
/// naming the doubtful characters. Failures stand: they say what is wrong whatever the doubt.
///
/// One failure is doubt too: a country code outside the ICAO table that the scanner itself
/// flagged as a doubtful reading fails nothing until the officer has compared it.
fn from_report(hook: AutomationHook, report: &MrzReport) -> MachineResult {
    let result = answer_from_report(hook, report);
    let doubtful_code = result.answer == Answer::Fail
        && result.finding_codes.iter().all(|c| c == "unknown_country_code")
        && report.doubts.iter().any(|d| matches!(d.reason, DoubtReason::UnknownCountryCode { .. }));
    if report.verdict != Verdict::NeedsReview || !(result.answer == Answer::Pass || doubtful_code) {
        return result;
    }
    let places: Vec<String> = report.doubts.iter().map(Doubt::place).collect();
    let mut doubtful = MachineResult::new(
        hook,
        Answer::NotChecked,
        format!(
            "needs review: the machine would pass this, but {} character(s) of the reading have no evidence ({}); \
             compare them with the document",
            places.len(),
            places.join(", ")
        ),
    )
    .with_codes(vec!["needs_review".to_owned()]);
    doubtful.checks = result.checks;
    doubtful.warning_codes = result.warning_codes;
    doubtful
}

fn answer_from_report(hook: AutomationHook, report: &MrzReport) -> MachineResult {
    match hook {
        AutomationHook::MrzFormat => format(report),
        AutomationHook::MrzCheckDigits => check_digits(report),
        AutomationHook::MrzExpiry => expiry(report),
        AutomationHook::MrzBirthDate => birth_date(report),
        AutomationHook::MrzIssuerCode => country_code(report, hook, "issuing_state", "issuing state"),
        AutomationHook::MrzNationalityCode => country_code(report, hook, "nationality", "nationality"),
        AutomationHook::MrzNameIntegrity => name_integrity(report),
    }
}

fn findings(report: &MrzReport) -> impl Iterator<Item = &FindingReport> {
    report.errors.iter().chain(&report.warnings)
}

fn has_field(report: &MrzReport, name: &str) -> bool {
    report.fields.iter().any(|f| f.name == name)
}

/// Whether a finding names the field or lies inside it (or its continuation).
fn concerns(report: &MrzReport, finding: &FindingReport, fields: &[&str]) -> bool {
    if finding.field.is_some_and(|f| fields.contains(&f)) {
        return true;
    }
    let Some(at) = finding.at else { return false };
    report
        .fields
        .iter()
        .filter(|f| fields.contains(&f.name))
        .any(|f| f.at.overlaps(at) || f.continuation.is_some_and(|c| c.overlaps(at)))
}

/// The findings among `codes` (restricted to `fields` when given), without repeats, in report order.
fn matching<'a>(report: &'a MrzReport, codes: &[&str], fields: Option<&[&str]>) -> Vec<&'a FindingReport> {
    findings(report)
        .filter(|f| codes.contains(&f.code) && fields.is_none_or(|fields| concerns(report, f, fields)))
        .collect()
}

fn codes_of(found: &[&FindingReport]) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for f in found {
        if !codes.iter().any(|c| c == f.code) {
            codes.push(f.code.to_owned());
        }
    }
    codes
}

fn messages(found: &[&FindingReport]) -> String {
    found.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; ")
}

/// Pass unless a finding in `errors` concerns it; concerning `warnings` are listed.
fn decide(
    report: &MrzReport,
    hook: AutomationHook,
    fields: Option<&[&str]>,
    errors: &[&str],
    warnings: &[&str],
    pass_reason: String,
) -> MachineResult {
    let failed = matching(report, errors, fields);
    let noted = matching(report, warnings, fields);
    let mut result = if failed.is_empty() {
        let reason =
            if noted.is_empty() { pass_reason } else { format!("{pass_reason}; worth a look: {}", messages(&noted)) };
        MachineResult::new(hook, Answer::Pass, reason)
    } else {
        MachineResult::new(hook, Answer::Fail, messages(&failed)).with_codes(codes_of(&failed))
    };
    result.warning_codes = codes_of(&noted);
    result
}

fn format(report: &MrzReport) -> MachineResult {
    let described = report.format_description.unwrap_or("an MRZ");
    decide(
        report,
        AutomationHook::MrzFormat,
        None,
        FORMAT_ERRORS,
        FORMAT_WARNINGS,
        format!("{described} read; every character fits its field"),
    )
}

fn check_digits(report: &MrzReport) -> MachineResult {
    let hook = AutomationHook::MrzCheckDigits;
    if report.checks.is_empty() {
        return MachineResult::new(hook, Answer::NotChecked, "this MRZ format has no check digit".to_owned());
    }
    let failed: Vec<_> = report.checks.iter().filter(|c| !c.outcome.passed()).collect();
    if failed.is_empty() {
        let mut result = MachineResult::new(
            hook,
            Answer::Pass,
            format!("all {} check digits agree with the characters they cover", report.checks.len()),
        );
        result.checks = report.checks.iter().map(|c| c.name.to_owned()).collect();
        return result;
    }
    let at_failed_digit = |f: &&FindingReport| {
        f.code == "check_digit_mismatch"
            || f.code == "missing_check_digit"
            || (f.code == "wrong_character_class" && failed.iter().any(|c| c.at.is_some() && c.at == f.at))
    };
    let found: Vec<&FindingReport> = report.errors.iter().filter(at_failed_digit).collect();
    let reason = failed.iter().map(|c| c.reason.as_str()).collect::<Vec<_>>().join("; ");
    let mut result = MachineResult::new(hook, Answer::Fail, reason).with_codes(codes_of(&found));
    result.checks = failed.iter().map(|c| c.name.to_owned()).collect();
    result
}

fn expiry(report: &MrzReport) -> MachineResult {
    let hook = AutomationHook::MrzExpiry;
    let fields: &[&str] = &["date_of_expiry"];
    let no_date = matching(report, &["no_expiry_date"], None);
    if !no_date.is_empty() || !has_field(report, "date_of_expiry") {
        let reason = if no_date.is_empty() {
            "this MRZ format carries no date of expiry; check the visual zone".to_owned()
        } else {
            messages(&no_date)
        };
        return MachineResult::new(hook, Answer::NotChecked, reason).with_codes(codes_of(&no_date));
    }
    let expired = matching(report, &["expired"], None);
    if !expired.is_empty() {
        return MachineResult::new(hook, Answer::Fail, messages(&expired)).with_codes(codes_of(&expired));
    }
    let invalid = matching(report, &["invalid_date"], Some(fields));
    match report.summary.date_of_expiry.as_deref() {
        Some(date) if invalid.is_empty() => MachineResult::new(
            hook,
            Answer::Pass,
            format!("valid until {date} (reference date {})", report.reference_date),
        ),
        _ => MachineResult::new(
            hook,
            Answer::NotChecked,
            "the date of expiry in the MRZ is not a valid date; check the visual zone".to_owned(),
        )
        .with_codes(codes_of(&invalid)),
    }
}

fn birth_date(report: &MrzReport) -> MachineResult {
    let hook = AutomationHook::MrzBirthDate;
    let fields: &[&str] = &["date_of_birth"];
    if !has_field(report, "date_of_birth") {
        return MachineResult::new(hook, Answer::NotChecked, "this MRZ format carries no date of birth".to_owned());
    }
    let mut failed = matching(report, &["invalid_date"], Some(fields));
    failed.extend(matching(report, &["birth_after_expiry"], None));
    if failed.is_empty() {
        MachineResult::new(hook, Answer::Pass, "the date of birth is a real date, before the date of expiry".to_owned())
    } else {
        MachineResult::new(hook, Answer::Fail, messages(&failed)).with_codes(codes_of(&failed))
    }
}

fn country_code(report: &MrzReport, hook: AutomationHook, field: &str, label: &str) -> MachineResult {
    if !has_field(report, field) {
        return MachineResult::new(hook, Answer::NotChecked, format!("this MRZ format carries no {label} code"));
    }
    let code = match field {
        "issuing_state" => report.summary.issuing_state.as_deref(),
        _ => report.summary.nationality.as_deref(),
    }
    .unwrap_or_default();
    let name = match field {
        "issuing_state" => report.summary.issuing_state_name,
        _ => report.summary.nationality_name,
    }
    .unwrap_or("in the ICAO table");
    decide(report, hook, Some(&[field]), CODE_ERRORS, CODE_WARNINGS, format!("{label} code {code:?}: {name}"))
}

fn name_integrity(report: &MrzReport) -> MachineResult {
    let hook = AutomationHook::MrzNameIntegrity;
    if !NAME_FIELDS.iter().any(|f| has_field(report, f)) {
        return MachineResult::new(hook, Answer::NotChecked, "this MRZ format carries no name".to_owned());
    }
    decide(
        report,
        hook,
        Some(NAME_FIELDS),
        NAME_ERRORS,
        &[],
        "the name is well formed: letters and separators only, not cut at the end of its field".to_owned(),
    )
}
