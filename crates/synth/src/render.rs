//! Drawing documents at a given resolution: fonts, text, the guilloche background, the portrait,
//! the visual zone and the MRZ (OCR-B at ICAO size and pitch). All geometry is in millimetres and
//! converted at the target dpi, so a 150 dpi document is rendered, not resampled.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};
use imageproc::drawing::{
    draw_filled_circle_mut, draw_filled_ellipse_mut, draw_filled_rect_mut, draw_hollow_circle_mut,
};
use imageproc::rect::Rect;

use docexam_mrz::layout::Format;

use super::SynthError;
use super::identity::{Identity, visual_date};
use super::rng::Rng;

mod layout;
mod plain;

pub use self::layout::{CellBox, PageLayout, RectMm, VizField};
pub use self::plain::{render_picture, render_text_page};

/// OCR-B (public domain, assets/fonts/LICENSE-OCRB.txt): the MRZ font, also the glyph matcher's templates.
pub(crate) const OCRB_FONT: &[u8] = include_bytes!("../../../assets/fonts/OCRB.otf");
/// OCR-B Sharp (same author and licence, assets/fonts/LICENSE-OCRBS.txt): square stroke ends.
const OCRB_SHARP_FONT: &[u8] = include_bytes!("../../../assets/fonts/OCRBS.otf");
const SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// ICAO 9303 Part 3: 10 characters per inch.
pub const MRZ_PITCH_MM: f32 = 2.54;
/// Nominal spacing of MRZ lines.
pub const MRZ_LINE_PITCH_MM: f32 = 4.23;

/// The bundled fonts.
#[derive(Debug)]
pub struct Fonts {
    /// OCR-B, for the MRZ.
    pub ocrb: FontRef<'static>,
    /// OCR-B with square stroke ends, the second cut specimens may print their MRZ in.
    pub ocrb_sharp: FontRef<'static>,
    /// DejaVu Sans, for the visual zone (it has the diacritics).
    pub sans: FontRef<'static>,
}

impl Fonts {
    /// Parses the bundled fonts (cheap: tables are read lazily).
    pub fn load() -> Result<Self, SynthError> {
        let ocrb = FontRef::try_from_slice(OCRB_FONT).map_err(|_| SynthError::Font("OCRB.otf"))?;
        let ocrb_sharp = FontRef::try_from_slice(OCRB_SHARP_FONT).map_err(|_| SynthError::Font("OCRBS.otf"))?;
        let sans = FontRef::try_from_slice(SANS).map_err(|_| SynthError::Font("DejaVuSans.ttf"))?;
        Ok(Self { ocrb, ocrb_sharp, sans })
    }
}

/// Millimetres to pixels at one resolution.
#[derive(Debug, Clone, Copy)]
pub struct Mm {
    /// Dots per inch.
    pub dpi: f32,
}

impl Mm {
    /// Pixels for `mm` millimetres.
    pub fn px(self, mm: f32) -> f32 {
        mm * self.dpi / 25.4
    }

    /// Pixels for `mm`, rounded to a whole pixel.
    pub fn ipx(self, mm: f32) -> i32 {
        self.px(mm).round() as i32
    }

    /// The pixel size of a `w` x `h` mm area (at least 1 x 1).
    pub fn size(self, w: f32, h: f32) -> (u32, u32) {
        (self.px(w).round().max(1.0) as u32, self.px(h).round().max(1.0) as u32)
    }
}

/// The scale at which `font`'s capital letters are `cap_px` pixels tall.
pub fn scale_for_cap_height(font: &FontRef<'_>, cap_px: f32) -> PxScale {
    // ab_glyph's unscaled outline bounds keep the font's y-up values but swap min and max.
    let cap_units =
        font.outline(font.glyph_id('H')).map_or(0.7 * font.height_unscaled(), |o| o.bounds.min.y.max(o.bounds.max.y));
    PxScale::from(cap_px * font.height_unscaled() / cap_units.max(1.0))
}

/// Width in pixels of `text` at cap height `cap_px`.
pub fn text_width(font: &FontRef<'_>, cap_px: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(scale_for_cap_height(font, cap_px));
    text.chars().map(|c| scaled.h_advance(scaled.glyph_id(c))).sum()
}

fn blend(pixel: &mut Rgb<u8>, ink: Rgb<u8>, coverage: f32) {
    let c = coverage.clamp(0.0, 1.0);
    for (p, i) in pixel.0.iter_mut().zip(ink.0) {
        *p = (f32::from(*p) * (1.0 - c) + f32::from(i) * c).round() as u8;
    }
}

/// Draws one glyph with its origin at (`x`, `baseline`); returns its advance.
fn draw_glyph(
    img: &mut RgbImage,
    font: &FontRef<'_>,
    scale: PxScale,
    x: f32,
    baseline: f32,
    ink: Rgb<u8>,
    c: char,
) -> f32 {
    let scaled = font.as_scaled(scale);
    let id = scaled.glyph_id(c);
    let glyph = id.with_scale_and_position(scale, point(x, baseline));
    if let Some(outlined) = font.outline_glyph(glyph) {
        let bounds = outlined.px_bounds();
        let (w, h) = (img.width() as i32, img.height() as i32);
        outlined.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i32 + gx as i32;
            let py = bounds.min.y as i32 + gy as i32;
            if (0..w).contains(&px) && (0..h).contains(&py) {
                blend(img.get_pixel_mut(px as u32, py as u32), ink, coverage);
            }
        });
    }
    scaled.h_advance(id)
}

/// A font, a capital height in pixels and an ink.
#[derive(Debug, Clone, Copy)]
pub struct Pen<'f> {
    /// The font.
    pub font: &'f FontRef<'static>,
    /// Height of the capitals in pixels.
    pub cap_px: f32,
    /// The colour.
    pub ink: Rgb<u8>,
}

/// Draws `text` from (`x`, `baseline`); returns the width drawn.
pub fn draw_text(img: &mut RgbImage, pen: Pen<'_>, x: f32, baseline: f32, text: &str) -> f32 {
    let scale = scale_for_cap_height(pen.font, pen.cap_px);
    let mut cursor = x;
    for c in text.chars() {
        cursor += draw_glyph(img, pen.font, scale, cursor, baseline, pen.ink, c);
    }
    cursor - x
}

/// Like [`draw_text`], shrinking the text until it fits `max_width` pixels.
pub fn draw_text_fit(img: &mut RgbImage, pen: Pen<'_>, x: f32, baseline: f32, max_width: f32, text: &str) -> f32 {
    let width = text_width(pen.font, pen.cap_px, text);
    let cap_px = if width > max_width && width > 0.0 { pen.cap_px * max_width.max(0.0) / width } else { pen.cap_px };
    draw_text(img, Pen { cap_px, ..pen }, x, baseline, text)
}

/// Draws MRZ lines in OCR-B at `place`: fixed pitch 2.54 mm, each glyph centred in its cell.
pub fn draw_mrz(img: &mut RgbImage, fonts: &Fonts, mm: Mm, lines: &[String], place: MrzPlacement, ink: Rgb<u8>) {
    let scale = scale_for_cap_height(&fonts.ocrb, mm.px(place.cap_mm));
    let scaled = fonts.ocrb.as_scaled(scale);
    let pitch = mm.px(MRZ_PITCH_MM);
    let count = lines.len();
    for (row, line) in lines.iter().enumerate() {
        let baseline = mm.px(place.last_baseline_mm - (count - 1 - row) as f32 * MRZ_LINE_PITCH_MM);
        for (col, c) in line.chars().enumerate() {
            let advance = scaled.h_advance(scaled.glyph_id(c));
            let x = mm.px(place.left_mm) + col as f32 * pitch + (pitch - advance) / 2.0;
            draw_glyph(img, &fonts.ocrb, scale, x, baseline, ink, c);
        }
    }
}

/// Whether `font` has a real glyph (not `.notdef`) with an outline for `c`.
pub fn has_glyph(font: &FontRef<'_>, c: char) -> bool {
    let id = font.glyph_id(c);
    id.0 != 0 && font.outline(id).is_some_and(|o| !o.curves.is_empty())
}

/// Light paper colours of real documents.
const PAPERS: [[u8; 3]; 6] =
    [[234, 243, 234], [230, 239, 250], [250, 237, 240], [246, 241, 226], [239, 235, 250], [244, 244, 238]];

/// Paints the paper: a light colour, a faint gradient and a guilloche of sine curves, except below
/// `clear_from_mm` (the MRZ clear zone). Returns the paper colour.
pub fn paint_background(img: &mut RgbImage, rng: &mut Rng, mm: Mm, clear_from_mm: Option<f32>) -> Rgb<u8> {
    let paper = *rng.pick(&PAPERS).unwrap_or(&[240, 240, 240]);
    let tint = [rng.range_f32(-40.0, -20.0), rng.range_f32(-40.0, -15.0), rng.range_f32(-35.0, -10.0)];
    // Families of parallel sine curves: (horizontal?, period, amplitude, wavelength, phase, half width).
    let families: Vec<(bool, f32, f32, f32, f32, f32)> = (0..rng.int(2, 3))
        .map(|i| {
            (
                i != 1,
                rng.range_f32(1.9, 3.4),
                rng.range_f32(1.5, 5.0),
                rng.range_f32(14.0, 38.0),
                rng.range_f32(0.0, std::f32::consts::TAU),
                rng.range_f32(0.05, 0.09),
            )
        })
        .collect();
    let strength = rng.range_f32(0.35, 0.65);
    let gradient = rng.range_f32(-8.0, 8.0);
    let (w, h) = img.dimensions();
    let px_mm = 25.4 / mm.dpi;
    let clear_row = clear_from_mm.map_or(h, |c| mm.px(c).max(0.0) as u32);
    // The wave offset of a horizontal family depends on x only (and vice versa): precompute it.
    let offsets: Vec<Vec<f32>> = families
        .iter()
        .map(|&(horizontal, _, amp, wavelength, phase, _)| {
            let n = if horizontal { w } else { h };
            (0..n).map(|i| amp * (std::f32::consts::TAU * i as f32 * px_mm / wavelength + phase).sin()).collect()
        })
        .collect();
    for (x, y, pixel) in img.enumerate_pixels_mut() {
        let shade = gradient * (x as f32 / w.max(1) as f32 - 0.5);
        let mut rgb = [0f32; 3];
        for (c, v) in rgb.iter_mut().enumerate() {
            *v = f32::from(paper[c]) + shade;
        }
        if y < clear_row {
            let (xm, ym) = (x as f32 * px_mm, y as f32 * px_mm);
            for (&(horizontal, period, _, _, _, half), offset) in families.iter().zip(&offsets) {
                let (along, across) = if horizontal { (x, ym) } else { (y, xm) };
                let t = (across - offset.get(along as usize).copied().unwrap_or(0.0)) / period;
                let d = (t - t.round()).abs() * period;
                let coverage = ((half + px_mm / 2.0 - d) / px_mm).clamp(0.0, 1.0) * strength;
                for (v, t) in rgb.iter_mut().zip(tint) {
                    *v += t * coverage;
                }
            }
        }
        *pixel = Rgb(rgb.map(|v| v.round().clamp(0.0, 255.0) as u8));
    }
    Rgb(paper)
}

/// A grey portrait: background, shoulders, head, hair, eyes, mouth; `w` x `h` pixels.
pub fn portrait(rng: &mut Rng, w: u32, h: u32) -> RgbImage {
    let bg = rng.int(196, 226) as u8;
    let mut img = RgbImage::from_pixel(w.max(1), h.max(1), Rgb([bg, bg, bg.saturating_add(6)]));
    let (wf, hf) = (w as f32, h as f32);
    let grey = |v: i64| Rgb([v as u8, v as u8, v as u8]);
    let cx = (wf * rng.range_f32(0.45, 0.55)) as i32;
    let coat = grey(rng.int(40, 110));
    draw_filled_ellipse_mut(&mut img, (cx, (hf * 1.02) as i32), (wf * 0.48) as i32, (hf * 0.3) as i32, coat);
    let skin = rng.int(120, 185);
    draw_filled_rect_mut(
        &mut img,
        Rect::at(cx - (wf * 0.09) as i32, (hf * 0.55) as i32).of_size((wf * 0.18).max(1.0) as u32, (hf * 0.2) as u32),
        grey(skin - 12),
    );
    let head_rx = (wf * rng.range_f32(0.24, 0.3)) as i32;
    let head_ry = (hf * rng.range_f32(0.26, 0.31)) as i32;
    let head_cy = (hf * 0.42) as i32;
    let hair = grey(rng.int(20, 90));
    draw_filled_ellipse_mut(&mut img, (cx, head_cy - head_ry / 5), head_rx + head_rx / 8, head_ry, hair);
    draw_filled_ellipse_mut(&mut img, (cx, head_cy + head_ry / 8), head_rx, head_ry, grey(skin));
    let eye_y = head_cy;
    let eye_dx = head_rx * 2 / 5;
    let eye_r = (head_rx / 7).max(1);
    for dx in [-eye_dx, eye_dx] {
        draw_filled_ellipse_mut(&mut img, (cx + dx, eye_y), eye_r + 1, (eye_r * 2 / 3).max(1), grey(skin - 80));
    }
    let mouth_y = head_cy + head_ry / 2;
    draw_filled_ellipse_mut(&mut img, (cx, mouth_y), head_rx / 3, (head_ry / 14).max(1), grey(skin - 55));
    draw_filled_ellipse_mut(&mut img, (cx, head_cy + head_ry / 5), (head_rx / 10).max(1), head_ry / 6, grey(skin - 20));
    img
}

/// Copies `src` into `dst` at (`x`, `y`), mixed with what is there by `opacity`.
pub fn paste(dst: &mut RgbImage, src: &RgbImage, x: i32, y: i32, opacity: f32) {
    for (sx, sy, p) in src.enumerate_pixels() {
        let (dx, dy) = (x + sx as i32, y + sy as i32);
        if dx >= 0 && dy >= 0 && (dx as u32) < dst.width() && (dy as u32) < dst.height() {
            blend(dst.get_pixel_mut(dx as u32, dy as u32), *p, opacity);
        }
    }
}

/// A handwritten-looking signature: a wandering stroke in the box.
pub fn signature(img: &mut RgbImage, rng: &mut Rng, mm: Mm, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32) {
    let ink = Rgb([rng.int(10, 40) as u8, rng.int(20, 50) as u8, rng.int(60, 120) as u8]);
    let radius = (mm.px(0.18)).max(0.6);
    let steps = (mm.px(w_mm) * 3.0).max(10.0) as usize;
    let (f1, f2) = (rng.range_f32(3.0, 7.0), rng.range_f32(9.0, 17.0));
    let (p1, p2) = (rng.range_f32(0.0, 6.3), rng.range_f32(0.0, 6.3));
    for i in 0..steps {
        let t = i as f32 / steps as f32;
        let x = x_mm + w_mm * (t + 0.04 * (t * f2 + p2).sin());
        let y = y_mm + h_mm * (0.5 + 0.35 * (t * f1 * 3.0 + p1).sin() * (1.0 - t * 0.5) + 0.12 * (t * f2 * 2.0).cos());
        let r = radius.round().max(1.0) as i32;
        draw_filled_circle_mut(img, (mm.ipx(x), mm.ipx(y)), r, ink);
    }
}

/// A (label, value) cell of the visual zone.
pub type Cell = (String, String);

/// Ink colours of the visual zone.
#[derive(Debug, Clone, Copy)]
pub struct Inks {
    /// Printed labels.
    pub label: Rgb<u8>,
    /// Personalised values.
    pub value: Rgb<u8>,
}

/// Where a grid of labelled values goes (mm): top-left corner, width, height of one row.
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height of one row (label and value).
    pub row: f32,
}

/// Rows of labelled values, cells side by side.
pub fn draw_fields(img: &mut RgbImage, fonts: &Fonts, mm: Mm, grid: Grid, rows: &[Vec<Cell>], inks: Inks) {
    let label_cap = grid.row * 0.19;
    let value_cap = grid.row * 0.33;
    let label_pen = Pen { font: &fonts.sans, cap_px: mm.px(label_cap), ink: inks.label };
    let value_pen = Pen { font: &fonts.sans, cap_px: mm.px(value_cap), ink: inks.value };
    for (r, row) in rows.iter().enumerate() {
        let top = grid.y + r as f32 * grid.row;
        let cell_w = grid.width / row.len().max(1) as f32;
        for (c, (label, value)) in row.iter().enumerate() {
            let x = grid.x + c as f32 * cell_w;
            let max = mm.px(cell_w - 1.0);
            draw_text_fit(img, label_pen, mm.px(x), mm.px(top + label_cap), max, label);
            let baseline = top + label_cap + 0.9 + value_cap;
            draw_text_fit(img, value_pen, mm.px(x), mm.px(baseline), max, value);
        }
    }
}

/// Width and height in millimetres (ICAO 9303 Parts 4-7; MRV-B is 105 x 74 mm: 36 characters at
/// 2.54 mm need more than 80 mm).
pub fn document_size(format: Format) -> (f32, f32) {
    match format {
        Format::Td1 => (85.6, 54.0),
        Format::Td2 | Format::MrvB | Format::FrenchId => (105.0, 74.0),
        Format::Td3 => (125.0, 88.0),
        Format::MrvA => (120.0, 80.0),
    }
}

/// Where the MRZ goes: left margin, baseline of the bottom line, capital height (all mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MrzPlacement {
    /// Left edge of the first character cell.
    pub left_mm: f32,
    /// Baseline of the bottom line.
    pub last_baseline_mm: f32,
    /// Capital height.
    pub cap_mm: f32,
}

impl MrzPlacement {
    /// A placement for `format`, with the small variation of real printers.
    pub fn random(rng: &mut Rng, format: Format) -> Self {
        let (_, h) = document_size(format);
        let (left, bottom) = match format {
            Format::Td1 => (rng.range_f32(5.0, 5.8), rng.range_f32(3.0, 3.8)),
            _ => (rng.range_f32(5.5, 6.8), rng.range_f32(4.8, 6.0)),
        };
        Self { left_mm: left, last_baseline_mm: h - bottom, cap_mm: rng.range_f32(2.3, 2.5) }
    }

    /// The top of the clear zone: a little above the capitals of the first line.
    pub fn clear_top_mm(self, lines: usize) -> f32 {
        self.last_baseline_mm - lines.saturating_sub(1) as f32 * MRZ_LINE_PITCH_MM - self.cap_mm - 2.0
    }
}

fn header(format: Format, front: bool) -> &'static str {
    match format {
        Format::Td3 => "PASSPORT / PASSEPORT / PASAPORTE",
        Format::MrvA | Format::MrvB => "VISA",
        _ if front => "IDENTITY CARD / CARTE D'IDENTITÉ",
        _ => "RESIDENCE PERMIT / TITRE DE SÉJOUR",
    }
}

/// Label and value inks of a visual zone.
pub(crate) fn inks(rng: &mut Rng) -> Inks {
    let label = *rng.pick(&[[40, 60, 120], [90, 50, 60], [40, 90, 80], [70, 70, 80]]).unwrap_or(&[60, 60, 90]);
    Inks { label: Rgb(label), value: Rgb([rng.int(15, 35) as u8, rng.int(15, 35) as u8, rng.int(20, 40) as u8]) }
}

fn upper(text: &str) -> String {
    text.to_uppercase()
}

fn cells(pairs: &[(&str, String)]) -> Vec<Cell> {
    pairs.iter().map(|(l, v)| ((*l).to_owned(), v.clone())).collect()
}

/// Optional inputs of [`render_document`] and [`render_card_front`]; with the default, everything
/// is drawn from the generator.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hooks<'a> {
    /// Where the MRZ goes (default: drawn from the generator first).
    pub place: Option<MrzPlacement>,
    /// The holder's face, used for the main portrait (scaled to it) and for a card back's ghost
    /// portrait, instead of a random one (the random one is still drawn, so the other draws stay).
    pub face: Option<&'a RgbImage>,
}

fn td3_like_sizes(format: Format) -> (f32, f32, f32, f32) {
    match format {
        Format::Td3 => (3.2, 33.0, 43.0, 7.2),
        Format::MrvA => (3.0, 30.0, 38.0, 6.8),
        _ => (2.6, 25.0, 32.0, 6.4),
    }
}

const TD1_BACK_GRID_ROW: f32 = 8.0;

fn td1_ghost_rect() -> RectMm {
    let (w_mm, _) = document_size(Format::Td1);
    RectMm::new(w_mm - 19.0, 4.0, 13.0, 17.0)
}

/// The portrait `face` at `w` x `h` pixels (the random `fallback` without a face).
fn face_or(face: Option<&RgbImage>, fallback: RgbImage) -> RgbImage {
    match face {
        Some(f) if f.dimensions() == fallback.dimensions() => f.clone(),
        Some(f) => {
            image::imageops::resize(f, fallback.width(), fallback.height(), image::imageops::FilterType::Triangle)
        }
        None => fallback,
    }
}

/// The rows of the visual zone of `format` (for TD1: the card back). Draws from `rng` for MRV
/// entries and remarks and the TD1 height.
fn viz_rows(format: Format, id: &Identity, rng: &mut Rng) -> Vec<Vec<Cell>> {
    let state = upper(id.issuing_state.name);
    let nationality = upper(id.nationality.name);
    let number = id.document_number.clone();
    let code = id.issuing_state.code.to_owned();
    match format {
        Format::Td1 => vec![
            cells(&[("Date of issue / Date de délivrance", visual_date(id.issue))]),
            cells(&[
                ("Place of birth / Lieu de naissance", id.place_of_birth.to_owned()),
                ("Height / Taille", format!("{:.2} m", rng.range(1.52, 1.95))),
            ]),
            cells(&[("Authority / Autorité", format!("{} — {}", upper(id.place_of_birth), state))]),
            cells(&[("Document No. / N°", number)]),
        ],
        Format::Td3 => vec![
            cells(&[("Type", id.document_code.clone()), ("Code", code), ("Passport No. / N° du passeport", number)]),
            cells(&[("Surname / Nom", upper(&id.surname))]),
            cells(&[("Given names / Prénoms", upper(&id.given_names))]),
            cells(&[("Nationality / Nationalité", nationality)]),
            cells(&[
                ("Date of birth / Date de naissance", visual_date(id.birth)),
                ("Sex / Sexe", id.visual_sex().to_owned()),
            ]),
            cells(&[("Place of birth / Lieu de naissance", upper(id.place_of_birth))]),
            cells(&[("Date of issue / Date de délivrance", visual_date(id.issue)), ("Authority / Autorité", state)]),
            cells(&[("Date of expiry / Date d'expiration", visual_date(id.expiry))]),
        ],
        Format::MrvA | Format::MrvB => vec![
            cells(&[("Valid from / Du", visual_date(id.issue)), ("Until / Au", visual_date(id.expiry))]),
            cells(&[
                ("Type of visa / Type de visa", id.document_code.clone()),
                ("Entries / Entrées", rng.pick_str(&["MULT", "1", "2"], "MULT").to_owned()),
                ("Number / Numéro", number),
            ]),
            cells(&[(
                "Surname, given names / Nom, prénoms",
                format!("{}, {}", upper(&id.surname), upper(&id.given_names)),
            )]),
            cells(&[("Nationality / Nationalité", nationality), ("Date of birth", visual_date(id.birth))]),
            cells(&[(
                "Remarks / Remarques",
                rng.pick_str(&["TOURISME", "AFFAIRES — BUSINESS", "ÉTUDES"], "").to_owned(),
            )]),
        ],
        _ => vec![
            cells(&[("Surname / Nom", upper(&id.surname))]),
            cells(&[("Given names / Prénoms", upper(&id.given_names))]),
            cells(&[("Sex / Sexe", id.visual_sex().to_owned()), ("Nationality / Nationalité", nationality)]),
            cells(&[("Date of birth / Date de naissance", visual_date(id.birth)), ("Document No.", number)]),
            cells(&[("Date of expiry / Date d'expiration", visual_date(id.expiry))]),
        ],
    }
}

/// The grid of the visual zone and how many rows fit above the MRZ clear zone.
fn viz_grid(format: Format, clear: f32) -> (Grid, usize) {
    let (w_mm, _) = document_size(format);
    if format == Format::Td1 {
        let row = TD1_BACK_GRID_ROW;
        let max_rows = ((clear - 3.5) / row).floor().max(1.0) as usize;
        return (Grid { x: 5.0, y: 3.5, width: w_mm - 27.0, row }, max_rows);
    }
    let (title, photo_w, _, row_mm) = td3_like_sizes(format);
    let photo_top = 4.0 + title + 4.0;
    let fields_x = 6.0 + photo_w + 4.0;
    let max_rows = ((clear - photo_top - 0.5) / row_mm).floor().max(1.0) as usize;
    (Grid { x: fields_x, y: photo_top, width: w_mm - fields_x - 4.0, row: row_mm }, max_rows)
}

/// Where [`draw_fields`] puts each cell of `rows`.
fn grid_boxes(grid: Grid, rows: &[Vec<Cell>]) -> Vec<CellBox> {
    let label_cap = grid.row * 0.19;
    let value_cap = grid.row * 0.33;
    let mut boxes = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let top = grid.y + r as f32 * grid.row;
        let cell_w = grid.width / row.len().max(1) as f32;
        for (c, (label, _)) in row.iter().enumerate() {
            boxes.push(CellBox {
                field: VizField::of_label(label),
                rect: RectMm::new(grid.x + c as f32 * cell_w, top, cell_w, grid.row),
                value_baseline_mm: top + label_cap + 0.9 + value_cap,
                value_cap_mm: value_cap,
            });
        }
    }
    boxes
}

/// The layout [`render_document`] gives a page of `format` with its MRZ at `place` (`lines` MRZ
/// lines), known without drawing.
pub fn document_layout(format: Format, place: MrzPlacement, lines: usize) -> PageLayout {
    let clear = place.clear_top_mm(lines);
    // Only the labels matter here; a fixed identity and generator give them.
    let id = Identity::random(&mut Rng::new(0), format, false);
    let rows = viz_rows(format, &id, &mut Rng::new(0));
    let (grid, max_rows) = viz_grid(format, clear);
    let rows: Vec<Vec<Cell>> = rows.into_iter().take(max_rows).collect();
    let (portrait, ghost) = if format == Format::Td1 {
        (None, Some(td1_ghost_rect()))
    } else {
        let (title, photo_w, photo_h, _) = td3_like_sizes(format);
        (Some(RectMm::new(6.0, 4.0 + title + 4.0, photo_w, photo_h)), None)
    };
    PageLayout {
        size_mm: document_size(format),
        portrait,
        ghost,
        cells: grid_boxes(grid, &rows),
        mrz: Some(place),
        mrz_shape: (lines, format.line_len()),
    }
}

/// The data page (or card back, or visa) of `format`: the visual zone from `id`, the MRZ from
/// `lines` (they need not agree); with `Hooks::default()` everything else comes from `rng`.
pub fn render_document(
    fonts: &Fonts,
    rng: &mut Rng,
    format: Format,
    id: &Identity,
    lines: &[String],
    dpi: f32,
    hooks: Hooks<'_>,
) -> RgbImage {
    let mm = Mm { dpi };
    let (w_mm, h_mm) = document_size(format);
    let (w, h) = mm.size(w_mm, h_mm);
    let mut img = RgbImage::new(w, h);
    let place = match hooks.place {
        Some(place) => place,
        None => MrzPlacement::random(rng, format),
    };
    let clear = place.clear_top_mm(lines.len());
    paint_background(&mut img, &mut rng.fork(), mm, Some(clear));
    let ink = inks(rng);
    let state = upper(id.issuing_state.name);
    if format == Format::Td1 {
        // The back of the card: a ghost portrait, holder details, issuing data.
        let ghost_at = td1_ghost_rect();
        let random = portrait(&mut rng.fork(), mm.px(ghost_at.w) as u32, mm.px(ghost_at.h) as u32);
        let ghost = face_or(hooks.face, random);
        paste(&mut img, &ghost, mm.ipx(ghost_at.x), mm.ipx(ghost_at.y), 0.35);
        let rows = viz_rows(format, id, rng);
        let (grid, max_rows) = viz_grid(format, clear);
        let rows: Vec<Vec<Cell>> = rows.into_iter().take(max_rows).collect();
        draw_fields(&mut img, fonts, mm, grid, &rows, ink);
    } else {
        let (title, photo_w, photo_h, _) = td3_like_sizes(format);
        let title_pen = Pen { font: &fonts.sans, cap_px: mm.px(title), ink: ink.label };
        let state_w = draw_text_fit(&mut img, title_pen, mm.px(6.0), mm.px(4.0 + title), mm.px(w_mm - 24.0), &state);
        let head_x = mm.px(6.0) + state_w + mm.px(4.0);
        let head_pen = Pen { cap_px: mm.px(title * 0.7), ..title_pen };
        draw_text_fit(
            &mut img,
            head_pen,
            head_x,
            mm.px(4.0 + title),
            mm.px(w_mm - 14.0) - head_x,
            header(format, false),
        );
        let emblem_r = mm.ipx(3.2);
        draw_hollow_circle_mut(&mut img, (mm.ipx(w_mm - 8.0), mm.ipx(6.5)), emblem_r, ink.label);
        draw_hollow_circle_mut(&mut img, (mm.ipx(w_mm - 8.0), mm.ipx(6.5)), emblem_r - 2, ink.label);
        let photo_top = 4.0 + title + 4.0;
        let random = portrait(&mut rng.fork(), mm.px(photo_w) as u32, mm.px(photo_h) as u32);
        let face = face_or(hooks.face, random);
        paste(&mut img, &face, mm.ipx(6.0), mm.ipx(photo_top), 1.0);
        let rows = viz_rows(format, id, rng);
        let (grid, max_rows) = viz_grid(format, clear);
        let rows: Vec<Vec<Cell>> = rows.into_iter().take(max_rows).collect();
        draw_fields(&mut img, fonts, mm, grid, &rows, ink);
        let sig_top = photo_top + photo_h + 1.5;
        let sig_h = (clear - sig_top - 1.0).min(8.0);
        if sig_h > 2.0 {
            signature(&mut img, &mut rng.fork(), mm, 7.0, sig_top, photo_w - 2.0, sig_h);
        }
    }
    let grey = rng.int(8, 40) as u8;
    draw_mrz(&mut img, fonts, mm, lines, place, Rgb([grey, grey, grey]));
    img
}

fn card_front_rows(id: &Identity) -> Vec<Vec<Cell>> {
    vec![
        cells(&[("Surname / Nom", upper(&id.surname))]),
        cells(&[("Given names / Prénoms", upper(&id.given_names))]),
        cells(&[("Sex / Sexe", id.visual_sex().to_owned()), ("Nationality / Nationalité", upper(id.nationality.name))]),
        cells(&[
            ("Date of birth / Date de naissance", visual_date(id.birth)),
            ("Document No.", id.document_number.clone()),
        ]),
        cells(&[("Date of expiry / Date d'expiration", visual_date(id.expiry))]),
    ]
}

fn card_front_grid() -> Grid {
    let (w_mm, _) = document_size(Format::Td1);
    Grid { x: 31.0, y: 11.5, width: w_mm - 34.0, row: 7.0 }
}

const CARD_FRONT_PORTRAIT: RectMm = RectMm::new(4.0, 12.0, 24.0, 31.0);

/// The layout [`render_card_front`] gives, known without drawing.
pub fn card_front_layout() -> PageLayout {
    let id = Identity::random(&mut Rng::new(0), Format::Td1, false);
    PageLayout {
        size_mm: document_size(Format::Td1),
        portrait: Some(CARD_FRONT_PORTRAIT),
        ghost: None,
        cells: grid_boxes(card_front_grid(), &card_front_rows(&id)),
        mrz: None,
        mrz_shape: (0, 0),
    }
}

/// The front of an identity card: portrait, visual zone, no MRZ (of the hooks, only `face` applies).
pub fn render_card_front(fonts: &Fonts, rng: &mut Rng, id: &Identity, dpi: f32, hooks: Hooks<'_>) -> RgbImage {
    let mm = Mm { dpi };
    let (w_mm, h_mm) = document_size(Format::Td1);
    let (w, h) = mm.size(w_mm, h_mm);
    let mut img = RgbImage::new(w, h);
    paint_background(&mut img, &mut rng.fork(), mm, None);
    let ink = inks(rng);
    let pen = Pen { font: &fonts.sans, cap_px: mm.px(2.4), ink: ink.label };
    draw_text_fit(&mut img, pen, mm.px(4.0), mm.px(6.0), mm.px(40.0), &upper(id.issuing_state.name));
    let small = Pen { cap_px: mm.px(1.6), ..pen };
    draw_text_fit(&mut img, small, mm.px(4.0), mm.px(9.2), mm.px(w_mm - 8.0), header(Format::Td1, true));
    let at = CARD_FRONT_PORTRAIT;
    let random = portrait(&mut rng.fork(), mm.px(at.w) as u32, mm.px(at.h) as u32);
    let face = face_or(hooks.face, random);
    paste(&mut img, &face, mm.ipx(at.x), mm.ipx(at.y), 1.0);
    draw_fields(&mut img, fonts, mm, card_front_grid(), &card_front_rows(id), ink);
    signature(&mut img, &mut rng.fork(), mm, 5.0, 44.5, 22.0, 7.0);
    img
}
