//! What one specimen varies, drawn from its own generator: how its MRZ is set (pitch, capital
//! height, line spacing, tracking, placement) and printed (OCR-B cut, ink spread, rendering, ink),
//! what the paper shows (patterns, their colour, whether they run behind the MRZ) and how the page
//! is laid out. [`Look::random`] keeps every range within what real documents show, and a little
//! beyond where generators and printers are known to go.
//!
//! The training-pack path (`pack.rs`) never draws a `Look`: it renders with the fixed values of
//! [`super::render`], so its output does not change.

use serde::{Deserialize, Serialize};

use docexam_mrz::layout::Format;

use super::Kind;
use super::pattern::Background;
use super::render::{RectMm, document_size};
use super::rng::Rng;

/// The OCR-B cut an MRZ is printed in (both from Matthew Skala's public-domain OCR-B,
/// Debian `fonts-ocr-b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cut {
    /// `OCRB.otf`: round stroke ends (the cut the glyph matcher's templates come from).
    #[serde(rename = "round")]
    Round,
    /// `OCRBS.otf`: square stroke ends, as most passport printers set OCR-B.
    #[serde(rename = "sharp")]
    Sharp,
}

/// Where and how large the MRZ is set; millimetres on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct MrzGeometry {
    /// Left edge of the first character cell.
    pub left_mm: f32,
    /// From the page's bottom edge up to the baseline of the last line.
    pub bottom_mm: f32,
    /// Capital height.
    pub cap_mm: f32,
    /// Character pitch (ICAO: 2.54 mm, 10 per inch).
    pub pitch_mm: f32,
    /// Baseline to baseline (ICAO's nominal 4.23 mm is 1.75 capital heights).
    pub line_pitch_mm: f32,
    /// Width of the glyphs relative to the font's (OCR-B implementations differ a little).
    pub aspect: f32,
    /// Largest horizontal offset of one character from its cell (tracking wobble).
    pub jitter_mm: f32,
    /// Offset of each line (dx, dy), as if each were printed in its own pass.
    pub line_shift_mm: [(f32, f32); 3],
    /// Seed of the per-character offsets.
    pub jitter_seed: u64,
}

impl MrzGeometry {
    /// Baseline of line `line` of `count`, from the top of a page `page_h_mm` tall.
    pub fn baseline_mm(&self, page_h_mm: f32, line: usize, count: usize) -> f32 {
        let dy = self.line_shift_mm.get(line).map_or(0.0, |s| s.1);
        page_h_mm - self.bottom_mm - count.saturating_sub(line + 1) as f32 * self.line_pitch_mm + dy
    }

    /// The area the MRZ's characters take (`count` lines of `chars`), with the shifts.
    pub fn rect(&self, page_h_mm: f32, count: usize, chars: usize) -> RectMm {
        let top = self.baseline_mm(page_h_mm, 0, count) - self.cap_mm;
        let bottom = self.baseline_mm(page_h_mm, count.saturating_sub(1), count);
        let shifts = self.line_shift_mm.iter().take(count.max(1));
        let left = shifts.clone().map(|s| s.0).fold(0.0, f32::min) + self.left_mm;
        let right = shifts.map(|s| s.0).fold(0.0, f32::max) + self.left_mm + chars as f32 * self.pitch_mm;
        RectMm::new(left, top, right - left, bottom - top)
    }

    /// The top of the zone kept for the MRZ: a little above the first line's capitals.
    pub fn clear_top_mm(&self, page_h_mm: f32, count: usize) -> f32 {
        self.baseline_mm(page_h_mm, 0, count) - self.cap_mm - 2.0 - self.line_shift_mm[0].1.abs()
    }

    /// Close to the classic generator's fixed geometry (2.54 mm pitch, 2.4 mm capitals, lines
    /// 4.23 mm apart): for tests that vary one thing at a time.
    pub fn nominal(format: Format) -> Self {
        let (w, _) = document_size(format);
        let pitch = 2.54;
        let left = ((w - format.line_len() as f32 * pitch) / 2.0).min(6.0);
        Self {
            left_mm: left,
            bottom_mm: if format == Format::Td1 { 3.4 } else { 5.4 },
            cap_mm: 2.4,
            pitch_mm: pitch,
            line_pitch_mm: 4.23,
            aspect: 1.0,
            jitter_mm: 0.0,
            line_shift_mm: [(0.0, 0.0); 3],
            jitter_seed: 0,
        }
    }

    fn random(rng: &mut Rng, kind: Kind, format: Format) -> Self {
        let (w, _) = document_size(format);
        let chars = format.line_len() as f32;
        // The line has to fit the document with at least 2.5 mm either side.
        let widest = (2.8_f32).min((w - 5.0) / chars);
        let pitch =
            if rng.chance(0.5) { rng.range_f32(2.45, 2.62).min(widest) } else { rng.range_f32(2.3, widest.max(2.31)) };
        let cap = (pitch * rng.range_f32(0.8, 1.12)).clamp(2.0, 2.9);
        let spacing = match kind {
            Kind::WideSpacing => rng.range_f32(2.3, 3.0),
            _ if rng.chance(0.7) => rng.range_f32(1.4, 2.1),
            _ => rng.range_f32(2.1, 3.0),
        };
        let slack = w - chars * pitch;
        let left = if slack < 6.0 { slack / 2.0 } else { (slack * rng.range_f32(0.3, 0.62)).clamp(2.5, slack - 2.5) };
        let bottom = match format {
            Format::Td1 => rng.range_f32(2.6, 5.5),
            _ => rng.range_f32(3.5, 9.0),
        };
        let aspect = if rng.chance(0.7) { 1.0 } else { rng.range_f32(0.9, 1.08) };
        let jitter = if rng.chance(0.7) { rng.range_f32(0.0, 0.03) } else { rng.range_f32(0.03, 0.09) };
        let shifted = rng.chance(0.5);
        let dx_room = (left - 2.0).clamp(0.0, 0.4);
        let line_shift_mm = [0; 3].map(|_| {
            let dx = if shifted { rng.range_f32(-dx_room, dx_room) } else { 0.0 };
            (dx, rng.range_f32(-0.12, 0.12) * cap)
        });
        Self {
            left_mm: left,
            bottom_mm: bottom,
            cap_mm: cap,
            pitch_mm: pitch,
            line_pitch_mm: spacing * cap,
            aspect,
            jitter_mm: jitter,
            line_shift_mm,
            jitter_seed: rng.next_u64(),
        }
    }
}

/// How the MRZ ink lands on the paper.
#[derive(Debug, Clone, PartialEq)]
pub struct MrzPrint {
    /// The OCR-B cut.
    pub cut: Cut,
    /// Ink spread at every edge (mm): positive prints bolder (ink bleeds, toner spreads),
    /// negative thinner (a starved ribbon, faded print). OCR-B's stroke is about 0.29 mm at
    /// ICAO size.
    pub spread_mm: f32,
    /// Coverage raised to this power: below 1 the anti-aliased edge darkens, above 1 it fades.
    pub gamma: f32,
    /// Grey levels of the coverage: 0 keeps the exact anti-aliasing; 2 is an aliased one-bit
    /// raster (a renderer that samples once per pixel), 4 a coarse one.
    pub levels: u8,
    /// Glyph origins rounded to whole pixels (hinted renderers) instead of kept fractional.
    pub snap: bool,
    /// Ink colour.
    pub ink: [u8; 3],
    /// Share of the ink that reaches the paper (1: solid; lower prints lighter).
    pub strength: f32,
    /// Depth of a patchy print: the ink thins by up to this share in soft blotches.
    pub patchy: f32,
    /// Size of the blotches (mm).
    pub patch_mm: f32,
    /// Seed of the blotches.
    pub patch_seed: u64,
}

impl MrzPrint {
    /// Solid black OCR-B (round cut), exact anti-aliasing: for tests that vary one thing.
    pub fn nominal() -> Self {
        Self {
            cut: Cut::Round,
            spread_mm: 0.0,
            gamma: 1.0,
            levels: 0,
            snap: false,
            ink: [20, 20, 20],
            strength: 1.0,
            patchy: 0.0,
            patch_mm: 2.0,
            patch_seed: 0,
        }
    }

    /// The kind of ink: "black", "grey" or "blue_black".
    pub fn ink_name(&self) -> &'static str {
        let [r, g, b] = self.ink.map(i32::from);
        if b > r + 15 {
            "blue_black"
        } else if r.max(g).max(b) > 36 {
            "grey"
        } else {
            "black"
        }
    }

    fn random(rng: &mut Rng) -> Self {
        let cut = if rng.chance(0.5) { Cut::Round } else { Cut::Sharp };
        let roll = rng.unit();
        let spread_mm = if roll < 0.2 {
            rng.range_f32(-0.055, -0.02)
        } else if roll < 0.75 {
            rng.range_f32(-0.02, 0.03)
        } else {
            rng.range_f32(0.03, 0.1)
        };
        let gamma = if rng.chance(0.6) { 1.0 } else { rng.range_f32(0.6, 1.6) };
        let levels = *rng.pick(&[0, 0, 0, 0, 0, 0, 0, 2, 2, 4]).unwrap_or(&0);
        let snap = rng.chance(0.3);
        let roll = rng.unit();
        let ink = if roll < 0.5 {
            let v = rng.int(0, 30) as u8;
            [v, v, v]
        } else if roll < 0.75 {
            let v = rng.int(40, 85) as u8;
            [v, v, v.saturating_add(4)]
        } else {
            [rng.int(12, 35) as u8, rng.int(18, 45) as u8, rng.int(55, 95) as u8]
        };
        let grey = ink[0] > 36 && ink[2] <= ink[0] + 15;
        // A grey ink printed light as well would leave little contrast: keep it solid.
        let strength = if !grey && rng.chance(0.35) { rng.range_f32(0.72, 1.0) } else { 1.0 };
        let patchy = if rng.chance(0.3) { rng.range_f32(0.15, 0.4) } else { 0.0 };
        Self {
            cut,
            spread_mm,
            gamma,
            levels,
            snap,
            ink,
            strength,
            patchy,
            patch_mm: rng.range_f32(0.8, 4.0),
            patch_seed: rng.next_u64(),
        }
    }
}

/// Languages of the visual zone's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// French.
    #[serde(rename = "fr")]
    Fr,
    /// Spanish.
    #[serde(rename = "es")]
    Es,
    /// German.
    #[serde(rename = "de")]
    De,
}

/// How dates are printed in the visual zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// "16 AUG/AOÛT 1977" (the committed generator's).
    Bilingual,
    /// "16 AUG 1977".
    Month,
    /// "16.08.1977".
    Dotted,
    /// "16 08 1977".
    Spaced,
}

/// What of a card a scan shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardSides {
    /// The side with the MRZ only.
    Back,
    /// The front above the back, as both sides are copied onto one page.
    FrontAbove,
    /// The front to the left of the back.
    FrontBeside,
}

/// How the page is arranged.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The portrait on the right (the visual zone's fields on the left).
    pub portrait_right: bool,
    /// Margin between the page edge and the print (mm).
    pub margin_mm: f32,
    /// Most labelled cells side by side in one row (1-3); names always take a row.
    pub columns: usize,
    /// Row height relative to the format's usual one.
    pub row_scale: f32,
    /// Label languages, first to last ("Surname / Nom / Apellidos").
    pub languages: Vec<Lang>,
    /// Labels numbered as on ICAO data pages ("1. Surname").
    pub numbered: bool,
    /// Labels in capitals.
    pub upper_labels: bool,
    /// The title centred over the page instead of beside the state's name.
    pub title_centred: bool,
    /// A faded second portrait (ghost image) printed in the fields' area.
    pub ghost: bool,
    /// Date format of the visual zone.
    pub dates: DateStyle,
    /// Passport data page shown with the booklet's facing (upper) page above it (TD3 only).
    pub facing_page: bool,
    /// What of a card is in the picture (TD1 only).
    pub card_sides: CardSides,
}

impl Layout {
    /// The committed generator's arrangement: portrait left, English/French labels.
    pub fn nominal() -> Self {
        Self {
            portrait_right: false,
            margin_mm: 6.0,
            columns: 2,
            row_scale: 1.0,
            languages: vec![Lang::En, Lang::Fr],
            numbered: false,
            upper_labels: false,
            title_centred: false,
            ghost: false,
            dates: DateStyle::Bilingual,
            facing_page: false,
            card_sides: CardSides::Back,
        }
    }

    fn random(rng: &mut Rng, format: Format) -> Self {
        let all = [Lang::En, Lang::Fr, Lang::Es, Lang::De];
        let first = if rng.chance(0.6) { Lang::En } else { *rng.pick(&all).unwrap_or(&Lang::En) };
        let mut languages = vec![first];
        let extra = *rng.pick(&[0usize, 1, 1, 1, 2]).unwrap_or(&1);
        for _ in 0..extra {
            let others: Vec<Lang> = all.iter().copied().filter(|l| !languages.contains(l)).collect();
            if let Some(&l) = rng.pick(&others) {
                languages.push(l);
            }
        }
        let dates = *rng
            .pick(&[DateStyle::Bilingual, DateStyle::Bilingual, DateStyle::Month, DateStyle::Dotted, DateStyle::Spaced])
            .unwrap_or(&DateStyle::Bilingual);
        Self {
            portrait_right: rng.chance(0.35),
            margin_mm: rng.range_f32(3.5, 8.0),
            // A passport page or visa has a dozen fields: never one a row.
            columns: if matches!(format, Format::Td3 | Format::MrvA) { rng.int(2, 3) } else { rng.int(1, 3) } as usize,
            row_scale: rng.range_f32(0.85, 1.15),
            languages,
            numbered: rng.chance(0.3),
            upper_labels: rng.chance(0.3),
            title_centred: rng.chance(0.3),
            ghost: rng.chance(0.4),
            dates,
            facing_page: format == Format::Td3 && rng.chance(0.35),
            card_sides: match (format == Format::Td1 && rng.chance(0.3), rng.chance(0.5)) {
                (false, _) => CardSides::Back,
                (true, true) => CardSides::FrontAbove,
                (true, false) => CardSides::FrontBeside,
            },
        }
    }
}

/// Everything one specimen varies.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// Where the MRZ is set.
    pub geometry: MrzGeometry,
    /// How it is printed.
    pub print: MrzPrint,
    /// The paper and its patterns.
    pub background: Background,
    /// The arrangement of the page.
    pub layout: Layout,
}

impl Look {
    /// A look for a specimen of `kind` in `format`. `guilloche` always gets a strong pattern
    /// through the MRZ; `wide_spacing` lines 2.3-3 capital heights apart.
    pub fn random(rng: &mut Rng, kind: Kind, format: Format) -> Self {
        let geometry = MrzGeometry::random(&mut rng.fork(), kind, format);
        let print = MrzPrint::random(&mut rng.fork());
        let background = Background::random(&mut rng.fork(), document_size(format), kind == Kind::Guilloche);
        let layout = Layout::random(&mut rng.fork(), format);
        Self { geometry, print, background, layout }
    }

    /// The committed generator's look on a plain pastel paper: the starting point of tests that
    /// vary one thing at a time.
    pub fn nominal(format: Format) -> Self {
        Self {
            geometry: MrzGeometry::nominal(format),
            print: MrzPrint::nominal(),
            background: Background::plain([240, 240, 236]),
            layout: Layout::nominal(),
        }
    }

    /// The summary written to the truth file.
    pub fn summary(&self, dpi: u32) -> LookSummary {
        let round = |x: f32, to: f32| (x * to).round() / to;
        let g = &self.geometry;
        LookSummary {
            pitch_mm: round(g.pitch_mm, 1000.0),
            pitch_px: round(g.pitch_mm * dpi as f32 / 25.4, 10.0),
            cap_mm: round(g.cap_mm, 100.0),
            line_spacing: round(g.line_pitch_mm / g.cap_mm, 100.0),
            cut: self.print.cut,
            spread_mm: round(self.print.spread_mm, 1000.0),
            ink: self.print.ink_name().to_owned(),
            background: self.background.name().to_owned(),
            behind_mrz: self.background.behind_mrz > 0.0,
            portrait: if self.layout.portrait_right { "right" } else { "left" }.to_owned(),
            facing_page: self.layout.facing_page,
            both_sides: self.layout.card_sides != CardSides::Back,
        }
    }
}

/// What a specimen's look was, in `truth.jsonl` (key `look`), for reading results by variation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LookSummary {
    /// MRZ character pitch (mm).
    pub pitch_mm: f32,
    /// MRZ character pitch in the image's pixels at the truth's `dpi`.
    pub pitch_px: f32,
    /// MRZ capital height (mm).
    pub cap_mm: f32,
    /// Baseline-to-baseline distance in capital heights.
    pub line_spacing: f32,
    /// OCR-B cut.
    pub cut: Cut,
    /// Ink spread (mm; negative is thinner print).
    pub spread_mm: f32,
    /// "black", "grey", "blue_black".
    pub ink: String,
    /// "plain", "pastel" or "strong".
    pub background: String,
    /// Whether the pattern runs behind the MRZ.
    pub behind_mrz: bool,
    /// "left" or "right" (for a card back: where the ghost portrait is).
    pub portrait: String,
    /// A passport's facing page is in the picture.
    pub facing_page: bool,
    /// Both sides of a card are in the picture.
    pub both_sides: bool,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code.

    use super::*;
    use crate::FORMATS;

    #[test]
    fn geometry_stays_on_the_page_and_within_its_ranges() {
        for seed in 0..400 {
            let format = FORMATS[seed as usize % FORMATS.len()];
            let kind = if seed % 7 == 0 { Kind::WideSpacing } else { Kind::Clean };
            let g = MrzGeometry::random(&mut Rng::new(seed), kind, format);
            let (w, h) = document_size(format);
            assert!((2.3..=2.8).contains(&g.pitch_mm), "{g:?}");
            assert!((2.0..=2.9).contains(&g.cap_mm), "{g:?}");
            let spacing = g.line_pitch_mm / g.cap_mm;
            assert!((1.4..=3.0).contains(&spacing), "{g:?}");
            if kind == Kind::WideSpacing {
                assert!(spacing >= 2.3, "{g:?}");
            }
            let r = g.rect(h, format.line_count(), format.line_len());
            assert!(r.x >= 1.9 && r.x + r.w <= w - 1.9, "{format:?} {r:?}");
            assert!(r.y > h / 3.0 && r.y + r.h < h - 2.0, "{format:?} {r:?}");
        }
    }

    #[test]
    fn inks_are_named_by_colour() {
        let mut names = std::collections::BTreeSet::new();
        for seed in 0..100 {
            names.insert(MrzPrint::random(&mut Rng::new(seed)).ink_name());
        }
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["black", "blue_black", "grey"]);
    }
}
