//! OCR of prepared MRZ images with the system libtesseract and the MRZ (OCR-B) model.
//!
//! One [`MrzOcr`] per worker thread: creating it loads the model (tens of milliseconds), reading
//! reuses it. Tesseract gives, per character, its confidence and ranked alternatives (hOCR with
//! `lstm_choice_mode=2`); they become [`PositionCandidates`] for the check-digit-guided correction
//! in [`crate::mrz::correct`].
//!
//! Set `OMP_THREAD_LIMIT=1` in the environment before the first handle is created: Debian's
//! Tesseract uses OpenMP, and on two cores one MRZ call is about eight times slower without it.

use image::GrayImage;
use tesseract::{OcrEngineMode, PageSegMode, Tesseract};

use crate::mrz::correct::{Candidate, PositionCandidates};

/// DoubangoTelecom's MRZ model (BSD-3-Clause, see assets/README.md), embedded so the binary needs
/// no data files: float weights (the "best" variant) and the same converted to integer weights,
/// about twice as fast.
static MRZ_MODEL_BEST: &[u8] = include_bytes!("../../assets/tessdata/mrz.traineddata");
static MRZ_MODEL_FAST: &[u8] = include_bytes!("../../assets/tessdata/mrz_fast.traineddata");

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
}

impl OcrLine {
    /// Mean confidence of the first choices.
    pub fn mean_confidence(&self) -> f32 {
        let n = self.candidates.len().max(1) as f32;
        self.candidates.iter().filter_map(|c| c.first()).map(|c| c.confidence).sum::<f32>() / n
    }
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
            "ocr_line" => lines.push(OcrLine { text: String::new(), candidates: Vec::new() }),
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
    fn garbage_hocr_gives_no_lines() {
        assert!(parse_hocr("<span class='").is_empty());
        assert!(parse_hocr("<span class='ocrx_cinfo' title='x_conf 5'>AB</span>").is_empty());
        assert!(parse_hocr("").is_empty());
    }
}
