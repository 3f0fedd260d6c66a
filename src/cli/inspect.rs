//! `docexam inspect`: a first-line inspection in the terminal.

use std::path::Path;
use std::process::ExitCode;

use docexam::mrz::dates::CalendarDate;

/// Arguments of `docexam inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {}

/// Runs `docexam inspect`.
pub fn run(_args: &InspectArgs, _manuals_dir: Option<&Path>, _reference_date: CalendarDate) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`docexam inspect` is being built (issue #5)")
}
