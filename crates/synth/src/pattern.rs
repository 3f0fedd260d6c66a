//! Security backgrounds: the paper tint, guilloche rosettes and wave families at any angle,
//! diagonal colour bands (rainbow print) and microprint lines, in pastel or stronger colours,
//! either kept out of the MRZ zone or running behind and through it.

use image::{Rgb, RgbImage};

use super::render::{Fonts, Mm, Pen, RectMm, draw_text, text_width};
use super::rng::Rng;

/// A family of parallel wavy lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Waves {
    /// Direction the lines run, degrees from horizontal.
    pub angle_deg: f32,
    /// Distance between neighbouring lines (mm).
    pub period_mm: f32,
    /// Amplitude of the wave (mm).
    pub amp_mm: f32,
    /// Wavelength along the line (mm).
    pub wavelength_mm: f32,
    /// Phase of the wave.
    pub phase: f32,
    /// Line width (mm).
    pub line_mm: f32,
}

/// One ring of a rosette: `strands` sine curves around the centre, each shifted by a share of
/// the lobe, so they weave.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    /// Mean radius (mm).
    pub radius_mm: f32,
    /// Radial amplitude (mm).
    pub amp_mm: f32,
    /// Lobes around the circle.
    pub lobes: u32,
    /// Curves in the ring.
    pub strands: u32,
    /// Phase.
    pub phase: f32,
}

/// A pattern element.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Parallel wavy lines over the whole page.
    Waves(Waves),
    /// A guilloche rosette.
    Rosette {
        /// Centre on the page (mm).
        centre: (f32, f32),
        /// Its rings.
        rings: Vec<Ring>,
        /// Line width (mm).
        line_mm: f32,
    },
    /// A soft diagonal band of colour (rainbow printing).
    Band {
        /// Direction across the page, degrees from horizontal.
        angle_deg: f32,
        /// Signed distance of the band's centre line from the page centre (mm).
        offset_mm: f32,
        /// Width (mm).
        width_mm: f32,
    },
}

/// A pattern element with its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// What is drawn.
    pub shape: Shape,
    /// Added to the paper colour where the element is fully printed (negative: darker).
    pub tint: [f32; 3],
    /// Opacity of the element (0-1).
    pub strength: f32,
    /// A strong colour rather than a pastel one.
    pub strong: bool,
}

/// Lines of tiny repeated text.
#[derive(Debug, Clone, PartialEq)]
pub struct Microprint {
    /// Distance between lines (mm).
    pub spacing_mm: f32,
    /// Capital height (mm).
    pub cap_mm: f32,
    /// Ink.
    pub ink: [u8; 3],
    /// The band of the page the lines fill (top, bottom in mm from the top).
    pub band_mm: (f32, f32),
}

/// The paper of one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Background {
    /// Paper colour.
    pub paper: [u8; 3],
    /// Left-to-right brightness change (grey levels).
    pub gradient: f32,
    /// Pattern elements, painted in order.
    pub elements: Vec<Element>,
    /// Strength of the pattern behind the MRZ relative to elsewhere; 0 keeps the MRZ zone clear.
    pub behind_mrz: f32,
    /// Microprint lines.
    pub microprint: Option<Microprint>,
}

/// Light paper colours of real documents (the committed generator's six and a few more).
const PAPERS: [[u8; 3]; 10] = [
    [234, 243, 234],
    [230, 239, 250],
    [250, 237, 240],
    [246, 241, 226],
    [239, 235, 250],
    [244, 244, 238],
    [252, 250, 244],
    [226, 240, 242],
    [248, 232, 222],
    [236, 236, 236],
];

/// Strong tints: one hue each, dark enough to stand out, light enough to stay behind black ink.
const STRONG: [[f32; 3]; 6] = [
    [-150.0, -60.0, -10.0],
    [-20.0, -130.0, -140.0],
    [-120.0, -30.0, -120.0],
    [-40.0, -110.0, -20.0],
    [-20.0, -60.0, -160.0],
    [-100.0, -100.0, -40.0],
];

fn pastel(rng: &mut Rng) -> [f32; 3] {
    [rng.range_f32(-45.0, -12.0), rng.range_f32(-45.0, -10.0), rng.range_f32(-40.0, -8.0)]
}

impl Background {
    /// A plain paper of colour `paper`: no pattern.
    pub fn plain(paper: [u8; 3]) -> Self {
        Self { paper, gradient: 0.0, elements: Vec::new(), behind_mrz: 0.0, microprint: None }
    }

    /// "plain", "pastel" or "strong" (any strong element).
    pub fn name(&self) -> &'static str {
        if self.elements.is_empty() && self.microprint.is_none() {
            "plain"
        } else if self.elements.iter().any(|e| e.strong) {
            "strong"
        } else {
            "pastel"
        }
    }

    /// A background: two to five elements, pastel mostly. `strong_through_mrz` (the `guilloche`
    /// kind) always adds a strong element and runs the pattern behind the MRZ at 70-100 %;
    /// otherwise one page in three has a pastel pattern behind the MRZ at 30-80 %.
    /// `page` is the page's width and height (mm).
    pub fn random(rng: &mut Rng, page: (f32, f32), strong_through_mrz: bool) -> Self {
        let paper = *rng.pick(&PAPERS).unwrap_or(&[240, 240, 240]);
        let gradient = rng.range_f32(-10.0, 10.0);
        let mut elements = Vec::new();
        let count = rng.int(2, 4);
        for _ in 0..count {
            let shape = random_shape(rng, page);
            let strength = match shape {
                Shape::Band { .. } => rng.range_f32(0.25, 0.6),
                _ => rng.range_f32(0.35, 0.7),
            };
            elements.push(Element { shape, tint: pastel(rng), strength, strong: false });
        }
        let strong_anyway = rng.chance(0.12);
        if strong_through_mrz || strong_anyway {
            let shape = if strong_through_mrz { shape_over_the_bottom(rng, page) } else { random_shape(rng, page) };
            let tint = *rng.pick(&STRONG).unwrap_or(&STRONG[0]);
            let strength = rng.range_f32(0.55, 0.85);
            elements.push(Element { shape, tint, strength, strong: true });
        }
        let behind_mrz = if strong_through_mrz {
            rng.range_f32(0.7, 1.0)
        } else if !strong_anyway && rng.chance(0.35) {
            rng.range_f32(0.3, 0.8)
        } else {
            0.0
        };
        // One to four lines of microprint in a band: through the MRZ zone on guilloche pages,
        // anywhere on others (skipping the MRZ zone unless the pattern runs behind it).
        let microprint = (strong_through_mrz || rng.chance(0.45)).then(|| {
            let (_, h) = page;
            let spacing = rng.range_f32(0.8, 2.5);
            let lines = rng.int(1, 4) as f32;
            let top =
                if strong_through_mrz { h - rng.range_f32(6.0, 14.0) } else { rng.range_f32(3.0, (h - 12.0).max(4.0)) };
            Microprint {
                spacing_mm: spacing,
                cap_mm: rng.range_f32(0.35, 0.7),
                ink: [rng.int(100, 180) as u8, rng.int(100, 180) as u8, rng.int(110, 190) as u8],
                band_mm: (top, top + lines * spacing + 0.1),
            }
        });
        Self { paper, gradient, elements, behind_mrz, microprint }
    }

    /// The same kind of paper with new patterns (another page of the same booklet).
    pub fn sibling(&self, rng: &mut Rng, page: (f32, f32)) -> Self {
        let mut other = Background::random(rng, page, false);
        other.paper = self.paper;
        other.behind_mrz = 0.0;
        other
    }
}

/// A shape that covers the bottom of the page, where the MRZ is: waves over the whole page, a
/// rosette centred low, or a band crossing the bottom.
fn shape_over_the_bottom(rng: &mut Rng, (w, h): (f32, f32)) -> Shape {
    let mut shape = random_shape(rng, (w, h));
    let low = (rng.range_f32(8.0, w - 8.0), h - rng.range_f32(4.0, 12.0));
    match &mut shape {
        Shape::Waves(_) => {}
        Shape::Rosette { centre, rings, .. } => {
            *centre = low;
            if let Some(outer) = rings.last_mut() {
                outer.radius_mm = outer.radius_mm.max(18.0);
            }
        }
        Shape::Band { angle_deg, offset_mm, .. } => {
            let (s, c) = angle_deg.to_radians().sin_cos();
            *offset_mm = -(low.0 - w / 2.0) * s + (low.1 - h / 2.0) * c;
        }
    }
    shape
}

fn random_shape(rng: &mut Rng, (w, h): (f32, f32)) -> Shape {
    let roll = rng.unit();
    if roll < 0.45 {
        Shape::Waves(Waves {
            angle_deg: if rng.chance(0.5) {
                *rng.pick(&[0.0, 90.0, 0.0]).unwrap_or(&0.0)
            } else {
                rng.range_f32(0.0, 180.0)
            },
            period_mm: rng.range_f32(0.8, 3.4),
            amp_mm: rng.range_f32(0.5, 5.0),
            wavelength_mm: rng.range_f32(6.0, 38.0),
            phase: rng.range_f32(0.0, std::f32::consts::TAU),
            line_mm: rng.range_f32(0.08, 0.2),
        })
    } else if roll < 0.8 {
        let rings = (0..rng.int(1, 4))
            .map(|i| {
                let radius_mm = rng.range_f32(5.0, 10.0) + i as f32 * rng.range_f32(5.0, 9.0);
                let amp_mm = rng.range_f32(1.0, 4.0);
                // No steeper than about 70 degrees, or the strands merge into a solid ring.
                let lobes = (rng.int(6, 28) as u32).min((3.0 * radius_mm / amp_mm) as u32).max(3);
                let strands = rng.int(5, 14) as u32;
                Ring { radius_mm, amp_mm, lobes, strands, phase: rng.range_f32(0.0, std::f32::consts::TAU) }
            })
            .collect();
        Shape::Rosette {
            centre: (rng.range_f32(8.0, (w - 8.0).max(9.0)), rng.range_f32(8.0, (h - 8.0).max(9.0))),
            rings,
            line_mm: rng.range_f32(0.07, 0.16),
        }
    } else {
        Shape::Band {
            angle_deg: rng.range_f32(20.0, 70.0) * rng.sign() as f32,
            offset_mm: rng.range_f32(-40.0, 40.0),
            width_mm: rng.range_f32(12.0, 45.0),
        }
    }
}

/// Coverage of a line of half width `half` (mm) at distance `d` (mm), anti-aliased over one
/// pixel of `px_mm`.
fn line_coverage(d: f32, half: f32, px_mm: f32) -> f32 {
    ((half + px_mm / 2.0 - d) / px_mm).clamp(0.0, 1.0)
}

/// The sine and cosine of a shape's direction (computed once per shape, not per pixel).
fn direction(shape: &Shape) -> (f32, f32) {
    match shape {
        Shape::Waves(wv) => wv.angle_deg.to_radians().sin_cos(),
        Shape::Band { angle_deg, .. } => angle_deg.to_radians().sin_cos(),
        Shape::Rosette { .. } => (0.0, 1.0),
    }
}

/// Coverage of `shape` at (`x`, `y`) mm on a page `w` x `h` mm; `(s, c)` is its [`direction`].
fn coverage(shape: &Shape, (s, c): (f32, f32), x: f32, y: f32, (w, h): (f32, f32), px_mm: f32) -> f32 {
    match shape {
        Shape::Waves(wv) => {
            let along = x * c + y * s;
            let across = -x * s + y * c;
            let wave = wv.amp_mm * (std::f32::consts::TAU * along / wv.wavelength_mm + wv.phase).sin();
            let t = (across - wave) / wv.period_mm;
            let d = (t - t.round()).abs() * wv.period_mm;
            line_coverage(d, wv.line_mm / 2.0, px_mm)
        }
        Shape::Rosette { centre, rings, line_mm } => {
            let (dx, dy) = (x - centre.0, y - centre.1);
            let r = (dx * dx + dy * dy).sqrt();
            let theta = dy.atan2(dx);
            let mut best: f32 = 0.0;
            for ring in rings {
                if (r - ring.radius_mm).abs() > ring.amp_mm + line_mm {
                    continue;
                }
                let k = ring.lobes as f32;
                for j in 0..ring.strands {
                    let phase = ring.phase + std::f32::consts::TAU * j as f32 / ring.strands as f32;
                    let (sin, cos) = (k * theta + phase).sin_cos();
                    let target = ring.radius_mm + ring.amp_mm * sin;
                    // Distance along the radius, corrected for the curve's slope.
                    let slope = ring.amp_mm * k * cos / r.max(0.5);
                    let d = (r - target).abs() / (1.0 + slope * slope).sqrt();
                    best = best.max(line_coverage(d, line_mm / 2.0, px_mm));
                    if best >= 1.0 {
                        return 1.0;
                    }
                }
            }
            best
        }
        Shape::Band { offset_mm, width_mm, .. } => {
            let across = -(x - w / 2.0) * s + (y - h / 2.0) * c - offset_mm;
            let t = across / (width_mm / 2.0);
            (-t * t * 2.0).exp()
        }
    }
}

/// The area a shape can cover (mm), to skip the rest of the page.
fn extent(shape: &Shape, (w, h): (f32, f32)) -> RectMm {
    match shape {
        Shape::Rosette { centre, rings, line_mm } => {
            let reach = rings.iter().map(|r| r.radius_mm + r.amp_mm).fold(0.0, f32::max) + line_mm + 0.5;
            RectMm::new(centre.0 - reach, centre.1 - reach, 2.0 * reach, 2.0 * reach)
        }
        _ => RectMm::new(0.0, 0.0, w, h),
    }
}

/// Paints `bg` over the whole of `img` (a page `img` pixels at `mm`). Inside `mrz_zone` the
/// pattern is scaled by `bg.behind_mrz` (0: clear). `text` is the microprint's text.
pub fn paint(img: &mut RgbImage, fonts: &Fonts, mm: Mm, bg: &Background, mrz_zone: Option<RectMm>, text: &str) {
    let (w, h) = img.dimensions();
    let px_mm = 25.4 / mm.dpi;
    let page = (w as f32 * px_mm, h as f32 * px_mm);
    let mut acc: Vec<[f32; 3]> = (0..w * h)
        .map(|i| {
            let x = (i % w.max(1)) as f32 / w.max(1) as f32;
            bg.paper.map(|c| f32::from(c) + bg.gradient * (x - 0.5))
        })
        .collect();
    let zone_factor = |x: f32, y: f32| match mrz_zone {
        Some(z) if x >= z.x && x <= z.x + z.w && y >= z.y && y <= z.y + z.h => bg.behind_mrz,
        _ => 1.0,
    };
    for element in &bg.elements {
        let area = extent(&element.shape, page);
        let trig = direction(&element.shape);
        let (x0, y0) = ((area.x / px_mm).floor().max(0.0) as u32, (area.y / px_mm).floor().max(0.0) as u32);
        let x1 = ((area.x + area.w) / px_mm).ceil().clamp(0.0, w as f32) as u32;
        let y1 = ((area.y + area.h) / px_mm).ceil().clamp(0.0, h as f32) as u32;
        for py in y0..y1 {
            let y = (py as f32 + 0.5) * px_mm;
            for px in x0..x1 {
                let x = (px as f32 + 0.5) * px_mm;
                let c = coverage(&element.shape, trig, x, y, page, px_mm);
                if c <= 0.0 {
                    continue;
                }
                let a = c * element.strength * zone_factor(x, y);
                if let Some(v) = acc.get_mut((py * w + px) as usize) {
                    for (channel, t) in v.iter_mut().zip(element.tint) {
                        *channel += t * a;
                    }
                }
            }
        }
    }
    for (p, v) in img.pixels_mut().zip(&acc) {
        *p = Rgb(v.map(|c| c.round().clamp(0.0, 255.0) as u8));
    }
    if let Some(micro) = &bg.microprint {
        microprint(img, fonts, mm, micro, mrz_zone.filter(|_| bg.behind_mrz <= 0.0), text);
    }
}

/// Rows of `text` repeated in tiny capitals, skipping rows that would touch `keep_clear`.
fn microprint(img: &mut RgbImage, fonts: &Fonts, mm: Mm, micro: &Microprint, keep_clear: Option<RectMm>, text: &str) {
    let (w, h) = img.dimensions();
    let (w_mm, h_mm) = (w as f32 * 25.4 / mm.dpi, h as f32 * 25.4 / mm.dpi);
    let unit = format!("{} ", text.to_uppercase());
    let unit_w = text_width(&fonts.sans, mm.px(micro.cap_mm), &unit).max(1.0);
    let repeats = (mm.px(w_mm) / unit_w).ceil() as usize + 1;
    let line = unit.repeat(repeats.min(400));
    let pen = Pen { font: &fonts.sans, cap_px: mm.px(micro.cap_mm), ink: Rgb(micro.ink) };
    let (top, bottom) = micro.band_mm;
    let mut baseline = top + micro.spacing_mm;
    let mut row = 0;
    while baseline < bottom.min(h_mm) {
        let clear = keep_clear.is_none_or(|z| baseline < z.y || baseline - micro.cap_mm > z.y + z.h);
        if clear {
            // Alternate rows start half a word in, as microprint usually does.
            let shift = if row % 2 == 1 { -unit_w / 2.0 } else { 0.0 };
            draw_text(img, pen, shift, mm.px(baseline), &line);
        }
        baseline += micro.spacing_mm;
        row += 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

    use super::*;

    #[test]
    fn a_rosette_draws_lines_near_its_rings_only() {
        let ring = Ring { radius_mm: 10.0, amp_mm: 2.0, lobes: 12, strands: 8, phase: 0.0 };
        let shape = Shape::Rosette { centre: (20.0, 20.0), rings: vec![ring], line_mm: 0.15 };
        let page = (40.0, 40.0);
        let trig = direction(&shape);
        assert_eq!(coverage(&shape, trig, 20.0, 20.0, page, 0.1), 0.0, "centre");
        assert_eq!(coverage(&shape, trig, 20.0 + 13.0, 20.0, page, 0.1), 0.0, "outside the ring");
        let hits =
            (0..400).filter(|i| coverage(&shape, trig, 20.0 + 8.0 + *i as f32 * 0.01, 20.0, page, 0.1) > 0.5).count();
        assert!(hits > 10, "{hits}");
    }

    #[test]
    fn the_mrz_zone_is_clear_unless_the_pattern_runs_behind_it() {
        let fonts = Fonts::load().unwrap();
        let mm = Mm { dpi: 100.0 };
        let zone = RectMm::new(0.0, 30.0, 60.0, 10.0);
        let mut bg = Background::random(&mut Rng::new(3), (60.0, 40.0), true);
        let spread = |bg: &Background| {
            let mut img = RgbImage::new(236, 157);
            paint(&mut img, &fonts, mm, bg, Some(zone), "UTOPIA");
            let inside: Vec<u8> =
                (125..153).flat_map(|y| (5..230).map(move |x| (x, y))).map(|(x, y)| img.get_pixel(x, y).0[1]).collect();
            inside.iter().max().unwrap() - inside.iter().min().unwrap()
        };
        assert!(spread(&bg) > 40, "a strong pattern runs through the zone");
        bg.behind_mrz = 0.0;
        assert!(spread(&bg) < 12, "a clear zone shows only the paper's gradient");
    }
}
