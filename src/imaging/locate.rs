//! Finding the MRZ band in a page or photo, in any orientation, without a neural network.
//!
//! On a downscaled copy: a black-hat transform keeps dark marks smaller than a character on a
//! lighter local background (text, whatever the lighting); Otsu's threshold makes a mask; a
//! closing merges the characters and the two or three MRZ lines into one blob. Each connected
//! blob's second moments give its orientation, so rotation by 90/180/270 degrees and skew need no
//! separate search; its length, thickness and fill rate say how much it looks like an MRZ. Each
//! of the best candidates is then measured on the character mask before the closing: the rows of
//! ink across it give its lines and their pitch (taking in a line the closing left apart), the
//! columns give where the characters end. Those shaped like an MRZ go to OCR first, which has
//! the last word.

use image::{GrayImage, Luma, imageops};
use imageproc::region_labelling::{Connectivity, connected_components};

use super::morph;

/// A band that may hold an MRZ, in full-resolution pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Centre (x, y).
    pub centre: (f32, f32),
    /// Direction along the text lines, radians (x right, y down); the text may read either way.
    pub angle: f32,
    /// Extent along the lines.
    pub length: f32,
    /// Extent across the lines.
    pub thickness: f32,
    /// How MRZ-like it is (higher is better).
    pub score: f32,
    /// Text lines it holds, when known from grouping (0: estimate from the shape).
    pub lines: usize,
}

impl Band {
    /// Length over thickness.
    pub fn aspect(&self) -> f32 {
        self.length / self.thickness.max(1.0)
    }

    /// The same band in another image's pixels: `size` applied to its centre, length and thickness.
    fn resized(&self, size: impl Fn(f32) -> f32) -> Band {
        Band {
            centre: (size(self.centre.0), size(self.centre.1)),
            length: size(self.length),
            thickness: size(self.thickness),
            ..*self
        }
    }

    /// `point` in this band's frame: (along its length, across it) from its centre.
    fn local_coords(&self, point: (f32, f32)) -> (f32, f32) {
        let (c, s) = (self.angle.cos(), self.angle.sin());
        let (dx, dy) = (point.0 - self.centre.0, point.1 - self.centre.1);
        (dx * c + dy * s, -dx * s + dy * c)
    }

    /// The image point at (`u` along, `v` across) in this band's frame.
    fn image_point(&self, (u, v): (f32, f32)) -> (f32, f32) {
        let (c, s) = (self.angle.cos(), self.angle.sin());
        (self.centre.0 + u * c - v * s, self.centre.1 + u * s + v * c)
    }

    /// Whether `other` runs the same way (text lines of one page are parallel).
    fn parallel_to(&self, other: &Band) -> bool {
        let angle = (self.angle - other.angle).rem_euclid(std::f32::consts::PI);
        angle.min(std::f32::consts::PI - angle) < 0.06
    }

    /// Whether `other` is about the same region (a candidate already tried).
    pub fn covers_about_the_same(&self, other: &Band) -> bool {
        let pitch = (self.thickness / self.likely_lines().max(1) as f32).max(1.0);
        let (dx, dy) = (other.centre.0 - self.centre.0, other.centre.1 - self.centre.1);
        dx.hypot(dy) < pitch
            && (other.length - self.length).abs() < pitch
            && (other.thickness - self.thickness).abs() < pitch
    }

    /// Whether its lines and proportions are an MRZ's: three lines about 18 pitches long (TD1: 30
    /// characters) or two lines about 22 to 27 pitches long (TD2, MRV-B: 36; TD3, MRV-A: 44),
    /// with room for measuring error and perspective.
    pub fn has_mrz_geometry(&self) -> bool {
        let lines = self.likely_lines();
        let ratio = self.length / (self.thickness / lines.max(1) as f32).max(1.0);
        match lines {
            3 => (14.0..=22.0).contains(&ratio),
            2 => (18.0..=31.0).contains(&ratio),
            _ => false,
        }
    }

    /// Number of MRZ lines: known from grouping, else from the shape (TD1 bands are squat, 3 lines
    /// of 30; two-line bands are long; a single line is very long).
    pub fn likely_lines(&self) -> usize {
        match self.lines {
            0 if self.aspect() > 20.0 => 1,
            0 if self.aspect() < 8.0 => 3,
            0 => 2,
            n => n,
        }
    }
}

/// Longest side of the working copy.
pub const WORK_SIZE: u32 = 800;

/// Candidate MRZ bands, best first (at most `max`), found on a working copy whose longest side
/// is [`WORK_SIZE`].
pub fn find_bands(gray: &GrayImage, max: usize) -> Vec<Band> {
    find_bands_at(gray, max, WORK_SIZE)
}

/// Candidate MRZ bands found on a working copy whose longest side is `work_size` (the image's own
/// size if smaller): larger finds the small print of an MRZ that fills little of a photo, at
/// about the square of the cost.
pub fn find_bands_at(gray: &GrayImage, max: usize, work_size: u32) -> Vec<Band> {
    let (w, h) = gray.dimensions();
    if w < 16 || h < 16 {
        return Vec::new();
    }
    let scale = (work_size as f32 / w.max(h) as f32).min(1.0);
    let (sw, sh) = (((w as f32 * scale).round() as u32).max(1), ((h as f32 * scale).round() as u32).max(1));
    let small = if scale < 1.0 { imageops::thumbnail(gray, sw, sh) } else { gray.clone() };
    let inv_scale = w as f32 / small.width() as f32;
    // Lines are found one by one (or already merged when close), then grouped.
    let (fragments, ink) = bands_at(&small, 15, 13);
    let found: Vec<Band> = fragments.into_iter().map(|b| b.resized(|v| v * inv_scale)).collect();
    let longest = gray.width().max(gray.height()) as f32;
    let joined = join_fragments(&found);
    let lines: Vec<Band> = joined
        .iter()
        .filter(|b| b.aspect() >= 3.5 && b.aspect() <= 60.0 && b.length >= 0.12 * longest)
        .copied()
        .collect();
    let mut bands = group_lines(&lines);
    bands.sort_by(|a, b| b.score.total_cmp(&a.score));
    // Twice as many as wanted: measuring them below may show one further down is the MRZ.
    bands.truncate(2 * max);
    // A band may be a piece of the MRZ: a line whose neighbours broke into fragments that
    // grouping could not pair (part of two lines merged, the rest apart). The block of text
    // around it follows it as a candidate; a lone line is replaced by its block, which holds it.
    let mut candidates: Vec<Band> = Vec::with_capacity(bands.len() * 2);
    for band in bands {
        let block = surrounding_block(&band, &joined);
        let lone_line = band.likely_lines() == 1;
        if !(lone_line && block.is_some()) {
            candidates.push(band);
        }
        if let Some(block) = block
            && !candidates.iter().any(|c| c.covers_about_the_same(&block))
        {
            candidates.push(block);
        }
    }
    // Each candidate measured on the characters themselves: its text lines, their pitch and ends.
    let mut refined: Vec<Band> = Vec::with_capacity(candidates.len());
    for band in candidates {
        let small_band = band.resized(|v| v / inv_scale);
        // A first pass from a guess of the pitch well under the one it measures searched too
        // little across the lines: a second, from the measured pitch, reaches a line it missed.
        let pitch = |b: &Band| b.thickness / b.likely_lines().max(1) as f32;
        let measured = refine(&small_band, &ink)
            .map(|r| if pitch(&r) > 1.25 * pitch(&small_band) { refine(&r, &ink).unwrap_or(r) } else { r });
        let band = measured.map_or(band, |r| r.resized(|v| v * inv_scale));
        if !refined.iter().any(|c| c.covers_about_the_same(&band)) {
            refined.push(band);
        }
    }
    // Measured bands shaped like an MRZ go first (in their order), so a bolder heading or a
    // block of the visual zone does not use up the OCR calls before the MRZ is tried.
    refined.sort_by_key(|b| !b.has_mrz_geometry());
    refined.truncate(2 * max);
    refined
}

/// Whether the ink mask has a mark at (`x`, `y`) (nearest pixel; outside is blank).
fn inked(ink: &GrayImage, x: f32, y: f32) -> bool {
    if x < 0.0 || y < 0.0 {
        return false;
    }
    ink.get_pixel_checked(x as u32, y as u32).is_some_and(|p| p.0[0] > 0)
}

/// Share of inked samples along each row across `band` (rows `v0..v0 + rows`, one pixel apart),
/// sampled over `u` from `-length / 2` to `length / 2`, read along `angle`.
fn row_profile(band: &Band, angle: f32, ink: &GrayImage, v0: f32, rows: usize) -> Vec<f32> {
    let (c, s) = (angle.cos(), angle.sin());
    let steps = (band.length.max(1.0) as usize).max(1);
    let u0 = -band.length / 2.0;
    (0..rows)
        .map(|r| {
            let v = v0 + r as f32;
            let hits = (0..steps)
                .filter(|&i| {
                    let u = u0 + i as f32 + 0.5;
                    inked(ink, band.centre.0 + u * c - v * s, band.centre.1 + u * s + v * c)
                })
                .count();
            hits as f32 / steps as f32
        })
        .collect()
}

/// A run of inked rows: a text line across a band.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: f32,
    end: f32,
    mean: f32,
}

impl Run {
    fn height(&self) -> f32 {
        self.end - self.start
    }
    fn centre(&self) -> f32 {
        (self.start + self.end) / 2.0
    }
}

/// Measures `band` (working-copy pixels) on the character mask `ink`: the rows of characters
/// across it are its text lines. Returns the band turned to the angle at which those rows are
/// sharpest, grown to take in parallel lines just beside it that look like its own (a TD1 line
/// the closing left apart), trimmed or grown along its length to where the characters end, with
/// its line count known and its thickness one pitch per line. `None` when no text rows are found.
fn refine(band: &Band, ink: &GrayImage) -> Option<Band> {
    let pitch0 = (band.thickness / band.likely_lines().max(1) as f32).max(2.0);
    let reach = 2.0 * pitch0;
    let v0 = -band.thickness / 2.0 - reach;
    let rows = (band.thickness + 2.0 * reach).ceil().max(1.0) as usize;
    // Angles within about half a line pitch over the band's length.
    let tilt = (0.5 * pitch0 / band.length.max(1.0)).min(0.05);
    let (mut angle, mut profile, mut sharpness) = (band.angle, Vec::new(), -1.0f32);
    for k in -2i8..=2 {
        let a = band.angle + f32::from(k) * tilt / 2.0;
        let p = row_profile(band, a, ink, v0, rows);
        let sharp: f32 = p.iter().map(|x| x * x).sum();
        if sharp > sharpness {
            (angle, profile, sharpness) = (a, p, sharp);
        }
    }
    let core_max = profile
        .iter()
        .enumerate()
        .filter(|(r, _)| (v0 + *r as f32).abs() <= band.thickness / 2.0)
        .map(|(_, &x)| x)
        .fold(0.0f32, f32::max);
    if core_max < 0.05 {
        return None;
    }
    let threshold = 0.3 * core_max;
    let mut runs: Vec<Run> = Vec::new();
    let mut open: Option<(usize, f32)> = None;
    for (r, &x) in profile.iter().chain(std::iter::once(&0.0)).enumerate() {
        match (x > threshold, open) {
            (true, None) => open = Some((r, x)),
            (true, Some((start, sum))) => open = Some((start, sum + x)),
            (false, Some((start, sum))) => {
                runs.push(Run { start: v0 + start as f32, end: v0 + r as f32, mean: sum / (r - start).max(1) as f32 });
                open = None;
            }
            (false, None) => {}
        }
    }
    // Splinters (a guilloche curve, a stroke of the line beyond the search) are not lines.
    let tallest = runs.iter().map(Run::height).fold(0.0f32, f32::max);
    runs.retain(|r| r.height() >= 0.3 * tallest);
    let core: Vec<usize> = (0..runs.len())
        .filter(|&i| runs.get(i).is_some_and(|r| r.end > -band.thickness / 2.0 && r.start < band.thickness / 2.0))
        .collect();
    let (&first, &last) = (core.first()?, core.last()?);
    let core_runs = runs.get(first..=last)?;
    let mut heights: Vec<f32> = core_runs.iter().map(Run::height).collect();
    heights.sort_by(f32::total_cmp);
    let height = *heights.get(heights.len() / 2)?;
    let mean = core_runs.iter().map(|r| r.mean).sum::<f32>() / core_runs.len() as f32;
    let alike = |r: &Run, next: &Run| {
        let gap = if r.start > next.end { r.start - next.end } else { next.start - r.end };
        gap <= 1.2 * height && (0.6..=1.6).contains(&(r.height() / height.max(1.0))) && r.mean >= 0.4 * mean
    };
    let (mut lo, mut hi) = (first, last);
    while hi + 1 - lo < 4 {
        let below = runs.get(hi + 1).zip(runs.get(hi)).is_some_and(|(r, n)| alike(r, n));
        let above = lo > 0 && runs.get(lo - 1).zip(runs.get(lo)).is_some_and(|(r, n)| alike(r, n));
        match (above, below) {
            (true, _) => lo -= 1,
            (false, true) => hi += 1,
            (false, false) => break,
        }
    }
    let lines = runs.get(lo..=hi)?;
    let (top, bottom) = (lines.first()?, lines.last()?);
    let count = lines.len();
    let pitch = if count > 1 { (bottom.centre() - top.centre()) / (count - 1) as f32 } else { height / 0.6 };
    let centre_v = (top.centre() + bottom.centre()) / 2.0;
    // Along the length: the characters' ends, following gaps no wider than a character.
    let (c, s) = (angle.cos(), angle.sin());
    // No MRZ line is longer than 30 pitches (TD3: 44 characters of 2.54 mm, 4.2 mm apart).
    let extent = band.length / 2.0 + 30.0 * pitch;
    let column = |u: f32| {
        lines.iter().any(|l| {
            let mut v = l.start;
            while v < l.end {
                if inked(ink, band.centre.0 + u * c - v * s, band.centre.1 + u * s + v * c) {
                    return true;
                }
                v += 1.0;
            }
            false
        })
    };
    let inside: Vec<f32> = (0..band.length.max(1.0) as usize)
        .map(|i| -band.length / 2.0 + i as f32 + 0.5)
        .filter(|&u| column(u))
        .collect();
    let (mut min_u, mut max_u) = (*inside.first()?, *inside.last()?);
    let max_gap = 1.5 * height;
    let mut u = max_u;
    while u < extent && u - max_u <= max_gap {
        u += 1.0;
        if column(u) {
            max_u = u;
        }
    }
    let mut u = min_u;
    while u > -extent && min_u - u <= max_gap {
        u -= 1.0;
        if column(u) {
            min_u = u;
        }
    }
    let length = max_u - min_u + 1.0;
    let oriented = Band { angle, ..*band };
    Some(Band {
        centre: oriented.image_point(((min_u + max_u) / 2.0, centre_v)),
        angle,
        length,
        thickness: pitch * count as f32,
        score: band.score,
        lines: count,
    })
}

/// The text block around `band`: every line parallel to it, overlapping its length, and within
/// three line pitches across, as one band; `None` when that adds nothing to `band`.
fn surrounding_block(band: &Band, lines: &[Band]) -> Option<Band> {
    let own_pitch = band.thickness / band.likely_lines().max(1) as f32;
    let reach = band.length * 0.6;
    let members: Vec<&Band> = lines
        .iter()
        .filter(|m| {
            let (u, v) = band.local_coords(m.centre);
            band.parallel_to(m)
                && (u.abs() - m.length / 2.0) < reach
                && v.abs() - m.thickness / 2.0 < band.thickness / 2.0 + 3.0 * own_pitch
        })
        .collect();
    // A lone MRZ line is the thinnest thing found along it: its thickness is the line pitch.
    let pitch = members.iter().filter(|m| m.aspect() > 12.0).map(|m| m.thickness).fold(own_pitch, f32::min).max(1.0);
    let (mut min_u, mut max_u) = (-band.length / 2.0, band.length / 2.0);
    let (mut min_v, mut max_v) = (-band.thickness / 2.0, band.thickness / 2.0);
    for m in &members {
        let (u, v) = band.local_coords(m.centre);
        min_u = min_u.min(u - m.length / 2.0);
        max_u = max_u.max(u + m.length / 2.0);
        min_v = min_v.min(v - m.thickness / 2.0);
        max_v = max_v.max(v + m.thickness / 2.0);
    }
    // A member may be a large blob (a photo, a text column): the block stays within reach.
    let (reach_u, reach_v) = (band.length / 2.0 + reach, band.thickness / 2.0 + 3.0 * own_pitch);
    let (min_u, max_u) = (min_u.max(-reach_u), max_u.min(reach_u));
    let (min_v, max_v) = (min_v.max(-reach_v), max_v.min(reach_v));
    let (length, thickness) = (max_u - min_u, max_v - min_v);
    if length < band.length * 1.1 && thickness < band.thickness + 0.5 * pitch {
        return None;
    }
    Some(Band {
        centre: band.image_point(((min_u + max_u) / 2.0, (min_v + max_v) / 2.0)),
        angle: band.angle,
        length,
        thickness,
        score: band.score,
        lines: ((thickness / pitch).round() as usize).clamp(1, 6),
    })
}

/// Whether two fragments lie on one text line: about as thick, `b`'s centre on `a`'s centre line,
/// and the gap between their ends small (a run of `<` fillers or a space breaks an MRZ line).
fn same_line(a: &Band, b: &Band) -> bool {
    let thick = a.thickness.max(b.thickness);
    let ratio = a.thickness / b.thickness.max(1.0);
    let (long, short) = if a.length >= b.length { (a, b) } else { (b, a) };
    let (along, across) = long.local_coords(short.centre);
    let gap = along.abs() - (long.length + short.length) / 2.0;
    (0.6..=1.6).contains(&ratio) && across.abs() < 0.45 * thick && gap < 2.0 * thick
}

/// Joins fragments of the same line (union-find), described along the longest fragment's axis.
fn join_fragments(found: &[Band]) -> Vec<Band> {
    // A joined line is one line; a lone component keeps 0, "estimate from the shape" (it may
    // already hold two or three merged lines).
    merge_groups(found, same_line, |members, _| Some(usize::from(members.len() > 1)))
}

/// Union-find over `items` by `related`; each group becomes one band along its longest member's
/// axis covering all members, with the line count `line_count(members, summed lines)` (a group
/// with `None` is dropped).
fn merge_groups(
    items: &[Band],
    related: fn(&Band, &Band) -> bool,
    line_count: fn(&[&Band], usize) -> Option<usize>,
) -> Vec<Band> {
    let mut parent: Vec<usize> = (0..items.len()).collect();
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
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            if let (Some(a), Some(b)) = (items.get(i), items.get(j))
                && related(a, b)
            {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                if let Some(slot) = parent.get_mut(ri) {
                    *slot = rj;
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<&Band>> = std::collections::BTreeMap::new();
    for (i, band) in items.iter().enumerate() {
        groups.entry(root(&mut parent, i)).or_default().push(band);
    }
    let mut out = Vec::new();
    for members in groups.values() {
        let Some(first) = members.first() else { continue };
        let summed: usize = members.iter().map(|m| m.likely_lines()).sum();
        let Some(lines) = line_count(members, summed) else { continue };
        let axis = members.iter().max_by(|a, b| a.length.total_cmp(&b.length)).unwrap_or(first);
        let (mut min_u, mut max_u, mut min_v, mut max_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for m in members {
            let (u, v) = axis.local_coords(m.centre);
            min_u = min_u.min(u - m.length / 2.0);
            max_u = max_u.max(u + m.length / 2.0);
            min_v = min_v.min(v - m.thickness / 2.0);
            max_v = max_v.max(v + m.thickness / 2.0);
        }
        let fill = members.iter().map(|m| m.score / m.length.max(1.0)).sum::<f32>() / members.len() as f32;
        out.push(Band {
            centre: axis.image_point(((min_u + max_u) / 2.0, (min_v + max_v) / 2.0)),
            angle: axis.angle,
            length: max_u - min_u,
            thickness: max_v - min_v,
            // Per-unit-length quality carried along; `group_lines` turns it into the block score.
            score: (max_u - min_u) * fill,
            lines,
        });
    }
    out
}

/// Whether two bands are neighbouring lines of one MRZ: parallel, about as long, side by side
/// along their length, and one to three thicknesses apart.
fn same_block(a: &Band, b: &Band) -> bool {
    let ratio = a.length / b.length.max(1.0);
    let (along, across) = a.local_coords(b.centre);
    let pitch = a.thickness.max(b.thickness) / a.likely_lines().max(b.likely_lines()).max(1) as f32;
    a.parallel_to(b)
        && (0.75..=1.33).contains(&ratio)
        && along.abs() < 0.15 * a.length.max(b.length)
        && across.abs() < 4.0 * pitch
}

/// Groups neighbouring lines into blocks and scores each block as an MRZ candidate.
fn group_lines(found: &[Band]) -> Vec<Band> {
    let blocks = merge_groups(found, same_block, |_, lines| (lines <= 4).then_some(lines));
    blocks
        .into_iter()
        .map(|b| {
            // An MRZ line is 20-28 times as long as the line pitch (TD3: 44 characters of 2.54
            // mm on a 4.2 mm pitch); two or three lines score best.
            let pitch = b.thickness / b.lines.max(1) as f32;
            let proportion = 1.0 - ((b.length / pitch.max(1.0)).ln() - 24.0f32.ln()).abs().min(0.9);
            let line_bonus = match b.lines {
                2 | 3 => 1.0,
                1 => 0.5,
                _ => 0.3,
            };
            Band { score: b.score * proportion * line_bonus, ..b }
        })
        .collect()
}

fn otsu(values: &[u8]) -> u8 {
    let mut hist = [0u64; 256];
    for &v in values {
        if let Some(h) = hist.get_mut(usize::from(v)) {
            *h += 1;
        }
    }
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
            best = t as u8;
        }
    }
    best
}

#[derive(Default, Clone, Copy)]
struct Moments {
    n: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    syy: f64,
    sxy: f64,
    min_u: f32,
    max_u: f32,
    min_v: f32,
    max_v: f32,
}

/// The fragments found on the working copy, and its character mask (the marks darker than their
/// surroundings, before they are merged).
fn bands_at(small: &GrayImage, hat: usize, join: usize) -> (Vec<Band>, GrayImage) {
    let (w, h) = small.dimensions();
    // Black-hat: how much darker than its surroundings each pixel is.
    let closed = morph::close(small, hat, hat);
    let mut blackhat = GrayImage::new(w, h);
    for ((b, c), s) in blackhat.iter_mut().zip(closed.iter()).zip(small.iter()) {
        *b = c.saturating_sub(*s);
    }
    // Below Otsu: the thin strokes of `<` fillers turn grey when the page is shrunk.
    let threshold = (u16::from(otsu(blackhat.as_raw())) * 2 / 3).max(14) as u8;
    let mut mask = GrayImage::new(w, h);
    for (m, b) in mask.iter_mut().zip(blackhat.iter()) {
        *m = if *b > threshold { 255 } else { 0 };
    }
    // Merge characters and lines, then drop thin strays (guilloche, edges).
    let ink = mask;
    let mask = morph::close(&ink, join, join);
    let mask = morph::open(&mask, join / 3, join / 3);

    let labels = connected_components(&mask, Connectivity::Eight, Luma([0u8]));
    let count = labels.iter().copied().max().unwrap_or(0) as usize;
    if count == 0 || count > 20_000 {
        return (Vec::new(), ink);
    }
    let mut moments = vec![Moments::default(); count + 1];
    for (x, y, label) in labels.enumerate_pixels() {
        if let Some(m) = moments.get_mut(label.0[0] as usize) {
            let (fx, fy) = (f64::from(x), f64::from(y));
            m.n += 1.0;
            m.sx += fx;
            m.sy += fy;
            m.sxx += fx * fx;
            m.syy += fy * fy;
            m.sxy += fx * fy;
        }
    }
    let mut axes = vec![(0.0f32, 0.0f32, 0.0f32, 0.0f32); count + 1];
    let min_area = f64::from(w.max(h)) / 8.0;
    for (label, m) in moments.iter_mut().enumerate().skip(1) {
        if m.n < min_area {
            continue;
        }
        let (cx, cy) = (m.sx / m.n, m.sy / m.n);
        let cov_xx = m.sxx / m.n - cx * cx;
        let cov_yy = m.syy / m.n - cy * cy;
        let cov_xy = m.sxy / m.n - cx * cy;
        let angle = 0.5 * (2.0 * cov_xy).atan2(cov_xx - cov_yy);
        if let Some(a) = axes.get_mut(label) {
            *a = (cx as f32, cy as f32, angle.cos() as f32, angle.sin() as f32);
        }
        m.min_u = f32::MAX;
        m.max_u = f32::MIN;
        m.min_v = f32::MAX;
        m.max_v = f32::MIN;
    }
    for (x, y, label) in labels.enumerate_pixels() {
        let l = label.0[0] as usize;
        let (Some(m), Some(&(cx, cy, c, s))) = (moments.get_mut(l), axes.get(l)) else { continue };
        if m.n < min_area || l == 0 {
            continue;
        }
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let u = dx * c + dy * s;
        let v = -dx * s + dy * c;
        m.min_u = m.min_u.min(u);
        m.max_u = m.max_u.max(u);
        m.min_v = m.min_v.min(v);
        m.max_v = m.max_v.max(v);
    }
    let longest = w.max(h) as f32;
    let mut bands = Vec::new();
    for (label, m) in moments.iter().enumerate().skip(1) {
        if m.n < min_area {
            continue;
        }
        let Some(&(cx, cy, c, s)) = axes.get(label) else { continue };
        let length = m.max_u - m.min_u + 1.0;
        let thickness = m.max_v - m.min_v + 1.0;
        let fill = (m.n as f32) / (length * thickness).max(1.0);
        // Text-like fragments only: not blobs thicker than a few lines, not sparse scribbles.
        if fill < 0.4 || thickness > 0.2 * longest || length < thickness {
            continue;
        }
        let shape = fill;
        // The centre moved by the offsets of the extents, so the band is centred on its box.
        let (mid_u, mid_v) = ((m.min_u + m.max_u) / 2.0, (m.min_v + m.max_v) / 2.0);
        let centre = (cx + mid_u * c - mid_v * s, cy + mid_u * s + mid_v * c);
        bands.push(Band { centre, angle: s.atan2(c), length, thickness, score: length * fill * shape, lines: 0 });
    }
    (bands, ink)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otsu_splits_two_levels() {
        let mut v = vec![20u8; 100];
        v.extend(vec![200u8; 100]);
        let t = otsu(&v);
        assert!((20..200).contains(&t));
    }

    fn line(x: f32, y: f32, length: f32, thickness: f32) -> Band {
        Band { centre: (x, y), angle: 0.0, length, thickness, score: length, lines: 0 }
    }

    #[test]
    fn a_lone_line_grows_into_the_block_of_its_broken_neighbours() {
        // TD1-like: the name line whole; above it, the left of line 1 alone and the right of
        // lines 1 and 2 merged into one thick fragment. Far away, an unrelated text line.
        let names = line(500.0, 300.0, 800.0, 30.0);
        let left_of_first = line(220.0, 220.0, 240.0, 30.0);
        let right_two = line(650.0, 240.0, 500.0, 70.0);
        let far = line(500.0, 40.0, 800.0, 30.0);
        let block = surrounding_block(&names, &[names, left_of_first, right_two, far]).unwrap();
        assert!((block.length - 800.0).abs() < 1.0, "{block:?}");
        // From the top of line 1 (205) to the bottom of the name line (315).
        assert!((block.thickness - 110.0).abs() < 1.0, "{block:?}");
        assert!((block.centre.1 - 260.0).abs() < 1.0, "{block:?}");
        assert_eq!(block.lines, 4, "110 px at a 30 px pitch");
    }

    #[test]
    fn a_line_with_no_neighbours_has_no_block() {
        let alone = line(500.0, 300.0, 800.0, 30.0);
        let far = line(500.0, 40.0, 800.0, 30.0);
        assert!(surrounding_block(&alone, &[alone, far]).is_none());
    }

    /// A character mask of `rows` text lines of `chars` character blocks: 8 px tall, 6 px wide
    /// on a 10 px advance, a 14 px line pitch, starting at (`x0`, `y0`).
    fn text_mask(rows: usize, chars: usize, x0: u32, y0: u32) -> GrayImage {
        let mut ink = GrayImage::new(600, 200);
        for row in 0..rows as u32 {
            for ch in 0..chars as u32 {
                for dy in 0..8 {
                    for dx in 0..6 {
                        ink.put_pixel(x0 + ch * 10 + dx, y0 + row * 14 + dy, Luma([255]));
                    }
                }
            }
        }
        ink
    }

    #[test]
    fn refining_takes_in_the_line_the_closing_left_apart_and_measures_the_pitch() {
        // Three lines of 30 at y 50..58, 64..72, 78..86, x 100..396; the band covers lines 2-3.
        let ink = text_mask(3, 30, 100, 50);
        let band = Band { centre: (248.0, 75.0), angle: 0.0, length: 296.0, thickness: 22.0, score: 1.0, lines: 2 };
        let refined = refine(&band, &ink).unwrap();
        assert_eq!(refined.lines, 3, "{refined:?}");
        assert!((refined.thickness - 42.0).abs() < 1.5, "three pitches of 14: {refined:?}");
        assert!((refined.centre.1 - 68.0).abs() < 1.0, "centred on the middle line: {refined:?}");
        assert!((refined.length - 296.0).abs() < 2.0, "{refined:?}");
        assert!(refined.angle.abs() < 1e-6, "{refined:?}");
    }

    #[test]
    fn refining_follows_the_characters_to_the_ends_of_the_lines() {
        // Two lines of 44 (x 100..536); the band found covers only their right half.
        let ink = text_mask(2, 44, 100, 50);
        let band = Band { centre: (430.0, 61.0), angle: 0.0, length: 210.0, thickness: 22.0, score: 1.0, lines: 0 };
        let refined = refine(&band, &ink).unwrap();
        assert_eq!(refined.lines, 2, "{refined:?}");
        assert!((refined.length - 436.0).abs() < 2.0, "{refined:?}");
        assert!((refined.centre.0 - 318.0).abs() < 2.0, "{refined:?}");
        assert!((refined.thickness - 28.0).abs() < 1.5, "{refined:?}");
    }

    #[test]
    fn refining_leaves_out_text_of_another_size_and_finds_nothing_in_blank_paper() {
        // Two MRZ lines, and a heading line of twice the height a little above them.
        let mut ink = text_mask(2, 30, 100, 100);
        for y in 66..82 {
            for x in 100..300 {
                ink.put_pixel(x, y, Luma([255]));
            }
        }
        let band = Band { centre: (248.0, 111.0), angle: 0.0, length: 296.0, thickness: 22.0, score: 1.0, lines: 2 };
        let refined = refine(&band, &ink).unwrap();
        assert_eq!(refined.lines, 2, "{refined:?}");
        let blank = GrayImage::new(600, 200);
        assert!(refine(&band, &blank).is_none());
    }

    #[test]
    fn mrz_geometry_is_two_or_three_lines_of_mrz_proportions() {
        let band = |length: f32, lines: usize| Band {
            centre: (0.0, 0.0),
            angle: 0.0,
            length,
            thickness: 40.0 * lines as f32,
            score: 1.0,
            lines,
        };
        // TD1: 30 characters on a 40 px pitch are about 720 px; TD3: 44 are about 1060 px.
        assert!(band(720.0, 3).has_mrz_geometry());
        assert!(band(1060.0, 2).has_mrz_geometry());
        assert!(band(880.0, 2).has_mrz_geometry());
        // A heading line, a short two-line field, a text column, four lines.
        assert!(!band(1000.0, 1).has_mrz_geometry());
        assert!(!band(400.0, 2).has_mrz_geometry());
        assert!(!band(400.0, 3).has_mrz_geometry());
        assert!(!band(900.0, 4).has_mrz_geometry());
    }

    #[test]
    fn blank_and_tiny_images_have_no_bands() {
        assert!(find_bands(&GrayImage::from_pixel(400, 300, Luma([255])), 3).is_empty());
        assert!(find_bands(&GrayImage::new(4, 4), 3).is_empty());
    }
}
