#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

//! The specimen generator: reproducible from its seed, truthful about what it prints, and the
//! committed set under `test-images/scan/` matches its truth file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use docexam_mrz::check_text;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::emit::emit;
use docexam_mrz::fields::CheckId;
use docexam_mrz::layout::Format;
use docexam_synth::degrade::{self, Raster};
use docexam_synth::identity::Identity;
use docexam_synth::render::{self, Fonts};
use docexam_synth::rng::Rng;
use docexam_synth::{self as synth, Job, Kind, MrzTruth, SetSpec, Truth};

fn policy() -> DatePolicy {
    DatePolicy::new(CalendarDate { year: 2026, month: 11, day: 23 })
}

fn scan_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-images/scan")
}

fn committed_truth() -> Vec<Truth> {
    let text = std::fs::read_to_string(scan_dir().join("truth.jsonl")).expect("test-images/scan/truth.jsonl");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad truth line {l}: {e}"))).collect()
}

/// Checks one truth record's MRZ claims against the real checker.
fn assert_truthful(kind: Kind, lines: Option<&[String]>, valid: Option<bool>, failed: Option<&str>, what: &str) {
    if kind == Kind::NoMrz {
        assert!(lines.is_none() && valid.is_none() && failed.is_none(), "{what}: no_mrz with MRZ data");
        return;
    }
    let lines = lines.unwrap_or_else(|| panic!("{what}: no lines"));
    let checked = check_text(&lines.join("\n"), &policy()).unwrap_or_else(|e| panic!("{what}: unreadable: {e:?}"));
    let failed_checks: Vec<&str> = checked.failed_checks().map(|c| c.id.key()).collect();
    if kind == Kind::WrongCheck {
        assert_eq!(valid, Some(false), "{what}");
        assert!(!checked.is_valid(), "{what}: a wrong check digit reads as valid: {lines:?}");
        let named = failed.unwrap_or_else(|| panic!("{what}: no failed_check"));
        assert_eq!(failed_checks, [named], "{what}: {lines:?}");
    } else {
        assert_eq!(valid, Some(true), "{what}");
        assert!(failed.is_none(), "{what}");
        assert!(checked.is_valid(), "{what}: {lines:?} is not valid: {:?}", checked.findings());
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    // Whole specimens of the cheaper kinds (tests run unoptimised) ...
    for job in [Job { kind: Kind::Lowres, index: 0, seed: 11 }, Job { kind: Kind::NoMrz, index: 1, seed: 11 }] {
        let a = synth::specimen(&job).unwrap();
        let b = synth::specimen(&job).unwrap();
        assert_eq!(a.truth, b.truth, "{job:?}");
        assert!(a.image.as_bytes() == b.image.as_bytes(), "{job:?}: pixels differ");
        assert!(a.file_bytes().unwrap() == b.file_bytes().unwrap(), "{job:?}: files differ");
    }
    // ... and every degradation on a small document.
    let degraded = |seed: u64| -> Vec<Vec<u8>> {
        let mut rng = Rng::new(seed);
        let fonts = Fonts::load().unwrap();
        let id = Identity::random(&mut rng, Format::Td3, true);
        let lines = emit(Format::Td3, &id.mrz_fields()).unwrap();
        let doc = render::render_document(&fonts, &mut rng, Format::Td3, &id, &lines, 100.0, render::Hooks::default());
        let card = degrade::rounded_card(&doc, 8.0);
        let bed = degrade::scan(&card, &mut rng, 100.0);
        let grey = Raster::from_rgb(bed.clone(), true);
        let mut out = vec![bed.as_raw().clone()];
        let mut noisy = grey.clone();
        noisy.noise(&mut rng, 15.0);
        let mut shaded = grey.clone();
        shaded.shadow(&mut rng);
        let mut flat = grey.clone();
        flat.low_contrast(0.3, 128.0);
        let (jpeg, _) = grey.jpeg(40).unwrap();
        let (photo, _) = degrade::phone_photo(&card, 100.0, &mut rng, (480, 360), 0.7).unwrap();
        for r in [noisy, shaded, flat, grey.blur(1.5), grey.skew(7.5, 255), grey.rotate_quarters(3)] {
            out.push(r.into_dynamic().into_bytes());
        }
        out.push(jpeg);
        out.push(photo.into_raw());
        out
    };
    let (a, b, c) = (degraded(3), degraded(3), degraded(4));
    assert!(a == b, "a degradation is not reproducible");
    assert!(a.iter().zip(&c).all(|(x, y)| x != y), "a degradation ignores its seed");
}

#[test]
fn different_seeds_give_different_specimens() {
    let a = synth::specimen(&Job { kind: Kind::Lowres, index: 0, seed: 1 }).unwrap();
    let b = synth::specimen(&Job { kind: Kind::Lowres, index: 0, seed: 2 }).unwrap();
    assert_ne!(a.truth.lines, b.truth.lines);
    assert!(a.image.as_bytes() != b.image.as_bytes());
    let c = synth::specimen(&Job { kind: Kind::Lowres, index: 1, seed: 1 }).unwrap();
    assert_ne!(a.truth.lines, c.truth.lines);
}

#[test]
fn every_generated_mrz_checks_as_its_truth_says() {
    let mut failed_kinds = HashSet::new();
    for seed in [1, 7, 99] {
        for kind in Kind::ALL {
            for index in 0..60 {
                let job = Job { kind, index, seed };
                let truth = synth::mrz_truth(&job).unwrap();
                let what = job.file_name();
                match truth {
                    None => assert_eq!(kind, Kind::NoMrz, "{what}"),
                    Some(MrzTruth { lines, failed }) => {
                        let valid = Some(failed.is_none());
                        let failed = failed.map(CheckId::key);
                        if let Some(f) = failed {
                            failed_kinds.insert(f);
                        }
                        assert_truthful(kind, Some(&lines), valid, failed, &what);
                    }
                }
            }
        }
    }
    assert_eq!(failed_kinds.len(), 3, "every breakable check is broken somewhere: {failed_kinds:?}");
}

#[test]
fn specimens_carry_the_cheap_truth_and_sensible_sizes() {
    for kind in [Kind::Clean, Kind::WrongCheck, Kind::Rotate90, Kind::NoMrz] {
        let job = Job { kind, index: 0, seed: 5 };
        let specimen = synth::specimen(&job).unwrap();
        let truth = &specimen.truth;
        assert_eq!(truth.file, job.file_name());
        assert_eq!(truth.kind, kind);
        let cheap = synth::mrz_truth(&job).unwrap();
        assert_eq!(truth.lines, cheap.as_ref().map(|m| m.lines.clone()));
        assert_eq!(truth.failed_check.as_deref(), cheap.and_then(|m| m.failed).map(CheckId::key));
        let (w, h) = (specimen.image.width(), specimen.image.height());
        assert!(w >= 800 && h >= 600 || w >= 600 && h >= 800, "{}: {w}x{h}", truth.file);
    }
    // Index 0 of `clean` is a TD3 (formats rotate with the index): 125 mm at 300 dpi is 1476 px.
    let td3 = synth::specimen(&Job { kind: Kind::Clean, index: 0, seed: 5 }).unwrap();
    assert_eq!(td3.truth.format.as_deref(), Some("TD3"));
    assert!(td3.image.width() >= 1476, "{}", td3.image.width());
}

#[test]
fn a_small_set_spreads_formats_over_kinds() {
    let spec = SetSpec { per_kind: 5, kinds: Kind::ALL.to_vec(), seed: 1 };
    for kind in Kind::ALL.into_iter().filter(|&k| k != Kind::NoMrz) {
        let formats: HashSet<_> = spec.jobs().iter().filter(|j| j.kind == kind).filter_map(Job::format).collect();
        assert_eq!(formats.len(), 5, "{kind}");
    }
}

#[test]
fn the_committed_set_matches_its_truth_file() {
    let truths = committed_truth();
    let kinds: HashSet<Kind> = truths.iter().map(|t| t.kind).collect();
    assert_eq!(kinds.len(), Kind::ALL.len(), "every kind is committed");
    let formats: HashSet<&str> = truths.iter().filter_map(|t| t.format.as_deref()).collect();
    assert_eq!(formats, HashSet::from(["TD1", "TD2", "TD3", "MRV-A", "MRV-B"]));
    let mut files = HashSet::new();
    for t in &truths {
        assert!(files.insert(t.file.clone()), "{} listed twice", t.file);
        let path = scan_dir().join(&t.file);
        let (w, h) = image::image_dimensions(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_truthful(t.kind, t.lines.as_deref(), t.valid, t.failed_check.as_deref(), &t.file);
        // The document must be at least as many pixels wide as its size at the stated dpi.
        let doc_mm: f64 = match t.format.as_deref() {
            Some("TD3") => 125.0,
            Some("MRV-A") => 120.0,
            Some("TD2" | "MRV-B") => 105.0,
            Some(_) => 85.6,
            None => 0.0,
        };
        let needed = (doc_mm / 25.4 * f64::from(t.dpi) * 0.95) as u32;
        let longest = w.max(h);
        assert!(longest >= needed, "{}: {w}x{h} at {} dpi", t.file, t.dpi);
        if t.kind == Kind::Rotate90 || t.kind == Kind::Rotate270 {
            assert!(h > w, "{}: a quarter turn of a landscape document stands upright", t.file);
        }
        if t.format.as_deref() == Some("TD3") && t.dpi == 300 && t.kind != Kind::Photo {
            assert!(longest >= 1400, "{}", t.file);
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        assert_eq!(ext, t.kind.extension(), "{}", t.file);
    }
}

#[test]
fn the_committed_set_is_what_the_generator_makes() {
    // The set was made with `docexam synth --per-kind 2 --seed 7`: every MRZ must match.
    for t in committed_truth() {
        let stem = t.file.split('.').next().unwrap_or("");
        let index: usize = stem.rsplit('_').next().and_then(|i| i.parse().ok()).expect("index in file name");
        let job = Job { kind: t.kind, index, seed: t.seed };
        assert_eq!(job.file_name(), t.file);
        let cheap = synth::mrz_truth(&job).unwrap();
        assert_eq!(t.lines, cheap.map(|m| m.lines), "{}: regenerate the committed set", t.file);
    }
    // And one image pixel for pixel (within a grey level, for other platforms' libm).
    let t = committed_truth().into_iter().find(|t| t.kind == Kind::Lowres).expect("a lowres specimen");
    let stem = t.file.split('.').next().unwrap_or("");
    let index: usize = stem.rsplit('_').next().and_then(|i| i.parse().ok()).unwrap();
    let fresh = synth::specimen(&Job { kind: t.kind, index, seed: t.seed }).unwrap();
    assert_eq!(fresh.truth, t);
    let stored = image::open(scan_dir().join(&t.file)).unwrap();
    assert_eq!(stored.color(), fresh.image.color());
    let (a, b) = (stored.as_bytes(), fresh.image.as_bytes());
    assert_eq!(a.len(), b.len());
    let off = a.iter().zip(b).filter(|(x, y)| x.abs_diff(**y) > 1).count();
    assert!(off * 1000 <= a.len(), "{}: {off} of {} bytes differ", t.file, a.len());
}

// ---------------------------------------------------------------------------------------------
// What the wide generator varies: each variation measured in the pixels it draws.

use docexam_synth::look::{CardSides, Cut, Look, MrzGeometry, MrzPrint};
use docexam_synth::page;
use docexam_synth::pattern::Background;
use docexam_synth::print;
use docexam_synth::render::{Mm, RectMm, document_size};
use image::RgbImage;

/// MRZ lines of `format` with an `H` (full capital height) at both ends, fillers between.
fn h_lines(format: Format) -> Vec<String> {
    let n = format.line_len();
    (0..format.line_count()).map(|_| format!("H{}H", "<".repeat(n - 2))).collect()
}

/// A white page of `format` at `dpi` with `lines` printed as `geometry` and `print` say.
fn printed(format: Format, dpi: f32, lines: &[String], geometry: &MrzGeometry, print: &MrzPrint) -> (RgbImage, RectMm) {
    let fonts = Fonts::load().unwrap();
    let mm = Mm { dpi };
    let (w, h) = mm.size(document_size(format).0, document_size(format).1);
    let mut img = RgbImage::from_pixel(w, h, image::Rgb([250, 250, 250]));
    let rect = print::draw_mrz(&mut img, &fonts, mm, lines, geometry, print);
    (img, rect)
}

fn luma(p: &image::Rgb<u8>) -> f32 {
    0.299 * f32::from(p.0[0]) + 0.587 * f32::from(p.0[1]) + 0.114 * f32::from(p.0[2])
}

/// Pixel box of `r` (mm) grown by `by` mm, inside `img`.
fn pixel_box(img: &RgbImage, dpi: f32, r: RectMm, by: f32) -> (u32, u32, u32, u32) {
    let px = |v: f32| (v * dpi / 25.4).round().max(0.0) as u32;
    let (x0, y0) = (px(r.x - by), px(r.y - by));
    let x1 = px(r.x + r.w + by).min(img.width());
    let y1 = px(r.y + r.h + by).min(img.height());
    (x0, y0, x1, y1)
}

/// Runs of rows (top, bottom exclusive) in the box where some pixel is darker than `dark`.
fn ink_rows(img: &RgbImage, b: (u32, u32, u32, u32), dark: f32) -> Vec<(u32, u32)> {
    let (x0, y0, x1, y1) = b;
    let inked: Vec<bool> =
        (y0..y1).map(|y| (x0..x1).filter(|&x| luma(img.get_pixel(x, y)) < dark).count() >= 2).collect();
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &on) in inked.iter().chain([false].iter()).enumerate() {
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((y0 + s as u32, y0 + i as u32));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Centres of the runs of inked columns between rows `top` and `bottom`.
fn glyph_centres(img: &RgbImage, x0: u32, x1: u32, (top, bottom): (u32, u32), dark: f32) -> Vec<f32> {
    let inked: Vec<bool> = (x0..x1).map(|x| (top..bottom).any(|y| luma(img.get_pixel(x, y)) < dark)).collect();
    let mut centres = Vec::new();
    let mut start = None;
    for (i, &on) in inked.iter().chain([false].iter()).enumerate() {
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                centres.push(x0 as f32 + (s + i) as f32 / 2.0);
                start = None;
            }
            _ => {}
        }
    }
    centres
}

/// The pitch, capital height and baseline-to-baseline distance (mm) measured on the print.
fn measure(img: &RgbImage, rect: RectMm, dpi: f32, lines: usize) -> (f32, f32, f32) {
    let b = pixel_box(img, dpi, rect, 0.8);
    let runs = ink_rows(img, b, 140.0);
    assert_eq!(runs.len(), lines, "{runs:?}");
    let to_mm = 25.4 / dpi;
    let cap = runs.iter().map(|(t, b)| (b - t) as f32).sum::<f32>() / lines as f32 * to_mm;
    let spacing = (runs[lines - 1].1 - runs[0].1) as f32 / (lines - 1) as f32 * to_mm;
    let centres = glyph_centres(img, b.0, b.2, runs[0], 140.0);
    let chars = centres.len();
    let pitch = (centres[chars - 1] - centres[0]) / (chars - 1) as f32 * to_mm;
    (pitch, cap, spacing)
}

#[test]
fn mrz_geometry_varies_within_its_ranges_as_measured_in_the_print() {
    let dpi = 300.0;
    let (mut pitches, mut caps, mut spacings) = (Vec::new(), Vec::new(), Vec::new());
    for index in 0..60 {
        let kind = if index % 6 == 5 { Kind::WideSpacing } else { Kind::Clean };
        let job = Job { kind, index, seed: 21 };
        let format = job.format().unwrap();
        let look = synth::look_of(&job).unwrap();
        let g = &look.geometry;
        let lines = h_lines(format);
        let (img, rect) = printed(format, dpi, &lines, g, &MrzPrint::nominal());
        let (pitch, cap, spacing) = measure(&img, rect, dpi, lines.len());
        let px = 25.4 / dpi;
        // One pixel either way for the edges, a little more where the lines are shifted.
        assert!((pitch - g.pitch_mm).abs() < 0.02, "{index}: pitch {pitch} vs {}", g.pitch_mm);
        assert!((cap - g.cap_mm).abs() < 2.5 * px, "{index}: cap {cap} vs {}", g.cap_mm);
        let (h_mm, n) = (document_size(format).1, lines.len());
        let expected = (g.baseline_mm(h_mm, n - 1, n) - g.baseline_mm(h_mm, 0, n)) / (n - 1) as f32;
        assert!((spacing - expected).abs() < 2.0 * px, "{index}: spacing {spacing} vs {expected}");
        let ratio = spacing / cap;
        assert!((1.2..=3.25).contains(&ratio), "{index}: {ratio}");
        if kind == Kind::WideSpacing {
            assert!(ratio > 2.0, "{index}: wide_spacing at {ratio}");
        }
        pitches.push(pitch);
        caps.push(cap);
        spacings.push(ratio);
    }
    let span = |v: &[f32]| (v.iter().copied().fold(f32::MAX, f32::min), v.iter().copied().fold(f32::MIN, f32::max));
    let (p, c, s) = (span(&pitches), span(&caps), span(&spacings));
    assert!(p.0 < 2.38 && p.1 > 2.66, "pitch {p:?}");
    assert!(c.0 < 2.2 && c.1 > 2.65, "capital height {c:?}");
    assert!(s.0 < 1.6 && s.1 > 2.7, "baseline-to-baseline in capital heights {s:?}");
}

#[test]
fn mrz_placement_tracking_and_line_offsets_vary() {
    let (mut bottoms, mut lefts, mut jitters, mut shifted) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for index in 0..60 {
        let job = Job { kind: Kind::Clean, index, seed: 22 };
        let g = synth::look_of(&job).unwrap().geometry;
        bottoms.push(g.bottom_mm);
        lefts.push(g.left_mm);
        jitters.push(g.jitter_mm);
        shifted += usize::from(g.line_shift_mm.iter().any(|s| s.0 != 0.0));
    }
    let span = |v: &[f32]| (v.iter().copied().fold(f32::MAX, f32::min), v.iter().copied().fold(f32::MIN, f32::max));
    assert!(span(&bottoms).0 < 4.0 && span(&bottoms).1 > 8.0, "{:?}", span(&bottoms));
    assert!(span(&lefts).1 - span(&lefts).0 > 3.0, "{:?}", span(&lefts));
    assert!(span(&jitters).1 > 0.05, "{:?}", span(&jitters));
    assert!((15..=45).contains(&shifted), "{shifted}");
    // Tracking wobble is in the pixels: glyph centres stray from a straight pitch.
    let format = Format::Td3;
    let lines = vec!["H".repeat(44), "H".repeat(44)];
    let mut g = MrzGeometry::nominal(format);
    let wobble = |g: &MrzGeometry| {
        let (img, rect) = printed(format, 300.0, &lines, g, &MrzPrint::nominal());
        let b = pixel_box(&img, 300.0, rect, 0.8);
        let rows = ink_rows(&img, b, 140.0);
        let c = glyph_centres(&img, b.0, b.2, rows[0], 140.0);
        let step = (c[43] - c[0]) / 43.0;
        c.iter().enumerate().map(|(i, x)| (x - c[0] - i as f32 * step).abs()).fold(0.0, f32::max)
    };
    let straight = wobble(&g);
    g.jitter_mm = 0.09;
    g.jitter_seed = 5;
    let wobbly = wobble(&g);
    // 0.09 mm is 1.06 px at 300 dpi.
    assert!(straight < 0.6 && wobbly > 0.9, "straight {straight} px, with jitter {wobbly} px");
}

/// Ink in the MRZ box: the sum of darkness.
fn ink(img: &RgbImage, rect: RectMm, dpi: f32) -> f64 {
    let (x0, y0, x1, y1) = pixel_box(img, dpi, rect, 0.8);
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .map(|(x, y)| f64::from(250.0 - luma(img.get_pixel(x, y))))
        .sum()
}

#[test]
fn bold_print_has_more_ink_than_thin_print() {
    let format = Format::Td1;
    let lines = emit(format, &Identity::random(&mut Rng::new(4), format, true).mrz_fields()).unwrap();
    let g = MrzGeometry::nominal(format);
    for dpi in [120.0, 300.0] {
        let weight = |spread_mm: f32| {
            let print = MrzPrint { spread_mm, ..MrzPrint::nominal() };
            let (img, rect) = printed(format, dpi, &lines, &g, &print);
            ink(&img, rect, dpi)
        };
        let (thin, normal, bold) = (weight(-0.055), weight(0.0), weight(0.1));
        assert!(thin < normal * 0.85 && bold > normal * 1.4, "{dpi} dpi: thin {thin}, normal {normal}, bold {bold}");
        assert!(thin > normal * 0.45, "{dpi} dpi: thin print keeps its strokes: {thin} of {normal}");
    }
    // And the generator draws all three.
    let spreads: Vec<f32> = (0..80)
        .map(|i| synth::look_of(&Job { kind: Kind::Clean, index: i, seed: 3 }).unwrap().print.spread_mm)
        .collect();
    assert!(spreads.iter().any(|&s| s < -0.03) && spreads.iter().any(|&s| s > 0.06), "{spreads:?}");
}

#[test]
fn renderings_differ_in_pixels_but_not_in_where_the_glyphs_are() {
    let format = Format::Td3;
    let lines = emit(format, &Identity::random(&mut Rng::new(8), format, true).mrz_fields()).unwrap();
    let g = MrzGeometry::nominal(format);
    let dpi = 200.0;
    let nominal = MrzPrint { ink: [0, 0, 0], ..MrzPrint::nominal() };
    let variants = [
        MrzPrint { levels: 2, ..nominal.clone() },
        MrzPrint { gamma: 0.6, ..nominal.clone() },
        MrzPrint { gamma: 1.6, ..nominal.clone() },
        MrzPrint { snap: true, ..nominal.clone() },
        MrzPrint { cut: Cut::Sharp, ..nominal.clone() },
    ];
    let (base, rect) = printed(format, dpi, &lines, &g, &nominal);
    let b = pixel_box(&base, dpi, rect, 0.8);
    // Each glyph's centre, line by line (columns with a pixel more than half inked).
    let centres = |img: &RgbImage| -> Vec<Vec<f32>> {
        ink_rows(img, b, 140.0).into_iter().map(|rows| glyph_centres(img, b.0, b.2, rows, 140.0)).collect()
    };
    let greys = |img: &RgbImage| {
        let mut seen = HashSet::new();
        for y in b.1..b.3 {
            for x in b.0..b.2 {
                seen.insert(img.get_pixel(x, y).0[0]);
            }
        }
        seen.len()
    };
    assert!(greys(&base) > 30, "exact anti-aliasing: {}", greys(&base));
    let c0 = centres(&base);
    assert_eq!(c0.iter().map(Vec::len).sum::<usize>(), 88, "every glyph found");
    for (i, print) in variants.iter().enumerate() {
        let (img, _) = printed(format, dpi, &lines, &g, print);
        assert!(img.as_raw() != base.as_raw(), "variant {i} draws the same pixels");
        let c = centres(&img);
        assert_eq!(
            c.iter().map(Vec::len).collect::<Vec<_>>(),
            c0.iter().map(Vec::len).collect::<Vec<_>>(),
            "variant {i}"
        );
        let moved = c.iter().flatten().zip(c0.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(moved <= 1.0, "variant {i} moved a glyph by {moved} px");
        if print.levels == 2 {
            assert_eq!(greys(&img), 2, "a one-bit rendering is two greys");
        }
    }
    // Both cuts occur.
    let cuts: HashSet<String> = (0..30)
        .map(|i| format!("{:?}", synth::look_of(&Job { kind: Kind::Clean, index: i, seed: 4 }).unwrap().print.cut))
        .collect();
    assert_eq!(cuts.len(), 2, "{cuts:?}");
}

#[test]
fn inks_are_black_grey_or_blue_black_and_some_prints_are_light_or_patchy() {
    let format = Format::Td2;
    let lines = emit(format, &Identity::random(&mut Rng::new(9), format, true).mrz_fields()).unwrap();
    let g = MrzGeometry::nominal(format);
    let dpi = 200.0;
    let mut names = HashSet::new();
    let (mut light, mut patchy) = (0, 0);
    for index in 0..40 {
        let print = synth::look_of(&Job { kind: Kind::Clean, index, seed: 5 }).unwrap().print;
        // Solid, a little bold, no tone curve: the darkest pixels are the ink itself.
        let solid = MrzPrint { patchy: 0.0, strength: 1.0, spread_mm: 0.05, gamma: 1.0, ..print.clone() };
        let (img, rect) = printed(format, dpi, &lines, &g, &solid);
        // The darkest tenth of the pixels is the ink's own colour.
        let (x0, y0, x1, y1) = pixel_box(&img, dpi, rect, 0.5);
        let mut px: Vec<[u8; 3]> =
            (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).map(|(x, y)| img.get_pixel(x, y).0).collect();
        px.sort_by_key(|p| u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]));
        let darkest = &px[..px.len() / 25];
        let mean = |c: usize| darkest.iter().map(|p| f32::from(p[c])).sum::<f32>() / darkest.len() as f32;
        let (r, b) = (mean(0), mean(2));
        match print.ink_name() {
            "blue_black" => assert!(b > r + 15.0, "{index}: {r} {b}"),
            "grey" => assert!(r > 34.0, "{index}: {r}"),
            _ => assert!(r < 34.0 && (b - r).abs() < 4.0, "{index}: {r} {b}"),
        }
        names.insert(print.ink_name());
        light += usize::from(print.strength < 0.95);
        patchy += usize::from(print.patchy > 0.0);
    }
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(light >= 3 && patchy >= 5, "light {light}, patchy {patchy}");
    // A patchy print's ink varies from glyph to glyph far more than a solid one's.
    let per_glyph_spread = |print: &MrzPrint| {
        let lines = vec!["H".repeat(36), "H".repeat(36)];
        let (img, rect) = printed(format, dpi, &lines, &g, print);
        let pitch = g.pitch_mm;
        let sums: Vec<f64> = (0..36)
            .map(|i| ink(&img, RectMm::new(rect.x + i as f32 * pitch + 0.5, rect.y, pitch - 1.0, rect.h), dpi))
            .collect();
        let mean = sums.iter().sum::<f64>() / sums.len() as f64;
        (sums.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / sums.len() as f64).sqrt() / mean
    };
    let solid = per_glyph_spread(&MrzPrint::nominal());
    let blotchy = per_glyph_spread(&MrzPrint { patchy: 0.4, patch_mm: 2.0, patch_seed: 3, ..MrzPrint::nominal() });
    assert!(solid < 0.005 && blotchy > 0.03, "solid {solid}, patchy {blotchy}");
}

/// Share of the pixels in `r` that differ from the paper by more than 15 grey levels in a channel.
fn patterned_share(img: &RgbImage, dpi: f32, r: RectMm, paper: [u8; 3]) -> f32 {
    let (x0, y0, x1, y1) = pixel_box(img, dpi, r, 0.0);
    let total = ((x1 - x0) * (y1 - y0)).max(1);
    let marked = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().zip(paper).any(|(a, b)| a.abs_diff(b) > 15))
        .count();
    marked as f32 / total as f32
}

/// The data page of a sheet without its rounded corners' transparency (over white).
fn opaque(sheet: &page::Sheet) -> RgbImage {
    RgbImage::from_fn(sheet.image.width(), sheet.image.height(), |x, y| {
        let p = sheet.image.get_pixel(x, y).0;
        let a = f32::from(p[3]) / 255.0;
        image::Rgb([0, 1, 2].map(|c| (f32::from(p[c]) * a + 255.0 * (1.0 - a)).round() as u8))
    })
}

#[test]
fn guilloche_patterns_run_behind_and_through_the_mrz() {
    let fonts = Fonts::load().unwrap();
    let dpi = 150.0;
    for index in 0..8 {
        let job = Job { kind: Kind::Guilloche, index, seed: 6 };
        let format = job.format().unwrap();
        let mut look = synth::look_of(&job).unwrap();
        assert_eq!(look.background.name(), "strong", "{index}");
        assert!(look.background.behind_mrz >= 0.7, "{index}");
        // Invisible ink: what is left in the MRZ's box is the pattern.
        look.print.strength = 0.0;
        let id = Identity::random(&mut Rng::new(index as u64), format, true);
        let lines = emit(format, &id.mrz_fields()).unwrap();
        let paper = look.background.paper;
        let sheet = page::render_sheet(&fonts, &mut Rng::new(1), format, &id, &lines, dpi, &look);
        let through = patterned_share(&opaque(&sheet), dpi, sheet.mrz, paper);
        look.background.behind_mrz = 0.0;
        let sheet = page::render_sheet(&fonts, &mut Rng::new(1), format, &id, &lines, dpi, &look);
        let clear = patterned_share(&opaque(&sheet), dpi, sheet.mrz, paper);
        assert!(
            through > 0.05 && clear < 0.01,
            "{index} ({format:?}): {through} of the MRZ box patterned, {clear} when kept clear"
        );
    }
    // Other kinds: some pastel patterns behind the MRZ, most kept clear, a few strong elsewhere.
    let looks: Vec<Look> =
        (0..60).map(|i| synth::look_of(&Job { kind: Kind::Clean, index: i, seed: 6 }).unwrap()).collect();
    let behind = looks.iter().filter(|l| l.background.behind_mrz > 0.0).count();
    let strong = looks.iter().filter(|l| l.background.name() == "strong").count();
    assert!((10..=35).contains(&behind) && strong >= 2, "behind {behind}, strong {strong}");
    assert!(looks.iter().all(|l| l.background.behind_mrz == 0.0 || l.background.name() != "strong"));
}

#[test]
fn layouts_vary_portrait_side_facing_page_and_both_card_sides() {
    let fonts = Fonts::load().unwrap();
    let dpi = 100.0;
    let (mut left, mut right, mut facing, mut both) = (0, 0, 0, 0);
    for index in 0..60 {
        let job = Job { kind: Kind::Clean, index, seed: 8 };
        let format = job.format().unwrap();
        let mut look = synth::look_of(&job).unwrap();
        look.background = Background::plain([245, 245, 240]);
        let id = Identity::random(&mut Rng::new(index as u64), format, true);
        let lines = emit(format, &id.mrz_fields()).unwrap();
        let sheet = page::render_sheet(&fonts, &mut Rng::new(2), format, &id, &lines, dpi, &look);
        let img = opaque(&sheet);
        let (w_mm, h_mm) = document_size(format);
        let (sw, sh) = (img.width() as f32 * 25.4 / dpi, img.height() as f32 * 25.4 / dpi);
        let page_area = sheet.data_page;
        if look.layout.facing_page {
            facing += 1;
            assert!((sh - 2.0 * h_mm).abs() < 1.0 && page_area.y > h_mm - 1.0, "{index}: {sw} x {sh}");
        } else if look.layout.card_sides != CardSides::Back {
            both += 1;
            assert!(sw > 1.9 * w_mm || sh > 1.9 * h_mm, "{index}: {sw} x {sh}");
        } else {
            assert!((sw - w_mm).abs() < 1.0 && (sh - h_mm).abs() < 1.0, "{index}: {sw} x {sh}");
        }
        // The portrait is on the side the layout says: dark hair and coat there, not mirrored.
        let portrait = sheet.portrait.unwrap();
        let mirrored =
            RectMm::new(2.0 * page_area.x + w_mm - portrait.x - portrait.w, portrait.y, portrait.w, portrait.h);
        let dark = |r: RectMm| {
            let (x0, y0, x1, y1) = pixel_box(&img, dpi, r, 0.0);
            let n = (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| luma(img.get_pixel(x, y)) < 120.0)
                .count();
            n as f32 / ((x1 - x0) * (y1 - y0)).max(1) as f32
        };
        let centre = portrait.x + portrait.w / 2.0 - page_area.x;
        if look.layout.portrait_right {
            right += 1;
            assert!(centre > w_mm / 2.0, "{index}");
        } else {
            left += 1;
            assert!(centre < w_mm / 2.0, "{index}");
        }
        if format != Format::Td1 {
            assert!(dark(portrait) > 2.0 * dark(mirrored) + 0.02, "{index}: {} vs {}", dark(portrait), dark(mirrored));
        }
    }
    assert!(
        left >= 8 && right >= 5 && facing >= 1 && both >= 1,
        "left {left}, right {right}, facing {facing}, both {both}"
    );
}

#[test]
fn small_print_has_a_9_to_12_pixel_pitch_and_hires_scans_reach_400_dpi() {
    let fonts = Fonts::load().unwrap();
    for index in 0..6 {
        let job = Job { kind: Kind::SmallPrint, index, seed: 9 };
        let specimen = synth::specimen(&job).unwrap();
        let truth = &specimen.truth;
        let look = synth::look_of(&job).unwrap();
        let format = job.format().unwrap();
        let dpi = truth.dpi as f32;
        let pitch_px = look.geometry.pitch_mm * dpi / 25.4;
        assert!((9.0..=12.0).contains(&pitch_px), "{}: {pitch_px}", truth.file);
        assert_eq!(truth.look.as_ref().unwrap().pitch_px, (pitch_px * 10.0).round() / 10.0);
        // Measured: the page drawn at that resolution has characters that many pixels apart.
        let id = Identity::random(&mut Rng::new(1), format, true);
        let lines = h_lines(format);
        let mut plain = look.clone();
        plain.background = Background::plain([245, 245, 240]);
        plain.print = MrzPrint::nominal();
        let sheet = page::render_sheet(&fonts, &mut Rng::new(2), format, &id, &lines, dpi, &plain);
        let img = opaque(&sheet);
        let b = pixel_box(&img, dpi, sheet.mrz, 0.8);
        let rows = ink_rows(&img, b, 160.0);
        let c = glyph_centres(&img, b.0, b.2, *rows.last().unwrap(), 160.0);
        let measured = (c[c.len() - 1] - c[0]) / (c.len() - 1) as f32;
        assert!((measured - pitch_px).abs() < 0.15, "{}: {measured} px vs {pitch_px}", truth.file);
        // The scan is the sheet and a bed margin of at most 12 mm a side: web-sized.
        let sheet_mm = if look.layout.card_sides == CardSides::FrontBeside {
            2.0 * document_size(format).0 + 12.0
        } else {
            document_size(format).0
        };
        assert!((specimen.image.width() as f32) < (sheet_mm + 24.0) * dpi / 25.4 + 2.0, "{}", truth.file);
        assert!(specimen.image.width().max(specimen.image.height()) < 1100, "{}", truth.file);
    }
    let dpis = |kind: Kind| -> Vec<u32> {
        (0..8).map(|index| synth::specimen(&Job { kind, index, seed: 9 }).unwrap().truth.dpi).collect()
    };
    let big = dpis(Kind::Hires);
    assert!(big.iter().all(|d| (320..=400).contains(d)) && big.iter().any(|&d| d >= 380), "{big:?}");
    assert!(dpis(Kind::Clean).iter().all(|&d| d == 300));
}

#[test]
fn wide_specimens_are_reproducible_and_their_truth_says_what_varied() {
    for kind in [Kind::Guilloche, Kind::WideSpacing, Kind::SmallPrint, Kind::Hires, Kind::Clean, Kind::NoMrz] {
        let job = Job { kind, index: 2, seed: 10 };
        let a = synth::specimen(&job).unwrap();
        let b = synth::specimen(&job).unwrap();
        assert_eq!(a.truth, b.truth, "{kind}");
        assert!(a.file_bytes().unwrap() == b.file_bytes().unwrap(), "{kind}: files differ");
        let other = synth::specimen(&Job { index: 3, ..job }).unwrap();
        assert!(other.image.as_bytes() != a.image.as_bytes(), "{kind}");
        match kind {
            Kind::NoMrz => assert!(a.truth.look.is_none()),
            _ => {
                let look = a.truth.look.as_ref().unwrap();
                let drawn = synth::look_of(&job).unwrap();
                assert_eq!(look, &drawn.summary(a.truth.dpi), "{kind}");
                if kind == Kind::WideSpacing {
                    assert!(look.line_spacing >= 2.3, "{look:?}");
                }
            }
        }
    }
}

#[test]
fn the_classic_generator_still_makes_the_images_it_made() {
    // td1_lowres_0000.png of `synth --per-kind 2 --seed 7` as committed before specimens varied.
    let job = Job { kind: Kind::Lowres, index: 0, seed: 7 };
    let specimen = synth::specimen_classic(&job).unwrap();
    assert!(specimen.truth.look.is_none());
    let digest = docexam_exam::digest::sha256_hex(specimen.image.as_bytes());
    assert_eq!(digest, CLASSIC_TD1_LOWRES_0000_PIXELS);
    // The look has a generator of its own: the classic and the wide specimen of a job share the
    // person, the resolution and what the kind did (rotation, skew), and differ in the look.
    for kind in [Kind::Skew, Kind::Lowres, Kind::WrongCheck, Kind::Photo] {
        let job = Job { kind, index: 4, seed: 12 };
        let classic = synth::specimen_classic(&job).unwrap().truth;
        let wide = synth::specimen(&job).unwrap().truth;
        assert!(wide.look.is_some(), "{kind}");
        if kind == Kind::Photo {
            // A photo's resolution is measured on the document, whose look may differ.
            assert_eq!(Truth { look: None, dpi: classic.dpi, ..wide.clone() }, classic, "{kind}");
        } else {
            assert_eq!(Truth { look: None, ..wide }, classic, "{kind}");
        }
    }
}
const CLASSIC_TD1_LOWRES_0000_PIXELS: &str = "12cb42eeded6fb8475b3b9af7a06d29afa4729f8b5a6938ac167158acfcb80c0";
