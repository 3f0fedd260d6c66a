//! `audit list`, `audit stats`, `audit purge`. (Being built.)

use std::path::Path;
use std::process::ExitCode;

use super::SupervisorArgs;

/// `audit list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only records written on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only inspections with this outcome (repeatable): admit, refer_second_line, refuse, seize, send_to_laboratory.
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: Vec<String>,

    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `audit stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Group by.
    #[arg(long, value_enum, default_value_t = GroupBy::Outcome)]
    pub by: GroupBy,

    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    pub format: StatsFormat,

    /// Only inspections decided on or after this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

/// `audit stats --by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    /// Decision outcome.
    Outcome,
    /// Failure codes of failed items (CF, FG-PS, ...).
    FraudType,
    /// Nationality from the MRZ.
    Nationality,
    /// Officer id.
    Officer,
    /// Hour of the day (UTC) the inspection was decided.
    Hour,
}

/// `audit stats --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    /// Aligned columns.
    Table,
    /// CSV with a header.
    Csv,
}

/// `audit purge`.
#[derive(Debug, clap::Args)]
pub struct PurgeArgs {
    /// Remove personal data of inspections recorded before this date (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub before: String,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

/// Runs `audit list`.
pub fn list(_db: &Path, _args: &ListArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("audit list: not built yet")
}

/// Runs `audit stats`.
pub fn stats(_db: &Path, _args: &StatsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("audit stats: not built yet")
}

/// Runs `audit purge`.
pub fn purge(_db: &Path, _args: &PurgeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("audit purge: not built yet")
}
