//! `docexam mrz`: check MRZ text given as arguments or on standard input.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Read as _};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use docexam_mrz::correct::{self, CorrectionOptions, CorrectionOutcome};
use docexam_mrz::dates::{CalendarDate, DatePolicy};
use docexam_mrz::report::{MrzReport, Status};
use docexam_mrz::{self as mrz, MAX_INPUT_BYTES, Verdict};

/// Arguments of `docexam mrz`.
#[derive(Debug, Args)]
pub struct MrzArgs {
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Treat the text as OCR output without confidences: repair look-alike confusions (O/0, I/1,
    /// S/5...) where field types and check digits decide, and report every change. Without this
    /// flag nothing is changed.
    #[arg(long)]
    pub ocr_text: bool,

    /// MRZ lines, one argument per line; read from standard input when none are given.
    #[arg(value_name = "LINE")]
    pub lines: Vec<String>,
}

/// Exit statuses.
const EXIT_VALID: u8 = 0;
const EXIT_INVALID: u8 = 1;
const EXIT_UNREADABLE: u8 = 2;
/// Never for text (the text is what was given); kept distinct should a reading ever reach here.
const EXIT_NEEDS_REVIEW: u8 = 3;

pub fn run(args: &MrzArgs, reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    let text = if args.lines.is_empty() { read_stdin()? } else { args.lines.join("\n") };
    let policy = DatePolicy::new(reference_date);
    let report = if args.ocr_text {
        let correction = correct::correct(&correct::candidates_from_ocr_text(&text), &CorrectionOptions::default());
        let text = if correction.outcome == CorrectionOutcome::NotAnMrz { text } else { correction.lines.join("\n") };
        let mut report = MrzReport::from_result(&mrz::check_text(&text, &policy), &policy);
        report.corrections = Some(correction);
        report
    } else {
        MrzReport::from_result(&mrz::check_text(&text, &policy), &policy)
    };
    let output = if args.json {
        let mut json = serde_json::to_string_pretty(&report).context("cannot write the report as JSON")?;
        json.push('\n');
        json
    } else {
        render_text(&report)
    };
    crate::print_stdout(&output)?;
    Ok(ExitCode::from(match report.verdict {
        Verdict::Valid => EXIT_VALID,
        Verdict::Invalid => EXIT_INVALID,
        Verdict::Unreadable => EXIT_UNREADABLE,
        Verdict::NeedsReview => EXIT_NEEDS_REVIEW,
    }))
}

fn read_stdin() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("docexam: reading MRZ lines from standard input; end with Ctrl-D");
    }
    // Read one byte more than an MRZ could ever need, so an endless stream cannot exhaust memory;
    // the core reports the oversize input.
    let mut bytes = Vec::new();
    stdin.lock().take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes).context("cannot read standard input")?;
    String::from_utf8(bytes).context("standard input is not UTF-8 text")
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Warning => "WARNING",
        Status::Error => "ERROR",
    }
}

/// The human-readable table.
pub fn render_text(report: &MrzReport) -> String {
    let mut out = String::new();
    let verdict = match report.verdict {
        Verdict::Valid => "VALID",
        Verdict::Invalid => "INVALID",
        Verdict::Unreadable => "UNREADABLE",
        Verdict::NeedsReview => "NEEDS REVIEW",
    };
    let format = report.format_description.unwrap_or("no MRZ format");
    let _ = writeln!(out, "{format}: {verdict}");
    let _ = writeln!(out, "  {}", report.verdict_reason);
    let _ = writeln!(out);
    for line in &report.lines {
        let _ = writeln!(out, "  {line}");
    }
    if !report.fields.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "{:<22} {:<28} {:<14} {:<8} NOTES", "FIELD", "VALUE", "WHERE", "STATUS");
        for field in &report.fields {
            let mut place = field.at.human();
            if let Some(cont) = field.continuation {
                let _ = write!(
                    place,
                    "+{}",
                    cont.human().trim_start_matches(|c: char| c == 'L' || c.is_ascii_digit()).trim()
                );
            }
            let notes = if field.reasons.is_empty() { field.explanation.clone() } else { field.reasons.join("; ") };
            let _ = writeln!(
                out,
                "{:<22} {:<28} {:<14} {:<8} {}",
                field.label,
                field.value,
                place,
                status_word(field.status),
                notes
            );
        }
    }
    if !report.checks.is_empty() {
        let _ = writeln!(out);
        let _ =
            writeln!(out, "{:<30} {:<8} {:<9} {:<7} {:<8}", "CHECK DIGIT", "PRINTED", "COMPUTED", "WHERE", "STATUS");
        for check in &report.checks {
            let place = check.at.map_or_else(|| "-".to_owned(), |a| a.human());
            let printed = check.printed.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "{:<30} {:<8} {:<9} {:<7} {:<8}",
                check.label,
                printed,
                check.computed,
                place,
                status_word(check.status)
            );
        }
    }
    if let Some(correction) = &report.corrections {
        let _ = writeln!(out);
        let _ = writeln!(out, "OCR repair: {:?}", correction.outcome);
        for d in &correction.dropped_reads {
            let _ = writeln!(out, "  line {} {:?} left out: {}", d.line + 1, d.read, d.explanation);
        }
        for m in &correction.merged_reads {
            let _ = writeln!(out, "  {} {:?} -> {:?}: {}", m.at.human(), m.read, m.kept, m.explanation);
        }
        for s in &correction.substitutions {
            let _ = writeln!(out, "  {} {:?} -> {:?}: {}", s.at.human(), s.from, s.to, s.explanation);
        }
        for (i, alternative) in correction.alternatives.iter().enumerate() {
            let _ = writeln!(out, "  possible reading {}: {}", i + 1, alternative.join(" / "));
        }
        for b in &correction.blind_spots {
            let _ = writeln!(
                out,
                "  {} {:?} could also be {:?}: no check digit can tell them apart",
                b.at.human(),
                b.read,
                b.alternative
            );
        }
    }
    for (title, findings) in [("errors", &report.errors), ("warnings", &report.warnings)] {
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "{title}:");
        for f in findings {
            let place = f.at.map_or_else(String::new, |a| format!(" at {}", a.human()));
            let _ = writeln!(out, "  {}{place}: {}", f.code, f.message);
        }
    }
    out
}
