//! The serialisable report: for every field its value, raw characters, place, status and reasons;
//! every check digit with what it covers; every finding; and the verdict. This is the stable JSON
//! shape of `docexam mrz --json` (keys are only ever added, never renamed).

use serde::Serialize;

use super::correct::Correction;
use super::countries::CodeCategory;
use super::dates::{CalendarDate, DateForm, DatePolicy, MrzDate};
use super::doubt::Doubt;
use super::fields::{CheckId, CountryCode, FieldId};
use super::findings::{Finding, Severity};
use super::layout::{Format, Span};
use super::{CheckOutcome, CheckResult, CheckedMrz, FieldSlot, UnreadableMrz, Verdict};

/// A field's or check's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing to report.
    Ok,
    /// Worth a look.
    Warning,
    /// Wrong.
    Error,
}

impl From<Severity> for Status {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Warning => Status::Warning,
            Severity::Error => Status::Error,
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct MrzReport {
    /// "TD1", "TD2", "TD3", "MRV-A", "MRV-B", "FR-CNI"; null when unreadable.
    pub format: Option<Format>,
    /// The format in words.
    pub format_description: Option<&'static str>,
    /// valid, invalid or unreadable.
    pub verdict: Verdict,
    /// True only when the verdict is valid.
    pub valid: bool,
    /// The verdict in one sentence.
    pub verdict_reason: String,
    /// The normalised lines.
    pub lines: Vec<String>,
    /// The reference date that decided expiry and centuries.
    pub reference_date: CalendarDate,
    /// The century rule in words.
    pub date_policy: String,
    /// The decoded values, flat, for scripts.
    pub summary: Summary,
    /// Every field, in reading order.
    pub fields: Vec<FieldReport>,
    /// Every check digit, in reading order.
    pub checks: Vec<CheckReport>,
    /// Names of the failed checks.
    pub failed_checks: Vec<&'static str>,
    /// Findings that make the MRZ invalid.
    pub errors: Vec<FindingReport>,
    /// Findings worth a look.
    pub warnings: Vec<FindingReport>,
    /// Why the text could not be read, when unreadable.
    pub unreadable: Option<UnreadableReport>,
    /// OCR repair applied before checking (only when repair was asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrections: Option<Correction>,
    /// Characters of a machine reading no evidence confirms (only for readings from images).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
}

/// Decoded values, flat. Absent keys: the format has no such field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_state_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_expiry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional_data_2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrative_code: Option<String>,
}

/// One field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldReport {
    /// Stable key ("document_number").
    pub name: &'static str,
    /// For people ("document number").
    pub label: &'static str,
    /// The decoded value.
    pub value: String,
    /// The characters as printed (with a long number's continuation).
    pub raw: String,
    /// Where.
    #[serde(flatten)]
    pub at: Span,
    /// Where a long document number continues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation: Option<Span>,
    /// ok, warning or error.
    pub status: Status,
    /// Why, when not ok.
    pub reasons: Vec<String>,
    /// What the value means.
    pub explanation: String,
}

/// One check digit.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Stable key ("date_of_birth", "composite").
    pub name: &'static str,
    /// For people.
    pub label: &'static str,
    /// Where the printed digit is (null when missing).
    pub at: Option<Span>,
    /// What it is computed over.
    pub covers: Vec<Span>,
    /// The printed character.
    pub printed: Option<String>,
    /// The digit the covered characters give.
    pub computed: u8,
    /// ok or error.
    pub status: Status,
    /// How it came out.
    pub outcome: CheckOutcome,
    /// In words.
    pub reason: String,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingReport {
    /// Stable code ("expired").
    pub code: &'static str,
    /// warning or error.
    pub severity: Severity,
    /// Why, in words.
    pub message: String,
    /// Where, when a place in the lines.
    pub at: Option<Span>,
    /// The field concerned.
    pub field: Option<&'static str>,
}

/// Why text could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct UnreadableReport {
    /// Stable code ("wrong_line_length").
    pub code: &'static str,
    /// In words.
    pub message: String,
}

impl FindingReport {
    fn from_finding(f: &Finding) -> Self {
        Self {
            code: f.kind.code(),
            severity: f.severity(),
            message: f.to_string(),
            at: f.at,
            field: f.field.map(FieldId::key),
        }
    }
}

fn split_findings(findings: &[Finding]) -> (Vec<FindingReport>, Vec<FindingReport>) {
    let errors = findings.iter().filter(|f| f.severity() == Severity::Error).map(FindingReport::from_finding).collect();
    let warnings =
        findings.iter().filter(|f| f.severity() == Severity::Warning).map(FindingReport::from_finding).collect();
    (errors, warnings)
}

impl MrzReport {
    /// The report of a checked MRZ.
    pub fn from_checked(checked: &CheckedMrz) -> Self {
        let policy = checked.policy();
        let (errors, warnings) = split_findings(checked.findings());
        let checks: Vec<CheckReport> = checked.checks().map(check_report).collect();
        let failed_checks = checked.failed_checks().map(|c| c.id.key()).collect::<Vec<_>>();
        let verdict_reason = verdict_reason(checked, &failed_checks, errors.len());
        Self {
            format: Some(checked.format()),
            format_description: Some(checked.format().description()),
            verdict: checked.verdict(),
            valid: checked.is_valid(),
            verdict_reason,
            lines: checked.parsed().raw().lines(),
            reference_date: policy.reference_date,
            date_policy: policy.describe(),
            summary: summary(checked),
            fields: checked.parsed().fields().map(|slot| field_report(checked, slot)).collect(),
            checks,
            failed_checks,
            errors,
            warnings,
            unreadable: None,
            corrections: None,
            doubts: Vec::new(),
        }
    }

    /// This report of a machine reading with its doubtful characters: a reading with any is
    /// never valid. A valid reading becomes [`Verdict::NeedsReview`]; an invalid one stays invalid
    /// (a failing check digit says more than a doubt), and each doubt is also a warning
    /// (`ocr_uncertain`) on its field.
    pub fn with_doubts(mut self, doubts: Vec<Doubt>) -> Self {
        if doubts.is_empty() {
            return self;
        }
        if self.verdict == Verdict::Valid {
            self.verdict = Verdict::NeedsReview;
            self.valid = false;
            let places: Vec<String> = doubts.iter().take(3).map(Doubt::place).collect();
            let more = if doubts.len() > 3 { format!(" and {} more", doubts.len() - 3) } else { String::new() };
            self.verdict_reason = format!(
                "needs review: every check digit agrees, but {} character(s) have no evidence ({}{more}); \
                 compare them with the document",
                doubts.len(),
                places.join(", ")
            );
        }
        for d in &doubts {
            self.warnings.push(FindingReport {
                code: "ocr_uncertain",
                severity: Severity::Warning,
                message: d.explanation.clone(),
                at: Some(d.at),
                field: d.field,
            });
        }
        self.doubts = doubts;
        self
    }

    /// The report of text that is not an MRZ.
    pub fn from_unreadable(unreadable: &UnreadableMrz, policy: &DatePolicy) -> Self {
        let (errors, warnings) = split_findings(&unreadable.findings);
        Self {
            format: None,
            format_description: None,
            verdict: Verdict::Unreadable,
            valid: false,
            verdict_reason: format!("unreadable: {}", unreadable.reason),
            lines: unreadable.lines.clone(),
            reference_date: policy.reference_date,
            date_policy: policy.describe(),
            summary: Summary::default(),
            fields: Vec::new(),
            checks: Vec::new(),
            failed_checks: Vec::new(),
            errors,
            warnings,
            unreadable: Some(UnreadableReport {
                code: unreadable.reason.code(),
                message: unreadable.reason.to_string(),
            }),
            corrections: None,
            doubts: Vec::new(),
        }
    }

    /// The report of either outcome of [`super::check_text`].
    pub fn from_result(result: &Result<CheckedMrz, UnreadableMrz>, policy: &DatePolicy) -> Self {
        match result {
            Ok(checked) => Self::from_checked(checked),
            Err(unreadable) => Self::from_unreadable(unreadable, policy),
        }
    }
}

fn verdict_reason(checked: &CheckedMrz, failed: &[&str], error_count: usize) -> String {
    let total = checked.checks().count();
    match checked.verdict() {
        Verdict::Valid => format!("valid: all {total} check digits agree and no field breaks the format"),
        Verdict::Invalid if !failed.is_empty() => {
            format!("invalid: {} of {total} check digits fail ({})", failed.len(), failed.join(", "))
        }
        Verdict::Invalid | Verdict::Unreadable | Verdict::NeedsReview => {
            format!("invalid: {error_count} field error(s)")
        }
    }
}

fn summary(c: &CheckedMrz) -> Summary {
    let has = |id| c.parsed().field(id).is_some();
    let name = c.name();
    let country = |id| has(id).then(|| c.country_code(id));
    let country_name = |id| has(id).then(|| CountryCode::lookup(&c.country_code(id)).name()).flatten();
    let sex_char = c.parsed().field_bytes(FieldId::Sex).0.first().map(|&b| char::from(b).to_string());
    Summary {
        document_code: Some(c.document_code()),
        document_kind: Some(c.document_kind().describe(c.document_code_pair())),
        issuing_state: country(FieldId::IssuingState),
        issuing_state_name: country_name(FieldId::IssuingState),
        primary_identifier: Some(name.primary_text()),
        secondary_identifier: Some(name.secondary_text()),
        document_number: Some(c.document_number()),
        nationality: country(FieldId::Nationality),
        nationality_name: country_name(FieldId::Nationality),
        date_of_birth: c.date_of_birth().and_then(|d| d.iso()),
        sex: sex_char,
        date_of_expiry: c.date_of_expiry().and_then(|d| d.iso()),
        expired: has(FieldId::DateOfExpiry).then(|| c.is_expired()),
        optional_data: has(FieldId::OptionalData).then(|| c.optional_data(FieldId::OptionalData)),
        optional_data_2: has(FieldId::OptionalData2).then(|| c.optional_data(FieldId::OptionalData2)),
        administrative_code: has(FieldId::AdministrativeCode).then(|| c.optional_data(FieldId::AdministrativeCode)),
    }
}

fn touches(slot: &FieldSlot, span: Span) -> bool {
    slot.span.overlaps(span) || slot.continuation.is_some_and(|c| c.overlaps(span))
}

fn field_report(c: &CheckedMrz, slot: &FieldSlot) -> FieldReport {
    let mut status = Status::Ok;
    let mut reasons = Vec::new();
    for finding in c.findings() {
        let concerns = finding.field == Some(slot.id) || finding.at.is_some_and(|at| touches(slot, at));
        if concerns {
            status = status.max(finding.severity().into());
            reasons.push(finding.to_string());
        }
    }
    let (value, explanation) = describe_field(c, slot);
    FieldReport {
        name: slot.id.key(),
        label: slot.id.label(),
        value,
        raw: c.field_text(slot.id),
        at: slot.span,
        continuation: slot.continuation,
        status,
        reasons,
        explanation,
    }
}

fn describe_date(date: Option<MrzDate>, what: &str) -> (String, String) {
    match date {
        Some(d) => match (d.form, d.iso()) {
            (DateForm::Complete, Some(iso)) => (iso, format!("{what}; century chosen by the date policy")),
            (DateForm::PartlyUnknown, Some(iso)) => (iso, format!("{what}, partly unknown (< in the MRZ)")),
            (DateForm::Unknown, Some(iso)) => (iso, format!("{what} not given (all <)")),
            _ => (String::new(), format!("{what}: not a valid date")),
        },
        None => (String::new(), String::new()),
    }
}

fn describe_field(c: &CheckedMrz, slot: &FieldSlot) -> (String, String) {
    match slot.id {
        FieldId::DocumentCode => (c.document_code(), c.document_kind().describe(c.document_code_pair())),
        FieldId::IssuingState | FieldId::Nationality => {
            let code = c.country_code(slot.id);
            let explanation = match CountryCode::lookup(&code) {
                CountryCode::Known(info) => format!("{} ({})", info.name, category_words(info.category)),
                CountryCode::NonIcao(note) => note.to_owned(),
                CountryCode::Unknown => "not in the ICAO code table".to_owned(),
            };
            (code, explanation)
        }
        FieldId::Name | FieldId::Surname | FieldId::GivenNames => {
            let name = c.name();
            let value = match slot.id {
                FieldId::Surname => name.primary_text(),
                FieldId::GivenNames => name.secondary_text(),
                _ => format!("{}, {}", name.primary_text(), name.secondary_text()),
            };
            let explanation = match slot.id {
                FieldId::Name => "primary identifier << secondary identifier; components separated by <".to_owned(),
                FieldId::Surname => "surname (French card, line 1)".to_owned(),
                _ => "given names (French card, line 2)".to_owned(),
            };
            (value, explanation)
        }
        FieldId::DocumentNumber => {
            let explanation = match slot.continuation {
                Some(cont) => format!(
                    "long document number: nine characters here, continued in the optional data at {}",
                    cont.human()
                ),
                None if c.format() == Format::FrenchId => {
                    // The card was issued from 1988 to 2021, so the two-digit year has one reading.
                    let raw = c.field_text(slot.id);
                    let (yy, mm) = (raw.get(0..2).unwrap_or_default(), raw.get(2..4).unwrap_or_default());
                    let century = if yy >= "80" { "19" } else { "20" };
                    let office = raw.get(4..7).unwrap_or_default();
                    let sequence = raw.get(7..12).unwrap_or_default();
                    format!("issued {century}{yy}-{mm}, office {office}, sequence {sequence}")
                }
                None => "document number as printed, trailing fillers removed".to_owned(),
            };
            (c.document_number(), explanation)
        }
        FieldId::DateOfBirth => describe_date(c.date_of_birth(), "date of birth"),
        FieldId::DateOfExpiry => describe_date(c.date_of_expiry(), "date of expiry"),
        FieldId::Sex => {
            let sex = c.sex();
            (c.field_text(slot.id), sex.describe().to_owned())
        }
        FieldId::OptionalData | FieldId::OptionalData2 | FieldId::AdministrativeCode => {
            let explanation = match (c.format(), slot.id) {
                (Format::Td3, FieldId::OptionalData) => "personal number or other optional data (issuer-defined)",
                (Format::FrenchId, _) => "administrative code (issuer-defined)",
                _ => "optional data (issuer-defined)",
            };
            (c.optional_data(slot.id), explanation.to_owned())
        }
    }
}

fn category_words(category: CodeCategory) -> &'static str {
    match category {
        CodeCategory::Iso3166 => "ISO 3166-1 country",
        CodeCategory::IcaoExtension => "ICAO code",
        CodeCategory::Organisation => "international organisation",
        CodeCategory::NoNationality => "no defined nationality",
        CodeCategory::Deprecated => "deprecated code",
        CodeCategory::Specimen => "specimen code",
        CodeCategory::IcaoOnly => "used by ICAO only",
    }
}

fn check_report(r: &CheckResult) -> CheckReport {
    let covers = r.covers.spans().to_vec();
    let over = covers.iter().map(|s| s.human()).collect::<Vec<_>>().join(", ");
    let printed = r.printed.map(|p| char::from(p).to_string());
    let label = r.id.label();
    let reason = match r.outcome {
        CheckOutcome::Pass => {
            format!("printed {}, computed {} over {over}", printed.as_deref().unwrap_or("?"), r.computed)
        }
        CheckOutcome::PassAlternative => format!(
            "printed {}, matching the variant that includes the filler at the usual check-digit position ({over})",
            printed.as_deref().unwrap_or("?")
        ),
        CheckOutcome::PassFillerForEmpty => "< for an empty field, which ICAO allows".to_owned(),
        CheckOutcome::Mismatch => {
            let what = if r.id == CheckId::Composite {
                "one of the covered fields or check digits was misread or altered".to_owned()
            } else {
                format!("the {} or its check digit was misread or altered", r.field.map_or("field", FieldId::label))
            };
            format!("{label} is {}, computed {} over {over}: {what}", printed.as_deref().unwrap_or("?"), r.computed)
        }
        CheckOutcome::NotADigit => {
            format!(
                "{label} is {:?}, not a digit; computed {} over {over}",
                printed.as_deref().unwrap_or("?"),
                r.computed
            )
        }
        CheckOutcome::Missing => format!("{label} is missing; the number's characters give {}", r.computed),
    };
    CheckReport {
        name: r.id.key(),
        label,
        at: r.digit,
        covers,
        printed,
        computed: r.computed,
        status: if r.outcome.passed() { Status::Ok } else { Status::Error },
        outcome: r.outcome,
        reason,
    }
}
