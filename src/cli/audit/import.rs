//! `audit import FILE` (supervisor): merge another desk's verified export.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docexam_audit::import::{ImportOutcome, import_export};
use docexam_exam::digest::to_hex;

use super::verify::print_report;
use super::{EXIT_REFUSED, EXIT_TAMPERED, SupervisorArgs, authenticate, open_for_writing, report_error};

/// `audit import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Another desk's export (with FILE.proof.json beside it).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

/// Runs `audit import`: exit 0 imported (or nothing new), 1 refused (own desk, other key, fork),
/// 2 cannot read, 3 the export was tampered with.
pub fn run(db: &Path, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    let by = match authenticate(&mut log, &args.supervisor, "import an export") {
        Ok(actor) => actor,
        Err(code) => return Ok(code),
    };
    match import_export(&mut log, &args.file, by) {
        Ok(ImportOutcome::Imported { desk, range, head, recorded }) => {
            outln!(
                "imported desk {desk}: records {} to {} ({} new), head {}; recorded as #{}",
                range.0,
                range.1,
                range.1 - range.0 + 1,
                to_hex(&head),
                recorded.seq
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(ImportOutcome::AlreadyImported { desk, records }) => {
            outln!("already imported: nothing changed (desk {desk}, {records} records held)");
            Ok(ExitCode::SUCCESS)
        }
        Ok(ImportOutcome::Refused { refusal, reason, report, recorded }) => {
            eprintln!("docexam: import refused: {reason} (the refusal is recorded as #{})", recorded.seq);
            if let Some(report) = report {
                print_report(&report, false)?;
            }
            Ok(ExitCode::from(if refusal.is_tampering() { EXIT_TAMPERED } else { EXIT_REFUSED }))
        }
        Err(e) => Ok(report_error(&e)),
    }
}
