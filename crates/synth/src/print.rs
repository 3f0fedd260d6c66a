//! Printing an MRZ the way a [`MrzGeometry`] and an [`MrzPrint`] say: the glyphs are rendered
//! into a coverage mask first, so the ink can spread or thin (a blur re-thresholded at a shifted
//! level moves every edge by the same sub-pixel distance), the renderer's tone curve and
//! quantisation can change, and the ink can land lighter or in blotches before it is laid on
//! the page.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::RgbImage;

use super::look::{Cut, MrzGeometry, MrzPrint};
use super::render::{Fonts, Mm, RectMm, scale_for_cap_height};
use super::rng::Rng;

/// OCR-B's stroke width relative to its capital height (measured on both cuts: about 0.12).
pub const STROKE_PER_CAP: f32 = 0.12;

/// A coverage mask over part of the page.
struct Mask {
    x0: u32,
    y0: u32,
    w: usize,
    h: usize,
    cov: Vec<f32>,
}

impl Mask {
    fn get(&self, x: usize, y: usize) -> f32 {
        self.cov.get(y * self.w + x).copied().unwrap_or(0.0)
    }
}

/// The font of a cut.
pub fn font(fonts: &Fonts, cut: Cut) -> &FontRef<'static> {
    match cut {
        Cut::Round => &fonts.ocrb,
        Cut::Sharp => &fonts.ocrb_sharp,
    }
}

/// Prints `lines` on `img` (a page at `mm`); returns the area of the characters (mm).
pub fn draw_mrz(
    img: &mut RgbImage,
    fonts: &Fonts,
    mm: Mm,
    lines: &[String],
    geometry: &MrzGeometry,
    print: &MrzPrint,
) -> RectMm {
    let page_h = img.height() as f32 * 25.4 / mm.dpi;
    let chars = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let rect = geometry.rect(page_h, lines.len(), chars);
    let mut mask = glyph_mask(img, fonts, mm, lines, geometry, print, rect);
    let cap_px = mm.px(geometry.cap_mm);
    // Thinning stops where a stroke would break up: at most 22 % of its width each side.
    let spread_px = mm.px(print.spread_mm).max(-0.22 * STROKE_PER_CAP * cap_px);
    if spread_px.abs() > 0.02 {
        spread(&mut mask, spread_px);
    }
    let patches = Patches::new(print, mm, &mask);
    for y in 0..mask.h {
        for x in 0..mask.w {
            let mut c = mask.get(x, y);
            if c <= 0.0 {
                continue;
            }
            if (print.gamma - 1.0).abs() > f32::EPSILON {
                c = c.powf(print.gamma);
            }
            if print.levels >= 2 {
                let steps = f32::from(print.levels - 1);
                c = (c * steps).round() / steps;
            }
            let alpha = c * print.strength * patches.factor(x, y);
            let (px, py) = (mask.x0 + x as u32, mask.y0 + y as u32);
            if let Some(p) = img.get_pixel_mut_checked(px, py) {
                for (channel, ink) in p.0.iter_mut().zip(print.ink) {
                    *channel = (f32::from(*channel) * (1.0 - alpha) + f32::from(ink) * alpha).round() as u8;
                }
            }
        }
    }
    rect
}

/// The glyphs' coverage over `rect` and a margin for the spread.
fn glyph_mask(
    img: &RgbImage,
    fonts: &Fonts,
    mm: Mm,
    lines: &[String],
    geometry: &MrzGeometry,
    print: &MrzPrint,
    rect: RectMm,
) -> Mask {
    let pad = 1.5 + print.spread_mm.max(0.0) + geometry.jitter_mm;
    let (iw, ih) = img.dimensions();
    let x0 = mm.px(rect.x - pad).floor().clamp(0.0, iw as f32) as u32;
    let y0 = mm.px(rect.y - pad).floor().clamp(0.0, ih as f32) as u32;
    let x1 = mm.px(rect.x + rect.w + pad).ceil().clamp(0.0, iw as f32) as u32;
    let y1 = mm.px(rect.y + rect.h + pad).ceil().clamp(0.0, ih as f32) as u32;
    let (w, h) = ((x1.saturating_sub(x0)) as usize, (y1.saturating_sub(y0)) as usize);
    let mut mask = Mask { x0, y0, w, h, cov: vec![0.0; w * h] };
    let font = font(fonts, print.cut);
    let upright = scale_for_cap_height(font, mm.px(geometry.cap_mm));
    let scale = PxScale { x: upright.x * geometry.aspect, y: upright.y };
    let scaled = font.as_scaled(scale);
    let pitch = mm.px(geometry.pitch_mm);
    let page_h = ih as f32 * 25.4 / mm.dpi;
    let mut jitter = Rng::new(geometry.jitter_seed);
    let count = lines.len();
    for (row, line) in lines.iter().enumerate() {
        let dx = geometry.line_shift_mm.get(row).map_or(0.0, |s| s.0);
        let baseline = mm.px(geometry.baseline_mm(page_h, row, count));
        for (col, c) in line.chars().enumerate() {
            let id = scaled.glyph_id(c);
            let advance = scaled.h_advance(id);
            let wobble = jitter.range_f32(-1.0, 1.0) * mm.px(geometry.jitter_mm);
            let mut x = mm.px(geometry.left_mm + dx) + col as f32 * pitch + (pitch - advance) / 2.0 + wobble;
            let mut y = baseline;
            if print.snap {
                (x, y) = (x.round(), y.round());
            }
            let glyph = id.with_scale_and_position(scale, point(x - x0 as f32, y - y0 as f32));
            let Some(outlined) = font.outline_glyph(glyph) else { continue };
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px >= 0
                    && py >= 0
                    && (px as usize) < w
                    && (py as usize) < h
                    && let Some(v) = mask.cov.get_mut(py as usize * w + px as usize)
                {
                    *v = (*v + coverage).min(1.0);
                }
            });
        }
    }
    mask
}

/// The standard normal density.
fn density(z: f32) -> f32 {
    (-0.5 * z * z).exp() / (2.0 * std::f32::consts::PI).sqrt()
}

/// The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 2e-7).
fn normal_cdf(z: f32) -> f32 {
    let x = f64::from(z) / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    let erf = if x < 0.0 { -erf } else { erf };
    (0.5 * (1.0 + erf)) as f32
}

/// Moves every edge of the mask outwards by `d` pixels (inwards if negative): blur with a
/// gaussian, then re-threshold where a straight edge moved by `d` would cross, with the slope
/// that keeps about one pixel of anti-aliasing.
fn spread(mask: &mut Mask, d: f32) {
    let sigma = d.abs().max(0.6);
    let blurred = gaussian(&mask.cov, mask.w, mask.h, sigma);
    let z = d / sigma;
    let level = normal_cdf(-z);
    // Steep enough that solid ink stays solid and bare paper bare.
    let gain = (sigma / density(z)).max(0.5 / (1.0 - level).max(1e-3)).max(0.5 / level.max(1e-3));
    for (c, b) in mask.cov.iter_mut().zip(blurred) {
        *c = (0.5 + (b - level) * gain).clamp(0.0, 1.0);
    }
}

/// A separable gaussian blur of `sigma` pixels (edges repeated).
fn gaussian(src: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    let radius = (3.0 * sigma).ceil() as i64;
    let kernel: Vec<f32> = (-radius..=radius).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let total: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / total).collect();
    let pass = |src: &[f32], along_x: bool| -> Vec<f32> {
        let mut out = vec![0.0; src.len()];
        for y in 0..h {
            for x in 0..w {
                let mut acc = 0.0;
                for (k, weight) in kernel.iter().enumerate() {
                    let o = k as i64 - radius;
                    let (sx, sy) = if along_x {
                        ((x as i64 + o).clamp(0, w as i64 - 1) as usize, y)
                    } else {
                        (x, (y as i64 + o).clamp(0, h as i64 - 1) as usize)
                    };
                    acc += weight * src.get(sy * w + sx).copied().unwrap_or(0.0);
                }
                if let Some(v) = out.get_mut(y * w + x) {
                    *v = acc;
                }
            }
        }
        out
    };
    if w == 0 || h == 0 {
        return src.to_vec();
    }
    pass(&pass(src, true), false)
}

/// Soft blotches where the ink thins (value noise on a grid of `patch_mm`).
struct Patches {
    depth: f32,
    cell_px: f32,
    cols: usize,
    values: Vec<f32>,
}

impl Patches {
    fn new(print: &MrzPrint, mm: Mm, mask: &Mask) -> Self {
        let cell_px = mm.px(print.patch_mm).max(2.0);
        let cols = (mask.w as f32 / cell_px).ceil() as usize + 2;
        let rows = (mask.h as f32 / cell_px).ceil() as usize + 2;
        let mut rng = Rng::new(print.patch_seed);
        let values =
            if print.patchy > 0.0 { (0..cols * rows).map(|_| rng.unit() as f32).collect() } else { Vec::new() };
        Self { depth: print.patchy, cell_px, cols, values }
    }

    fn factor(&self, x: usize, y: usize) -> f32 {
        if self.values.is_empty() {
            return 1.0;
        }
        let (gx, gy) = (x as f32 / self.cell_px, y as f32 / self.cell_px);
        let (ix, iy) = (gx.floor() as usize, gy.floor() as usize);
        let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
        let (tx, ty) = (smooth(gx.fract()), smooth(gy.fract()));
        let v = |cx: usize, cy: usize| self.values.get(cy * self.cols + cx).copied().unwrap_or(0.5);
        let top = v(ix, iy) * (1.0 - tx) + v(ix + 1, iy) * tx;
        let bottom = v(ix, iy + 1) * (1.0 - tx) + v(ix + 1, iy + 1) * tx;
        // Most of the line prints solid; the thin spots are where the noise is high.
        let n = top * (1.0 - ty) + bottom * ty;
        1.0 - self.depth * ((n - 0.35) / 0.65).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

    use super::*;

    #[test]
    fn the_normal_distribution_function_is_accurate() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-6);
        assert!((normal_cdf(1.0) - 0.841_344_7).abs() < 1e-5);
        assert!((normal_cdf(-1.959_964) - 0.025).abs() < 1e-5);
    }

    #[test]
    fn spreading_moves_a_straight_edge_by_the_distance_asked() {
        // A half plane of ink ending at x = 20: the ink moves by d within a tenth of a pixel.
        let (w, h) = (40, 4);
        let base: Vec<f32> = (0..w * h).map(|i| if i % w < 20 { 1.0 } else { 0.0 }).collect();
        for d in [-1.0_f32, -0.4, 0.3, 1.5] {
            let mut mask = Mask { x0: 0, y0: 0, w, h, cov: base.clone() };
            spread(&mut mask, d);
            let ink: f32 = (0..w).map(|x| mask.get(x, 2)).sum();
            assert!((ink - (20.0 + d)).abs() < 0.12, "d {d}: {ink}");
        }
    }
}
