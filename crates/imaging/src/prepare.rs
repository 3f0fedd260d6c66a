//! Cutting a located zone out of the full-resolution image, line by line, upright and at the
//! character size OCR reads best, with uneven lighting and low contrast evened out.

use image::{GrayImage, Luma};

use super::morph;

fn bilinear(img: &GrayImage, x: f32, y: f32) -> u8 {
    let (w, h) = img.dimensions();
    let xf = x - 0.5;
    let yf = y - 0.5;
    let x0 = xf.floor();
    let y0 = yf.floor();
    let (fx, fy) = (xf - x0, yf - y0);
    let get = |xi: f32, yi: f32| -> f32 {
        let xi = (xi.max(0.0) as u32).min(w.saturating_sub(1));
        let yi = (yi.max(0.0) as u32).min(h.saturating_sub(1));
        img.get_pixel_checked(xi, yi).map_or(255.0, |p| f32::from(p.0[0]))
    };
    let top = get(x0, y0) * (1.0 - fx) + get(x0 + 1.0, y0) * fx;
    let bottom = get(x0, y0 + 1.0) * (1.0 - fx) + get(x0 + 1.0, y0 + 1.0) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

/// Evens out lighting (divides by the local background, found by a closing wider than a
/// character) and stretches contrast so the darkest ink is black and the paper white.
pub fn normalise(band: &GrayImage) -> GrayImage {
    // Wider than a character, so the closing fills every glyph with its paper.
    let k = (TARGET_CAP_HEIGHT * 1.2) as usize | 1;
    let background = morph::close(band, k, k);
    let mut flat = GrayImage::new(band.width(), band.height());
    for ((o, p), b) in flat.iter_mut().zip(band.iter()).zip(background.iter()) {
        let ratio = f32::from(*p) / f32::from((*b).max(1));
        *o = (ratio * 255.0).round().clamp(0.0, 255.0) as u8;
    }
    // Stretch between the 2nd and 98th percentiles.
    let mut hist = [0usize; 256];
    for &v in flat.iter() {
        if let Some(h) = hist.get_mut(usize::from(v)) {
            *h += 1;
        }
    }
    let total = flat.len().max(1);
    let percentile = |p: f32| {
        let target = (total as f32 * p) as usize;
        let mut acc = 0;
        for (v, &c) in hist.iter().enumerate() {
            acc += c;
            if acc > target {
                return v as f32;
            }
        }
        255.0
    };
    let (lo, hi) = (percentile(0.02), percentile(0.98).max(percentile(0.02) + 1.0));
    for v in flat.iter_mut() {
        *v = (((f32::from(*v) - lo) / (hi - lo)) * 255.0).round().clamp(0.0, 255.0) as u8;
    }
    flat
}

/// Black ink on white paper: Otsu's threshold over the prepared cut.
pub fn binarise(prepared: &GrayImage) -> GrayImage {
    let level = super::zone::otsu_level(&super::zone::histogram(prepared));
    threshold(prepared, level)
}

/// Only the darkest ink black: Otsu's threshold among the pixels Otsu's threshold over the
/// whole cut counts as ink. Where a pattern is printed behind the characters (guilloche, a
/// rosette) the first split falls between paper and pattern and buries the characters in it;
/// the second falls between pattern and ink.
pub fn binarise_darkest(prepared: &GrayImage) -> GrayImage {
    let mut hist = super::zone::histogram(prepared);
    let level = super::zone::otsu_level(&hist);
    for count in hist.iter_mut().skip(usize::from(level) + 1) {
        *count = 0;
    }
    threshold(prepared, super::zone::otsu_level(&hist))
}

fn threshold(prepared: &GrayImage, level: u8) -> GrayImage {
    let mut out = prepared.clone();
    for v in out.iter_mut() {
        *v = if *v > level { 255 } else { 0 };
    }
    out
}

/// How much darker the left third of a cut band is than the right third: MRZ lines end in
/// fillers, so an upright band is darker on the left. Positive means probably upright.
pub fn left_heaviness(band: &GrayImage) -> f32 {
    let (w, h) = band.dimensions();
    let third = w / 3;
    let ink = |x0: u32, x1: u32| -> f32 {
        let mut sum = 0u64;
        for y in 0..h {
            for x in x0..x1 {
                sum += u64::from(255 - band.get_pixel_checked(x, y).map_or(255, |p| p.0[0]));
            }
        }
        sum as f32 / ((x1 - x0).max(1) * h.max(1)) as f32
    };
    ink(0, third) - ink(w - third, w)
}

/// Capital height (pixels) every zone line is scaled to for OCR.
pub const TARGET_CAP_HEIGHT: f32 = 24.0;

/// Where each line of a cut zone stands in the cut: the row of its centre, and the column of its
/// first character cell's centre and the pitch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CutLine {
    /// Row of the line's centre.
    pub centre_row: f32,
    /// Column of character 0's centre.
    pub first_column: f32,
    /// Columns between character centres.
    pub pitch: f32,
    /// Characters the locator counted.
    pub characters: usize,
}

/// Cuts each line of `zone` out of `gray` along its own centre line, scaled so its capitals
/// stand [`TARGET_CAP_HEIGHT`] pixels tall, and stacks the lines at an even spacing, turned half
/// a turn when `flip`. Whatever the spacing, size or skew on the page, OCR sees one layout.
pub fn cut_zone(gray: &GrayImage, zone: &super::zone::Zone, flip: bool) -> (GrayImage, Vec<CutLine>) {
    let height = zone.height().max(1.0);
    let scale = TARGET_CAP_HEIGHT / height;
    let pitch_out = zone.pitch() * scale;
    let characters = zone.characters().max(1);
    // Two pitches either side, and room for characters the locator did not see at
    // either end (lost in the mask, or a line shorter than its format).
    let margin_chars = 2.0 + zone.expected_characters().saturating_sub(characters) as f32;
    let strip = 2.0 * TARGET_CAP_HEIGHT;
    let pad = TARGET_CAP_HEIGHT * 0.6;
    let out_w = ((characters as f32 - 1.0 + 2.0 * margin_chars) * pitch_out).round().clamp(8.0, 6000.0) as u32;
    let out_h = (strip * zone.lines.len() as f32 + 2.0 * pad).round().clamp(8.0, 2000.0) as u32;
    // Shrinking by more than 1.5 averages several samples per pixel.
    let sub = if scale < 0.67 { ((1.0 / scale).ceil() as usize).min(4) } else { 1 };
    let mut out = GrayImage::from_pixel(out_w, out_h, Luma([255]));
    let mut cut_lines = Vec::with_capacity(zone.lines.len());
    for (l, line) in zone.lines.iter().enumerate() {
        let top = pad + strip * l as f32;
        let centre_row = top + strip / 2.0;
        let first_column = margin_chars * pitch_out;
        // Every line at the zone's pitch: the lines of one MRZ share it, and one line's own
        // estimate can be off where marks merged or broke.
        let (along, across) = (1.0 / scale, 1.0 / scale);
        let (ox, oy) = line.origin;
        let ((ac, as_), (nc, ns)) = ((line.angle.cos(), line.angle.sin()), (-line.angle.sin(), line.angle.cos()));
        for row in 0..strip as u32 {
            let y_out = top as u32 + row;
            if y_out >= out_h {
                break;
            }
            for x_out in 0..out_w {
                let mut sum = 0.0f32;
                for sy in 0..sub {
                    for sx in 0..sub {
                        let fx = x_out as f32 + (sx as f32 + 0.5) / sub as f32 - first_column;
                        let fy = y_out as f32 + (sy as f32 + 0.5) / sub as f32 - centre_row;
                        let (u, v) = (fx * along, fy * across);
                        sum += f32::from(bilinear(gray, ox + u * ac + v * nc, oy + u * as_ + v * ns));
                    }
                }
                out.put_pixel(x_out, y_out, Luma([(sum / (sub * sub) as f32).round() as u8]));
            }
        }
        cut_lines.push(CutLine { centre_row, first_column, pitch: pitch_out, characters: line.characters });
    }
    if flip {
        let turned = image::imageops::rotate180(&out);
        let (w, h) = (out_w as f32, out_h as f32);
        let flipped = cut_lines
            .iter()
            .rev()
            .map(|c| CutLine {
                centre_row: h - c.centre_row,
                first_column: w - (c.first_column + c.pitch * (c.characters.max(1) - 1) as f32),
                ..*c
            })
            .collect();
        return (turned, flipped);
    }
    (out, cut_lines)
}
