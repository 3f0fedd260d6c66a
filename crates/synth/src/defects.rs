//! Visible evidence drawn onto rendered pages for training packs: the printed security features a
//! trainee compares (a frame and a seal over the portrait's edge, a ghost portrait), and the traces
//! of tampering (a replaced or shifted portrait, a scraped and overprinted field, re-printed MRZ
//! characters, a cut and a bubble in the laminate, glue and extra stitch holes at the binding, a
//! re-cut edge, a stamp on the data page). Every function works in millimetres on one page, is
//! deterministic given its `Rng`, and returns where it drew.

use image::imageops::{FilterType, resize};
use image::{Rgb, RgbImage, Rgba, RgbaImage};
use imageproc::geometric_transformations::{Border, Interpolation, rotate_about_center_no_crop};

use super::render::{CellBox, Fonts, MRZ_PITCH_MM, Mm, PageLayout, Pen, RectMm, draw_text, draw_text_fit, text_width};
use super::rng::Rng;

fn luma(p: Rgb<u8>) -> f32 {
    0.299 * f32::from(p.0[0]) + 0.587 * f32::from(p.0[1]) + 0.114 * f32::from(p.0[2])
}

/// Mixes `p` towards `to` by `a` (0..1).
fn mix(p: &mut Rgb<u8>, to: [u8; 3], a: f32) {
    let a = a.clamp(0.0, 1.0);
    for (c, t) in p.0.iter_mut().zip(to) {
        *c = (f32::from(*c) * (1.0 - a) + f32::from(t) * a).round().clamp(0.0, 255.0) as u8;
    }
}

/// Ink printed over `p` (multiply): what is underneath stays visible through it.
fn multiply(p: &mut Rgb<u8>, ink: [u8; 3], a: f32) {
    let a = a.clamp(0.0, 1.0);
    for (c, i) in p.0.iter_mut().zip(ink) {
        let factor = 1.0 - a + a * f32::from(i) / 255.0;
        *c = (f32::from(*c) * factor).round().clamp(0.0, 255.0) as u8;
    }
}

/// The pixel box of `r` clipped to the image: `(x0, y0, x1, y1)`, exclusive ends.
fn pixel_box(img: &RgbImage, mm: Mm, r: RectMm) -> (u32, u32, u32, u32) {
    let clip = |v: f32, max: u32| v.round().clamp(0.0, max as f32) as u32;
    let (w, h) = img.dimensions();
    (clip(mm.px(r.x), w), clip(mm.px(r.y), h), clip(mm.px(r.x + r.w), w), clip(mm.px(r.y + r.h), h))
}

/// Calls `paint(pixel, x_mm, y_mm)` on every pixel of `r`.
fn for_each_in(img: &mut RgbImage, mm: Mm, r: RectMm, mut paint: impl FnMut(&mut Rgb<u8>, f32, f32)) {
    let (x0, y0, x1, y1) = pixel_box(img, mm, r);
    let per_px = 25.4 / mm.dpi;
    for y in y0..y1 {
        for x in x0..x1 {
            let (xm, ym) = ((x as f32 + 0.5) * per_px, (y as f32 + 0.5) * per_px);
            paint(img.get_pixel_mut(x, y), xm, ym);
        }
    }
}

/// Distance from `p` to the segment `a`-`b`.
fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Coverage of a line `half_mm` wide either side at distance `d_mm`, antialiased over a pixel.
fn line_coverage(d_mm: f32, half_mm: f32, mm: Mm) -> f32 {
    let px = 25.4 / mm.dpi;
    ((half_mm + px / 2.0 - d_mm) / px).clamp(0.0, 1.0)
}

/// Bounding box of points, grown by `by`.
fn bounds(points: &[(f32, f32)], by: f32) -> RectMm {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &(x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return RectMm::new(0.0, 0.0, 0.0, 0.0);
    }
    RectMm::new(x0 - by, y0 - by, x1 - x0 + 2.0 * by, y1 - y0 + 2.0 * by)
}

/// Strokes the polyline `points` with `paint(pixel, coverage)`.
fn stroke(img: &mut RgbImage, mm: Mm, points: &[(f32, f32)], half_mm: f32, mut paint: impl FnMut(&mut Rgb<u8>, f32)) {
    let area = bounds(points, half_mm + 0.2);
    for_each_in(img, mm, area, |p, x, y| {
        let d = points.windows(2).map(|s| segment_distance((x, y), s[0], s[1])).fold(f32::MAX, f32::min);
        let c = line_coverage(d, half_mm, mm);
        if c > 0.0 {
            paint(p, c);
        }
    });
}

/// The paper colour near `r`: the mean of its brightest fifth (background print is darker).
pub fn paper_near(img: &RgbImage, mm: Mm, r: RectMm) -> [u8; 3] {
    let (x0, y0, x1, y1) = pixel_box(img, mm, r);
    let mut pixels: Vec<Rgb<u8>> =
        (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).map(|(x, y)| *img.get_pixel(x, y)).collect();
    if pixels.is_empty() {
        return [240, 240, 235];
    }
    pixels.sort_by(|a, b| luma(*b).total_cmp(&luma(*a)));
    let top = &pixels[..(pixels.len() / 5).max(1)];
    let mut sum = [0u32; 3];
    for p in top {
        for (s, c) in sum.iter_mut().zip(p.0) {
            *s += u32::from(c);
        }
    }
    sum.map(|s| (s / top.len() as u32) as u8)
}

/// The printed features that overlap a portrait: a thin frame around it and a round seal over
/// its lower right corner, in `ink` (multiplied, so the portrait shows through). Returns the
/// seal's box.
pub fn security_print(img: &mut RgbImage, mm: Mm, portrait: RectMm, ink: [u8; 3]) -> RectMm {
    let f = portrait.grow(0.7);
    let corners = [(f.x, f.y), (f.x + f.w, f.y), (f.x + f.w, f.y + f.h), (f.x, f.y + f.h), (f.x, f.y)];
    stroke(img, mm, &corners, 0.09, |p, c| multiply(p, ink, 0.8 * c));
    let centre = (portrait.x + portrait.w - 1.5, portrait.y + portrait.h - 1.0);
    let (outer, inner) = (6.2_f32, 4.6_f32);
    let seal = RectMm::new(centre.0 - outer - 0.3, centre.1 - outer - 0.3, 2.0 * outer + 0.6, 2.0 * outer + 0.6);
    for_each_in(img, mm, seal, |p, x, y| {
        let (dx, dy) = (x - centre.0, y - centre.1);
        let r = (dx * dx + dy * dy).sqrt();
        let rings = line_coverage((r - outer).abs(), 0.14, mm)
            .max(line_coverage((r - (outer - 0.45)).abs(), 0.07, mm))
            .max(line_coverage((r - inner).abs(), 0.12, mm));
        // 36 rays between the rings, and a star in the middle.
        let angle = dy.atan2(dx);
        let ray = (angle * 36.0 / std::f32::consts::TAU).fract().abs();
        let rays = if r > inner + 0.3 && r < outer - 0.7 && !(0.18..=0.82).contains(&ray) { 0.8 } else { 0.0 };
        let star = if r < inner - 0.8 {
            let petals = (angle * 5.0).cos().abs();
            line_coverage((r - (inner - 1.6) * petals).abs(), 0.1, mm)
        } else {
            0.0
        };
        let c = rings.max(rays).max(star);
        if c > 0.0 {
            multiply(p, ink, 0.65 * c);
        }
    });
    seal
}

/// A ghost (secondary) portrait of `face` printed at `at`, faint, under what is already there.
pub fn ghost_portrait(img: &mut RgbImage, mm: Mm, face: &RgbImage, at: RectMm, strength: f32) {
    let (x0, y0, x1, y1) = pixel_box(img, mm, at);
    if x1 <= x0 || y1 <= y0 {
        return;
    }
    let small = resize(face, x1 - x0, y1 - y0, FilterType::Triangle);
    for (sx, sy, s) in small.enumerate_pixels() {
        let shade = luma(*s) / 255.0;
        // Lighter than the original: a ghost never reaches full black.
        let tone = (255.0 * (0.35 + 0.65 * shade)) as u8;
        multiply(img.get_pixel_mut(x0 + sx, y0 + sy), [tone, tone, tone.saturating_add(8)], strength);
    }
}

/// Pastes `face` as a replacement portrait at `at`, moved by `offset` mm: a bright cut line
/// shows along its top and left edges and a dark glue line along the others. Returns the box.
pub fn substitute_portrait(img: &mut RgbImage, mm: Mm, at: RectMm, face: &RgbImage, offset: (f32, f32)) -> RectMm {
    let r = RectMm::new(at.x + offset.0, at.y + offset.1, at.w, at.h);
    let (x0, y0, x1, y1) = pixel_box(img, mm, r);
    if x1 > x0 && y1 > y0 {
        let scaled = resize(face, x1 - x0, y1 - y0, FilterType::Triangle);
        for (sx, sy, s) in scaled.enumerate_pixels() {
            *img.get_pixel_mut(x0 + sx, y0 + sy) = *s;
        }
    }
    let (l, t, rr, b) = (r.x, r.y, r.x + r.w, r.y + r.h);
    stroke(img, mm, &[(l, b), (l, t), (rr, t)], 0.1, |p, c| mix(p, [252, 252, 248], 0.85 * c));
    stroke(img, mm, &[(rr + 0.12, t), (rr + 0.12, b + 0.12), (l, b + 0.12)], 0.08, |p, c| {
        multiply(p, [90, 80, 60], 0.7 * c)
    });
    r.union(at).grow(0.3)
}

/// Cuts the portrait at `at` out (with whatever is printed over it) and puts it back turned by
/// `degrees` and moved by `offset` mm; the strip it no longer covers shows `under`. Returns the
/// box of everything changed.
pub fn misalign_portrait(
    img: &mut RgbImage,
    mm: Mm,
    at: RectMm,
    degrees: f32,
    offset: (f32, f32),
    under: [u8; 3],
) -> RectMm {
    let (x0, y0, x1, y1) = pixel_box(img, mm, at);
    if x1 <= x0 || y1 <= y0 {
        return at;
    }
    let piece = RgbaImage::from_fn(x1 - x0, y1 - y0, |x, y| {
        let Rgb([r, g, b]) = *img.get_pixel(x0 + x, y0 + y);
        Rgba([r, g, b, 255])
    });
    for y in y0..y1 {
        for x in x0..x1 {
            // Glue residue: a little darker towards the edges of the uncovered area.
            let edge = ((x - x0).min(x1 - 1 - x).min(y - y0).min(y1 - 1 - y) as f32 / mm.px(1.5)).min(1.0);
            let p = img.get_pixel_mut(x, y);
            *p = Rgb(under);
            multiply(p, [225, 210, 160], 0.35 * (1.0 - edge) + 0.1);
        }
    }
    let turned = rotate_about_center_no_crop(
        &piece,
        degrees.to_radians(),
        Interpolation::Bilinear,
        Border::Constant(Rgba([0, 0, 0, 0])),
    );
    let (cx, cy) = (mm.px(at.x + at.w / 2.0 + offset.0), mm.px(at.y + at.h / 2.0 + offset.1));
    let (ox, oy) =
        ((cx - turned.width() as f32 / 2.0).round() as i64, (cy - turned.height() as f32 / 2.0).round() as i64);
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    for (x, y, p) in turned.enumerate_pixels() {
        let (dx, dy) = (ox + i64::from(x), oy + i64::from(y));
        if p.0[3] == 0 || dx < 0 || dy < 0 || dx >= w || dy >= h {
            continue;
        }
        mix(img.get_pixel_mut(dx as u32, dy as u32), [p.0[0], p.0[1], p.0[2]], f32::from(p.0[3]) / 255.0);
    }
    let per_px = 25.4 / mm.dpi;
    let moved = RectMm::new(
        ox as f32 * per_px,
        oy as f32 * per_px,
        turned.width() as f32 * per_px,
        turned.height() as f32 * per_px,
    );
    moved.union(at)
}

/// What an altered field is printed with.
#[derive(Debug, Clone, Copy)]
pub struct Overprint<'a> {
    /// The new value.
    pub text: &'a str,
    /// Its ink (close to, but not, the other values' ink).
    pub ink: [u8; 3],
    /// Shift off the baseline (mm, positive down).
    pub dy_mm: f32,
}

/// Scrapes the value of `cell` off (its background print fades towards the paper colour) and
/// prints the new value in its place: an altered field. Returns the box.
pub fn overprint_value(
    img: &mut RgbImage,
    fonts: &Fonts,
    mm: Mm,
    cell: &CellBox,
    print: Overprint<'_>,
    rng: &mut Rng,
) -> RectMm {
    let Overprint { text, ink, dy_mm } = print;
    let area = cell.value_rect();
    let paper = paper_near(img, mm, area);
    // The scraped patch is ragged, a little lighter than paper, and fades at its edges.
    let phase = rng.range_f32(0.0, 6.3);
    let lighter = paper.map(|c| c.saturating_add(6));
    for_each_in(img, mm, area, |p, x, y| {
        let fx = ((x - area.x) / area.w.max(0.1)).clamp(0.0, 1.0);
        let fy = ((y - area.y) / area.h.max(0.1)).clamp(0.0, 1.0);
        let ragged = 0.08 * (x * 3.1 + phase).sin() * (y * 2.3).cos();
        let edge = (fx.min(1.0 - fx) * 6.0).min(fy.min(1.0 - fy) * 4.0).min(1.0) + ragged;
        mix(p, lighter, 0.92 * edge.clamp(0.0, 1.0));
    });
    let pen = Pen { font: &fonts.sans, cap_px: mm.px(cell.value_cap_mm * 0.96), ink: Rgb(ink) };
    let max = mm.px(cell.rect.w - 1.0);
    draw_text_fit(img, pen, mm.px(cell.rect.x + 0.15), mm.px(cell.value_baseline_mm + dy_mm), max, text);
    area
}

/// How re-printed MRZ characters differ from the rest.
#[derive(Debug, Clone, Copy)]
pub struct Reprint {
    /// Capital height relative to the line's.
    pub scale: f32,
    /// Horizontal shift within the cell (mm).
    pub dx_mm: f32,
    /// Shift off the baseline (mm, positive down).
    pub dy_mm: f32,
    /// Ink.
    pub ink: [u8; 3],
}

/// Erases the MRZ characters at `cells` (line, column) and prints `chars` there in OCR-B with
/// the differences of `style`. Returns the box of the changed cells.
pub fn reprint_mrz(
    img: &mut RgbImage,
    fonts: &Fonts,
    mm: Mm,
    layout: &PageLayout,
    cells: &[(usize, usize, char)],
    style: Reprint,
) -> Option<RectMm> {
    let place = layout.mrz?;
    let mut changed: Option<RectMm> = None;
    for &(line, col, c) in cells {
        let cell = layout.mrz_cells(line, col, col)?;
        let paper = paper_near(img, mm, cell.grow(0.8));
        for_each_in(img, mm, cell, |p, _, _| *p = Rgb(paper));
        let cap = place.cap_mm * style.scale;
        let glyph = c.to_string();
        let advance = text_width(&fonts.ocrb, mm.px(cap), &glyph);
        let x = mm.px(cell.x + style.dx_mm) + (mm.px(MRZ_PITCH_MM) - advance) / 2.0;
        let baseline = cell.y + 0.6 + place.cap_mm + style.dy_mm;
        let pen = Pen { font: &fonts.ocrb, cap_px: mm.px(cap), ink: Rgb(style.ink) };
        draw_text(img, pen, x, mm.px(baseline), &glyph);
        changed = Some(changed.map_or(cell, |r| r.union(cell)));
    }
    changed
}

/// A cut in the laminate along `points`: a bright line where the film was cut and lifted, with
/// its shadow beside it.
pub fn laminate_cut(img: &mut RgbImage, mm: Mm, points: &[(f32, f32)]) -> RectMm {
    // The lifted film beside the cut catches the light; the cut itself is a bright line with a
    // dark shadow under it.
    let sheen: Vec<(f32, f32)> = points.iter().map(|&(x, y)| (x - 0.35, y - 0.25)).collect();
    stroke(img, mm, &sheen, 0.45, |p, c| mix(p, [255, 255, 255], 0.35 * c));
    let shadow: Vec<(f32, f32)> = points.iter().map(|&(x, y)| (x + 0.14, y + 0.18)).collect();
    stroke(img, mm, &shadow, 0.09, |p, c| multiply(p, [60, 60, 70], 0.7 * c));
    stroke(img, mm, points, 0.14, |p, c| mix(p, [255, 255, 252], 0.95 * c));
    bounds(points, 1.0)
}

/// The jagged path of a cut from `from` to `to` (a blade pulled by hand wanders a little).
pub fn cut_path(rng: &mut Rng, from: (f32, f32), to: (f32, f32)) -> Vec<(f32, f32)> {
    let steps = 14;
    let (nx, ny) = {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = (dx * dx + dy * dy).sqrt().max(0.01);
        (-dy / len, dx / len)
    };
    (0..=steps)
        .map(|i| {
            let t = i as f32 / steps as f32;
            let wobble = if i == 0 || i == steps { 0.0 } else { rng.range_f32(-0.25, 0.25) };
            (from.0 + (to.0 - from.0) * t + nx * wobble, from.1 + (to.1 - from.1) * t + ny * wobble)
        })
        .collect()
}

/// A bubble under the laminate: a lighter, lifted ellipse with a bright rim on the light side
/// and a shadow on the other. Returns its box.
pub fn laminate_bubble(img: &mut RgbImage, mm: Mm, centre: (f32, f32), rx: f32, ry: f32) -> RectMm {
    let area = RectMm::new(centre.0 - rx - 0.5, centre.1 - ry - 0.5, 2.0 * rx + 1.0, 2.0 * ry + 1.0);
    for_each_in(img, mm, area, |p, x, y| {
        let (u, v) = ((x - centre.0) / rx, (y - centre.1) / ry);
        let r = (u * u + v * v).sqrt();
        if r > 1.08 {
            return;
        }
        // Light from the top left.
        let facing = -(u + v) / (r.max(0.001) * std::f32::consts::SQRT_2);
        if r <= 1.0 {
            mix(p, [255, 255, 255], 0.35 + 0.25 * r * r);
            let highlight = ((u + 0.35).powi(2) + (v + 0.4).powi(2)).sqrt();
            if highlight < 0.28 {
                mix(p, [255, 255, 255], 0.9 * (1.0 - highlight / 0.28));
            }
        }
        let rim = 1.0 - ((r - 0.96).abs() / 0.1).min(1.0);
        if facing > 0.0 {
            mix(p, [255, 255, 255], 0.95 * rim * (0.4 + 0.6 * facing));
        } else {
            multiply(p, [50, 50, 60], 0.75 * rim * (0.4 - 0.6 * facing).min(1.0));
        }
    });
    area
}

/// A strip of glue along the top edge of the page, `depth` mm deep with a ragged lower edge.
/// Returns its box.
pub fn glue_strip(img: &mut RgbImage, mm: Mm, depth: f32, rng: &mut Rng) -> RectMm {
    let width = img.width() as f32 * 25.4 / mm.dpi;
    let (p1, p2, a1) = (rng.range_f32(0.0, 6.3), rng.range_f32(0.0, 6.3), rng.range_f32(0.3, 0.6));
    let edge = |x: f32| depth + a1 * (x * 0.21 + p1).sin() + 0.25 * (x * 0.93 + p2).sin();
    let area = RectMm::new(0.0, 0.0, width, depth + a1 + 0.6);
    for_each_in(img, mm, area, |p, x, y| {
        let e = edge(x);
        if y < e {
            multiply(p, [236, 214, 140], 0.5);
            // Glue is thicker, darker and glossier near its edge.
            let near = 1.0 - ((e - y) / 0.5).min(1.0);
            multiply(p, [190, 160, 90], 0.45 * near);
        }
    });
    area
}

/// Stitch holes along `y` from `x0` to `x1`: irregular spacing and height, some doubled, with
/// thread between some of them (a re-sewn page). Returns their box.
pub fn stitch_holes(img: &mut RgbImage, mm: Mm, y: f32, x0: f32, x1: f32, rng: &mut Rng) -> RectMm {
    let mut holes = Vec::new();
    let mut x = x0 + rng.range_f32(0.0, 2.0);
    while x < x1 {
        holes.push((x, y + rng.range_f32(-0.45, 0.45)));
        if rng.chance(0.2) {
            holes.push((x + rng.range_f32(0.6, 1.0), y + rng.range_f32(-0.5, 0.5)));
        }
        x += rng.range_f32(2.2, 4.8);
    }
    let thread = [150, 40, 45];
    for pair in holes.windows(2) {
        if rng.chance(0.6) {
            stroke(img, mm, pair, 0.13, |p, c| mix(p, thread, 0.8 * c));
        }
    }
    for &(hx, hy) in &holes {
        let area = RectMm::new(hx - 0.6, hy - 0.6, 1.2, 1.2);
        for_each_in(img, mm, area, |p, px, py| {
            let r = ((px - hx).powi(2) + (py - hy).powi(2)).sqrt();
            if r < 0.3 {
                mix(p, [35, 30, 28], 0.9);
            } else if r < 0.5 {
                mix(p, [250, 248, 240], 0.55);
            }
        });
    }
    bounds(&holes, 0.8)
}

/// Re-cuts the right edge of `card` (a page with alpha) between `y0` and `y1` mm, up to
/// `depth` mm in, unevenly; a dark line of separated layers follows the new edge. Returns the box
/// of the damaged edge.
pub fn recut_right_edge(card: &mut RgbaImage, mm: Mm, y0: f32, y1: f32, depth: f32, rng: &mut Rng) -> RectMm {
    let (w, h) = card.dimensions();
    let width_mm = w as f32 * 25.4 / mm.dpi;
    let (row0, row1) = (mm.px(y0).max(0.0) as u32, (mm.px(y1).max(0.0) as u32).min(h));
    let mut cut = depth * rng.range_f32(0.4, 0.7);
    let slope = rng.range_f32(-0.02, 0.02);
    let line = mm.px(0.25).max(2.0);
    for y in row0..row1 {
        // A blade that drifts and a few nicks; the ends blend into the original edge.
        let t = (y - row0) as f32 / (row1 - row0).max(1) as f32;
        let taper = (t.min(1.0 - t) * 8.0).min(1.0);
        cut = (cut + slope * 25.4 / mm.dpi * 10.0 + rng.range_f32(-0.015, 0.015)).clamp(depth * 0.3, depth);
        let nick = if rng.chance(0.01) { rng.range_f32(0.2, 0.6) } else { 0.0 };
        let edge = w as f32 - mm.px((cut + nick) * taper);
        for x in 0..w {
            let xf = x as f32;
            let p = card.get_pixel_mut(x, y);
            if xf >= edge {
                p.0[3] = 0;
            } else if xf >= edge - line && taper > 0.0 {
                for c in &mut p.0[..3] {
                    *c = (f32::from(*c) * 0.45) as u8;
                }
            }
        }
    }
    RectMm::new(width_mm - depth - 1.0, y0, depth + 1.0, y1 - y0)
}

/// A rubber stamp impression.
#[derive(Debug, Clone, PartialEq)]
pub struct StampSpec {
    /// Centre on the page (mm).
    pub centre: (f32, f32),
    /// Text lines; the first is printed larger.
    pub lines: Vec<String>,
    /// Ink.
    pub ink: [u8; 3],
    /// Turned clockwise by this many degrees.
    pub degrees: f32,
}

fn stamp_caps(lines: &[String]) -> Vec<f32> {
    lines.iter().enumerate().map(|(i, _)| if i == 0 { 2.2 } else { 1.7 }).collect()
}

/// Width and height (mm) of a stamp with `lines`, before it is turned.
pub fn stamp_size_mm(fonts: &Fonts, mm: Mm, lines: &[String]) -> (f32, f32) {
    let caps = stamp_caps(lines);
    let text_w = lines.iter().zip(&caps).map(|(l, c)| text_width(&fonts.sans, mm.px(*c), l)).fold(0.0, f32::max);
    (text_w * 25.4 / mm.dpi + 4.0, caps.iter().map(|c| c * 1.9).sum::<f32>() + 2.6)
}

/// An ink stamp: a double frame around its lines, turned, printed with the unevenness of a
/// rubber stamp. Returns its box.
pub fn stamp(img: &mut RgbImage, fonts: &Fonts, mm: Mm, spec: &StampSpec, rng: &mut Rng) -> RectMm {
    let StampSpec { centre, lines, ink, degrees } = spec;
    let (centre, ink, degrees) = (*centre, *ink, *degrees);
    let caps = stamp_caps(lines);
    let (w_mm, h_mm) = stamp_size_mm(fonts, mm, lines);
    let (w, h) = (mm.px(w_mm).round().max(1.0) as u32, mm.px(h_mm).round().max(1.0) as u32);
    let mut face = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let border = |face: &mut RgbImage, inset: f32, half: f32| {
        let (wm, hm) = (w as f32 * 25.4 / mm.dpi, h as f32 * 25.4 / mm.dpi);
        let pts = [(inset, inset), (wm - inset, inset), (wm - inset, hm - inset), (inset, hm - inset), (inset, inset)];
        stroke(face, mm, &pts, half, |p, c| mix(p, [0, 0, 0], c));
    };
    border(&mut face, 0.35, 0.16);
    border(&mut face, 0.9, 0.07);
    let mut baseline = 1.3;
    for (line, cap) in lines.iter().zip(&caps) {
        baseline += cap * 1.55;
        let lw = text_width(&fonts.sans, mm.px(*cap), line);
        let pen = Pen { font: &fonts.sans, cap_px: mm.px(*cap), ink: Rgb([0, 0, 0]) };
        draw_text(&mut face, pen, (w as f32 - lw) / 2.0, mm.px(baseline), line);
        baseline += cap * 0.35;
    }
    let turned = rotate_about_center_no_crop(
        &image::DynamicImage::ImageRgb8(face).into_luma8(),
        degrees.to_radians(),
        Interpolation::Bilinear,
        Border::Constant(image::Luma([255])),
    );
    let (cx, cy) = (mm.px(centre.0), mm.px(centre.1));
    let (ox, oy) =
        ((cx - turned.width() as f32 / 2.0).round() as i64, (cy - turned.height() as f32 / 2.0).round() as i64);
    let (iw, ih) = (i64::from(img.width()), i64::from(img.height()));
    let (fade, phase) = (rng.range_f32(0.15, 0.35), rng.range_f32(0.0, 6.3));
    for (x, y, p) in turned.enumerate_pixels() {
        let (dx, dy) = (ox + i64::from(x), oy + i64::from(y));
        let coverage = 1.0 - f32::from(p.0[0]) / 255.0;
        if coverage <= 0.0 || dx < 0 || dy < 0 || dx >= iw || dy >= ih {
            continue;
        }
        // Rubber stamps print unevenly: one side fainter, and a fine mottle.
        let side = 1.0 - fade * (0.5 + 0.5 * (x as f32 / turned.width().max(1) as f32 * 3.0 + phase).sin());
        let mottle = 0.85 + 0.15 * ((x as f32 * 0.9).sin() * (y as f32 * 1.3).cos());
        multiply(img.get_pixel_mut(dx as u32, dy as u32), ink, 0.9 * coverage * side * mottle);
    }
    let per_px = 25.4 / mm.dpi;
    RectMm::new(ox as f32 * per_px, oy as f32 * per_px, turned.width() as f32 * per_px, turned.height() as f32 * per_px)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

    use super::*;

    fn page() -> (RgbImage, Mm) {
        let mm = Mm { dpi: 100.0 };
        (RgbImage::from_pixel(200, 150, Rgb([240, 238, 230])), mm)
    }

    #[test]
    fn every_mark_changes_pixels_inside_the_box_it_returns_only() {
        let fonts = Fonts::load().unwrap();
        let mut rng = Rng::new(5);
        type Mark = Box<dyn Fn(&mut RgbImage, Mm, &Fonts, &mut Rng) -> RectMm>;
        let marks: Vec<(&str, Mark)> = vec![
            ("cut", Box::new(|img, mm, _, rng| laminate_cut(img, mm, &cut_path(rng, (5.0, 5.0), (30.0, 25.0))))),
            ("bubble", Box::new(|img, mm, _, _| laminate_bubble(img, mm, (20.0, 20.0), 4.0, 3.0))),
            ("glue", Box::new(|img, mm, _, rng| glue_strip(img, mm, 3.0, rng))),
            ("holes", Box::new(|img, mm, _, rng| stitch_holes(img, mm, 2.0, 3.0, 45.0, rng))),
            (
                "stamp",
                Box::new(|img, mm, fonts, rng| {
                    let lines = vec!["ENTRY".into(), "01.02.2020".into()];
                    let spec = StampSpec { centre: (25.0, 20.0), lines, ink: [90, 40, 120], degrees: 12.0 };
                    stamp(img, fonts, mm, &spec, rng)
                }),
            ),
            (
                "seal",
                Box::new(|img, mm, _, _| security_print(img, mm, RectMm::new(5.0, 5.0, 15.0, 20.0), [60, 60, 120])),
            ),
        ];
        for (name, mark) in marks {
            let (mut img, mm) = page();
            let before = img.clone();
            let r = mark(&mut img, mm, &fonts, &mut rng).grow(0.3);
            let mut changed = 0;
            for (x, y, p) in img.enumerate_pixels() {
                if *p != *before.get_pixel(x, y) {
                    changed += 1;
                    let (xm, ym) = (x as f32 * 0.254, y as f32 * 0.254);
                    let frame = RectMm::new(5.0, 5.0, 15.0, 20.0).grow(1.0);
                    let in_frame = name == "seal"
                        && xm >= frame.x
                        && xm <= frame.x + frame.w
                        && ym >= frame.y
                        && ym <= frame.y + frame.h;
                    assert!(
                        in_frame || (xm >= r.x && xm <= r.x + r.w + 0.3 && ym >= r.y && ym <= r.y + r.h + 0.3),
                        "{name}: ({xm}, {ym}) changed outside {r:?}"
                    );
                }
            }
            assert!(changed > 20, "{name} drew {changed} pixels");
        }
    }

    #[test]
    fn marks_are_reproducible() {
        let fonts = Fonts::load().unwrap();
        let draw = |seed| {
            let (mut img, mm) = page();
            let mut rng = Rng::new(seed);
            stitch_holes(&mut img, mm, 2.0, 3.0, 45.0, &mut rng);
            let spec =
                StampSpec { centre: (25.0, 20.0), lines: vec!["ENTRY".into()], ink: [90, 40, 120], degrees: -8.0 };
            stamp(&mut img, &fonts, mm, &spec, &mut rng);
            img.into_raw()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }

    #[test]
    fn a_recut_edge_makes_the_right_edge_transparent() {
        let mm = Mm { dpi: 100.0 };
        let mut card = RgbaImage::from_pixel(200, 150, Rgba([200, 200, 200, 255]));
        let r = recut_right_edge(&mut card, mm, 5.0, 30.0, 3.0, &mut Rng::new(3));
        let row = mm.px(17.0) as u32;
        assert_eq!(card.get_pixel(199, row).0[3], 0);
        assert_eq!(card.get_pixel(150, row).0[3], 255);
        assert_eq!(card.get_pixel(199, 2).0[3], 255, "outside the range the edge stays");
        assert!(r.x > 40.0 && r.x + r.w <= 200.0 * 0.254 + 0.01);
    }
}
