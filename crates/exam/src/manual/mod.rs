//! Examination manuals as data: the typed model of a `manuals/*.toml` file, its code tables, and
//! loading and validation.
//!
//! A manual is one file per manual and language. Every language version of a manual carries the same
//! item ids and the same structure (level, severity, tools, failure codes, automation); only the
//! text differs. The file format is documented in `manuals/README.md`.
//!
//! - `codes`: the code tables (spellings and meanings).
//! - `load`: one file → `LoadedManual` (with its content hash) or every problem in it, by line.
//! - `validate`: the rules, for one file and for a translation against its English file.
//! - `library`: a folder of manuals checked together; lookup by id and language with English
//!   fallback.
//!
//! ```no_run
//! use docexam_exam::manual::ManualLibrary;
//! let dir = docexam_files::find_manuals_dir(None)?;
//! let library = ManualLibrary::load_dir(&dir.dir)?;
//! let chosen = library.select("first-line-quick", "fr")?;
//! if let Some(fallback) = chosen.fallback {
//!     eprintln!("{fallback}");
//! }
//! println!("{} {}", chosen.manual.manual.version, chosen.manual.content_hash);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod codes;
pub mod library;
pub mod load;
pub mod problem;
mod validate;

use serde::{Deserialize, Serialize};

pub use codes::CodeTable;
pub use library::{
    BrokenFile, LanguageFallback, LookupError, ManualLibrary, REFERENCE_LANGUAGE, ReadDirError, Selection,
};
pub use load::{LoadedManual, MAX_MANUAL_BYTES, ManualFileError, load_file, parse_manual, parse_manual_bytes};
pub use problem::{Problem, ProblemKind};

/// The file-format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// One manual in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manual {
    /// File-format version (`FORMAT_VERSION`).
    pub format: u32,
    /// Stable manual id shared by all its languages, e.g. `first-line-quick`.
    pub id: String,
    pub title: String,
    /// Content version (semantic version); recorded with every inspection.
    pub version: String,
    /// ISO 639-1 language code, e.g. `en`, `fr`.
    pub language: String,
    /// The examination level the manual is written for.
    pub level: Level,
    /// Time the manual is designed to take, for first-line manuals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_budget_seconds: Option<u32>,
    #[serde(default)]
    pub description: String,
    pub sections: Vec<Section>,
}

impl Manual {
    /// Every item with its section, in file order.
    pub fn items(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections.iter().flat_map(|section| section.items.iter().map(move |item| (section, item)))
    }

    /// The item with this id, with its section.
    pub fn find_item(&self, item_id: &str) -> Option<(&Section, &Item)> {
        self.items().find(|(_, item)| item.id == item_id)
    }
}

/// A section of a manual (the proposed model's A..S), tagged with its FALSEDOC step where one applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// One upper-case letter, unique in the manual, e.g. `C`; its items' ids start with it.
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub falsedoc: Option<FalsedocStep>,
    pub items: Vec<Item>,
}

/// One atomic check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable id, unique across the manual and shared by its translations, e.g. `C02`.
    pub id: String,
    /// The lowest examination level at which the item is done.
    pub level: Level,
    /// The question the officer answers, phrased so that "pass" means "looks right".
    pub prompt: String,
    /// What to look at and how.
    pub look_at: String,
    /// Lights and tools needed.
    #[serde(default)]
    pub tools: Vec<Tool>,
    /// What a failure of this item suggests.
    #[serde(default)]
    pub failure_suggests: Vec<FailureCode>,
    pub severity: Severity,
    /// What to do when the item fails.
    pub action: String,
    /// A machine check that pre-fills the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<AutomationHook>,
}

/// Examination level (tier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// At the desk, in seconds.
    First,
    /// In the back office, in minutes, with loupe and lights.
    Second,
    /// Forensic laboratory (referral only).
    Third,
}

/// The FALSEDOC steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FalsedocStep {
    /// Face.
    F,
    /// Altered data.
    A,
    /// Lamina.
    L,
    /// Stitching.
    S,
    /// Edges.
    E,
    /// Document number.
    D,
    /// Overseas travel.
    O,
    /// Consistency.
    C,
}

/// Severity of a failed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Critical: a confirmed failure alone is enough to stop and refer.
    S1,
    /// Major: refer unless a benign explanation is seen and recorded.
    S2,
    /// Minor: note; refer if two or more.
    S3,
    /// Indicator: context only, never the sole basis for a decision.
    S4,
}

/// Lights and tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tool {
    /// White reflected light.
    WL,
    /// Oblique (grazing) light.
    OBL,
    /// Transmitted light.
    TL,
    /// Change of viewing angle.
    TILT,
    /// Long-wave UV (365 nm).
    UV365,
    /// Short-wave UV (254 nm).
    UV254,
    /// Near infrared.
    IR,
    /// Coaxial / retro-reflective light.
    COAX,
    /// Loupe, 10x or more.
    MAG,
    /// Microscope or video spectral comparator.
    MIC,
    /// Touch.
    TCH,
    /// Chip reader.
    RFID,
    /// Camera.
    CAM,
    /// Database query.
    DB,
    /// Reference material (document reference systems, specimens).
    REF,
    /// Interview.
    INT,
    /// Legal rules.
    RULES,
    /// Machine reading of the MRZ.
    #[serde(rename = "MRZ_OCR")]
    MrzOcr,
    /// The visual inspection zone.
    VIZ,
}

/// What a failure suggests (fraud typology plus benign and tool causes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FailureCode {
    /// Counterfeit: the whole document reproduced.
    CF,
    /// Forged: photo substitution.
    #[serde(rename = "FG-PS")]
    FgPhoto,
    /// Forged: page substitution.
    #[serde(rename = "FG-PG")]
    FgPage,
    /// Forged: data alteration.
    #[serde(rename = "FG-DA")]
    FgData,
    /// Forged: visa or stamp.
    #[serde(rename = "FG-VS")]
    FgVisa,
    /// Pseudo or fantasy document.
    PS,
    /// Fraudulently obtained genuine document.
    FO,
    /// Impostor (look-alike).
    IM,
    /// Stolen blank, lost, stolen, revoked or invalidated.
    SL,
    /// Admissibility problem, not fraud (expired, no visa, ...).
    AD,
    /// Benign (wear, manufacturing variance).
    BN,
    /// Tool error: re-read before recording suspicion.
    OCR,
}

/// Machine checks that can pre-fill an item's answer from the MRZ report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AutomationHook {
    /// An MRZ was read and fits an ICAO 9303 format.
    #[serde(rename = "mrz.format")]
    MrzFormat,
    /// Every check digit is right.
    #[serde(rename = "mrz.check_digits")]
    MrzCheckDigits,
    /// The document has not expired on the inspection date.
    #[serde(rename = "mrz.expiry")]
    MrzExpiry,
    /// The date of birth is a real date, not in the future.
    #[serde(rename = "mrz.birth_date")]
    MrzBirthDate,
    /// The issuing state or organisation is a known ICAO code.
    #[serde(rename = "mrz.issuer_code")]
    MrzIssuerCode,
    /// The nationality is a known ICAO code.
    #[serde(rename = "mrz.nationality_code")]
    MrzNationalityCode,
    /// The name field is well formed (no digits, separators in place, no suspicious truncation).
    #[serde(rename = "mrz.name_integrity")]
    MrzNameIntegrity,
}
