//! OCR of prepared MRZ images with the system libtesseract and the MRZ (OCR-B) model.
//!
//! One [`MrzOcr`] per worker thread: creating it loads the model (tens of milliseconds), reading
//! reuses it. Tesseract gives, per character, its confidence and ranked alternatives (hOCR with
//! `lstm_choice_mode=2`); they become [`PositionCandidates`] for the check-digit-guided correction
//! in [`docexam_mrz::correct`].
//!
//! Set `OMP_THREAD_LIMIT=1` in the environment before the first handle is created: Debian's
//! Tesseract uses OpenMP, and on two cores one MRZ call is about eight times slower without it.

pub mod glyph;

use image::GrayImage;
use tesseract::{OcrEngineMode, PageSegMode, Tesseract};

use docexam_mrz::correct::{Candidate, PositionCandidates};

/// DoubangoTelecom's MRZ model (BSD-3-Clause, see assets/README.md), embedded so the binary needs
/// no data files: float weights (the "best" variant) and the same converted to integer weights,
/// about twice as fast.
static MRZ_MODEL_BEST: &[u8] = include_bytes!("../../../assets/tessdata/mrz.traineddata");
static MRZ_MODEL_FAST: &[u8] = include_bytes!("../../../assets/tessdata/mrz_fast.traineddata");

/// Which weights to read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Integer weights: the first reading.
    Fast,
    /// Float weights: slower, a second opinion when the first reading fails its checks.
    Best,
}

/// The characters an MRZ may hold.
const WHITELIST: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

/// Why OCR failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OcrError {
    /// Tesseract could not load the model.
    #[error("the OCR engine could not start (Tesseract could not load the MRZ model)")]
    Init,
    /// Tesseract refused the image or failed to read it.
    #[error("the OCR engine failed: {0}")]
    Engine(String),
    /// An empty or oversized image.
    #[error("the image handed to OCR is {width}x{height} pixels, outside what it reads")]
    BadImage {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
}

/// One line of text as OCR read it.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    /// The characters read, in order (spaces between words dropped: an MRZ has none).
    pub text: String,
    /// Per character: what was read first, then the alternatives, with confidences 0-1.
    pub candidates: Vec<PositionCandidates>,
    /// Per character: its box `[left, top, right, bottom]` in pixels of the image read (all zero
    /// when Tesseract gave none).
    pub boxes: Vec<[u32; 4]>,
}

/// Two neighbouring characters OCR read closer together than half the line's pitch: on fixed-pitch
/// OCR-B that is one glyph read twice (a round `O` comes out as `O0`).
#[derive(Debug, Clone, PartialEq)]
pub struct DoubleRead {
    /// The position in the merged line.
    pub position: usize,
    /// The two characters read there, in order.
    pub read: [char; 2],
}

/// Neighbours whose centres are closer than this many pitches are one glyph read twice. Measured:
/// doubled reads sit 0.3-0.4 pitch apart, neighbours on a noisy page 0.8-1.2.
const DOUBLE_READ_MAX_PITCH: f32 = 0.5;

/// Characters left out at a line's ends, with their positions as read.
pub type Strays = Vec<(usize, char)>;

/// The horizontal centre of a character box `[left, top, right, bottom]`.
pub fn box_centre(b: &[u32; 4]) -> f32 {
    (b[0] + b[2]) as f32 / 2.0
}

impl OcrLine {
    /// Whether text, candidates and boxes hold one entry per character each (hOCR without boxes
    /// gives none of the geometry the repairs below need).
    fn has_a_box_per_character(&self) -> bool {
        let n = self.candidates.len();
        self.boxes.len() == n && self.text.chars().count() == n
    }

    /// This line with `excess` double reads merged into one position each, or `None` when the
    /// line has fewer than `excess` of them (or no character boxes). The candidates of a merged
    /// position are both readings and their alternatives, each scored by its confidence as a
    /// share of all of them: two strong competing readings come out near 0.5 each, so the check
    /// digit, not OCR's first choice, decides between them.
    pub fn merge_double_reads(&self, excess: usize) -> Option<(OcrLine, Vec<DoubleRead>)> {
        let n = self.candidates.len();
        if excess == 0 || n < 3 || !self.has_a_box_per_character() {
            return None;
        }
        if self.boxes.iter().any(|b| b[2] <= b[0]) {
            return None;
        }
        let centres: Vec<f32> = self.boxes.iter().map(box_centre).collect();
        let gaps: Vec<f32> = centres.windows(2).map(|w| w[1] - w[0]).collect();
        let mut sorted = gaps.clone();
        sorted.sort_by(f32::total_cmp);
        let pitch = *sorted.get(sorted.len() / 2)?;
        if pitch <= 0.0 {
            return None;
        }
        let mut close: Vec<usize> = (0..gaps.len()).filter(|&i| gaps[i] < DOUBLE_READ_MAX_PITCH * pitch).collect();
        close.sort_by(|&a, &b| gaps[a].total_cmp(&gaps[b]));
        // The closest pairs, no character in two of them.
        let mut chosen: Vec<usize> = Vec::new();
        for i in close {
            if chosen.len() == excess {
                break;
            }
            if !chosen.iter().any(|&c| c.abs_diff(i) <= 1) {
                chosen.push(i);
            }
        }
        if chosen.len() < excess {
            return None;
        }
        chosen.sort_unstable();
        let chars: Vec<char> = self.text.chars().collect();
        let mut merged = OcrLine { text: String::new(), candidates: Vec::new(), boxes: Vec::new() };
        let mut double_reads = Vec::new();
        let mut i = 0;
        while i < n {
            let (ch, candidates, at) = if chosen.binary_search(&i).is_ok() {
                let (a, b) = (&self.candidates[i], &self.candidates[i + 1]);
                double_reads.push(DoubleRead { position: merged.candidates.len(), read: [chars[i], chars[i + 1]] });
                let joined = merge_candidates(a, b);
                let ch = joined.first().map_or(chars[i], |c| c.ch);
                let (a, b) = (self.boxes[i], self.boxes[i + 1]);
                let joined_box = [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])];
                i += 2;
                (ch, joined, joined_box)
            } else {
                i += 1;
                (chars[i - 1], self.candidates[i - 1].clone(), self.boxes[i - 1])
            };
            merged.text.push(ch);
            merged.candidates.push(candidates);
            merged.boxes.push(at);
        }
        Some((merged, double_reads))
    }

    /// This line without the characters at its ends whose centres lie outside `columns` (left and
    /// right edge in pixels), with those characters and their positions as read; `None` when
    /// none lies outside.
    pub fn without_strays(&self, columns: [f32; 2]) -> Option<(OcrLine, Strays)> {
        let n = self.candidates.len();
        if !self.has_a_box_per_character() {
            return None;
        }
        let inside = |b: &[u32; 4]| (columns[0]..=columns[1]).contains(&box_centre(b));
        let first = self.boxes.iter().position(inside)?;
        let end = self.boxes.iter().rposition(inside)? + 1;
        if first == 0 && end == n {
            return None;
        }
        let chars: Vec<char> = self.text.chars().collect();
        let strays = (0..first).chain(end..n).filter_map(|i| Some((i, *chars.get(i)?))).collect();
        let kept = OcrLine {
            text: chars.get(first..end)?.iter().collect(),
            candidates: self.candidates.get(first..end)?.to_vec(),
            boxes: self.boxes.get(first..end)?.to_vec(),
        };
        Some((kept, strays))
    }

    /// Mean confidence of the first choices.
    pub fn mean_confidence(&self) -> f32 {
        let n = self.candidates.len().max(1) as f32;
        self.candidates.iter().filter_map(|c| c.first()).map(|c| c.confidence).sum::<f32>() / n
    }
}

/// Every character either position offers, at its best confidence there, as a share of the
/// total, best first.
fn merge_candidates(a: &PositionCandidates, b: &PositionCandidates) -> PositionCandidates {
    let mut joined: PositionCandidates = Vec::new();
    for c in a.iter().chain(b) {
        match joined.iter_mut().find(|j| j.ch == c.ch) {
            Some(j) => j.confidence = j.confidence.max(c.confidence),
            None => joined.push(*c),
        }
    }
    let total: f32 = joined.iter().map(|c| c.confidence).sum();
    if total > 0.0 {
        for c in &mut joined {
            c.confidence /= total;
        }
    }
    joined.sort_by(|x, y| y.confidence.total_cmp(&x.confidence));
    joined
}

/// A Tesseract handle set up for MRZ lines. Not `Sync`: one per thread.
pub struct MrzOcr {
    api: Option<Tesseract>,
    model: Model,
}

impl std::fmt::Debug for MrzOcr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MrzOcr").field("model", &self.model).field("ready", &self.api.is_some()).finish()
    }
}

fn configured_api(model: Model) -> Result<Tesseract, OcrError> {
    let data = match model {
        Model::Fast => MRZ_MODEL_FAST,
        Model::Best => MRZ_MODEL_BEST,
    };
    let api = Tesseract::new_with_data(data, Some("mrz"), OcrEngineMode::LstmOnly).map_err(|_| OcrError::Init)?;
    let set = |api: Tesseract, name: &str, value: &str| {
        api.set_variable(name, value).map_err(|e| OcrError::Engine(format!("setting {name}: {e}")))
    };
    let api = set(api, "tessedit_char_whitelist", WHITELIST)?;
    let api = set(api, "lstm_choice_mode", "2")?;
    let api = set(api, "hocr_char_boxes", "1")?;
    let mut api = set(api, "debug_file", "/dev/null")?;
    api.set_page_seg_mode(PageSegMode::PsmSingleBlock);
    Ok(api)
}

impl MrzOcr {
    /// Loads a model.
    pub fn new(model: Model) -> Result<Self, OcrError> {
        Ok(Self { api: Some(configured_api(model)?), model })
    }

    /// Reads the text lines of a prepared image (dark text on light background, MRZ lines
    /// horizontal).
    pub fn read(&mut self, image: &GrayImage) -> Result<Vec<OcrLine>, OcrError> {
        let (width, height) = image.dimensions();
        if width < 8 || height < 8 || width > 16_000 || height > 16_000 {
            return Err(OcrError::BadImage { width, height });
        }
        // A failed call consumes the handle; the next call makes a new one.
        let api = match self.api.take() {
            Some(api) => api,
            None => configured_api(self.model)?,
        };
        let (w, h) = (width as i32, height as i32);
        let api = api.set_frame(image.as_raw(), w, h, 1, w).map_err(|e| OcrError::Engine(e.to_string()))?;
        let mut api = api.recognize().map_err(|e| OcrError::Engine(e.to_string()))?;
        let hocr = api.get_hocr_text(0).map_err(|e| OcrError::Engine(e.to_string()))?;
        self.api = Some(api);
        Ok(parse_hocr(&hocr))
    }
}

/// Parses Tesseract's hOCR (with `hocr_char_boxes` and `lstm_choice_mode=2`) into lines of
/// per-character candidates.
pub fn parse_hocr(hocr: &str) -> Vec<OcrLine> {
    let mut lines: Vec<OcrLine> = Vec::new();
    let mut rest = hocr;
    while let Some(at) = rest.find("<span class='") {
        rest = rest.get(at + "<span class='".len()..).unwrap_or_default();
        let class = rest.split('\'').next().unwrap_or_default();
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = rest.get(..tag_end).unwrap_or_default();
        let after = rest.get(tag_end + 1..).unwrap_or_default();
        let text = unescape(after.split('<').next().unwrap_or_default().trim());
        match class {
            "ocr_line" => lines.push(OcrLine { text: String::new(), candidates: Vec::new(), boxes: Vec::new() }),
            "ocrx_cinfo" => {
                let title = attribute(tag, "title").unwrap_or_default();
                let id = attribute(tag, "id").unwrap_or_default();
                let Some(line) = lines.last_mut() else { continue };
                let mut chars = text.chars();
                let (Some(ch), None) = (chars.next(), chars.next()) else { continue };
                if let Some(conf) = number_after(title, "x_conf ") {
                    // A character as read.
                    line.text.push(ch);
                    line.candidates.push(vec![Candidate { ch, confidence: conf / 100.0 }]);
                    line.boxes.push(character_box(title).unwrap_or([0; 4]));
                } else if id.starts_with("choice_")
                    && let Some(conf) = number_after(title, "x_confs ")
                    && let Some(position) = line.candidates.last_mut()
                    && !position.iter().any(|c| c.ch == ch)
                {
                    // An alternative for the last character read.
                    position.push(Candidate { ch, confidence: conf / 100.0 });
                }
            }
            _ => {}
        }
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}='"))? + name.len() + 2;
    let value = tag.get(start..)?;
    value.split('\'').next()
}

/// `[x0, y0, x1, y1]` from `x_bboxes x0 y0 x1 y1`.
fn character_box(title: &str) -> Option<[u32; 4]> {
    let start = title.find("x_bboxes ")? + "x_bboxes ".len();
    let mut numbers = title.get(start..)?.split(|c: char| c == ';' || c.is_whitespace()).map(|n| n.parse::<u32>().ok());
    Some([numbers.next()??, numbers.next()??, numbers.next()??, numbers.next()??])
}

fn number_after(title: &str, key: &str) -> Option<f32> {
    let start = title.find(key)? + key.len();
    title.get(start..)?.split(|c: char| c == ';' || c.is_whitespace()).next()?.parse().ok()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOCR: &str = "<span class='ocr_line' id='line_1_1' title=\"bbox 15 16 696 33\">\
        <span class='ocrx_word' id='word_1_1' title='bbox 15 16 696 33; x_wconf 92'>\
        <span class='ocrx_cinfo' title='x_bboxes 15 17 26 33; x_conf 99.014671'>P</span>\
        <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>\
        <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 93.27'>P</span>\
        <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 4.5'>F</span></span>\
        <span class='ocrx_cinfo' title='x_bboxes 27 17 38 33; x_conf 61.5'>&lt;</span>\
        <span class='ocrx_cinfo' id='lstm_choices_1_1_2'>\
        <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 61.5'>&lt;</span>\
        <span class='ocrx_cinfo' id='choice_1_1_4' title='x_confs 30.1'>K</span></span>\
        </span></span>\
        <span class='ocr_line' id='line_1_2' title=\"bbox 15 43 697 61\">\
        <span class='ocrx_word' id='word_1_2' title='bbox 15 43 697 61; x_wconf 81'>\
        <span class='ocrx_cinfo' title='x_bboxes 15 45 25 61; x_conf 98.99'>L</span></span></span>";

    #[test]
    fn parses_characters_confidences_and_alternatives() {
        let lines = parse_hocr(HOCR);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "P<");
        assert_eq!(lines[0].candidates[0].len(), 2);
        assert_eq!(lines[0].candidates[0][1].ch, 'F');
        assert!((lines[0].candidates[1][0].confidence - 0.615).abs() < 1e-4);
        assert_eq!(lines[0].candidates[1][1].ch, 'K');
        assert_eq!(lines[1].text, "L");
    }

    #[test]
    fn character_boxes_are_kept() {
        let lines = parse_hocr(HOCR);
        assert_eq!(lines[0].boxes, vec![[15, 17, 26, 33], [27, 17, 38, 33]]);
        assert_eq!(lines[1].boxes, vec![[15, 45, 25, 61]]);
    }

    fn line(read: &[(char, f32, [u32; 2])]) -> OcrLine {
        OcrLine {
            text: read.iter().map(|r| r.0).collect(),
            candidates: read.iter().map(|&(ch, confidence, _)| vec![Candidate { ch, confidence }]).collect(),
            boxes: read.iter().map(|r| [r.2[0], 10, r.2[1], 30]).collect(),
        }
    }

    #[test]
    fn a_glyph_read_twice_is_merged_into_one_position_with_both_readings() {
        // Pitch 17; the O and 0 stand 6 apart, everything else 17.
        let read = line(&[
            ('U', 0.99, [0, 10]),
            ('T', 0.99, [17, 27]),
            ('O', 0.93, [34, 44]),
            ('0', 0.95, [40, 50]),
            ('8', 0.99, [51, 61]),
            ('6', 0.99, [68, 78]),
        ]);
        let (merged, doubles) = read.merge_double_reads(1).unwrap();
        assert_eq!(doubles, vec![DoubleRead { position: 2, read: ['O', '0'] }]);
        assert_eq!(merged.text, "UT086");
        assert_eq!(merged.boxes[2], [34, 10, 50, 30]);
        let at = &merged.candidates[2];
        assert_eq!(at.iter().map(|c| c.ch).collect::<String>(), "0O");
        // Two strong competing readings split the confidence: neither is sure.
        assert!((at[0].confidence - 0.95 / 1.88).abs() < 1e-4 && (at[1].confidence - 0.93 / 1.88).abs() < 1e-4);
        assert_eq!(merged.candidates[3], read.candidates[4]);
        // Asked for more double reads than there are, or none: no merge.
        assert!(read.merge_double_reads(2).is_none());
        assert!(read.merge_double_reads(0).is_none());
    }

    #[test]
    fn characters_outside_the_columns_are_dropped_from_the_ends_only() {
        let read = line(&[('K', 0.6, [0, 10]), ('A', 0.9, [17, 27]), ('<', 0.9, [34, 44]), ('K', 0.5, [70, 80])]);
        let (kept, strays) = read.without_strays([15.0, 45.0]).unwrap();
        assert_eq!(kept.text, "A<");
        assert_eq!(kept.candidates, read.candidates[1..3].to_vec());
        assert_eq!(strays, vec![(0, 'K'), (3, 'K')]);
        assert!(read.without_strays([0.0, 100.0]).is_none(), "nothing outside");
        assert!(read.without_strays([200.0, 300.0]).is_none(), "everything outside");
    }

    #[test]
    fn evenly_spaced_characters_or_missing_boxes_are_never_merged() {
        let even: Vec<(char, f32, [u32; 2])> = (0..10).map(|i| ('<', 0.9, [i * 17, i * 17 + 10])).collect();
        assert!(line(&even).merge_double_reads(1).is_none());
        let mut no_boxes =
            line(&[('A', 0.9, [0, 10]), ('O', 0.9, [17, 27]), ('0', 0.9, [20, 30]), ('B', 0.9, [34, 44])]);
        assert!(no_boxes.merge_double_reads(1).is_some());
        no_boxes.boxes[0] = [0; 4];
        assert!(no_boxes.merge_double_reads(1).is_none());
    }

    proptest::proptest! {
        #[test]
        fn any_hocr_text_parses_without_panicking(text in "(<span class='(ocr_line|ocrx_cinfo)'( id='choice_1')? title='(x_bboxes [0-9 ]{0,12}; )?x_confs? [0-9.]{0,5}'>[A-Z<&;lt]{0,3}</span>|.{0,8}){0,12}") {
            for line in parse_hocr(&text) {
                proptest::prop_assert_eq!(line.text.chars().count(), line.candidates.len());
                proptest::prop_assert_eq!(line.boxes.len(), line.candidates.len());
            }
        }

        #[test]
        fn merging_keeps_every_other_position(
            read in proptest::collection::vec(("[A-Z0-9<]", 0.0f32..1.0, 0u32..2000, 0u32..40), 0..50),
            excess in 0usize..4,
        ) {
            let source = OcrLine {
                text: read.iter().map(|r| r.0.as_str()).collect(),
                candidates: read.iter().map(|r| vec![Candidate { ch: r.0.chars().next().unwrap_or('<'), confidence: r.1 }]).collect(),
                boxes: read.iter().map(|r| [r.2, 0, r.2 + r.3, 20]).collect(),
            };
            if let Some((merged, doubles)) = source.merge_double_reads(excess) {
                proptest::prop_assert_eq!(doubles.len(), excess);
                proptest::prop_assert_eq!(merged.candidates.len(), source.candidates.len() - excess);
                proptest::prop_assert_eq!(merged.text.chars().count(), merged.candidates.len());
                for position in merged.candidates.iter() {
                    let total: f32 = position.iter().map(|c| c.confidence).sum();
                    proptest::prop_assert!(total <= 1.0 + 1e-4 || position.len() == 1);
                }
            }
        }
    }

    #[test]
    fn garbage_hocr_gives_no_lines() {
        assert!(parse_hocr("<span class='").is_empty());
        assert!(parse_hocr("<span class='ocrx_cinfo' title='x_conf 5'>AB</span>").is_empty());
        assert!(parse_hocr("").is_empty());
    }
}
