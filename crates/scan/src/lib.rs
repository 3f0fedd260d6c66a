//! The scan pipeline: image bytes → upright grey image → MRZ band candidates → upright,
//! normalised cut-outs → OCR with per-character alternatives → check-digit-guided correction →
//! checked MRZ.
//!
//! Cheap steps first: the best band in its likelier orientation is read first, and further
//! orientations, bands and preparations are tried only while no reading passes its check digits.
//! Every correction made on the way is part of the result. A reading counts as an MRZ only when a
//! format fits and at least half of its check digits agree; anything else is "no MRZ found",
//! so a page of ordinary text is not reported as a broken MRZ.
//!
//! The desk runs a [`Scanner`] on its own thread (`docexam-desk`'s `scan_worker`); this crate
//! starts no threads.

mod lines;
pub mod review;

use image::{GrayImage, imageops};
use serde::Serialize;

use docexam_imaging::decode::{DecodeError, DecodeLimits, decode};
use docexam_imaging::prepare::{binarise, binarise_darkest, cut_zone, left_heaviness, normalise};
use docexam_imaging::zone::{WORK_SIZE, Zone, find_zones};
use docexam_mrz::correct::{
    Candidate, Correction, CorrectionOptions, CorrectionOutcome, PositionCandidates, PositionClass, correct,
    position_classes,
};
use docexam_mrz::dates::DatePolicy;
use docexam_mrz::doubt::DoubtReason;
use docexam_mrz::layout::Span;
use docexam_mrz::report::MrzReport;
use docexam_mrz::{self as mrz, CheckedMrz, RawMrz, Verdict};
use docexam_ocr::glyph::{GlyphMatcher, GlyphScore, LineCells};
use docexam_ocr::{Model, MrzOcr, OcrError, OcrLine, box_centre};
use lines::{FittedLine, dropped_reads, merged_reads, pick_mrz_lines};
use review::{CLEAR_ROUND_MARGIN, CharacterEvidence, GlyphOpinion, ROUND_GLYPHS};

/// Longest side of the working copy the zones are looked for on again when the first found
/// nothing like an MRZ (print too small for the first: a card filling little of a photo).
const LARGER_WORK_SIZE: u32 = WORK_SIZE * 2;

/// A reading counts as an MRZ only if at most one character in this many was changed, merged or
/// left out. Measured: genuine reads on 1,750 generated images needed at most 2 changes (of 72 to
/// 90 characters); a page of text made to pass every check digit needed 24.
const CHARACTERS_PER_CHANGE: usize = 10;

/// Tuning of the pipeline.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Bands tried at most.
    pub max_bands: usize,
    /// OCR calls at most per image.
    pub max_ocr_calls: usize,
    /// Decoding limits.
    pub limits: DecodeLimits,
    /// Correction tuning.
    pub correction: CorrectionOptions,
    /// What counts as evidence for a character.
    pub review: review::ReviewOptions,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            max_bands: 3,
            max_ocr_calls: 8,
            limits: DecodeLimits::default(),
            correction: CorrectionOptions::default(),
            review: review::ReviewOptions::default(),
        }
    }
}

/// Why an image could not be scanned at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The file is not an image docexam reads, or is too large, or damaged.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The OCR engine failed.
    #[error(transparent)]
    Ocr(#[from] OcrError),
}

/// Where the MRZ that gave the reading lies: the four corners of its band, in pixels of the upright
/// image (after the EXIF orientation), in the order the text reads: top-left, top-right,
/// bottom-right, bottom-left. A document upside down has its "top-left" at the bottom right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BandOutline {
    /// `[x, y]` of each corner.
    pub corners: [[f32; 2]; 4],
}

impl BandOutline {
    /// The outline of `zone`: its lines from a pitch before the first character to a pitch after
    /// the last, from a capital's height above the first line to one below the last; turned
    /// half a turn when read `flipped`.
    fn new(zone: &Zone, flipped: bool) -> Self {
        let ((ac, as_), (nc, ns)) = zone.axes();
        let (pitch, height) = (zone.pitch(), zone.height());
        let (Some(first), Some(last)) = (zone.lines.first(), zone.lines.last()) else {
            return Self { corners: [[0.0; 2]; 4] };
        };
        let end = pitch * zone.characters().max(1) as f32;
        let at = |origin: (f32, f32), u: f32, v: f32| [origin.0 + u * ac + v * nc, origin.1 + u * as_ + v * ns];
        let corners = [
            at(first.origin, -pitch, -height),
            at(first.origin, end, -height),
            at(last.origin, end, height),
            at(last.origin, -pitch, height),
        ];
        let [a, b, c, d] = corners;
        Self { corners: if flipped { [c, d, a, b] } else { corners } }
    }

    /// The corners with x multiplied by `sx` and y by `sy` (e.g. into a scaled-down preview).
    pub fn scaled(&self, sx: f32, sy: f32) -> [[f32; 2]; 4] {
        self.corners.map(|[x, y]| [x * sx, y * sy])
    }
}

/// What a scan found.
#[derive(Debug, Clone, Serialize)]
pub struct ScanResult {
    /// The MRZ lines after correction, or `None` when no MRZ was found.
    pub lines: Option<Vec<String>>,
    /// The lines as OCR read them, before correction.
    pub ocr_lines: Option<Vec<String>>,
    /// The full check of `lines`.
    pub report: Option<MrzReport>,
    /// What correction did.
    pub correction: Option<Correction>,
    /// Rotation of the document in the image, degrees clockwise (0, 90, 180, 270 or in between).
    pub orientation_degrees: Option<f32>,
    /// OCR calls made.
    pub ocr_calls: usize,
    /// Where the zone that gave the reading lies; `None` when no MRZ was found.
    pub band: Option<BandOutline>,
    /// The glyph matcher's reading of the same lines, character for character (`?` where it
    /// could not judge a cell); `None` when no MRZ was found.
    pub glyph_lines: Option<Vec<String>>,
    /// Characters of `lines` the glyph matcher reads otherwise and no passing check digit
    /// settles; each is also a warning in `report`.
    pub disagreements: Vec<Disagreement>,
    /// What the readers saw at every character of `lines` (empty when no MRZ was found).
    pub evidence: Vec<Vec<CharacterEvidence>>,
}

/// A character of the reading the glyph matcher reads as another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// Where.
    pub at: Span,
    /// What the reading holds.
    pub read: char,
    /// What the glyph matcher reads.
    pub glyph: char,
    /// How much better the matcher's character fits than its next one (correlation, 0-2).
    pub margin: f32,
}

impl ScanResult {
    /// A result with no MRZ found after `ocr_calls` reads.
    pub fn none(ocr_calls: usize) -> Self {
        Self {
            lines: None,
            ocr_lines: None,
            report: None,
            correction: None,
            orientation_degrees: None,
            ocr_calls,
            band: None,
            glyph_lines: None,
            disagreements: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// `Some(true)` valid, `Some(false)` an MRZ that fails its checks, `None` no MRZ found or a
    /// reading that needs review (see [`ScanResult::verdict`]).
    pub fn valid(&self) -> Option<bool> {
        match self.verdict()? {
            Verdict::Valid => Some(true),
            Verdict::Invalid => Some(false),
            Verdict::NeedsReview | Verdict::Unreadable => None,
        }
    }

    /// The reading's verdict; `None` when no MRZ was found.
    pub fn verdict(&self) -> Option<Verdict> {
        self.report.as_ref().map(|r| r.verdict)
    }
}

/// A scanner: owns its OCR handles, so one per thread.
#[derive(Debug)]
pub struct Scanner {
    fast: MrzOcr,
    /// The float model, loaded the first time a second opinion is needed.
    best: Option<MrzOcr>,
    /// OCR-B templates; `None` only if the compiled-in font fails to parse.
    glyphs: Option<GlyphMatcher>,
    policy: DatePolicy,
    options: ScanOptions,
}

/// One reading of one zone in one orientation.
struct Reading {
    ocr_lines: Vec<String>,
    correction: Correction,
    checked: CheckedMrz,
    flipped: bool,
    zone: Zone,
    /// Per character of the reading, its box in the band read (all zero when OCR gave none).
    boxes: Vec<Vec<[u32; 4]>>,
    glyph_lines: Vec<String>,
    evidence: Vec<Vec<CharacterEvidence>>,
}

impl Reading {
    /// Higher is better: valid first, then the fewest failed checks, then the fewest repairs.
    fn rank(&self) -> (bool, i64, i64) {
        (self.checked.is_valid(), -(self.checked.failed_checks().count() as i64), -(self.repairs() as i64))
    }

    /// Characters merged or left out to give the lines an MRZ's length.
    fn repairs(&self) -> usize {
        self.correction.merged_reads.len() + self.correction.dropped_reads.len()
    }

    /// At least half the check digits agree; a reading whose lines needed repairs must pass all
    /// but one (a text read upside down can come out as runs of narrow look-alikes that merge
    /// into MRZ-length lines and pass checks by chance). And OCR read it nearly as it stands:
    /// at most one character in [`CHARACTERS_PER_CHANGE`] changed, merged or left out (with
    /// enough changes any text passes its check digits).
    fn looks_like_an_mrz(&self) -> bool {
        let total = self.checked.checks().count();
        let failed = self.checked.failed_checks().count();
        let characters: usize = self.correction.lines.iter().map(String::len).sum();
        let changes = self.correction.substitutions.len() + self.repairs();
        let checks_agree =
            if self.repairs() == 0 { total > 0 && failed * 2 <= total } else { total > 1 && failed <= 1 };
        checks_agree && changes * CHARACTERS_PER_CHANGE <= characters
    }

    /// Looks like an MRZ as OCR read it: other orientations and bands need not be tried.
    fn settles_the_search(&self) -> bool {
        self.looks_like_an_mrz() && self.repairs() == 0
    }
}

impl Scanner {
    /// Loads the OCR model (once per thread).
    pub fn new(policy: DatePolicy, options: ScanOptions) -> Result<Self, OcrError> {
        Ok(Self { fast: MrzOcr::new(Model::Fast)?, best: None, glyphs: GlyphMatcher::new(), policy, options })
    }

    /// Checks dates under `policy` from now on; returns the policy it replaces.
    pub fn replace_policy(&mut self, policy: DatePolicy) -> DatePolicy {
        std::mem::replace(&mut self.policy, policy)
    }

    /// Decodes an image file's bytes and scans it.
    pub fn scan_bytes(&mut self, bytes: &[u8]) -> Result<ScanResult, ScanError> {
        let decoded = decode(bytes, &self.options.limits)?;
        Ok(self.scan_image(&decoded.gray)?)
    }

    /// Scans a decoded grey image.
    pub fn scan_image(&mut self, gray: &GrayImage) -> Result<ScanResult, OcrError> {
        // Never asked to stop, so `None` cannot come back; an empty result keeps this total.
        Ok(self.scan_image_until(gray, &|| false)?.unwrap_or_else(|| ScanResult::none(0)))
    }

    /// Scans a decoded grey image, giving up with `Ok(None)` as soon as `should_stop` says so.
    /// It is asked after the bands are located and before each OCR call (an OCR call itself
    /// cannot be interrupted), so it should be cheap, e.g. an atomic load.
    pub fn scan_image_until(
        &mut self,
        gray: &GrayImage,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<Option<ScanResult>, OcrError> {
        let zones = candidates(find_zones(gray, WORK_SIZE), self.options.max_bands);
        if should_stop() {
            return Ok(None);
        }
        let mut calls = 0usize;
        let mut best: Option<Reading> = None;
        if !self.read_zones(gray, &zones, self.options.max_ocr_calls, &mut calls, &mut best, should_stop)? {
            return Ok(None);
        }
        // Nothing like an MRZ in a large image: its print may be too small for the working copy
        // (a card filling little of a photo). Look again on a larger one, with a budget of its own.
        let longest = gray.width().max(gray.height());
        if !best.as_ref().is_some_and(Reading::looks_like_an_mrz) && longest > WORK_SIZE {
            let tried = zones;
            let more: Vec<Zone> = candidates(find_zones(gray, LARGER_WORK_SIZE), self.options.max_bands)
                .into_iter()
                .filter(|z| !tried.iter().any(|t| t.covers_about_the_same(z)))
                .collect();
            let budget = calls + self.options.max_ocr_calls / 2;
            if should_stop() || !self.read_zones(gray, &more, budget, &mut calls, &mut best, should_stop)? {
                return Ok(None);
            }
        }
        let Some(reading) = best.filter(Reading::looks_like_an_mrz) else { return Ok(Some(ScanResult::none(calls))) };
        let report = MrzReport::from_checked(&reading.checked);
        let classes: Vec<Vec<Option<PositionClass>>> = position_classes(reading.checked.format())
            .into_iter()
            .map(|line| line.into_iter().map(|info| Some(info.0)).collect())
            .collect();
        let policy = self.policy;
        let recheck = |lines: &[String]| {
            mrz::check_text(&lines.join("\n"), &policy).is_ok_and(|c| c.failed_checks().next().is_none())
        };
        let mut reading = reading;
        let mut doubts =
            review::assess(&report.lines, &reading.evidence, &classes, &report, &recheck, &self.options.review);
        // Doubt a second reader may settle: read the band again, prepared otherwise.
        let settleable = doubts.iter().any(|d| !matches!(d.reason, DoubtReason::UnknownCountryCode { .. }));
        if settleable && calls < self.options.max_ocr_calls + CONFIRMING_CALLS {
            if should_stop() {
                return Ok(None);
            }
            calls += 1;
            if self.confirm(gray, &mut reading)? {
                doubts =
                    review::assess(&report.lines, &reading.evidence, &classes, &report, &recheck, &self.options.review);
            }
        }
        // The places the two readers read differently, among the doubts.
        let disagreements: Vec<Disagreement> = disagreements(&reading.evidence)
            .into_iter()
            .filter(|d| doubts.iter().any(|doubt| doubt.at.contains(d.at.line, usize::from(d.at.start))))
            .collect();
        let report = report.with_doubts(doubts);
        // Rounded to a tenth, and 359.96 shown as 0.
        let angle = if reading.flipped { reading.zone.angle + std::f32::consts::PI } else { reading.zone.angle };
        let degrees = ((angle.to_degrees() * 10.0).round() / 10.0).rem_euclid(360.0) + 0.0;
        Ok(Some(ScanResult {
            lines: Some(report.lines.clone()),
            ocr_lines: Some(reading.ocr_lines),
            report: Some(report),
            correction: Some(reading.correction),
            orientation_degrees: Some(degrees),
            ocr_calls: calls,
            band: Some(BandOutline::new(&reading.zone, reading.flipped)),
            glyph_lines: Some(reading.glyph_lines),
            disagreements,
            evidence: reading.evidence,
        }))
    }

    /// Reads `zones` in turn until one gives a valid reading, one settles the search, or `calls`
    /// reaches `budget`, keeping the best reading in `best`. `false` when `should_stop` said so.
    fn read_zones(
        &mut self,
        gray: &GrayImage,
        zones: &[Zone],
        budget: usize,
        calls: &mut usize,
        best: &mut Option<Reading>,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<bool, OcrError> {
        for zone in zones {
            let (upright, _) = cut_zone(gray, zone, false);
            let flip_first = left_heaviness(&upright) < 0.0;
            // The other orientation is the same cut turned half a turn (the sampling grid is
            // centred), and evening out the lighting commutes with that turn: prepare it once.
            let grey_upright = normalise(&upright);
            let threshold_upright = binarise(&grey_upright);
            for flip in [flip_first, !flip_first] {
                let threshold_turned;
                let threshold = if flip {
                    threshold_turned = imageops::rotate180(&threshold_upright);
                    &threshold_turned
                } else {
                    &threshold_upright
                };
                // The fast model on the thresholded band first. The float model as a second
                // opinion on a reading that looks like an MRZ but fails a check. A pattern
                // printed behind the characters (guilloche) can fall on the ink side of the
                // threshold and bury them: where the zone has an MRZ's shape and its threshold
                // read nothing like one, a threshold under the darkest ink (the likelier way up
                // only).
                let mut attempts = vec![(Preparation::Threshold, Model::Fast)];
                let mut next = 0;
                while let Some(&(preparation, model)) = attempts.get(next) {
                    next += 1;
                    if *calls >= budget {
                        return Ok(true);
                    }
                    if should_stop() {
                        return Ok(false);
                    }
                    let darkest_image;
                    let image = match preparation {
                        Preparation::Threshold => threshold,
                        Preparation::Darkest => {
                            let upright = binarise_darkest(&grey_upright);
                            darkest_image = if flip { imageops::rotate180(&upright) } else { upright };
                            &darkest_image
                        }
                    };
                    *calls += 1;
                    let lines = self.ocr(model)?.read(image)?;
                    let reading = self.evaluate(&lines, image, zone, flip);
                    let looks_like_mrz = reading.as_ref().is_some_and(Reading::looks_like_an_mrz);
                    if let Some(reading) = reading {
                        let valid = reading.checked.is_valid();
                        if best.as_ref().is_none_or(|b| reading.rank() > b.rank()) {
                            *best = Some(reading);
                        }
                        if valid {
                            return Ok(true);
                        }
                    }
                    if looks_like_mrz && model == Model::Fast {
                        attempts.push((preparation, Model::Best));
                    } else if !looks_like_mrz
                        && preparation == Preparation::Threshold
                        && flip == flip_first
                        && zone.has_mrz_shape()
                    {
                        attempts.push((Preparation::Darkest, Model::Fast));
                    }
                }
                // The right orientation read as an MRZ that fails some check: the other way round
                // would not read as an MRZ at all, and other zones are not the MRZ.
                if best.as_ref().is_some_and(Reading::settles_the_search) {
                    return Ok(true);
                }
            }
        }
        Ok(true)
    }

    /// Reads `reading`'s band a second time, not thresholded (the fast model: on the development
    /// sets the float model settled exactly the same characters at twice the cost), and records
    /// at each character of the reading what that read has there ([`aligned_choices`]): a read
    /// that missed one character and added another elsewhere must not vote on the positions in
    /// between. `false` when nothing could be aligned.
    fn confirm(&mut self, gray: &GrayImage, reading: &mut Reading) -> Result<bool, OcrError> {
        // The band exactly as the first read saw it, turned the same way, so boxes compare.
        let (band, _) = cut_zone(gray, &reading.zone, false);
        let grey = normalise(&band);
        let prepared = if reading.flipped { imageops::rotate180(&grey) } else { grey };
        let read = self.ocr(Model::Fast)?.read(&prepared)?;
        // Fitted as the first read's lines were (double reads merged, strays left out).
        let Some(picked) = pick_mrz_lines(&read) else { return Ok(false) };
        let lines: Vec<OcrLine> = picked.into_iter().map(|fitted| fitted.line).collect();
        let mut any = false;
        for (boxes, evidence) in reading.boxes.iter().zip(reading.evidence.iter_mut()) {
            for (choice, character) in aligned_choices(boxes, &lines).into_iter().zip(evidence.iter_mut()) {
                character.confirming = choice;
                any |= choice.is_some();
            }
        }
        Ok(any)
    }

    fn ocr(&mut self, model: Model) -> Result<&mut MrzOcr, OcrError> {
        match model {
            Model::Fast => Ok(&mut self.fast),
            Model::Best => match &mut self.best {
                Some(ocr) => Ok(ocr),
                slot @ None => Ok(slot.insert(MrzOcr::new(Model::Best)?)),
            },
        }
    }

    /// Picks the MRZ lines out of what OCR read, corrects and checks them.
    fn evaluate(&self, lines: &[OcrLine], prepared: &GrayImage, zone: &Zone, flip: bool) -> Option<Reading> {
        let picked = pick_mrz_lines(lines)?;
        let glyph_scores: Vec<Vec<Vec<GlyphScore>>> = match &self.glyphs {
            Some(matcher) => {
                picked.iter().map(|l| matcher.read_line(prepared, &LineCells::from_boxes(&l.line.boxes))).collect()
            }
            None => Vec::new(),
        };
        let glyph_lines = glyph_scores
            .iter()
            .map(|line| line.iter().map(|cell| cell.first().map_or('?', |g| g.ch)).collect())
            .collect();
        // The matcher judged among what each position may hold, in the format OCR's lines fit.
        let ocr_text: Vec<String> = picked.iter().map(|l| l.line.text.clone()).collect();
        let ocr_classes =
            RawMrz::from_text(&ocr_text.join("\n")).ok().and_then(|raw| raw.detect_format().ok()).map(position_classes);
        let opinions: Vec<Vec<Option<GlyphOpinion>>> = glyph_scores
            .iter()
            .enumerate()
            .map(|(l, line)| {
                line.iter()
                    .enumerate()
                    .map(|(p, scores)| {
                        let class = ocr_classes.as_ref().and_then(|c| c.get(l)?.get(p)).map(|info| info.0);
                        GlyphOpinion::new(scores, class)
                    })
                    .collect()
            })
            .collect();
        let mut candidates: Vec<_> = picked.iter().map(|l| l.line.candidates.clone()).collect();
        add_second_opinion(&mut candidates, &opinions);
        let mut correction = correct(&candidates, &self.options.correction);
        if correction.outcome == CorrectionOutcome::NotAnMrz {
            return None;
        }
        correction.merged_reads = merged_reads(&picked, &correction.lines);
        correction.dropped_reads = dropped_reads(&picked);
        let repaired = !correction.merged_reads.is_empty() || !correction.dropped_reads.is_empty();
        if repaired && correction.outcome == CorrectionOutcome::Unchanged {
            correction.outcome = CorrectionOutcome::Corrected;
        }
        let checked = mrz::check_text(&correction.lines.join("\n"), &self.policy).ok()?;
        if checked.verdict() == Verdict::Unreadable {
            return None;
        }
        let evidence = evidence(&checked, &correction, &picked, &glyph_scores);
        Some(Reading {
            ocr_lines: picked.iter().map(|l| l.as_read.clone()).collect(),
            correction,
            checked,
            flipped: flip,
            zone: zone.clone(),
            boxes: picked.iter().map(|l| l.line.boxes.clone()).collect(),
            glyph_lines,
            evidence,
        })
    }
}

/// What the readers saw at every character of the corrected reading.
fn evidence(
    checked: &CheckedMrz,
    correction: &Correction,
    picked: &[FittedLine],
    glyph_scores: &[Vec<Vec<GlyphScore>>],
) -> Vec<Vec<CharacterEvidence>> {
    let classes = position_classes(checked.format());
    let corrected = |l: usize, p: usize| {
        correction.substitutions.iter().any(|s| usize::from(s.at.line) == l && usize::from(s.at.start) == p)
    };
    correction
        .lines
        .iter()
        .enumerate()
        .map(|(l, line)| {
            line.chars()
                .enumerate()
                .map(|(p, read)| {
                    let candidates =
                        picked.get(l).and_then(|f| f.line.candidates.get(p)).map_or(&[][..], Vec::as_slice);
                    let scores = glyph_scores.get(l).and_then(|s| s.get(p)).map_or(&[][..], Vec::as_slice);
                    let class = classes.get(l).and_then(|c| c.get(p)).map(|info| info.0);
                    CharacterEvidence::new(read, candidates, GlyphOpinion::new(scores, class), corrected(l, p))
                })
                .collect()
        })
        .collect()
}

/// What another read of the same band (`lines`) has at each character of a line whose boxes are
/// `own`: on the read line nearest in height (within a pitch) and of the same length, the first
/// choice of the character at the same index, if its box is also the one centred nearest the own
/// box, within half a pitch; `None` elsewhere.
fn aligned_choices(own: &[[u32; 4]], lines: &[OcrLine]) -> Vec<Option<Candidate>> {
    let centre_y = |b: &[u32; 4]| (b[1] + b[3]) as f32 / 2.0;
    let line_centre = |boxes: &[[u32; 4]]| {
        let ys: Vec<f32> = boxes.iter().filter(|b| b[3] > b[1]).map(centre_y).collect();
        (!ys.is_empty()).then(|| ys.iter().sum::<f32>() / ys.len() as f32)
    };
    let none = vec![None; own.len()];
    let (Some(y), Some(first), Some(last)) = (line_centre(own), own.first(), own.last()) else { return none };
    let pitch = (box_centre(last) - box_centre(first)) / (own.len().max(2) - 1) as f32;
    let Some(other) = lines
        .iter()
        .filter_map(|l| line_centre(&l.boxes).map(|c| (l, (c - y).abs())))
        .filter(|(_, dy)| *dy < pitch)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(l, _)| l)
    else {
        return none;
    };
    if other.candidates.len() != own.len() {
        return none;
    }
    own.iter()
        .enumerate()
        .map(|(p, own_box)| {
            let x = box_centre(own_box);
            let nearest = other
                .boxes
                .iter()
                .enumerate()
                .filter(|(_, b)| b[2] > b[0] && (box_centre(b) - x).abs() < pitch / 2.0)
                .min_by(|a, b| (box_centre(a.1) - x).abs().total_cmp(&(box_centre(b.1) - x).abs()))
                .map(|(j, _)| j);
            // Tesseract's boxes of a run of fillers are loose: a vote counts only where place
            // and count agree.
            (nearest == Some(p)).then(|| other.candidates.get(p).and_then(|c| c.first().copied())).flatten()
        })
        .collect()
}

/// The zones worth reading, at most `max`: MRZ-shaped ones first (best first), then the rest.
fn candidates(mut zones: Vec<Zone>, max: usize) -> Vec<Zone> {
    zones.sort_by(|a, b| b.has_mrz_shape().cmp(&a.has_mrz_shape()).then(b.score.total_cmp(&a.score)));
    zones.truncate(max);
    zones
}

/// Whether the matcher's opinion counts against OCR's `read`.
fn matcher_disputes(read: char, glyph: &GlyphOpinion) -> bool {
    read != glyph.best
        && (glyph.margin >= CLEAR_ROUND_MARGIN || !(ROUND_GLYPHS.contains(read) && ROUND_GLYPHS.contains(glyph.best)))
}

/// Confidence of a character two readers disagree on: below any "high confidence", so a check
/// digit may choose between them.
const DISPUTED_CONFIDENCE: f32 = 0.5;

/// Where the glyph matcher disputes OCR's first choice, neither is trusted: OCR's confidence
/// drops to [`DISPUTED_CONFIDENCE`] and the matcher's character becomes an alternative just
/// below it, so a failing check digit can pick it. OCR's reading stays first: on print in other
/// cuts of OCR-B than the templates' the matcher is the one more often wrong (on the real
/// specimens of the development set it was wrong in all four of its confident disputes).
fn add_second_opinion(candidates: &mut [Vec<PositionCandidates>], opinions: &[Vec<Option<GlyphOpinion>>]) {
    for (line, opinions) in candidates.iter_mut().zip(opinions) {
        for (position, opinion) in line.iter_mut().zip(opinions) {
            let (Some(glyph), Some(first)) = (opinion, position.first_mut()) else { continue };
            if !matcher_disputes(first.ch, glyph) {
                continue;
            }
            first.confidence = first.confidence.min(DISPUTED_CONFIDENCE);
            let second = DISPUTED_CONFIDENCE * 0.9;
            match position.iter_mut().skip(1).find(|c| c.ch == glyph.best) {
                Some(c) => c.confidence = c.confidence.max(second),
                None => position.push(Candidate { ch: glyph.best, confidence: second }),
            }
            if let Some(rest) = position.get_mut(1..) {
                rest.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
            }
        }
    }
}

/// Where the glyph matcher reads the corrected reading otherwise.
fn disagreements(evidence: &[Vec<CharacterEvidence>]) -> Vec<Disagreement> {
    let mut found = Vec::new();
    for (l, line) in evidence.iter().enumerate() {
        for (p, e) in line.iter().enumerate() {
            if let Some(glyph) = e.glyph.filter(|&g| g != e.read) {
                found.push(Disagreement {
                    at: Span::new(l as u8, p as u8, 1),
                    read: e.read,
                    glyph,
                    margin: e.glyph_margin,
                });
            }
        }
    }
    found
}

/// How a band is prepared for OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preparation {
    /// Lighting evened out, then thresholded black on white (Tesseract's LSTM misreads the grey
    /// edges of upscaled print: an `H` as a `B` on a 13-pixel passport scan).
    Threshold,
    /// Thresholded between the darkest ink and the rest ([`binarise_darkest`]).
    Darkest,
}

/// OCR calls allowed beyond [`ScanOptions::max_ocr_calls`] for the second reader of a doubtful
/// reading: the search may have spent its budget finding it.
const CONFIRMING_CALLS: usize = 1;

#[cfg(test)]
mod tests;
