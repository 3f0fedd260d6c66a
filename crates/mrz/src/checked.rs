//! Stage 3: every check digit evaluated, fields decoded under a date policy, findings and verdict.

use serde::Serialize;

use crate::charset::{FILLER, is_mrz_char};
use crate::countries;
use crate::dates::{DateForm, DatePolicy, DateRole, MrzDate};
use crate::fields::{CheckId, CountryCode, DocumentKind, FieldId, Sex};
use crate::findings::{Finding, FindingKind, Severity};
use crate::layout::{CharClass, Format, Span};
use crate::names::{self, Name};
use crate::parsed::{CheckSlot, Coverage, MAX_CHECKS, ParsedMrz};
use crate::raw::RawMrz;

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check digit agrees and there is no structural error.
    Valid,
    /// A check digit disagrees, or a field breaks the format's rules.
    Invalid,
    /// No MRZ format fits the text.
    Unreadable,
    /// Read from an image, every check passes, but some character has no evidence: neither a
    /// check digit nor two readers confirm it. Only a machine reading gets this verdict.
    NeedsReview,
}

/// How a check digit came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    /// The printed digit equals the computed one.
    Pass,
    /// Passes with the alternative computation (long document number, filler at the usual position
    /// included).
    PassAlternative,
    /// TD3 personal number all fillers and its check digit `<` (allowed by ICAO).
    PassFillerForEmpty,
    /// The printed digit differs.
    Mismatch,
    /// Something other than a digit is printed.
    NotADigit,
    /// The position that should hold it holds nothing (long number without a digit).
    Missing,
}

impl CheckOutcome {
    /// Whether the check passed.
    pub const fn passed(self) -> bool {
        matches!(self, CheckOutcome::Pass | CheckOutcome::PassAlternative | CheckOutcome::PassFillerForEmpty)
    }
}

/// One evaluated check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckResult {
    /// Which check.
    pub id: CheckId,
    /// Where the printed digit is.
    pub digit: Option<Span>,
    /// What it covers.
    pub covers: Coverage,
    /// The printed character.
    pub printed: Option<u8>,
    /// The digit the covered characters give.
    pub computed: u8,
    /// The result.
    pub outcome: CheckOutcome,
    /// The field it protects.
    pub field: Option<FieldId>,
}

/// Stage 3: every check evaluated, fields decoded, findings and verdict.
#[derive(Debug, Clone)]
pub struct CheckedMrz {
    parsed: ParsedMrz,
    policy: DatePolicy,
    checks: [Option<CheckResult>; MAX_CHECKS],
    date_of_birth: Option<MrzDate>,
    date_of_expiry: Option<MrzDate>,
    verdict: Verdict,
}

impl CheckedMrz {
    pub(crate) fn from_parsed(mut parsed: ParsedMrz, policy: &DatePolicy) -> Self {
        let mut findings = std::mem::take(&mut parsed.findings);

        let checks = evaluate_checks(&parsed, &mut findings);
        check_document_code(&parsed, &mut findings);
        check_country_codes(&parsed, &mut findings);
        check_document_number(&parsed, &mut findings);
        let (date_of_birth, date_of_expiry) = check_dates(&parsed, policy, &mut findings);
        check_sex(&parsed, &mut findings);
        check_names(&parsed, &mut findings);

        let verdict =
            if findings.iter().any(|f| f.severity() == Severity::Error) { Verdict::Invalid } else { Verdict::Valid };
        parsed.findings = findings;
        CheckedMrz { parsed, policy: *policy, checks, date_of_birth, date_of_expiry, verdict }
    }

    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// Whether every check digit agrees and nothing breaks the format's rules.
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.parsed.format
    }

    /// The parsed stage (lines and field places).
    pub fn parsed(&self) -> &ParsedMrz {
        &self.parsed
    }

    /// The date policy the dates were decoded under.
    pub fn policy(&self) -> &DatePolicy {
        &self.policy
    }

    /// Every finding: errors and warnings, in the order found.
    pub fn findings(&self) -> &[Finding] {
        &self.parsed.findings
    }

    /// Every evaluated check digit.
    pub fn checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().flatten()
    }

    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks().filter(|c| !c.outcome.passed())
    }

    /// The raw characters of a field as text ("" if the format lacks it).
    pub fn field_text(&self, id: FieldId) -> String {
        let (main, continuation) = self.parsed.field_bytes(id);
        let mut text = String::from_utf8_lossy(main).into_owned();
        text.push_str(&String::from_utf8_lossy(continuation));
        text
    }

    /// The document code as printed, without a trailing filler.
    pub fn document_code(&self) -> String {
        let (bytes, _) = self.parsed.field_bytes(FieldId::DocumentCode);
        String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned()
    }

    /// The two document-code characters as printed (`<` where absent).
    pub fn document_code_pair(&self) -> [u8; 2] {
        document_code_bytes(self.parsed.field_bytes(FieldId::DocumentCode).0)
    }

    /// What kind of document the code says.
    pub fn document_kind(&self) -> DocumentKind {
        let format = self.format();
        DocumentKind::classify(
            self.document_code_pair(),
            format == Format::Td3,
            matches!(format, Format::MrvA | Format::MrvB),
        )
    }

    /// A state or nationality code without trailing fillers ("D" for Germany).
    pub fn country_code(&self, id: FieldId) -> String {
        let (bytes, _) = self.parsed.field_bytes(id);
        String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned()
    }

    /// The full document number as printed: reassembled when long, trailing fillers removed.
    /// Leading or inner fillers are kept (and reported): they are part of what is printed.
    pub fn document_number(&self) -> String {
        let (main, continuation) = self.parsed.field_bytes(FieldId::DocumentNumber);
        let main = if continuation.is_empty() { trim_trailing_fillers(main) } else { main };
        main.iter().chain(continuation).map(|&c| char::from(c)).collect()
    }

    /// The name.
    pub fn name(&self) -> Name {
        if self.format() == Format::FrenchId {
            let (surname, _) = self.parsed.field_bytes(FieldId::Surname);
            let (given, _) = self.parsed.field_bytes(FieldId::GivenNames);
            Name {
                primary: names::components(names::trim_fillers(surname)),
                secondary: names::components(names::trim_fillers(given)),
                possibly_truncated: given.last().is_some_and(u8::is_ascii_alphabetic),
            }
        } else {
            names::split_icao_name(self.parsed.field_bytes(FieldId::Name).0)
        }
    }

    /// The date of birth.
    pub fn date_of_birth(&self) -> Option<MrzDate> {
        self.date_of_birth
    }

    /// The date of expiry (none on the French card).
    pub fn date_of_expiry(&self) -> Option<MrzDate> {
        self.date_of_expiry
    }

    /// The sex.
    pub fn sex(&self) -> Sex {
        let (bytes, _) = self.parsed.field_bytes(FieldId::Sex);
        bytes.first().map_or(Sex::Invalid, |&c| Sex::from_char(c))
    }

    /// Optional data without trailing fillers.
    pub fn optional_data(&self, id: FieldId) -> String {
        let (bytes, _) = self.parsed.field_bytes(id);
        String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned()
    }

    /// Whether the document had expired on the reference date.
    pub fn is_expired(&self) -> bool {
        self.findings().iter().any(|f| matches!(f.kind, FindingKind::Expired { .. }))
    }
}

/// Evaluates every placed check digit; a mismatch, a letter in its place or a missing digit is a
/// finding.
fn evaluate_checks(parsed: &ParsedMrz, findings: &mut Vec<Finding>) -> [Option<CheckResult>; MAX_CHECKS] {
    let raw = &parsed.raw;
    let mut checks = [None; MAX_CHECKS];
    for (result, slot) in checks.iter_mut().zip(parsed.checks.iter().flatten()) {
        let r = evaluate_check(raw, slot);
        let printed = r.printed.unwrap_or(0);
        match r.outcome {
            CheckOutcome::Mismatch => findings.push(Finding::new(
                FindingKind::CheckDigitMismatch { check: r.id, printed: char::from(printed), computed: r.computed },
                r.digit,
                r.field,
            )),
            // A letter where the digit belongs; other characters are already illegal.
            CheckOutcome::NotADigit if printed.is_ascii_uppercase() => findings.push(Finding::new(
                FindingKind::WrongCharacterClass { found: char::from(printed), expected: CharClass::Digits },
                r.digit,
                r.field,
            )),
            CheckOutcome::Missing => {
                let at = r.digit.or_else(|| parsed.field(FieldId::DocumentNumber).map(|f| f.span));
                findings.push(Finding::new(FindingKind::MissingCheckDigit { check: r.id }, at, r.field));
            }
            _ => {}
        }
        *result = Some(r);
    }
    checks
}

/// A document code ICAO does not define, a `V` on a card, or anything but `ID` on the French card.
fn check_document_code(parsed: &ParsedMrz, findings: &mut Vec<Finding>) {
    let raw = &parsed.raw;
    if let Some(slot) = parsed.field(FieldId::DocumentCode) {
        let code = document_code_bytes(raw.slice(slot.span));
        let is_td3 = parsed.format == Format::Td3;
        let is_visa = matches!(parsed.format, Format::MrvA | Format::MrvB);
        let kind = DocumentKind::classify(code, is_td3, is_visa);
        // TD1/TD2: the second letter is never V, and AI is excluded (ICAO 9303 Parts 5-6).
        let v_on_card = !is_td3 && !is_visa && (code[1] == b'V' || &code == b"AI");
        let expected_cni = parsed.format == Format::FrenchId && &code != b"ID";
        if (kind == DocumentKind::Nonstandard || v_on_card || expected_cni) && code.iter().all(|&c| is_mrz_char(c)) {
            let text = String::from_utf8_lossy(trim_trailing_fillers(&code)).into_owned();
            findings.push(Finding::new(
                FindingKind::NonstandardDocumentCode { code: text },
                Some(slot.span),
                Some(slot.id),
            ));
        }
    }
}

/// Issuing state and nationality: deprecated, outside ICAO's list, or unknown.
fn check_country_codes(parsed: &ParsedMrz, findings: &mut Vec<Finding>) {
    let raw = &parsed.raw;
    for id in [FieldId::IssuingState, FieldId::Nationality] {
        let Some(slot) = parsed.field(id) else { continue };
        let bytes = raw.slice(slot.span);
        if !bytes.iter().all(|&c| c.is_ascii_uppercase() || c == FILLER) {
            continue; // Already reported as a character-class or illegal-character error.
        }
        let code = String::from_utf8_lossy(trim_trailing_fillers(bytes)).into_owned();
        match CountryCode::lookup(&code) {
            CountryCode::Known(info) if info.category == countries::CodeCategory::Deprecated => {
                findings.push(Finding::new(FindingKind::DeprecatedCountryCode { code }, Some(slot.span), Some(id)));
            }
            CountryCode::Known(_) => {}
            CountryCode::NonIcao(note) => {
                findings.push(Finding::new(
                    FindingKind::UnknownCountryCode { code, note: Some(note) },
                    Some(slot.span),
                    Some(id),
                ));
            }
            CountryCode::Unknown => {
                findings.push(Finding::new(
                    FindingKind::UnknownCountryCode { code, note: None },
                    Some(slot.span),
                    Some(id),
                ));
            }
        }
    }
}

/// Fields are left-aligned, so a filler before a character of the document number is unusual.
fn check_document_number(parsed: &ParsedMrz, findings: &mut Vec<Finding>) {
    let raw = &parsed.raw;
    if let Some(slot) = parsed.field(FieldId::DocumentNumber) {
        let content = trim_trailing_fillers(raw.slice(slot.span));
        if let Some(at) = content.iter().position(|&c| c == FILLER) {
            let span = Span::new(slot.span.line, slot.span.start + at as u8, 1);
            findings.push(Finding::new(FindingKind::FillerInDocumentNumber, Some(span), Some(slot.id)));
        }
    }
}

/// Decodes both dates under `policy`: invalid, expired, without expiry, or born after expiry.
fn check_dates(
    parsed: &ParsedMrz,
    policy: &DatePolicy,
    findings: &mut Vec<Finding>,
) -> (Option<MrzDate>, Option<MrzDate>) {
    let date_of_birth = decode_date(parsed, FieldId::DateOfBirth, DateRole::Birth, policy, findings);
    let date_of_expiry = decode_date(parsed, FieldId::DateOfExpiry, DateRole::Expiry, policy, findings);
    if let (Some(expiry), Some(slot)) = (date_of_expiry, parsed.field(FieldId::DateOfExpiry)) {
        match (expiry.form, expiry.calendar_date()) {
            (DateForm::Unknown, _) => {
                findings.push(Finding::new(FindingKind::NoExpiryDate, Some(slot.span), Some(slot.id)))
            }
            (_, Some(date)) if date < policy.reference_date => findings.push(Finding::new(
                FindingKind::Expired { expiry: date, reference: policy.reference_date },
                Some(slot.span),
                Some(slot.id),
            )),
            _ => {}
        }
    }
    if parsed.format == Format::FrenchId {
        findings.push(Finding::new(FindingKind::NoExpiryDate, None, None));
    }
    if let (Some(birth), Some(expiry)) =
        (date_of_birth.and_then(|d| d.calendar_date()), date_of_expiry.and_then(|d| d.calendar_date()))
        && birth > expiry
    {
        let at = parsed.field(FieldId::DateOfBirth).map(|f| f.span);
        findings.push(Finding::new(FindingKind::BirthAfterExpiry, at, Some(FieldId::DateOfBirth)));
    }
    (date_of_birth, date_of_expiry)
}

/// `X` is noted; anything but `M`, `F`, `X` or `<` is an error.
fn check_sex(parsed: &ParsedMrz, findings: &mut Vec<Finding>) {
    let raw = &parsed.raw;
    if let Some(slot) = parsed.field(FieldId::Sex) {
        let c = raw.slice(slot.span).first().copied().unwrap_or(b'?');
        match Sex::from_char(c) {
            Sex::X => findings.push(Finding::new(FindingKind::SexX, Some(slot.span), Some(slot.id))),
            Sex::Invalid if is_mrz_char(c) => {
                findings.push(Finding::new(
                    FindingKind::InvalidSex { found: char::from(c) },
                    Some(slot.span),
                    Some(slot.id),
                ));
            }
            _ => {}
        }
    }
}

/// Every name field, by the rules of [`names::check_name`].
fn check_names(parsed: &ParsedMrz, findings: &mut Vec<Finding>) {
    let raw = &parsed.raw;
    for slot in parsed.fields().filter(|f| f.class == CharClass::Name) {
        let combined = slot.id == FieldId::Name;
        names::check_name(raw.slice(slot.span), slot.span, slot.id, combined, findings);
    }
}

fn evaluate_check(raw: &RawMrz, slot: &CheckSlot) -> CheckResult {
    let (printed, computed, outcome) = slot.evaluate(|span| raw.slice(span));
    CheckResult { id: slot.id, digit: slot.digit, covers: slot.covers, printed, computed, outcome, field: slot.field }
}

fn decode_date(
    parsed: &ParsedMrz,
    id: FieldId,
    role: DateRole,
    policy: &DatePolicy,
    findings: &mut Vec<Finding>,
) -> Option<MrzDate> {
    let slot = parsed.field(id)?;
    let bytes = parsed.raw.slice(slot.span);
    let date = MrzDate::decode(bytes, role, policy);
    let already_reported = bytes.iter().any(|&c| !(c.is_ascii_digit() || c == FILLER));
    let partly_unknown_expiry = role == DateRole::Expiry && date.form == DateForm::PartlyUnknown;
    if (date.form == DateForm::Invalid && !already_reported) || partly_unknown_expiry {
        findings.push(Finding::new(FindingKind::InvalidDate, Some(slot.span), Some(id)));
    }
    Some(date)
}

fn document_code_bytes(bytes: &[u8]) -> [u8; 2] {
    [bytes.first().copied().unwrap_or(FILLER), bytes.get(1).copied().unwrap_or(FILLER)]
}

fn trim_trailing_fillers(bytes: &[u8]) -> &[u8] {
    names::trim_fillers(bytes)
}
