//! `docexam manual check|list|show`.

use std::path::Path;
use std::process::ExitCode;

/// Arguments of `docexam manual`.
#[derive(Debug, clap::Args)]
pub struct ManualArgs {}

/// Runs `docexam manual`.
pub fn run(_args: &ManualArgs, _manuals_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`docexam manual` is being built (issue #5)")
}
