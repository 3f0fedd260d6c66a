//! Training packs: specimen documents of fictional people, genuine or with planted defects an
//! examiner can see on the image, and their answer key ([`AnswerKey`], written as `key.toml`).
//!
//! A pack is planned first ([`plan_pack`], cheap: identities, MRZ lines, where every defect lies,
//! the key) and then rendered document by document ([`PlannedDocument::render`], a JPEG of a
//! 300 dpi colour scan). Everything is a function of (pack seed, reference date, count): a
//! document depends on its slot in the plan, and the order shown to the trainee is a seeded
//! shuffle, so file names (`doc01.jpg`...) say nothing about what is wrong.
//!
//! The defects and the items of the `falsedoc-pocket` manual they are listed under:
//!
//! | kind | on the image | items |
//! |---|---|---|
//! | `mrz_digit_altered` | one digit of the document number or date of birth in the MRZ differs from the visual zone; its check digit and the composite fail | C02, C04 (+ C09 for the number) |
//! | `viz_mrz_mismatch` | a visual-zone field (birth, number, expiry) scraped and overprinted in another ink; the MRZ keeps the old value | C04, O01, G01, G02 (+ C09) |
//! | `name_mismatch` | surname or given names in the visual zone are not the MRZ's | C04, O01 |
//! | `expired` | a genuine-looking document whose expiry is before the reference date | O02 (not critical: the manual has no expiry item) |
//! | `photo_substituted` | another face than the ghost portrait, a cut line at its edge, the seal over its corner broken off | F02, F03, F04 |
//! | `photo_misaligned` | the portrait turned and shifted against its printed frame; the seal no longer lines up | F02, F03 |
//! | `inconsistent_dates` | issued after its expiry, or issued before the holder was born | O02, O01 (+ O03) |
//! | `mrz_font_anomaly` | the MRZ date of birth and its check digits re-printed smaller and off the line, check digits recomputed; the MRZ and visual zone disagree | G01, C04 |
//! | `wrong_issuer_code` | a state that does not exist (`QQQ`...) in both zones | C07, O02 |
//! | `laminate_damage` | a bright cut line in the laminate at the portrait and a bubble beside it | H01, H02 |
//! | `page_attachment` | a glue strip along the binding edge and irregular, extra stitch holes | L06, L01 |
//! | `edge_damage` | the right edge re-cut unevenly, a dark line of separated layers along it | M02 (+ M01 on passports) |
//! | `stamp_implausible` | an entry stamp on the data page, dated before the document was issued | N05 |

use std::path::{Path, PathBuf};

use image::{RgbImage, RgbaImage};

use docexam_exam::inspection::Outcome;
use docexam_exam::training::{AnswerKey, Defect, DefectKind, KEY_FILE, KeyDocument, Weights};
use docexam_mrz::countries::{self, CodeCategory, CountryInfo};
use docexam_mrz::dates::CalendarDate;
use docexam_mrz::emit::emit;
use docexam_mrz::fields::{CheckId, FieldId};
use docexam_mrz::layout::{Format, layout};

use super::SynthError;
use super::defects::{self, Overprint, Reprint, StampSpec};
use super::degrade::{self, Raster};
use super::identity::{Identity, visual_date};
use super::render::{self, Fonts, Hooks, Mm, MrzPlacement, PageLayout, RectMm, VizField};
use super::rng::{self, Rng};

/// The manual whose items the keys name.
pub const MANUAL_ID: &str = "falsedoc-pocket";
/// Resolution of the documents in the images.
pub const DPI: f32 = 300.0;
/// JPEG quality of the images.
pub const JPEG_QUALITY: u8 = 85;
/// The most documents one pack may hold.
pub const MAX_COUNT: usize = 500;

/// Part of every document's seed, so packs and `synth` sets with the same seed differ.
const SALT_DEFECTIVE: u64 = 0x7472_6169_6e00;
const SALT_GENUINE: u64 = 0x7472_6169_6e01;
const SALT_ORDER: u64 = 0x7472_6169_6e02;

/// Why a pack could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// Rendering failed.
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The key did not serialise.
    #[error("cannot write the answer key: {0}")]
    Key(#[from] toml::ser::Error),
    /// A bad pack id or count.
    #[error("{0}")]
    Spec(String),
}

/// What pack to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSpec {
    /// Pack id (letters, digits, `-`, `_`).
    pub id: String,
    /// Seed.
    pub seed: u64,
    /// The date the documents are examined on.
    pub reference_date: CalendarDate,
    /// Documents (about a quarter genuine).
    pub count: usize,
}

impl PackSpec {
    /// The command that makes this pack (for the key's provenance and the pack's README).
    pub fn command(&self) -> String {
        format!(
            "docexam --reference-date {} synth --training-pack {} --seed {} --count {} --out DIR",
            self.reference_date, self.id, self.seed, self.count
        )
    }
}

/// A document to make: the format and the defects to plant (none: genuine).
struct Scenario {
    format: Format,
    kinds: &'static [DefectKind],
}

const fn scenario(format: Format, kinds: &'static [DefectKind]) -> Scenario {
    Scenario { format, kinds }
}

use DefectKind as K;

/// The defective documents, in slot order: every kind alone first, then combinations and second
/// variants. Packs larger than this list repeat it with fresh identities.
const SCENARIOS: [Scenario; 18] = [
    scenario(Format::Td3, &[K::MrzDigitAltered]),
    scenario(Format::Td3, &[K::VizMrzMismatch]),
    scenario(Format::Td3, &[K::NameMismatch]),
    scenario(Format::Td3, &[K::Expired]),
    scenario(Format::Td3, &[K::PhotoSubstituted]),
    scenario(Format::Td3, &[K::PhotoMisaligned]),
    scenario(Format::Td3, &[K::InconsistentDates]),
    scenario(Format::Td3, &[K::MrzFontAnomaly]),
    scenario(Format::Td1, &[K::WrongIssuerCode]),
    scenario(Format::Td3, &[K::LaminateDamage]),
    scenario(Format::Td3, &[K::PageAttachment]),
    scenario(Format::Td1, &[K::EdgeDamage]),
    scenario(Format::Td3, &[K::StampImplausible]),
    scenario(Format::Td3, &[K::PhotoSubstituted, K::LaminateDamage]),
    scenario(Format::Td1, &[K::MrzDigitAltered]),
    scenario(Format::Td3, &[K::Expired, K::VizMrzMismatch]),
    scenario(Format::Td3, &[K::PageAttachment, K::EdgeDamage]),
    scenario(Format::Td3, &[K::InconsistentDates]),
];

/// States that do not exist, for `wrong_issuer_code` (none of these codes is in the ICAO
/// table), each with a city for the place of birth and the authority.
static FANTASY_STATES: [(CountryInfo, &str); 3] = [
    (CountryInfo { code: "QQQ", name: "Republic of Quarvia", category: CodeCategory::Iso3166 }, "Quarvia City"),
    (CountryInfo { code: "QZR", name: "Free State of Zarovia", category: CodeCategory::Iso3166 }, "Zarograd"),
    (CountryInfo { code: "QKV", name: "Principality of Kovaria", category: CodeCategory::Iso3166 }, "Kovarburg"),
];

/// The fantasy states [`plan_pack`] may use (so tests can check they stay unknown to ICAO).
pub fn fantasy_codes() -> impl Iterator<Item = &'static str> {
    FANTASY_STATES.iter().map(|(c, _)| c.code)
}

/// The issuing states of the genuine-looking documents: states that issue their own passports
/// and cards (no territories, which would look like fantasy documents to a trainee), each with a
/// city for the place of birth and the issuing authority.
const STATES: [(&str, &str); 42] = [
    ("ARG", "Rosario"),
    ("AUT", "Wien"),
    ("BEL", "Liège"),
    ("BRA", "São Paulo"),
    ("CAN", "Québec"),
    ("CHE", "Zürich"),
    ("CHL", "Valparaíso"),
    ("COL", "Medellín"),
    ("CZE", "Brno"),
    ("D", "Düsseldorf"),
    ("DNK", "Århus"),
    ("ESP", "Córdoba"),
    ("EST", "Tartu"),
    ("FIN", "Jyväskylä"),
    ("FRA", "Besançon"),
    ("GBR", "Leeds"),
    ("GHA", "Kumasi"),
    ("GRC", "Pátra"),
    ("HRV", "Split"),
    ("HUN", "Győr"),
    ("IND", "Pune"),
    ("IRL", "Dún Laoghaire"),
    ("ISL", "Reykjavík"),
    ("ITA", "Bologna"),
    ("JPN", "Ōsaka"),
    ("KEN", "Mombasa"),
    ("LTU", "Kaunas"),
    ("LVA", "Rīga"),
    ("MAR", "Fès"),
    ("MEX", "Puebla"),
    ("NGA", "Lagos"),
    ("NLD", "Utrecht"),
    ("NOR", "Trondheim"),
    ("NZL", "Dunedin"),
    ("POL", "Kraków"),
    ("PRT", "Coimbra"),
    ("ROU", "Cluj-Napoca"),
    ("SEN", "Thiès"),
    ("SVK", "Košice"),
    ("SWE", "Malmö"),
    ("TUR", "İzmir"),
    ("ZAF", "Durban"),
];

/// Which page of the image a mark is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The page with the MRZ (passport data page, card back).
    Data,
    /// A card's front.
    Front,
}

/// Something drawn on a page after rendering, in drawing order.
#[derive(Debug, Clone)]
enum Mark {
    Substitute { face_seed: u64, offset: (f32, f32) },
    Misalign { degrees: f32, offset: (f32, f32) },
    Overprint { side: Side, field: VizField, text: String, ink: [u8; 3], dy_mm: f32, seed: u64 },
    Reprint { cells: Vec<(usize, usize, char)> },
    Stamp { spec: StampSpec, seed: u64 },
    Cut { path: Vec<(f32, f32)> },
    Bubble { centre: (f32, f32), rx: f32, ry: f32 },
    Glue { depth: f32, seed: u64 },
    Stitches { y: f32, seed: u64 },
    Recut { side: Side, y0: f32, y1: f32, depth: f32, seed: u64 },
}

impl Mark {
    fn rank(&self) -> u8 {
        match self {
            Mark::Substitute { .. } | Mark::Misalign { .. } => 0,
            Mark::Overprint { .. } => 1,
            Mark::Reprint { .. } => 2,
            Mark::Stamp { .. } => 3,
            Mark::Cut { .. } | Mark::Bubble { .. } => 4,
            Mark::Glue { .. } | Mark::Stitches { .. } => 5,
            Mark::Recut { .. } => 6,
        }
    }
}

/// How one document is drawn.
#[derive(Debug, Clone)]
struct Drawing {
    format: Format,
    /// What the visual zone prints (before overprints).
    viz: Identity,
    lines: Vec<String>,
    place: MrzPlacement,
    page_seed: u64,
    front_seed: u64,
    face_seed: u64,
    scan_seed: u64,
    security_ink: [u8; 3],
    marks: Vec<Mark>,
}

/// One document of a planned pack.
#[derive(Debug, Clone)]
pub struct PlannedDocument {
    /// Its entry in the answer key.
    pub key: KeyDocument,
    /// Its MRZ format (TD3 passport data page, or TD1 card: front above back).
    pub format: Format,
    /// The MRZ exactly as printed.
    pub mrz_lines: Vec<String>,
    drawing: Drawing,
}

/// A planned pack: the key and how to draw every document, in key order.
#[derive(Debug, Clone)]
pub struct PackPlan {
    /// The answer key.
    pub key: AnswerKey,
    /// The documents, in the key's order.
    pub documents: Vec<PlannedDocument>,
}

/// Where the pages lie in the final image (pixels).
#[derive(Debug, Clone, Copy)]
struct Geometry {
    mm: Mm,
    bed: (f32, f32),
    data_at: (f32, f32),
    front_at: (f32, f32),
}

impl Geometry {
    fn new(format: Format, margins: [i64; 4]) -> Self {
        let mm = Mm { dpi: DPI };
        let (w_mm, h_mm) = render::document_size(format);
        let (w, h) = mm.size(w_mm, h_mm);
        let [left, top, right, bottom] = margins.map(|m| m as f32);
        let (w, h) = (w as f32, h as f32);
        if format == Format::Td1 {
            let gap = mm.ipx(CARD_GAP_MM) as f32;
            Geometry {
                mm,
                bed: (w + left + right, 2.0 * h + gap + top + bottom),
                front_at: (left, top),
                data_at: (left, top + h + gap),
            }
        } else {
            Geometry { mm, bed: (w + left + right, h + top + bottom), data_at: (left, top), front_at: (left, top) }
        }
    }

    /// `r` on `side` as `[x, y, w, h]` fractions of the image, clipped to it, to 3 decimals.
    fn fraction(&self, side: Side, r: RectMm) -> [f32; 4] {
        let (ox, oy) = if side == Side::Front { self.front_at } else { self.data_at };
        let x0 = ((ox + self.mm.px(r.x)) / self.bed.0).clamp(0.0, 1.0);
        let y0 = ((oy + self.mm.px(r.y)) / self.bed.1).clamp(0.0, 1.0);
        let x1 = ((ox + self.mm.px(r.x + r.w)) / self.bed.0).clamp(0.0, 1.0);
        let y1 = ((oy + self.mm.px(r.y + r.h)) / self.bed.1).clamp(0.0, 1.0);
        let round = |v: f32| (v * 1000.0).round() / 1000.0;
        let (x, y) = (round(x0), round(y0));
        // Rounding must not push the far edge past 1.
        [x, y, round(x1 - x0).min(1.0 - x).max(0.0), round(y1 - y0).min(1.0 - y).max(0.0)]
    }
}

/// Gap between a card's front and back in the image.
const CARD_GAP_MM: f32 = 8.0;

fn add_days(date: CalendarDate, days: i64) -> CalendarDate {
    CalendarDate::from_unix_seconds((date.days_since_unix_epoch() + days) * 86_400)
}

/// A date from `first_year` to `last_year` (day 1-28, so it exists in every month).
fn date_in(rng: &mut Rng, first_year: i32, last_year: i32) -> CalendarDate {
    let year = rng.int(i64::from(first_year), i64::from(last_year)) as i32;
    CalendarDate { year, month: rng.int(1, 12) as u8, day: rng.int(1, 28) as u8 }
}

fn years_later(date: CalendarDate, years: i32) -> CalendarDate {
    CalendarDate { year: date.year + years, ..date }
}

/// A state of [`STATES`] and its city.
fn real_state(rng: &mut Rng) -> (&'static CountryInfo, &'static str) {
    let known: Vec<(&'static CountryInfo, &'static str)> =
        STATES.iter().filter_map(|(code, city)| countries::lookup(code).map(|info| (info, *city))).collect();
    let (fantasy, city) = &FANTASY_STATES[0];
    known.get(rng.below(known.len())).copied().unwrap_or((fantasy, city))
}

/// Sets the expiry; the issue is ten years before, and the holder keeps their age at issue.
fn set_expiry(id: &mut Identity, expiry: CalendarDate) {
    let shift = expiry.year - id.expiry.year;
    id.expiry = expiry;
    id.issue = years_later(expiry, -10);
    id.birth = years_later(id.birth, shift);
}

/// A genuine holder and document, valid on `reference`.
fn genuine_identity(rng: &mut Rng, format: Format, reference: CalendarDate) -> Identity {
    let mut id = Identity::random(&mut rng.fork(), format, false);
    let (state, city) = real_state(rng);
    id.issuing_state = state;
    id.nationality = state;
    id.place_of_birth = city;
    let expiry = date_in(rng, reference.year + 1, reference.year + 8);
    id.expiry = expiry;
    id.issue = years_later(expiry, -10);
    id.birth = date_in(rng, id.issue.year - 70, id.issue.year - 19);
    id
}

/// Everything a defect may change while a document is planned.
struct Draft<'a> {
    format: Format,
    reference: CalendarDate,
    /// The truth: what a genuine document for this holder would say.
    truth: Identity,
    /// What the MRZ says.
    mrz: Identity,
    /// What the visual zone prints.
    viz: Identity,
    /// The MRZ lines (after the identity stage).
    lines: Vec<String>,
    marks: Vec<Mark>,
    data: &'a PageLayout,
    front: &'a PageLayout,
    fonts: &'a Fonts,
}

impl Draft<'_> {
    /// The page and layout a visual-zone field of this document is on.
    fn viz_cell(&self, field: VizField) -> (Side, RectMm, Option<render::CellBox>) {
        let (side, layout) = match self.format {
            Format::Td1 if self.front.cell(field).is_some() => (Side::Front, self.front),
            _ => (Side::Data, self.data),
        };
        match layout.cell(field) {
            Some(cell) => (side, cell.value_rect(), Some(*cell)),
            None => (side, RectMm::new(0.0, 0.0, layout.size_mm.0, layout.size_mm.1), None),
        }
    }

    /// The page with the portrait.
    fn portrait(&self) -> (Side, RectMm) {
        let (side, layout) =
            if self.format == Format::Td1 { (Side::Front, self.front) } else { (Side::Data, self.data) };
        (side, layout.portrait.unwrap_or(RectMm::new(6.0, 11.0, 30.0, 40.0)))
    }

    fn mrz_cells(&self, line: usize, first: usize, last: usize) -> RectMm {
        self.data.mrz_cells(line, first, last).unwrap_or(RectMm::new(0.0, 0.0, 1.0, 1.0))
    }
}

fn field_span(format: Format, id: FieldId) -> Option<(usize, usize, usize)> {
    layout(format)
        .fields
        .iter()
        .find(|f| f.id == id)
        .map(|f| (usize::from(f.span.line), usize::from(f.span.start), f.span.end()))
}

fn check_position(format: Format, id: CheckId) -> Option<(usize, usize)> {
    layout(format).checks.iter().find(|c| c.id == id).map(|c| (usize::from(c.digit.line), usize::from(c.digit.start)))
}

fn mrz_slice(lines: &[String], line: usize, start: usize, end: usize) -> String {
    lines.get(line).and_then(|l| l.get(start..end)).unwrap_or("").to_owned()
}

/// Which variant of its kind a defect is: the kinds' earlier uses in the pack, counted.
fn variant(slot: usize, kind: DefectKind) -> usize {
    (0..slot).filter(|&s| SCENARIOS.get(s % SCENARIOS.len()).is_some_and(|sc| sc.kinds.contains(&kind))).count()
}

fn items(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Stage 1: what the defect changes in the holder's data (before the MRZ is written).
fn alter_identity(kind: DefectKind, which: usize, draft: &mut Draft<'_>, rng: &mut Rng) {
    let reference = draft.reference;
    match kind {
        K::Expired => {
            let expiry = date_in(rng, reference.year - 4, reference.year - 1);
            for id in [&mut draft.truth, &mut draft.mrz, &mut draft.viz] {
                set_expiry(id, expiry);
            }
        }
        K::InconsistentDates if !which.is_multiple_of(2) => {
            // Born a year after the document was issued.
            let expiry = date_in(rng, reference.year + 4, reference.year + 8);
            let birth = date_in(rng, expiry.year - 9, expiry.year - 9);
            for id in [&mut draft.truth, &mut draft.mrz, &mut draft.viz] {
                set_expiry(id, expiry);
                id.birth = birth;
            }
        }
        K::InconsistentDates => {
            // Issued after it expires (the MRZ carries no date of issue).
            draft.viz.issue = date_in(rng, draft.viz.expiry.year + 1, draft.viz.expiry.year + 2);
        }
        K::WrongIssuerCode => {
            let (state, city) = &FANTASY_STATES[rng.below(FANTASY_STATES.len())];
            for id in [&mut draft.truth, &mut draft.mrz, &mut draft.viz] {
                id.issuing_state = state;
                id.nationality = state;
                id.place_of_birth = city;
            }
        }
        K::NameMismatch => {
            let mut other = Identity::random(&mut rng.fork(), draft.format, false);
            for _ in 0..50 {
                let differs = if which.is_multiple_of(2) {
                    other.surname != draft.viz.surname
                } else {
                    other.sex == draft.viz.sex && other.given_names != draft.viz.given_names
                };
                if differs {
                    break;
                }
                other = Identity::random(&mut rng.fork(), draft.format, false);
            }
            if which.is_multiple_of(2) || other.sex != draft.viz.sex {
                draft.viz.surname = other.surname;
            } else {
                draft.viz.given_names = other.given_names;
            }
        }
        K::MrzFontAnomaly => {
            draft.mrz.birth = years_later(draft.mrz.birth, -(rng.int(3, 8) as i32));
        }
        _ => {}
    }
}

/// Stage 2: what the defect changes in the printed MRZ lines; stage 3: what it draws, and its
/// key entry.
fn plant(
    kind: DefectKind,
    which: usize,
    combined: &[DefectKind],
    draft: &mut Draft<'_>,
    geometry: &Geometry,
    rng: &mut Rng,
) -> Result<Defect, SynthError> {
    let format = draft.format;
    let reference = draft.reference;
    let is_td3 = format == Format::Td3;
    let (side, region, description, item_list): (Side, RectMm, String, Vec<&str>) = match kind {
        K::MrzDigitAltered => {
            let (field, check, name) = if which.is_multiple_of(2) {
                (FieldId::DocumentNumber, CheckId::DocumentNumber, "document number")
            } else {
                (FieldId::DateOfBirth, CheckId::DateOfBirth, "date of birth")
            };
            let (line, start, end) = field_span(format, field).ok_or(SynthError::NoCheckDigit)?;
            let before = mrz_slice(&draft.lines, line, start, end);
            let candidates: Vec<usize> = before
                .char_indices()
                .filter(|(i, c)| c.is_ascii_digit() && (field != FieldId::DateOfBirth || *i < 2))
                .map(|(i, _)| start + i)
                .collect();
            let col = *rng.pick(&candidates).ok_or(SynthError::NoCheckDigit)?;
            let mut bytes = draft.lines.get(line).map(|l| l.as_bytes().to_vec()).unwrap_or_default();
            if let Some(b) = bytes.get_mut(col) {
                *b = b'0' + (*b - b'0' + rng.int(1, 9) as u8) % 10;
            }
            if let Some(l) = draft.lines.get_mut(line) {
                *l = String::from_utf8_lossy(&bytes).into_owned();
            }
            let after = mrz_slice(&draft.lines, line, start, end);
            let (_, check_col) = check_position(format, check).ok_or(SynthError::NoCheckDigit)?;
            let viz_value = if field == FieldId::DocumentNumber {
                draft.viz.document_number.clone()
            } else {
                visual_date(draft.viz.birth)
            };
            let text = format!(
                "MRZ line {}, {name}: printed {} (position {}), where the visual zone has {viz_value}; the {name} \
                 check digit and the composite check digit fail.",
                line + 1,
                after.trim_end_matches('<'),
                col + 1
            );
            let mut list = vec!["C02", "C04"];
            if field == FieldId::DocumentNumber {
                list.push("C09");
            }
            (Side::Data, draft.mrz_cells(line, start, check_col.max(start)), text, list)
        }
        K::VizMrzMismatch => {
            let expiry_variant = combined.contains(&K::Expired);
            let (field, text, mrz_value, what) = if expiry_variant {
                let later = date_in(rng, reference.year + 1, reference.year + 3);
                draft.viz.expiry = later;
                (VizField::Expiry, visual_date(later), visual_date(draft.mrz.expiry), "date of expiry")
            } else if which.is_multiple_of(2) {
                let younger = years_later(draft.mrz.birth, rng.int(4, 9) as i32);
                draft.viz.birth = younger;
                (VizField::Birth, visual_date(younger), visual_date(draft.mrz.birth), "date of birth")
            } else {
                let number: String = draft.mrz.document_number.clone();
                let digits: Vec<usize> =
                    number.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
                let at = rng.pick(&digits).copied().unwrap_or(0);
                let changed: String = number
                    .char_indices()
                    .map(|(i, c)| match c.to_digit(10) {
                        Some(d) if i == at => char::from(b'0' + ((d + rng.int(1, 9) as u32) % 10) as u8),
                        _ => c,
                    })
                    .collect();
                draft.viz.document_number = changed.clone();
                (VizField::Number, changed, number, "document number")
            };
            let (side, region, _) = draft.viz_cell(field);
            let ink = *rng.pick(&[[58, 46, 92], [78, 56, 38], [36, 58, 96]]).unwrap_or(&[58, 46, 92]);
            let dy_mm = rng.range_f32(0.12, 0.28);
            draft.marks.push(Mark::Overprint { side, field, text: text.clone(), ink, dy_mm, seed: rng.next_u64() });
            let description = format!(
                "The {what} in the visual zone ({text}) is not the MRZ's ({mrz_value}): the field was scraped (faded \
                 background print) and overprinted in a slightly different ink, off the baseline."
            );
            let mut list = vec!["C04", "O01", "G01", "G02"];
            if field == VizField::Number {
                list.push("C09");
            }
            (side, region, description, list)
        }
        K::NameMismatch => {
            let (field, viz_value, mrz_value, what) = if draft.viz.surname != draft.mrz.surname {
                (VizField::Surname, &draft.viz.surname, &draft.mrz.surname, "surname")
            } else {
                (VizField::GivenNames, &draft.viz.given_names, &draft.mrz.given_names, "given names")
            };
            let description = format!(
                "The {what} in the visual zone ({}) is not the one in the MRZ ({}).",
                viz_value.to_uppercase(),
                mrz_value.to_uppercase()
            );
            let (side, region, _) = draft.viz_cell(field);
            (side, region, description, vec!["C04", "O01"])
        }
        K::Expired => {
            let (side, region, _) = draft.viz_cell(VizField::Expiry);
            let description = format!(
                "Expired on {} (reference date {reference}): not a fraud, but not a valid travel document (refusal \
                 ground A). The falsedoc-pocket manual has no expiry item; O02 (the document's dates) is the nearest.",
                draft.mrz.expiry
            );
            (side, region, description, vec!["O02"])
        }
        K::PhotoSubstituted => {
            let (side, portrait) = draft.portrait();
            let offset = (rng.range_f32(0.2, 0.5), rng.range_f32(0.1, 0.4));
            draft.marks.push(Mark::Substitute { face_seed: rng.next_u64(), offset });
            let description = "The portrait was replaced: the face is not the one in the ghost portrait, a bright cut \
                               line runs along its top and left edges, and the seal over its corner stops at the \
                               portrait's edge."
                .to_owned();
            (side, portrait.union(seal_box(portrait)).grow(1.0), description, vec!["F02", "F03", "F04"])
        }
        K::PhotoMisaligned => {
            let (side, portrait) = draft.portrait();
            let degrees = rng.sign() as f32 * rng.range_f32(1.8, 3.5);
            let offset = (rng.sign() as f32 * rng.range_f32(0.6, 1.2), rng.sign() as f32 * rng.range_f32(0.4, 0.9));
            draft.marks.push(Mark::Misalign { degrees, offset });
            let description = format!(
                "The portrait is turned by {:.1}° and shifted against its printed frame; the seal over its corner no \
                 longer lines up across the portrait's edge, and a strip of glue-stained paper shows beside it.",
                degrees.abs()
            );
            (side, portrait.union(seal_box(portrait)).grow(2.0), description, vec!["F02", "F03"])
        }
        K::InconsistentDates => {
            if draft.viz.birth > draft.viz.issue {
                let (side, birth, _) = draft.viz_cell(VizField::Birth);
                let (_, issue, _) = draft.viz_cell(VizField::Issue);
                let description = format!(
                    "The date of birth ({}) is after the date of issue ({}): the document was issued before its \
                     holder was born, and the portrait shows an adult.",
                    visual_date(draft.viz.birth),
                    visual_date(draft.viz.issue)
                );
                (side, birth.union(issue), description, vec!["O02", "O01", "O03"])
            } else {
                let (side, issue, _) = draft.viz_cell(VizField::Issue);
                let (_, expiry, _) = draft.viz_cell(VizField::Expiry);
                let description = format!(
                    "The date of issue ({}) is after the date of expiry ({}).",
                    visual_date(draft.viz.issue),
                    visual_date(draft.viz.expiry)
                );
                (side, issue.union(expiry), description, vec!["O02", "O01"])
            }
        }
        K::MrzFontAnomaly => {
            let honest = emit(format, &draft.truth.mrz_fields())?;
            let (line, start, _) = field_span(format, FieldId::DateOfBirth).ok_or(SynthError::NoCheckDigit)?;
            let (_, check_col) = check_position(format, CheckId::DateOfBirth).ok_or(SynthError::NoCheckDigit)?;
            let mut cells = Vec::new();
            for (l, (printed, genuine)) in draft.lines.iter().zip(&honest).enumerate() {
                for (c, (a, b)) in printed.chars().zip(genuine.chars()).enumerate() {
                    if a != b {
                        cells.push((l, c, a));
                    }
                }
            }
            let last = cells.iter().filter(|(l, c, _)| *l == line && *c <= check_col).map(|(_, c, _)| *c).max();
            let first = cells.iter().filter(|(l, _, _)| *l == line).map(|(_, c, _)| *c).min();
            let region = draft.mrz_cells(line, first.unwrap_or(start), last.unwrap_or(check_col));
            let description = format!(
                "MRZ line {}: the date of birth ({}) and its check digits are re-printed smaller, higher and shifted \
                 right against the other characters; it is not the visual zone's date of birth ({}). The check digits \
                 were recomputed, so they pass.",
                line + 1,
                mrz_slice(&draft.lines, line, start, start + 6),
                visual_date(draft.viz.birth)
            );
            draft.marks.push(Mark::Reprint { cells });
            (Side::Data, region, description, vec!["G01", "C04"])
        }
        K::WrongIssuerCode => {
            let state = draft.mrz.issuing_state;
            let (line, start, end) = field_span(format, FieldId::IssuingState).ok_or(SynthError::NoCheckDigit)?;
            let description = format!(
                "Issuing state {} ({}) in the visual zone and the MRZ alike: there is no such state and no such ICAO \
                 code, so no reference and no numbering scheme exist for it (a fantasy document). The zones agree; \
                 the MRZ reader reports an unknown code.",
                state.code,
                state.name.to_uppercase()
            );
            (Side::Data, draft.mrz_cells(line, start, end.saturating_sub(1)), description, vec!["C07", "O02"])
        }
        K::LaminateDamage => {
            let (side, p) = draft.portrait();
            let from = (p.x + p.w - rng.range_f32(5.0, 8.0), p.y - rng.range_f32(1.0, 2.5));
            let to = (p.x + p.w + rng.range_f32(6.0, 10.0), p.y + p.h * rng.range_f32(0.45, 0.6));
            let path = defects::cut_path(rng, from, to);
            let centre = (p.x + p.w + rng.range_f32(1.5, 4.0), p.y + p.h * rng.range_f32(0.6, 0.75));
            let (rx, ry) = (rng.range_f32(3.0, 4.2), rng.range_f32(2.0, 3.0));
            let region =
                cut_bounds(&path).union(RectMm::new(centre.0 - rx, centre.1 - ry, 2.0 * rx, 2.0 * ry)).grow(0.6);
            draft.marks.push(Mark::Cut { path });
            draft.marks.push(Mark::Bubble { centre, rx, ry });
            let description = "The laminate is cut along a jagged diagonal line across the portrait's upper corner \
                               (a bright line with its shadow) and lifted in a bubble beside the portrait."
                .to_owned();
            (side, region, description, vec!["H01", "H02"])
        }
        K::PageAttachment => {
            let depth = rng.range_f32(2.6, 3.4);
            let y = rng.range_f32(1.2, 1.8);
            draft.marks.push(Mark::Glue { depth, seed: rng.next_u64() });
            draft.marks.push(Mark::Stitches { y, seed: rng.next_u64() });
            let (w, _) = draft.data.size_mm;
            let description = "The data page is glued in along the binding edge (a yellowish strip of glue) and sewn \
                               with irregular, doubled stitch holes and loose thread: not how the issuer attaches it."
                .to_owned();
            (Side::Data, RectMm::new(0.0, 0.0, w, depth + 1.6), description, vec!["L06", "L01"])
        }
        K::EdgeDamage => {
            let (w, _) = draft.data.size_mm;
            let clear = draft.data.mrz.map_or(40.0, |p| p.clear_top_mm(draft.lines.len()));
            let (y0, y1, depth) = if is_td3 {
                (rng.range_f32(12.0, 22.0), clear - rng.range_f32(1.0, 6.0), rng.range_f32(2.5, 4.0))
            } else {
                (rng.range_f32(3.0, 8.0), clear - 1.0, rng.range_f32(2.0, 2.8))
            };
            draft.marks.push(Mark::Recut { side: Side::Data, y0, y1, depth, seed: rng.next_u64() });
            let description = format!(
                "The right edge of the {} is re-cut unevenly (up to {:.1} mm in) with a dark line of separated \
                 layers along the cut.",
                if is_td3 { "data page" } else { "card" },
                depth
            );
            let list = if is_td3 { vec!["M02", "M01"] } else { vec!["M02"] };
            (Side::Data, RectMm::new(w - depth - 1.0, y0, depth + 1.0, y1 - y0), description, list)
        }
        K::StampImplausible => {
            let date = add_days(draft.viz.issue, -rng.int(40, 700));
            let crossing = rng.pick_str(
                &["BORDER POST 3", "PORT NORD 07", "AÉROPORT T2", "GRENZÜBERGANG 14", "HARBOUR GATE 5"],
                "BORDER POST 3",
            );
            let lines = vec![
                "ENTRY / ENTRÉE".to_owned(),
                crossing.to_owned(),
                format!("{:02}.{:02}.{}", date.day, date.month, date.year),
                format!("{:03}", rng.int(1, 999)),
            ];
            let ink = *rng.pick(&[[96, 44, 128], [40, 62, 150], [150, 40, 60]]).unwrap_or(&[96, 44, 128]);
            let (w, _) = draft.data.size_mm;
            let centre = (rng.range_f32(w - 45.0, w - 25.0), rng.range_f32(33.0, 48.0));
            let degrees = rng.sign() as f32 * rng.range_f32(5.0, 20.0);
            let spec = StampSpec { centre, lines, ink, degrees };
            let region = stamp_box(draft.fonts, &spec);
            draft.marks.push(Mark::Stamp { spec, seed: rng.next_u64() });
            let description = format!(
                "An entry stamp dated {:02}.{:02}.{} is printed on the data page itself (stamps go on visa pages), and \
                 it is older than the document (issued {}).",
                date.day,
                date.month,
                date.year,
                visual_date(draft.viz.issue)
            );
            (Side::Data, region, description, vec!["N05"])
        }
        K::Other => (Side::Data, RectMm::new(0.0, 0.0, 1.0, 1.0), "other".to_owned(), vec!["O01"]),
    };
    Ok(Defect {
        kind,
        description,
        items: items(&item_list),
        critical: kind != K::Expired,
        region: Some(geometry.fraction(side, region)),
    })
}

/// Where [`defects::security_print`] puts the seal for `portrait`.
fn seal_box(portrait: RectMm) -> RectMm {
    let centre = (portrait.x + portrait.w - 1.5, portrait.y + portrait.h - 1.0);
    RectMm::new(centre.0 - 6.5, centre.1 - 6.5, 13.0, 13.0)
}

fn cut_bounds(path: &[(f32, f32)]) -> RectMm {
    path.iter()
        .fold(None, |acc: Option<RectMm>, &(x, y)| {
            let point = RectMm::new(x, y, 0.0, 0.0);
            Some(acc.map_or(point, |r| r.union(point)))
        })
        .unwrap_or(RectMm::new(0.0, 0.0, 0.0, 0.0))
        .grow(0.5)
}

/// The box a stamp covers once turned.
fn stamp_box(fonts: &Fonts, spec: &StampSpec) -> RectMm {
    let (w, h) = defects::stamp_size_mm(fonts, Mm { dpi: DPI }, &spec.lines);
    let (sin, cos) = spec.degrees.to_radians().sin_cos();
    let (bw, bh) = (w * cos.abs() + h * sin.abs(), w * sin.abs() + h * cos.abs());
    RectMm::new(spec.centre.0 - bw / 2.0, spec.centre.1 - bh / 2.0, bw, bh).grow(0.4)
}

/// One document's plan from its slot.
fn plan_document(spec: &PackSpec, slot: Slot, fonts: &Fonts, image: String) -> Result<PlannedDocument, SynthError> {
    let (format, kinds, seed): (Format, &[DefectKind], u64) = match slot {
        Slot::Defective(i) => {
            let scenario = &SCENARIOS[i % SCENARIOS.len()];
            (scenario.format, scenario.kinds, rng::mix(spec.seed, SALT_DEFECTIVE, i as u64))
        }
        Slot::Genuine(i) => {
            let format = if i % 3 == 1 { Format::Td1 } else { Format::Td3 };
            (format, &[], rng::mix(spec.seed, SALT_GENUINE, i as u64))
        }
    };
    let mut rng = Rng::new(seed);
    let identity = genuine_identity(&mut rng, format, spec.reference_date);
    let place = MrzPlacement::random(&mut rng.fork(), format);
    let data = render::document_layout(format, place, format.line_count());
    let front = render::card_front_layout();
    // `degrade::scan` draws the bed margins first, so a generator with the same seed tells them.
    let scan_seed = rng.next_u64();
    let geometry = Geometry::new(format, degrade::scan_margins(&mut Rng::new(scan_seed), DPI));
    let mut drawing = Drawing {
        format,
        viz: identity.clone(),
        lines: Vec::new(),
        place,
        page_seed: rng.next_u64(),
        front_seed: rng.next_u64(),
        face_seed: rng.next_u64(),
        scan_seed,
        security_ink: *rng
            .pick(&[[70, 60, 130], [40, 100, 90], [120, 60, 80], [60, 90, 140]])
            .unwrap_or(&[70, 60, 130]),
        marks: Vec::new(),
    };
    let mut draft = Draft {
        format,
        reference: spec.reference_date,
        truth: identity.clone(),
        mrz: identity.clone(),
        viz: identity,
        lines: Vec::new(),
        marks: Vec::new(),
        data: &data,
        front: &front,
        fonts,
    };
    let mut defect_rngs: Vec<Rng> = kinds.iter().map(|_| rng.fork()).collect();
    let slot_index = match slot {
        Slot::Defective(i) => i,
        Slot::Genuine(_) => 0,
    };
    for (kind, r) in kinds.iter().zip(defect_rngs.iter_mut()) {
        alter_identity(*kind, variant(slot_index, *kind), &mut draft, r);
    }
    draft.lines = emit(format, &draft.mrz.mrz_fields())?;
    let mut key_defects = Vec::new();
    for (kind, r) in kinds.iter().zip(defect_rngs.iter_mut()) {
        key_defects.push(plant(*kind, variant(slot_index, *kind), kinds, &mut draft, &geometry, r)?);
    }
    let fraud = kinds.iter().any(|k| k.is_fraud());
    let (expected_outcome, also_accepted) = if fraud {
        (Outcome::Refuse, vec![Outcome::ReferSecondLine, Outcome::Seize])
    } else if kinds.is_empty() {
        (Outcome::Admit, vec![])
    } else {
        (Outcome::Refuse, vec![Outcome::ReferSecondLine])
    };
    let mut marks = draft.marks;
    marks.sort_by_key(Mark::rank);
    drawing.viz = draft.viz;
    drawing.lines = draft.lines.clone();
    drawing.marks = marks;
    Ok(PlannedDocument {
        key: KeyDocument { image, defects: key_defects, expected_outcome, also_accepted },
        format,
        mrz_lines: draft.lines,
        drawing,
    })
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Defective(usize),
    Genuine(usize),
}

/// Plans a pack: about a quarter genuine, the rest with the defects of the scenario list (every
/// kind appears once the pack has at least 17 documents), in a seeded order.
pub fn plan_pack(spec: &PackSpec) -> Result<PackPlan, GenerateError> {
    let id_ok = !spec.id.is_empty()
        && spec.id.len() <= 64
        && spec.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        return Err(GenerateError::Spec(format!("pack id {:?}: use 1-64 letters, digits, '-' or '_'", spec.id)));
    }
    if spec.count == 0 || spec.count > MAX_COUNT {
        return Err(GenerateError::Spec(format!("a pack holds 1 to {MAX_COUNT} documents, not {}", spec.count)));
    }
    let genuine = (spec.count + 2) / 4;
    let mut slots: Vec<Slot> = (0..spec.count - genuine).map(Slot::Defective).collect();
    slots.extend((0..genuine).map(Slot::Genuine));
    let mut order = Rng::new(rng::mix(spec.seed, SALT_ORDER, spec.count as u64));
    for i in (1..slots.len()).rev() {
        let j = order.below(i + 1);
        slots.swap(i, j);
    }
    let fonts = Fonts::load()?;
    let width = spec.count.to_string().len().max(2);
    let documents = slots
        .iter()
        .enumerate()
        .map(|(n, slot)| plan_document(spec, *slot, &fonts, format!("doc{:0width$}.jpg", n + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let key = AnswerKey {
        id: spec.id.clone(),
        title: format!(
            "{} specimen documents of fictional people ({genuine} genuine), generated for the FALSEDOC steps",
            spec.count
        ),
        manual: MANUAL_ID.to_owned(),
        provenance: format!(
            "generated by docexam's synth::pack (src/synth/pack.rs), seed {}: {}. Every identity is fictional.",
            spec.seed,
            spec.command()
        ),
        reference_date: spec.reference_date.to_string(),
        weights: Weights::default(),
        documents: documents.iter().map(|d| d.key.clone()).collect(),
    };
    Ok(PackPlan { key, documents })
}

/// `key.toml` as [`generate_pack`] writes it.
pub fn key_toml(key: &AnswerKey) -> Result<String, toml::ser::Error> {
    let mut text = String::from(
        "# Answer key of a generated training pack (docexam synth --training-pack). Generated: do not edit by \
         hand;\n# regenerate with the command in `provenance`.\n\n",
    );
    text.push_str(&toml::to_string_pretty(key)?);
    Ok(text)
}

/// Plans, renders and writes a pack: `out_dir/doc01.jpg`... and `out_dir/key.toml`. Returns the key.
pub fn generate_pack(
    out_dir: &Path,
    id: &str,
    seed: u64,
    reference_date: CalendarDate,
    count: usize,
) -> Result<AnswerKey, GenerateError> {
    let plan = plan_pack(&PackSpec { id: id.to_owned(), seed, reference_date, count })?;
    std::fs::create_dir_all(out_dir).map_err(|source| GenerateError::Write { path: out_dir.to_path_buf(), source })?;
    let fonts = Fonts::load()?;
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let written = super::run_parallel(&plan.documents, workers, |doc| -> Result<(), GenerateError> {
        let bytes = doc.render(&fonts)?;
        let path = out_dir.join(&doc.key.image);
        std::fs::write(&path, bytes).map_err(|source| GenerateError::Write { path, source })
    });
    written.into_iter().collect::<Result<Vec<()>, _>>()?;
    let path = out_dir.join(KEY_FILE);
    std::fs::write(&path, key_toml(&plan.key)?).map_err(|source| GenerateError::Write { path, source })?;
    Ok(plan.key)
}

impl PlannedDocument {
    /// The image file (JPEG): the page(s) with every mark, on a flatbed scan.
    pub fn render(&self, fonts: &Fonts) -> Result<Vec<u8>, SynthError> {
        let d = &self.drawing;
        let mm = Mm { dpi: DPI };
        let data_layout = render::document_layout(d.format, d.place, d.lines.len());
        let front_layout = render::card_front_layout();
        let portrait_rect = if d.format == Format::Td1 { front_layout.portrait } else { data_layout.portrait };
        let portrait_rect = portrait_rect.unwrap_or(RectMm::new(6.0, 11.0, 30.0, 40.0));
        let face =
            render::portrait(&mut Rng::new(d.face_seed), mm.px(portrait_rect.w) as u32, mm.px(portrait_rect.h) as u32);
        let hooks = Hooks { place: Some(d.place), face: Some(&face) };
        let mut data =
            render::render_document_with(fonts, &mut Rng::new(d.page_seed), d.format, &d.viz, &d.lines, DPI, hooks);
        let mut front = (d.format == Format::Td1)
            .then(|| render::render_card_front_with(fonts, &mut Rng::new(d.front_seed), &d.viz, DPI, hooks));
        {
            let with_portrait: &mut RgbImage = front.as_mut().unwrap_or(&mut data);
            defects::security_print(with_portrait, mm, portrait_rect, d.security_ink);
        }
        if d.format != Format::Td1 {
            let (w, _) = data_layout.size_mm;
            let ghost = RectMm::new(w - 24.0, 26.0, 17.0, 22.0);
            defects::ghost_portrait(&mut data, mm, &face, ghost, 0.3);
        }
        let mut recuts = Vec::new();
        for mark in &d.marks {
            match mark {
                Mark::Substitute { face_seed, offset } => {
                    // Of a few strangers, the one least like the holder.
                    let other = (0..6)
                        .map(|k| {
                            render::portrait(&mut Rng::new(rng::mix(*face_seed, k, 0)), face.width(), face.height())
                        })
                        .max_by_key(|candidate| difference(candidate, &face))
                        .unwrap_or_else(|| face.clone());
                    let target = front.as_mut().unwrap_or(&mut data);
                    defects::substitute_portrait(target, mm, portrait_rect, &other, *offset);
                }
                Mark::Misalign { degrees, offset } => {
                    let target = front.as_mut().unwrap_or(&mut data);
                    let under = defects::paper_near(target, mm, portrait_rect.grow(3.0));
                    defects::misalign_portrait(target, mm, portrait_rect, *degrees, *offset, under);
                }
                Mark::Overprint { side, field, text, ink, dy_mm, seed } => {
                    let (target, layout) = match (side, front.as_mut()) {
                        (Side::Front, Some(f)) => (f, &front_layout),
                        _ => (&mut data, &data_layout),
                    };
                    if let Some(cell) = layout.cell(*field) {
                        let print = Overprint { text, ink: *ink, dy_mm: *dy_mm };
                        defects::overprint_value(target, fonts, mm, cell, print, &mut Rng::new(*seed));
                    }
                }
                Mark::Reprint { cells } => {
                    let style = Reprint { scale: 0.84, dx_mm: 0.35, dy_mm: -0.35, ink: [78, 78, 86] };
                    defects::reprint_mrz(&mut data, fonts, mm, &data_layout, cells, style);
                }
                Mark::Stamp { spec, seed } => {
                    defects::stamp(&mut data, fonts, mm, spec, &mut Rng::new(*seed));
                }
                Mark::Cut { path } => {
                    let target = front.as_mut().unwrap_or(&mut data);
                    defects::laminate_cut(target, mm, path);
                }
                Mark::Bubble { centre, rx, ry } => {
                    let target = front.as_mut().unwrap_or(&mut data);
                    defects::laminate_bubble(target, mm, *centre, *rx, *ry);
                }
                Mark::Glue { depth, seed } => {
                    defects::glue_strip(&mut data, mm, *depth, &mut Rng::new(*seed));
                }
                Mark::Stitches { y, seed } => {
                    let (w, _) = data_layout.size_mm;
                    defects::stitch_holes(&mut data, mm, *y, 4.0, w - 4.0, &mut Rng::new(*seed));
                }
                Mark::Recut { .. } => recuts.push(mark.clone()),
            }
        }
        let corner = mm.px(if d.format == Format::Td1 { 3.18 } else { 2.5 });
        let mut data_card = degrade::rounded_card(&data, corner);
        let mut front_card = front.as_ref().map(|f| degrade::rounded_card(f, corner));
        for mark in &recuts {
            if let Mark::Recut { side, y0, y1, depth, seed } = mark {
                let card = match (side, front_card.as_mut()) {
                    (Side::Front, Some(f)) => f,
                    _ => &mut data_card,
                };
                defects::recut_right_edge(card, mm, *y0, *y1, *depth, &mut Rng::new(*seed));
            }
        }
        let card = match front_card {
            Some(front) => stack_cards(&front, &data_card, mm.ipx(CARD_GAP_MM).max(0) as u32),
            None => data_card,
        };
        let bed = degrade::scan(&card, &mut Rng::new(d.scan_seed), DPI);
        let (jpeg, _) = Raster::Rgb(bed).jpeg(JPEG_QUALITY)?;
        Ok(jpeg)
    }
}

/// Sum of absolute differences of two pictures of one size.
fn difference(a: &RgbImage, b: &RgbImage) -> u64 {
    a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| u64::from(x.abs_diff(*y))).sum()
}

/// A card's front above its back, `gap` pixels apart, on a transparent sheet.
fn stack_cards(front: &RgbaImage, back: &RgbaImage, gap: u32) -> RgbaImage {
    let w = front.width().max(back.width());
    let mut sheet = RgbaImage::new(w, front.height() + gap + back.height());
    for (x, y, p) in front.enumerate_pixels() {
        sheet.put_pixel(x, y, *p);
    }
    for (x, y, p) in back.enumerate_pixels() {
        sheet.put_pixel(x, y + front.height() + gap, *p);
    }
    sheet
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

    use std::collections::BTreeSet;

    use super::*;
    use docexam_exam::manual::load_file;
    use docexam_mrz::check_text;
    use docexam_mrz::dates::DatePolicy;
    use docexam_mrz::fields::CountryCode;

    fn spec(seed: u64, count: usize) -> PackSpec {
        PackSpec {
            id: "test-pack".into(),
            seed,
            reference_date: CalendarDate { year: 2026, month: 11, day: 23 },
            count,
        }
    }

    fn manual() -> docexam_exam::manual::Manual {
        load_file(&Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("manuals/falsedoc-pocket.en.toml"))
            .unwrap()
            .manual
    }

    #[test]
    fn a_pack_of_24_holds_every_kind_a_quarter_genuine_and_validates() {
        let manual = manual();
        for seed in [1, 2, 99] {
            let plan = plan_pack(&spec(seed, 24)).unwrap();
            assert_eq!(plan.key.validate(&manual), vec![], "seed {seed}");
            assert_eq!(plan.documents.len(), 24);
            assert_eq!(plan.documents.iter().filter(|d| d.key.defects.is_empty()).count(), 6);
            let kinds: BTreeSet<DefectKind> =
                plan.key.documents.iter().flat_map(|d| d.defects.iter().map(|x| x.kind)).collect();
            assert_eq!(kinds.len(), 13, "every kind but `other`: {kinds:?}");
            assert!(!kinds.contains(&DefectKind::Other));
            let formats: BTreeSet<&str> = plan.documents.iter().map(|d| d.format.name()).collect();
            assert_eq!(formats, BTreeSet::from(["TD1", "TD3"]));
            let images: Vec<&str> = plan.key.documents.iter().map(|d| d.image.as_str()).collect();
            let expected: Vec<String> = (1..=24).map(|n| format!("doc{n:02}.jpg")).collect();
            assert_eq!(images, expected, "neutral names in presentation order");
        }
    }

    #[test]
    fn the_order_is_shuffled_by_the_seed_and_a_document_depends_on_its_slot_only() {
        let a = plan_pack(&spec(1, 24)).unwrap();
        let b = plan_pack(&spec(2, 24)).unwrap();
        let kinds = |p: &PackPlan| -> Vec<Vec<DefectKind>> {
            p.key.documents.iter().map(|d| d.defects.iter().map(|x| x.kind).collect()).collect()
        };
        assert_ne!(kinds(&a), kinds(&b));
        assert_eq!(a.key, plan_pack(&spec(1, 24)).unwrap().key, "same seed, same key");
        // A larger pack keeps the smaller one's documents (in another order).
        let big = plan_pack(&spec(1, 30)).unwrap();
        let lines =
            |p: &PackPlan| -> BTreeSet<Vec<String>> { p.documents.iter().map(|d| d.mrz_lines.clone()).collect() };
        let (small, big) = (lines(&a), lines(&big));
        let defective_kept =
            a.documents.iter().filter(|d| !d.key.defects.is_empty()).filter(|d| big.contains(&d.mrz_lines)).count();
        assert_eq!(defective_kept, 18, "{} of {} kept", small.intersection(&big).count(), small.len());
    }

    #[test]
    fn the_mrz_engine_sees_what_the_key_says() {
        let policy = DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 });
        for seed in 1..=6 {
            for doc in plan_pack(&spec(seed, 24)).unwrap().documents {
                let kinds: Vec<DefectKind> = doc.key.defects.iter().map(|d| d.kind).collect();
                let checked = check_text(&doc.mrz_lines.join("\n"), &policy).unwrap();
                let codes: Vec<&str> = checked.findings().iter().map(|f| f.kind.code()).collect();
                let what = format!("seed {seed} {} {kinds:?} {:?}", doc.key.image, doc.mrz_lines);
                if kinds.contains(&DefectKind::MrzDigitAltered) {
                    assert!(!checked.is_valid(), "{what}");
                    let failed: Vec<&str> = checked.failed_checks().map(|c| c.id.key()).collect();
                    assert_eq!(failed.len(), 2, "{what}: {failed:?}");
                    assert!(failed.contains(&"composite"), "{what}: {failed:?}");
                } else {
                    assert!(checked.is_valid(), "{what}: {codes:?}");
                }
                assert_eq!(
                    codes.contains(&"unknown_country_code"),
                    kinds.contains(&DefectKind::WrongIssuerCode),
                    "{what}: {codes:?}"
                );
                assert_eq!(codes.contains(&"expired"), kinds.contains(&DefectKind::Expired), "{what}: {codes:?}");
            }
        }
    }

    #[test]
    fn fantasy_states_are_unknown_to_icao_and_the_real_ones_known() {
        for code in fantasy_codes() {
            assert!(matches!(CountryCode::lookup(code), CountryCode::Unknown), "{code}");
        }
        for (code, _) in STATES {
            assert!(countries::lookup(code).is_some_and(|c| c.category != CodeCategory::Specimen), "{code}");
        }
    }

    #[test]
    fn regions_lie_inside_the_image_and_defects_name_items() {
        for seed in 1..=4 {
            for doc in plan_pack(&spec(seed, 24)).unwrap().key.documents {
                for defect in &doc.defects {
                    let [x, y, w, h] = defect.region.unwrap();
                    assert!(w > 0.0 && h > 0.0 && x >= 0.0 && y >= 0.0, "{}: {defect:?}", doc.image);
                    assert!(x + w <= 1.0 && y + h <= 1.0, "{}: {defect:?}", doc.image);
                    assert!(!defect.items.is_empty() && !defect.description.is_empty());
                }
            }
        }
    }

    #[test]
    fn small_packs_and_bad_specs() {
        let one = plan_pack(&spec(3, 1)).unwrap();
        assert_eq!(one.documents.len(), 1);
        assert!(!one.key.documents[0].defects.is_empty(), "the first slot is defective");
        let four = plan_pack(&spec(3, 4)).unwrap();
        assert_eq!(four.documents.iter().filter(|d| d.key.defects.is_empty()).count(), 1);
        assert!(matches!(plan_pack(&spec(3, 0)), Err(GenerateError::Spec(_))));
        assert!(matches!(plan_pack(&spec(3, MAX_COUNT + 1)), Err(GenerateError::Spec(_))));
        let bad = PackSpec { id: "no spaces".into(), ..spec(3, 4) };
        assert!(matches!(plan_pack(&bad), Err(GenerateError::Spec(_))));
    }

    #[test]
    fn the_key_round_trips_through_toml() {
        let plan = plan_pack(&spec(5, 24)).unwrap();
        let text = key_toml(&plan.key).unwrap();
        let back: AnswerKey = toml::from_str(&text).unwrap();
        assert_eq!(back, plan.key);
        assert!(plan.key.provenance.contains("--training-pack test-pack --seed 5 --count 24"));
    }
}
