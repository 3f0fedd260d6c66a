//! `audit append-loop` (hidden; the crash tests' writer) and `audit bench`. (bench: being built.)

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use docexam::inspection::Inspection;

use super::{EXIT_CANNOT, open_for_writing, report_error};

/// `audit append-loop`.
#[derive(Debug, clap::Args)]
pub struct AppendLoopArgs {
    /// The inspection record to append again and again (JSON, as `docexam inspect` prints it).
    #[arg(long, value_name = "FILE")]
    pub json: PathBuf,

    /// Stop after this many records (default: until killed).
    #[arg(long)]
    pub count: Option<u64>,
}

/// `audit bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Records in the large log for the verify and export timings.
    #[arg(long, default_value_t = 1_000_000)]
    pub records: u64,

    /// Folder for the benchmark databases (default: a new folder in the system temp folder).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `audit append-loop`: after each commit, prints `committed N` and flushes, so a parent that
/// kills this process knows exactly which records were acknowledged.
pub fn append_loop(db: &Path, args: &AppendLoopArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read(&args.json)?;
    let inspection: Inspection = serde_json::from_slice(&text)?;
    let mut log = match open_for_writing(db) {
        Ok(log) => log,
        Err(e) => return Ok(report_error(&e)),
    };
    let mut stdout = std::io::stdout().lock();
    let mut written = 0u64;
    while args.count.is_none_or(|count| written < count) {
        match log.record_inspection(&inspection) {
            Ok(appended) => {
                writeln!(stdout, "committed {}", appended.seq)?;
                stdout.flush()?;
                written += 1;
            }
            Err(e) => {
                eprintln!("docexam: {e}");
                return Ok(ExitCode::from(EXIT_CANNOT));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `audit bench`.
pub fn run(_args: &BenchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("audit bench: not built yet")
}
