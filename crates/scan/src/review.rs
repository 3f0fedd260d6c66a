//! Whether a reading may be called valid: every character needs evidence.
//!
//! A machine reading the officer may act on needs, for every character, either a passing check
//! digit that would have failed for any other candidate there, or two independent readers
//! (Tesseract and the OCR-B glyph matcher) reading it the same with high confidence. Issuing
//! state and nationality must also be codes in the ICAO table. Anything else is doubt, and a
//! reading with doubt is "needs review", never valid: a false "valid" is the worst error the
//! product can make, a review costs the officer a glance.

use serde::Serialize;

use docexam_mrz::correct::{Candidate, ICAO_DOCUMENT_LETTERS, PositionClass, lookalikes};
use docexam_mrz::doubt::{Doubt, DoubtReason};
use docexam_ocr::glyph::GlyphScore;

/// What the readers saw at one character of a reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CharacterEvidence {
    /// The character in the reading (after correction).
    pub read: char,
    /// Tesseract's first choice, with its confidence, as read (before any second opinion).
    pub ocr: Option<Candidate>,
    /// Tesseract's other candidates.
    pub ocr_alternatives: Vec<Candidate>,
    /// The glyph matcher's best character among those the position may hold.
    pub glyph: Option<char>,
    /// How much better the matcher's best fits than its next character (correlation, 0-2).
    pub glyph_margin: f32,
    /// The matcher's next character.
    pub glyph_runner_up: Option<char>,
    /// Whether correction changed the character OCR read.
    pub corrected: bool,
    /// Tesseract's first choice on a second preparation of the band (not thresholded), when the
    /// first reading left doubt and the line came out the same length.
    pub confirming: Option<Candidate>,
}

impl CharacterEvidence {
    /// The evidence at one position: `candidates` as OCR read them, `glyph` the matcher's
    /// opinion.
    pub fn new(read: char, candidates: &[Candidate], glyph: Option<GlyphOpinion>, corrected: bool) -> Self {
        Self {
            read,
            ocr: candidates.first().copied(),
            ocr_alternatives: candidates.iter().skip(1).copied().collect(),
            glyph: glyph.map(|g| g.best),
            glyph_margin: glyph.map_or(0.0, |g| g.margin),
            glyph_runner_up: glyph.and_then(|g| g.runner_up),
            corrected,
            confirming: None,
        }
    }
}

/// The glyph matcher's reading of one cell, among the characters the position may hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlyphOpinion {
    /// The best fitting character.
    pub best: char,
    /// How much better it fits than the next (correlation, 0-2).
    pub margin: f32,
    /// The next.
    pub runner_up: Option<char>,
}

impl GlyphOpinion {
    /// The opinion from the matcher's `scores` (best first) for a position that may hold `class`
    /// (any character when unknown); `None` when the matcher could not judge the cell.
    pub fn new(scores: &[GlyphScore], class: Option<PositionClass>) -> Option<Self> {
        let allowed = |c: char| class.is_none_or(|class| u8::try_from(c).is_ok_and(|b| class.allows(b)));
        let mut fitting = scores.iter().filter(|g| allowed(g.ch));
        let best = fitting.next()?;
        let next = fitting.next();
        Some(Self { best: best.ch, margin: next.map_or(0.0, |n| best.score - n.score), runner_up: next.map(|n| n.ch) })
    }
}

/// Thresholds of the rule, measured on development sets (see README, "Reading MRZs from images").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewOptions {
    /// Tesseract's confidence in its first choice at or above which it counts as a sure reading.
    pub ocr_sure: f32,
    /// How much better the glyph matcher's character must fit than its next one to count as a
    /// sure reading (correlation).
    pub glyph_sure: f32,
    /// How much better the glyph matcher's character must fit than its next one for its
    /// disagreement between two round glyphs ([`ROUND_GLYPHS`]) to stand against two sure
    /// Tesseract readings where no check digit covers the character (correlation).
    pub glyph_veto: f32,
    /// At most this many alternative readings of the doubtful characters under check digits
    /// are tried; beyond it they all stay doubtful.
    pub max_combinations: usize,
}

impl Default for ReviewOptions {
    fn default() -> Self {
        Self { ocr_sure: 0.85, glyph_sure: 0.02, glyph_veto: CLEAR_ROUND_MARGIN, max_combinations: 4096 }
    }
}

/// Looks at every character of a reading and lists those no evidence confirms.
///
/// `lines` is the reading, `evidence` what the readers saw at each character, `classes` what each
/// position may hold, `report` the reading's check (for fields, check digits and codes), and
/// `recheck` checks another reading of the same lines: it says whether every check digit passes.
pub fn assess(
    lines: &[String],
    evidence: &[Vec<CharacterEvidence>],
    classes: &[Vec<Option<PositionClass>>],
    report: &docexam_mrz::report::MrzReport,
    recheck: &dyn Fn(&[String]) -> bool,
    options: &ReviewOptions,
) -> Vec<Doubt> {
    use docexam_mrz::layout::Span;
    let field_at = |l: usize, p: usize| {
        report
            .fields
            .iter()
            .find(|f| f.at.contains(l as u8, p) || f.continuation.is_some_and(|c| c.contains(l as u8, p)))
    };
    let covered =
        |l: usize, p: usize| {
            report.checks.iter().filter(|c| c.outcome.passed()).any(|c| {
                c.at.is_some_and(|at| at.contains(l as u8, p)) || c.covers.iter().any(|s| s.contains(l as u8, p))
            })
        };
    // The first character of every MRZ is one of the document letters.
    let allowed = |l: usize, p: usize, c: char| {
        let byte = u8::try_from(c);
        let class_allows = classes
            .get(l)
            .and_then(|row| row.get(p))
            .copied()
            .flatten()
            .is_none_or(|class| byte.is_ok_and(|b| class.allows(b)));
        class_allows && ((l, p) != (0, 0) || byte.is_ok_and(|b| ICAO_DOCUMENT_LETTERS.contains(&b)))
    };
    // Why each position is doubtful before check digits are asked, and what else it may be.
    let mut open: Vec<(usize, usize, DoubtReason, Vec<char>)> = Vec::new();
    for (l, row) in evidence.iter().enumerate() {
        for (p, e) in row.iter().enumerate() {
            if confirmed(e, covered(l, p), options) {
                continue;
            }
            let reason = match (e.ocr, e.glyph) {
                (Some(o), _) if e.corrected && o.ch != e.read => DoubtReason::Corrected { ocr: o.ch },
                (Some(o), Some(g)) if o.ch != g => DoubtReason::ReadersDisagree { ocr: o.ch, glyph: g },
                _ => DoubtReason::LowConfidence,
            };
            let mut candidates: Vec<char> = Vec::new();
            let mut offer = |c: char| {
                if c != e.read && !candidates.contains(&c) && allowed(l, p, c) {
                    candidates.push(c);
                }
            };
            e.ocr.iter().chain(&e.ocr_alternatives).filter(|c| c.confidence >= 0.02).for_each(|c| offer(c.ch));
            e.glyph.into_iter().chain(e.glyph_runner_up).for_each(&mut offer);
            e.confirming.iter().for_each(|c| offer(c.ch));
            lookalikes(e.read).chars().for_each(&mut offer);
            open.push((l, p, reason, candidates));
        }
    }
    // Check digits settle a covered doubtful character when no other candidate there, in any
    // combination with the other doubtful characters, passes every check digit as well.
    let in_checks: Vec<usize> = (0..open.len()).filter(|&i| open.get(i).is_some_and(|o| covered(o.0, o.1))).collect();
    let mut unsettled: Vec<Vec<char>> = vec![Vec::new(); open.len()];
    let choices: Vec<usize> = in_checks.iter().map(|&i| open.get(i).map_or(1, |o| o.3.len() + 1)).collect();
    let combinations = choices.iter().try_fold(1usize, |acc, &n| acc.checked_mul(n));
    match combinations {
        Some(total) if total <= options.max_combinations => {
            let mut digits = vec![0usize; in_checks.len()];
            let mut reading: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
            for _ in 1..total {
                // Next combination (odometer); 0 is the reading itself.
                for (d, &n) in digits.iter_mut().zip(&choices) {
                    *d += 1;
                    if *d < n {
                        break;
                    }
                    *d = 0;
                }
                for (&i, &d) in in_checks.iter().zip(&digits) {
                    let Some((l, p, _, candidates)) = open.get(i) else { continue };
                    let Some(e) = evidence.get(*l).and_then(|row| row.get(*p)) else { continue };
                    let ch = if d == 0 { e.read } else { candidates.get(d - 1).copied().unwrap_or(e.read) };
                    if let Some(slot) = reading.get_mut(*l).and_then(|row| row.get_mut(*p)) {
                        *slot = ch;
                    }
                }
                let text: Vec<String> = reading.iter().map(|row| row.iter().collect()).collect();
                if recheck(&text) {
                    for (&i, &d) in in_checks.iter().zip(&digits) {
                        if d == 0 {
                            continue;
                        }
                        let alternative = open.get(i).and_then(|o| o.3.get(d - 1)).copied();
                        if let (Some(a), Some(list)) = (alternative, unsettled.get_mut(i))
                            && !list.contains(&a)
                        {
                            list.push(a);
                        }
                    }
                }
            }
        }
        // Too many to try: none is settled.
        _ => {
            for &i in &in_checks {
                if let (Some(o), Some(list)) = (open.get(i), unsettled.get_mut(i)) {
                    *list = o.3.clone();
                }
            }
        }
    }
    let mut doubts = Vec::new();
    for (i, (l, p, reason, candidates)) in open.into_iter().enumerate() {
        let settled = covered(l, p) && unsettled.get(i).is_some_and(Vec::is_empty);
        // Nothing else any reader saw, nor any look-alike, may stand here (a document letter
        // OCR read as one no document has), and the matcher reads what stands.
        let only_choice = matches!(reason, DoubtReason::Corrected { .. })
            && candidates.is_empty()
            && evidence
                .get(l)
                .and_then(|row| row.get(p))
                .is_some_and(|e| e.glyph == Some(e.read) && e.glyph_margin >= options.glyph_sure);
        if settled || only_choice {
            continue;
        }
        let Some(e) = evidence.get(l).and_then(|row| row.get(p)) else { continue };
        let (reason, candidates) = if covered(l, p) {
            let alternatives = unsettled.get(i).cloned().unwrap_or_default();
            let reason =
                if matches!(reason, DoubtReason::LowConfidence) { DoubtReason::ChecksCannotTell } else { reason };
            (reason, alternatives)
        } else {
            (reason, candidates)
        };
        let field = field_at(l, p).map(|f| f.name);
        let explanation = explain(e.read, &reason, &candidates, covered(l, p));
        doubts.push(Doubt { at: Span::new(l as u8, p as u8, 1), field, read: e.read, candidates, reason, explanation });
    }
    // Codes outside the ICAO table: a misread code is more likely than a new state.
    for finding in report.errors.iter().chain(&report.warnings).filter(|f| f.code == "unknown_country_code") {
        let Some(at) = finding.at else { continue };
        let code: String = lines
            .get(usize::from(at.line))
            .map_or(String::new(), |line| line.chars().skip(usize::from(at.start)).take(usize::from(at.len)).collect());
        for p in usize::from(at.start)..at.end() {
            let l = usize::from(at.line);
            if doubts.iter().any(|d| d.at.contains(at.line, p)) {
                continue;
            }
            let Some(e) = evidence.get(l).and_then(|row| row.get(p)) else { continue };
            let reason = DoubtReason::UnknownCountryCode { code: code.clone() };
            let candidates: Vec<char> = lookalikes(e.read).chars().filter(|&c| allowed(l, p, c)).collect();
            let explanation = explain(e.read, &reason, &candidates, false);
            doubts.push(Doubt {
                at: Span::new(at.line, p as u8, 1),
                field: finding.field,
                read: e.read,
                candidates,
                reason,
                explanation,
            });
        }
    }
    doubts.sort_by_key(|d| (d.at.line, d.at.start));
    doubts
}

/// Whether two independent readers read `e.read` surely and no reader surely read otherwise.
/// The readers are Tesseract on the band, the glyph matcher, and Tesseract on a second
/// preparation of the band. The matcher's word against two sure Tesseract readings
/// counts only when it fits clearly ([`ReviewOptions::glyph_veto`]): on print in other cuts of
/// OCR-B it is the weaker reader.
///
/// Under a check digit any dissent of the matcher leaves the character open: the check digits
/// then decide whether its reading would pass as well (two Tesseract readings share their
/// blind spots: both read `O181G62O17` as `0181G62017`, whose check digit passes either way).
fn confirmed(e: &CharacterEvidence, covered: bool, options: &ReviewOptions) -> bool {
    let tesseract = [e.ocr, e.confirming];
    let sure = |c: &Option<Candidate>| c.is_some_and(|c| c.confidence >= options.ocr_sure);
    let tesseract_for = tesseract.iter().filter(|c| sure(c) && c.is_some_and(|c| c.ch == e.read)).count();
    let tesseract_against = tesseract.iter().any(|c| sure(c) && c.is_some_and(|c| c.ch != e.read));
    let glyph_for = e.glyph == Some(e.read) && e.glyph_margin >= options.glyph_sure;
    let glyph_against = e.glyph.is_some_and(|g| {
        let veto = if covered {
            0.0
        } else if ROUND_GLYPHS.contains(g) && ROUND_GLYPHS.contains(e.read) {
            options.glyph_veto
        } else {
            options.glyph_sure
        };
        g != e.read && e.glyph_margin >= veto
    });
    tesseract_for + usize::from(glyph_for) >= 2 && !tesseract_against && !glyph_against
}

/// OCR-B's round glyphs, which differ in proportions a template judges poorly at MRZ size:
/// between them the matcher's reading counts only when it fits clearly better than the next
/// ([`CLEAR_ROUND_MARGIN`]).
pub const ROUND_GLYPHS: &str = "0ODQUCG";

/// See [`ROUND_GLYPHS`]. Measured on the development sets: below it OCR was right in 280 of 289
/// such disputes, above it the matcher in 7 of 8.
pub const CLEAR_ROUND_MARGIN: f32 = 0.12;

fn explain(read: char, reason: &DoubtReason, candidates: &[char], covered: bool) -> String {
    let others = if candidates.is_empty() {
        String::new()
    } else {
        format!("; it may be {}", candidates.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(" or "))
    };
    let why = match reason {
        DoubtReason::ReadersDisagree { ocr, glyph } => {
            format!("OCR read {ocr:?} and the OCR-B glyph matcher {glyph:?}")
        }
        DoubtReason::LowConfidence => "the readers agree, but not both with confidence".to_owned(),
        DoubtReason::Corrected { ocr } => format!("OCR read {ocr:?} and correction changed it"),
        DoubtReason::ChecksCannotTell => "another reading passes the check digits as well".to_owned(),
        DoubtReason::UnknownCountryCode { code } => format!("{code:?} is not a code in the ICAO table"),
    };
    let settle = if covered || matches!(reason, DoubtReason::UnknownCountryCode { .. }) {
        ""
    } else {
        ", and no check digit covers it"
    };
    format!("read as {read:?}: {why}{settle}{others}; compare with the document")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use docexam_mrz::charset::check_digit;
    use docexam_mrz::correct::position_classes;
    use docexam_mrz::dates::{CalendarDate, DatePolicy};
    use docexam_mrz::layout::Span;
    use docexam_mrz::report::MrzReport;
    use docexam_mrz::{Verdict, check_text};

    /// ICAO 9303 Part 4 TD3 specimen.
    const TD3: [&str; 2] =
        ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];

    fn policy() -> DatePolicy {
        DatePolicy::new(CalendarDate::new(2026, 1, 1).unwrap())
    }

    fn sure(ch: char) -> Option<Candidate> {
        Some(Candidate { ch, confidence: 0.99 })
    }

    /// Both readers read every character surely.
    fn agreed(lines: &[String]) -> Vec<Vec<CharacterEvidence>> {
        lines
            .iter()
            .map(|line| {
                line.chars()
                    .map(|ch| CharacterEvidence {
                        read: ch,
                        ocr: sure(ch),
                        ocr_alternatives: Vec::new(),
                        glyph: Some(ch),
                        glyph_margin: 0.3,
                        glyph_runner_up: None,
                        corrected: false,
                        confirming: None,
                    })
                    .collect()
            })
            .collect()
    }

    fn judge(lines: &[String], evidence: &[Vec<CharacterEvidence>]) -> (Vec<Doubt>, MrzReport) {
        let checked = check_text(&lines.join("\n"), &policy()).unwrap();
        let report = MrzReport::from_checked(&checked);
        let classes: Vec<Vec<Option<PositionClass>>> = position_classes(checked.format())
            .into_iter()
            .map(|l| l.into_iter().map(|i| Some(i.0)).collect())
            .collect();
        let recheck = |lines: &[String]| {
            check_text(&lines.join("\n"), &policy()).is_ok_and(|c| c.failed_checks().next().is_none())
        };
        let doubts = assess(lines, evidence, &classes, &report, &recheck, &ReviewOptions::default());
        let judged = report.with_doubts(doubts.clone());
        (doubts, judged)
    }

    fn td3() -> Vec<String> {
        TD3.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn two_sure_readers_leave_no_doubt_and_the_reading_is_valid() {
        let lines = td3();
        let (doubts, report) = judge(&lines, &agreed(&lines));
        assert!(doubts.is_empty(), "{doubts:?}");
        assert_eq!(report.verdict, Verdict::Valid);
    }

    #[test]
    fn readers_disagreeing_on_a_name_make_the_reading_need_review() {
        let lines = td3();
        let mut evidence = agreed(&lines);
        // ERIKSSON's K (line 1, column 9): the matcher reads R, surely.
        let e = &mut evidence[0][8];
        (e.glyph, e.glyph_margin, e.glyph_runner_up) = (Some('R'), 0.05, Some('K'));
        let (doubts, report) = judge(&lines, &evidence);
        assert_eq!(doubts.len(), 1, "{doubts:?}");
        let d = &doubts[0];
        assert_eq!((d.at, d.read, d.field), (Span::new(0, 8, 1), 'K', Some("name")));
        assert_eq!(d.reason, DoubtReason::ReadersDisagree { ocr: 'K', glyph: 'R' });
        assert!(d.candidates.contains(&'R'), "{:?}", d.candidates);
        assert_eq!(report.verdict, Verdict::NeedsReview);
        assert!(!report.valid);
        assert!(report.warnings.iter().any(|w| w.code == "ocr_uncertain" && w.at == Some(d.at)));
    }

    #[test]
    fn a_second_preparation_outvotes_only_a_weak_dissent_between_round_glyphs() {
        let lines = td3();
        // ERIKSSON's O (line 1, column 12).
        let mut evidence = agreed(&lines);
        let o = &mut evidence[0][11];
        assert_eq!(o.read, 'O');
        (o.glyph, o.glyph_margin, o.confirming) = (Some('D'), 0.05, sure('O'));
        let (doubts, _) = judge(&lines, &evidence);
        assert!(doubts.is_empty(), "two Tesseract readings against a weak round dissent: {doubts:?}");
        // A clear dissent still stands.
        evidence[0][11].glyph_margin = 0.2;
        assert_eq!(judge(&lines, &evidence).0.len(), 1);
        // So does a sure dissent between shapes the matcher tells apart (M and H).
        let mut evidence = agreed(&lines);
        let m = &mut evidence[0][20];
        assert_eq!(m.read, 'M');
        (m.glyph, m.glyph_margin, m.confirming) = (Some('H'), 0.05, sure('M'));
        assert_eq!(judge(&lines, &evidence).0.len(), 1);
    }

    /// A document number whose `0`s at columns 1 and 8 could both be `O`: the check digit passes
    /// either way (24 x 7 + 24 x 3 is a multiple of ten), and so could two `D`s or two `Q`s.
    fn double_o_td3() -> Vec<String> {
        let number = "0181G6201";
        let digit = check_digit([number.as_bytes()]);
        let mut second = format!("{number}{digit}UTO7408122F1204159ZE184226B<<<<<1");
        let composite: String = [&second[0..10], &second[13..20], &second[21..43]].concat();
        second.push(char::from(b'0' + check_digit([composite.as_bytes()])));
        vec![TD3[0].to_owned(), second]
    }

    #[test]
    fn a_dissent_the_check_digit_cannot_settle_stays_doubtful() {
        let lines = double_o_td3();
        assert!(check_text(&lines.join("\n"), &policy()).unwrap().is_valid());
        let mut evidence = agreed(&lines);
        for p in [0, 7] {
            let e = &mut evidence[1][p];
            (e.glyph, e.glyph_margin, e.confirming) = (Some('O'), 0.02, sure('0'));
        }
        let (doubts, report) = judge(&lines, &evidence);
        assert_eq!(doubts.iter().map(|d| d.at.start).collect::<Vec<_>>(), [0, 7], "{doubts:?}");
        assert!(doubts.iter().all(|d| d.candidates.first() == Some(&'O')), "{doubts:?}");
        assert_eq!(report.verdict, Verdict::NeedsReview);
        // Only one of them disputed: no other reading passes, the check digit settles it.
        evidence[1][7].glyph = Some('0');
        assert!(judge(&lines, &evidence).0.is_empty());
    }

    #[test]
    fn an_unknown_country_code_is_doubtful() {
        let mut lines = td3();
        lines[1] = lines[1].replace("C36UTO740", "C36UTQ740");
        let (doubts, report) = judge(&lines, &agreed(&lines));
        assert!(!doubts.is_empty());
        assert!(doubts.iter().all(|d| matches!(d.reason, DoubtReason::UnknownCountryCode { .. })), "{doubts:?}");
        assert!(doubts.iter().any(|d| d.at == Span::new(1, 12, 1) && d.candidates.contains(&'O')), "{doubts:?}");
        assert_ne!(report.verdict, Verdict::Valid);
    }

    #[test]
    fn a_corrected_document_letter_nothing_else_could_be_is_settled() {
        // MRV-A specimen whose V Tesseract read as N twice; only V begins a document code here.
        let lines: Vec<String> =
            ["VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"]
                .iter()
                .map(|l| (*l).to_owned())
                .collect();
        let mut evidence = agreed(&lines);
        let v = &mut evidence[0][0];
        (v.ocr, v.confirming, v.corrected, v.glyph_margin) = (sure('N'), sure('N'), true, 0.09);
        let (doubts, _) = judge(&lines, &evidence);
        assert!(doubts.is_empty(), "{doubts:?}");
        // Where the matcher does not read V either, it stays doubtful.
        evidence[0][0].glyph = Some('N');
        assert_eq!(judge(&lines, &evidence).0.len(), 1);
    }

    fn reader() -> impl Strategy<Value = Option<Candidate>> {
        proptest::option::of((prop::sample::select(vec!['M', 'H', 'N', 'O', 'D']), 0.0f32..1.0))
            .prop_map(|c| c.map(|(ch, confidence)| Candidate { ch, confidence }))
    }

    proptest! {
        /// Whatever the readers saw at a character no check digit covers, the reading is never
        /// valid unless two of them read it surely and none surely read otherwise.
        #[test]
        fn an_uncovered_character_is_never_valid_without_two_sure_readers(
            position in 5usize..44,
            ocr in reader(),
            confirming in reader(),
            glyph in proptest::option::of(prop::sample::select(vec!['M', 'H', 'N', 'O', 'D'])),
            glyph_margin in 0.0f32..0.3,
        ) {
            let lines = td3();
            let mut evidence = agreed(&lines);
            let read = lines[0].chars().nth(position).unwrap();
            let e = &mut evidence[0][position];
            (e.ocr, e.confirming, e.glyph, e.glyph_margin) = (ocr, confirming, glyph, glyph_margin);
            let (_, report) = judge(&lines, &evidence);
            let options = ReviewOptions::default();
            let sure_ocr = |c: Option<Candidate>| c.is_some_and(|c| c.ch == read && c.confidence >= options.ocr_sure);
            let readers = usize::from(sure_ocr(ocr)) + usize::from(sure_ocr(confirming))
                + usize::from(glyph == Some(read) && glyph_margin >= options.glyph_sure);
            if report.verdict == Verdict::Valid {
                prop_assert!(readers >= 2, "valid with {readers} sure reader(s) of {read:?}");
            }
        }
    }
}
