//! `docexam scan`: read and check the MRZ of image files, in parallel, results in input order.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;
use serde::Serialize;

use docexam_imaging::decode::DecodeLimits;
use docexam_mrz::Verdict;
use docexam_mrz::correct::Correction;
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::doubt::Doubt;
use docexam_mrz::report::{CheckReport, FieldReport, FindingReport};
use docexam_scan::review::CharacterEvidence;
use docexam_scan::{Disagreement, ScanOptions, ScanResult, Scanner};

/// Arguments of `docexam scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Print one JSON object per file per line (JSON Lines), in input order.
    #[arg(long)]
    pub json: bool,

    /// Files scanned at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,

    /// With --json: also what OCR and the glyph matcher saw at every character (for tuning).
    #[arg(long, requires = "json")]
    pub evidence: bool,

    /// Image files (PNG, JPEG, TIFF, BMP, WebP).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// One file's line of JSON output.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    /// The MRZ lines read (after correction), or null when none was found.
    pub lines: Option<Vec<String>>,
    /// true / false, or null when no MRZ was found or the reading needs review.
    pub valid: Option<bool>,
    /// "valid", "invalid" or "needs_review"; null when no MRZ was found.
    pub verdict: Option<Verdict>,
    /// Characters of the reading no evidence confirms, with what else they may be.
    pub doubts: Vec<Doubt>,
    pub format: Option<String>,
    pub verdict_reason: Option<String>,
    pub fields: Vec<FieldReport>,
    pub checks: Vec<CheckReport>,
    pub failed_checks: Vec<&'static str>,
    pub errors: Vec<FindingReport>,
    pub warnings: Vec<FindingReport>,
    /// Each substitution OCR correction made, and why.
    pub corrections: Option<Correction>,
    /// The lines as OCR read them.
    pub ocr_lines: Option<Vec<String>>,
    /// The lines as the OCR-B glyph matcher reads them (a second opinion; `?` where it could not).
    pub glyph_lines: Option<Vec<String>>,
    /// Characters the glyph matcher reads otherwise and no check digit settles (also warnings).
    pub disagreements: Vec<Disagreement>,
    /// Rotation of the document, degrees clockwise.
    pub orientation: Option<f32>,
    pub ocr_calls: usize,
    pub timing_ms: f64,
    /// Why the file could not be scanned (the other files still are).
    pub error: Option<String>,
    /// What the readers saw at every character (`--evidence` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<Vec<CharacterEvidence>>>,
}

impl FileReport {
    fn from_result(path: &Path, result: Result<ScanResult, String>, timing_ms: f64) -> Self {
        let mut out = FileReport {
            path: path.display().to_string(),
            lines: None,
            valid: None,
            verdict: None,
            doubts: Vec::new(),
            format: None,
            verdict_reason: None,
            fields: Vec::new(),
            checks: Vec::new(),
            failed_checks: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            corrections: None,
            ocr_lines: None,
            glyph_lines: None,
            disagreements: Vec::new(),
            orientation: None,
            ocr_calls: 0,
            timing_ms: (timing_ms * 10.0).round() / 10.0,
            error: None,
            evidence: None,
        };
        match result {
            Err(message) => out.error = Some(message),
            Ok(scan) => {
                out.valid = scan.valid();
                out.verdict = scan.verdict();
                out.lines = scan.lines;
                out.ocr_lines = scan.ocr_lines;
                out.glyph_lines = scan.glyph_lines;
                out.disagreements = scan.disagreements;
                out.evidence = Some(scan.evidence);
                out.corrections = scan.correction;
                out.orientation = scan.orientation_degrees;
                out.ocr_calls = scan.ocr_calls;
                if let Some(report) = scan.report {
                    out.format = report.format.map(|f| f.name().to_owned());
                    out.verdict_reason = Some(report.verdict_reason);
                    out.fields = report.fields;
                    out.checks = report.checks;
                    out.failed_checks = report.failed_checks;
                    out.errors = report.errors;
                    out.warnings = report.warnings;
                    out.doubts = report.doubts;
                }
            }
        }
        out
    }
}

/// Scans `files` on `jobs` worker threads, each with its own OCR handle, and hands each result to
/// `emit` in input order as soon as it and all before it are done.
pub fn scan_files(
    files: &[PathBuf],
    jobs: usize,
    policy: DatePolicy,
    mut emit: impl FnMut(usize, FileReport) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, FileReport)>();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for worker in 0..jobs.clamp(1, files.len().max(1)) {
            let sender = sender.clone();
            let next = &next;
            std::thread::Builder::new()
                .name(format!("scan-worker-{worker}"))
                .spawn_scoped(scope, move || {
                    let mut scanner = Scanner::new(policy, ScanOptions::default()).map_err(|e| e.to_string());
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(index) else { break };
                        let start = Instant::now();
                        let result = match &mut scanner {
                            Ok(scanner) => scan_one(scanner, path),
                            Err(message) => Err(message.clone()),
                        };
                        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
                        if sender.send((index, FileReport::from_result(path, result, elapsed))).is_err() {
                            break;
                        }
                    }
                })
                .context("cannot start a scan worker thread")?;
        }
        drop(sender);
        let mut pending = BTreeMap::new();
        let mut expected = 0usize;
        for (index, report) in receiver {
            pending.insert(index, report);
            while let Some(report) = pending.remove(&expected) {
                emit(expected, report)?;
                expected += 1;
            }
        }
        Ok(())
    })
}

fn scan_one(scanner: &mut Scanner, path: &Path) -> Result<ScanResult, String> {
    let bytes = read_image_file(path)?;
    scanner.scan_bytes(&bytes).map_err(|e| e.to_string())
}

/// Reads an image file (a regular file of at most the decoder's size limit).
pub fn read_image_file(path: &Path) -> Result<Vec<u8>, String> {
    let limit = DecodeLimits::default().max_file_bytes as u64;
    docexam_files::read::read_file(path, limit, "image").map_err(|e| e.to_string())
}

/// Default worker count: the cores available.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

pub fn run(args: &ScanArgs, reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    let policy = DatePolicy::new(reference_date);
    let jobs = args.jobs.unwrap_or_else(default_jobs);
    let mut failures = 0usize;
    scan_files(&args.files, jobs, policy, |_, report| {
        if report.error.is_some() {
            failures += 1;
        }
        let text = if args.json {
            let mut report = report;
            if !args.evidence {
                report.evidence = None;
            }
            let mut line = serde_json::to_string(&report).context("cannot write JSON")?;
            line.push('\n');
            line
        } else {
            summary(&report)
        };
        crate::print_stdout(&text)?;
        Ok(())
    })?;
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn summary(r: &FileReport) -> String {
    let mut out = String::new();
    let _ = write!(out, "{}: ", super::escaped(&r.path));
    if let Some(error) = &r.error {
        let _ = writeln!(out, "ERROR {}", super::escaped(error));
        return out;
    }
    match (r.verdict, &r.lines) {
        (None, _) | (_, None) => {
            let _ = writeln!(out, "no MRZ found ({:.0} ms)", r.timing_ms);
        }
        (Some(verdict), Some(lines)) => {
            let verdict = match verdict {
                Verdict::Valid => "VALID",
                Verdict::Invalid => "INVALID",
                Verdict::NeedsReview => "NEEDS REVIEW",
                Verdict::Unreadable => "UNREADABLE",
            };
            let format = r.format.as_deref().unwrap_or("?");
            let orientation = (r.orientation.unwrap_or(0.0).round() as i64).rem_euclid(360);
            let _ = writeln!(out, "{verdict} {format}, rotated {orientation}°, {:.0} ms", r.timing_ms);
            for line in lines {
                let _ = writeln!(out, "  {line}");
            }
            for field in r.fields.iter().filter(|f| !f.value.is_empty()) {
                let _ = writeln!(out, "  {:<22} {}", field.label, field.value);
            }
            if let Some(reason) = &r.verdict_reason {
                let _ = writeln!(out, "  {reason}");
            }
            for finding in r.errors.iter().chain(&r.warnings) {
                let _ = writeln!(out, "  {}: {}", finding.code, finding.message);
            }
            if let Some(c) = &r.corrections {
                for d in &c.dropped_reads {
                    let _ = writeln!(out, "  dropped {:?} on line {}: {}", d.read, d.line + 1, d.explanation);
                }
                for m in &c.merged_reads {
                    let _ = writeln!(out, "  merged {} {:?} -> {:?}: {}", m.at.human(), m.read, m.kept, m.explanation);
                }
                for s in &c.substitutions {
                    let _ = writeln!(out, "  corrected {} {:?} -> {:?}: {}", s.at.human(), s.from, s.to, s.explanation);
                }
            }
        }
    }
    out
}
