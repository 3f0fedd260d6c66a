//! Specimen document images of fictional people, for tests, benchmarks and training.
//!
//! A specimen is one image and its [`Truth`]: which MRZ is printed (exactly as emitted by
//! [`docexam_mrz::emit::emit`]), whether it is valid, and what was done to the image. Everything is
//! a function of (set seed, kind, index): no clock, no files, no UI. The CLI (`docexam synth`)
//! writes the images and `truth.jsonl`; tests call [`generate`] and keep everything in memory.

pub mod defects;
pub mod degrade;
pub mod identity;
pub mod look;
pub mod pack;
pub mod page;
pub mod pattern;
pub mod print;
pub mod render;
pub mod rng;

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::DynamicImage;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use serde::{Deserialize, Serialize};

use docexam_mrz::charset::check_digit;
use docexam_mrz::emit::{EmitError, emit};
use docexam_mrz::fields::CheckId;
use docexam_mrz::layout::{Format, layout};

use degrade::Raster;
use identity::Identity;
use image::RgbaImage;
use look::{Look, LookSummary};
use render::{Fonts, Mm, document_size};
use rng::Rng;

/// Why a specimen could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// A bundled font did not parse.
    #[error("the bundled font {0} does not parse")]
    Font(&'static str),
    /// The MRZ could not be written from the generated fields.
    #[error("cannot write the MRZ: {0}")]
    Emit(#[from] EmitError),
    /// Encoding or decoding an image failed.
    #[error("image encoding: {0}")]
    Image(#[from] image::ImageError),
    /// A degenerate perspective (never expected).
    #[error("degenerate perspective for a phone photo")]
    Geometry,
    /// The wrong-check defect found no check digit to change (never expected).
    #[error("no check digit to alter")]
    NoCheckDigit,
    /// The classic generator ([`Variety::Classic`]) never made this kind.
    #[error("the classic generator has no kind {0}")]
    NotClassic(Kind),
}

/// What a specimen tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A flatbed scan at 300 dpi.
    #[serde(rename = "clean")]
    Clean,
    /// A scan at 150-200 dpi.
    #[serde(rename = "lowres")]
    Lowres,
    /// A 300 dpi scan saved as JPEG at quality 25-60.
    #[serde(rename = "jpeg")]
    Jpeg,
    /// Gaussian blur, sigma 1-2 px at 300 dpi.
    #[serde(rename = "blur")]
    Blur,
    /// Gaussian noise, sigma 10-25 grey levels.
    #[serde(rename = "noise")]
    Noise,
    /// Turned a quarter clockwise.
    #[serde(rename = "rotate90")]
    Rotate90,
    /// Upside down.
    #[serde(rename = "rotate180")]
    Rotate180,
    /// Turned three quarters clockwise.
    #[serde(rename = "rotate270")]
    Rotate270,
    /// Rotated 1-15 degrees either way.
    #[serde(rename = "skew")]
    Skew,
    /// A soft shadow darkening part of the scan by up to 60 %.
    #[serde(rename = "shadow")]
    Shadow,
    /// Grey range squeezed to 25-40 % around mid grey.
    #[serde(rename = "low_contrast")]
    LowContrast,
    /// A phone photo: perspective, cluttered background, uneven light, JPEG.
    #[serde(rename = "photo")]
    Photo,
    /// One check digit printed wrong (document number, birth or expiry), clean scan.
    #[serde(rename = "wrong_check")]
    WrongCheck,
    /// No MRZ at all: a card front, a page of text, a picture.
    #[serde(rename = "no_mrz")]
    NoMrz,
    /// A clean scan with a strong security pattern running behind and through the MRZ.
    #[serde(rename = "guilloche")]
    Guilloche,
    /// A clean scan whose MRZ lines stand 2.3-3 capital heights apart.
    #[serde(rename = "wide_spacing")]
    WideSpacing,
    /// A web-sized picture: the MRZ character pitch is 9-12 pixels.
    #[serde(rename = "small_print")]
    SmallPrint,
    /// A big scan at 320-400 dpi.
    #[serde(rename = "hires")]
    Hires,
}

impl Kind {
    /// Every kind, in the order they are generated.
    pub const ALL: [Kind; 18] = [
        Kind::Clean,
        Kind::Lowres,
        Kind::Hires,
        Kind::Jpeg,
        Kind::Blur,
        Kind::Noise,
        Kind::Rotate90,
        Kind::Rotate180,
        Kind::Rotate270,
        Kind::Skew,
        Kind::Shadow,
        Kind::LowContrast,
        Kind::Photo,
        Kind::WrongCheck,
        Kind::Guilloche,
        Kind::WideSpacing,
        Kind::SmallPrint,
        Kind::NoMrz,
    ];

    /// The name used in file names, the truth file and `--kinds`.
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Clean => "clean",
            Kind::Lowres => "lowres",
            Kind::Jpeg => "jpeg",
            Kind::Blur => "blur",
            Kind::Noise => "noise",
            Kind::Rotate90 => "rotate90",
            Kind::Rotate180 => "rotate180",
            Kind::Rotate270 => "rotate270",
            Kind::Skew => "skew",
            Kind::Shadow => "shadow",
            Kind::LowContrast => "low_contrast",
            Kind::Photo => "photo",
            Kind::WrongCheck => "wrong_check",
            Kind::NoMrz => "no_mrz",
            Kind::Guilloche => "guilloche",
            Kind::WideSpacing => "wide_spacing",
            Kind::SmallPrint => "small_print",
            Kind::Hires => "hires",
        }
    }

    /// The kind's number, part of every specimen's seed: the first fourteen kinds in their
    /// original order, later kinds after them, so adding a kind changes no other specimen.
    pub const fn ordinal(self) -> usize {
        match self {
            Kind::Clean => 0,
            Kind::Lowres => 1,
            Kind::Jpeg => 2,
            Kind::Blur => 3,
            Kind::Noise => 4,
            Kind::Rotate90 => 5,
            Kind::Rotate180 => 6,
            Kind::Rotate270 => 7,
            Kind::Skew => 8,
            Kind::Shadow => 9,
            Kind::LowContrast => 10,
            Kind::Photo => 11,
            Kind::WrongCheck => 12,
            Kind::NoMrz => 13,
            Kind::Guilloche => 14,
            Kind::WideSpacing => 15,
            Kind::SmallPrint => 16,
            Kind::Hires => 17,
        }
    }

    /// Whether the classic generator ([`Variety::Classic`]) made this kind.
    pub const fn is_classic(self) -> bool {
        self.ordinal() < 14
    }

    /// File extension: JPEG where the file itself is the degradation.
    pub const fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg | Kind::Photo => "jpg",
            _ => "png",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown kind {0:?}; the kinds are {kinds}", kinds = Kind::ALL.map(Kind::name).join(", "))]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Kind::ALL.into_iter().find(|k| k.name() == wanted).ok_or_else(|| UnknownKind(wanted.to_owned()))
    }
}

/// The five ICAO formats, spread over every kind.
pub const FORMATS: [Format; 5] = [Format::Td3, Format::Td1, Format::Td2, Format::MrvA, Format::MrvB];

/// What a specimen without an MRZ shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMrzVariant {
    /// The front of an identity card (portrait, visual zone).
    CardFront,
    /// A page of ordinary text.
    TextPage,
    /// A photo-like picture.
    Picture,
}

impl NoMrzVariant {
    fn name(self) -> &'static str {
        match self {
            NoMrzVariant::CardFront => "card",
            NoMrzVariant::TextPage => "text",
            NoMrzVariant::Picture => "picture",
        }
    }
}

/// One line of `truth.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// File name, relative to the truth file.
    pub file: String,
    /// What the specimen tests.
    pub kind: Kind,
    /// "TD1", "TD2", "TD3", "MRV-A", "MRV-B"; null without an MRZ.
    pub format: Option<String>,
    /// The MRZ lines exactly as printed; null without an MRZ.
    pub lines: Option<Vec<String>>,
    /// Whether the printed MRZ is valid (false for `wrong_check`); null without an MRZ.
    pub valid: Option<bool>,
    /// For `wrong_check`: the check that fails ("document_number", "date_of_birth",
    /// "date_of_expiry"); every other check passes.
    pub failed_check: Option<String>,
    /// Resolution of the document in the image (for photos: at the document's centre).
    pub dpi: u32,
    /// Rotation applied to the document, degrees clockwise (90, 180, 270, or the skew / the roll
    /// of a phone photo).
    pub rotation_degrees: f64,
    /// The set seed (`docexam synth --seed`); with kind and index it determines the specimen.
    pub seed: u64,
    /// What varied in this specimen (MRZ pitch, spacing, print, paper, layout); absent for
    /// `no_mrz` and for the classic generator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look: Option<LookSummary>,
}

/// One specimen to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// Kind.
    pub kind: Kind,
    /// 0-based index within its kind.
    pub index: usize,
    /// The set seed.
    pub seed: u64,
}

impl Job {
    /// The MRZ format of this job (none for `no_mrz`): the formats rotate with the index, offset by
    /// kind so a small set still holds every format.
    pub fn format(&self) -> Option<Format> {
        (self.kind != Kind::NoMrz).then(|| FORMATS[(self.index + self.kind.ordinal()) % FORMATS.len()])
    }

    /// What a `no_mrz` job shows.
    pub fn no_mrz_variant(&self) -> NoMrzVariant {
        match self.index % 3 {
            0 => NoMrzVariant::CardFront,
            1 => NoMrzVariant::TextPage,
            _ => NoMrzVariant::Picture,
        }
    }

    /// The file name, e.g. `td3_clean_0003.png`, `text_no_mrz_0001.png`.
    pub fn file_name(&self) -> String {
        let prefix = match self.format() {
            Some(format) => format.name().replace('-', "").to_lowercase(),
            None => self.no_mrz_variant().name().to_owned(),
        };
        format!("{prefix}_{}_{:04}.{}", self.kind.name(), self.index, self.kind.extension())
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetSpec {
    /// Specimens of each kind.
    pub per_kind: usize,
    /// Which kinds.
    pub kinds: Vec<Kind>,
    /// The set seed.
    pub seed: u64,
}

impl SetSpec {
    /// Every job, kind by kind.
    pub fn jobs(&self) -> Vec<Job> {
        self.kinds
            .iter()
            .flat_map(|&kind| (0..self.per_kind).map(move |index| Job { kind, index, seed: self.seed }))
            .collect()
    }
}

/// A generated image and its truth.
#[derive(Debug, Clone)]
pub struct Specimen {
    /// The picture a reader gets (for JPEG files: decoded from the file).
    pub image: DynamicImage,
    /// What it shows.
    pub truth: Truth,
    /// The JPEG file, for kinds saved as JPEG.
    jpeg: Option<Vec<u8>>,
}

impl Specimen {
    /// The bytes of the file named in the truth: PNG, or the JPEG the image was decoded from.
    pub fn file_bytes(&self) -> Result<Vec<u8>, SynthError> {
        if let Some(jpeg) = &self.jpeg {
            return Ok(jpeg.clone());
        }
        let mut bytes = Vec::new();
        let encoder = PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, FilterType::Adaptive);
        self.image.write_with_encoder(encoder)?;
        Ok(bytes)
    }
}

/// Which generator draws a specimen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variety {
    /// Every specimen draws its own [`Look`]: MRZ geometry, print, paper and layout vary.
    Wide,
    /// The generator before looks (one MRZ geometry and rendering, the MRZ zone kept clear, one
    /// layout per format), byte for byte, for the fourteen kinds it had. Tests that pin a
    /// specimen once read wrongly use it, so the image stays the one they were written for.
    Classic,
}

/// Makes one specimen (the wide generator: `docexam synth`).
pub fn specimen(job: &Job) -> Result<Specimen, SynthError> {
    specimen_of(job, Variety::Wide)
}

/// Makes one specimen as the classic generator did (only [`Kind::is_classic`] kinds).
pub fn specimen_classic(job: &Job) -> Result<Specimen, SynthError> {
    specimen_of(job, Variety::Classic)
}

/// Makes one specimen with the generator `variety`.
pub fn specimen_of(job: &Job, variety: Variety) -> Result<Specimen, SynthError> {
    if variety == Variety::Classic && !job.kind.is_classic() {
        return Err(SynthError::NotClassic(job.kind));
    }
    let mut rng = job_rng(job);
    let fonts = Fonts::load()?;
    match job.format() {
        Some(format) => {
            let plan = plan_mrz(job, format, &mut rng)?;
            with_mrz(job, plan, &fonts, &mut rng, variety)
        }
        None => without_mrz(job, &fonts, &mut rng, variety),
    }
}

/// What a job's MRZ says, known without rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrzTruth {
    /// The lines as printed.
    pub lines: Vec<String>,
    /// For `wrong_check`: the check made to fail.
    pub failed: Option<CheckId>,
}

/// The MRZ a job prints, without rendering anything (cheap: tests check thousands). None for
/// `no_mrz`.
pub fn mrz_truth(job: &Job) -> Result<Option<MrzTruth>, SynthError> {
    let Some(format) = job.format() else { return Ok(None) };
    let plan = plan_mrz(job, format, &mut job_rng(job))?;
    Ok(Some(MrzTruth { lines: plan.lines, failed: plan.failed }))
}

/// The look the wide generator gives `job` (None for `no_mrz`), without rendering anything, for
/// tests that measure what a specimen varies.
pub fn look_of(job: &Job) -> Option<Look> {
    job.format().map(|format| Look::random(&mut look_rng(job), job.kind, format))
}

/// The look's own generator, apart from the job's: the classic and the wide generator give a job
/// the same person, resolution, scan and degradation, and differ only in the look.
fn look_rng(job: &Job) -> Rng {
    const LOOK: u64 = 0x004C_4F4F_4B00_0000;
    Rng::new(rng::mix(job.seed ^ LOOK, job.kind.ordinal() as u64, job.index as u64))
}

fn job_rng(job: &Job) -> Rng {
    Rng::new(rng::mix(job.seed, job.kind.ordinal() as u64, job.index as u64))
}

/// Who the document belongs to and what its MRZ says.
struct MrzPlan {
    format: Format,
    identity: Identity,
    lines: Vec<String>,
    failed: Option<CheckId>,
}

/// The first draws of every MRZ specimen (so [`mrz_truth`] and [`specimen`] agree).
fn plan_mrz(job: &Job, format: Format, rng: &mut Rng) -> Result<MrzPlan, SynthError> {
    let wrong = job.kind == Kind::WrongCheck;
    let identity = Identity::random(&mut rng.fork(), format, !wrong);
    let mut lines = emit(format, &identity.mrz_fields())?;
    let mut check_rng = rng.fork();
    let failed = if wrong { Some(break_check(&mut lines, format, &mut check_rng)?) } else { None };
    Ok(MrzPlan { format, identity, lines, failed })
}

/// Makes every specimen of `spec`, in order, on all cores.
pub fn generate(spec: &SetSpec) -> Result<Vec<Specimen>, SynthError> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    run_parallel(&spec.jobs(), workers, specimen).into_iter().collect()
}

/// Runs `work` over `jobs` on `workers` threads; results in job order. The CLI uses it to
/// generate and write at once, so it never holds the whole set in memory.
pub fn run_parallel<J: Sync, T: Send>(jobs: &[J], workers: usize, work: impl Fn(&J) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let result = work(job);
                    if let Ok(mut done) = done.lock() {
                        done.push((i, result));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// The three check digits a `wrong_check` specimen may break.
const BREAKABLE: [CheckId; 3] = [CheckId::DocumentNumber, CheckId::DateOfBirth, CheckId::DateOfExpiry];

/// Changes one field check digit to another digit and recomputes the composite over the changed
/// text, so exactly one check fails. Returns the check that fails.
fn break_check(lines: &mut [String], format: Format, rng: &mut Rng) -> Result<CheckId, SynthError> {
    let target = *rng.pick(&BREAKABLE).ok_or(SynthError::NoCheckDigit)?;
    let checks = layout(format).checks;
    let spec = checks.iter().find(|c| c.id == target).ok_or(SynthError::NoCheckDigit)?;
    let mut bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
    let slot = bytes
        .get_mut(usize::from(spec.digit.line))
        .and_then(|l| l.get_mut(usize::from(spec.digit.start)))
        .ok_or(SynthError::NoCheckDigit)?;
    if !slot.is_ascii_digit() {
        return Err(SynthError::NoCheckDigit);
    }
    *slot = b'0' + (*slot - b'0' + rng.int(1, 9) as u8) % 10;
    if let Some(composite) = checks.iter().find(|c| c.id == CheckId::Composite) {
        let parts: Vec<&[u8]> = composite
            .covers
            .iter()
            .filter_map(|s| bytes.get(usize::from(s.line)).and_then(|l| l.get(usize::from(s.start)..s.end())))
            .collect();
        let digit = b'0' + check_digit(parts);
        if let Some(c) =
            bytes.get_mut(usize::from(composite.digit.line)).and_then(|l| l.get_mut(usize::from(composite.digit.start)))
        {
            *c = digit;
        }
    }
    for (line, b) in lines.iter_mut().zip(bytes) {
        *line = String::from_utf8_lossy(&b).into_owned();
    }
    Ok(target)
}

/// Corner radius of the document (ID-1 cards: 3.18 mm).
fn corner_mm(format: Format) -> f32 {
    if format == Format::Td1 { 3.18 } else { 2.5 }
}

/// The document with rounded corners at `dpi`: the classic page, or the look's sheet.
fn draw_card(fonts: &Fonts, rng: &mut Rng, plan: &MrzPlan, dpi: f32, look: Option<&Look>) -> RgbaImage {
    let MrzPlan { format, identity, lines, .. } = plan;
    match look {
        Some(look) => page::render_sheet(fonts, rng, *format, identity, lines, dpi, look).image,
        None => {
            let doc = render::render_document(fonts, rng, *format, identity, lines, dpi, render::Hooks::default());
            degrade::rounded_card(&doc, Mm { dpi }.px(corner_mm(*format)))
        }
    }
}

fn with_mrz(job: &Job, plan: MrzPlan, fonts: &Fonts, rng: &mut Rng, variety: Variety) -> Result<Specimen, SynthError> {
    let kind = job.kind;
    let look = (variety == Variety::Wide).then(|| Look::random(&mut look_rng(job), kind, plan.format));
    let (format, failed) = (plan.format, plan.failed);
    let mut truth = Truth {
        file: job.file_name(),
        kind,
        format: Some(format.name().to_owned()),
        lines: Some(plan.lines.clone()),
        valid: Some(failed.is_none()),
        failed_check: failed.map(|c| c.key().to_owned()),
        dpi: 300,
        rotation_degrees: 0.0,
        seed: job.seed,
        look: None,
    };
    let (w_mm, _) = document_size(format);
    if kind == Kind::Photo {
        let (frame, fill) = degrade::photo_frame(rng);
        // Render a little sharper than the photo needs, as a camera lens would resolve it.
        let target_dpi = fill * frame.0 as f32 / (w_mm / 25.4);
        let render_dpi = (target_dpi * 1.3).clamp(150.0, 450.0).round();
        let card = draw_card(fonts, &mut rng.fork(), &plan, render_dpi, look.as_ref());
        let (photo, geometry) = degrade::phone_photo(&card, render_dpi, &mut rng.fork(), frame, fill)?;
        let (jpeg, decoded) = Raster::Rgb(photo).jpeg(rng.int(78, 90) as u8)?;
        truth.dpi = geometry.effective_dpi.round() as u32;
        truth.rotation_degrees = round_tenth(geometry.roll_degrees);
        truth.look = look.map(|l| l.summary(truth.dpi));
        return Ok(Specimen { image: decoded.into_dynamic(), truth, jpeg: Some(jpeg) });
    }
    let dpi = match (kind, &look) {
        (Kind::Lowres, _) => rng.int(150, 200) as f32,
        // Web-sized: the MRZ pitch comes out at 9-12 pixels.
        (Kind::SmallPrint, Some(look)) => (rng.range_f32(9.05, 11.95) * 25.4 / look.geometry.pitch_mm).round(),
        (Kind::Hires, _) => rng.int(320, 400) as f32,
        _ => 300.0,
    };
    truth.dpi = dpi as u32;
    let card = draw_card(fonts, &mut rng.fork(), &plan, dpi, look.as_ref());
    let bed = degrade::scan(&card, &mut rng.fork(), dpi);
    // Most scanners are set to grey; some plain scans keep colour. Degraded scans stay grey,
    // which keeps the committed set small and loses nothing the degradation tests; half the
    // guilloche scans are in colour, where the pattern's hue tells it from the ink.
    let colour = match kind {
        Kind::Clean | Kind::Lowres | Kind::Jpeg | Kind::WideSpacing | Kind::SmallPrint | Kind::Hires => {
            rng.chance(0.25)
        }
        Kind::Guilloche => rng.chance(0.5),
        _ => false,
    };
    truth.look = look.map(|l| l.summary(truth.dpi));
    let mut raster = Raster::from_rgb(bed, !colour);
    let mut jpeg = None;
    match kind {
        Kind::Jpeg => {
            let (file, decoded) = raster.jpeg(rng.int(25, 60) as u8)?;
            jpeg = Some(file);
            raster = decoded;
        }
        Kind::Blur => raster = raster.blur(rng.range_f32(1.0, 2.0)),
        Kind::Noise => {
            let sigma = rng.range(10.0, 25.0);
            raster.noise(rng, sigma);
        }
        Kind::Rotate90 | Kind::Rotate180 | Kind::Rotate270 => {
            let quarters = match kind {
                Kind::Rotate90 => 1,
                Kind::Rotate180 => 2,
                _ => 3,
            };
            raster = raster.rotate_quarters(quarters);
            truth.rotation_degrees = f64::from(quarters * 90);
        }
        Kind::Skew => {
            let degrees = round_tenth(rng.sign() as f32 * rng.range_f32(1.0, 15.0));
            raster = raster.skew(degrees as f32, degrade::bed_colour(&raster));
            truth.rotation_degrees = degrees;
        }
        Kind::Shadow => raster.shadow(rng),
        Kind::LowContrast => {
            let (range, centre) = (rng.range_f32(0.25, 0.4), rng.range_f32(110.0, 150.0));
            raster.low_contrast(range, centre);
        }
        Kind::Clean
        | Kind::Lowres
        | Kind::WrongCheck
        | Kind::Photo
        | Kind::NoMrz
        | Kind::Guilloche
        | Kind::WideSpacing
        | Kind::SmallPrint
        | Kind::Hires => {}
    }
    Ok(Specimen { image: raster.into_dynamic(), truth, jpeg })
}

fn round_tenth(x: f32) -> f64 {
    (f64::from(x) * 10.0).round() / 10.0
}

fn without_mrz(job: &Job, fonts: &Fonts, rng: &mut Rng, variety: Variety) -> Result<Specimen, SynthError> {
    let mut truth = Truth {
        file: job.file_name(),
        kind: job.kind,
        format: None,
        lines: None,
        valid: None,
        failed_check: None,
        dpi: 300,
        rotation_degrees: 0.0,
        seed: job.seed,
        look: None,
    };
    let image = match job.no_mrz_variant() {
        NoMrzVariant::CardFront => {
            let look = (variety == Variety::Wide).then(|| Look::random(&mut look_rng(job), job.kind, Format::Td1));
            let identity = Identity::random(&mut rng.fork(), Format::Td1, false);
            let card = match &look {
                Some(look) => page::render_front(fonts, &mut rng.fork(), &identity, 300.0, look),
                None => {
                    let doc =
                        render::render_card_front(fonts, &mut rng.fork(), &identity, 300.0, render::Hooks::default());
                    degrade::rounded_card(&doc, Mm { dpi: 300.0 }.px(corner_mm(Format::Td1)))
                }
            };
            let bed = degrade::scan(&card, &mut rng.fork(), 300.0);
            Raster::from_rgb(bed, !rng.chance(0.2)).into_dynamic()
        }
        NoMrzVariant::TextPage => {
            let dpi = rng.int(150, 200) as f32;
            truth.dpi = dpi as u32;
            DynamicImage::ImageLuma8(render::render_text_page(fonts, &mut rng.fork(), dpi))
        }
        NoMrzVariant::Picture => {
            // A camera picture has no physical resolution; 72 is the customary placeholder.
            truth.dpi = 72;
            let picture = render::render_picture(&mut rng.fork(), 1200, 900);
            let mut raster = Raster::Rgb(picture).blur(1.0);
            raster.noise(rng, 2.0);
            raster.into_dynamic()
        }
    };
    Ok(Specimen { image, truth, jpeg: None })
}

/// `truth.jsonl`: one JSON object per line.
pub fn truth_jsonl(truths: &[Truth]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for truth in truths {
        out.push_str(&serde_json::to_string(truth)?);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocr_b_has_every_mrz_character() {
        let fonts = Fonts::load().unwrap();
        for c in ('A'..='Z').chain('0'..='9').chain(['<']) {
            assert!(render::has_glyph(&fonts.ocrb, c), "OCR-B lacks {c:?}");
            assert!(render::has_glyph(&fonts.ocrb_sharp, c), "OCR-B Sharp lacks {c:?}");
        }
    }

    #[test]
    fn new_kinds_take_new_numbers() {
        let ordinals: std::collections::BTreeSet<usize> = Kind::ALL.iter().map(|k| k.ordinal()).collect();
        assert_eq!(ordinals, (0..Kind::ALL.len()).collect());
        assert_eq!(Kind::NoMrz.ordinal(), 13, "the fourteen original kinds keep their seeds");
        assert_eq!(Kind::ALL.iter().filter(|k| k.is_classic()).count(), 14);
        let job = Job { kind: Kind::Guilloche, index: 0, seed: 1 };
        assert!(matches!(specimen_classic(&job), Err(SynthError::NotClassic(Kind::Guilloche))));
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.name()));
        }
        assert!("sepia".parse::<Kind>().is_err());
    }

    #[test]
    fn every_format_appears_in_a_small_set() {
        let spec = SetSpec { per_kind: 2, kinds: Kind::ALL.to_vec(), seed: 7 };
        let formats: std::collections::HashSet<_> = spec.jobs().iter().filter_map(Job::format).collect();
        assert_eq!(formats.len(), 5);
    }
}
