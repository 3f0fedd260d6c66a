//! What a log record says: the leaf envelope and the body of each kind of record.
//!
//! A leaf is one line of compact JSON, keys in a fixed order:
//!
//! ```json
//! {"v":1,"log":"desk-3f9a0c1e","seq":41,"kind":"inspection","at":"2026-11-23T09:42:55Z","body":{...}}
//! ```
//!
//! - `log` and `seq` bind the record to one desk and one position, so records cannot be moved
//!   between desks or reordered without breaking the chain.
//! - `at` is the desk clock when the record was written; the chain order, not the time, is
//!   authoritative.
//! - Bodies are built once, serialised once, and stored as those exact bytes. Readers parse
//!   leaves leniently (unknown keys ignored) so a newer docexam's records still verify.
//!
//! An inspection's leaf holds no personal data: the document number only as a keyed hash (the
//! key never leaves the desk), names and birth date not at all. When the station enables personal
//! data, they go to the `personal_data` table and the leaf holds `SHA-256(salt ‖ data)`, so a
//! purge removes them and the chain still verifies.

use serde::{Deserialize, Serialize};

use docexam_exam::inspection::{
    Answer, AnsweredBy, Decision, DocumentSource, Inspection, ManualRef, MrzEvidence, Outcome,
};
use docexam_exam::inspection::{RefusalReason, Timestamp};
use docexam_exam::manual::{FailureCode, Level};

/// The leaf format version.
pub const LEAF_VERSION: u32 = 1;

/// The kinds of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The first record: the desk id and its public key.
    LogCreated,
    /// One decided inspection.
    Inspection,
    /// Station settings (personal data on/off, supervisor passphrase), as a full snapshot.
    Settings,
    /// A supervisor exported the log.
    Export,
    /// A supervisor purged personal data.
    Purge,
    /// A supervisor imported another desk's export.
    Import,
    /// An import was refused (tampered or foreign export).
    ImportRefused,
    /// A supervisor passphrase was wrong.
    AuthFailed,
}

impl EntryKind {
    /// Every kind.
    pub const ALL: &'static [EntryKind] = &[
        EntryKind::LogCreated,
        EntryKind::Inspection,
        EntryKind::Settings,
        EntryKind::Export,
        EntryKind::Purge,
        EntryKind::Import,
        EntryKind::ImportRefused,
        EntryKind::AuthFailed,
    ];

    /// The spelling in leaves and in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::LogCreated => "log_created",
            EntryKind::Inspection => "inspection",
            EntryKind::Settings => "settings",
            EntryKind::Export => "export",
            EntryKind::Purge => "purge",
            EntryKind::Import => "import",
            EntryKind::ImportRefused => "import_refused",
            EntryKind::AuthFailed => "auth_failed",
        }
    }

    /// The kind spelled `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == text)
    }
}

/// Who did an administrative action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Border officer.
    Officer,
    /// Supervisor (export, purge, settings, import need the supervisor passphrase).
    Supervisor,
    /// Trainer.
    Trainer,
}

/// The envelope around every body, as written.
#[derive(Debug, Serialize)]
pub(crate) struct EnvelopeOut<'a, B: Serialize> {
    pub v: u32,
    pub log: &'a str,
    pub seq: u64,
    pub kind: EntryKind,
    pub at: Timestamp,
    pub body: &'a B,
}

/// The envelope as read back (body skipped): what the verifier checks against the row.
#[derive(Debug, Deserialize)]
pub struct EnvelopeHeader<'a> {
    /// Leaf format version.
    pub v: u32,
    /// Desk id.
    #[serde(borrow)]
    pub log: std::borrow::Cow<'a, str>,
    /// Position.
    pub seq: u64,
    /// Kind (kept as text so a newer docexam's kinds still verify).
    #[serde(borrow)]
    pub kind: std::borrow::Cow<'a, str>,
    /// Time written.
    #[serde(borrow)]
    pub at: std::borrow::Cow<'a, str>,
}

/// A leaf with its body parsed as `B`.
#[derive(Debug, Deserialize)]
pub struct Envelope<B> {
    /// Leaf format version.
    pub v: u32,
    /// Desk id.
    pub log: String,
    /// Position.
    pub seq: u64,
    /// Kind.
    pub kind: String,
    /// Time written.
    pub at: Timestamp,
    /// The body.
    pub body: B,
}

/// Body of the first record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogCreated {
    /// Desk id (also the `log` of every leaf).
    pub desk: String,
    /// The desk's Ed25519 public key, hex: checkpoints and exports verify against it.
    pub public_key: String,
    /// docexam version.
    pub app_version: String,
    /// The bundled SQLite version.
    pub sqlite_version: String,
}

/// Body of a settings record: the complete settings after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Keep names, birth dates and full document numbers (in the purgeable table).
    pub personal_data: bool,
    /// The supervisor passphrase's argon2id hash (PHC string); never the passphrase.
    pub supervisor_passphrase: Option<String>,
    /// What changed, in words.
    pub changed: Vec<String>,
    /// Who.
    pub by: Actor,
}

/// A person acting in a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Role.
    pub role: Role,
    /// Name or id, if given.
    pub name: Option<String>,
}

/// Body of an export record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEvent {
    /// `csv` or `jsonl`.
    pub format: String,
    /// Records in the export (the log's size when it was read).
    pub records: u64,
    /// The chain head at that size, hex.
    pub head: String,
    /// The export's file name (no folders).
    pub file: String,
    /// SHA-256 of the export file, hex.
    pub sha256: String,
    /// Whether personal data was included.
    pub personal_data: bool,
    /// Who.
    pub by: Actor,
}

/// Body of a purge record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeEvent {
    /// Personal data of inspections recorded before this date (UTC) was removed.
    pub before: String,
    /// First and last seq covered (inclusive), when any record was covered.
    pub range: Option<(u64, u64)>,
    /// How many personal data rows were removed.
    pub purged: u64,
    /// Who.
    pub by: Actor,
}

/// Body of an import record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportEvent {
    /// The other desk.
    pub desk: String,
    /// First and last seq added (inclusive).
    pub range: (u64, u64),
    /// That desk's chain head after the import, hex.
    pub head: String,
    /// SHA-256 of the export file, hex.
    pub sha256: String,
    /// Who.
    pub by: Actor,
}

/// Body of a refused import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRefused {
    /// The file name (no folders).
    pub file: String,
    /// SHA-256 of the file, hex (empty when it could not be read).
    pub sha256: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: Actor,
}

/// Body of a failed supervisor authentication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthFailed {
    /// The action that was asked for.
    pub action: String,
    /// Who claimed to be the supervisor.
    pub by: Actor,
}

/// Body of an inspection record (see the module docs for what is left out and why).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionEntry {
    /// The inspection record's version.
    pub record_version: u32,
    /// docexam version that made the inspection.
    pub app_version: String,
    /// Manual id, version, language, content hash.
    pub manual: ManualRef,
    /// Examination level.
    pub level: Level,
    /// Officer id.
    pub officer: Option<String>,
    /// Station id.
    pub station: Option<String>,
    /// Started.
    pub started_at: Timestamp,
    /// Decided.
    pub ended_at: Option<Timestamp>,
    /// `image` or `text`.
    pub source: String,
    /// SHA-256 of the image file, hex.
    pub image_sha256: Option<String>,
    /// What the MRZ said about the document.
    pub document: DocumentSummary,
    /// The MRZ verdict.
    pub mrz: MrzSummary,
    /// Every item of the manual.
    pub items: Vec<ItemEntry>,
    /// The decision.
    pub decision: DecisionEntry,
    /// `SHA-256(salt ‖ personal data)`, hex, when personal data was kept.
    pub personal_data_sha256: Option<String>,
}

/// Document facts from the MRZ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// Document code (`P`, `PN`, `ID`, `V`, ...).
    pub code: Option<String>,
    /// Issuing state or organisation (ICAO code).
    pub issuer: Option<String>,
    /// Nationality (ICAO code).
    pub nationality: Option<String>,
    /// Keyed hash of the document number, hex: the same number gives the same hash on this desk,
    /// but the number cannot be recovered or confirmed without the desk key.
    pub number_hash: Option<String>,
}

/// The MRZ reading in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrzSummary {
    /// `read`, `not_found` or `not_read`.
    pub status: String,
    /// `TD1`, `TD2`, `TD3`, `MRVA`, `MRVB`.
    pub format: Option<String>,
    /// `valid`, `invalid` or `unreadable`.
    pub verdict: Option<String>,
    /// Names of the failed check digits.
    pub failed_checks: Vec<String>,
    /// Why nothing was read.
    pub reason: Option<String>,
}

/// One item's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemEntry {
    /// Item id.
    pub id: String,
    /// Current answer.
    pub answer: Answer,
    /// Machine or officer; `None` when not answered.
    pub by: Option<AnsweredBy>,
    /// What the failure suggests (failed items only): the fraud types of the statistics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggests: Vec<FailureCode>,
    /// The officer's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The machine answer the officer overrode, and why.
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<OverrideEntry>,
}

/// An override in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideEntry {
    /// The machine's answer.
    pub machine: Answer,
    /// The officer's reason.
    pub reason: String,
}

/// The decision in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionEntry {
    /// Outcome.
    pub outcome: Outcome,
    /// Refusal grounds.
    pub refusal_reasons: Vec<RefusalReason>,
    /// Justification.
    pub justification: Option<String>,
    /// What docexam suggested.
    pub suggested: Outcome,
}

/// Personal data of one inspection, kept only when the station enables it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalData {
    /// Surname(s).
    pub primary_identifier: Option<String>,
    /// Given name(s).
    pub secondary_identifier: Option<String>,
    /// The full document number.
    pub document_number: Option<String>,
    /// Date of birth (YYYY-MM-DD).
    pub date_of_birth: Option<String>,
    /// Sex.
    pub sex: Option<String>,
}

pub use docexam_exam::inspection::{MAX_ID_CHARS, MAX_TEXT_CHARS};
/// Most items accepted in one inspection.
pub const MAX_ITEMS: usize = 1000;

impl InspectionEntry {
    /// The audit body of a decided inspection, and its personal data. `number_hash` turns a
    /// document number into its keyed hash.
    ///
    /// Refuses (with every reason) an undecided inspection, one that breaks the inspection rules,
    /// and fields beyond the size limits.
    pub fn from_inspection(
        inspection: &Inspection,
        number_hash: &dyn Fn(&str) -> String,
    ) -> Result<(Self, Option<PersonalData>), Vec<String>> {
        let mut reasons: Vec<String> = inspection.violations().iter().map(ToString::to_string).collect();
        check_sizes(inspection, &mut reasons);
        let Some(decision) = inspection.decision() else {
            reasons.push("the inspection has no decision yet: only decided inspections are recorded".into());
            return Err(reasons);
        };
        if !reasons.is_empty() {
            return Err(reasons);
        }
        let (document, mrz, personal) = summarise_mrz(inspection.mrz(), number_hash);
        let (source, image_sha256) = match inspection.source() {
            DocumentSource::Image { sha256, .. } => ("image".to_owned(), Some(sha256.clone())),
            DocumentSource::Text => ("text".to_owned(), None),
        };
        let items = inspection
            .items()
            .iter()
            .map(|item| ItemEntry {
                id: item.id.clone(),
                answer: item.answer,
                by: item.answered_by,
                suggests: if item.answer == Answer::Fail { item.failure_suggests.clone() } else { Vec::new() },
                note: item.note.clone(),
                override_: item
                    .override_
                    .as_ref()
                    .map(|o| OverrideEntry { machine: o.machine, reason: o.reason.clone() }),
            })
            .collect();
        let entry = InspectionEntry {
            record_version: inspection.record_version(),
            app_version: inspection.app_version().to_owned(),
            manual: inspection.manual().clone(),
            level: inspection.level(),
            officer: inspection.officer().map(str::to_owned),
            station: inspection.station().map(str::to_owned),
            started_at: inspection.started_at(),
            ended_at: inspection.ended_at(),
            source,
            image_sha256,
            document,
            mrz,
            items,
            decision: decision_entry(decision),
            personal_data_sha256: None,
        };
        Ok((entry, personal))
    }

    /// Failure codes of the failed items, without repeats, in first-seen order.
    pub fn fraud_types(&self) -> Vec<FailureCode> {
        let mut codes: Vec<FailureCode> = Vec::new();
        for item in &self.items {
            for code in &item.suggests {
                if !codes.contains(code) {
                    codes.push(*code);
                }
            }
        }
        codes
    }
}

fn decision_entry(decision: &Decision) -> DecisionEntry {
    DecisionEntry {
        outcome: decision.outcome,
        refusal_reasons: decision.refusal_reasons.clone(),
        justification: decision.justification.clone(),
        suggested: decision.suggested.outcome,
    }
}

fn check_sizes(inspection: &Inspection, reasons: &mut Vec<String>) {
    let check = |reasons: &mut Vec<String>, what: &str, text: Option<&str>, max: usize| {
        if let Some(text) = text {
            let chars = text.chars().count();
            if chars > max {
                reasons.push(format!("{what} is {chars} characters long; at most {max} are accepted"));
            }
            if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                reasons.push(format!("{what} contains control characters"));
            }
        }
    };
    check(reasons, "officer", inspection.officer(), MAX_ID_CHARS);
    check(reasons, "station", inspection.station(), MAX_ID_CHARS);
    check(reasons, "manual id", Some(&inspection.manual().id), MAX_ID_CHARS);
    check(reasons, "manual version", Some(&inspection.manual().version), MAX_ID_CHARS);
    check(reasons, "manual language", Some(&inspection.manual().language), MAX_ID_CHARS);
    check(reasons, "manual content hash", Some(&inspection.manual().content_hash), MAX_ID_CHARS);
    check(reasons, "app version", Some(inspection.app_version()), MAX_ID_CHARS);
    if let DocumentSource::Image { sha256, .. } = inspection.source() {
        check(reasons, "image sha256", Some(sha256), MAX_ID_CHARS);
    }
    if let Some(decision) = inspection.decision() {
        check(reasons, "justification", decision.justification.as_deref(), MAX_TEXT_CHARS);
    }
    if inspection.items().len() > MAX_ITEMS {
        reasons.push(format!("{} items; at most {MAX_ITEMS} are accepted", inspection.items().len()));
    }
    for item in inspection.items().iter().take(MAX_ITEMS) {
        check(
            reasons,
            &format!("item {} id", item.id.chars().take(20).collect::<String>()),
            Some(&item.id),
            MAX_ID_CHARS,
        );
        check(reasons, &format!("item {} note", item.id), item.note.as_deref(), MAX_TEXT_CHARS);
        if let Some(o) = &item.override_ {
            check(reasons, &format!("item {} override reason", item.id), Some(&o.reason), MAX_TEXT_CHARS);
        }
    }
}

/// Document facts, MRZ verdict and personal data from the record's MRZ evidence.
fn summarise_mrz(
    evidence: &MrzEvidence,
    number_hash: &dyn Fn(&str) -> String,
) -> (DocumentSummary, MrzSummary, Option<PersonalData>) {
    let not_read = |status: &str, reason: &str| MrzSummary {
        status: status.to_owned(),
        format: None,
        verdict: None,
        failed_checks: Vec::new(),
        reason: Some(reason.to_owned()),
    };
    match evidence {
        MrzEvidence::NotFound { reason } => (DocumentSummary::default(), not_read("not_found", reason), None),
        MrzEvidence::NotRead { reason } => (DocumentSummary::default(), not_read("not_read", reason), None),
        MrzEvidence::Read { report } => {
            let text = |value: &serde_json::Value, key: &str| {
                value.get(key).and_then(serde_json::Value::as_str).filter(|s| !s.is_empty()).map(|s| {
                    // Report fields are short; cap them so a crafted record cannot bloat the leaf.
                    s.chars().take(MAX_ID_CHARS).collect::<String>()
                })
            };
            let summary = report.get("summary").unwrap_or(&serde_json::Value::Null);
            let number = text(summary, "document_number");
            let document = DocumentSummary {
                code: text(summary, "document_code"),
                issuer: text(summary, "issuing_state"),
                nationality: text(summary, "nationality"),
                number_hash: number.as_deref().map(number_hash),
            };
            let failed_checks = report
                .get("failed_checks")
                .and_then(serde_json::Value::as_array)
                .map(|checks| {
                    checks
                        .iter()
                        .filter_map(serde_json::Value::as_str)
                        .take(16)
                        .map(|s| s.chars().take(MAX_ID_CHARS).collect())
                        .collect()
                })
                .unwrap_or_default();
            let mrz = MrzSummary {
                status: "read".into(),
                format: text(report, "format"),
                verdict: text(report, "verdict"),
                failed_checks,
                reason: None,
            };
            let personal = PersonalData {
                primary_identifier: text(summary, "primary_identifier"),
                secondary_identifier: text(summary, "secondary_identifier"),
                document_number: number,
                date_of_birth: text(summary, "date_of_birth"),
                sex: text(summary, "sex"),
            };
            (document, mrz, Some(personal))
        }
    }
}
