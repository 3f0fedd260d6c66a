//! Which OCR lines are the MRZ: consecutive lines of one format's length, after merging double
//! reads and leaving out stray characters beyond the zone's columns; and the record of both.

use docexam_mrz::correct::{DroppedRead, MergedRead};
use docexam_mrz::layout::Span;
use docexam_ocr::{DoubleRead, OcrLine, Strays, box_centre};

/// An OCR line that may stand in an MRZ, with any double reads merged so it has an MRZ length.
pub(crate) struct FittedLine {
    pub(crate) line: OcrLine,
    /// The text as OCR read it.
    pub(crate) as_read: String,
    pub(crate) double_reads: Vec<DoubleRead>,
    /// Characters left out at the line's ends.
    pub(crate) strays: Strays,
}

/// The line lengths of the MRZ formats.
const MRZ_LINE_LENGTHS: [usize; 3] = [30, 36, 44];

/// The MRZ line length `len` exceeds by one or two characters, if any.
pub(crate) fn mrz_length_just_below(len: usize) -> Option<usize> {
    MRZ_LINE_LENGTHS.iter().rev().find(|&&target| len > target && len - target <= 2).copied()
}

impl FittedLine {
    /// `line` as read, or, when it is one or two characters longer than an MRZ line and has that
    /// many double reads, with them merged.
    pub(crate) fn new(line: &OcrLine) -> Self {
        let len = line.text.len();
        let (fitted, double_reads) = mrz_length_just_below(len)
            .and_then(|target| line.merge_double_reads(len - target))
            .unwrap_or_else(|| (line.clone(), Vec::new()));
        Self { line: fitted, as_read: line.text.clone(), double_reads, strays: Vec::new() }
    }
}

/// The consecutive OCR lines that fit an MRZ format best: three of 30, or two of 36 or 44. A line
/// a character or two too long, next to lines of the right length, may have read a stray mark
/// beyond their columns (a card's edge): those characters are left out if that makes it fit.
pub(crate) fn pick_mrz_lines(lines: &[OcrLine]) -> Option<Vec<FittedLine>> {
    let mut long: Vec<FittedLine> = lines.iter().filter(|l| l.text.len() >= 26).map(FittedLine::new).collect();
    if let Some(range) = mrz_window(&long) {
        return Some(long.drain(range).collect());
    }
    let trimmed: Vec<(usize, OcrLine, Strays)> =
        (0..long.len()).filter_map(|i| without_strays(&long, i).map(|(line, strays)| (i, line, strays))).collect();
    if trimmed.is_empty() {
        return None;
    }
    for (i, line, strays) in trimmed {
        if let Some(fitted) = long.get_mut(i) {
            fitted.line = line;
            fitted.strays = strays;
        }
    }
    mrz_window(&long).map(|range| long.drain(range).collect())
}

/// Where in `long` the lines of an MRZ stand.
pub(crate) fn mrz_window(long: &[FittedLine]) -> Option<std::ops::Range<usize>> {
    let fits = |group: &[FittedLine], len: usize| group.iter().all(|l| l.line.text.len() == len);
    if let Some(at) = long.windows(3).position(|w| fits(w, 30)) {
        return Some(at..at + 3);
    }
    long.windows(2).position(|w| fits(w, 44) || fits(w, 36)).map(|at| at..at + 2)
}

/// Line `i` of `long`, one or two characters longer than an MRZ line, without the characters at
/// its ends that lie outside the columns its neighbours of that length occupy (half a pitch of
/// room), if that leaves exactly an MRZ line.
pub(crate) fn without_strays(long: &[FittedLine], i: usize) -> Option<(OcrLine, Strays)> {
    let line = &long.get(i)?.line;
    let len = line.text.len();
    let target = mrz_length_just_below(len)?;
    let neighbours: Vec<&OcrLine> = long
        .iter()
        .enumerate()
        .filter(|(j, l)| *j != i && j.abs_diff(i) <= 2 && l.line.text.len() == target)
        .map(|(_, l)| &l.line)
        .collect();
    let left = neighbours.iter().filter_map(|l| l.boxes.first()).map(box_centre).reduce(f32::min)?;
    let right = neighbours.iter().filter_map(|l| l.boxes.last()).map(box_centre).reduce(f32::max)?;
    let half_pitch = (right - left) / (target - 1) as f32 / 2.0;
    let (kept, strays) = line.without_strays([left - half_pitch, right + half_pitch])?;
    (kept.text.len() == target).then_some((kept, strays))
}

/// The characters left out at the ends of the picked lines.
pub(crate) fn dropped_reads(picked: &[FittedLine]) -> Vec<DroppedRead> {
    let mut dropped = Vec::new();
    for (l, fitted) in picked.iter().enumerate() {
        for &(index, read) in &fitted.strays {
            // Before the line only if every character before it was left out too.
            let after_the_line = fitted.strays.iter().filter(|(j, _)| *j < index).count() != index;
            let side = if after_the_line { "after" } else { "before" };
            dropped.push(DroppedRead {
                line: l as u8,
                read,
                after_the_line,
                explanation: format!(
                    "OCR read {read:?} {side} line {}, outside the columns of the MRZ's other lines (the document's \
                     edge or a mark beside the zone): left out",
                    l + 1
                ),
            });
        }
    }
    dropped
}

/// What the corrected reading kept at each place a double read was merged.
pub(crate) fn merged_reads(picked: &[FittedLine], corrected: &[String]) -> Vec<MergedRead> {
    let mut merged = Vec::new();
    for (l, fitted) in picked.iter().enumerate() {
        for double in &fitted.double_reads {
            let kept = corrected.get(l).and_then(|line| line.chars().nth(double.position)).unwrap_or('?');
            let [first, second] = double.read;
            merged.push(MergedRead {
                at: Span::new(l as u8, double.position as u8, 1),
                read: format!("{first}{second}"),
                kept,
                explanation: format!(
                    "OCR read {first:?} and {second:?} where the fixed pitch leaves room for one character: \
                     one glyph read twice; both were candidates there and {kept:?} was kept"
                ),
            });
        }
    }
    merged
}
