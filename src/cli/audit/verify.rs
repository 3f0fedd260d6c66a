//! `audit verify [--db PATH | --export FILE] [--against PROOF]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docexam_audit::export::{verify_database_against, verify_export};
use docexam_audit::{VerifyReport, verify_database};

use super::{EXIT_CANNOT, EXIT_TAMPERED};

/// `audit verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Verify an export (FILE and FILE.proof.json) instead of the database.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,

    /// An earlier export's proof file: the log must extend it (detects a rewritten or cut log).
    #[arg(long, value_name = "PROOF")]
    pub against: Option<PathBuf>,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `audit verify`.
pub fn run(db: &Path, _db_given: bool, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let report = match &args.export {
        Some(export) => verify_export(export, args.against.as_deref()),
        None => verify_database(db).and_then(|mut report| {
            if let Some(against) = &args.against {
                verify_database_against(db, against, &mut report)?;
            }
            Ok(report)
        }),
    };
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            eprintln!("docexam: cannot verify: {e}");
            return Ok(ExitCode::from(EXIT_CANNOT));
        }
    };
    print_report(&report, args.json)?;
    Ok(if report.intact() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_TAMPERED) })
}

/// Prints a verify report (one verdict line first).
pub fn print_report(report: &VerifyReport, json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    match report.findings.first() {
        None => outln!("INTACT: {}", report.source),
        Some(first) => outln!("TAMPERED: {}: {first}", report.source),
    }
    for chain in report.own.iter().chain(&report.imported) {
        outln!(
            "  desk {}: {} records, signed up to {}, head {}, key {}",
            chain.desk,
            chain.records,
            chain.signed_size,
            chain.head,
            chain.key_fingerprint.as_deref().unwrap_or("?")
        );
    }
    if report.personal_data_rows > 0 || report.purged_records > 0 {
        outln!("  personal data: {} records, {} purged", report.personal_data_rows, report.purged_records);
    }
    for finding in report.findings.iter().skip(1) {
        outln!("  also: {finding}");
    }
    for note in &report.notes {
        outln!("  note: {note}");
    }
    Ok(())
}
