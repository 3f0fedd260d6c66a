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
use docexam_exam::training::{AnswerKey, DefectKind, KEY_FILE, KeyDocument, Weights};
use docexam_mrz::countries::{self, CodeCategory, CountryInfo};
use docexam_mrz::dates::CalendarDate;
use docexam_mrz::emit::emit;
use docexam_mrz::fields::{CheckId, FieldId};
use docexam_mrz::layout::{Format, layout};

use super::SynthError;
use super::defects::{self, Overprint, Reprint, StampSpec};
use super::degrade::{self, Raster};
use super::identity::Identity;
use super::render::{self, Fonts, Hooks, Mm, MrzPlacement, PageLayout, RectMm, VizField};
use super::rng::{self, Rng};

mod plant;

use self::plant::{alter_identity, plant};

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
            render::render_document(fonts, &mut Rng::new(d.page_seed), d.format, &d.viz, &d.lines, DPI, hooks);
        let mut front = (d.format == Format::Td1)
            .then(|| render::render_card_front(fonts, &mut Rng::new(d.front_seed), &d.viz, DPI, hooks));
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
mod tests;
