//! `audit export --format csv|jsonl --out FILE [--personal-data]` (supervisor).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docexam_audit::export::{self, ExportFormat as Format};
use docexam_exam::digest::to_hex;

use super::{SupervisorArgs, authenticate, open_for_writing, report_error};

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Spreadsheet-safe CSV (formulas neutralised), one row per record, with the exact leaf.
    Csv,
    /// One JSON object per line, with the exact leaf.
    Jsonl,
}

impl From<ExportFormat> for Format {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Jsonl => Format::Jsonl,
        }
    }
}

/// `audit export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,

    /// Output file (never overwritten); the proof is written beside it as FILE.proof.json.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Include personal data (names, birth dates, document numbers) where the log still has it.
    #[arg(long)]
    pub personal_data: bool,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

/// Runs `audit export`.
pub fn run(db: &Path, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    let by = match authenticate(&mut log, &args.supervisor, "export the log") {
        Ok(actor) => actor,
        Err(code) => return Ok(code),
    };
    match export::export_log(&mut log, args.format.into(), &args.out, args.personal_data, by) {
        Ok(summary) => {
            outln!("exported {} records of desk {} to {}", summary.records, log.desk(), summary.file.display());
            outln!("proof       {}", summary.proof.display());
            outln!("chain head  {}", to_hex(&summary.head));
            outln!("sha256      {}", to_hex(&summary.sha256));
            if args.personal_data {
                outln!("personal data included for {} records", summary.personal_data_rows);
            }
            outln!("recorded as #{}", summary.recorded.seq);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(report_error(&e)),
    }
}
