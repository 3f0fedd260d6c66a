//! `audit export`. (Being built.)

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::SupervisorArgs;

/// Export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Spreadsheet-safe CSV (formulas neutralised), one row per record, with the exact leaf.
    Csv,
    /// One JSON object per line, with the exact leaf.
    Jsonl,
}

/// `audit export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,

    /// Output file; the proof is written beside it as FILE.proof.json.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Include personal data (names, birth dates, document numbers) where the log still has it.
    #[arg(long)]
    pub personal_data: bool,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

/// Runs `audit export`.
pub fn run(_db: &Path, _args: &ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("audit export: not built yet")
}
