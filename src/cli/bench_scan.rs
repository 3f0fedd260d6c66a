//! `docexam bench-scan DIR`: the accuracy report. Scans every image listed in `DIR/truth.jsonl`
//! (written by `docexam synth`) and prints, per kind of image: detection rate, exact full-MRZ
//! rate, character accuracy, wrong reads reported valid, wrong check digits caught, false
//! detections on images without an MRZ, and median time per image.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use serde::Deserialize;

use docexam_mrz::Verdict;
use docexam_mrz::dates::{CalendarDate, DatePolicy};

use super::scan::{FileReport, scan_files};

/// Arguments of `docexam bench-scan`.
#[derive(Debug, Args)]
pub struct BenchScanArgs {
    /// A folder written by `docexam synth` (images and truth.jsonl).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Images scanned at once. The default, 1, measures time per image on one core.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub jobs: usize,

    /// List every image that was not read exactly.
    #[arg(long)]
    pub misses: bool,
}

/// One line of truth.jsonl (fields the harness uses). `docexam synth` writes `kind`; other
/// generators and hand-made sets may call it `tier`. A record whose `format` names an MRZ but
/// whose `lines` are null holds an MRZ nobody could transcribe: it is left out of the figures.
#[derive(Debug, Deserialize)]
struct Truth {
    file: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    tier: Option<String>,
    lines: Option<Vec<String>>,
    valid: Option<bool>,
    #[serde(default)]
    format: Option<String>,
}

impl Truth {
    fn kind(&self) -> &str {
        self.kind.as_deref().or(self.tier.as_deref()).unwrap_or("-")
    }

    fn scorable(&self) -> bool {
        self.lines.is_some() || self.format.as_deref().is_none_or(|f| f.eq_ignore_ascii_case("none"))
    }
}

#[derive(Debug, Default, Clone)]
struct Tally {
    images: usize,
    with_mrz: usize,
    detected: usize,
    exact: usize,
    chars: usize,
    chars_right: usize,
    glyph_chars_right: usize,
    wrong_reported_valid: usize,
    needs_review: usize,
    needs_review_exact: usize,
    should_be_invalid: usize,
    invalid_caught: usize,
    without_mrz: usize,
    false_detections: usize,
    errors: usize,
    times: Vec<f64>,
}

impl Tally {
    fn add(&mut self, truth: &Truth, got: &FileReport) {
        self.images += 1;
        self.times.push(got.timing_ms);
        if got.error.is_some() {
            self.errors += 1;
        }
        match &truth.lines {
            Some(expected) => {
                self.with_mrz += 1;
                let read = got.lines.as_ref();
                if read.is_some() {
                    self.detected += 1;
                }
                let exact = read == Some(expected);
                if exact {
                    self.exact += 1;
                }
                let expected_text: String = expected.concat();
                self.chars += expected_text.len();
                if let Some(read) = read {
                    let read_text: String = read.concat();
                    self.chars_right += expected_text.bytes().zip(read_text.bytes()).filter(|(a, b)| a == b).count();
                }
                if let Some(glyphs) = &got.glyph_lines {
                    let glyph_text: String = glyphs.concat();
                    self.glyph_chars_right +=
                        expected_text.bytes().zip(glyph_text.bytes()).filter(|(a, b)| a == b).count();
                }
                if got.valid == Some(true) && !exact {
                    self.wrong_reported_valid += 1;
                }
                if got.verdict == Some(Verdict::NeedsReview) {
                    self.needs_review += 1;
                    if exact {
                        self.needs_review_exact += 1;
                    }
                }
                if truth.valid == Some(false) {
                    self.should_be_invalid += 1;
                    if got.valid == Some(false) {
                        self.invalid_caught += 1;
                    }
                }
            }
            None => {
                self.without_mrz += 1;
                if got.lines.is_some() {
                    self.false_detections += 1;
                }
                if got.valid == Some(true) {
                    self.wrong_reported_valid += 1;
                }
            }
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.images += other.images;
        self.with_mrz += other.with_mrz;
        self.detected += other.detected;
        self.exact += other.exact;
        self.chars += other.chars;
        self.chars_right += other.chars_right;
        self.glyph_chars_right += other.glyph_chars_right;
        self.wrong_reported_valid += other.wrong_reported_valid;
        self.needs_review += other.needs_review;
        self.needs_review_exact += other.needs_review_exact;
        self.should_be_invalid += other.should_be_invalid;
        self.invalid_caught += other.invalid_caught;
        self.without_mrz += other.without_mrz;
        self.false_detections += other.false_detections;
        self.errors += other.errors;
        self.times.extend(&other.times);
    }

    fn median_ms(&self) -> f64 {
        let mut t = self.times.clone();
        t.sort_by(f64::total_cmp);
        t.get(t.len() / 2).copied().unwrap_or(0.0)
    }

    fn row(&self, kind: &str) -> String {
        let pct =
            |n: usize, d: usize| if d == 0 { "-".to_owned() } else { format!("{:.1} %", 100.0 * n as f64 / d as f64) };
        let frac = |n: usize, d: usize| if d == 0 { "-".to_owned() } else { format!("{n}/{d}") };
        format!(
            "| {kind} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} |",
            self.images,
            pct(self.detected, self.with_mrz),
            pct(self.exact, self.with_mrz),
            pct(self.chars_right, self.chars),
            pct(self.glyph_chars_right, self.chars),
            self.wrong_reported_valid,
            if self.needs_review == 0 {
                "0".to_owned()
            } else {
                format!("{} ({} exact)", self.needs_review, self.needs_review_exact)
            },
            frac(self.invalid_caught, self.should_be_invalid),
            frac(self.false_detections, self.without_mrz),
            self.median_ms()
        )
    }
}

/// A truth file lists a few hundred images; anything this large is not one.
const MAX_TRUTH_BYTES: u64 = 16 * 1024 * 1024;

pub fn run(args: &BenchScanArgs, reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    let truth_path = args.dir.join("truth.jsonl");
    let text = docexam_files::read::read_text_file(&truth_path, MAX_TRUTH_BYTES, "truth file")?;
    let mut truths = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let truth: Truth = serde_json::from_str(line)
            .with_context(|| format!("{} line {}: not a truth record", truth_path.display(), i + 1))?;
        if truth.scorable() {
            truths.push(truth);
        }
    }
    anyhow::ensure!(!truths.is_empty(), "{} lists no image to scan", truth_path.display());
    let files: Vec<PathBuf> = truths.iter().map(|t| args.dir.join(&t.file)).collect();
    let policy = DatePolicy::new(reference_date);
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = String::new();
    scan_files(&files, args.jobs, policy, |index, report| {
        if let Some(truth) = truths.get(index) {
            by_kind.entry(truth.kind().to_owned()).or_default().add(truth, &report);
            if args.misses && report.lines != truth.lines {
                let _ = writeln!(
                    misses,
                    "{} ({}): read {:?}, expected {:?}{}",
                    truth.file,
                    truth.kind(),
                    report.lines,
                    truth.lines,
                    report.error.as_deref().map(|e| format!(", error: {e}")).unwrap_or_default()
                );
            }
        }
        Ok(())
    })?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| kind | images | MRZ found | exact MRZ | characters right | glyph matcher alone | wrong read reported valid | needs review | wrong check digit caught | MRZ reported on images without one | median ms |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
    let mut all = Tally::default();
    for (kind, tally) in &by_kind {
        let _ = writeln!(out, "{}", tally.row(kind));
        all.merge(tally);
    }
    let _ = writeln!(out, "{}", all.row("**all**"));
    if all.errors > 0 {
        let _ = writeln!(out, "\n{} image(s) could not be scanned.", all.errors);
    }
    if args.misses && !misses.is_empty() {
        let _ = writeln!(out, "\nMisses:\n{misses}");
    }
    crate::print_stdout(&out)?;
    Ok(ExitCode::SUCCESS)
}
