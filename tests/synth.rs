#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // Test code: a failed expectation is a failed test.

//! The specimen generator: reproducible from its seed, truthful about what it prints, and the
//! committed set under `test-images/scan/` matches its truth file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use docexam::mrz::check_text;
use docexam::mrz::dates::{CalendarDate, DatePolicy};
use docexam::mrz::emit::emit;
use docexam::mrz::fields::CheckId;
use docexam::mrz::layout::Format;
use docexam::synth::degrade::{self, Raster};
use docexam::synth::identity::Identity;
use docexam::synth::render::{self, Fonts};
use docexam::synth::rng::Rng;
use docexam::synth::{self, Job, Kind, MrzTruth, SetSpec, Truth};

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
        let doc = render::render_document(&fonts, &mut rng, Format::Td3, &id, &lines, 100.0);
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
