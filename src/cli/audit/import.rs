//! `audit import`. (Being built.)

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::SupervisorArgs;

/// `audit import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Another desk's export (with FILE.proof.json beside it).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub supervisor: SupervisorArgs,
}

/// Runs `audit import`.
pub fn run(_db: &Path, _args: &ImportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("audit import: not built yet")
}
