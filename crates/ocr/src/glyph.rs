//! A second opinion that does not come from Tesseract: every character cell of an MRZ line
//! compared with the 37 OCR-B glyphs an MRZ may hold, rendered from the bundled font.
//!
//! ICAO 9303 prints the MRZ in OCR-B at a fixed pitch, so template matching is enough to tell its
//! characters apart, with no training. Templates come from both bundled cuts of OCR-B (round and
//! square stroke ends). Each glyph, in the templates and on the page, is scaled so
//! its own ink is [`GLYPH_HEIGHT`] pixels tall (OCR-B's digits stand taller than its capitals, and
//! `<` is short) and centred on its ink; the width keeps the glyph's proportions, which is what
//! tells a narrow `0` from a round `O`. Cells are compared by normalised cross-correlation with a
//! pixel of slack each way. It sees each glyph's shape only, where Tesseract's LSTM also reads
//! context; [`docexam_scan`] trusts neither where they disagree.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::GrayImage;

/// OCR-B by Matthew Skala (public domain): round stroke ends.
const OCRB: &[u8] = include_bytes!("../../../assets/fonts/OCRB.otf");
/// OCR-B Sharp, same author and licence: square stroke ends, as many passport printers set it.
const OCRB_SHARP: &[u8] = include_bytes!("../../../assets/fonts/OCRBS.otf");

/// The characters an MRZ may hold, in template order.
const MRZ_CHARACTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

/// Height of every glyph's ink in template pixels: OCR-B's strokes stay a few pixels wide, which
/// is what tells `B` from `8` and `D` from `0`.
const GLYPH_HEIGHT: usize = 20;
/// Template width: the widest glyph scaled to [`GLYPH_HEIGHT`] fits.
const GLYPH_WIDTH: usize = 24;
/// Slack in template pixels a cell may be off by, each way, vertically and horizontally.
const SLACK: usize = 1;
/// A page pixel darker than this is ink when measuring a glyph's extent (the prepared band's
/// paper is white and its darkest ink black).
const INK_LEVEL: u8 = 128;

/// How well one character's template fits a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphScore {
    /// The character.
    pub ch: char,
    /// Normalised cross-correlation with its template, -1 to 1.
    pub score: f32,
}

/// The rendered templates. Build once per scanner (a millisecond) and reuse.
#[derive(Debug, Clone)]
pub struct GlyphMatcher {
    /// Per character: its templates (both cuts), each zero-mean, unit-norm ink,
    /// `GLYPH_WIDTH` x `GLYPH_HEIGHT`.
    templates: Vec<(char, Vec<Vec<f32>>)>,
}

/// Where the characters of one line stand: the rows of the line and, per character, the columns
/// OCR gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineCells {
    /// Top and bottom row of the line (inclusive, exclusive).
    pub rows: [u32; 2],
    /// Per character: its left and right column (inclusive, exclusive).
    pub columns: Vec<[u32; 2]>,
}

impl LineCells {
    /// The cells of a line from OCR's character boxes `[left, top, right, bottom]`: the line's
    /// rows span every box (Tesseract's LSTM boxes span the line's height anyway).
    pub fn from_boxes(boxes: &[[u32; 4]]) -> Self {
        let top = boxes.iter().map(|b| b[1]).min().unwrap_or(0);
        let bottom = boxes.iter().map(|b| b[3]).max().unwrap_or(0);
        Self { rows: [top, bottom], columns: boxes.iter().map(|b| [b[0], b[2]]).collect() }
    }
}

impl GlyphMatcher {
    /// Renders the templates from the bundled OCR-B font; `None` only if the compiled-in font
    /// does not parse.
    pub fn new() -> Option<Self> {
        let fonts = [FontRef::try_from_slice(OCRB).ok()?, FontRef::try_from_slice(OCRB_SHARP).ok()?];
        let mut templates = Vec::new();
        for ch in MRZ_CHARACTERS.chars() {
            let mut variants = Vec::new();
            for font in &fonts {
                // Rendered large, then scaled so its ink is GLYPH_HEIGHT tall.
                let big = render(font, ch, 4 * GLYPH_HEIGHT)?;
                let (left, top, right, bottom) = ink_box(&big.0, big.1, big.2, 0.5)?;
                let pixel = (bottom - top) as f32 / GLYPH_HEIGHT as f32;
                let centre = (left + right) as f32 / 2.0;
                let mut cell = sample(
                    |x, y| big.0.get(y * big.1 + x).copied().unwrap_or(0.0),
                    (big.1, big.2),
                    centre - GLYPH_WIDTH as f32 / 2.0 * pixel,
                    top as f32,
                    pixel,
                    (GLYPH_WIDTH, GLYPH_HEIGHT),
                );
                if !normalise(&mut cell) {
                    return None;
                }
                variants.push(cell);
            }
            templates.push((ch, variants));
        }
        Some(Self { templates })
    }

    /// Scores every character cell of a line, best first per cell. `image` is dark text on a
    /// light background; a cell with no ink, or outside the image, gets no scores.
    pub fn read_line(&self, image: &GrayImage, cells: &LineCells) -> Vec<Vec<GlyphScore>> {
        cells.columns.iter().map(|&columns| self.read_cell(image, cells.rows, columns)).collect()
    }

    fn read_cell(&self, image: &GrayImage, rows: [u32; 2], columns: [u32; 2]) -> Vec<GlyphScore> {
        let (width, height) = image.dimensions();
        // A pixel of room around OCR's box: its edges are approximate.
        let x0 = columns[0].saturating_sub(1);
        let x1 = columns[1].saturating_add(1).min(width);
        let (y0, y1) = (rows[0].saturating_sub(1), rows[1].saturating_add(1).min(height));
        if x1 <= x0 || y1 <= y0 {
            return Vec::new();
        }
        let ink = |x: usize, y: usize| 255.0 - f32::from(image.get_pixel(x as u32, y as u32).0[0]);
        let window: Vec<f32> =
            (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x as usize, y as usize))).map(|(x, y)| ink(x, y)).collect();
        let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
        let Some((left, top, right, bottom)) = ink_box(&window, w, h, 255.0 - f32::from(INK_LEVEL)) else {
            return Vec::new();
        };
        // Glyphs are at least a few pixels tall; a speck is not one.
        if bottom - top < 4 {
            return Vec::new();
        }
        let pixel = (bottom - top) as f32 / GLYPH_HEIGHT as f32;
        let centre = x0 as f32 + (left + right) as f32 / 2.0;
        let (pw, ph) = (GLYPH_WIDTH + 2 * SLACK, GLYPH_HEIGHT + 2 * SLACK);
        let patch = sample(
            ink,
            (width as usize, height as usize),
            centre - pw as f32 / 2.0 * pixel,
            (y0 as usize + top) as f32 - SLACK as f32 * pixel,
            pixel,
            (pw, ph),
        );
        self.score_patch(&patch, pw)
    }

    fn score_patch(&self, patch: &[f32], patch_width: usize) -> Vec<GlyphScore> {
        let mut windows = Vec::new();
        for dy in 0..=2 * SLACK {
            for dx in 0..=2 * SLACK {
                let mut window = Vec::with_capacity(GLYPH_WIDTH * GLYPH_HEIGHT);
                for y in 0..GLYPH_HEIGHT {
                    let row = (y + dy) * patch_width + dx;
                    window.extend_from_slice(patch.get(row..row + GLYPH_WIDTH).unwrap_or_default());
                }
                if window.len() == GLYPH_WIDTH * GLYPH_HEIGHT && normalise(&mut window) {
                    windows.push(window);
                }
            }
        }
        if windows.is_empty() {
            return Vec::new();
        }
        let mut scores: Vec<GlyphScore> = self
            .templates
            .iter()
            .map(|(ch, variants)| {
                let best = variants
                    .iter()
                    .flat_map(|t| windows.iter().map(move |w| w.iter().zip(t).map(|(a, b)| a * b).sum::<f32>()))
                    .fold(-1.0f32, f32::max);
                GlyphScore { ch: *ch, score: best }
            })
            .collect();
        scores.sort_by(|a, b| b.score.total_cmp(&a.score));
        scores
    }
}

/// The scale at which `font`'s `H` is `cap` pixels tall.
fn scale_for_cap(font: &FontRef<'_>, cap: f32) -> PxScale {
    // ab_glyph's unscaled outline bounds keep the font's y-up values but swap min and max.
    let cap_units =
        font.outline(font.glyph_id('H')).map_or(0.7 * font.height_unscaled(), |o| o.bounds.min.y.max(o.bounds.max.y));
    PxScale::from(cap * font.height_unscaled() / cap_units.max(1.0))
}

/// `ch` in `font` with capitals `cap` pixels tall, as coverage on a canvas with room around it:
/// (pixels, width, height).
fn render(font: &FontRef<'_>, ch: char, cap: usize) -> Option<(Vec<f32>, usize, usize)> {
    let (w, h) = (3 * cap, 3 * cap);
    let scale = scale_for_cap(font, cap as f32);
    let glyph = font.as_scaled(scale).glyph_id(ch).with_scale_and_position(scale, point(cap as f32, 2.0 * cap as f32));
    let outlined = font.outline_glyph(glyph)?;
    let bounds = outlined.px_bounds();
    let mut canvas = vec![0f32; w * h];
    outlined.draw(|gx, gy, coverage| {
        let x = bounds.min.x as i64 + i64::from(gx);
        let y = bounds.min.y as i64 + i64::from(gy);
        if (0..w as i64).contains(&x) && (0..h as i64).contains(&y) {
            canvas[y as usize * w + x as usize] = coverage;
        }
    });
    Some((canvas, w, h))
}

/// The box `(left, top, right, bottom)`, right and bottom exclusive, of the values above `level`
/// in a `w` x `h` grid: the longest run of inked rows, and of inked columns, a blank line
/// inside a run allowed. Every MRZ glyph is one connected piece, so a speck of noise or the edge
/// of a neighbour, apart from it, is left out.
fn ink_box(values: &[f32], w: usize, h: usize, level: f32) -> Option<(usize, usize, usize, usize)> {
    let at = |x: usize, y: usize| values.get(y * w + x).is_some_and(|&v| v > level);
    let rows: Vec<bool> = (0..h).map(|y| (0..w).any(|x| at(x, y))).collect();
    let columns: Vec<bool> = (0..w).map(|x| (0..h).any(|y| at(x, y))).collect();
    let (top, bottom) = longest_run(&rows)?;
    let (left, right) = longest_run(&columns)?;
    Some((left, top, right, bottom))
}

/// The longest stretch `(first, end)` of `true`s, single `false`s inside it bridged.
fn longest_run(inked: &[bool]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start: Option<usize> = None;
    let mut last_inked = 0;
    for (i, &on) in inked.iter().enumerate() {
        if on {
            if start.is_some_and(|_| i > last_inked + 2) {
                start = None;
            }
            let first = *start.get_or_insert(i);
            last_inked = i;
            if best.is_none_or(|(a, b)| i + 1 - first > b - a) {
                best = Some((first, i + 1));
            }
        }
    }
    best
}

/// Area-samples `value(x, y)` (a `size.0` x `size.1` grid; 0 outside) on a `grid.0` x `grid.1`
/// grid of `pixel`-sized squares whose top-left corner is at (`left`, `top`).
fn sample(
    value: impl Fn(usize, usize) -> f32,
    size: (usize, usize),
    left: f32,
    top: f32,
    pixel: f32,
    grid: (usize, usize),
) -> Vec<f32> {
    let steps = (pixel.ceil() as usize).clamp(1, 4);
    let mut out = Vec::with_capacity(grid.0 * grid.1);
    for gy in 0..grid.1 {
        for gx in 0..grid.0 {
            let mut sum = 0.0;
            for sy in 0..steps {
                for sx in 0..steps {
                    let x = left + (gx as f32 + (sx as f32 + 0.5) / steps as f32) * pixel;
                    let y = top + (gy as f32 + (sy as f32 + 0.5) / steps as f32) * pixel;
                    if x >= 0.0 && y >= 0.0 && (x as usize) < size.0 && (y as usize) < size.1 {
                        sum += value(x as usize, y as usize);
                    }
                }
            }
            out.push(sum / (steps * steps) as f32);
        }
    }
    out
}

/// Zero mean, unit norm; `false` for a flat cell (nothing to compare).
fn normalise(values: &mut [f32]) -> bool {
    let n = values.len().max(1) as f32;
    let mean = values.iter().sum::<f32>() / n;
    let norm = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>().sqrt();
    if norm < 1e-3 {
        return false;
    }
    for v in values.iter_mut() {
        *v = (*v - mean) / norm;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `text` in OCR-B, dark on light, capitals `cap` px tall at OCR-B's own pitch, and
    /// returns the image and its cells.
    fn rendered(text: &str, cap: f32) -> (GrayImage, LineCells) {
        let font = FontRef::try_from_slice(OCRB).unwrap();
        let scale = scale_for_cap(&font, cap);
        let scaled = font.as_scaled(scale);
        let advance = scaled.h_advance(scaled.glyph_id('H'));
        let (margin, n) = (cap, text.chars().count() as f32);
        let mut img =
            GrayImage::from_pixel((2.0 * margin + n * advance) as u32, (3.0 * cap) as u32, image::Luma([235]));
        let baseline = 2.0 * cap;
        let mut columns = Vec::new();
        for (i, ch) in text.chars().enumerate() {
            let x = margin + i as f32 * advance;
            columns.push([x as u32, (x + advance) as u32]);
            let glyph = scaled.glyph_id(ch).with_scale_and_position(scale, point(x, baseline));
            let outlined = font.outline_glyph(glyph).unwrap();
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, c| {
                let (px, py) = (b.min.x as u32 + gx, b.min.y as u32 + gy);
                let p = img.get_pixel_mut(px, py);
                p.0[0] = (f32::from(p.0[0]) * (1.0 - c) + 20.0 * c) as u8;
            });
        }
        let rows = [(baseline - 1.4 * cap) as u32, (baseline + 0.3 * cap) as u32];
        (img, LineCells { rows, columns })
    }

    fn best(scores: &[Vec<GlyphScore>]) -> String {
        scores.iter().map(|s| s.first().map_or('?', |g| g.ch)).collect()
    }

    #[test]
    fn reads_every_mrz_character_at_scan_sizes() {
        let matcher = GlyphMatcher::new().unwrap();
        // Prepared bands have capitals about 16 px tall.
        for cap in [16.0, 20.0, 31.0] {
            let (img, cells) = rendered(MRZ_CHARACTERS, cap);
            assert_eq!(best(&matcher.read_line(&img, &cells)), MRZ_CHARACTERS, "cap height {cap}");
        }
        // Smaller, only the round glyphs' proportions blur together.
        let (img, cells) = rendered(MRZ_CHARACTERS, 12.0);
        for (read, expected) in best(&matcher.read_line(&img, &cells)).chars().zip(MRZ_CHARACTERS.chars()) {
            assert!(
                read == expected || ("0ODQUCG".contains(read) && "0ODQUCG".contains(expected)),
                "{expected}: {read}"
            );
        }
    }

    #[test]
    fn tells_zero_from_o_by_its_proportions() {
        let matcher = GlyphMatcher::new().unwrap();
        let (img, cells) = rendered("0O0O", 16.0);
        let scores = matcher.read_line(&img, &cells);
        assert_eq!(best(&scores), "0O0O");
        let margin = |s: &[GlyphScore]| s[0].score - s[1].score;
        assert!(scores.iter().all(|s| margin(s) > 0.02), "{scores:?}");
    }

    #[test]
    fn empty_cells_and_cells_outside_the_image_get_no_scores() {
        let matcher = GlyphMatcher::new().unwrap();
        let (img, mut cells) = rendered("P<UTO", 20.0);
        cells.columns.push([img.width() + 50, img.width() + 60]);
        cells.columns.push([2, 8]);
        let scores = matcher.read_line(&img, &cells);
        assert!(scores[..5].iter().all(|s| s.len() == 37));
        assert!(scores[5].is_empty(), "outside");
        assert!(scores[6].is_empty(), "the margin holds no ink");
        cells.rows = [10, 10];
        assert!(matcher.read_line(&img, &cells).iter().all(Vec::is_empty));
    }
}
