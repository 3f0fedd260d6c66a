//! The marks on a mask: its connected components of character size, and the directions in which
//! they have their nearest neighbours (the text directions).

use image::GrayImage;
use imageproc::region_labelling::{Connectivity, connected_components};

/// A connected mark of character size on the working copy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    /// Centre of its bounding box.
    pub x: f32,
    /// Centre of its bounding box.
    pub y: f32,
    /// Bounding box width.
    pub w: f32,
    /// Bounding box height.
    pub h: f32,
    /// Its label in the component image.
    label: u32,
    /// Top-left corner of its bounding box.
    corner: (u32, u32),
}

impl Mark {
    pub(super) fn size(&self) -> f32 {
        self.w.max(self.h)
    }
}

/// The marks of a mask, and the component image they were labelled in (for measuring them
/// across a line once its direction is known).
pub struct Marks {
    /// Marks of character size.
    pub marks: Vec<Mark>,
    labels: image::ImageBuffer<image::Luma<u32>, Vec<u32>>,
}

impl Marks {
    /// The extent of mark `m` across a line running along (`c`, `s`): from its pixels, so a
    /// rotated glyph is measured by its own height, not its bounding box. (min v, max v).
    pub(super) fn across(&self, m: &Mark, c: f32, s: f32) -> (f32, f32) {
        let (mut lo, mut hi) = (f32::MAX, f32::MIN);
        let (x0, y0) = m.corner;
        for y in y0..y0 + m.h as u32 {
            for x in x0..x0 + m.w as u32 {
                if self.labels.get_pixel_checked(x, y).is_some_and(|p| p.0[0] == m.label) {
                    let v = -(x as f32 + 0.5) * s + (y as f32 + 0.5) * c;
                    lo = lo.min(v);
                    hi = hi.max(v + 1.0);
                }
            }
        }
        (lo, hi)
    }
}

/// Neighbouring characters stand within this many mark sizes of each other.
pub(super) const NEAR: f32 = 2.2;
/// Marks this many sizes apart, exactly in line, may be one line with characters lost between.
pub(super) const FAR: f32 = 6.0;

/// Marks smaller than this (working pixels, longest side) are specks.
pub(super) const MIN_MARK: f32 = 3.0;
/// Marks larger than this are not characters of an MRZ on the working copy.
const MAX_MARK: f32 = 64.0;

/// The mask's connected components of character size.
pub fn marks(mask: &GrayImage) -> Marks {
    let labels = connected_components(mask, Connectivity::Eight, image::Luma([0u8]));
    let count = labels.iter().copied().max().unwrap_or(0) as usize;
    // A page of noise, not of text.
    if count == 0 || count > 60_000 {
        return Marks { marks: Vec::new(), labels };
    }
    // min x, min y, max x, max y, area
    let mut boxes = vec![(u32::MAX, u32::MAX, 0u32, 0u32, 0u32); count + 1];
    for (x, y, label) in labels.enumerate_pixels() {
        let l = label.0[0] as usize;
        if l == 0 {
            continue;
        }
        if let Some(b) = boxes.get_mut(l) {
            b.0 = b.0.min(x);
            b.1 = b.1.min(y);
            b.2 = b.2.max(x);
            b.3 = b.3.max(y);
            b.4 += 1;
        }
    }
    let marks = boxes
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, b)| b.4 > 0)
        .map(|(label, &(x0, y0, x1, y1, area))| {
            let (w, h) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
            let centre = ((x0 + x1 + 1) as f32 / 2.0, (y0 + y1 + 1) as f32 / 2.0);
            let label = u32::try_from(label).unwrap_or(u32::MAX);
            (Mark { x: centre.0, y: centre.1, w, h, label, corner: (x0, y0) }, area)
        })
        .filter(|(m, area)| {
            let size = m.size();
            (MIN_MARK..=MAX_MARK).contains(&size) && *area >= 4 && m.w.min(m.h) * 8.0 >= size
        })
        .map(|(m, _)| m)
        .collect();
    Marks { marks, labels }
}

/// The indices of marks within `reach` of `marks[i]` and within `spread` times the larger size,
/// whose size is comparable, by ascending distance. `by_x` holds the mark indices sorted by x.
pub(super) fn neighbours(marks: &[Mark], by_x: &[usize], i: usize, reach: f32, spread: f32) -> Vec<(usize, f32)> {
    let Some(m) = marks.get(i) else { return Vec::new() };
    let start = by_x.partition_point(|&j| marks.get(j).is_some_and(|o| o.x < m.x - reach));
    let mut found = Vec::new();
    for &j in by_x.get(start..).unwrap_or_default() {
        let Some(o) = marks.get(j) else { continue };
        if o.x > m.x + reach {
            break;
        }
        if j == i {
            continue;
        }
        let (big, small) = (m.size().max(o.size()), m.size().min(o.size()));
        let d = (o.x - m.x).hypot(o.y - m.y);
        if big <= 2.5 * small && d <= spread * big && d >= 0.3 * big {
            found.push((j, d));
        }
    }
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found
}

pub(super) fn sorted_by_x(marks: &[Mark]) -> Vec<usize> {
    let mut by_x: Vec<usize> = (0..marks.len()).collect();
    by_x.sort_by(|&a, &b| {
        let (xa, xb) = (marks.get(a).map_or(0.0, |m| m.x), marks.get(b).map_or(0.0, |m| m.x));
        xa.total_cmp(&xb)
    });
    by_x
}

/// The directions in which text runs on the page, strongest first (at most three): the angles
/// between marks and their two nearest neighbours, voted into one-degree bins (modulo a half
/// turn). Along a line, neighbours are closer than across lines.
pub fn text_directions(marks: &[Mark]) -> Vec<f32> {
    let by_x = sorted_by_x(marks);
    let mut votes = [0f32; 180];
    for i in 0..marks.len() {
        let Some(m) = marks.get(i) else { continue };
        for &(j, _) in neighbours(marks, &by_x, i, 2.2 * MAX_MARK, NEAR).iter().take(2) {
            let Some(o) = marks.get(j) else { continue };
            let angle = (o.y - m.y).atan2(o.x - m.x).to_degrees().rem_euclid(180.0);
            if let Some(v) = votes.get_mut((angle.round() as usize) % 180) {
                *v += 1.0;
            }
        }
    }
    // Smoothed over five degrees (circularly), then the peaks.
    let smoothed: Vec<f32> =
        (0..180).map(|b| (0..5).map(|k| votes.get((b + 178 + k) % 180).copied().unwrap_or(0.0)).sum()).collect();
    let mut peaks: Vec<(usize, f32)> = Vec::new();
    for b in 0..180 {
        let v = smoothed.get(b).copied().unwrap_or(0.0);
        let left = smoothed.get((b + 179) % 180).copied().unwrap_or(0.0);
        let right = smoothed.get((b + 1) % 180).copied().unwrap_or(0.0);
        if v > 0.0 && v >= left && v > right {
            peaks.push((b, v));
        }
    }
    peaks.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top = peaks.first().map_or(0.0, |p| p.1);
    let mut chosen: Vec<usize> = Vec::new();
    for (b, v) in peaks {
        if chosen.len() == 3 || v < 0.2 * top {
            break;
        }
        let apart = |c: &usize| {
            let d = b.abs_diff(*c);
            d.min(180 - d) >= 6
        };
        if chosen.iter().all(apart) {
            chosen.push(b);
        }
    }
    chosen
        .into_iter()
        .map(|b| {
            // The votes' mean around the peak, for a finer angle than the bin.
            let (mut sum, mut weight) = (0.0f32, 0.0f32);
            for k in -2i32..=2 {
                let bin = (b as i32 + k).rem_euclid(180) as usize;
                let v = votes.get(bin).copied().unwrap_or(0.0);
                sum += v * (b as f32 + k as f32);
                weight += v;
            }
            let degrees = if weight > 0.0 { sum / weight } else { b as f32 };
            degrees.to_radians()
        })
        .collect()
}
