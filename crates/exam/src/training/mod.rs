//! Training: exercise packs of specimen documents with planted defects, their answer keys, and
//! the scoring of a trainee's inspections against them. UI-free and I/O-free except
//! [`load_pack`]; results are stored by `audit::training` in tables of their own, never mixed with
//! operational inspections.
//!
//! A pack is a folder: the document images plus `key.toml`, the answer key ([`AnswerKey`]).
//! A key is data and is validated against the manual it names ([`AnswerKey::validate`]): an item
//! id the manual does not have is an error, so a key cannot silently score nothing.
//!
//! Scoring ([`score_document`], [`score_session`]): a trainee's decided [`Inspection`] per
//! document. A document with a fraud defect that the trainee admits is a **missed fraud**; a
//! genuine document not admitted is a **false alarm**; the first costs more (weights in the key).
//! A planted defect is **found** when the trainee failed at least one of the items it is listed
//! under; items failed on a genuine document, or on items no defect names, are false findings.
//!
//! [`packs`]: where packs are found, and every pack there checked against its manual.
//! [`answers`]: a trainee's answers for a whole pack written down beforehand (exercise answers
//! files), checked against the key and applied.
//! [`summary`]: a pack's results over many sessions, per document, item and trainee.

pub mod answers;
pub mod packs;
pub mod summary;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::inspection::{Answer, AnsweredBy, Inspection, MAX_ID_CHARS, Outcome};
use crate::manual::Manual;

/// The file name of a pack's answer key.
pub const KEY_FILE: &str = "key.toml";

/// Kinds of planted defect (what the generator can plant; trainers' own packs may use `other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectKind {
    /// A digit of the MRZ changed: its check digit fails.
    MrzDigitAltered,
    /// The visual zone and the MRZ disagree (a date or number altered in one of them).
    VizMrzMismatch,
    /// The names in the visual zone and the MRZ differ.
    NameMismatch,
    /// The document has expired.
    Expired,
    /// The portrait was replaced (a different person, or the security overlap broken).
    PhotoSubstituted,
    /// The portrait area is shifted or tilted against the printed frame.
    PhotoMisaligned,
    /// Dates that cannot all be true (issue after expiry, holder too young for the document).
    InconsistentDates,
    /// MRZ characters in a wrong font or spacing.
    MrzFontAnomaly,
    /// An issuing-state code that does not exist.
    WrongIssuerCode,
    /// The laminate is lifted, cut or bubbled.
    LaminateDamage,
    /// The data page is attached in a way the issuer does not use (stitching, glue).
    PageAttachment,
    /// Page edges cut, torn or not trimmed as one block.
    EdgeDamage,
    /// A visa or stamp that cannot be right (dates, placement).
    StampImplausible,
    /// Anything else, described in words.
    Other,
}

impl DefectKind {
    /// Whether this kind makes a document fraudulent (rather than only inadmissible).
    pub fn is_fraud(self) -> bool {
        !matches!(self, DefectKind::Expired)
    }

    /// A few words for reports.
    pub fn words(self) -> &'static str {
        match self {
            DefectKind::MrzDigitAltered => "MRZ digit altered",
            DefectKind::VizMrzMismatch => "visual zone and MRZ disagree",
            DefectKind::NameMismatch => "names differ between zones",
            DefectKind::Expired => "expired",
            DefectKind::PhotoSubstituted => "photo substituted",
            DefectKind::PhotoMisaligned => "photo misaligned",
            DefectKind::InconsistentDates => "inconsistent dates",
            DefectKind::MrzFontAnomaly => "MRZ font or spacing anomaly",
            DefectKind::WrongIssuerCode => "wrong issuer code",
            DefectKind::LaminateDamage => "laminate damage",
            DefectKind::PageAttachment => "page attachment",
            DefectKind::EdgeDamage => "edge damage",
            DefectKind::StampImplausible => "implausible stamp",
            DefectKind::Other => "other",
        }
    }
}

/// One planted defect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defect {
    /// What kind.
    pub kind: DefectKind,
    /// What it is and where, in the trainer's words (shown to the trainee after scoring).
    pub description: String,
    /// Checklist items under which it should be found (any one counts).
    pub items: Vec<String>,
    /// A critical defect alone decides the document (recall is reported over these).
    #[serde(default = "default_true")]
    pub critical: bool,
    /// Where on the image, as `[x, y, width, height]` fractions of the image (0..1).
    #[serde(default)]
    pub region: Option<[f32; 4]>,
}

fn default_true() -> bool {
    true
}

/// One document of a pack and its truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyDocument {
    /// The image file, relative to the pack folder.
    pub image: String,
    /// Planted defects (empty: genuine).
    #[serde(default)]
    pub defects: Vec<Defect>,
    /// The outcome a trained officer should choose.
    pub expected_outcome: Outcome,
    /// Other outcomes that count as right (e.g. refer instead of refuse).
    #[serde(default)]
    pub also_accepted: Vec<Outcome>,
}

impl KeyDocument {
    /// Whether any planted defect makes it fraudulent.
    pub fn is_fraud(&self) -> bool {
        self.defects.iter().any(|d| d.kind.is_fraud())
    }

    /// Whether `outcome` counts as right.
    pub fn accepts(&self, outcome: Outcome) -> bool {
        outcome == self.expected_outcome || self.also_accepted.contains(&outcome)
    }
}

/// Costs of the kinds of mistake (points lost per document; a perfect document scores 100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// A fraudulent document admitted.
    pub missed_fraud: f64,
    /// A genuine document not admitted.
    pub false_alarm: f64,
    /// Any other wrong outcome (e.g. refer where refusal was expected).
    pub wrong_outcome: f64,
    /// A critical defect not found.
    pub missed_critical_defect: f64,
    /// A supporting defect not found.
    pub missed_supporting_defect: f64,
    /// An item failed that no defect names.
    pub false_finding: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            missed_fraud: 60.0,
            false_alarm: 20.0,
            wrong_outcome: 15.0,
            missed_critical_defect: 20.0,
            missed_supporting_defect: 8.0,
            false_finding: 5.0,
        }
    }
}

/// A pack's answer key (`key.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerKey {
    /// Pack id (letters, digits, `-`, `_`).
    pub id: String,
    /// Title shown to trainers.
    pub title: String,
    /// The manual the trainee follows (id); item ids are checked against it.
    pub manual: String,
    /// How the pack was made (generator and seed, or the trainer's source).
    #[serde(default)]
    pub provenance: String,
    /// The date the documents are examined on (expiry and ages are relative to it).
    pub reference_date: String,
    /// Scoring weights.
    #[serde(default)]
    pub weights: Weights,
    /// The documents, in presentation order.
    pub documents: Vec<KeyDocument>,
}

/// A problem with an answer key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyProblem {
    /// The key names a different manual than the one given.
    #[error("the key is for manual {key:?}, not {given:?}")]
    WrongManual {
        /// In the key.
        key: String,
        /// Given.
        given: String,
    },
    /// A defect names an item the manual does not have.
    #[error("document {document} ({image}): defect {defect} names item {item:?}, which manual {manual} does not have")]
    UnknownItem {
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
        /// 1-based defect number.
        defect: usize,
        /// The item id.
        item: String,
        /// The manual.
        manual: String,
    },
    /// A defect names no item at all.
    #[error("document {document} ({image}): defect {defect} names no checklist item")]
    NoItems {
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
        /// 1-based defect number.
        defect: usize,
    },
    /// A genuine document is expected to be refused, or a fraudulent one admitted.
    #[error("document {document} ({image}): expected outcome {outcome} contradicts its defects")]
    ContradictoryOutcome {
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
        /// The outcome.
        outcome: Outcome,
    },
    /// A region outside the image.
    #[error("document {document} ({image}): defect {defect} has a region outside 0..1")]
    BadRegion {
        /// 1-based document number.
        document: usize,
        /// Its image.
        image: String,
        /// 1-based defect number.
        defect: usize,
    },
    /// The same image twice, no documents, a bad id or date, negative weights.
    #[error("{0}")]
    Shape(String),
}

impl AnswerKey {
    /// Every problem of this key against `manual` (empty: usable).
    pub fn validate(&self, manual: &Manual) -> Vec<KeyProblem> {
        let mut problems = Vec::new();
        if self.manual != manual.id {
            problems.push(KeyProblem::WrongManual { key: self.manual.clone(), given: manual.id.clone() });
        }
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !id_ok {
            problems.push(KeyProblem::Shape(format!("pack id {:?}: use 1-64 letters, digits, '-' or '_'", self.id)));
        }
        if docexam_mrz::dates::CalendarDate::parse_iso(&self.reference_date).is_none() {
            problems.push(KeyProblem::Shape(format!("reference_date {:?} is not YYYY-MM-DD", self.reference_date)));
        }
        if self.documents.is_empty() {
            problems.push(KeyProblem::Shape("the key lists no documents".into()));
        }
        let w = &self.weights;
        let weights = [
            w.missed_fraud,
            w.false_alarm,
            w.wrong_outcome,
            w.missed_critical_defect,
            w.missed_supporting_defect,
            w.false_finding,
        ];
        if weights.iter().any(|x| !x.is_finite() || *x < 0.0) {
            problems.push(KeyProblem::Shape("weights must be finite and not negative".into()));
        }
        let mut images = BTreeSet::new();
        for (index, document) in self.documents.iter().enumerate() {
            let (number, image) = (index + 1, document.image.clone());
            if !images.insert(document.image.as_str()) {
                problems.push(KeyProblem::Shape(format!("document {number}: image {image} is listed twice")));
            }
            if document.image.contains("..") || Path::new(&document.image).is_absolute() {
                problems.push(KeyProblem::Shape(format!("document {number}: image {image} must be inside the pack")));
            }
            let contradicts = if document.is_fraud() {
                document.expected_outcome == Outcome::Admit
            } else {
                document.defects.is_empty() && document.expected_outcome != Outcome::Admit
            };
            if contradicts {
                problems.push(KeyProblem::ContradictoryOutcome {
                    document: number,
                    image: image.clone(),
                    outcome: document.expected_outcome,
                });
            }
            for (d, defect) in document.defects.iter().enumerate() {
                if defect.items.is_empty() {
                    problems.push(KeyProblem::NoItems { document: number, image: image.clone(), defect: d + 1 });
                }
                for item in &defect.items {
                    if manual.find_item(item).is_none() {
                        problems.push(KeyProblem::UnknownItem {
                            document: number,
                            image: image.clone(),
                            defect: d + 1,
                            item: item.clone(),
                            manual: manual.id.clone(),
                        });
                    }
                }
                if let Some([x, y, width, height]) = defect.region {
                    let inside = [x, y, width, height].iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v))
                        && x + width <= 1.0 + 1e-6
                        && y + height <= 1.0 + 1e-6;
                    if !inside {
                        problems.push(KeyProblem::BadRegion { document: number, image: image.clone(), defect: d + 1 });
                    }
                }
            }
        }
        problems
    }
}

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// The key file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key is not valid TOML of the key's shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// An image the key lists is missing.
    #[error("{path}: the key lists {image}, which is not in the pack")]
    MissingImage {
        /// The key file.
        path: PathBuf,
        /// The image.
        image: String,
    },
}

/// A pack on disk: its folder and its key (parsed, not yet validated against a manual).
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    /// The folder.
    pub dir: PathBuf,
    /// The key.
    pub key: AnswerKey,
}

impl Pack {
    /// The path of document `index`'s image.
    pub fn image_path(&self, index: usize) -> Option<PathBuf> {
        self.key.documents.get(index).map(|d| self.dir.join(&d.image))
    }
}

/// Keys are written by hand; anything this large is not one.
const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// The bytes of a key file: a regular file of at most [`MAX_KEY_BYTES`].
pub(crate) fn read_key_file(path: &Path) -> Result<Vec<u8>, PackError> {
    use docexam_files::read::{ReadError, read_file};
    read_file(path, MAX_KEY_BYTES, "answer key").map_err(|error| match error {
        ReadError::Io { source, .. } => PackError::Read { path: path.to_path_buf(), source },
        ReadError::TooLarge { limit, .. } => PackError::Parse {
            path: path.to_path_buf(),
            message: format!("more than {limit} bytes is too large for an answer key"),
        },
        ReadError::NotAFile { kind, .. } => {
            PackError::Parse { path: path.to_path_buf(), message: format!("it is {kind}, not a regular file") }
        }
        other => PackError::Parse { path: path.to_path_buf(), message: other.to_string() },
    })
}

/// Reads `dir/key.toml` and checks that every image it lists exists.
pub fn load_pack(dir: &Path) -> Result<Pack, PackError> {
    let path = dir.join(KEY_FILE);
    let bytes = read_key_file(&path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| PackError::Parse { path: path.clone(), message: "the answer key is not UTF-8 text".to_owned() })?;
    let key: AnswerKey =
        toml::from_str(&text).map_err(|e| PackError::Parse { path: path.clone(), message: e.to_string() })?;
    for document in &key.documents {
        if !dir.join(&document.image).is_file() {
            return Err(PackError::MissingImage { path, image: document.image.clone() });
        }
    }
    Ok(Pack { dir: dir.to_path_buf(), key })
}

/// How one document was scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentScore {
    /// The image.
    pub image: String,
    /// The trainee's outcome (`None`: not decided).
    pub outcome: Option<Outcome>,
    /// The expected outcome.
    pub expected: Outcome,
    /// The outcome counts as right.
    pub outcome_right: bool,
    /// A fraudulent document admitted (or left undecided).
    pub missed_fraud: bool,
    /// A genuine document not admitted.
    pub false_alarm: bool,
    /// Per planted defect (in key order): found or not.
    pub defects_found: Vec<bool>,
    /// Items failed that no defect names.
    pub false_findings: Vec<String>,
    /// Points, 0 to 100.
    pub points: f64,
    /// Seconds from start to decision (from the inspection's times).
    pub seconds: Option<i64>,
}

/// Scores one decided (or undecided) inspection against its key entry.
pub fn score_document(document: &KeyDocument, inspection: &Inspection, weights: &Weights) -> DocumentScore {
    let failed: BTreeSet<&str> = inspection
        .items()
        .iter()
        .filter(|i| i.answer == Answer::Fail && i.answered_by.is_some())
        .map(|i| i.id.as_str())
        .collect();
    let outcome = inspection.decision().map(|d| d.outcome);
    let outcome_right = outcome.is_some_and(|o| document.accepts(o));
    let missed_fraud = document.is_fraud() && outcome.is_none_or(|o| o == Outcome::Admit);
    let false_alarm =
        !document.is_fraud() && document.defects.is_empty() && outcome.is_some_and(|o| o != Outcome::Admit);
    let defects_found: Vec<bool> =
        document.defects.iter().map(|d| d.items.iter().any(|item| failed.contains(item.as_str()))).collect();
    let named: BTreeSet<&str> = document.defects.iter().flat_map(|d| d.items.iter().map(String::as_str)).collect();
    // A failure the machine gave is not the trainee's finding, right or wrong.
    let officer_failed =
        inspection.items().iter().filter(|i| i.answer == Answer::Fail && i.answered_by == Some(AnsweredBy::Officer));
    let false_findings: Vec<String> =
        officer_failed.filter(|i| !named.contains(i.id.as_str())).map(|i| i.id.clone()).collect();
    let mut lost = 0.0;
    if missed_fraud {
        lost += weights.missed_fraud;
    } else if false_alarm {
        lost += weights.false_alarm;
    } else if !outcome_right {
        lost += weights.wrong_outcome;
    }
    for (defect, found) in document.defects.iter().zip(&defects_found) {
        if !found {
            lost += if defect.critical { weights.missed_critical_defect } else { weights.missed_supporting_defect };
        }
    }
    lost += weights.false_finding * false_findings.len() as f64;
    let seconds = inspection
        .ended_at()
        .map(|end| end.unix_seconds() - inspection.started_at().unix_seconds())
        .filter(|s| *s >= 0);
    DocumentScore {
        image: document.image.clone(),
        outcome,
        expected: document.expected_outcome,
        outcome_right,
        missed_fraud,
        false_alarm,
        defects_found,
        false_findings,
        points: (100.0 - lost).clamp(0.0, 100.0),
        seconds,
    }
}

/// Hits and misses of one checklist item over a session (or many).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemTally {
    /// Planted defects listed under the item that the trainee found (under any of their items).
    pub found: u32,
    /// Planted defects listed under the item that were missed.
    pub missed: u32,
    /// Times the trainee failed the item where no defect names it.
    pub false_alarms: u32,
}

/// A whole session's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionScore {
    /// Per document, in key order (documents not attempted are absent).
    pub documents: Vec<DocumentScore>,
    /// Mean points over the key's documents (an unattempted document scores 0).
    pub points: f64,
    /// Outcomes right.
    pub outcomes_right: u32,
    /// Fraudulent documents admitted.
    pub missed_frauds: u32,
    /// Genuine documents not admitted.
    pub false_alarms: u32,
    /// Critical defects found / planted (on attempted documents).
    pub critical_found: u32,
    /// Critical defects planted.
    pub critical_planted: u32,
    /// Per item id.
    pub items: BTreeMap<String, ItemTally>,
    /// Median seconds per document.
    pub median_seconds: Option<i64>,
}

/// Scores a session: `inspections[i]` is the trainee's inspection of document `i` (or `None`).
pub fn score_session(key: &AnswerKey, inspections: &[Option<&Inspection>]) -> SessionScore {
    let mut documents = Vec::new();
    let mut items: BTreeMap<String, ItemTally> = BTreeMap::new();
    let (mut critical_found, mut critical_planted) = (0, 0);
    let mut total = 0.0;
    for (index, document) in key.documents.iter().enumerate() {
        let Some(inspection) = inspections.get(index).copied().flatten() else { continue };
        let score = score_document(document, inspection, &key.weights);
        for (defect, found) in document.defects.iter().zip(&score.defects_found) {
            if defect.critical {
                critical_planted += 1;
                critical_found += u32::from(*found);
            }
            for item in &defect.items {
                let tally = items.entry(item.clone()).or_default();
                if *found {
                    tally.found += 1;
                } else {
                    tally.missed += 1;
                }
            }
        }
        for item in &score.false_findings {
            items.entry(item.clone()).or_default().false_alarms += 1;
        }
        total += score.points;
        documents.push(score);
    }
    let mut seconds: Vec<i64> = documents.iter().filter_map(|d| d.seconds).collect();
    seconds.sort_unstable();
    SessionScore {
        points: if key.documents.is_empty() { 0.0 } else { total / key.documents.len() as f64 },
        outcomes_right: documents.iter().filter(|d| d.outcome_right).count() as u32,
        missed_frauds: documents.iter().filter(|d| d.missed_fraud).count() as u32,
        false_alarms: documents.iter().filter(|d| d.false_alarm).count() as u32,
        critical_found,
        critical_planted,
        items,
        median_seconds: seconds.get(seconds.len() / 2).copied(),
        documents,
    }
}

/// One stored attempt: the trainee's decided inspection of one document of the pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// The document's position in the key (0-based).
    pub index: usize,
    /// The document's image, as the key names it.
    pub image: String,
    /// The trainee's inspection.
    pub inspection: Inspection,
    /// Seconds the trainee spent on the document.
    pub seconds: u64,
}

/// What is wrong with `trainee` as a session's trainee (empty: nothing); the rule
/// the audit store applies when a session starts, for shells to check before they start.
pub fn trainee_problems(trainee: &str) -> Vec<String> {
    let mut reasons = Vec::new();
    id_problems(&mut reasons, "trainee", trainee);
    reasons
}

/// Adds to `reasons` what is wrong with `text` as an id (`what` names it): 1 to
/// [`MAX_ID_CHARS`] characters, no control characters.
pub fn id_problems(reasons: &mut Vec<String>, what: &str, text: &str) {
    let chars = text.trim().chars().count();
    if chars == 0 || chars > MAX_ID_CHARS {
        reasons.push(format!("the {what} must be 1 to {MAX_ID_CHARS} characters"));
    }
    if text.chars().any(char::is_control) {
        reasons.push(format!("the {what} contains control characters"));
    }
}

/// Scores stored attempts against `key` with [`score_session`]. Each key document is matched with
/// the attempt at the same image (so a key whose documents were reordered since still scores
/// right; an image no longer in the key is not scored). The seconds are the stored ones (the time
/// the trainee spent), and the median is taken over them.
pub fn score_attempts(key: &AnswerKey, attempts: &[Attempt]) -> SessionScore {
    let matched: Vec<Option<&Attempt>> =
        key.documents.iter().map(|document| attempts.iter().find(|a| a.image == document.image)).collect();
    let inspections: Vec<Option<&Inspection>> = matched.iter().map(|a| a.map(|a| &a.inspection)).collect();
    let mut score = score_session(key, &inspections);
    // `score.documents` holds the attempted documents in key order, as `matched` does.
    for (document, attempt) in score.documents.iter_mut().zip(matched.iter().flatten()) {
        document.seconds = i64::try_from(attempt.seconds).ok();
    }
    let mut seconds: Vec<i64> = score.documents.iter().filter_map(|d| d.seconds).collect();
    seconds.sort_unstable();
    score.median_seconds = seconds.get(seconds.len() / 2).copied();
    score
}

#[cfg(test)]
mod tests;
