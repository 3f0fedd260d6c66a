use std::cell::Cell;
use std::path::Path;

use super::*;
use docexam_mrz::dates::CalendarDate;

fn glyph(ch: char, score: f32) -> GlyphScore {
    GlyphScore { ch, score }
}

fn read(ch: char, confidence: f32) -> PositionCandidates {
    vec![Candidate { ch, confidence }]
}

#[test]
fn the_matcher_makes_a_disputed_character_uncertain_and_offers_its_reading() {
    let mut candidates = vec![vec![read('N', 0.97), read('0', 0.99), read('<', 0.95), read('B', 0.3)]];
    candidates[0][3].push(Candidate { ch: '8', confidence: 0.2 });
    let scores = [vec![
        vec![glyph('V', 0.91), glyph('N', 0.90)],
        vec![glyph('O', 0.95), glyph('0', 0.94)],
        vec![glyph('<', 0.97)],
        vec![glyph('8', 0.93), glyph('B', 0.92)],
    ]];
    let opinions: Vec<Vec<Option<GlyphOpinion>>> =
        scores.iter().map(|line| line.iter().map(|cell| GlyphOpinion::new(cell, None)).collect()).collect();
    add_second_opinion(&mut candidates, &opinions);
    let chars = |p: &PositionCandidates| p.iter().map(|c| (c.ch, c.confidence)).collect::<Vec<_>>();
    assert_eq!(chars(&candidates[0][0]), [('N', 0.5), ('V', 0.45)], "disputed: neither is sure");
    assert_eq!(chars(&candidates[0][1]), [('0', 0.99)], "round glyphs: the matcher has no vote");
    assert_eq!(chars(&candidates[0][2]), [('<', 0.95)], "agreement changes nothing");
    assert_eq!(chars(&candidates[0][3]), [('B', 0.3), ('8', 0.45)], "an OCR alternative is raised, not doubled");
    // No matcher (or no scores for a cell): OCR's reading as it was.
    let mut unchanged = vec![vec![read('N', 0.97)]];
    add_second_opinion(&mut unchanged, &[]);
    add_second_opinion(&mut unchanged, &[vec![None]]);
    assert_eq!(unchanged, vec![vec![read('N', 0.97)]]);
}

/// A line of `text` at `pitch` px, its first character centred at `x`.
fn line_at(text: &str, x: f32, pitch: f32) -> OcrLine {
    let centre = |i: usize| (x + pitch * i as f32) as u32;
    OcrLine {
        text: text.to_owned(),
        candidates: text.chars().map(|c| read(c, 0.99)).collect(),
        boxes: (0..text.len()).map(|i| [centre(i) - 5, 10, centre(i) + 5, 30]).collect(),
    }
}

fn ocr_line(text: &str, x: u32) -> OcrLine {
    line_at(text, x as f32, 17.0)
}

#[test]
fn a_second_read_votes_by_where_its_characters_stand_not_by_their_count() {
    let own = line_at("P<UTOERIK", 100.0, 17.0);
    // The second read missed the `<` and read a mark after the line: as long, but shifted.
    let mut other = line_at("PUTOERIKX", 100.0, 17.0);
    let centres = [0usize, 2, 3, 4, 5, 6, 7, 8, 9];
    other.boxes = centres.iter().map(|&i| [100 + 17 * i as u32 - 5, 12, 100 + 17 * i as u32 + 5, 31]).collect();
    let lower = line_at("L898902C3", 100.0, 17.0);
    let lower = OcrLine { boxes: lower.boxes.iter().map(|b| [b[0], b[1] + 40, b[2], b[3] + 40]).collect(), ..lower };
    let votes = aligned_choices(&own.boxes, &[lower, other]);
    let chars: String = votes.iter().map(|v| v.map_or('_', |c| c.ch)).collect();
    assert_eq!(chars, "P________", "as long, but only the first character stands where its index says");
    // Read alike: every character votes.
    let same = line_at("P<UTOERIK", 101.0, 17.0);
    let votes = aligned_choices(&own.boxes, std::slice::from_ref(&same));
    assert_eq!(votes.iter().map(|v| v.map_or('_', |c| c.ch)).collect::<String>(), "P<UTOERIK");
    // No line at that height: no votes.
    let far = OcrLine { boxes: own.boxes.iter().map(|b| [b[0], b[1] + 90, b[2], b[3] + 90]).collect(), ..own.clone() };
    assert!(aligned_choices(&own.boxes, &[far]).iter().all(Option::is_none));
}

#[test]
fn a_character_beyond_the_other_lines_columns_is_left_out() {
    let card = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"];
    // The card's edge read as a K after the first line.
    let lines = [ocr_line(&format!("{}K", card[0]), 100), ocr_line(card[1], 100), ocr_line(card[2], 100)];
    let picked = pick_mrz_lines(&lines).unwrap();
    assert_eq!(picked.iter().map(|l| l.line.text.as_str()).collect::<Vec<_>>(), card);
    assert_eq!(picked[0].strays, vec![(30, 'K')]);
    assert_eq!(picked[0].as_read.len(), 31);
    let dropped = dropped_reads(&picked);
    assert_eq!((dropped.len(), dropped[0].line, dropped[0].read, dropped[0].after_the_line), (1, 0, 'K', true));
    // A mark before the third line.
    let lines = [ocr_line(card[0], 100), ocr_line(card[1], 100), ocr_line(&format!("6{}", card[2]), 83)];
    let picked = pick_mrz_lines(&lines).unwrap();
    assert_eq!(picked[2].line.text, card[2]);
    assert!(!dropped_reads(&picked)[0].after_the_line);
    // 31 characters within the same columns (one read in between, not beside): no MRZ.
    let squeezed = line_at(&format!("{}K", card[0]), 100.0, 17.0 * 29.0 / 30.0);
    let lines = [squeezed, ocr_line(card[1], 100), ocr_line(card[2], 100)];
    assert!(pick_mrz_lines(&lines).is_none());
}

#[test]
fn the_stop_hook_is_asked_after_locating_and_before_every_ocr_call() {
    let bytes = std::fs::read(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("test-images/scan/td3_clean_0000.png"),
    );
    let gray = decode(&bytes.unwrap(), &DecodeLimits::default()).unwrap().gray;
    let policy = DatePolicy::new(CalendarDate::new(2026, 11, 23).unwrap());
    let mut scanner = Scanner::new(policy, ScanOptions::default()).unwrap();
    let asked = Cell::new(0);
    let count = || {
        asked.set(asked.get() + 1);
        false
    };
    let result = scanner.scan_image_until(&gray, &count).unwrap().unwrap();
    assert_eq!(result.valid(), Some(true));
    assert!(result.band.is_some());
    assert_eq!(asked.get(), result.ocr_calls + 1, "once after locating, once before each OCR call");
    // Stopped after locating, and before the first OCR call.
    for stop_at in 1..=2 {
        asked.set(0);
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() >= stop_at
        };
        assert!(scanner.scan_image_until(&gray, &stop).unwrap().is_none());
        assert_eq!(asked.get(), stop_at);
    }
}
