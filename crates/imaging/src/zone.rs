//! Finding the MRZ by its characters: fixed-pitch lines of marks, left-aligned one above the other.
//!
//! ICAO 9303 prints the MRZ in OCR-B at a fixed pitch, so its characters stand at exact
//! multiples of one pitch along each line, and the lines of one zone start in the same column
//! with the same pitch. That is true whatever the line spacing, the background, the size of the
//! print or the rotation of the page; proportional text in the visual zone does not have it.
//!
//! On a working copy: a black-hat transform keeps marks darker than their surroundings and
//! smaller than a character's stroke box (text, whatever the lighting); a threshold makes a mask;
//! its connected components of character size are the marks. The direction in which marks have
//! their nearest neighbours gives the text direction (any rotation). Along it, marks chain into
//! text lines; a line whose mark centres fit `u0 + k * pitch` for whole numbers `k` is
//! fixed-pitch text. Fixed-pitch lines of MRZ length, parallel, with the same pitch and starting
//! column, group into zones of two or three lines. OCR has the last word.

use image::{GrayImage, imageops};

use super::morph;

mod marks;

use self::marks::{FAR, MIN_MARK, NEAR, neighbours, sorted_by_x};
pub use self::marks::{Mark, Marks, marks, text_directions};

/// One line of a candidate zone, in full-resolution pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneLine {
    /// Centre of the first character cell (across the line: the middle of the capitals).
    pub origin: (f32, f32),
    /// Direction along the line, radians (lines of a photographed page converge).
    pub angle: f32,
    /// Characters counted from the first mark to the last.
    pub characters: usize,
    /// Distance between neighbouring character centres.
    pub pitch: f32,
    /// Height of the capitals.
    pub height: f32,
}

/// A candidate MRZ: parallel fixed-pitch lines, in reading order if `angle` reads left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Direction along the lines, radians (x right, y down); the text may read either way.
    pub angle: f32,
    /// The lines, top to bottom as seen along `angle`.
    pub lines: Vec<ZoneLine>,
    /// How MRZ-like it is (higher is better).
    pub score: f32,
}

impl Zone {
    /// The widest line's character count.
    pub fn characters(&self) -> usize {
        self.lines.iter().map(|l| l.characters).max().unwrap_or(0)
    }

    /// The median pitch of its lines.
    pub fn pitch(&self) -> f32 {
        median(self.lines.iter().map(|l| l.pitch).collect()).unwrap_or(1.0)
    }

    /// The height of its capitals: the lowest of its lines' heights (OCR-B's digits stand taller
    /// than its capitals, and the line of names holds no digit).
    pub fn height(&self) -> f32 {
        self.lines.iter().map(|l| l.height).reduce(f32::min).unwrap_or(1.0)
    }

    /// The MRZ line length its lines most likely have: the shortest of 30, 36 and 44 that is at
    /// least its character count less one (a mark beside the zone can add one), else 44.
    pub fn expected_characters(&self) -> usize {
        let n = self.characters();
        [30, 36, 44].into_iter().find(|&len| len + 1 >= n).unwrap_or(44)
    }

    /// Whether its lines and their lengths are an MRZ's: three of 30 characters, or two of 36 or
    /// 44, a character either way (an end character lost in the mask, or a mark beside the zone).
    pub fn has_mrz_shape(&self) -> bool {
        let n = self.characters();
        match self.lines.len() {
            3 => n.abs_diff(30) <= 1,
            2 => n.abs_diff(36) <= 1 || n.abs_diff(44) <= 1,
            _ => false,
        }
    }

    /// Whether `other` is about the same zone (found again on another working copy).
    pub fn covers_about_the_same(&self, other: &Zone) -> bool {
        let (Some(a), Some(b)) = (self.lines.first(), other.lines.first()) else { return false };
        let pitch = self.pitch();
        let along = (self.angle - other.angle).rem_euclid(std::f32::consts::PI);
        let parallel = along.min(std::f32::consts::PI - along) < 0.05;
        parallel
            && (a.origin.0 - b.origin.0).hypot(a.origin.1 - b.origin.1) < 2.0 * pitch
            && self.lines.len() == other.lines.len()
    }

    /// Unit vector along the lines and across them (downwards as read).
    pub fn axes(&self) -> ((f32, f32), (f32, f32)) {
        let (c, s) = (self.angle.cos(), self.angle.sin());
        ((c, s), (-s, c))
    }
}

/// Longest side of the first working copy.
pub const WORK_SIZE: u32 = 1000;

/// Candidate MRZ zones in `gray`, best first, found on a working copy whose longest side is at
/// most `work_size` pixels (the image's own size if smaller).
pub fn find_zones(gray: &GrayImage, work_size: u32) -> Vec<Zone> {
    let (w, h) = gray.dimensions();
    if w < 16 || h < 16 {
        return Vec::new();
    }
    let scale = (work_size as f32 / w.max(h) as f32).min(1.0);
    let small = if scale < 1.0 {
        let (sw, sh) = (((w as f32 * scale).round() as u32).max(1), ((h as f32 * scale).round() as u32).max(1));
        imageops::thumbnail(gray, sw, sh)
    } else {
        gray.clone()
    };
    let to_full = w as f32 / small.width() as f32;
    let mut zones = zones_in(&ink_mask(&small));
    // No MRZ among the marks: a pattern printed behind it (guilloche) may join its characters
    // into one another. Look again among the darkest ink only.
    if !zones.iter().any(Zone::has_mrz_shape) {
        zones.extend(zones_in(&darkest_ink_mask(&small)));
    }
    for zone in &mut zones {
        for line in &mut zone.lines {
            line.origin = (line.origin.0 * to_full, line.origin.1 * to_full);
            line.pitch *= to_full;
            line.height *= to_full;
        }
    }
    zones.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Zone> = Vec::new();
    for zone in zones {
        if !kept.iter().any(|k| k.covers_about_the_same(&zone)) {
            kept.push(zone);
        }
    }
    kept
}

/// Marks that stand out from their surroundings, as [`ink_mask`], and are also among the darkest
/// on the page: darker than two fifths of the way from the darkest ink to the paper. An MRZ is
/// printed in the page's darkest ink; a guilloche or rosette printed behind it is lighter, though its fine lines
/// stand out as much and join the characters into one another.
pub fn darkest_ink_mask(small: &GrayImage) -> GrayImage {
    let hist = histogram(small);
    let total: u64 = hist.iter().sum();
    let level_at = |fraction: f64| {
        let mut acc = 0u64;
        for (v, &c) in hist.iter().enumerate() {
            acc += c;
            if acc as f64 >= total as f64 * fraction {
                return v;
            }
        }
        255
    };
    // The paper is the bulk of a document's pixels; its darkest ink a small part.
    let (ink, paper) = (level_at(0.005), level_at(0.6));
    let cut = ink + (paper - ink) * 2 / 5;
    let mut mask = ink_mask(small);
    for (m, v) in mask.iter_mut().zip(small.iter()) {
        if usize::from(*v) > cut {
            *m = 0;
        }
    }
    mask
}

/// The zones of characters among the marks of an ink mask of a working copy.
fn zones_in(mask: &GrayImage) -> Vec<Zone> {
    let marks = marks(mask);
    let mut zones = Vec::new();
    for angle in text_directions(&marks.marks) {
        zones.extend(zones_along(&marks, angle));
    }
    zones
}

/// Marks darker than their surroundings and no wider than a character's strokes allow, as a
/// 0/255 mask.
pub fn ink_mask(small: &GrayImage) -> GrayImage {
    let (w, h) = small.dimensions();
    // Black-hat: how much darker than its neighbourhood each pixel is. The kernel is wider than a
    // stroke of the largest characters looked for, so their strokes stand out whole, and a
    // photo's dark areas or a shadow, wider than it, do not.
    const HAT: usize = 13;
    let closed = morph::close(small, HAT, HAT);
    let mut blackhat = GrayImage::new(w, h);
    for ((b, c), s) in blackhat.iter_mut().zip(closed.iter()).zip(small.iter()) {
        *b = c.saturating_sub(*s);
    }
    // The strongest marks set the level: the MRZ is printed in the page's darkest ink, and a
    // pastel pattern behind it stays under half of that.
    let threshold = threshold_for(&blackhat);
    let mut mask = GrayImage::new(w, h);
    for (m, b) in mask.iter_mut().zip(blackhat.iter()) {
        *m = if *b > threshold { 255 } else { 0 };
    }
    mask
}

/// How many pixels of `image` have each grey level.
pub fn histogram(image: &GrayImage) -> [u64; 256] {
    let mut hist = [0u64; 256];
    for &v in image.iter() {
        if let Some(h) = hist.get_mut(usize::from(v)) {
            *h += 1;
        }
    }
    hist
}

/// The black-hat level above which a pixel is ink: Otsu's split, but no lower than a third of
/// the level the strongest marks reach (so a faint pattern is not ink where strong print is).
fn threshold_for(blackhat: &GrayImage) -> u8 {
    let hist = histogram(blackhat);
    let total: u64 = hist.iter().sum();
    // The level the top 0.5 % of pixels reach: the cores of dark strokes.
    let mut acc = 0u64;
    let mut strong = 0usize;
    for (v, &c) in hist.iter().enumerate().rev() {
        acc += c;
        if acc * 200 >= total {
            strong = v;
            break;
        }
    }
    let otsu = otsu_level(&hist);
    let floor = (strong / 3).max(12);
    u8::try_from(usize::from(otsu).max(floor).min(250)).unwrap_or(250)
}

/// Otsu's threshold of a histogram.
pub fn otsu_level(hist: &[u64; 256]) -> u8 {
    let total: u64 = hist.iter().sum();
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut best, mut best_var, mut weight_b, mut sum_b) = (0u8, 0.0f64, 0u64, 0.0f64);
    for (t, &count) in hist.iter().enumerate() {
        weight_b += count;
        if weight_b == 0 {
            continue;
        }
        let weight_f = total - weight_b;
        if weight_f == 0 {
            break;
        }
        sum_b += t as f64 * count as f64;
        let mean_b = sum_b / weight_b as f64;
        let mean_f = (sum_all - sum_b) / weight_f as f64;
        let var = weight_b as f64 * weight_f as f64 * (mean_b - mean_f).powi(2);
        if var > best_var {
            best_var = var;
            best = u8::try_from(t).unwrap_or(u8::MAX);
        }
    }
    best
}

/// A fixed-pitch run of marks along a line: `u = u0 + pitch * k` for the mark numbered `k`.
#[derive(Debug, Clone)]
struct Run {
    /// Along-line position of character 0.
    u0: f32,
    pitch: f32,
    /// Characters from the first mark to the last.
    characters: usize,
    /// Across-line position of the capitals' centre at `u0`, and its slope.
    v0: f32,
    slope: f32,
    /// Marks that fit the pitch.
    inliers: usize,
    /// Height of the capitals.
    height: f32,
}

/// A mark seen along a direction: how far along, and which mark.
#[derive(Debug, Clone, Copy)]
struct Point {
    u: f32,
    index: usize,
}

/// Union-find root.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = grand;
        }
        i = p;
    }
    i
}

fn median(mut values: Vec<f32>) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Zones of fixed-pitch lines running along `angle`.
fn zones_along(marks: &Marks, angle: f32) -> Vec<Zone> {
    let (c, s) = (angle.cos(), angle.sin());
    let all = &marks.marks;
    let uv: Vec<(f32, f32)> = all.iter().map(|m| (m.x * c + m.y * s, -m.x * s + m.y * c)).collect();
    // Chain neighbours that lie along the direction.
    let by_x = sorted_by_x(all);
    let mut parent: Vec<usize> = (0..all.len()).collect();
    for i in 0..all.len() {
        let (Some(m), Some(&(ui, vi))) = (all.get(i), uv.get(i)) else { continue };
        for (j, d) in neighbours(all, &by_x, i, FAR * m.size().max(MIN_MARK), FAR) {
            let (Some(o), Some(&(uj, vj))) = (all.get(j), uv.get(j)) else { continue };
            let big = m.size().max(o.size());
            // Near neighbours along the line; far ones (across characters lost to glare or a
            // stamp) only when exactly in line.
            let in_line = if d <= NEAR * big { 0.35 } else { 0.2 };
            if (vj - vi).abs() <= in_line * big && (uj - ui).abs() >= 0.3 * big {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if let Some(slot) = parent.get_mut(ri) {
                    *slot = rj;
                }
            }
        }
    }
    let mut chains: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for i in 0..all.len() {
        chains.entry(root(&mut parent, i)).or_default().push(i);
    }
    let mut runs: Vec<Run> = Vec::new();
    for members in chains.values().filter(|m| m.len() >= 8) {
        let mut points: Vec<Point> =
            members.iter().filter_map(|&i| Some(Point { u: uv.get(i)?.0, index: i })).collect();
        points.sort_by(|a, b| a.u.total_cmp(&b.u));
        runs.extend(fixed_pitch_runs(&points, marks, (c, s)));
    }
    group_runs(&runs, angle)
}

/// The fixed-pitch stretches of a chain of marks (sorted along the line): split where the gap is
/// over six pitches, each stretch fitted to `u0 + pitch * k`.
fn fixed_pitch_runs(points: &[Point], marks: &Marks, axis: (f32, f32)) -> Vec<Run> {
    let gaps: Vec<f32> = points.windows(2).map(|w| w[1].u - w[0].u).filter(|g| *g > 0.0).collect();
    let Some(typical) = median(gaps) else { return Vec::new() };
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        let split =
            i == points.len() || points.get(i).zip(points.get(i - 1)).is_some_and(|(b, a)| b.u - a.u > FAR * typical);
        if split {
            if let Some(stretch) = points.get(start..i)
                && stretch.len() >= 8
                && let Some(run) = fit_pitch(stretch, typical, marks, axis)
            {
                runs.push(run);
            }
            start = i;
        }
    }
    runs
}

/// Where the characters of a line stand: `u = a + b k + c k^2` for character slot `k`.
#[derive(Debug, Clone, Copy)]
struct Pitch {
    a: f32,
    b: f32,
    c: f32,
}

impl Pitch {
    fn at(&self, k: f32) -> f32 {
        self.a + self.b * k + self.c * k * k
    }

    /// The nearest slot to `u`: the root of `c k^2 + b k + a - u = 0` near the straight answer.
    fn slot(&self, u: f32) -> f32 {
        let straight = (u - self.a) / self.b;
        let discriminant = self.b * self.b - 4.0 * self.c * (self.a - u);
        if self.c.abs() < 1e-6 || discriminant < 0.0 {
            return straight.round();
        }
        ((-self.b + discriminant.sqrt()) / (2.0 * self.c)).round()
    }

    /// Whether a mark at `u` stands within a quarter of the local pitch of slot `k`.
    fn fits(&self, u: f32, k: f32) -> bool {
        (u - self.at(k)).abs() <= 0.25 * (self.b + 2.0 * self.c * k).abs()
    }

    fn linear(points: &[(f32, f32)]) -> Option<Self> {
        let (mk, mu, b) = line_fit(points.iter().copied())?;
        Some(Self { a: mu - b * mk, b, c: 0.0 })
    }

    /// Least squares over (slot, position); `None` when degenerate or bent more than a
    /// photographed page bends (the pitch changing by over 60 % along the line; a card seen at a
    /// slant in a phone photo changes it by a third).
    fn quadratic(points: &[(f32, f32)]) -> Option<Self> {
        let n = points.len() as f64;
        let mk = points.iter().map(|p| f64::from(p.0)).sum::<f64>() / n;
        let (mut s2, mut s3, mut s4, mut su, mut sku, mut skku) = (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0);
        let mut s1 = 0.0f64;
        for &(k, u) in points {
            let (k, u) = (f64::from(k) - mk, f64::from(u));
            s1 += k;
            s2 += k * k;
            s3 += k * k * k;
            s4 += k * k * k * k;
            su += u;
            sku += k * u;
            skku += k * k * u;
        }
        // Normal equations for u = a' + b' k' + c k'^2 with k' = k - mean.
        let m = [[n, s1, s2], [s1, s2, s3], [s2, s3, s4]];
        let r = [su, sku, skku];
        let det = |m: [[f64; 3]; 3]| {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        };
        let d = det(m);
        if d.abs() < 1e-9 {
            return None;
        }
        let with = |col: usize| {
            let mut c = m;
            for (row, value) in c.iter_mut().zip(r) {
                row[col] = value;
            }
            det(c) / d
        };
        let (a1, b1, c) = (with(0), with(1), with(2));
        // Back to k: u = a1 + b1 (k - mk) + c (k - mk)^2.
        let (a, b) = (a1 - b1 * mk + c * mk * mk, b1 - 2.0 * c * mk);
        let span = points.iter().map(|p| f64::from(p.0)).fold(f64::MIN, f64::max)
            - points.iter().map(|p| f64::from(p.0)).fold(f64::MAX, f64::min);
        if b1 <= 0.0 || (2.0 * c * span).abs() > 0.6 * b1 {
            return None;
        }
        Some(Self { a: a as f32, b: b as f32, c: c as f32 })
    }
}

/// Least squares `y = a + b x`: (mean x, mean y, slope); `None` without spread in x.
fn line_fit(points: impl Iterator<Item = (f32, f32)> + Clone) -> Option<(f32, f32, f32)> {
    let n = points.clone().count() as f32;
    if n < 2.0 {
        return None;
    }
    let (sx, sy) = points.clone().fold((0.0, 0.0), |a, (x, y)| (a.0 + x, a.1 + y));
    let (mx, my) = (sx / n, sy / n);
    let (sxx, sxy) = points.fold((0.0, 0.0), |a, (x, y)| (a.0 + (x - mx) * (x - mx), a.1 + (x - mx) * (y - my)));
    (sxx > 0.0).then(|| (mx, my, sxy / sxx))
}

/// Fits `u = a + b k + c k^2` (whole `k`, the character slot) to marks, and measures the line's
/// capitals; `None` when too few marks fit (proportional text).
///
/// Slots are first counted from mark to mark in gaps of the local pitch, which follows the
/// pitch as it shrinks towards the far side of a photographed page; a least-squares fit over the
/// marks that sit near their slot then gives the model, and the slots are counted again from it.
fn fit_pitch(points: &[Point], guess: f32, marks: &Marks, (c, s): (f32, f32)) -> Option<Run> {
    let first = points.first()?;
    let mut local = guess.max(1.0);
    let mut slot = 0.0f32;
    let mut walked = vec![(0.0f32, first.u)];
    for pair in points.windows(2) {
        let gap = pair[1].u - pair[0].u;
        let steps = (gap / local).round();
        slot += steps;
        if steps == 1.0 {
            local = 0.7 * local + 0.3 * gap;
        }
        walked.push((slot, pair[1].u));
    }
    let mut model = Pitch::quadratic(&walked).or_else(|| Pitch::linear(&walked))?;
    let mut slots: Vec<f32> = Vec::new();
    for _ in 0..3 {
        slots = points.iter().map(|p| model.slot(p.u)).collect();
        let near: Vec<(f32, f32)> =
            points.iter().zip(&slots).filter(|(p, k)| model.fits(p.u, **k)).map(|(p, k)| (*k, p.u)).collect();
        if near.len() < 6 {
            return None;
        }
        model = Pitch::quadratic(&near).or_else(|| Pitch::linear(&near))?;
        if model.b <= 1.0 {
            return None;
        }
    }
    let inliers: Vec<(&Point, f32)> =
        points.iter().zip(slots.iter().copied()).filter(|(p, k)| model.fits(p.u, *k)).collect();
    let k_first = inliers.first()?.1;
    let k_last = inliers.last()?.1;
    let characters = (k_last - k_first) as usize + 1;
    // Fixed-pitch text has a mark near most of its slots; proportional text does not.
    if inliers.len() * 2 < characters {
        return None;
    }
    let u0 = model.at(k_first);
    // The mean pitch from the first character to the last.
    let pitch = if characters > 1 { (model.at(k_last) - u0) / (k_last - k_first) } else { model.b };
    // Each mark measured across the line by its own pixels: capitals and digits stand full
    // height, fillers lower; the height is that of the tall ones.
    let extents: Vec<(f32, f32, f32)> = inliers
        .iter()
        .filter_map(|(p, _)| {
            let (lo, hi) = marks.across(marks.marks.get(p.index)?, c, s);
            (hi > lo).then_some((p.u, lo, hi))
        })
        .collect();
    let mut heights: Vec<f32> = extents.iter().map(|e| e.2 - e.1).collect();
    heights.sort_by(f32::total_cmp);
    let height = *heights.get(heights.len() * 3 / 4)?;
    // The capitals' centre line, fitted over the full-height marks.
    let tall = extents.iter().filter(|e| e.2 - e.1 >= 0.8 * height).map(|e| (e.0, (e.1 + e.2) / 2.0));
    let (mu, mv, slope) = line_fit(tall.clone()).or_else(|| {
        let n = tall.clone().count().max(1) as f32;
        Some((tall.clone().map(|t| t.0).sum::<f32>() / n, tall.map(|t| t.1).sum::<f32>() / n, 0.0))
    })?;
    let v0 = mv + slope * (u0 - mu);
    Some(Run { u0, pitch, characters, v0, slope, inliers: inliers.len(), height })
}

/// Groups runs into zones: parallel runs of about the same pitch, their characters in the same
/// columns, one to six pitches apart, each of at least 20 characters; every MRZ-length run also
/// stands alone as a candidate.
fn group_runs(runs: &[Run], angle: f32) -> Vec<Zone> {
    let long: Vec<&Run> = runs.iter().filter(|r| r.characters >= 20 && r.characters <= 50).collect();
    let mut order: Vec<usize> = (0..long.len()).collect();
    order.sort_by(|&a, &b| {
        let va = long.get(a).map_or(0.0, |r| r.v0);
        let vb = long.get(b).map_or(0.0, |r| r.v0);
        va.total_cmp(&vb)
    });
    let belongs = |a: &Run, b: &Run| {
        let pitch = a.pitch.max(b.pitch);
        let dv = (b.v0 - a.v0).abs();
        // The lines of an MRZ start in the same column; a line whose first characters were
        // lost in the mask starts a whole number of pitches later.
        let offset = (b.u0 - a.u0) / pitch;
        (a.pitch - b.pitch).abs() <= 0.12 * pitch
            && offset.abs() <= 4.5
            && (offset - offset.round()).abs() <= 0.35
            && dv >= 0.9 * a.height.max(b.height)
            && dv <= 6.0 * pitch
    };
    let mut zones = Vec::new();
    for (start, &first) in order.iter().enumerate() {
        let Some(head) = long.get(first) else { continue };
        let mut members: Vec<&Run> = vec![head];
        for &next in order.iter().skip(start + 1) {
            let (Some(last), Some(candidate)) = (members.last(), long.get(next)) else { continue };
            if belongs(last, candidate) {
                members.push(candidate);
                if members.len() == 3 {
                    break;
                }
            }
        }
        // Every prefix of length 1 to 3 is a candidate: a TD1's third line may be another
        // run's first, and a two-line zone may have text below it.
        for count in 1..=members.len() {
            if let Some(group) = members.get(..count) {
                let zone = zone_of(group, angle);
                zones.extend(completed(&zone));
                zones.push(zone);
            }
        }
    }
    zones
}

fn zone_of(group: &[&Run], angle: f32) -> Zone {
    let (c, s) = (angle.cos(), angle.sin());
    let u0 = group.iter().map(|r| r.u0).fold(f32::MAX, f32::min);
    let lines: Vec<ZoneLine> = group
        .iter()
        .map(|r| {
            let v = r.v0 + r.slope * (u0 - r.u0);
            ZoneLine {
                origin: (u0 * c - v * s, u0 * s + v * c),
                angle: angle + r.slope.atan(),
                characters: r.characters + ((r.u0 - u0) / r.pitch).round().max(0.0) as usize,
                pitch: r.pitch,
                height: r.height,
            }
        })
        .collect();
    let fit: f32 =
        group.iter().map(|r| r.inliers as f32 / r.characters.max(1) as f32).sum::<f32>() / group.len() as f32;
    let mut zone = Zone { angle, lines, score: 0.0 };
    zone.score = score(&zone, fit);
    zone
}

/// How MRZ-like a zone is: characters that fit the pitch, most for the MRZ's shapes.
fn score(zone: &Zone, fit: f32) -> f32 {
    let n = zone.characters() as f32;
    let shape = if zone.has_mrz_shape() { 3.0 } else { 1.0 };
    let line_bonus = match zone.lines.len() {
        2 | 3 => 1.0,
        _ => 0.4,
    };
    n * fit * shape * line_bonus
}

/// Two lines of a TD1's length: the third may have been lost in the mask (a rule touching its
/// characters, a stamp). The zone with a line added at the same spacing above, and below.
fn completed(zone: &Zone) -> Vec<Zone> {
    let [a, b] = zone.lines.as_slice() else { return Vec::new() };
    if zone.characters().abs_diff(30) > 1 {
        return Vec::new();
    }
    let step = (b.origin.0 - a.origin.0, b.origin.1 - a.origin.1);
    let above = ZoneLine { origin: (a.origin.0 - step.0, a.origin.1 - step.1), ..*a };
    let below = ZoneLine { origin: (b.origin.0 + step.0, b.origin.1 + step.1), ..*b };
    [vec![above, *a, *b], vec![*a, *b, below]]
        .into_iter()
        .map(|lines| {
            let mut zone = Zone { angle: zone.angle, lines, score: 0.0 };
            // Below a zone the locator saw whole, but above the single lines.
            zone.score = score(&zone, 0.6);
            zone
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A mask of `rows` lines of `chars` 6x8 blocks on a 10 px pitch, lines `spacing` apart.
    fn text_mask(rows: u32, chars: u32, spacing: u32) -> GrayImage {
        let mut ink = GrayImage::new(600, 300);
        for row in 0..rows {
            for ch in 0..chars {
                for dy in 0..8 {
                    for dx in 0..6 {
                        ink.put_pixel(50 + ch * 10 + dx, 40 + row * spacing + dy, Luma([255]));
                    }
                }
            }
        }
        ink
    }

    #[test]
    fn fixed_pitch_lines_group_into_a_zone_whatever_the_spacing() {
        for spacing in [12, 20, 30, 45] {
            let mask = text_mask(2, 44, spacing);
            let marks = marks(&mask);
            assert_eq!(marks.marks.len(), 88);
            let angles = text_directions(&marks.marks);
            assert!(angles.first().is_some_and(|a| a.abs() < 0.02), "{angles:?}");
            let zones = zones_along(&marks, angles[0]);
            let best = zones.iter().max_by(|a, b| a.score.total_cmp(&b.score)).unwrap();
            assert_eq!(best.lines.len(), 2, "spacing {spacing}: {best:?}");
            assert_eq!(best.characters(), 44);
            assert!((best.pitch() - 10.0).abs() < 0.1);
            assert!(best.has_mrz_shape());
        }
    }

    #[test]
    fn proportional_text_is_not_fixed_pitch() {
        let mut ink = GrayImage::new(600, 100);
        let mut x = 20u32;
        for i in 0..40u32 {
            let w = 3 + (i * 7 % 5);
            for dy in 0..8 {
                for dx in 0..w {
                    ink.put_pixel(x + dx, 40 + dy, Luma([255]));
                }
            }
            x += w + 2 + (i * 3 % 4);
        }
        let marks = marks(&ink);
        let zones: Vec<Zone> = text_directions(&marks.marks).into_iter().flat_map(|a| zones_along(&marks, a)).collect();
        assert!(zones.iter().all(|z| !z.has_mrz_shape()), "{zones:?}");
    }
}
